"""One broken value must not hide the other problems of its question or bank."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quizgen.bank.check import load
from tests.conftest import diagnostics_of


def test_a_question_missing_its_prompt_still_has_its_other_fields_checked(
    write_bank: Callable[[str, str], Path],
) -> None:
    path = write_bank(
        """
        bank: all-at-once
        title: All at once
        questions:
          - id: Bad_Id
            type: match
            pairs: [[a, b]]
            points: -1
            difficulty: hardd
            tags: [two words]
        """,
        "bank.yaml",
    )
    assert diagnostics_of(path) == [
        "4:5 QG010 question 'Bad_Id' (match) is missing 'prompt'",
        "4:9 QG015 question id 'Bad_Id' is not a slug",
        "6:12 QG027 1 pair; a match needs 2 or more",
        "7:13 QG017 points cannot be negative (-1)",
        "8:17 QG016 unknown difficulty 'hardd'",
        "9:12 QG018 tag 'two words' contains a space",
    ]


def test_checks_that_read_a_broken_value_are_skipped(write_bank: Callable[[str, str], Path]) -> None:
    path = write_bank(
        """
        bank: broken-choices
        title: Broken choices
        questions:
          - id: q
            type: choice
            prompt: Pick one
            choices: nope
            answer: c
        """,
        "bank.yaml",
    )
    # No "answer is not one of the choices": the choices could not be read.
    assert diagnostics_of(path) == ["7:14 QG012 'choices' should be a list of text, not text"]


def test_a_bank_missing_its_title_still_has_its_questions_checked(
    write_bank: Callable[[str, str], Path],
) -> None:
    path = write_bank(
        """
        bank: no-title
        questions:
          - id: q
            type: choice
            prompt: Pick one
            choices: [a, b]
            answer: c
        """,
        "bank.yaml",
    )
    assert diagnostics_of(path) == [
        "1:1 QG010 the bank is missing 'title'",
        "7:13 QG020 answer 'c' is not one of the choices",
    ]
    checked = load([path])
    assert not checked.ok and checked.banks == []


def test_ignore_cannot_hide_what_the_reader_could_not_use(write_bank: Callable[[str, str], Path]) -> None:
    path = write_bank(
        """
        bank: ignored
        title: Ignored
        questions:
          - id: q
            type: truefalse
            prompt: A statement
            answer: maybe
            difficulty: hardd
        """,
        "bank.yaml",
    )
    checked = load([path], ignore=["QG012", "QG016"])
    assert [d.code for d in checked.diagnostics] == ["QG012"]  # QG016 comes from a check: ignored
    assert not checked.ok
