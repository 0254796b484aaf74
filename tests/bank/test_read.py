"""Reading bank files: encodings, line ends, YAML traps, and the positions every message points at."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from quizgen.bank.check import load
from quizgen.bank.model import Choice, Multi, Numeric, Open, Short, TrueFalse
from quizgen.bank.read import read_bank
from tests.conftest import BAD, GOOD, diagnostics_of, load_ok

WriteBank = Callable[..., Path]

UTF8_HINT = "save the file as UTF-8 (most editors offer it under 'Save with encoding')"
SHORT_BANK = (
    "bank: reading\n"
    "title: Reading\n"
    "questions:\n"
    "  - id: exile-country\n"
    "    type: short\n"
    "    prompt: In which country does Tichanovskaya live in exile?\n"
    "    answer: Lithuania\n"
)


def hints_of(path: Path) -> list[str]:
    return [f"{d.line}:{d.col} {d.code} {d.hint}" for d in load([path]).diagnostics]


def write_bytes(tmp_path: Path, data: bytes, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- encodings and line ends -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "newline"),
    [(b"", "\n"), (b"\xef\xbb\xbf", "\n"), (b"", "\r\n"), (b"\xef\xbb\xbf", "\r\n")],
    ids=["plain", "bom", "crlf", "bom-crlf"],
)
def test_utf8_with_or_without_bom_and_crlf_is_read_alike(tmp_path: Path, bom: bytes, newline: str) -> None:
    data = bom + SHORT_BANK.replace("\n", newline).encode()
    bank = load_ok(write_bytes(tmp_path, data)).banks[0]
    (question,) = bank.questions
    assert (bank.id, bank.title) == ("reading", "Reading")
    assert isinstance(question, Short)
    assert question.answer == "Lithuania"  # no stray '\r'
    assert question.prompt == "In which country does Tichanovskaya live in exile?"
    # The BOM takes no column and CRLF no extra line.
    assert (bank.pos("bank").line, bank.pos("bank").col) == (1, 7)
    assert (question.pos("answer").line, question.pos("answer").col) == (7, 13)


def test_bom_and_crlf_keep_diagnostic_positions_right(tmp_path: Path) -> None:
    text = SHORT_BANK.replace("    answer: Lithuania\n", "    answer: Lithuania\n    answer: Poland\n")
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    assert diagnostics_of(write_bytes(tmp_path, data)) == [
        "8:5 QG004 duplicate key 'answer' in a short question",
    ]
    data = (
        b"\xef\xbb\xbf"
        + SHORT_BANK.replace("bank: reading", "bank: Reading_Bank").replace("\n", "\r\n").encode()
    )
    assert diagnostics_of(write_bytes(tmp_path, data)) == [
        "1:7 QG015 bank id 'Reading_Bank' is not a slug",
    ]


def test_not_utf8_is_a_diagnostic_with_line_and_column(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, SHORT_BANK.replace("Lithuania", "Lietuv\xe9").encode("latin-1"))
    assert diagnostics_of(path) == ["7:19 QG001 file is not valid UTF-8 (byte 0xe9)"]
    assert hints_of(path) == [f"7:19 QG001 {UTF8_HINT}"]


def test_not_utf8_on_the_first_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"bank: caf\xe9\n")
    assert diagnostics_of(path) == ["1:10 QG001 file is not valid UTF-8 (byte 0xe9)"]


def test_utf16_is_not_utf8(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, SHORT_BANK.encode("utf-16"))
    assert diagnostics_of(path) == ["1:1 QG001 file is not valid UTF-8 (byte 0xff)"]


def test_not_utf8_after_a_bom_points_at_the_bad_byte(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\xef\xbb\xbfbank: x\n\xe9\n")
    # Not "1:9 QG001 file is not valid UTF-8 (byte 0x20)": offsets after the BOM, counted with it.
    assert diagnostics_of(path) == ["2:1 QG001 file is not valid UTF-8 (byte 0xe9)"]


def test_not_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # 'Минск' is 5 characters but 10 bytes: the bad byte is the 14th character of the line.
    path = write_bytes(tmp_path, "title: Минск ".encode() + b"\xe9\n")
    assert diagnostics_of(path) == ["1:14 QG001 file is not valid UTF-8 (byte 0xe9)"]


# -- YAML traps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: a\n- id: b\n", "1:1 QG003 the top level should be a mapping of keys, not a list"),
        ("Questions about Belarus\n", "1:1 QG003 the top level should be a mapping of keys, not text"),
        ("42\n", "1:1 QG003 the top level should be a mapping of keys, not a number"),
        ("", "1:1 QG003 the file is empty"),
        ("# only a comment\n\n", "1:1 QG003 the file is empty"),
    ],
    ids=["list", "text", "number", "empty", "comment-only"],
)
def test_top_level_that_is_not_a_mapping(write_bank: WriteBank, text: str, expected: str) -> None:
    assert diagnostics_of(write_bank(text)) == [expected]


def test_a_lone_document_marker_is_an_empty_file(write_bank: WriteBank) -> None:
    assert diagnostics_of(write_bank("---\n# questions to come\n")) == ["1:1 QG003 the file is empty"]


def test_top_level_hints(write_bank: WriteBank) -> None:
    assert hints_of(write_bank("- a\n")) == [
        "1:1 QG003 a bank starts with 'bank: <id>', 'title: ...' and 'questions:'"
    ]
    assert hints_of(write_bank("")) == ["1:1 QG003 a bank starts with 'bank: <id>'"]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("    type: short", "\ttype: short", 5),  # C parser: 'found a tab character that ...'
        ("  - id: exile-country", "\t- id: exile-country", 4),  # 'cannot start any token'
    ],
    ids=["tab-in-a-mapping", "tab-before-a-list-item"],
)
def test_tab_in_indentation_is_named_as_such(tmp_path: Path, old: str, new: str, line: int) -> None:
    path = write_bytes(tmp_path, SHORT_BANK.replace(old, new).encode())
    assert diagnostics_of(path) == [f"{line}:1 QG002 tab character in indentation"]
    assert hints_of(path) == [f"{line}:1 QG002 YAML indents with spaces only; replace the tab with spaces"]


def test_a_tab_inside_a_quoted_value_is_fine(write_bank: WriteBank) -> None:
    path = write_bank(SHORT_BANK.replace("answer: Lithuania", 'answer: "Lith\tuania"'))
    (question,) = load_ok(path).banks[0].questions
    assert isinstance(question, Short) and question.answer == "Lith\tuania"


def test_multiple_documents_are_one_error(write_bank: WriteBank) -> None:
    path = write_bank(SHORT_BANK + "---\nbank: second\n")
    assert diagnostics_of(path) == [
        "8:1 QG002 YAML syntax error: expected a single document in the stream, but found another document"
    ]
    assert hints_of(path) == ["8:1 QG002 a bank is one YAML document; remove the extra '---'"]


def test_leading_document_marker_is_fine(write_bank: WriteBank) -> None:
    load_ok(write_bank("---\n" + SHORT_BANK))


def test_control_character_is_reported_where_it_is(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"bank: x\ntitle: Bell\x07 quiz\nquestions: []\n")
    assert diagnostics_of(path) == [
        "2:12 QG002 YAML syntax error: control characters are not allowed (#x0007)"
    ]


def test_control_character_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"bank: x\ntitle: Bell\x07 quiz\nquestions: []\n")
    assert [d.code for d in load([path]).diagnostics] == ["QG002"]


def test_duplicate_key_names_the_first_line(write_bank: WriteBank) -> None:
    path = write_bank(
        """
        bank: reading
        title: Reading
        title: Reading again
        questions:
          - id: exile-country
            type: short
            prompt: In which country does Tichanovskaya live in exile?
            answer: Lithuania
            prompt: Where does she live?
        """
    )
    assert diagnostics_of(path) == [
        "3:1 QG004 duplicate key 'title' in the bank",
        "9:5 QG004 duplicate key 'prompt' in a short question",
    ]
    assert hints_of(path) == [
        "3:1 QG004 'title' is already set on line 2; keep one of them",
        "9:5 QG004 'prompt' is already set on line 7; keep one of them",
    ]


def test_duplicate_key_keeps_the_first_value(write_bank: WriteBank) -> None:
    path = write_bank(SHORT_BANK + "    answer: Poland\n")
    bank, _ = read_bank(path)
    assert bank is not None
    (question,) = bank.questions
    assert isinstance(question, Short) and question.answer == "Lithuania"


def test_quoted_and_plain_keys_are_the_same_key(write_bank: WriteBank) -> None:
    path = write_bank(SHORT_BANK + '    "answer": Poland\n')
    assert diagnostics_of(path) == ["8:5 QG004 duplicate key 'answer' in a short question"]


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    folder = tmp_path / "bank.yaml"
    folder.mkdir()
    bank, found = read_bank(folder)
    assert bank is None
    assert [(d.line, d.col, d.code, d.message) for d in found] == [
        (1, 1, "QG006", "cannot read file: Is a directory")
    ]


# -- aliases -------------------------------------------------------------------------------------


def test_a_question_reused_through_an_alias_is_reported(write_bank: WriteBank) -> None:
    path = write_bank(
        SHORT_BANK.replace("  - id: exile-country", "  - &q\n    id: exile-country") + "  - *q\n"
    )
    (only,) = load([path]).diagnostics
    assert only.code == "QG005"
    assert only.message == (
        "this list or mapping is reused through a YAML alias (*name); quizgen does not expand aliases"
    )
    assert (only.line, only.col) == (9, 5)  # the alias, where the value must be written out
    assert only.hint == "write the value of '&q' out in full where it is used"


def test_a_reused_list_of_choices_is_reported(write_bank: WriteBank) -> None:
    path = write_bank(
        """
        bank: reading
        title: Reading
        questions:
          - id: first
            type: choice
            prompt: Which country?
            choices: &countries [Lithuania, Poland]
            answer: Lithuania
          - id: second
            type: choice
            prompt: Which other country?
            choices: *countries
            answer: Poland
        """
    )
    assert [d.code for d in load([path]).diagnostics] == ["QG005"]


def test_an_alias_of_a_plain_text_is_fine(write_bank: WriteBank) -> None:
    path = write_bank(
        SHORT_BANK.replace("answer: Lithuania", "answer: &country Lithuania") + "    accept: [*country]\n"
    )
    (question,) = load_ok(path).banks[0].questions
    assert isinstance(question, Short) and question.accept == ("Lithuania",)


def test_alias_bomb_is_read_in_bounded_time_and_memory() -> None:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        checked = load([BAD / "alias-bomb.yaml"])
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 20 * 2**20, f"peak memory {peak / 2**20:.1f} MiB"
    assert not checked.ok


def test_alias_bomb_is_reported_as_an_alias() -> None:
    assert "QG005" in {d.code for d in load([BAD / "alias-bomb.yaml"]).diagnostics}


def test_alias_bomb_at_the_top_level_in_bounded_time(write_bank: WriteBank) -> None:
    levels = ["lol1: &lol1 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 9) + "]" for n in range(2, 10)]
    path = write_bank(SHORT_BANK + "\n".join(levels) + "\nlolz: *lol9\n")
    start = time.perf_counter()
    checked = load([path])
    assert time.perf_counter() - start < 2
    codes = [d.code for d in checked.diagnostics]
    assert codes.count("QG005") == 9  # lol1..lol9, each at its first alias
    assert codes.count("QG011") == 10  # lol1..lol9 and lolz are not bank keys


# -- scalars are taken as written ---------------------------------------------------------------


def test_answer_no_in_a_short_question_is_the_text_no(write_bank: WriteBank) -> None:
    path = write_bank(SHORT_BANK.replace("answer: Lithuania", "answer: no\n    accept: [No, off]"))
    (question,) = load_ok(path).banks[0].questions
    assert isinstance(question, Short)
    assert (question.answer, question.accept) == ("no", ("No", "off"))


def test_numbers_dates_and_booleans_in_choices_are_text(write_bank: WriteBank) -> None:
    path = write_bank(
        """
        bank: reading
        title: Reading
        questions:
          - id: election-year
            type: choice
            prompt: In which year was the disputed presidential election?
            choices: [1990, 2000, 2020, 1.50, 2020-08-09, yes]
            answer: 2020
        """
    )
    (question,) = load_ok(path).banks[0].questions
    assert isinstance(question, Choice)
    assert question.choices == ("1990", "2000", "2020", "1.50", "2020-08-09", "yes")
    assert question.answer == "2020"


def test_truefalse_numeric_and_open_values_keep_their_kind(write_bank: WriteBank) -> None:
    path = write_bank(
        """
        bank: reading
        title: Reading
        questions:
          - id: tf
            type: truefalse
            prompt: Belarus borders Lithuania.
            answer: yes
          - id: num
            type: numeric
            prompt: How many soldiers?
            answer: 9_000
            tolerance: 0.5
          - id: essay
            type: open
            prompt: Why?
            lines: 4.0
        """
    )
    tf, num, essay = load_ok(path).banks[0].questions
    assert isinstance(tf, TrueFalse) and tf.answer is True
    assert isinstance(num, Numeric) and (num.answer, num.tolerance) == (9000, 0.5)
    assert isinstance(essay, Open) and essay.lines == 4 and isinstance(essay.lines, int)


def test_a_multi_answer_may_be_one_text(write_bank: WriteBank) -> None:
    path = write_bank(
        """
        bank: reading
        title: Reading
        questions:
          - id: which
            type: multi
            prompt: Which are neighbours of Belarus?
            choices: [Lithuania, Poland, Spain]
            answer: Poland
        """
    )
    (question,) = load_ok(path).banks[0].questions
    assert isinstance(question, Multi) and question.answers == ("Poland",)


def test_text_is_stripped_but_inner_lines_kept(write_bank: WriteBank) -> None:
    path = write_bank(
        """
        bank: reading
        title: "  Reading  "
        questions:
          - id: exile-country
            type: short
            prompt: |
              Line one
              line two
            answer: Lithuania
        """
    )
    bank = load_ok(path).banks[0]
    assert bank.title == "Reading"
    assert bank.questions[0].prompt == "Line one\nline two"


# -- positions ---------------------------------------------------------------------------------


def test_positions_are_one_based_and_point_at_values(all_types: Path) -> None:
    bank = load_ok(all_types).banks[0]
    assert (bank.pos().line, bank.pos().col) == (2, 1)
    assert (bank.pos("bank").line, bank.pos("bank").col) == (2, 7)
    assert (bank.pos("tags").line, bank.pos("tags").col) == (9, 7)
    choice, multi = bank.questions[:2]
    # "  - id: joint-unit-purpose" on line 11: the question starts at its first key.
    assert (choice.pos().line, choice.pos().col) == (11, 5)
    assert (choice.pos("id").line, choice.pos("id").col) == (11, 9)
    assert (choice.pos("type").line, choice.pos("type").col) == (12, 11)
    assert (choice.pos("answer").line, choice.pos("answer").col) == (15, 13)
    # "    choices: [A diversionary tactic, A combat-ready invasion force, ...]" on line 14
    assert (choice.pos("choices.0").line, choice.pos("choices.0").col) == (14, 15)
    assert (choice.pos("choices.1").line, choice.pos("choices.1").col) == (14, 38)
    # A block list: each item where its text starts.
    assert (multi.pos("choices.2").line, multi.pos("choices.2").col) == (26, 9)
    assert (multi.pos("answer.1").line, multi.pos("answer.1").col) == (28, 44)


def test_position_of_a_key_not_written_is_the_object(all_types: Path) -> None:
    choice = load_ok(all_types).banks[0].questions[0]
    assert choice.pos("image") == choice.pos()


def test_good_banks_read_clean() -> None:
    checked = load_ok(*sorted(GOOD.glob("*.yaml")))
    # What the reader and the checks of form find; the item-writing warnings (QG1xx) about
    # how well each key is quoted are the subject of tests/bank/checks/test_lint.py.
    assert [d.code for d in checked.diagnostics if not d.code.startswith("QG1")] == []


def test_an_indentation_slip_and_an_open_quote_name_their_cause() -> None:
    """The output review: both gave messages about something else, the quote 8 lines late."""
    from quizgen.bank.check import load
    from tests.conftest import BAD

    def hints(name: str) -> list[tuple[int, str, str]]:
        return [(d.line, d.message, d.hint) for d in load([BAD / name]).diagnostics]

    ((line, message, hint),) = hints("unclosed-quote-mid-file.yaml")
    assert line == 7 and "not closed on its line" in message and hint.startswith("close the quote")
    ((line, message, hint),) = hints("choice-indented-less.yaml")
    assert line == 11 and "indented 5 spaces" in message and "same column" in hint
    (first, second) = hints("choice-indented-deeper.yaml")
    assert first[2] == "indent every '- ' of the list by the same number of spaces"
    assert "read as one text" in second[2]
