"""Cloze questions: at least one deletion, and every deletion well formed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quizgen.bank.check import load
from quizgen.bank.model import Cloze
from quizgen.bank.text import parse_cloze
from tests.bank.checks import bank_text, seen, write

NO_DELETION_HINT = "mark what the student must recall: The capital is {{c1::Minsk}}."
MALFORMED_HINT = "write {{c1::answer}} or {{c1::answer::hint}}"


def cloze(text: str) -> str:
    # Lines: 4 id, 5 type, 6 text (its value at column 11).
    return f"id: q\ntype: cloze\ntext: {text}"


def problems(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return seen(write(tmp_path, bank_text(cloze(text))))


@pytest.mark.parametrize(
    "text",
    [
        "The capital is {{c1::Minsk}}.",
        "From {{c1::Gomel}} into northern {{c2::Ukraine::country}}.",
        "{{c1::Minsk}} is the capital",  # quoted below: YAML would read '{' as a mapping
        "Two blanks, one card: {{c1::Minsk}} and {{c1::Kyiv}}.",
        "A {{c12::deletion}} with a two-digit number.",
        "A hint may be empty: {{c1::Minsk::}}.",
        "Single braces {are} text: {{c1::Minsk}}.",
    ],
)
def test_well_formed_cloze_is_clean(tmp_path: Path, text: str) -> None:
    assert problems(tmp_path, f'"{text}"') == []


def test_deletions_are_read_with_their_hints(tmp_path: Path) -> None:
    text = '"From {{c1::Gomel}} into northern {{c2:: Ukraine :: country }}."'
    checked = load([write(tmp_path, bank_text(cloze(text)))])
    (question,) = checked.banks[0].questions
    assert isinstance(question, Cloze)
    deletions, problems_found = parse_cloze(question.text)
    assert problems_found == []
    assert [(d.number, d.answer, d.hint) for d in deletions] == [
        (1, "Gomel", ""),
        (2, "Ukraine", "country"),
    ]


@pytest.mark.parametrize(
    "text", ["Russian units marched from the Gomel region.", "Braces {c1::Gomel} are single."]
)
def test_cloze_without_deletion(tmp_path: Path, text: str) -> None:
    assert problems(tmp_path, text) == [("6:11 QG025 cloze text has no deletion", NO_DELETION_HINT)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("From the {{c1:Gomel}} region.", "'{{c1:Gomel}}' is not a deletion like {{c1::answer}}"),
        ("From the {{c1::}} region.", "'{{c1::}}' is not a deletion like {{c1::answer}}"),
        ("From the {{c1::  }} region.", "'{{c1::  }}' is not a deletion like {{c1::answer}}"),
        ("From the {{c0::Gomel}} region.", "'{{c0::Gomel}}' is not a deletion like {{c1::answer}}"),
        ("From the {{Gomel}} region.", "'{{Gomel}}' is not a deletion like {{c1::answer}}"),
        ("From the {{c::Gomel}} region.", "'{{c::Gomel}}' is not a deletion like {{c1::answer}}"),
        ("From the {{c1::Gomel} region.", "unbalanced '{{' or '}}' outside a deletion"),
        ("From the {c1::Gomel}} region.", "unbalanced '{{' or '}}' outside a deletion"),
    ],
    ids=["one-colon", "empty", "blank", "c0", "no-number", "no-digit", "open", "close"],
)
def test_malformed_deletion(tmp_path: Path, text: str, problem: str) -> None:
    assert problems(tmp_path, f'"{text}"') == [
        (f"6:11 QG026 malformed cloze deletion: {problem}", MALFORMED_HINT)
    ]


def test_a_malformed_deletion_beside_a_good_one_is_still_reported(tmp_path: Path) -> None:
    text = '"From {{c1::Gomel}} into northern {{c2:Ukraine}}."'
    assert problems(tmp_path, text) == [
        (
            "6:11 QG026 malformed cloze deletion: '{{c2:Ukraine}}' is not a deletion like {{c1::answer}}",
            MALFORMED_HINT,
        )
    ]


def test_each_malformed_deletion_is_reported(tmp_path: Path) -> None:
    text = '"From {{c1:Gomel}} into northern {{c2:Ukraine}}."'
    assert [m for m, _ in problems(tmp_path, text)] == [
        "6:11 QG026 malformed cloze deletion: '{{c1:Gomel}}' is not a deletion like {{c1::answer}}",
        "6:11 QG026 malformed cloze deletion: '{{c2:Ukraine}}' is not a deletion like {{c1::answer}}",
    ]


def test_an_empty_cloze_text(tmp_path: Path) -> None:
    assert problems(tmp_path, "''") == [("6:11 QG014 'text' is empty", "write the text or remove the key")]


def test_a_block_cloze_text_points_at_its_first_line(tmp_path: Path) -> None:
    question = "id: q\ntype: cloze\ntext: |\n  Russian units marched\n  from the Gomel region."
    assert seen(write(tmp_path, bank_text(question))) == [
        ("6:11 QG025 cloze text has no deletion", NO_DELETION_HINT)
    ]


def test_unclosed_braces_are_checked_in_linear_time() -> None:
    start = time.perf_counter()
    deletions, problems_found = parse_cloze("{{" * 8_000)
    assert time.perf_counter() - start < 0.2
    assert (deletions, problems_found) == ([], ["unbalanced '{{' or '}}' outside a deletion"])
