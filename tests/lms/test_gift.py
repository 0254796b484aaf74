"""GIFT read back by gift-pegjs (a PEG grammar of GIFT nobody here wrote): every question
arrives with its type, title, id, tags, stem, answers and feedback as in the bank."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank.model import Bank, Choice, Cloze, Match, Multi, Numeric, Open, Question, Short, TrueFalse
from quizgen.bank.text import parse_cloze
from quizgen.lms import ExportOptions, gift
from quizgen.lms.feedback import general_feedback
from quizgen.lms.moodle import multi_fractions, shortanswer
from quizgen.lms.text import html, question_ref, tags, text
from tests.conftest import GOOD
from tests.lms.conftest import ALL_BANKS, GIFT_SPECIALS, exported, parse_gift

GIFT_TYPES = {
    "choice": "MC",
    "multi": "MC",
    "truefalse": "TF",
    "short": "Short",
    "numeric": "Numerical",
    "cloze": "Short",
    "match": "Matching",
    "open": "Essay",
}

# gift-pegjs leaves its own escape placeholders in a matching pair's right side (its
# PlainText rule skips the decoding the other rules do): undo them as its decoder would.
_PLACEHOLDERS = {
    "&&092;": "\\",
    "&&058;": ":",
    "&&035;": "#",
    "&&061;": "=",
    "&&123;": "{",
    "&&125;": "}",
    "&&126;": "~",
}


def _decode(value: str) -> str:
    for placeholder, char in _PLACEHOLDERS.items():
        value = value.replace(placeholder, char)
    return value


def _questions() -> tuple[list[dict[str, Any]], list[tuple[Bank, Question]]]:
    result, every = exported("gift", *ALL_BANKS)
    assert result.data is not None
    # gift-pegjs has no ordering syntax (Moodle 5.1's qtype_ordering does: tests/lms/test_moodle_rules.py).
    kept = [(b, q) for b, q in every if q.kind != "order"]
    data = gift.render(kept, ExportOptions())
    parsed = [p for p in parse_gift(data.decode("utf-8")) if p["type"] != "Category"]
    assert len(parsed) == len(kept)
    return parsed, kept


def _expected_stem(q: Question) -> str:
    if isinstance(q, Cloze):
        (d,), _ = parse_cloze(q.text)
        before = html(q.text[: d.start])
        if q.prompt.strip():
            before = f"{html(q.prompt)}<br>{before}"
        hint = f" ({html(d.hint)})" if d.hint else ""
        return f"{before}_____{hint}{html(q.text[d.end :])}"
    stem = html(q.prompt)
    if isinstance(q, Numeric) and q.unit:
        stem += f" (answer in {html(q.unit)})"
    return stem


def test_every_question_arrives_as_its_own_type_with_its_id_and_tags() -> None:
    parsed, kept = _questions()
    for p, (bank, q) in zip(parsed, kept, strict=True):
        assert p["type"] == GIFT_TYPES[q.kind], q.id
        assert p["title"] == q.id
        assert p["id"] == question_ref(bank, q)
        assert p["tags"] == tags(bank, q)
        assert p["stem"] == {"format": "html", "text": _expected_stem(q)}, q.id
        assert p["hasEmbeddedAnswers"] is isinstance(q, Cloze)


def test_every_answer_and_grade_arrives() -> None:
    parsed, kept = _questions()
    for p, (_, q) in zip(parsed, kept, strict=True):
        if isinstance(q, Choice):
            assert [(c["text"]["text"], c["isCorrect"]) for c in p["choices"]] == [
                (html(c), c == q.answer) for c in q.choices
            ]
        elif isinstance(q, Multi):
            weights = multi_fractions(q)
            assert [(c["text"]["text"], c["weight"]) for c in p["choices"]] == [
                (html(c), float(weights[c])) for c in q.choices
            ]
            assert sum(c["weight"] for c in p["choices"] if c["weight"] > 0) == pytest.approx(100)
        elif isinstance(q, TrueFalse):
            assert p["isTrue"] is q.answer
        elif isinstance(q, Short):
            assert [c["text"]["text"] for c in p["choices"]] == [
                shortanswer(a) for a in (q.answer, *q.accept)
            ]
            assert all(c["isCorrect"] for c in p["choices"])
        elif isinstance(q, Cloze):
            ((d,), _) = parse_cloze(q.text)
            assert [c["text"]["text"] for c in p["choices"]] == [shortanswer(d.answer)]
        elif isinstance(q, Numeric):
            assert p["choices"] == {"type": "range", "number": q.answer, "range": q.tolerance}
        elif isinstance(q, Match):
            assert [(m["subquestion"]["text"], _decode(m["subanswer"])) for m in p["matchPairs"]] == [
                (html(left), text(right)) for left, right in q.pairs
            ]


def test_explanation_source_and_evidence_arrive_as_general_feedback() -> None:
    parsed, kept = _questions()
    seen = 0
    for p, (bank, q) in zip(parsed, kept, strict=True):
        model = f"<p>Model answer: {html(q.answer)}</p>" if isinstance(q, Open) and q.answer else ""
        expected = general_feedback(bank, q, before=model)
        got = p["globalFeedback"]
        assert (got["text"] if got else "") == expected, q.id
        seen += bool(expected)
    assert seen >= 10
    joint = next(p for p in parsed if p["title"] == "joint-unit-purpose")["globalFeedback"]["text"]
    assert "London judged Russia unable" in joint
    assert "as of October 2022" in joint
    assert "\u201cthe joint military unit set up by Moscow is primarily a diversionary tactic\u201d" in joint


def test_gift_specials_read_back_exactly_as_typed() -> None:
    parsed, _ = _questions()
    by_title = {p["title"]: p for p in parsed}
    assert by_title["tilde-equals"]["stem"]["text"] == (
        "Which is ~right = wrong #1 {a} b: c \\ d? ::t:: // not a comment"
    )
    assert [c["text"]["text"] for c in by_title["tilde-equals"]["choices"]] == [
        "=starts with equals",
        "~starts with tilde",
        "#hash {brace} and : colon",
        "%50% looks like a weight \\ back",
    ]
    assert by_title["tilde-equals"]["globalFeedback"]["text"].startswith(
        "<p>Feedback with #### and {=x ~y} and a: colon \\n not a newline</p>"
    )
    assert by_title["weights"]["stem"]["text"] == "[html]&lt;b&gt;not bold&lt;/b&gt; $CATEGORY: nope"
    assert by_title["weights"]["choices"][3]["text"]["text"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert by_title["statement"]["stem"]["text"] == "T or F: {T} is not an answer ####"
    # Moodle's shortanswer reads * as "anything": a literal star is \*.
    assert [c["text"]["text"] for c in by_title["wildcard"]["choices"]] == [
        "\\*",
        "a\\b",
        "x = y",
        "{c}",
        "#1",
    ]
    assert by_title["one-blank"]["choices"][0]["text"]["text"] == "a ~tilde = sign: #1"
    assert by_title["number"]["choices"] == {"type": "range", "number": -2.5, "range": 0.5}
    pairs = [_decode(m["subanswer"]) for m in by_title["arrows"]["matchPairs"]]
    assert pairs == ["right -> one", "right {two}", "right \\ three"]


def test_each_bank_is_a_category_named_by_its_deck() -> None:
    result, _ = exported("gift", *ALL_BANKS)
    assert result.data is not None
    categories = [p["title"] for p in parse_gift(result.data.decode()) if p["type"] == "Category"]
    assert categories == [
        "$course$/Quizgen tests/All types",
        "$course$/Quizgen tests/Спецсимволы",
        "$course$/Quizgen tests/GIFT ~=#{}: specials // slashes",
    ]


def test_what_gift_cannot_carry_is_reported_at_its_line_and_left_out() -> None:
    result, kept = exported("gift", GOOD / "all-types.yaml", GOOD / "specials.yaml")
    assert [f"{d.path.rsplit('/', 1)[-1]}:{d.line}:{d.col} {d.code}" for d in result.diagnostics] == [
        "all-types.yaml:31:13 QG207",
        "all-types.yaml:55:11 QG202",
        "all-types.yaml:68:5 QG207",
        "all-types.yaml:82:12 QG207",
        "specials.yaml:26:11 QG202",
    ]
    assert "question 'gomel-route' is left out" in result.diagnostics[1].message
    assert {q.id for _, q in kept}.isdisjoint({"gomel-route", "cloze-specials"})
    assert result.data is not None
    # Ordering is written as Moodle 5.1 reads it; what it loses is a warning, not silence.
    assert b"::timeline::" in result.data
    assert "1 question written without it: 'timeline'" in result.diagnostics[2].message


_typed = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prompt=_typed, right=_typed, wrong=_typed)
def test_any_text_survives_gift(prompt: str, right: str, wrong: str) -> None:
    if right == wrong:
        return
    bank = Bank(id="b", title="t", path=GIFT_SPECIALS)
    q = Choice(id="q", prompt=prompt, choices=(right, wrong), answer=right)
    (p,) = [
        p for p in parse_gift(gift.render([(bank, q)], gift.ExportOptions()).decode()) if p["type"] == "MC"
    ]
    assert p["stem"]["text"] == html(prompt)
    assert [c["text"]["text"] for c in p["choices"]] == [html(right), html(wrong)]
