"""F24: one number formatter behind every output. A number the bank holds is printed so that it
reads back as the same value (no float garbage, no lost digits), and sizes that would print
`inf` are refused at their file:line."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

from markdown_it import MarkdownIt
from typer.testing import CliRunner

from quizgen.cli import app

BANK = """\
bank: numbers
title: Numbers
questions:
  - id: avogadro
    type: numeric
    prompt: How many molecules are in a mole?
    answer: 6.022e23
    unit: molecules
  - id: third
    type: numeric
    prompt: What is one third, as a decimal?
    answer: 0.3333333333333333
  - id: seven
    type: numeric
    prompt: What is the reading, in volts?
    answer: 0.7
    tolerance: 0.1
"""

GARBAGE = ("027,262,976", "027262976", "0.333333333333333 ", "e+23", "0.7999999999999999")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_the_markdown_key_prints_the_banks_numbers(tmp_path: Path) -> None:
    bank = tmp_path / "numbers.yaml"
    bank.write_text(BANK, encoding="utf-8")
    code, out = run("quiz", str(bank), "--no-shuffle", "-o", str(tmp_path / "q.md"))
    assert code == 0, out
    # As a reader sees it once rendered (the writer escapes "0." so it is no list number)
    key = re.sub(r"<[^>]+>", "", MarkdownIt().render((tmp_path / "q-key.md").read_text(encoding="utf-8")))
    assert "602,200,000,000,000,000,000,000 molecules" in key
    assert "0.3333333333333333" in key
    assert not [g for g in GARBAGE if g in key]


def test_the_anki_card_prints_the_banks_numbers(tmp_path: Path) -> None:
    bank = tmp_path / "numbers.yaml"
    bank.write_text(BANK, encoding="utf-8")
    code, out = run("anki", str(bank), "-o", str(tmp_path / "d.apkg"))
    assert code == 0, out
    with zipfile.ZipFile(tmp_path / "d.apkg") as package:
        (tmp_path / "c.db").write_bytes(package.read("collection.anki2"))
    fields = " ".join(row[0] for row in sqlite3.connect(tmp_path / "c.db").execute("select flds from notes"))
    assert "602,200,000,000,000,000,000,000 molecules" in fields
    assert "0.3333333333333333" in fields
    assert "0.6\u20130.8" in fields  # the accepted range, exact
    assert not [g for g in GARBAGE if g in fields]


def test_exports_write_the_number_in_full(tmp_path: Path) -> None:
    bank = tmp_path / "numbers.yaml"
    bank.write_text(BANK, encoding="utf-8")
    for fmt, name in (("moodle", "q.xml"), ("gift", "q.gift.txt"), ("csv", "q.csv")):
        code, out = run("export", fmt, str(bank), "-o", str(tmp_path / name))
        assert code == 0, out
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "602200000000000000000000" in text, fmt
        assert not [g for g in GARBAGE if g in text], fmt


def test_points_that_would_total_inf_are_refused_at_their_line(tmp_path: Path) -> None:
    bank = tmp_path / "big.yaml"
    bank.write_text(
        "bank: big\ntitle: Big\nquestions:\n"
        + "".join(
            f"  - id: q{i}\n    type: truefalse\n    prompt: Statement {i}.\n    answer: true\n"
            "    points: 1.7e308\n"
            for i in range(2)
        ),
        encoding="utf-8",
    )
    code, out = run("quiz", str(bank), "-o", str(tmp_path / "q.md"))
    assert code == 1
    assert f"{bank}:8:13: error: points of 1.7e+308 are more than a question can carry" in out
    assert "give at most 1000 points" in out
    assert "inf" not in out
    assert not (tmp_path / "q.md").exists()
