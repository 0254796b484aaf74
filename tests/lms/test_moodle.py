"""Moodle XML read back with lxml field by field, and with moodle-xml-parser (an independent
reader of multichoice and cloze questions), against the elements Moodle's importer reads
(public/question/format/xml/format.php at 25bf66cf: import_headers at :220, then the
import_<type> functions from :448; and a plugin type's own import_from_xml, e.g.
public/question/type/ordering/questiontype.php:586 at f747c15c)."""

from __future__ import annotations

import base64
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from quizgen.bank.model import (
    Bank,
    Choice,
    Cloze,
    Match,
    Multi,
    Numeric,
    Open,
    Order,
    Question,
    Short,
    TrueFalse,
)
from quizgen.bank.text import parse_cloze
from quizgen.lms.feedback import general_feedback
from quizgen.lms.moodle import cloze_answer
from quizgen.lms.text import html, number, question_ref, tags, text
from tests.conftest import GOOD
from tests.lms.conftest import ALL_BANKS, exported

etree = pytest.importorskip("lxml.etree")

# What Moodle's XML importer reads for every question (xml/format.php:220, import_headers), and per type.
HEADERS = ["name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "idnumber"]
PER_TYPE = {
    "multichoice": ["single", "shuffleanswers", "answernumbering", "correctfeedback", "answer"],
    "truefalse": ["answer"],
    "shortanswer": ["usecase", "answer"],
    "numerical": ["answer", "unitgradingtype", "showunits"],
    "cloze": [],
    "matching": ["shuffleanswers", "subquestion"],
    "ordering": [
        "layouttype",
        "selecttype",
        "selectcount",
        "gradingtype",
        "showgrading",
        "numberingstyle",
        "answer",
    ],
    "essay": ["responseformat", "responserequired", "responsefieldlines", "attachments", "graderinfo"],
}
# Written out, not imported from quizgen.lms.moodle._TYPES: the test states which Moodle type
# (qformat_xml, xml/format.php import_question) each kind must become, so a wrong entry in
# the exporter cannot pass by agreeing with itself.
TYPES = {
    "choice": "multichoice",
    "multi": "multichoice",
    "truefalse": "truefalse",
    "short": "shortanswer",
    "numeric": "numerical",
    "cloze": "cloze",
    "match": "matching",
    "order": "ordering",
    "open": "essay",
}
# Moodle's grade list (public/question/engine/bank.php:545 at 47764f6d,
# question_bank::fraction_options_full; its fractions at :484), in percent.
GRADES = {
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
    0,
}
_GAP = re.compile(r"\{\d+:SHORTANSWER:=((?:\\.|[^\\}])*)\}")


def _export(*paths: Path) -> tuple[bytes, list[tuple[Bank, Question]]]:
    result, kept = exported("moodle", *paths)
    # A 1-point cloze of several gaps is written differently (QG207); a gap answer with '~'
    # cannot be written for Moodle's cloze parser (QG208). Both are tested below.
    assert {d.code for d in result.diagnostics} <= {"QG207", "QG208"}
    assert result.data is not None
    return result.data, kept


def _questions(data: bytes) -> list[Any]:
    root = etree.fromstring(data)
    assert root.tag == "quiz"
    return [q for q in root.findall("question") if q.get("type") != "category"]


def _t(el: Any, path: str) -> str:
    found = el.find(path)
    assert found is not None, path
    return found.text or ""


def test_all_nine_types_arrive_field_by_field() -> None:
    data, kept = _export(*ALL_BANKS)
    elements = _questions(data)
    assert len(elements) == len(kept) == 20  # one-blank (a gap with "~") is left out: QG208
    assert {q.kind for _, q in kept} == set(TYPES)
    for el, (bank, q) in zip(elements, kept, strict=True):
        assert el.get("type") == TYPES[q.kind]
        children = [c.tag for c in el]
        for tag in HEADERS + PER_TYPE[el.get("type")]:
            assert tag in children, f"{q.id}: Moodle's importer reads <{tag}>"
        assert _t(el, "name/text") == q.id
        assert _t(el, "idnumber") == question_ref(bank, q)
        assert float(_t(el, "defaultgrade")) == q.points
        assert [t.text for t in el.findall("tags/tag/text")] == tags(bank, q)
        assert _t(el, "generalfeedback/text") == general_feedback(bank, q)
        assert el.find("questiontext").get("format") == "html"
        if not isinstance(q, Cloze):
            assert _t(el, "questiontext/text") == html(q.prompt)
        _check_answers(el, q)


def _check_answers(el: Any, q: Question) -> None:
    answers = [(_t(a, "text"), float(a.get("fraction"))) for a in el.findall("answer")]
    if isinstance(q, Choice):
        assert _t(el, "single") == "true"
        assert answers == [(html(c), 100.0 if c == q.answer else 0.0) for c in q.choices]
    elif isinstance(q, Multi):
        assert _t(el, "single") == "false"
        assert [a for a, _ in answers] == [html(c) for c in q.choices]
        assert {f for _, f in answers if f > 0} <= GRADES
        assert {-f for _, f in answers if f < 0} <= GRADES
        assert sum(f for _, f in answers if f > 0) == pytest.approx(100, abs=0.001)
        assert [f > 0 for _, f in answers] == [c in q.answers for c in q.choices]
        assert sum(f for _, f in answers) == pytest.approx(0, abs=0.001)  # ticking every box scores 0
    elif isinstance(q, TrueFalse):
        assert dict(answers) == {"true": 100.0 if q.answer else 0.0, "false": 0.0 if q.answer else 100.0}
    elif isinstance(q, Short):
        assert answers == [(text(a).replace("*", "\\*"), 100.0) for a in (q.answer, *q.accept)]
    elif isinstance(q, Numeric):
        assert answers == [(number(q.answer), 100.0)]
        assert float(_t(el, "answer/tolerance")) == q.tolerance
        assert [u.text for u in el.findall("units/unit/unit_name")] == ([text(q.unit)] if q.unit else [])
    elif isinstance(q, Cloze):
        gaps = [unescape(re.sub(r"\\(.)", r"\1", g)) for g in _GAP.findall(_t(el, "questiontext/text"))]
        assert gaps == [text(d.answer) for d in parse_cloze(q.text)[0]]
    elif isinstance(q, Match):
        # What format_string() shows of a match answer: its entities decoded.
        got = [(_t(s, "text"), unescape(_t(s, "answer/text"))) for s in el.findall("subquestion")]
        assert got == [(html(left), text(right)) for left, right in q.pairs]
    elif isinstance(q, Order):
        assert answers == [(html(item), float(i)) for i, item in enumerate(q.items, start=1)]
    elif isinstance(q, Open):
        assert _t(el, "responsefieldlines") == str(q.lines)
        assert html(q.answer) in _t(el, "graderinfo/text")


def test_moodle_xml_parser_reads_our_multichoice_and_cloze() -> None:
    parser = pytest.importorskip("moodle_xml_parser.parser")
    data, kept = _export(GOOD / "all-types.yaml", GOOD / "specials.yaml")
    read = parser.parse_bytes(data)
    choices = [(b, q) for b, q in kept if isinstance(q, (Choice, Multi))]
    assert [m.name for m in read["multichoice"]] == [q.id for _, q in choices]
    for m, (bank, q) in zip(read["multichoice"], choices, strict=True):
        assert m.single is isinstance(q, Choice)
        assert m.shuffle_answers is q.shuffle
        right = {q.answer} if isinstance(q, Choice) else set(q.answers)
        # The reader unescapes entities once: it sees the HTML as a browser shows its text.
        assert [o.answer for o in m.options] == [unescape(html(c)) for c in q.choices]
        assert {o.answer for o in m.options if o.score_fraction > 0} == {unescape(html(c)) for c in right}
        assert m.general_feedback == unescape(general_feedback(bank, q)).strip()
    clozes = [q for _, q in kept if isinstance(q, Cloze)]
    assert [c.name for c in read["cloze"]] == [q.id for q in clozes]
    gomel = read["cloze"][0]
    assert [(g.sub_type, [o.answer for o in g.options]) for g in gomel.gaps] == [
        ("SHORTANSWER", ["Gomel"]),
        ("SHORTANSWER", ["Ukraine"]),
    ]


def test_one_category_per_bank_from_its_deck_path() -> None:
    data, _ = _export(*ALL_BANKS)
    root = etree.fromstring(data)
    cats = [_t(q, "category/text") for q in root.findall("question") if q.get("type") == "category"]
    assert cats == [
        "$course$/Quizgen tests/All types",
        "$course$/Quizgen tests/Спецсимволы",
        "$course$/Quizgen tests/GIFT ~=#{}: specials // slashes",
    ]


def test_a_script_in_a_bank_is_text_in_moodle() -> None:
    data, _ = _export(*ALL_BANKS)
    root = etree.fromstring(data)
    texts = [t.text or "" for t in root.iter("text")]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in t for t in texts)
    # After XML decoding the text is HTML: no live tag from a bank, only our own.
    live = {m.lower() for t in texts for m in re.findall(r"<([a-zA-Z]+)", t)}
    assert live <= {"p", "cite", "blockquote", "br", "strong", "em", "code", "img", "a"}


def test_a_brace_typed_in_a_cloze_is_no_gap(write_bank: Any) -> None:
    bank = write_bank(
        """
        bank: braces
        title: Braces
        questions:
          - id: one-blank
            type: cloze
            text: "A {brace}, a #hash and {{c1::a = sign: #1}} then more [b1] text."
        """
    )
    data, _kept = _export(bank)
    el = next(e for e in _questions(data) if _t(e, "name/text") == "one-blank")
    body = _t(el, "questiontext/text")
    assert len(_GAP.findall(body)) == 1
    assert "&#123;brace&#125;" in body


def test_the_image_is_embedded_as_a_file(write_bank: Any, tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    (tmp_path / "map of belarus.png").write_bytes(png)
    bank = write_bank(
        """
        bank: pictures
        title: Pictures
        questions:
          - id: map
            type: short
            prompt: Which country is shaded?
            answer: Belarus
            image: map of belarus.png
        """
    )
    data, _ = _export(bank)
    (el,) = _questions(data)
    assert '<img src="@@PLUGINFILE@@/map%20of%20belarus.png" alt="">' in _t(el, "questiontext/text")
    f = el.find("questiontext/file")
    assert (f.get("name"), f.get("path"), f.get("encoding")) == ("map of belarus.png", "/", "base64")
    assert base64.b64decode(f.text) == png


def test_moodle_limits_are_reported_at_the_line(write_bank: Any) -> None:
    many = ", ".join(f"c{i}" for i in range(12))
    bank = write_bank(
        f"""
        bank: limits
        title: Limits
        questions:
          - id: too-many-right
            type: multi
            prompt: Pick
            choices: [{many}]
            answer: [{many.rsplit(", ", 1)[0]}]
          - id: two-pairs
            type: match
            prompt: Match
            pairs: [[a, b], [c, d]]
          - id: fine
            type: truefalse
            prompt: Fine.
            answer: true
        """
    )
    result, kept = exported("moodle", bank)
    assert [(d.line, d.col, d.code) for d in result.diagnostics] == [(8, 13, "QG203"), (12, 12, "QG204")]
    assert "Moodle's grade list has no 1/11" in result.diagnostics[0].message
    assert "Moodle needs at least 3 answers" in result.diagnostics[1].message
    assert [q.id for _, q in kept] == ["fine"]


def test_a_cloze_mark_is_the_bank_points_when_gap_weights_can_make_it(write_bank: Any) -> None:
    """Moodle's multianswer import sums the gap weights (multianswer/questiontype.php:580 in
    qtype_multianswer_extract_question; issue 21): 3 gaps at 6 points are weighted 2 each;
    2 gaps at 1 point cannot be whole weights, and a warning says so."""
    bank = write_bank(
        """
        bank: marks
        title: Marks
        questions:
          - id: six
            type: cloze
            points: 6
            text: "{{c1::a}} {{c2::b}} {{c3::c}}"
          - id: one
            type: cloze
            text: "{{c1::a}} {{c2::b}}"
        """
    )
    result, _ = exported("moodle", bank)
    assert result.data is not None
    weights = [
        [int(w) for w in re.findall(r"\{(\d+):SHORTANSWER", t.text or "")]
        for t in etree.fromstring(result.data).iter("questiontext")
        for t in t.iter("text")
    ]
    assert weights == [[2, 2, 2], [1, 1]]
    assert [d.code for d in result.diagnostics] == ["QG207"]
    assert "1 question written without it: 'one'" in result.diagnostics[0].message


def test_a_unit_is_optional_in_the_response() -> None:
    """public/question/type/numerical/questiontype.php (7d99b14a): UNITINPUT = 0 (:44, the unit
    typed in the box), UNITOPTIONAL = 0 (:50); showunits 3 (UNITNONE, :48) would refuse '1230 km'."""
    data, kept = _export(*ALL_BANKS)
    root = etree.fromstring(data)
    with_unit = [q for _, q in kept if isinstance(q, Numeric) and q.unit]
    assert with_unit
    for el in root.iter("question"):
        if el.get("type") == "numerical" and el.find("units") is not None:
            assert (el.findtext("showunits"), el.findtext("unitsleft"), el.findtext("unitgradingtype")) == (
                "0",
                "0",
                "0",
            )


@pytest.mark.parametrize(
    ("answer", "written"),
    [
        ("a/b", "a/b"),
        ('say "hi"', 'say "hi"'),
        ("x}y", "x\\}y"),
        ("#1", "\\#1"),
        ("2*3", "2\\*3"),
        ("<b>", "&lt;b&gt;"),
    ],
)
def test_a_gap_answer_has_only_the_escapes_moodle_undoes(answer: str, written: str) -> None:
    """public/question/type/multianswer/questiontype.php (b1b5f263): an answer runs to `~ # }`
    not after a backslash (:328, ANSWER_ALTERNATIVE_ANSWER_REGEX), and only `\\}` and `\\#` are
    undone (:546-547) (shortanswer reads `\\*` as a star): no other backslash is written."""
    assert cloze_answer(answer) == written


def test_a_gap_answer_moodle_cannot_read_back_is_left_out(write_bank: Any) -> None:
    bank = write_bank(
        """
        bank: gaps
        title: Gaps
        questions:
          - id: tilde
            type: cloze
            text: "{{c1::a~b}}"
          - id: slash
            type: cloze
            text: "{{c1::C:\\\\temp}}"
          - id: fine
            type: cloze
            text: "{{c1::a/b}}"
        """
    )
    result, kept = exported("moodle", bank)
    assert [q.id for _, q in kept] == ["fine"]
    assert [(d.code, d.line) for d in result.diagnostics] == [("QG208", 6), ("QG208", 9)]
