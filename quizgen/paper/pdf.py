"""PDF quizzes and answer keys, laid out by Typst (the `typst` package, no external tool).

The template (templates/quiz.typ) ships in the package; the quiz goes to it as JSON
through `sys_inputs`, so bank text is data to Typst and never markup. Output is
reproducible: only the fonts embedded in Typst are used (never the machine's), and
the PDF's date comes from SOURCE_DATE_EPOCH when it is set.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path

from quizgen.errors import RenderError
from quizgen.output import write_set
from quizgen.paper.document import document, key_path
from quizgen.select import Quiz, Version

SUFFIX = ".pdf"

PARTS = ("quiz", "key")


@cache
def template() -> bytes:
    """The Typst source of the quiz and key layout."""
    return resources.files("quizgen.paper").joinpath("templates", "quiz.typ").read_bytes()


def render_files(quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True) -> dict[Path, bytes]:
    """The PDF of all versions of `quiz` for `out` and, when `key`, the answer key beside it.

    Raises RenderError (naming the question) if Typst fails.
    """
    parts = PARTS if key else PARTS[:1]
    rendered = render(quiz, paper=paper, parts=parts)
    targets = [out, key_path(out)][: len(parts)]
    return dict(zip(targets, rendered, strict=True))


def write(quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True) -> list[Path]:
    """Write all versions of `quiz` to `out` (PDF) and, when `key`, the answer key beside it.

    Both files are rendered, then written as one set: a Typst error writes nothing.
    Returns the paths written.
    """
    return write_set(render_files(quiz, out, paper=paper, key=key))


def render(
    quiz: Quiz, *, paper: str = "a4", parts: tuple[str, ...] = PARTS, blame: bool = True
) -> list[bytes]:
    """The PDF bytes of each of `parts` ("quiz", "key") of `quiz`.

    Raises RenderError if Typst fails; with `blame`, the message names the question.
    """
    with tempfile.TemporaryDirectory(prefix="quizgen-typst-") as tmp:
        root = Path(tmp)
        doc = document(quiz, paper=paper, image=ImageCopier(root))
        data = json.dumps(doc, ensure_ascii=False)
        try:
            # One after the other: Typst already lays out on every core, and compiling
            # the quiz and key side by side measured slower on a 2-core machine.
            return [_compile(data, root, part) for part in parts]
        except RenderError as exc:
            if not blame:
                raise
            raise RenderError(_blame(quiz, paper, str(exc))) from None


class ImageCopier:
    """Copies each image into the Typst root and names it there.

    Typst reads files only below its root. Copying the few images a quiz prints into
    a private root (rather than widening the root to the banks' folders) keeps Typst
    away from every other file on the machine.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        name = self.names.get(path)
        if name is None:
            name = f"/images/{len(self.names)}{path.suffix.lower()}"
            target = self.root / name.lstrip("/")
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, target)
            self.names[path] = name
        return name


def _timestamp() -> int | None:
    """The PDF's creation date: SOURCE_DATE_EPOCH for reproducible builds, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else None


def _compile(data: str, root: Path, part: str) -> bytes:
    import typst

    try:
        # The stub ties `input` and `root` to one type; Typst takes bytes and a str path.
        out = typst.compile(  # type: ignore[call-overload]
            template(),
            format="pdf",
            root=str(root),
            sys_inputs={"doc": data, "part": part},
            ignore_system_fonts=True,
            timestamp=_timestamp(),
        )
    except typst.TypstError as exc:
        raise RenderError(_describe(exc)) from None
    if not isinstance(out, bytes):  # pragma: no cover - typst returns bytes when there is no output path
        raise RenderError("Typst returned no PDF")
    return out


def _describe(exc: Exception) -> str:
    message = str(getattr(exc, "message", "") or exc).strip()
    hints = [h for h in getattr(exc, "hints", None) or [] if h]
    return message + "".join(f"\n    hint: {h}" for h in hints)


def _fails(quiz: Quiz, paper: str) -> bool:
    try:
        render(quiz, paper=paper, blame=False)
    except RenderError:
        return True
    return False


def _blame(quiz: Quiz, paper: str, message: str) -> str:
    """Find the question Typst fails on by printing each alone, and say which it is.

    Only runs after a failure, so a good quiz never pays for it. When even a quiz
    without questions fails, the fault is quizgen's template, not a question.
    """
    if quiz.versions:
        first = quiz.versions[0]
        if not _fails(replace(quiz, versions=(Version(first.letter, ()),)), paper):
            for item in first.items:
                alone = (Version(first.letter, (replace(item, number=1),)),)
                if _fails(replace(quiz, versions=alone), paper):
                    q = item.question
                    pos = q.pos("image") if q.image and "image" in message else q.pos()
                    return f"{item.bank.path}:{pos.line}:{pos.col}: cannot print question '{q.id}': {message}"
    return f"cannot print the quiz (a bug in quizgen's template?): {message}"


__all__ = ["SUFFIX", "key_path", "render", "render_files", "write"]
