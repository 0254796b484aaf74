"""Exports read back with Moodle 5.1's own import rules (tests/lms/moodle_rules.py, each rule
cited there): what Moodle stores is what the bank says, for hostile text too."""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import Any

import pytest

from quizgen.lms import gift
from quizgen.lms.text import html
from tests.lms.conftest import ALL_BANKS, exported
from tests.lms.moodle_rules import GiftError, GiftQuestion, read_gift, xml_texts

etree = pytest.importorskip("lxml.etree")

HOSTILE = """
bank: hostile
title: Hostile
tags: ["a]b"]
questions:
  - id: sa-arrow
    type: short
    prompt: Which arrow?
    answer: "->"
  - id: sa-weight
    type: short
    prompt: Which city?
    answer: "%50%Minsk"
    accept: ["[html]Minsk", "= + - @"]
  - id: sa-specials
    type: short
    prompt: "Specials -> = ~ # { } : %50% [html]"
    answer: "a = b ~ c # d { e } f : g"
  - id: cz-arrow
    type: cloze
    text: "The arrow {{c1::->}} points."
  - id: cz-weight
    type: cloze
    text: "Take {{c1::%20%off}} now."
  - id: discuss
    type: open
    prompt: Discuss.
  - id: bidi
    type: truefalse
    prompt: "ksniM &amp; <Austria> ]]> מינסק"
    answer: true
  - id: long
    type: choice
    prompt: "{long}"
    choices: ["{long}", "b"]
    answer: "{long}"
    shuffle: false
  - id: marks
    type: truefalse
    prompt: "**a** *b* A & <B>"
    answer: false
  - id: steps
    type: order
    prompt: "Order {these} \\\\ steps:"
    items: ["first & <one>", "second } two", "%50% third"]
"""


@pytest.fixture
def hostile(write_bank: Any) -> Path:
    path: Path = write_bank(HOSTILE.replace("{long}", "x" * 3000))
    return path


def _read(*paths: Path) -> dict[str, GiftQuestion]:
    result, _ = exported("gift", *paths)
    assert result.data is not None
    return {q.name: q for q in read_gift(result.data.decode("utf-8")) if q.qtype != "category"}


def test_gift_short_answers_arrive_as_typed(hostile: Path) -> None:
    """E01/E02: `%n%`, `[html]` and `->` at the start of an answer are text, not syntax."""
    got = _read(hostile)
    assert (got["sa-arrow"].qtype, got["sa-arrow"].answers) == ("shortanswer", [(1.0, "->")])
    assert got["sa-weight"].answers == [(1.0, "%50%Minsk"), (1.0, "[html]Minsk"), (1.0, "= + - @")]
    assert got["sa-specials"].answers == [(1.0, "a = b ~ c # d { e } f : g")]
    assert unescape(got["sa-specials"].text) == "Specials -> = ~ # { } : %50% [html]"
    assert (got["cz-arrow"].qtype, got["cz-arrow"].answers) == ("shortanswer", [(1.0, "->")])
    assert got["cz-weight"].answers == [(1.0, "%20%off")]


def test_gift_open_question_without_feedback_is_one_essay(hostile: Path) -> None:
    """E03: no blank line inside `{}` (a blank line ends a GIFT question)."""
    got = _read(hostile)
    assert got["discuss"].qtype == "essay"
    assert got["discuss"].text == "Discuss."


def test_gift_ordering_is_read_by_qtype_ordering(hostile: Path) -> None:
    got = _read(hostile)["steps"]
    assert got.qtype == "ordering"
    # Items are stored as written (FORMAT_MOODLE): HTML whose entities show the bank's text.
    assert [unescape(a) for _, a in got.answers] == ["first & <one>", "second } two", "%50% third"]
    assert unescape(got.text) == "Order {these} \\ steps:"


def test_gift_ids_tags_and_hostile_text(hostile: Path) -> None:
    got = _read(hostile)
    assert got["bidi"].idnumber == "hostile/bidi"
    assert "a]b" in got["bidi"].tags
    assert unescape(got["bidi"].text) == "ksniM &amp; <Austria> ]]> מינסק".strip()
    assert got["long"].answers[0] == (1.0, html("x" * 3000))


def test_every_bank_reads_back_in_gift_without_an_error() -> None:
    """Moodle stops on the first error and imports nothing (public/question/format.php:369 at
    2854c6fc, in importprocess): every question must parse."""
    result, kept = exported("gift", *ALL_BANKS)
    assert result.data is not None
    read = [q for q in read_gift(result.data.decode("utf-8")) if q.qtype != "category"]
    assert [q.name for q in read] == [q.id for _, q in kept]
    kinds = {
        "choice": "multichoice",
        "multi": "multichoice",
        "truefalse": "truefalse",
        "short": "shortanswer",
        "numeric": "numerical",
        "cloze": "shortanswer",
        "match": "match",
        "order": "ordering",
        "open": "essay",
    }
    assert [q.qtype for q in read] == [kinds[q.kind] for _, q in kept]


def test_moodle_xml_text_keeps_its_spaces_through_moodles_xml_parser(hostile: Path) -> None:
    """xml_parser.php:123 (0a41dacb) drops whitespace-only character data (each entity is its own piece):
    CDATA keeps `&amp; <Austria>` and `**a** *b*` whole."""
    result, _ = exported("moodle", hostile, *ALL_BANKS)
    assert result.data is not None
    texts = xml_texts(result.data)
    assert html("ksniM &amp; <Austria> ]]> מינסק") in texts
    assert html("**a** *b* A & <B>") in texts
    assert "<strong>a</strong> <em>b</em> A &amp; &lt;B&gt;" in texts
    # Every text arrives as a conforming XML parser reads it: nothing dropped anywhere.
    assert texts == [t.text or "" for t in etree.fromstring(result.data).iter("text")]


def test_the_rules_see_the_defects_the_issue_found() -> None:
    """The re-implemented rules reproduce what Moodle did to the old exports."""
    with pytest.raises(GiftError, match="importminerror"):
        read_gift("::sa-arrow::Which arrow?{\n=->\n}\n")
    with pytest.raises(GiftError, match="giftmatchingformat"):
        read_gift("::sa-arrow::Which arrow?{\n=->\n=arrow\n}\n")
    (old,) = read_gift("::sa-weight::Which city?{\n=%50%Minsk\n}\n")
    assert old.answers == [(0.5, "Minsk")]
    (eaten,) = read_gift("::x::Q{\n=[html]Minsk\n}\n")
    assert eaten.answers == [(1.0, "Minsk")]
    with pytest.raises(GiftError, match="braceerror"):
        read_gift("::discuss::Discuss.{\n\n}\n")
    spaced = b"<quiz><text>A &amp; &lt;B&gt;</text></quiz>"
    assert xml_texts(spaced) == ["A &<B>"]  # the space between two entities is lost
    assert gift.FORMAT == "gift"
