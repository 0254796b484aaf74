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

from quizgen.cli.common import plural
from quizgen.grading.grade import NOT_A_SCAN
from tests.cli.test_cli import run
from tests.grading import synth
from tests.grading.bank import write as write_bank
from tests.grading.test_report import Text


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
    assert "4 pages read into 4 sheets; 0 sheet problems, 0 items to review" in output
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
    both = f"{tmp_path / 'a.png'} page 1 (version A); {tmp_path / 'b.png'} page 1 (version B)"
    assert f"problem: {tmp_path / 'a.png'} page 1: student number 555555 is on 2 sheets: {both}" in output
    assert f"problem: {tmp_path / 'b.png'} page 1: student number 555555 is on 2 sheets: {both}" in output
    assert f"problem: {tmp_path / 'c.png'} page 1: found 0 of the 4 corner markers (need 3)" in output
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
    code, output = run("grade", layout, "--layout", layout, "--jobs", "0")
    assert code == 2 and "quizgen: error: --jobs: must be at least 1" in output


def test_grade_help_has_an_example_and_help_stays_light() -> None:
    code, out = run("grade", "--help")
    assert code == 0 and "Example: quizgen grade" in out
    code_text = (
        "import sys; from quizgen.cli import app; "
        "print([m for m in ('cv2', 'numpy', 'pypdfium2') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code_text], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- sheet problems and the review loop, as the teacher sees them --------------------------------


def keyed(layout: dict, version: str) -> dict[int, list[str]]:
    """The values a pupil who knows everything marks, per question number (full points ticked)."""
    out: dict[int, list[str]] = {}
    for q in next(v["questions"] for v in layout["versions"] if v["version"] == version):
        if q["field"] == "score":
            out[q["number"]] = [f"{q['points']:g}"]
        else:
            out[q["number"]] = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
    return out


def filled(
    folder: Path, layout: dict, version: str, student: str, answers: dict[int, list[str]]
) -> np.ndarray:
    """Sheet `version` (page 1) with `student` and the values in `answers` marked solid."""
    index = next(i for i, p in enumerate(layout["pages"]) if p["version"] == version and p["page"] == 1)
    spec = layout["pages"][index]
    img = synth.rasterise((folder / "quiz-sheets.pdf").read_bytes(), 150)[index].copy()
    rng = np.random.default_rng(5)
    for b in spec["bubbles"]:
        if b["field"] == "student" and b["column"] < len(student) and student[b["column"]] == b["value"]:
            synth.mark(img, b["box"], "solid", 150, rng)
        elif b["field"] in ("answer", "score") and b["value"] in answers.get(b["question"], []):
            synth.mark(img, b["box"], "solid" if b["field"] == "answer" else "tickbox", 150, rng)
    return img


def red_share(png: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """The share of pixels in a region (x0, y0, x1, y1) drawn in the review red."""
    x0, y0, x1, y1 = box
    region = png[y0:y1, x0:x1].astype(int)
    red = (region[..., 2] > 180) & (region[..., 1] < 90) & (region[..., 0] < 90)
    return float(red.mean())


@pytest.fixture(scope="module")
def classroom(printed: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Five scans: a clean sheet, a blank one, a sheet A answered with quiz B, two sheets of one
    number (one with a double mark)."""
    layout = json.loads((printed / "quiz-layout.json").read_text())
    scans = tmp_path_factory.mktemp("scans")
    a_key, b_key = keyed(layout, "A"), keyed(layout, "B")
    double = dict(a_key)
    choice = next(q for q in layout["versions"][0]["questions"] if q["kind"] == "choice")
    other = next(c for c in choice["choices"] if c != choice["answer"])
    double[choice["number"]] = [choice["answer"], other]
    sheets = {
        "good.png": filled(printed, layout, "A", "100001", a_key),
        "blank.png": filled(printed, layout, "A", "100002", {}),
        "mixed.png": filled(printed, layout, "A", "100003", b_key),
        "twice-1.png": filled(printed, layout, "B", "100004", b_key),
        "twice-2.png": filled(printed, layout, "A", "100004", double),
    }
    for name, img in sheets.items():
        cv2.imwrite(str(scans / name), img)
    return scans, {"layout": layout, "double": choice, "other": other}


def grade_class(printed: Path, scans: Path, out: Path, *extra: str) -> tuple[int, str]:
    return run(
        "grade", str(scans), "-l", str(printed / "quiz-layout.json"), "-o", str(out / "results.csv"),
        "--json", str(out / "sheets.json"), "--review", str(out / "review"),
        "--report", str(out / "report.html"),
        "--jobs", "1", *extra,
    )  # fmt: skip


def test_sheet_problems_are_in_the_terminal_csv_json_pictures_and_report(
    printed: Path, classroom: tuple[Path, dict], tmp_path: Path
) -> None:
    scans, info = classroom
    layout = info["layout"]
    a_key, b_key = keyed(layout, "A"), keyed(layout, "B")
    bubbles = [q["number"] for q in layout["versions"][0]["questions"] if q["field"] == "answer"]
    same = sum(1 for n in bubbles if sorted(a_key[n]) == sorted(b_key[n]))  # B's answers right on key A
    code, output = grade_class(printed, scans, tmp_path)
    assert code == 1
    lines = output.splitlines()
    problems = [line for line in lines if line.startswith("problem: ")]
    at = {name: str(scans / name) for name in ("blank.png", "mixed.png", "twice-1.png", "twice-2.png")}
    both = f"{at['twice-1.png']} page 1 (version B); {at['twice-2.png']} page 1 (version A)"
    assert problems == [
        f"problem: {at['blank.png']} page 1: blank sheet: none of its {len(bubbles)} bubble questions is "
        "marked (an absent pupil, or answers written on the quiz paper?)",
        f"problem: {at['mixed.png']} page 1: version mix-up? this is sheet A, but its answers fit version "
        f"B's key much better ({len(bubbles)} of {len(bubbles)} right against B, {same} against A): "
        "was quiz B answered on it?",
        f"problem: {at['twice-1.png']} page 1: student number 100004 is on 2 sheets: {both}",
        f"problem: {at['twice-2.png']} page 1: student number 100004 is on 2 sheets: {both}",
    ]
    n, marked = info["double"]["number"], " and ".join(sorted([info["double"]["answer"], info["other"]]))
    written = [q["number"] for q in layout["versions"][0]["questions"] if q["field"] == "score"]
    assert [line for line in lines if line.startswith("review: ")] == [
        *(f"review: {at['blank.png']} page 1: question {w}: no score box ticked: score the written answer"
          for w in written),
        f"review: {at['twice-2.png']} page 1: question {n}: 2 marks: {marked} (one answer is expected)",
    ]  # fmt: skip
    items = plural(len(written) + 1, "item")
    assert f"5 pages read into 5 sheets; 4 sheet problems, {items} to review" in output
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader((tmp_path / "results.csv").open())}
    assert rows["good.png"]["problems"] == "" and rows["good.png"]["student"] == "100001"
    assert rows["blank.png"]["problems"].startswith(
        f"blank sheet: none of its {len(bubbles)} bubble questions"
    )
    assert rows["mixed.png"]["problems"].startswith("version mix-up? this is sheet A")
    assert all(r["page"] == "1" and r["student"] for r in rows.values())
    data = json.loads((tmp_path / "sheets.json").read_text())
    kinds = {s["file"].rsplit("/", 1)[-1]: [p["kind"] for p in s["problems"]] for s in data["sheets"]}
    assert kinds == {"good.png": [], "blank.png": ["blank"], "mixed.png": ["version"],
                     "twice-1.png": ["duplicate"], "twice-2.png": ["duplicate"]}  # fmt: skip
    # the pictures: a red border round a sheet with a problem, none round a good one
    for name, border in (("good", False), ("blank", True), ("twice-2", True)):
        png = cv2.imread(str(tmp_path / "review" / f"{name}-p1.png"))
        h = png.shape[0]
        left_edge = red_share(png, (0, 0, 8, h))
        assert (left_edge > 0.9) is border, (name, left_edge)
    html = (tmp_path / "report.html").read_text()
    parser = Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    first = text.index(f"Not final: 4 sheet problems, {items} to review")
    assert first < text.index("Questions")
    assert "blank.png page 1 (student 100002, version A): blank sheet" in text
    assert "twice-2.png page 1 (student 100004, version A), question" in text


def test_decisions_close_the_loop_from_scan_to_final_csv(
    printed: Path, classroom: tuple[Path, dict], tmp_path: Path
) -> None:
    scans, info = classroom
    layout = info["layout"]
    code, _ = grade_class(printed, scans, tmp_path)
    assert code == 1
    decisions = tmp_path / "results-decisions.csv"
    rows = list(csv.DictReader(decisions.open()))
    assert list(rows[0]) == ["file", "page", "student", "version", "question", "id", "kind", "read", "reason",
                             "decision"]  # fmt: skip
    by = {(r["file"].rsplit("/", 1)[-1], r["kind"], r["question"]): r for r in rows}
    n = str(info["double"]["number"])
    double = by[("twice-2.png", "question", n)]
    marked = " ".join(sorted([info["double"]["answer"], info["other"]]))
    assert (double["read"], double["id"], double["decision"]) == (marked, info["double"]["id"], "")
    assert by[("twice-1.png", "duplicate", "")]["read"] == "100004"
    assert all(r["decision"] == "" for r in rows)
    # the teacher decides: the double mark is the key, twice-1 belongs to 100005, the mixed
    # sheet is scored as version B, the blank sheet stays blank (its written answers score 0)
    for r in rows:
        name = r["file"].rsplit("/", 1)[-1]
        if (name, r["kind"]) == ("twice-2.png", "question"):
            r["decision"] = info["double"]["answer"]
        elif (name, r["kind"]) == ("twice-1.png", "duplicate"):
            r["decision"] = "100005"
        elif (name, r["kind"]) == ("twice-2.png", "duplicate"):
            r["decision"] = "ok"
        elif name == "mixed.png":
            r["decision"] = "B"
        elif name == "blank.png":
            r["decision"] = "ok" if r["kind"] == "blank" else "0"
    filled_in = tmp_path / "mine.csv"
    with filled_in.open("w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, output = grade_class(printed, scans, tmp_path, "--decisions", str(filled_in))
    assert code == 0, output
    assert (
        "5 pages read into 5 sheets; 0 sheet problems, 0 items to review; "
        f"{plural(len(rows), 'decision')} applied from {filled_in}" in output
    )
    results = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader((tmp_path / "results.csv").open())}
    total = sum(q["points"] for q in layout["versions"][0]["questions"])
    assert (results["mixed.png"]["version"], results["mixed.png"]["percent"]) == ("B (sheet A)", "100.0")
    assert results["twice-1.png"]["student"] == "100005"
    assert results["twice-2.png"]["total"] == f"{total:g}"
    assert all(r["review"] == "" and r["problems"] == "" for r in results.values())
    sheets = {
        s["file"].rsplit("/", 1)[-1]: s for s in json.loads((tmp_path / "sheets.json").read_text())["sheets"]
    }
    assert sheets["twice-2.png"]["decided"] == {n: info["double"]["answer"]}
    parser = Text()
    parser.feed((tmp_path / "report.html").read_text())
    text = " ".join(" ".join(parser.parts).split())
    assert "nothing is under review: these scores are final" in text
    # the teacher's file is an input: never replaced; the new decisions file records them all
    assert list(csv.DictReader(filled_in.open())) == rows
    again = list(csv.DictReader(decisions.open()))
    assert [r["decision"] for r in again] == [r["decision"] for r in rows if r["decision"]]


def test_a_decision_that_cannot_be_an_answer_is_an_error_and_nothing_is_written(
    printed: Path, classroom: tuple[Path, dict], tmp_path: Path
) -> None:
    scans, info = classroom
    code, _ = grade_class(printed, scans, tmp_path)
    decisions = tmp_path / "results-decisions.csv"
    lines = decisions.read_text().splitlines()
    n = info["double"]["number"]
    row = next(i for i, line in enumerate(lines) if "twice-2.png" in line and ",question," in line)
    lines.append(lines[row].replace(f",{n},", ",99,") + info["double"]["answer"])  # no question 99
    decisions.write_text("\n".join(lines) + "\n")
    code, output = grade_class(printed, scans, tmp_path, "--decisions", str(decisions))
    assert code == 1  # every item is still open
    where = f"{scans / 'twice-2.png'} page 1 question 99"
    assert (
        f"decisions: {decisions}:{len(lines)}: nothing to decide in these scans at {where} "
        "(question): ignored" in output
    )
    lines[row] = lines[row] + "Z"
    decisions.write_text("\n".join(lines) + "\n")
    before = (tmp_path / "results.csv").read_bytes()
    code, output = grade_class(printed, scans, tmp_path, "--decisions", str(decisions))
    assert code == 1
    choices = ", ".join(info["double"]["choices"])
    assert (
        f"quizgen: error: {decisions}:{row + 1}: decision 'Z' for question {n}: expected one letter of "
        f"{choices}, or - for nothing" in output
    )
    assert (tmp_path / "results.csv").read_bytes() == before


# -- what grade reads and writes (red team G02, G03, G06, G09) ----------------------------------


def test_grade_never_replaces_its_inputs(printed: Path, classroom: tuple[Path, dict], tmp_path: Path) -> None:
    scans, _ = classroom
    layout = printed / "quiz-layout.json"
    before = layout.read_bytes(), (scans / "good.png").read_bytes()
    code, output = run("grade", str(scans / "good.png"), "-l", str(layout), "-o", str(tmp_path / "r.csv"),
                       "--json", str(layout))  # fmt: skip
    assert code == 2 and f"--json {layout} is also --layout: give each output its own file" in output
    code, output = run("grade", str(scans), "-l", str(layout), "-o", str(tmp_path / "r.csv"),
                       "--review", str(scans))  # fmt: skip
    assert code == 2 and f"--review {scans} is inside the scans folder {scans}" in output
    code, output = run("grade", str(scans / "good.png"), "-l", str(layout), "-o", str(scans / "good.png"))
    assert code == 2
    assert (
        f"-o {scans / 'good.png'} is the scan {scans / 'good.png'}: writing it would destroy the scan"
        in output
    )
    assert (layout.read_bytes(), (scans / "good.png").read_bytes()) == before


def test_grade_outputs_never_collide(printed: Path, classroom: tuple[Path, dict], tmp_path: Path) -> None:
    scans, _ = classroom
    layout = str(printed / "quiz-layout.json")
    code, output = run("grade", str(scans / "good.png"), "-l", layout, "-o", str(tmp_path / "r.csv"),
                       "--json", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 2 and f"--json {tmp_path / 'r.csv'} is also -o: give each output its own file" in output
    assert not (tmp_path / "r.csv").exists()
    for folder in ("x", "y"):  # one name in two folders, and one stem with two suffixes
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.png").write_bytes((scans / "good.png").read_bytes())
    (tmp_path / "x" / "s.jpg").write_bytes(
        cv2.imencode(".jpg", cv2.imread(str(scans / "blank.png")))[1].tobytes()
    )
    code, output = run("grade", str(tmp_path / "x"), str(tmp_path / "y"), "-l", layout,
                       "-o", str(tmp_path / "r.csv"), "--review", str(tmp_path / "review"))  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "review").iterdir()) == [
        "x-s-jpg-p1.png",
        "x-s-png-p1.png",
        "y-s-p1.png",
    ]


def test_every_entry_of_a_scans_folder_that_is_not_read_is_reported(
    printed: Path, classroom: tuple[Path, dict], tmp_path: Path
) -> None:
    import os

    scans, _ = classroom
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "good.png").write_bytes((scans / "good.png").read_bytes())
    os.mkfifo(folder / "fifo.png")  # reading it would wait for a writer for ever
    (folder / "folder.png").mkdir()
    (folder / "gone.png").symlink_to(tmp_path / "nowhere.png")
    (folder / "photo.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    code, output = run("grade", str(folder), "-l", str(printed / "quiz-layout.json"),
                       "-o", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 1
    assert [line for line in output.splitlines() if line.startswith("not read: ")] == [
        f"not read: {folder / 'fifo.png'}: not a regular file (a FIFO, socket or device), so it is not read",
        f"not read: {folder / 'gone.png'}: a symbolic link to a file that does not exist",
        f"not read: {folder / 'photo.heic'}: {NOT_A_SCAN}",
        f"not read: {folder / 'folder.png'}: a sub-folder with no scans in it",
    ]
    assert "1 page read into 1 sheet; 0 sheet problems, 0 items to review; 4 files not read" in output


def test_a_file_name_cannot_start_a_line_of_output(printed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    forged = "a\nreview: all sheets read, nothing to review\x1b[2K.png"
    (folder / forged).write_bytes(b"not an image")
    code, output = run("grade", str(folder), "-l", str(printed / "quiz-layout.json"),
                       "-o", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 1
    lines = output.splitlines()
    assert not any(line.startswith("review: all sheets") for line in lines)
    assert (
        f"problem: {folder}/a\\nreview: all sheets read, nothing to review\\e[2K.png page 1: "
        "not an image or PDF quizgen can read"
    ) in lines


def test_rekey_scores_the_printed_sheets_with_a_corrected_bank(
    printed: Path, classroom: tuple[Path, dict], tmp_path: Path
) -> None:
    """The report says a key is wrong; the teacher fixes the bank; the same scans are accepted
    and scored with the new key (the quiz id and the sheets do not change)."""
    scans, info = classroom
    bank = (printed / "grading.yaml").read_text()
    fixed = tmp_path / "grading.yaml"
    # the capital question: the key becomes "Gomel" (a choice the pupils saw)
    fixed.write_text(bank.replace("    answer: 'Minsk'", "    answer: 'Gomel'", 1))
    layout = info["layout"]
    capital = next(q for q in layout["versions"][0]["questions"] if q["id"] == "grading/capital")
    gomel = next(k for k, t in capital["choices"].items() if t == "Gomel")
    code, output = run(
        "grade", str(scans / "good.png"), "-l", str(printed / "quiz-layout.json"),
        "-o", str(tmp_path / "r.csv"),
        "--rekey", str(fixed),
    )  # fmt: skip
    assert code == 0, output
    lines = [line for line in output.splitlines() if line.startswith("rekey: ")]
    assert lines[0] == (
        f"rekey: version A question {capital['number']} (grading/capital): "
        f"key {capital['answer']} is now {gomel}"
    )
    (row,) = csv.DictReader((tmp_path / "r.csv").open())
    assert row["grading/capital"] == "0"  # good.png marked Minsk, the printed key
    total = sum(q["points"] for q in layout["versions"][0]["questions"])
    assert row["total"] == f"{total - capital['points']:g}"
    # a corrected answer the pupils never saw cannot be a key
    fixed.write_text(
        bank.replace("    answer: 'Minsk'", "    answer: 'Vitebsk'", 1).replace("'Gomel',", "'Vitebsk',", 1)
    )
    code, output = run(
        "grade", str(scans / "good.png"), "-l", str(printed / "quiz-layout.json"),
        "-o", str(tmp_path / "s.csv"),
        "--rekey", str(fixed),
    )  # fmt: skip
    assert code == 1
    assert (
        "quizgen: error: grading/capital: the corrected answer \u201cVitebsk\u201d is not one of the choices "
        "printed on the sheets" in output
    )
    assert not (tmp_path / "s.csv").exists()


def test_a_hand_edited_layout_lists_every_problem_and_writes_nothing(printed: Path, tmp_path: Path) -> None:
    layout = json.loads((printed / "quiz-layout.json").read_text())
    layout["student_digits"] = "six"
    layout["versions"][0]["questions"][0]["points"] = "lots"
    edited = tmp_path / "layout.json"
    edited.write_text(json.dumps(layout))
    code, output = run("grade", str(printed / "quiz.pdf"), "-l", str(edited), "-o", str(tmp_path / "r.csv"))
    assert code == 1
    assert output.splitlines() == [
        f"quizgen: error: {edited}: student_digits: should be a whole number, not 'six'",
        f"quizgen: error: {edited}: versions[0].questions[0].points: should be a number, not 'lots'",
        "quizgen: error:     hint: pass the <name>-layout.json that `quizgen quiz --sheets` wrote beside the "
        "sheets, or print the sheets again",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layout.json"]


def test_a_key_file_corrects_keys_by_their_text(
    printed: Path, classroom: tuple[Path, dict], tmp_path: Path
) -> None:
    scans, info = classroom
    layout = info["layout"]
    capital = next(q for q in layout["versions"][0]["questions"] if q["id"] == "grading/capital")
    gomel = next(k for k, t in capital["choices"].items() if t == "Gomel")
    keys = tmp_path / "keys.csv"
    keys.write_text("question,key\ngrading/capital,gomel\n")
    code, output = run("grade", str(scans / "good.png"), "-l", str(printed / "quiz-layout.json"),
                       "-o", str(tmp_path / "r.csv"), "--key", str(keys))  # fmt: skip
    assert code == 0, output
    changed = (
        f"key: version A question {capital['number']} (grading/capital): key {capital['answer']} is now "
    )
    changed += gomel
    assert changed in output
    (row,) = csv.DictReader((tmp_path / "r.csv").open())
    assert row["grading/capital"] == "0"
    keys.write_text("question,key\ngrading/capital,Vitebsk\ngrading/nowhere,1\ngrading/essay,3\n")
    code, output = run("grade", str(scans / "good.png"), "-l", str(printed / "quiz-layout.json"),
                       "-o", str(tmp_path / "s.csv"), "--key", str(keys))  # fmt: skip
    assert code == 1 and not (tmp_path / "s.csv").exists()
    assert output.splitlines() == [
        f"quizgen: error: {keys}:2: \u201cVitebsk\u201d is not one of the choices printed for "
        "grading/capital",
        f"quizgen: error: {keys}:3: no question 'grading/nowhere' on these sheets",
        f"quizgen: error: {keys}:4: grading/essay is scored by the teacher (open): it has no key to change",
    ]


def test_a_shorter_student_number_is_listed_unless_student_digits_allows_it(
    printed: Path, tmp_path: Path
) -> None:
    """A column left unbubbled at either end is flagged (issue 20): a 6-digit number read as a
    5-digit one is a wrong student; `--student-digits 5` says such numbers are real."""
    layout = json.loads((printed / "quiz-layout.json").read_text())
    (image,) = fill_all(printed, layout, ["_23456"])
    cv2.imwrite(str(tmp_path / "s.png"), image)
    args = ["grade", str(tmp_path / "s.png"), "-l", str(printed / "quiz-layout.json")]
    code, output = run(*args, "-o", str(tmp_path / "r.csv"))
    assert code == 1
    assert "has 5 of 6 digits: a column left unbubbled?" in output
    code, output = run(*args, "-o", str(tmp_path / "r2.csv"), "--student-digits", "5")
    assert code == 0, output
    assert [r["student"] for r in csv.DictReader((tmp_path / "r2.csv").open())] == ["23456"]
