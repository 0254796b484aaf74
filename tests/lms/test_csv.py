"""Flashcard CSV read back with Python's csv reader: one term and one definition a line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from quizgen.lms import ExportOptions
from tests.conftest import GOOD
from tests.lms.conftest import ALL_BANKS, exported


def _rows(data: bytes, separator: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=separator))


def test_the_cards_are_term_and_definition(all_types: Path) -> None:
    result, _ = exported("csv", all_types)
    assert result.data is not None
    assert _rows(result.data) == [
        [
            "According to British intelligence, what is the joint Russian-Belarusian unit mainly?",
            "A diversionary tactic",
        ],
        ["Lukashenko says he will send Belarusian soldiers to fight in the war.", "False"],
        ["In which country does Tichanovskaya live in exile?", "Lithuania (also: Lietuva)"],
        ["How many Russian soldiers did Belarus say were stationed in the country?", "9000 soldiers"],
    ]


def test_hostile_text_is_quoted_and_stays_text() -> None:
    for name, sep in (("comma", ","), ("tab", "\t"), ("semicolon", ";")):
        result, kept = exported("csv", *ALL_BANKS, options=ExportOptions(separator=sep))
        assert result.data is not None, name
        rows = _rows(result.data, sep)
        assert len(rows) == len(kept)
        assert [
            "Which line is printed literally? # $ @ < > [ ] * _ \\ ` = + / ~ // /* */",
            "<script>alert('x')</script> & &amp;",
        ] in rows
        assert ["This has bold, italic and code # $ in it.", "True"] in rows
        assert [
            "Fill in ~ the = blank: A {brace}, a #hash and ___ then \\ more [b1] text.",
            "a ~tilde = sign: #1",
        ] in rows
        assert ["How much is #5 {plus} 2:?", "-2.5 \u00b1 0.5 m/s {SI}"] in rows


def test_what_a_card_cannot_carry_is_reported(write_bank: object) -> None:
    result, kept = exported("csv", GOOD / "all-types.yaml")
    assert [(d.line, d.code) for d in result.diagnostics] == [
        (21, "QG200"),
        (55, "QG202"),
        (59, "QG200"),
        (69, "QG200"),
        (79, "QG200"),
    ]
    assert "CSV cannot carry a multi question" in result.diagnostics[0].message
    assert "CSV cannot carry an order question" in result.diagnostics[3].message
    assert len(kept) == 4


def test_a_line_break_is_reported(write_bank) -> None:  # type: ignore[no-untyped-def]
    bank = write_bank(
        """
        bank: lines
        title: Lines
        questions:
          - id: two-lines
            type: short
            prompt: "First line\\nsecond line"
            answer: x
        """
    )
    result, kept = exported("csv", bank)
    assert [(d.line, d.col, d.code) for d in result.diagnostics] == [(6, 13, "QG205")]
    assert result.data is None and kept == []
