"""`quizgen quiz --sheets` and `quizgen grade` as a teacher runs them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.grading import synth
from tests.grading.bank import write as write_bank
from tests.test_cli import run


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quiz printed with its sheets by the command line; returns the folder."""
    folder = tmp_path_factory.mktemp("quiz")
    bank = write_bank(folder)
    code, out = run("quiz", str(bank), "-v", "2", "--seed", "mon", "--sheets", "-o", str(folder / "quiz.pdf"))
    assert code == 0, out
    return folder


def fill_all(folder: Path, layout: dict, students: list[str], double: bool = False) -> list[np.ndarray]:
    """One filled page per student, each answer solid, versions in turn."""
    pages = synth.rasterise((folder / "quiz-sheets.pdf").read_bytes(), 200)
    rng = np.random.default_rng(3)
    out = []
    for i, student in enumerate(students):
        spec = layout["pages"][i % len(layout["pages"])]
        img = pages[i % len(pages)].copy()
        questions = next(v["questions"] for v in layout["versions"] if v["version"] == spec["version"])
        for b in spec["bubbles"]:
            if b["field"] == "student" and student[b["column"]] == b["value"]:
                synth.mark(img, b["box"], "solid", 200, rng)
        for q in questions:
            mine = [
                b
                for b in spec["bubbles"]
                if b["question"] == q["number"] and b["field"] in ("answer", "score")
            ]
            chosen = mine[(i + q["number"]) % len(mine)]
            synth.mark(img, chosen["box"], "solid" if q["field"] == "answer" else "tickbox", 200, rng)
            if double and q["kind"] == "choice":
                synth.mark(img, mine[(i + q["number"] + 1) % len(mine)]["box"], "solid", 200, rng)
                double = False
        out.append(synth.rotate(img, float(rng.uniform(-4, 4))))
    return out


def test_quiz_sheets_writes_the_sheets_and_their_layout(printed: Path) -> None:
    names = sorted(p.name for p in printed.iterdir())
    assert names == ["grading.yaml", "quiz-key.pdf", "quiz-layout.json", "quiz-sheets.pdf", "quiz.pdf"]
    layout = json.loads((printed / "quiz-layout.json").read_text())
    assert [v["version"] for v in layout["versions"]] == ["A", "B"]
    assert layout["format"] == "quizgen-sheet-layout"


def test_grade_reads_photos_and_a_scanner_pdf_into_results(printed: Path, tmp_path: Path) -> None:
    layout = json.loads((printed / "quiz-layout.json").read_text())
    scans = tmp_path / "scans"
    scans.mkdir()
    images = fill_all(printed, layout, ["100001", "100002", "100003", "100004"])
    cv2.imwrite(str(scans / "phone-1.jpg"), images[0], [cv2.IMWRITE_JPEG_QUALITY, 60])
    cv2.imwrite(str(scans / "phone-2.png"), images[1])
    (scans / "scanner.pdf").write_bytes(synth.to_pdf(images[2:], 200))
    out = tmp_path / "results.csv"
    code, output = run(
        "grade", str(scans), "--layout", str(printed / "quiz-layout.json"), "-o", str(out),
        "--json", str(tmp_path / "sheets.json"), "--review", str(tmp_path / "review"),
        "--report", str(tmp_path / "report.html"),
    )  # fmt: skip
    assert code == 0, output
    assert "4 pages read into 4 sheets; 0 items to review" in output
    rows = list(csv.DictReader(out.open()))
    assert [(r["student"], r["version"]) for r in rows] == [
        ("100001", "A"),
        ("100002", "B"),
        ("100003", "A"),
        ("100004", "B"),
    ]
    sheets = json.loads((tmp_path / "sheets.json").read_text())["sheets"]
    assert {s["file"].rsplit("/", 1)[-1] for s in sheets} == {"phone-1.jpg", "phone-2.png", "scanner.pdf"}
    for row, sheet in zip(rows, sheets, strict=True):
        assert float(row["total"]) == sheet["score"] and sheet["unsure"] == []
        assert all(v is not None for v in sheet["answers"].values())
    assert sorted(p.name for p in (tmp_path / "review").iterdir()) == [
        "phone-1-p1.png", "phone-2-p1.png", "scanner-p1.png", "scanner-p2.png"
    ]  # fmt: skip
    html = (tmp_path / "report.html").read_text()
    assert "grading/capital" in html and "grading.yaml:" in html


def test_grade_lists_what_needs_review_and_exits_1(printed: Path, tmp_path: Path) -> None:
    layout = json.loads((printed / "quiz-layout.json").read_text())
    a, b = fill_all(printed, layout, ["555555", "555555"], double=True)
    cv2.imwrite(str(tmp_path / "a.png"), a)
    cv2.imwrite(str(tmp_path / "b.png"), b)
    (tmp_path / "c.png").write_bytes(cv2.imencode(".png", np.full((900, 700), 255, np.uint8))[1].tobytes())
    code, output = run(
        "grade", str(tmp_path), "-l", str(printed / "quiz-layout.json"), "-o", str(tmp_path / "r.csv")
    )
    assert code == 1
    reviews = [line for line in output.splitlines() if line.startswith("review: ")]
    assert any(
        "a.png page 1: question" in r and "2 marks: " in r and "(one answer is expected)" in r
        for r in reviews
    )
    assert any("student number 555555 is on 2 sheets" in r for r in reviews)
    assert f"review: {tmp_path / 'c.png'} page 1: found 0 of the 4 corner markers (need 3)" in output
    assert (tmp_path / "r.csv").exists()  # the results are written; the review list says what is missing


def test_grade_refuses_a_bad_layout_and_writes_nothing(printed: Path, tmp_path: Path) -> None:
    bad = tmp_path / "layout.json"
    bad.write_text('{\n  "format": 1,\n', encoding="utf-8")
    code, output = run(
        "grade", str(printed / "quiz.pdf"), "--layout", str(bad), "-o", str(tmp_path / "r.csv")
    )
    assert code == 1
    assert (
        f"{bad}:3:1: not a layout file (invalid JSON)" in output
        and "hint: pass the <name>-layout.json" in output
    )
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else"}', encoding="utf-8")
    code, output = run(
        "grade", str(printed / "quiz.pdf"), "--layout", str(other), "-o", str(tmp_path / "r.csv")
    )
    assert code == 1 and "not a quizgen sheet layout" in output
    assert not (tmp_path / "r.csv").exists()


def test_grade_usage_errors(printed: Path, tmp_path: Path) -> None:
    layout = str(printed / "quiz-layout.json")
    code, output = run("grade", str(tmp_path / "missing.pdf"), "--layout", layout)
    assert code == 2 and "no such file or folder" in output
    code, output = run("grade", str(tmp_path), "--layout", layout)
    assert code == 2 and "no scans" in output
    code, output = run("grade", layout, "--layout", layout, "--report", str(tmp_path / "r.pdf"))
    assert code == 2 and "--report must end in .html" in output


def test_grade_help_has_an_example_and_help_stays_light() -> None:
    code, out = run("grade", "--help")
    assert code == 0 and "Example: quizgen grade" in out
    code_text = (
        "import sys; from quizgen.cli import app; "
        "print([m for m in ('cv2', 'numpy', 'pypdfium2') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code_text], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
