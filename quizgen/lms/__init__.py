"""Learning-platform exports: Moodle XML, GIFT, Canvas QTI 1.2 and flashcard CSV.

Each format is a small module with `SUFFIX`, `check(bank, question, options)` (what
the format cannot carry, as diagnostics) and `render(questions, options) -> bytes`.
`export` runs the checks first: a question with any diagnostic is left out, never
turned into something else, and the diagnostics say where and why.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from quizgen.bank.memory import gc_paused
from quizgen.bank.model import Bank, Question
from quizgen.diagnostics import Diagnostic, diagnostic

FORMATS: dict[str, str] = {
    "moodle": "quizgen.lms.moodle",
    "gift": "quizgen.lms.gift",
    "qti": "quizgen.lms.qti",
    "csv": "quizgen.lms.csv",
}

# The name a user reads in a message.
FORMAT_NAMES: dict[str, str] = {
    "moodle": "Moodle XML",
    "gift": "GIFT",
    "qti": "Canvas QTI",
    "csv": "CSV",
}

SEPARATORS: dict[str, str] = {"comma": ",", "tab": "\t", "semicolon": ";"}

Pair = tuple[Bank, Question]


@dataclass(frozen=True)
class ExportOptions:
    """What the teacher asked for. `separator` is CSV's; `title` names a Canvas quiz."""

    title: str = "Quiz"
    separator: str = ","


class Writer(Protocol):
    SUFFIX: str

    def check(self, bank: Bank, q: Question, options: ExportOptions) -> Iterator[Diagnostic]: ...

    def render(self, questions: Sequence[Pair], options: ExportOptions) -> bytes: ...


def _lost(w: Writer, kept: Sequence[Pair], options: ExportOptions) -> list[Diagnostic]:
    """What the format writes differently for the questions it keeps (a writer's optional
    `lost(questions, options)`): one warning per property, naming every question."""
    lost = getattr(w, "lost", None)
    return list(lost(kept, options)) if lost is not None else []


@dataclass(frozen=True)
class Export:
    """The rendered file (None when no question could be carried) and what was left out."""

    data: bytes | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: int = 0


def writer(fmt: str) -> Writer:
    """The writer module of `fmt` (imported on first use)."""
    module: Writer = importlib.import_module(FORMATS[fmt])
    return module


def export(questions: Sequence[Pair], fmt: str, options: ExportOptions = ExportOptions()) -> Export:
    """Check every question for `fmt`, then render the ones it can carry."""
    w = writer(fmt)
    # Rendering makes hundreds of thousands of small objects (an XML element per field) and
    # no cycles; with the bank's own objects alive, the cycle collector would walk them all
    # again and again (measured at 10,000 questions: QTI 5.5 s instead of 2.1 s). As for the deck.
    with gc_paused():
        return _export(w, questions, options)


def _export(w: Writer, questions: Sequence[Pair], options: ExportOptions) -> Export:
    found: list[Diagnostic] = []
    kept: list[Pair] = []
    for bank, q in questions:
        problems = list(w.check(bank, q, options))
        found += problems
        if not problems:
            kept.append((bank, q))
    found += _lost(w, kept, options)
    data = w.render(kept, options) if kept else None
    return Export(data, sorted(found), len(kept))


def left_out(code: str, fmt: str, bank: Bank, q: Question, key: str, what: str, hint: str = "") -> Diagnostic:
    """A per-format diagnostic at `key` of `q`: `what` the format cannot carry; `q` is left out."""
    pos = q.pos(key)
    message = f"{FORMAT_NAMES[fmt]} cannot carry {what}; question '{q.id}' is left out"
    return diagnostic(code, str(bank.path), pos.line, pos.col, message, hint)


def written_differently(
    code: str, fmt: str, affected: Sequence[Pair], key: str, what: str, hint: str = ""
) -> Diagnostic:
    """One warning for a property the format cannot carry on questions it still writes:
    at the first affected question, with the count and every affected question's id."""
    bank, q = affected[0]
    pos = q.pos(key)
    ids = ", ".join(f"'{other.id}'" for _, other in affected)
    count = f"{len(affected)} question" + ("s" if len(affected) != 1 else "")
    message = f"{FORMAT_NAMES[fmt]} cannot carry {what}; {count} written without it: {ids}"
    return diagnostic(code, str(bank.path), pos.line, pos.col, message, hint)
