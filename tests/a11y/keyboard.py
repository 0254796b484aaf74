"""Real key presses in headless Chromium, over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: Chromium reads commands on fd 3 and answers on fd 4, each message
JSON ending in a NUL byte). Nothing to install beyond Chromium."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.a11y.browser import CHROMIUM


class Browser:
    """One headless Chromium with one page; `press` sends a key as a keyboard does."""

    def __init__(self, width: int = 390, height: int = 844) -> None:
        assert CHROMIUM is not None, "chromium is not installed"
        self._profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def onto_3_and_4() -> None:  # in the child, before exec: our pipe ends become fds 3 and 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in (to_chrome_r, from_chrome_w)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self._proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--remote-debugging-pipe",
             f"--user-data-dir={self._profile.name}", f"--window-size={width},{height}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=onto_3_and_4, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session=True)

    def send(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_chrome, 1 << 16)
                assert chunk, "chromium closed the pipe"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._id:
                assert "error" not in answer, answer["error"]
                return answer.get("result", {})  # type: ignore[no-any-return]

    def open(self, page: Path) -> None:
        self.send("Page.navigate", session=True, url=page.as_uri())
        self.evaluate(
            "new Promise(r => document.readyState === 'complete' ? r() : addEventListener('load', r))"
        )

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", session=True, expression=expression, awaitPromise=True,
                           returnByValue=True)  # fmt: skip
        return result["result"].get("value")

    def press(self, key: str, code: int, shift: bool = False) -> None:
        """A key going down and up, as from a keyboard (not a script's `focus()`)."""
        keys = {"key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        self.send("Input.dispatchKeyEvent", session=True, type="rawKeyDown", **keys)
        self.send("Input.dispatchKeyEvent", session=True, type="keyUp", **keys)

    def close(self) -> None:
        # Asked to close, Chromium ends its renderers too (a kill would leave them running).
        self._id += 1
        with contextlib.suppress(BrokenPipeError):  # it has gone already
            message = {"id": self._id, "method": "Browser.close"}
            os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


FOCUSED = """(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {tag: el.tagName, text: el.textContent.trim().slice(0, 40), href: el.getAttribute('href'),
          shown, visible: el.matches(':focus-visible')};
})()"""

LINKS = (  # what Tab should stop at, in the page's order
    "[...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]"
    ".map(e => e.getAttribute('href') || e.tagName)"
)


def tab_through(browser: Browser, limit: int = 50) -> list[dict[str, Any]]:
    """Press Tab until the focus leaves the page's last stop (or `limit` presses): each stop."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        browser.press("Tab", 9)
        focused = browser.evaluate(FOCUSED)
        if focused is None or (stops and focused == stops[0]):
            break
        stops.append(focused)
    return stops
