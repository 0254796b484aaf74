"""Choice and multi questions: answers among the choices, duplicates, counts, lint warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.bank.check import load
from quizgen.bank.model import Choice
from tests.bank.checks import bank_text, seen, write

# Lines: 4 id, 5 type, 6 prompt, 7 choices, 8 answer, 9 and on: extra keys.
CHOICE = """
id: q
type: choice
prompt: According to British intelligence, what is the joint unit mainly?
choices: [A diversionary tactic, A combat-ready invasion force, A peacekeeping mission]
answer: A diversionary tactic
"""
# "    choices: [" is 14 characters: the first choice is at column 15, then 38, 69.
MULTI = """
id: q
type: multi
prompt: Which of these does Schraibman mention as happening at the same time?
choices:
  - Belarusian volunteers fighting for Ukraine
  - The opposition militarizing abroad
  - NATO troops entering Belarus from Poland
answer:
  - Belarusian volunteers fighting for Ukraine
  - The opposition militarizing abroad
"""
# MULTI: choices on lines 8-10 and answers on lines 12-13, each item at column 9.


def problems(tmp_path: Path, *questions: str) -> list[tuple[str, str]]:
    return seen(write(tmp_path, bank_text(*questions)))


def test_sound_choice_and_multi_questions_are_clean(tmp_path: Path) -> None:
    assert problems(tmp_path, CHOICE, MULTI.replace("id: q", "id: r")) == []


# -- answer not a choice -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("A diversion tactic", "the closest choice is 'A diversionary tactic'"),
        ("A peace-keeping mission", "the closest choice is 'A peacekeeping mission'"),
        ("An invasion force", "the closest choice is 'A combat-ready invasion force'"),
        (
            "a Diversionary Tactic",
            "did you mean 'A diversionary tactic'? (an answer must match its choice exactly)",
        ),
    ],
)
def test_choice_answer_not_among_the_choices(tmp_path: Path, answer: str, hint: str) -> None:
    question = CHOICE.replace("answer: A diversionary tactic", f"answer: {answer}")
    assert problems(tmp_path, question) == [(f"8:13 QG020 answer '{answer}' is not one of the choices", hint)]


def test_multi_answer_not_among_the_choices(tmp_path: Path) -> None:
    question = MULTI.replace(
        "answer:\n  - Belarusian volunteers fighting for Ukraine\n  - The opposition militarizing",
        "answer:\n  - Belarusian volunteers fighting for Ukraine\n  - The opposition militarising",
    )
    assert problems(tmp_path, question) == [
        (
            "13:9 QG020 answer 'The opposition militarising abroad' is not one of the choices",
            "the closest choice is 'The opposition militarizing abroad'",
        )
    ]


def test_multi_answer_written_as_one_text_not_among_the_choices(tmp_path: Path) -> None:
    question = (
        "id: q\ntype: multi\nprompt: Which are neighbours of Belarus?\n"
        "choices: [Lithuania, Poland, Spain]\nanswer: Polska"
    )
    assert problems(tmp_path, question) == [
        ("8:13 QG020 answer 'Polska' is not one of the choices", "the closest choice is 'Poland'")
    ]


def test_every_wrong_multi_answer_is_reported(tmp_path: Path) -> None:
    question = (
        "id: q\ntype: multi\nprompt: Which are neighbours of Belarus?\n"
        "choices: [Lithuania, Poland, Spain]\nanswer: [Latvia, Poland, Ukraine]"
    )
    assert [m for m, _ in problems(tmp_path, question)] == [
        "8:14 QG020 answer 'Latvia' is not one of the choices",
        "8:30 QG020 answer 'Ukraine' is not one of the choices",
    ]


def test_numbers_as_choices_are_compared_as_written(tmp_path: Path) -> None:
    fine = "id: q\ntype: choice\nprompt: Which year?\nchoices: [1990, 2005, 2020]\nanswer: 2020"
    path = write(tmp_path, bank_text(fine))
    checked = load([path])
    assert checked.diagnostics == []
    question = checked.banks[0].questions[0]
    assert isinstance(question, Choice) and question.choices == ("1990", "2005", "2020")
    # 2020.0 is the same number but not the same text as the choice 2020.
    assert problems(tmp_path, fine.replace("answer: 2020", "answer: 2020.0")) == [
        ("8:13 QG020 answer '2020.0' is not one of the choices", "the closest choice is '2020'")
    ]


# -- duplicates and counts ------------------------------------------------------------------------


def test_duplicate_choice(tmp_path: Path) -> None:
    question = CHOICE.replace("A peacekeeping mission]", "A diversionary tactic]")
    assert problems(tmp_path, question) == [
        ("7:69 QG021 choice 'A diversionary tactic' appears twice", "it is already choice 1")
    ]


def test_duplicate_choice_in_a_multi_question(tmp_path: Path) -> None:
    question = MULTI.replace(
        "  - NATO troops entering Belarus from Poland",
        "  - NATO troops entering Belarus from Poland\n  - Belarusian volunteers fighting for Ukraine",
    )
    assert problems(tmp_path, question) == [
        (
            "11:9 QG021 choice 'Belarusian volunteers fighting for Ukraine' appears twice",
            "it is already choice 1",
        )
    ]


def test_choices_differing_only_in_surrounding_spaces_are_duplicates(tmp_path: Path) -> None:
    question = "id: q\ntype: choice\nprompt: p\nchoices: [Minsk, ' Minsk ']\nanswer: Minsk"
    assert problems(tmp_path, question) == [
        ("7:22 QG021 choice 'Minsk' appears twice", "it is already choice 1")
    ]


def test_too_many_choices(tmp_path: Path) -> None:
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["aa"]
    question = f"id: q\ntype: choice\nprompt: p\nchoices: [{', '.join(letters)}]\nanswer: a"
    assert problems(tmp_path, question) == [("7:14 QG022 27 choices; a question needs 2 to 26", "")]
    question = question.replace(", aa]", "]")
    assert problems(tmp_path, question) == []


def test_no_choices_and_no_answer_among_them(tmp_path: Path) -> None:
    question = "id: q\ntype: multi\nprompt: p\nchoices: []\nanswer: []"
    # The empty answer list leaves 'answer' unusable; the choices are still checked.
    assert problems(tmp_path, question) == [
        ("7:14 QG022 0 choices; a question needs 2 to 26", ""),
        ("8:13 QG014 'answer' is an empty list", ""),
    ]


@pytest.mark.parametrize(("kind", "answer"), [("choice", "a"), ("multi", "[a]")])
def test_an_answer_with_no_choices_is_a_diagnostic_not_a_crash(
    tmp_path: Path, kind: str, answer: str
) -> None:
    question = f"id: q\ntype: {kind}\nprompt: p\nchoices: []\nanswer: {answer}"
    found = problems(tmp_path, question)
    assert ("7:14 QG022 0 choices; a question needs 2 to 26", "") in found
    assert [m.split(" ")[1] for m, _ in found] == ["QG022", "QG020"]


def test_one_choice(tmp_path: Path) -> None:
    question = "id: q\ntype: choice\nprompt: p\nchoices: [Minsk]\nanswer: Minsk"
    assert problems(tmp_path, question) == [("7:14 QG022 1 choice; a question needs 2 to 26", "")]


def test_multi_answer_listed_twice(tmp_path: Path) -> None:
    question = (
        "id: q\ntype: multi\nprompt: p\nchoices: [Lithuania, Poland, Spain]\n"
        "answer: [Poland, Lithuania, Poland]"
    )
    assert problems(tmp_path, question) == [("8:33 QG030 answer 'Poland' is listed twice", "")]


# -- lint warnings --------------------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["Both of them", "Neither of the above"])
def test_a_choice_that_depends_on_the_order(tmp_path: Path, choice: str) -> None:
    question = CHOICE.replace("A peacekeeping mission", choice)
    found = load([write(tmp_path, bank_text(question))]).diagnostics
    assert [(d.line, d.col, d.code, d.severity.value, d.message, d.hint) for d in found] == [
        (
            7,
            69,
            "QG051",
            "warning",
            f"'{choice}' depends on the order of the choices",
            "shuffled versions break it; write a choice that stands on its own",
        )
    ]


@pytest.mark.parametrize("choice", ["All of the above", "none of these", "NONE OF THE ABOVE"])
@pytest.mark.parametrize("pinned", ["", "shuffle: false\n"])
def test_all_or_none_of_the_above_is_qg105_shuffled_or_pinned(
    tmp_path: Path, choice: str, pinned: str
) -> None:
    question = CHOICE.replace("A peacekeeping mission", choice) + pinned
    assert problems(tmp_path, question) == [
        (
            f"7:69 QG105 '{choice}' is an '{choice.lower()}' choice",
            "a student who spots two right choices (or one wrong one) needs nothing else; "
            "write a choice that stands alone",
        )
    ]


def test_a_choice_merely_mentioning_all_is_not_all_of_the_above(tmp_path: Path) -> None:
    question = CHOICE.replace("A peacekeeping mission", "All of the troops above the border")
    # Neither QG051 nor QG105; but "All" in a wrong answer alone is an absolute word (QG107).
    assert [p for p, _ in problems(tmp_path, question)] == [
        "7:69 QG107 the wrong answer 'All of the troops above the border' says 'All', "
        "and no right answer does"
    ]


def test_every_choice_correct_is_a_warning(tmp_path: Path) -> None:
    question = "id: q\ntype: multi\nprompt: p\nchoices: [Lithuania, Poland]\nanswer: [Poland, Lithuania]"
    found = load([write(tmp_path, bank_text(question))]).diagnostics
    assert [(d.line, d.col, d.code, d.severity.value, d.message, d.hint) for d in found] == [
        (
            8,
            13,
            "QG052",
            "warning",
            "every choice is a correct answer",
            "add at least one wrong choice, or a student can tick everything",
        )
    ]


def test_warnings_alone_leave_a_bank_ok_and_strict_makes_them_errors(tmp_path: Path) -> None:
    question = CHOICE.replace("A peacekeeping mission", "All of the above")
    path = write(tmp_path, bank_text(question))
    assert load([path]).ok
    strict = load([path], strict=True)
    assert not strict.ok
    assert [(d.code, d.severity.value) for d in strict.diagnostics] == [("QG105", "error")]
