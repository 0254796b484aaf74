"""Sheet problems and the teacher's decisions, on pages as `scan` reads them (no images)."""

from __future__ import annotations

import copy
import csv
import io
import random
from pathlib import Path
from typing import Any

import numpy as np

from quizgen.grading.decisions import decisions_csv, read_decisions
from quizgen.grading.grade import Graded, regrade, review_names
from quizgen.grading.picture import review_image
from quizgen.grading.scan import SCALE, PageScan, State
from quizgen.grading.score import Overrides, assemble, results_csv
from tests.grading import synth
from tests.grading.conftest import Printed
from tests.grading.test_score import page, perfect, questions

Json = dict[str, Any]


def two_pages(printed: Printed) -> Printed:
    """The layout with version A's rows split over two pages (each with the number grid)."""
    layout = copy.deepcopy(printed.layout)
    first = next(p for p in layout["pages"] if p["version"] == "A")
    numbers = sorted({b["question"] for b in first["bubbles"] if b["question"] is not None})
    later = set(numbers[len(numbers) // 2 :])
    second = copy.deepcopy(first)
    second["page"] = 2
    second["qr"] = first["qr"][:-1] + "2"
    first["bubbles"] = [b for b in first["bubbles"] if b["question"] not in later]
    first["rows"] = [r for r in first["rows"] if r["question"] not in later]
    second["bubbles"] = [b for b in second["bubbles"] if b["question"] is None or b["question"] in later]
    second["rows"] = [r for r in second["rows"] if r["question"] in later]
    for p in (first, second):
        p["pages"] = 2
    layout["pages"].insert(layout["pages"].index(first) + 1, second)
    next(v for v in layout["versions"] if v["version"] == "A")["pages"] = 2
    return Printed(printed.quiz, layout, printed.pdf, printed.bank)


def graded(scans: list[PageScan], layout: Json, overrides: Overrides | None = None) -> Graded:
    sheets, loose = assemble(scans, layout, None, overrides)
    return Graded(sheets, loose, scans)


def decide(tmp_path: Path, g: Graded, layout: Json, decisions: dict[tuple[str, str, str], str]) -> Graded:
    """Fill the decisions file as a teacher does: (file, kind, question) -> decision."""
    rows = list(csv.DictReader(io.StringIO(decisions_csv(g, layout))))
    for r in rows:
        r["decision"] = decisions.get((r["file"], r["kind"], r["question"]), "")
    path = tmp_path / "decisions.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return regrade(g, layout, read_decisions(path, g, layout).overrides)


def test_a_missing_page_is_a_problem_until_the_teacher_says_it_is_lost(
    printed: Printed, tmp_path: Path
) -> None:
    two = two_pages(printed)
    marks = perfect(two, "A")
    g = graded([page(two, "A", "123456", marks, "p1.png", number=1)], two.layout)
    (sheet,) = g.sheets
    on_two = sorted({b["question"] for b in two.layout["pages"][1]["bubbles"] if b["question"]})
    assert [r.text() for r in sheet.problems] == ["p1.png page 1: page 2 of this sheet was not scanned"]
    assert sheet.pending == on_two
    (row,) = csv.DictReader(io.StringIO(results_csv(g.sheets, two.layout)))
    assert row["problems"] == "page 2 of this sheet was not scanned" and row["file"] == "p1.png"
    done = decide(tmp_path, g, two.layout, {("p1.png", "missing", ""): "ok"})
    (sheet,) = done.sheets
    assert sheet.reviews == [] and sheet.pending == []
    lost = sum(float(q["points"]) for q in questions(two, "A") if q["number"] in on_two)
    assert sheet.score == sheet.max - lost


def test_a_page_without_its_number_joins_its_sheet_by_the_teachers_decision(
    printed: Printed, tmp_path: Path
) -> None:
    two = two_pages(printed)
    marks = perfect(two, "A")
    pages = [
        page(two, "A", "123456", marks, "p1.png", number=1),
        page(two, "A", "", marks, "p2.png", number=2),
    ]
    g = graded(pages, two.layout)
    assert sorted(r.text() for r in g.problems) == [
        "p1.png page 1: page 2 of this sheet was not scanned",
        "p2.png page 1: no student number marked",
        "p2.png page 1: page 1 of this sheet was not scanned",
    ]
    rows = list(csv.DictReader(io.StringIO(decisions_csv(g, two.layout))))
    assert [(r["file"], r["kind"], r["read"]) for r in rows if r["kind"] == "student"] == [
        ("p2.png", "student", "______")
    ]
    done = decide(tmp_path, g, two.layout, {("p2.png", "student", ""): "123456"})
    (sheet,) = done.sheets
    assert sheet.student == "123456" and sheet.reviews == [] and sheet.score == sheet.max


def test_an_almost_blank_sheet_is_flagged_and_can_be_accepted(printed: Printed, tmp_path: Path) -> None:
    qs = questions(printed, "A")
    bubbles = [q for q in qs if q["field"] == "answer"]
    marks: dict[tuple[int, str], State] = {
        k: v for k, v in perfect(printed, "A").items() if k[0] not in {q["number"] for q in bubbles[1:]}
    }
    g = graded([page(printed, "A", "222222", marks, "b.png")], printed.layout)
    assert [r.reason for r in g.problems] == [
        f"almost blank: only 1 of its {len(bubbles)} bubble questions marked"
    ]
    done = decide(tmp_path, g, printed.layout, {("b.png", "blank", ""): "ok"})
    assert done.problems == []


def test_a_mixed_up_version_is_scored_as_the_teacher_says(printed: Printed, tmp_path: Path) -> None:
    a, b = questions(printed, "A"), questions(printed, "B")
    marks: dict[tuple[int, str], State] = {}
    for qa, qb in zip(a, b, strict=True):  # quiz B's right answers, marked on sheet A
        if qa["field"] == "answer" and qa["kind"] == qb["kind"] and not qa.get("digits"):
            for value in qb["answer"] if isinstance(qb["answer"], list) else [qb["answer"]]:
                marks[(qa["number"], value)] = "marked"
        elif qa["field"] == "score":
            marks[(qa["number"], f"{qa['points']:g}")] = "marked"
    g = graded([page(printed, "A", "333333", marks, "m.png")], printed.layout)
    assert [r.what for r in g.problems] == ["version"]
    as_a = decide(tmp_path, g, printed.layout, {("m.png", "version", ""): "A"})
    assert as_a.problems == [] and as_a.sheets[0].score == g.sheets[0].score
    as_b = decide(tmp_path, g, printed.layout, {("m.png", "version", ""): "b"})
    (sheet,) = as_b.sheets
    assert (sheet.version, sheet.printed) == ("B", "A") and sheet.problems == []
    assert sheet.score > g.sheets[0].score
    (row,) = csv.DictReader(io.StringIO(results_csv(as_b.sheets, printed.layout)))
    assert row["version"] == "B (sheet A)"


def test_a_decision_of_nothing_marked_scores_zero(printed: Printed, tmp_path: Path) -> None:
    marks = perfect(printed, "A")
    c = next(q for q in questions(printed, "A") if q["kind"] == "choice")
    marks[(c["number"], c["answer"])] = "unsure"
    g = graded([page(printed, "A", "444444", marks, "u.png")], printed.layout)
    (row,) = [
        r for r in csv.DictReader(io.StringIO(decisions_csv(g, printed.layout))) if r["kind"] == "question"
    ]
    assert (row["question"], row["read"], row["id"]) == (str(c["number"]), f"{c['answer']}?", c["id"])
    (sheet,) = decide(tmp_path, g, printed.layout, {("u.png", "question", str(c["number"])): "-"}).sheets
    assert sheet.points[c["number"]] == 0 and sheet.answers[c["number"]] == "" and sheet.pending == []
    (sheet,) = decide(
        tmp_path, g, printed.layout, {("u.png", "question", str(c["number"])): c["answer"].lower()}
    ).sheets
    assert sheet.score == sheet.max and sheet.decided == {c["number"]: c["answer"]}


def test_review_images_of_alike_names_never_share_a_file() -> None:
    files = ["x/s.png", "y/s.png", "x/s.jpg", "y-s.png", "t.pdf", "t.pdf"]
    scans = [PageScan(f, index) for f, index in zip(files, [1, 1, 1, 1, 1, 2], strict=True)]
    names = review_names(scans)
    assert len(set(names.values())) == len(scans)
    assert names[4] == "t-p1.png" and names[5] == "t-p2.png"


def _red(png: np.ndarray, box: list[float]) -> float:
    x0, y0, x1, y1 = (round(v * SCALE) for v in box)
    region = png[max(0, y0 - 6) : y1 + 6, max(0, x0 - 6) : x1 + 6].astype(int)
    return float(((region[..., 2] > 180) & (region[..., 1] < 90) & (region[..., 0] < 90)).mean())


def test_the_review_picture_marks_the_question_to_review_in_red_and_the_key_in_blue(printed: Printed) -> None:
    import cv2

    marks = perfect(printed, "A")
    c = next(q for q in questions(printed, "A") if q["kind"] == "choice")
    wrong = next(q for q in questions(printed, "A") if q["kind"] == "choice" and q is not c)
    marks[(c["number"], c["answer"])] = "unsure"
    del marks[(wrong["number"], wrong["answer"])]
    scan = page(printed, "A", "555555", marks, "r.png")
    image = synth.rasterise(printed.pdf, round(72 * SCALE))[0]
    scan = PageScan(scan.file, scan.index, scan.version, scan.page, scan.fills, scan.states, image=image)
    (sheet,), _ = assemble([scan], printed.layout)
    png = cv2.imdecode(np.frombuffer(review_image(scan, printed.layout, sheet), np.uint8), cv2.IMREAD_COLOR)
    spec = printed.layout["pages"][0]
    rows = {r["question"]: r["box"] for r in spec["rows"]}
    row = rows[c["number"]]
    assert _red(png, [row[0], row[1], row[2], row[1] + 2]) > 0.3  # the frame's top edge
    assert _red(png, [rows[wrong["number"]][0] - 12, rows[wrong["number"]][1], rows[wrong["number"]][0] - 2,
                      rows[wrong["number"]][1] + 10]) > 0.05  # fmt: skip  # the cross beside a wrong answer
    keyed = next(
        b for b in spec["bubbles"] if b["question"] == wrong["number"] and b["value"] == wrong["answer"]
    )
    x0, y0, x1, y1 = (round(v * SCALE) for v in keyed["box"])
    ring = png[y0 - 9 : y1 + 9, x0 - 9 : x1 + 9].astype(int)
    assert ((ring[..., 0] > 180) & (ring[..., 2] < 90)).mean() > 0.05  # the key's blue ring
    assert png.shape[0] > image.shape[0]  # the reasons are written below the page
    assert _red(png, [0, 0, 4, spec["size"][1]]) < 0.1  # no red border: no sheet problem


def test_a_decisions_file_saved_by_a_spreadsheet_is_read(printed: Printed, tmp_path: Path) -> None:
    marks = perfect(printed, "A")
    c = next(q for q in questions(printed, "A") if q["kind"] == "choice")
    marks[(c["number"], c["answer"])] = "unsure"
    g = graded([page(printed, "A", "444444", marks, "u.png")], printed.layout)
    rows = list(csv.DictReader(io.StringIO(decisions_csv(g, printed.layout))))
    rows[0]["decision"] = c["answer"]
    rows[0]["file"] = "./u.png"  # the folder named another way next time
    path = tmp_path / "decisions.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as f:  # as Excel saves it: a BOM, semicolons
        writer = csv.DictWriter(f, list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    (sheet,) = regrade(g, printed.layout, read_decisions(path, g, printed.layout).overrides).sheets
    assert sheet.score == sheet.max and sheet.reviews == []


def _pupils(printed: Printed, ability: float, count: int, seed: int) -> int:
    """How many of `count` pupils who answered quiz B on sheet A (right on B's key with
    `ability`, guessing otherwise) are flagged as a version mix-up."""
    rnd = random.Random(seed)
    a, b = questions(printed, "A"), questions(printed, "B")
    spec = printed.layout["pages"][0]
    flagged = 0
    for s in range(count):
        marks: dict[tuple[int, str], State] = {}
        for qa, qb in zip(a, b, strict=True):
            values = [
                x["value"]
                for x in spec["bubbles"]
                if x["question"] == qa["number"] and x["field"] != "cancel"
            ]
            if qa.get("digits"):
                continue
            if qa["field"] == "answer" and qa["kind"] == qb["kind"] and rnd.random() < ability:
                for v in qb["answer"] if isinstance(qb["answer"], list) else [qb["answer"]]:
                    marks[(qa["number"], v)] = "marked"
            else:
                marks[(qa["number"], rnd.choice(values))] = "marked"
        (sheet,), _ = assemble([page(printed, "A", f"{s:06d}", marks, f"s{s}.png")], printed.layout)
        flagged += any(r.what == "version" for r in sheet.problems)
    return flagged


def test_guessing_pupils_are_not_taken_for_a_mix_up_and_mixed_up_ones_are(printed: Printed) -> None:
    """As measured for docs/grading.md (15 bubble questions, 2 versions): 6 of 2,000 pure guessers
    flagged; of 400 mixed-up pupils each, 72 % of those who know half the answers, 94 % of those
    who know 70 %, 99.5 % of those who know 90 %."""
    assert _pupils(printed, 0.0, 300, 1) <= 3
    assert _pupils(printed, 0.9, 60, 2) >= 58


def test_after_a_version_decision_the_questions_of_another_kind_are_decided_by_that_version(
    printed: Printed, tmp_path: Path
) -> None:
    layout = copy.deepcopy(printed.layout)  # version B with a choice and a written question swapped
    b = next(v["questions"] for v in layout["versions"] if v["version"] == "B")
    choice, written = next(q for q in b if q["kind"] == "choice"), next(q for q in b if q["field"] == "score")
    choice["number"], written["number"] = written["number"], choice["number"]
    b.sort(key=lambda q: q["number"])
    a = questions(printed, "A")
    differ = [
        qb for qa, qb in zip(a, b, strict=True) if (qa["field"], qa["kind"]) != (qb["field"], qb["kind"])
    ]
    assert sorted(q["number"] for q in differ) == sorted([choice["number"], written["number"]])
    printed = Printed(printed.quiz, layout, printed.pdf, printed.bank)
    marks: dict[tuple[int, str], State] = {}
    for qa, qb in zip(a, b, strict=True):  # quiz B's right answers, marked on sheet A
        if qa["field"] == "score":
            marks[(qa["number"], f"{qa['points']:g}")] = "marked"
        elif qa.get("digits") is None:
            good = qb["answer"] if qb["kind"] == qa["kind"] else qa["choices"] and next(iter(qa["choices"]))
            for value in good if isinstance(good, list) else [good]:
                marks[(qa["number"], value)] = "marked"
    g = graded([page(printed, "A", "666666", marks, "d.png")], printed.layout)
    assert [r.what for r in g.problems] == ["version"]
    as_b = decide(tmp_path, g, printed.layout, {("d.png", "version", ""): "B"})
    (sheet,) = as_b.sheets
    assert sorted(r.question for r in sheet.reviews if r.question) == sorted(q["number"] for q in differ)
    assert any(r.reason.endswith(": score it by hand") for r in sheet.reviews)
    # the teacher decides them as version B's questions: points for a written answer, a letter for a bubble
    wanted = {("d.png", "version", ""): "B"}
    for q in differ:
        wanted[("d.png", "question", str(q["number"]))] = (
            f"{q['points']:g}" if q["field"] == "score" else q["answer"]
        )
    rows = list(csv.DictReader(io.StringIO(decisions_csv(as_b, printed.layout))))
    path = tmp_path / "again.csv"
    for r in rows:
        r["decision"] = wanted.get((r["file"], r["kind"], r["question"]), "")
    rows.append(dict(rows[0], kind="version", question="", decision="B"))
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (done,) = regrade(g, printed.layout, read_decisions(path, g, printed.layout).overrides).sheets
    assert done.version == "B" and done.reviews == [] and done.pending == []
