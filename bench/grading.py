"""Grading measurements: sheets read per minute, and confident errors on the degraded set.

The sheets are the grading tests' bank printed in two versions by `quizgen quiz --sheets`,
filled by tests/grading/synth.py (solid pen or pencil, one answer per question, a ticked
score for written answers), rasterised at 200 dpi and bound into one scanner PDF.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import Measurement, quizgen_command

# OMRChecker's published speed: "up to 200 OMR sheets a minute".
SHEETS_PER_MINUTE_MIN = 200.0


def _print_sheets(folder: Path) -> tuple[dict[str, Any], bytes]:
    from tests.grading.bank import write as write_bank

    bank = write_bank(folder)
    subprocess.run(
        [*quizgen_command(), "quiz", str(bank), "-v", "2", "--seed", "bench", "--sheets", "--numeric-grids",
         "-o", str(folder / "quiz.pdf"), "-q"],
        check=True,
    )  # fmt: skip
    layout = json.loads((folder / "quiz-layout.json").read_text(encoding="utf-8"))
    return layout, (folder / "quiz-sheets.pdf").read_bytes()


def measure_grade_speed(work: Path, sheets: int, repeat: int) -> Measurement:
    """Wall time of `quizgen grade` on one 200 dpi scanner PDF of `sheets` filled sheets."""
    import numpy as np

    from tests.grading import synth

    folder = work / "grading"
    folder.mkdir(parents=True, exist_ok=True)
    layout, pdf = _print_sheets(folder)
    pages = synth.rasterise(pdf, 200)
    rng = np.random.default_rng(0)
    images = []
    for i in range(sheets):
        spec = layout["pages"][i % len(layout["pages"])]
        img = pages[i % len(pages)].copy()
        questions = next(v["questions"] for v in layout["versions"] if v["version"] == spec["version"])
        student = f"{100000 + i:06d}"
        for b in spec["bubbles"]:
            if b["field"] == "student" and student[b["column"]] == b["value"]:
                synth.mark(img, b["box"], "solid", 200, rng)
        for q in questions:
            mine = [
                b
                for b in spec["bubbles"]
                if b["question"] == q["number"] and b["field"] in ("answer", "score")
            ]
            if q.get("digits"):
                continue  # left blank: a blank grid is a blank answer
            chosen = mine[int(rng.integers(len(mine)))]
            style = "tickbox" if q["field"] == "score" else ("pencil" if i % 3 == 0 else "solid")
            synth.mark(img, chosen["box"], style, 200, rng)
        images.append(synth.rotate(img, float(rng.uniform(-2, 2))))
    scans = folder / "scanner.pdf"
    scans.write_bytes(synth.to_pdf(images, 200))
    command = [*quizgen_command(), "grade", str(scans), "--layout", str(folder / "quiz-layout.json"),
               "-o", str(folder / "results.csv"), "-q"]  # fmt: skip
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        runs.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"quizgen grade found problems in clean sheets:\n{done.stdout}{done.stderr}")
    seconds = statistics.median(runs)
    return Measurement(
        "grade",
        f"quizgen grade: {sheets} sheets in one 200 dpi scanner PDF",
        sheets,
        seconds,
        runs,
        includes="wall time of the whole `quizgen grade` process (start-up, rasterising with pypdfium2, "
        "markers, QR, fills, scores, CSV) on this machine's cores; making the scans excluded",
        extra={"sheets_per_minute": sheets * 60 / seconds, "pdf_mb": scans.stat().st_size / 1e6},
    )


def measure_grade_errors(pages: int) -> Measurement:
    """Read `pages` filled and degraded sheets; count confident errors, reviews and questions."""
    import numpy as np

    from quizgen.grading import scan, score
    from tests.grading import synth

    with tempfile.TemporaryDirectory() as tmp:
        layout, pdf = _print_sheets(Path(tmp))
    rasters: dict[int, list[Any]] = {}
    questions = errors = reviews = clear = clear_right = 0
    start = time.perf_counter()
    for k in range(pages):
        name, dpi, degrade = synth.DEGRADED[k % len(synth.DEGRADED)]
        rng = np.random.default_rng(1000 + k)
        index = k % len(layout["pages"])
        spec = layout["pages"][index]
        if dpi not in rasters:
            rasters[dpi] = synth.rasterise(pdf, dpi)
        image = rasters[dpi][index].copy()
        qs = next(v["questions"] for v in layout["versions"] if v["version"] == spec["version"])
        expected = synth.fill(image, spec, qs, f"{k:06d}", dpi, rng, offset=k)
        read = scan.read_page(degrade(image, rng), layout, name, 1)
        if read.problem:
            reviews += len(expected)
            questions += len(expected)
            continue
        answers = score.read_answers(read, spec, qs)
        for n, (_, ok) in expected.items():
            answer = answers[n][0]
            questions += 1
            reviews += answer is None
            errors += answer is not None and answer not in ok
            if None not in ok:
                clear += 1
                clear_right += answer in ok
    seconds = time.perf_counter() - start
    return Measurement(
        "grade-errors",
        f"bubble reading on {pages} degraded pages",
        pages,
        seconds,
        [seconds],
        includes="tests/grading/synth.py's scenarios (solid, pencil, tick, half, erased, stray stroke, "
        "double, cancelled) under its degradations (150-300 dpi, rotation, perspective, blur, noise, "
        "JPEG 50, shadow, grey scanner); one process, one core",
        extra={
            "questions": questions,
            "confident_errors": errors,
            "error_rate": errors / questions if questions else 0.0,
            "reviews": reviews,
            "clear_marks": clear,
            "clear_marks_read": clear_right,
        },
    )


def measure_pupil_marks(pages: int) -> Measurement:
    """Read `pages` sheets filled as real pupils fill them (tests/grading/pupils.py) after a
    scanner (blur, noise, JPEG 85): pages a minute on one core, clear marks sent to review,
    and confident errors (the goal is 0)."""
    import numpy as np

    from quizgen.grading import scan, score
    from tests.grading import pupils, synth

    with tempfile.TemporaryDirectory() as tmp:
        layout, pdf = _print_sheets(Path(tmp))
    raster = synth.rasterise(pdf, 150)
    questions = errors = reviews = clear = clear_reviewed = 0
    reading = 0.0
    for k in range(pages):
        rng = np.random.default_rng(2000 + k)
        index = k % len(layout["pages"])
        image = raster[index].copy()
        styles = pupils.SINGLE_STYLES[k % 10 :] + pupils.SINGLE_STYLES[: k % 10]
        ink = (30, 120, 150)[k % 3]  # pen, pencil, light pencil
        expected = pupils.fill_sheet(layout, image, index, styles, f"{k:06d}", seed=k, ink=ink)
        image = synth.jpeg(
            synth.noise(synth.blur(synth.rotate(image, float(rng.uniform(-2, 2))), 0.7), rng, 5), 85
        )
        start = time.perf_counter()
        read = scan.read_page(image, layout, "scan.png", 1)
        spec = layout["pages"][index]
        qs = pupils.questions_of(layout, spec["version"])
        answers = score.read_answers(read, spec, qs) if read.ok else {n: (None, "") for n in expected}
        reading += time.perf_counter() - start
        for n, (style, ok) in expected.items():
            answer = answers[n][0]
            questions += 1
            reviews += answer is None
            errors += answer is not None and answer not in ok
            if style in ("pen", "pencil", "erased+pen", "multi", "digits", "score"):
                clear += 1
                clear_reviewed += answer is None
    return Measurement(
        "grade-pupils",
        f"reading {pages} scanner pages of real pupils' marks",
        pages,
        reading,
        [reading],
        includes="tests/grading/pupils.py's marks (pen, pencil, light pencil, loops, dots, ticks, crosses, "
        "partial fills, erased residue) at 150 dpi, rotated up to 2 degrees, blurred, noisy, JPEG 85; "
        "time of scan.read_page + score.read_answers only, one core",
        extra={
            "pages_per_minute": pages * 60 / reading if reading else 0.0,
            "questions": questions,
            "confident_errors": errors,
            "reviews": reviews,
            "clear_marks": clear,
            "clear_marks_to_review_percent": 100 * clear_reviewed / clear if clear else 0.0,
        },
    )
