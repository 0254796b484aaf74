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
