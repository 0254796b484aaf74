"""Structural checks: required and unknown keys, value types, types, empty text, numbers, tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.bank.check import load
from tests.bank.checks import HEADER, bank_text, seen, write

# A sound short question; its keys are on lines 4-7 and a key added after it is on line 8.
SHORT = """
id: q
type: short
prompt: In which country does Tichanovskaya live in exile?
answer: Lithuania
"""


def problems(tmp_path: Path, *questions: str, header: str = HEADER) -> list[tuple[str, str]]:
    return seen(write(tmp_path, bank_text(*questions, header=header)))


def short_with(line: str) -> str:
    """The short question with one more line (line 8 of the bank)."""
    return SHORT + line + "\n"


# -- missing keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "missing", "hint"),
    [
        ("type: choice\nprompt: p\nanswer: a", "choices", "add choices: [first, second]  (2 to 26 choices.)"),
        (
            "type: choice\nprompt: p\nchoices: [a, b]",
            "answer",
            "add answer: ...  (Exactly one of the choices.)",
        ),
        (
            "type: multi\nprompt: p\nchoices: [a, b]",
            "answer",
            "add answer: ...  (One or more of the choices.)",
        ),
        ("type: truefalse\nprompt: p", "answer", "add answer: true  (Whether the statement is true.)"),
        ("type: short\nprompt: p", "answer", "add answer: ...  (The expected answer.)"),
        ("type: numeric\nprompt: p", "answer", "add answer: 1  (The number.)"),
        ("type: cloze\nprompt: p", "text", "add text: ...  (Text with {{c1::deletions}}.)"),
        (
            "type: match\nprompt: p",
            "pairs",
            "add pairs: [[left, right], [left, right]]  (2 or more [left, right] pairs.)",
        ),
        (
            "type: order\nprompt: p",
            "items",
            "add items: [first, second]  (3 or more items, in the right order.)",
        ),
        ("type: open", "prompt", "add prompt: ...  (The question as the student reads it.)"),
    ],
    ids=[
        "choice-choices",
        "choice-answer",
        "multi-answer",
        "truefalse-answer",
        "short-answer",
        "numeric-answer",
        "cloze-text",
        "match-pairs",
        "order-items",
        "open-prompt",
    ],
)
def test_missing_required_key(tmp_path: Path, question: str, missing: str, hint: str) -> None:
    kind = question.split("\n")[0].removeprefix("type: ")
    assert problems(tmp_path, "id: q\n" + question) == [
        (f"4:5 QG010 question 'q' ({kind}) is missing '{missing}'", hint)
    ]


def test_missing_id_names_the_question_by_its_type(tmp_path: Path) -> None:
    assert problems(tmp_path, "type: short\nprompt: p\nanswer: a") == [
        (
            "4:5 QG010 the question (short) is missing 'id'",
            "add id: ...  (Slug, unique in the bank; never reuse one.)",
        )
    ]


def test_missing_type_lists_the_types(tmp_path: Path) -> None:
    assert problems(tmp_path, "id: q\nprompt: p\nanswer: a") == [
        (
            "4:5 QG010 question 'q' is missing 'type'",
            "type: choice | multi | truefalse | short | numeric | cloze | match | order | open",
        )
    ]


def test_every_missing_key_is_reported(tmp_path: Path) -> None:
    assert [m for m, _ in problems(tmp_path, "id: q\ntype: choice")] == [
        # Problems at one place are sorted by message.
        "4:5 QG010 question 'q' (choice) is missing 'answer'",
        "4:5 QG010 question 'q' (choice) is missing 'choices'",
        "4:5 QG010 question 'q' (choice) is missing 'prompt'",
    ]


def test_a_cloze_needs_no_prompt(tmp_path: Path) -> None:
    assert problems(tmp_path, "id: q\ntype: cloze\ntext: The capital is {{c1::Minsk}}.") == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "title: t\nquestions: []\n",
            (
                "1:1 QG010 the bank is missing 'bank'",
                "add bank: ...  (Stable slug [a-z0-9-]; part of every Anki note id.)",
            ),
        ),
        (
            "bank: b\nquestions: []\n",
            ("1:1 QG010 the bank is missing 'title'", "add title: ...  (Human title of the bank.)"),
        ),
        (
            "bank: b\ntitle: t\n",
            (
                "1:1 QG010 the bank is missing 'questions'",
                "add questions:\n      - id: first-question  (The questions.)",
            ),
        ),
        (
            "bank: b\ntitle: t\nsource: {file: a.txt}\nquestions: []\n",
            ("3:9 QG010 the source is missing 'title'", "add title: ...  (The article's title.)"),
        ),
    ],
    ids=["bank", "title", "questions", "source-title"],
)
def test_missing_bank_key(tmp_path: Path, header: str, expected: tuple[str, str]) -> None:
    assert seen(write(tmp_path, header)) == [expected]


# -- unknown keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key", "hint"),
    [
        ("explaination: Because.", "explaination", "did you mean 'explanation'?"),
        ("evidance: a quote", "evidance", "did you mean 'evidence'?"),
        ("difficullty: easy", "difficullty", "did you mean 'difficulty'?"),
        ("accepts: [Lietuva]", "accepts", "did you mean 'accept'?"),
        ("tolerance: 1", "tolerance", "'tolerance' belongs to another type of question"),
        ("pairs: [[a, b], [c, d]]", "pairs", "'pairs' belongs to another type of question"),
        (
            "author: me",
            "author",
            "allowed here: id, type, prompt, explanation, evidence, difficulty, points, tags, "
            "image, accepted, answer, accept",
        ),
    ],
    ids=lambda value: value.split(":")[0] if ": " in value else None,
)
def test_unknown_key_in_a_question(tmp_path: Path, line: str, key: str, hint: str) -> None:
    assert problems(tmp_path, short_with(line)) == [
        (f"8:5 QG011 unknown key '{key}' in a short question", hint)
    ]


def test_misspelled_required_key_is_unknown_and_missing(tmp_path: Path) -> None:
    question = SHORT.replace("answer: Lithuania", "anwser: Lithuania")
    assert problems(tmp_path, question) == [
        ("4:5 QG010 question 'q' (short) is missing 'answer'", "add answer: ...  (The expected answer.)"),
        ("7:5 QG011 unknown key 'anwser' in a short question", "did you mean 'answer'?"),
    ]


def test_a_singular_choice_key_suggests_choices(tmp_path: Path) -> None:
    found = problems(tmp_path, "id: q\ntype: choice\nprompt: p\nchoice: [a, b]\nanswer: a")
    assert ("7:5 QG011 unknown key 'choice' in a choice question", "did you mean 'choices'?") in found


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "bank: b\ntitle: t\nquestion: []\n",
            [
                (
                    "1:1 QG010 the bank is missing 'questions'",
                    "add questions:\n      - id: first-question  (The questions.)",
                ),
                ("3:1 QG011 unknown key 'question' in the bank", "did you mean 'questions'?"),
            ],
        ),
        (
            "bank: b\ntitle: t\nauthor: me\nquestions: []\n",
            [
                (
                    "3:1 QG011 unknown key 'author' in the bank",
                    "allowed here: bank, title, source, deck, tags, accepted, questions",
                )
            ],
        ),
        (
            "bank: b\ntitle: t\nsource: {title: t, date: 2022-10}\nquestions: []\n",
            [("3:20 QG011 unknown key 'date' in the source", "allowed here: title, file, published, url")],
        ),
        (
            "bank: b\ntitle: t\nsource: {title: t, fille: a.txt}\nquestions: []\n",
            [("3:20 QG011 unknown key 'fille' in the source", "did you mean 'file'?")],
        ),
    ],
    ids=["questions", "bank", "source", "source-typo"],
)
def test_unknown_key_outside_questions(tmp_path: Path, header: str, expected: list[tuple[str, str]]) -> None:
    assert seen(write(tmp_path, header)) == expected


def test_a_key_that_is_not_a_word(tmp_path: Path) -> None:
    assert problems(tmp_path, short_with("? [a, b]\n: c")) == [
        ("8:7 QG012 a key in a short question must be a plain word", "")
    ]


# -- wrong value types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            SHORT.replace("prompt: In which", "prompt: [Exile, In which").replace("exile?", "exile?]"),
            (
                "6:13 QG012 'prompt' should be text, not a list",
                "text containing '[' or ',' at the start must be quoted",
            ),
        ),
        (
            SHORT.replace("answer: Lithuania", "answer:\n  Country: Lithuania"),
            ("8:7 QG012 'answer' should be text, not a mapping", "text containing ': ' must be quoted"),
        ),
        (
            short_with("accept: Lietuva"),
            ("8:13 QG012 'accept' should be a list of text, not text", "write a list: accept: [Lietuva]"),
        ),
        (
            short_with("tags: {a: b}"),
            (
                "8:11 QG012 'tags' should be a list of text, not a mapping",
                "write a list: tags: [first, second]",
            ),
        ),
        (
            short_with("accept: [Lietuva, [Litva]]"),
            (
                "8:23 QG012 'accept[2]' should be text, not a list",
                "text containing '[' or ',' at the start must be quoted",
            ),
        ),
        (
            short_with("points: two"),
            ("8:13 QG012 'points' should be a number, not text", "write a number such as 1 or 2.5"),
        ),
        (
            short_with("points: '2'"),
            (
                "8:13 QG012 'points' should be a number, not text",
                "write the number without quotes or separators: 2",
            ),
        ),
        (
            short_with("points: true"),
            (
                "8:13 QG012 'points' should be a number, not 'true' (true/false)",
                "write a number such as 1 or 2.5",
            ),
        ),
        (
            "id: q\ntype: numeric\nprompt: p\nanswer: 9 000",
            (
                "7:13 QG012 'answer' should be a number, not text",
                "write the number without quotes or separators: 9000",
            ),
        ),
        (
            "id: q\ntype: numeric\nprompt: p\nanswer: 9000\ntolerance: [1]",
            ("8:16 QG012 'tolerance' should be a number, not a list", ""),
        ),
        (
            "id: q\ntype: open\nprompt: p\nlines: 4.5",
            ("7:12 QG012 'lines' should be a whole number, not 4.5", ""),
        ),
        (
            "id: q\ntype: truefalse\nprompt: p\nanswer: maybe",
            ("7:13 QG012 'answer' should be true or false, not text", "write true or false without quotes"),
        ),
        (
            "id: q\ntype: choice\nprompt: p\nchoices: [a, b]\nanswer: a\nshuffle: 0",
            (
                "9:14 QG012 'shuffle' should be true or false, not a number",
                "write true or false without quotes",
            ),
        ),
        (
            "id: q\ntype: match\nprompt: p\npairs: a, b",
            (
                "7:12 QG012 'pairs' should be a list of [left, right] pairs",
                "write pairs: [[left, right], [left, right]]",
            ),
        ),
        (
            "id: q\ntype: match\nprompt: p\npairs: [a, [b, c]]",
            (
                "7:13 QG012 pair 1 of 'pairs' should be [left, right]",
                "write pairs: [[left, right], [left, right]]",
            ),
        ),
        (
            "id: q\ntype: match\nprompt: p\npairs: [[[a], b], [c, d]]",
            (
                "7:14 QG012 'pairs[1] left' should be text, not a list",
                "text containing '[' or ',' at the start must be quoted",
            ),
        ),
    ],
    ids=[
        "prompt-list",
        "answer-mapping",
        "accept-text",
        "tags-mapping",
        "accept-item-list",
        "points-text",
        "points-quoted",
        "points-bool",
        "numeric-separator",
        "tolerance-list",
        "lines-fraction",
        "truefalse-text",
        "shuffle-number",
        "pairs-text",
        "pair-text",
        "pair-side-list",
    ],
)
def test_value_of_the_wrong_type(tmp_path: Path, question: str, expected: tuple[str, str]) -> None:
    assert problems(tmp_path, question) == [expected]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "bank: b\ntitle: t\nsource: 2022-10-putin.txt\nquestions: []\n",
            (
                "3:9 QG012 'source' should be a mapping, not text",
                "write source: {title: ..., file: ..., published: YYYY-MM}",
            ),
        ),
        (
            "bank: b\ntitle: t\nquestions: none yet\n",
            ("3:12 QG012 'questions' should be a list, not text", "start each question with '- id: ...'"),
        ),
        (
            "bank: b\ntitle: t\nquestions:\n  - 42\n",
            (
                "4:5 QG012 a question should be a mapping of keys, not a number",
                "start each question with '- id: ...' and indent its keys below",
            ),
        ),
        (
            "bank: [b]\ntitle: t\nquestions: []\n",
            (
                "1:7 QG012 'bank' should be text, not a list",
                "text containing '[' or ',' at the start must be quoted",
            ),
        ),
    ],
    ids=["source", "questions", "question", "bank-id"],
)
def test_bank_value_of_the_wrong_type(tmp_path: Path, header: str, expected: tuple[str, str]) -> None:
    assert seen(write(tmp_path, header)) == [expected]


def test_every_wrong_value_of_a_question_is_reported(tmp_path: Path) -> None:
    question = "id: q\ntype: numeric\nprompt: [p]\nanswer: many\ntolerance: some"
    assert [m for m, _ in problems(tmp_path, question)] == [
        "6:13 QG012 'prompt' should be text, not a list",
        "7:13 QG012 'answer' should be a number, not text",
        "8:16 QG012 'tolerance' should be a number, not text",
    ]


def test_a_broken_question_does_not_hide_the_others(tmp_path: Path) -> None:
    path = write(tmp_path, bank_text("id: a\ntype: short\nprompt: [p]\nanswer: x", SHORT))
    checked = load([path])
    assert [q.id for q in checked.banks[0].questions] == ["q"]
    assert [d.code for d in checked.diagnostics] == ["QG012"]


def test_a_tagged_value_is_not_called_text(tmp_path: Path) -> None:
    path = write(tmp_path, "bank: b\ntitle: !country Lithuania\nquestions: []\n")
    assert [m for m, _ in seen(path)] == ["2:8 QG012 'title' should be text, not a value tagged '!country'"]


def test_a_list_key_with_no_value_is_empty(tmp_path: Path) -> None:
    found = problems(tmp_path, "id: q\ntype: choice\nprompt: p\nchoices:\nanswer: a")
    assert found == [("7:13 QG014 'choices' is empty", "write a list: choices: [first, second]")]


# -- unknown type --------------------------------------------------------------------------------

TYPES = "one of: choice, multi, truefalse, short, numeric, cloze, match, order, open"


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("multiple", "did you mean 'multi'?"),
        ("Choice", "did you mean 'choice'?"),
        ("true-false", "did you mean 'truefalse'?"),
        ("essay", TYPES),
        ("42", TYPES),
    ],
)
def test_unknown_type(tmp_path: Path, written: str, hint: str) -> None:
    assert problems(tmp_path, SHORT.replace("type: short", f"type: {written}")) == [
        (f"5:11 QG013 unknown question type '{written}'", hint)
    ]


def test_a_type_that_is_a_list(tmp_path: Path) -> None:
    assert problems(tmp_path, SHORT.replace("type: short", "type: [short]")) == [
        (
            "5:11 QG012 'type' should be text, not a list",
            "text containing '[' or ',' at the start must be quoted",
        )
    ]


def test_an_empty_type(tmp_path: Path) -> None:
    assert problems(tmp_path, SHORT.replace("type: short", "type:")) == [
        ("5:10 QG014 'type' is empty", TYPES)
    ]


# -- empty text ----------------------------------------------------------------------------------

EMPTY_HINT = "write the text or remove the key"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "prompt: In which country does Tichanovskaya live in exile?",
            "prompt: ''",
            "6:13 QG014 'prompt' is empty",
        ),
        (
            "prompt: In which country does Tichanovskaya live in exile?",
            "prompt:",
            "6:12 QG014 'prompt' is empty",
        ),
        (
            "prompt: In which country does Tichanovskaya live in exile?",
            "prompt: ~",
            "6:13 QG014 'prompt' is empty",
        ),
        ("answer: Lithuania", "answer: '  \t '", "7:13 QG014 'answer' is empty"),
        ("answer: Lithuania", "answer: |\n\n", "7:13 QG014 'answer' is empty"),
    ],
    ids=["quoted", "nothing", "null", "spaces", "block"],
)
def test_empty_text(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert problems(tmp_path, SHORT.replace(old, new)) == [(expected, EMPTY_HINT)]


def test_empty_bank_title(tmp_path: Path) -> None:
    assert seen(write(tmp_path, "bank: b\ntitle: ' '\nquestions: []\n")) == [
        ("2:8 QG014 'title' is empty", EMPTY_HINT)
    ]


def test_empty_lists(tmp_path: Path) -> None:
    assert problems(tmp_path, short_with("evidence: []")) == [("8:15 QG014 'evidence' is an empty list", "")]
    question = "id: q\ntype: multi\nprompt: p\nchoices: [a, b]\nanswer: []"
    assert problems(tmp_path, question) == [("8:13 QG014 'answer' is an empty list", "")]


def test_empty_item_of_a_list(tmp_path: Path) -> None:
    assert problems(tmp_path, short_with("accept: [Lietuva, '']")) == [
        ("8:23 QG014 'accept[2]' is empty", "write the text or remove the item")
    ]


# -- difficulty, points, tolerance ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("Easy", "did you mean 'easy'?"),
        ("HARD", "did you mean 'hard'?"),
        ("meduim", "did you mean 'medium'?"),
        ("3", "one of: easy, medium, hard"),
        ("trivial", "one of: easy, medium, hard"),
    ],
)
def test_unknown_difficulty(tmp_path: Path, written: str, hint: str) -> None:
    assert problems(tmp_path, short_with(f"difficulty: {written}")) == [
        (f"8:17 QG016 unknown difficulty '{written}'", hint)
    ]


@pytest.mark.parametrize("written", ["easy", "medium", "hard"])
def test_known_difficulty(tmp_path: Path, written: str) -> None:
    assert problems(tmp_path, short_with(f"difficulty: {written}")) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("points: -2", "8:13 QG017 points cannot be negative (-2)"),
        ("points: -0.5", "8:13 QG017 points cannot be negative (-0.5)"),
        ("points: .nan", "8:13 QG017 'points' must be a finite number, not .nan"),
        ("points: -.inf", "8:13 QG017 'points' must be a finite number, not -.inf"),
    ],
)
def test_points_must_be_a_finite_non_negative_number(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(tmp_path, short_with(line)) == [(expected, "")]


@pytest.mark.parametrize("line", ["points: 0", "points: 2.5", "points: 1_000"])
def test_points_that_are_fine(tmp_path: Path, line: str) -> None:
    assert problems(tmp_path, short_with(line)) == []


NUMERIC = "id: q\ntype: numeric\nprompt: How many soldiers?\nanswer: 9000"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tolerance: -100", ("8:16 QG017 tolerance cannot be negative (-100)", "")),
        ("tolerance: .inf", ("8:16 QG017 'tolerance' must be a finite number, not .inf", "")),
        (
            "tolerance: a hundred",
            ("8:16 QG012 'tolerance' should be a number, not text", "write a number such as 0.5 or 2"),
        ),
        (
            "tolerance: '100'",
            (
                "8:16 QG012 'tolerance' should be a number, not text",
                "write the number without quotes or separators: 100",
            ),
        ),
    ],
)
def test_tolerance(tmp_path: Path, line: str, expected: tuple[str, str]) -> None:
    assert problems(tmp_path, NUMERIC + "\n" + line) == [expected]


def test_numeric_answer_not_a_number(tmp_path: Path) -> None:
    assert problems(tmp_path, NUMERIC.replace("9000", '"9,000"')) == [
        (
            "7:13 QG012 'answer' should be a number, not text",
            "write the number without quotes or separators: 9000",
        )
    ]
    assert problems(tmp_path, NUMERIC.replace("9000", ".nan")) == [
        ("7:13 QG017 'answer' must be a finite number, not .nan", "")
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [("-12", -12), ("0x10", 16), ("0b101", 5), ("2.5e+3", 2500.0), ("1_000.5", 1000.5)],
)
def test_numeric_answers_yaml_reads_as_numbers(tmp_path: Path, written: str, value: float) -> None:
    checked = load([write(tmp_path, bank_text(NUMERIC.replace("9000", written)))])
    assert checked.diagnostics == []
    assert checked.banks[0].questions[0].answer == value  # type: ignore[attr-defined]


@pytest.mark.parametrize("line", ["answer: " + "9" * 400, "points: -" + "9" * 400])
def test_a_huge_number_is_a_diagnostic_not_a_crash(tmp_path: Path, line: str) -> None:
    question = NUMERIC.replace("answer: 9000", line) if line.startswith("answer") else NUMERIC + "\n" + line
    found = problems(tmp_path, question)
    assert [m.split(" ")[1] for m, _ in found] == ["QG017"]


def test_a_number_with_a_leading_zero(tmp_path: Path) -> None:
    checked = load([write(tmp_path, bank_text(NUMERIC.replace("9000", "007")))])
    assert checked.diagnostics == []
    assert checked.banks[0].questions[0].answer == 7  # type: ignore[attr-defined]


def test_a_time_like_number_is_not_called_infinite(tmp_path: Path) -> None:
    assert problems(tmp_path, NUMERIC.replace("9000", "1:30")) == [
        ("7:13 QG012 'answer' should be a number, not 1:30", "write a number such as 9000 or 2.5")
    ]


def test_scientific_notation_without_a_dot(tmp_path: Path) -> None:
    checked = load([write(tmp_path, bank_text(NUMERIC.replace("9000", "9e3")))])
    assert checked.diagnostics == []
    assert checked.banks[0].questions[0].answer == 9000  # type: ignore[attr-defined]


def test_negative_lines(tmp_path: Path) -> None:
    assert problems(tmp_path, "id: q\ntype: open\nprompt: p\nlines: -3") == [
        ("7:12 QG017 lines cannot be negative (-3)", "")
    ]


# -- tags and deck -------------------------------------------------------------------------------


def test_tag_with_a_space(tmp_path: Path) -> None:
    header = "bank: b\ntitle: t\ntags: [belarus, war in ukraine]\nquestions:\n"
    text = bank_text(short_with("tags: [military, 'nato  troops']"), header=header)
    assert seen(write(tmp_path, text)) == [
        (
            "3:17 QG018 tag 'war in ukraine' contains a space",
            "Anki splits tags at spaces; write 'war-in-ukraine'",
        ),
        ("9:22 QG018 tag 'nato  troops' contains a space", "Anki splits tags at spaces; write 'nato-troops'"),
    ]


@pytest.mark.parametrize(
    ("deck", "col"),
    [("'Belarus::'", 7), ("'::Belarus'", 7), ("'Belarus::::war'", 7), ("'Belarus:: ::war'", 7)],
)
def test_deck_with_an_empty_part(tmp_path: Path, deck: str, col: int) -> None:
    path = write(tmp_path, f"bank: b\ntitle: t\ndeck: {deck}\nquestions: []\n")
    assert seen(path) == [
        (
            f"3:{col} QG019 deck name '{deck.strip(chr(39))}' has an empty part",
            "write parent::child with text on both sides of '::'",
        )
    ]


@pytest.mark.parametrize("deck", ["Belarus", "Belarus::War", "Belarus and the war::2022-10 Putin's visit"])
def test_deck_that_is_fine(tmp_path: Path, deck: str) -> None:
    assert seen(write(tmp_path, f'bank: b\ntitle: t\ndeck: "{deck}"\nquestions: []\n')) == []
