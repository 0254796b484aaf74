"""Pages run in headless Chromium, and what a script measured in them read back.

One Chromium run per page: the page holds a list of HTML documents (card sides, a quiz) as
JSON and a script that shows each in turn, measures it (and runs axe-core on it, when asked)
and writes the results into <pre id="qg-out">, which `--dump-dom` returns.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"

# Skipped only outside CI: there a missing Chromium or axe-core is a failure, not a pass
# (tests/run.sh installs both).
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium is not installed (tests/run.sh installs it)",
)
needs_axe = pytest.mark.skipif(
    (CHROMIUM is None or not AXE.exists()) and not os.environ.get("CI"),
    reason="axe-core is not installed (tests/run.sh runs npm install in tests/a11y/node)",
)

# WCAG 2.0-2.2 A and AA, and axe's best practices: the rules every page must pass.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

MEASURE = Path(__file__).with_name("measure.js")


def run_pages(
    docs: dict[str, str], width: int, *, axe: bool = False, axe_skip: tuple[str, ...] = (), height: int = 900
) -> dict[str, Any]:
    """Each HTML document of `docs` shown in turn in a `width` px window; per name what
    measure.js found (overflow, words broken inside a line, the lowest contrast, focus), and
    with `axe` the axe-core violations (rules `axe_skip` left out)."""
    assert CHROMIUM is not None, "chromium is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = json.dumps(docs).replace("</", "<\\/")
        config = json.dumps({"axe": axe, "axeUrl": AXE.as_uri(), "tags": WCAG, "skip": list(axe_skip)})
        page = folder / "run.html"
        page.write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>run</title></head><body>'
            f'<iframe id="qg-view" style="border:0;width:{width}px;height:{height}px"></iframe>'
            f'<pre id="qg-out"></pre><script type="application/json" id="qg-docs">{data}</script>'
            f"<script>const CONFIG = {config};</script>"
            f"<script>{MEASURE.read_text(encoding='utf-8')}</script></body></html>",
            encoding="utf-8",
        )
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={folder / 'profile'}", f"--window-size={width + 40},{height + 40}",
             "--allow-file-access-from-files", "--virtual-time-budget=600000", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=300, check=True,
        ).stdout  # fmt: skip
    found = re.search(r'<pre id="qg-out">(.*?)</pre>', dom, re.S)
    assert found and found.group(1), dom[-800:]
    result = json.loads(html.unescape(found.group(1)))
    assert "error" not in result, result.get("error")
    return result  # type: ignore[no-any-return]
