"""Tests of the checker, one file per family of checks, and the corpus of broken banks.

Helpers shared by these tests live here: they build a bank around a few questions and
show each problem as the user reads it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from quizgen.bank.check import load

HEADER = "bank: checks\ntitle: Checks\nquestions:\n"
FIRST_LINE = 4  # the first question of `bank_text` starts on this line


def bank_text(*questions: str, header: str = HEADER) -> str:
    """A bank of `questions`, each written as a YAML mapping at column 1 (`id: ...`).

    The first key of each question goes after `  - `, the others are indented by four
    spaces, so a question's keys sit at column 5 and its first line is `FIRST_LINE`.
    """
    out = [header]
    for question in questions:
        first, *rest = textwrap.dedent(question).strip("\n").splitlines()
        out.append(f"  - {first}\n")
        out.extend(f"    {line}\n" if line else "\n" for line in rest)
    return "".join(out)


def write(folder: Path, text: str, name: str = "bank.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def seen(path: Path | list[Path], articles: Path | None = None, **options: object) -> list[tuple[str, str]]:
    """Each problem as the user reads it: ('line:col CODE message', hint)."""
    paths = path if isinstance(path, list) else [path]
    checked = load(paths, articles, **options)  # type: ignore[arg-type]
    return [(f"{d.line}:{d.col} {d.code} {d.message}", d.hint) for d in checked.diagnostics]
