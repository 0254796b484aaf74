"""Checks: every semantic, provenance and lint problem in banks that were read.

The checks live by family (questions, limits, banks, provenance, lint) and register
themselves in `registry`; importing this module imports every family. `load` is where
every command starts: read + check. Nothing here raises for a user's mistake.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Importing a family of checks registers it.
from quizgen.bank import across as _across  # noqa: F401
from quizgen.bank import banks as _banks  # noqa: F401
from quizgen.bank import helper
from quizgen.bank import keys as _keys  # noqa: F401
from quizgen.bank import limits as _limits  # noqa: F401
from quizgen.bank import lint as _lint  # noqa: F401
from quizgen.bank import patterns as _patterns  # noqa: F401
from quizgen.bank import questions as _questions  # noqa: F401
from quizgen.bank.accept import Accepted, apply, forget_settings
from quizgen.bank.memory import gc_paused
from quizgen.bank.model import Bank, Question
from quizgen.bank.provenance import Articles, EvidenceSummary, check_provenance
from quizgen.bank.read import find_bank_files, read_banks
from quizgen.bank.registry import BANK_CHECKS, CORPUS_CHECKS, question_diagnostics
from quizgen.diagnostics import Diagnostic, Severity, diagnostic, has_errors, promote_warnings


def check_banks(banks: list[Bank], articles: Path | None = None) -> list[Diagnostic]:
    """Run every check over `banks`; with `articles`, check evidence against the articles."""
    return _check_banks(banks, Articles(articles) if articles is not None else None)


def _check_banks(banks: list[Bank], store: Articles | None) -> list[Diagnostic]:
    with gc_paused():
        return _run_checks(banks, store)


def _run_checks(banks: list[Bank], store: Articles | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    # Banks whose last questions a child process is checking (helper.py): those are left to
    # it, and what it found is collected once everything else here is done.
    helped: list[tuple[Bank, helper.Helper]] = []
    for bank in banks:
        for check in BANK_CHECKS:
            found.extend(check(bank))
        child = helper.take(bank)
        if child is None:
            found.extend(question_diagnostics(bank, bank.questions, bank.unsound))
        else:
            helped.append((bank, child))
            mine, _ = _split(bank, child.from_line)
            found.extend(question_diagnostics(bank, *mine))
        if store is not None:
            found.extend(check_provenance(bank, store))
    for corpus_check in CORPUS_CHECKS:
        found.extend(corpus_check(banks))
    for bank, child in helped:
        theirs = child.result()
        if theirs is None:  # the child failed: its questions are checked here after all
            _, left = _split(bank, child.from_line)
            theirs = question_diagnostics(bank, *left)
        found.extend(theirs)
    return found


def _place(d: Diagnostic) -> tuple[str, int, int, str, str, str, str]:
    """The order of `Diagnostic` (its fields in turn), as one tuple: sorting 100,000 warnings
    by it makes one key each instead of calling the dataclass's `__lt__` a million times."""
    return (d.path, d.line, d.col, d.severity, d.code, d.message, d.hint)


def _split(bank: Bank, line: int) -> tuple[tuple[list[Question], list[Question]], ...]:
    """The questions and unsound questions of `bank` that start before `line`, and the others."""
    parts: tuple[tuple[list[Question], list[Question]], ...] = (([], []), ([], []))
    for n, qs in enumerate((bank.questions, bank.unsound)):
        for q in qs:
            parts[q.pos().line >= line][n].append(q)
    return parts


@dataclass(frozen=True)
class Checked:
    """Banks that were read, and every problem found in them, sorted by place."""

    banks: list[Bank]
    diagnostics: list[Diagnostic]
    # False when a bank or question has a value the reader could not use: writers must not run.
    complete: bool = True
    # What the evidence check covered; None when it did not run (no --articles).
    evidence: EvidenceSummary | None = None
    # Warnings an author accepted (a question's, a bank's or the project's `accepted`).
    accepted: list[Accepted] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    @property
    def ok(self) -> bool:
        return self.complete and not has_errors(self.diagnostics)


def load(
    paths: Iterable[Path],
    articles: Path | None = None,
    *,
    strict: bool = False,
    ignore: Iterable[str] = (),
) -> Checked:
    """Read and check bank files (folders are searched for *.yaml): where every command starts."""
    # One pause for the whole load: re-enabled between reading and checking (or before the
    # accepts are applied), the collector would walk every object of the model at once.
    with gc_paused():
        try:
            return _load(paths, articles, strict, ignore)
        finally:
            helper.cancel_all()  # a child whose bank was never checked (an error on the way)


def _load(paths: Iterable[Path], articles: Path | None, strict: bool, ignore: Iterable[str]) -> Checked:
    forget_settings()
    inputs = find_bank_files(paths)
    banks, found = read_banks(inputs.files, helped=True)
    found.extend(diagnostic("QG006", name, 1, 1, "no such file or folder") for name in inputs.missing)
    found.extend(
        diagnostic("QG007", str(s.path), 1, 1, f"not read: {s.reason}", "remove it or point it at a bank")
        for s in inputs.skipped
    )
    # --ignore applies to the checks only: what the reader reports left a value unusable,
    # and hiding it would make a question vanish from the outputs without a word.
    skip = set(ignore)
    store = Articles(articles) if articles is not None else None
    found.extend(d for d in _check_banks(banks, store) if d.code not in skip)
    found, accepted = apply(banks, found, articles=articles is not None)
    if strict:
        found = promote_warnings(found)
    complete = all(not bank.broken and not bank.unsound for bank in banks)
    summary = store.summary() if store is not None else None
    return Checked(
        [bank for bank in banks if not bank.broken],
        sorted(found, key=_place),
        complete,
        summary,
        sorted(accepted, key=lambda a: a.diagnostic),
    )
