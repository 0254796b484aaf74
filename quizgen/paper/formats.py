"""The output formats, by name. Adding a format adds a module and a line here, not CLI branches."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

# format name -> module with SUFFIX, render_files(quiz, out, *, paper, key) -> {path: bytes}
# (no file-system policy: quizgen.output writes the set) and write(...) -> list[Path]
QUIZ_FORMATS: dict[str, str] = {
    "pdf": "quizgen.paper.pdf",
    "html": "quizgen.paper.html",
    "md": "quizgen.paper.markdown",
}

SUFFIXES: dict[str, str] = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md"}


def quiz_writer(fmt: str) -> ModuleType:
    """The writer module of a quiz format (imported on first use: they pull in Typst, Jinja2)."""
    return importlib.import_module(QUIZ_FORMATS[fmt])


def format_for(out: Path) -> str | None:
    """The quiz format a file name asks for, if its suffix names one."""
    return SUFFIXES.get(out.suffix.lower())
