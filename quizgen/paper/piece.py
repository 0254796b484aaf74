"""One Typst compile, here or in a child process that takes Typst's memory with it.

Typst keeps what it laid out in a cache that lives as long as the process: in one
process, every compile of a big build adds its 0.2 MB per printed question and none is
given back (7.3 GB for a 10,000-question build). A big document is therefore laid out
in pieces (quizgen.paper.pdf), each in a fresh `python -m quizgen.paper.piece` whose
memory goes when it exits. This module imports only Typst, so a child starts in
milliseconds.

Protocol: the document's JSON on stdin, the Typst root, part and date as arguments; the PDF
on stdout and exit 0, or Typst's message on stderr and exit 3.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from importlib import resources
from pathlib import Path

FAILED = 3


class CompileFailed(Exception):
    """Typst refused the document; the message is Typst's, with its hints."""


@cache
def template() -> bytes:
    """The Typst source of the quiz and key layout."""
    return resources.files("quizgen.paper").joinpath("templates", "quiz.typ").read_bytes()


def compile_pdf(
    source: bytes, data: str, root: Path, part: str, *, timestamp: int, tags: bool = True
) -> bytes:
    """Lay out `data` (the document's JSON) with the template `source`, in this process, dated `timestamp`.

    `tags` makes a tagged PDF that meets PDF/UA-1 (Typst checks the rules as it writes:
    a title, the language, headings from level 1, alt text on pictures), the structure a
    screen reader follows. Pieces go without: joining PDFs keeps their pages but not their
    tag trees, and cloning those trees was most of the time (and memory) of joining.
    """
    import typst

    try:
        # The stub ties `input` and `root` to one type; Typst takes bytes and a str path.
        out = typst.compile(  # type: ignore[call-overload]
            source,
            format="pdf",
            root=str(root),
            sys_inputs={"doc": data, "part": part},
            ignore_system_fonts=True,
            timestamp=timestamp,
            pdf_tags=tags,
            pdf_standards=["ua-1"] if tags else [],
        )
    except typst.TypstError as exc:
        raise CompileFailed(describe(exc)) from None
    if not isinstance(out, bytes):  # pragma: no cover - typst returns bytes when there is no output path
        raise CompileFailed("Typst returned no PDF")
    return out


def describe(exc: Exception) -> str:
    message = str(getattr(exc, "message", "") or exc).strip()
    hints = [h for h in getattr(exc, "hints", None) or [] if h]
    return message + "".join(f"\n    hint: {h}" for h in hints)


def compile_in_child(data: str, root: Path, part: str, timestamp: int) -> bytes:
    """Like compile_pdf with the shipped template and no tags, in a fresh process whose memory
    is freed when it exits."""
    done = subprocess.run(
        [sys.executable, "-m", "quizgen.paper.piece", str(root), part, str(timestamp)],
        input=data.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        return done.stdout
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == FAILED:
        raise CompileFailed(message)
    # Killed (out of memory: Typst aborts) or a crash: a message, never a traceback.
    why = f"signal {-done.returncode}" if done.returncode < 0 else f"exit status {done.returncode}"
    tail = message.splitlines()[-1] if message else "no message"
    raise CompileFailed(f"Typst stopped with {why} ({tail})")


def main() -> None:
    """The child's side of compile_in_child."""
    root, part, timestamp = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = sys.stdin.buffer.read().decode("utf-8")
    try:
        pdf = compile_pdf(template(), data, Path(root), part, timestamp=timestamp, tags=False)
    except CompileFailed as exc:
        sys.stderr.write(str(exc))
        raise SystemExit(FAILED) from None
    sys.stdout.buffer.write(pdf)


if __name__ == "__main__":
    main()
