"""From marks to scores: the printed rules, reviews instead of guesses, the results table."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from quizgen.grading.scan import PageScan, State
from quizgen.grading.score import assemble, results_csv, rules_of, score_answer, sheets_json
from quizgen.scoring import ScoringRules
from tests.grading.conftest import Printed


def page(printed: Printed, version: str, student: str, marks: dict[tuple[int, str], State],
         file: str = "s.pdf", index: int = 1, number: int = 1) -> PageScan:  # fmt: skip
    """A page as scan would read it: `marks` maps (question, value) to a state; the rest empty."""
    spec = next(p for p in printed.layout["pages"] if p["version"] == version and p["page"] == number)
    states: list[State] = []
    for b in spec["bubbles"]:
        if b["field"] == "student":
            hit = b["column"] < len(student) and student[b["column"]] == b["value"]
            states.append("marked" if hit else "empty")
        elif "column" in b:  # a digit grid: marks name the column too, "2:7"
            states.append(marks.get((b["question"], f"{b['column']}:{b['value']}"), "empty"))
        else:
            states.append(marks.get((b["question"], b["value"]), "empty"))
    fills = tuple(0.9 if s == "marked" else 0.3 if s == "unsure" else 0.0 for s in states)
    return PageScan(file, index, version, number, fills, tuple(states))


def questions(printed: Printed, version: str) -> list[dict[str, Any]]:
    return next(v["questions"] for v in printed.layout["versions"] if v["version"] == version)


def perfect(printed: Printed, version: str) -> dict[tuple[int, str], State]:
    """The marks of a student who knows everything (full points ticked for written answers)."""
    marks: dict[tuple[int, str], State] = {}
    for q in questions(printed, version):
        if q["field"] == "score":
            marks[(q["number"], f"{q['points']:g}")] = "marked"
        elif q.get("digits"):
            before, after = q["digits"]
            text = f"{q['answer']:.{after}f}".replace(".", "").rjust(before + after)
            for column, digit in enumerate(text):
                if digit != " ":
                    marks[(q["number"], f"{column}:{digit}")] = "marked"
        else:
            for value in q["answer"] if isinstance(q["answer"], list) else [q["answer"]]:
                marks[(q["number"], value)] = "marked"
    return marks


def test_a_perfect_sheet_scores_full_marks_in_every_version(printed: Printed) -> None:
    for version in ("A", "B"):
        sheets, loose = assemble(
            [page(printed, version, "123456", perfect(printed, version))], printed.layout
        )
        (sheet,) = sheets
        assert loose == [] and sheet.reviews == [] and sheet.student == "123456"
        assert sheet.score == sheet.max == sum(q["points"] for q in questions(printed, version))


def first(printed: Printed, kind: str, version: str = "A") -> dict[str, Any]:
    return next(q for q in questions(printed, version) if q["kind"] == kind)


def test_scores_follow_the_printed_rules(printed: Printed) -> None:
    choice, multi, tf = first(printed, "choice"), first(printed, "multi"), first(printed, "truefalse")
    rules = ScoringRules()
    wrong = next(v for v in choice["choices"] if v != choice["answer"])
    assert score_answer(choice, choice["answer"], rules) == 1
    assert score_answer(choice, wrong, rules) == 0 and score_answer(choice, "", rules) == 0
    assert (
        score_answer(tf, tf["answer"], rules) == 1
        and score_answer(tf, "TF".replace(tf["answer"], ""), rules) == 0
    )
    keys = "".join(multi["answer"])
    extra = next(v for v in multi["choices"] if v not in keys)
    assert score_answer(multi, keys, rules) == 2
    assert score_answer(multi, keys[0], rules) == 0  # all or nothing by default
    per = ScoringRules(multi="per-option")
    assert score_answer(multi, keys[0], per) == 1
    assert score_answer(multi, keys + extra, per) == 1
    numeric = first(printed, "numeric")
    assert score_answer(numeric, "9.4", rules) == 1 and score_answer(numeric, "9.6", rules) == 0
    essay = next(q for q in questions(printed, "A") if q["id"] == "grading/essay")
    assert score_answer(essay, "2", rules) == 2


def test_the_multi_rule_comes_from_the_layout_unless_the_teacher_overrides_it(printed: Printed) -> None:
    assert rules_of(printed.layout) == ScoringRules()
    assert rules_of(printed.layout, "per-option").multi == "per-option"
    with pytest.raises(ValueError):
        rules_of(printed.layout, "half")


def test_doubts_become_reviews_and_score_nothing(printed: Printed) -> None:
    marks = perfect(printed, "A")
    choice = [q for q in questions(printed, "A") if q["kind"] == "choice"]
    c1, c2, c3 = choice[0], choice[1], choice[2]
    marks[(c1["number"], c1["answer"])] = "unsure"
    other = next(v for v in c2["choices"] if v != c2["answer"])
    marks[(c2["number"], other)] = "marked"
    marks[(c3["number"], "X")] = "marked"  # the cancel box
    essay = next(q for q in questions(printed, "A") if q["id"] == "grading/essay")
    del marks[(essay["number"], "3")]
    (sheet,), _ = assemble([page(printed, "A", "000042", marks)], printed.layout)
    reasons = {r.question: r.reason for r in sheet.reviews}
    assert reasons == {
        c1["number"]: f"a light or partial mark in {c1['answer']} (fill 0.30)",
        c2["number"]: f"2 marks: {' and '.join(sorted([c2['answer'], other]))} (one answer is expected)",
        c3["number"]: "the cancel box is ticked: read the answer circled on the quiz paper",
        essay["number"]: "no score box ticked: score the written answer",
    }
    assert sheet.pending == sorted(reasons)
    assert sheet.score == sheet.max - sum(float(q["points"]) for q in (c1, c2, c3, essay))
    assert sheet.reviews[0].text().startswith("s.pdf page 1: question ")


def test_student_numbers_unclear_missing_or_twice_are_reported(printed: Printed) -> None:
    a = page(printed, "A", "111111", perfect(printed, "A"), "a.png")
    b = page(printed, "B", "111111", perfect(printed, "B"), "b.png")
    nobody = page(printed, "A", "", perfect(printed, "A"), "c.png")
    gap = page(printed, "A", "12 456", perfect(printed, "A"), "d.png")
    sheets, _ = assemble([a, b, nobody, gap], printed.layout)
    texts = sorted(r.text() for s in sheets for r in s.reviews)
    both = "student number 111111 is on 2 sheets: a.png page 1 (version A); b.png page 1 (version B)"
    assert texts == [
        f"a.png page 1: {both}",
        f"b.png page 1: {both}",
        "c.png page 1: no student number marked",
        "d.png page 1: student number has a gap: '12_456'",
    ]


def test_the_same_page_scanned_twice_is_read_once(printed: Printed) -> None:
    a = page(printed, "A", "222222", perfect(printed, "A"), "a.png")
    again = page(printed, "A", "222222", {}, "again.png")
    (sheet,), _ = assemble([a, again], printed.layout)
    assert sheet.score == sheet.max
    assert [r.text() for r in sheet.reviews] == [
        "again.png page 1: page 1 of this sheet scanned twice (also a.png page 1); only the first is read"
    ]


def test_results_csv_has_a_row_per_student_and_a_column_per_question(printed: Printed) -> None:
    marks = perfect(printed, "B")
    c = next(q for q in questions(printed, "B") if q["kind"] == "choice")
    marks[(c["number"], c["answer"])] = "unsure"
    sheets, loose = assemble(
        [page(printed, "A", "000001", perfect(printed, "A")), page(printed, "B", "000002", marks),
         PageScan("x.jpg", 1, problem="cannot read the QR code")],
        printed.layout,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(results_csv(sheets, printed.layout, loose))))
    ids = [q["id"] for q in questions(printed, "A")]
    assert list(rows[0]) == [
        "student", "version", "file", "page", *ids, "total", "max", "percent", "review", "problems"
    ]  # fmt: skip
    assert [(r["student"], r["file"], r["page"], r["review"], r["problems"]) for r in rows] == [
        ("000001", "s.pdf", "1", "", ""),
        ("000002", "s.pdf", "1", str(c["number"]), ""),
        ("?", "x.jpg", "1", "sheet", "cannot read the QR code"),
    ]
    total = sum(q["points"] for q in questions(printed, "A"))
    assert (
        rows[0]["student"] == "000001" and rows[0]["total"] == f"{total:g}" and rows[0]["percent"] == "100.0"
    )
    assert rows[1][c["id"]] == "" and rows[1]["review"] == str(c["number"])
    assert rows[1]["total"] == f"{total - 1:g}"
    data = json.loads(json.dumps(sheets_json(sheets, loose)))
    assert data["unreadable"] == [
        {"file": "x.jpg", "page": 1, "question": None, "reason": "cannot read the QR code"}
    ]
    second = data["sheets"][1]
    assert second["answers"][str(c["number"])] is None and second["unsure"][0]["question"] == c["number"]
    assert {"file", "page", "student", "version", "answers", "unsure", "score", "max"} <= set(second)
