"""Where checks are registered, and what every family of checks shares.

A check is a small generator of `Diagnostic`s registered in one of four lists: per
question (by kind), per bank, across all banks, and with --articles per question
(evidence). `check.load` runs them all; docs/diagnostics.md lists every code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from quizgen.bank.model import QUESTION_KINDS, Bank, Located, Question
from quizgen.diagnostics import Diagnostic, diagnostic

if TYPE_CHECKING:
    from quizgen.bank.provenance import Article

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SLUG_HINT = "use lowercase letters, digits and single hyphens, e.g. 'joint-unit-purpose'"
_ABOVE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.I)
# "All/none of the above" is an item-writing flaw whether shuffled or not: QG105 (lint.py)
# reports it, and QG051 keeps to the other choices that lean on their neighbours.
ALL_NONE = re.compile(r"\b(all|none) of (the above|these|them)\b", re.I)

QuestionCheck = Callable[[Bank, Question], Iterator[Diagnostic]]
BankCheck = Callable[[Bank], Iterator[Diagnostic]]
CorpusCheck = Callable[[list[Bank]], Iterator[Diagnostic]]
ArticleCheck = Callable[[Bank, Question, "Article"], Iterator[Diagnostic]]

# kind -> [(check, the attributes it reads)]
QUESTION_CHECKS: dict[str, list[tuple[QuestionCheck, frozenset[str]]]] = {kind: [] for kind in QUESTION_KINDS}
BANK_CHECKS: list[BankCheck] = []
CORPUS_CHECKS: list[CorpusCheck] = []
# Run with --articles on every question of a bank whose article was found, with the article
# (keys.py: a wrong answer that the article asserts).
EVIDENCE_CHECKS: list[ArticleCheck] = []


def question_check(
    *kinds: type[Question], reads: tuple[str, ...]
) -> Callable[[QuestionCheck], QuestionCheck]:
    """Register a check for questions of `kinds` (all kinds when none is named).

    `reads` names the attributes the check looks at: on a question with a broken
    attribute (reported by the reader), only the checks that do not read it run.
    """

    def register(fn: QuestionCheck) -> QuestionCheck:
        for kind in kinds or tuple(QUESTION_KINDS.values()):
            QUESTION_CHECKS[kind.kind].append((fn, frozenset(reads)))
        return fn

    return register


def question_diagnostics(
    bank: Bank, questions: Iterable[Question], unsound: Iterable[Question] = ()
) -> list[Diagnostic]:
    """Every per-question check on `questions` of `bank`, and on its `unsound` ones (questions
    with a broken attribute) those that do not read what is broken."""
    found: list[Diagnostic] = []
    for q in questions:
        for qcheck, _ in QUESTION_CHECKS[q.kind]:
            found.extend(qcheck(bank, q))
    for q in unsound:
        for qcheck, reads in QUESTION_CHECKS[q.kind]:
            if reads.isdisjoint(q.broken):
                found.extend(qcheck(bank, q))
    return found


def _at(code: str, bank: Bank, where: Located, key: str, message: str, hint: str = "") -> Diagnostic:
    pos = where.pos(key)
    return diagnostic(code, str(bank.path), pos.line, pos.col, message, hint)


def _visible(name: str) -> str:
    """A file name as the author wrote it in YAML: a NUL shown as \\0."""
    return name.replace("\0", "\\0")


def _count(n: int, noun: str) -> str:
    """`1 choice`, `0 choices`, `3 choices`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
