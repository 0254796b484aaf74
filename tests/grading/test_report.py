"""Item analysis: share correct, discrimination, distractors, suspected wrong keys, the HTML page."""

from __future__ import annotations

import statistics
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from quizgen.grading.report import analyse, pearson, render_report
from quizgen.grading.scan import State
from quizgen.grading.score import Sheet, assemble
from tests.grading.conftest import Printed
from tests.grading.test_score import page, perfect, questions


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40)), min_size=3, max_size=40))
def test_pearson_is_the_correlation_of_the_statistics_module(pairs: list[tuple[int, int]]) -> None:
    xs, ys = [float(x) for x, _ in pairs], [float(y) for _, y in pairs]
    try:
        expected = statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        assert pearson(xs, ys) is None
        return
    got = pearson(xs, ys)
    assert got is not None and abs(got - expected) < 1e-9


def classroom(printed: Printed) -> tuple[list[Sheet], dict[str, object]]:
    """Twelve students; the better a student, the more questions right. On one choice
    question the best students all pick the same other choice: its key looks wrong."""
    qs = questions(printed, "A")
    suspect = next(q for q in qs if q["kind"] == "choice")
    other = next(v for v in suspect["choices"] if v != suspect["answer"])
    scans = []
    for s in range(12):
        marks: dict[tuple[int, str], State] = perfect(printed, "A")
        for q in qs[: 12 - s]:  # student 0 gets the first 12 wrong, student 11 none
            if q["kind"] == "choice" and q is not suspect:
                marks.pop((q["number"], q["answer"]))
                marks[(q["number"], next(v for v in q["choices"] if v != q["answer"]))] = "marked"
        marks.pop((suspect["number"], suspect["answer"]), None)
        marks[(suspect["number"], other if s >= 6 else suspect["answer"])] = "marked"
        scans.append(page(printed, "A", f"{s:06d}", marks, f"s{s}.png"))
    sheets, _ = assemble(scans, printed.layout)
    return sheets, {"suspect": suspect, "other": other}


def test_item_analysis_numbers(printed: Printed) -> None:
    sheets, info = classroom(printed)
    suspect = info["suspect"]
    stats = {i.id: i for i in analyse(sheets, printed.layout)}
    item = stats[suspect["id"]]  # type: ignore[index]
    assert item.answered == 12 and item.share_correct == 0.5
    assert item.choices[suspect["choices"][info["other"]]] == 6  # type: ignore[index]
    assert item.choices[suspect["choices"][suspect["answer"]]] == 6  # type: ignore[index]
    assert item.discrimination is not None and item.discrimination < 0
    other, key = suspect["choices"][info["other"]], suspect["choices"][suspect["answer"]]  # type: ignore[index]
    assert item.flags[0] == (
        f"key may be wrong: all of the 3 strongest students chose \u201c{other}\u201d, "
        f"none the key \u201c{key}\u201d"
    )
    essay = stats["grading/essay"]
    assert essay.share_correct == 1 and essay.discrimination is None and essay.choices == {}
    # item scores against the rest of the test, by hand for one question
    q = next(q for q in questions(printed, "A") if q["kind"] == "choice" and q is not suspect)
    xs = [s.points[q["number"]] for s in sheets]
    ys = [s.score - s.points[q["number"]] for s in sheets]  # type: ignore[operator]
    assert abs(stats[q["id"]].discrimination - statistics.correlation(xs, ys)) < 1e-9  # type: ignore[arg-type, operator]


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_report_names_each_question_by_bank_id_and_file_line(printed: Printed) -> None:
    sheets, _ = classroom(printed)
    html = render_report(sheets, printed.layout)
    parser = Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for q in questions(printed, "A"):
        assert q["id"] in text and q["source"] in text
    assert "key may be wrong" in text and "000011" in text
    assert "script" not in parser.tags


def test_report_escapes_what_the_bank_says(printed: Printed) -> None:
    import copy

    layout = copy.deepcopy(printed.layout)
    for v in layout["versions"]:
        for q in v["questions"]:
            if "choices" in q:
                q["choices"] = {k: f"<script>alert({k!r})</script>" for k in q["choices"]}
    html = render_report([], layout)
    assert "<script>" not in html


def report_text(sheets: list[Sheet], layout: dict[str, object], loose: list[object] | None = None) -> str:
    parser = Text()
    parser.feed(render_report(sheets, layout, loose or []))  # type: ignore[arg-type]
    return " ".join(" ".join(parser.parts).split())


def test_report_names_questions_as_the_teacher_does(printed: Printed) -> None:
    """R2, R7: each question by its number on every version's paper and its text; points and
    scores written as a teacher writes them."""
    sheets, _ = classroom(printed)
    text = report_text(sheets, printed.layout)
    by_version = {v["version"]: {q["id"]: q for q in v["questions"]} for v in printed.layout["versions"]}
    for q in questions(printed, "A"):
        numbers = f"A: Q{q['number']} \u00b7 B: Q{by_version['B'][q['id']]['number']}"
        points = f"{q['points']:g} point{'' if q['points'] == 1 else 's'}"
        assert (
            f"{numbers} \u2014 {q['prompt']} {q['id']} \u00b7 {q['source']} \u00b7 "
            f"{q['kind']} \u00b7 {points}" in text
        )
    assert " pt " not in text and ".0/" not in text
    best = max(sheets, key=lambda s: s.score)
    assert f"{best.student} A {best.score:g}/{best.max:g} {100 * best.score / best.max:.0f}" in text


def test_report_says_when_the_class_is_too_small(printed: Printed) -> None:
    sheets, _ = classroom(printed)
    note = "the class is too small for the discrimination figures"
    assert f"With 12 sheets, {note}" in report_text(sheets, printed.layout)
    more = [page(printed, "A", f"{s:06d}", perfect(printed, "A"), f"p{s}.png") for s in range(20)]
    big, _ = assemble(more, printed.layout)
    assert note not in report_text(big, printed.layout)


def test_the_report_opens_with_what_is_not_final(printed: Printed) -> None:
    from quizgen.grading.scan import PageScan

    sheets, _ = classroom(printed)
    assert report_text(sheets, printed.layout).find("Every sheet was read and nothing is under review") > 0
    marks = perfect(printed, "A")
    c = next(q for q in questions(printed, "A") if q["kind"] == "choice")
    marks[(c["number"], c["answer"])] = "unsure"
    scans = [
        page(printed, "A", "000001", marks, "a.png"),
        page(printed, "B", "000001", perfect(printed, "B"), "b.png"),
    ]
    doubtful, loose = assemble(
        [*scans, PageScan("c.png", 1, problem="cannot read the QR code")], printed.layout
    )
    text = report_text(doubtful, printed.layout, loose)  # type: ignore[arg-type]
    head = text.index("Not final: 3 sheet problems, 1 item to review")
    assert head < text.index("A: Q")
    assert "c.png page 1 (not read): cannot read the QR code" in text
    assert "a.png page 1 (student 000001, version A): student number 000001 is on 2 sheets" in text
    assert (
        f"a.png page 1 (student 000001, version A), question {c['number']}: "
        f"a light or partial mark in {c['answer']}" in text
    )
    assert "scored on 1 sheet (1 under review)" in text
