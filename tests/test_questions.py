"""Our own banks: checked against their articles, and held to the content bar of the project."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from quizgen.bank.check import load
from quizgen.bank.model import QUESTION_KINDS, Choice
from quizgen.select import letter
from tests.conftest import ARTICLES, QUESTIONS, requires_articles

BANKS = sorted(QUESTIONS.glob("*.yaml"))


@requires_articles
def test_every_bank_checks_clean_against_its_article_in_strict_mode() -> None:
    checked = load([QUESTIONS], ARTICLES, strict=True)
    assert [d.format_text() for d in checked.diagnostics] == []
    assert len(checked.banks) == 3


def test_the_banks_load_without_the_articles() -> None:
    checked = load([QUESTIONS])
    assert checked.ok and not checked.diagnostics


@pytest.mark.parametrize("path", BANKS, ids=[p.stem for p in BANKS])
def test_each_bank_meets_the_content_bar(path: Path) -> None:
    (bank,) = load([path]).banks
    kinds = Counter(q.kind for q in bank.questions)
    assert len(bank.questions) >= 30
    assert set(kinds) == set(QUESTION_KINDS), "all nine types in every bank"
    hard = sum(q.difficulty == "hard" for q in bank.questions)
    assert hard * 4 >= len(bank.questions), "at least a quarter hard"
    assert all(q.evidence and q.explanation and q.difficulty for q in bank.questions)
    assert bank.source is not None and bank.source.file and bank.source.published
    assert bank.deck_name.startswith("Belarus and the war::")


@pytest.mark.parametrize("path", BANKS, ids=[p.stem for p in BANKS])
def test_right_answers_of_choice_questions_are_spread_over_positions(path: Path) -> None:
    (bank,) = load([path]).banks
    positions = Counter(letter(q.choices.index(q.answer)) for q in bank.questions if isinstance(q, Choice))
    assert len(positions) >= 3 and max(positions.values()) - min(positions.values()) <= 2


def test_no_choice_is_all_or_none_of_the_above() -> None:
    for bank in load([QUESTIONS]).banks:
        for q in bank.questions:
            if isinstance(q, Choice):
                assert not any("of the above" in c.lower() for c in q.choices), q.id
