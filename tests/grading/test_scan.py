"""Reading filled, degraded scans: every clear mark right, every doubt reported, no confident error."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from quizgen.grading import scan, score
from tests.grading import synth
from tests.grading.conftest import Printed

DEGRADED = synth.DEGRADED


def questions_of(printed: Printed, version: str) -> list[dict[str, Any]]:
    return next(v["questions"] for v in printed.layout["versions"] if v["version"] == version)


@pytest.fixture(scope="module")
def readings(printed: Printed) -> list[tuple[str, str, Any, dict[int, tuple[str, set[str | None]]]]]:
    """Each degraded page: (name, student, what was read, what each question may read as)."""
    out = []
    rasters: dict[int, list[Any]] = {}
    for k, (name, dpi, degrade) in enumerate(DEGRADED):
        rng = np.random.default_rng(k)
        spec = printed.layout["pages"][k % len(printed.layout["pages"])]
        if dpi not in rasters:
            rasters[dpi] = synth.rasterise(printed.pdf, dpi)
        image = rasters[dpi][k % len(printed.layout["pages"])].copy()
        student = f"{rng.integers(0, 10**6):06d}"
        expected = synth.fill(
            image, spec, questions_of(printed, spec["version"]), student, dpi, rng, offset=k
        )
        read = scan.read_page(degrade(image, rng), printed.layout, f"{name}.png", 1)
        out.append((name, student, read, expected))
    return out


@pytest.mark.parametrize("case", range(len(DEGRADED)), ids=[d[0] for d in DEGRADED])
def test_degraded_scan_reads_clear_marks_and_flags_the_rest(
    printed: Printed, readings: list[Any], case: int
) -> None:
    name, student, read, expected = readings[case]
    assert read.problem == "", name
    spec = scan.layout_page(printed.layout, read.version, read.page)
    assert spec is not None
    assert score.read_student(read, spec, printed.layout["student_digits"]) == (student, "")
    answers = score.read_answers(read, spec, questions_of(printed, read.version))
    wrong = {
        n: (scenario, answers[n], sorted(map(str, ok)))
        for n, (scenario, ok) in expected.items()
        if answers[n][0] not in ok
    }
    assert not wrong, f"{name}: question -> (what the student did, what was read, what may be read)"


def test_every_kind_of_mark_was_tried(readings: list[Any]) -> None:
    tried = {scenario for *_, expected in readings for scenario, _ in expected.values()}
    assert set(synth.SINGLE_SCENARIOS) | set(synth.MULTI_SCENARIOS) | {"score", "digits"} <= tried


def test_unsure_and_double_marks_say_which_question_and_why(readings: list[Any], printed: Printed) -> None:
    reasons: dict[str, set[str]] = {}
    for _, _, read, expected in readings:
        spec = scan.layout_page(printed.layout, read.version, read.page)
        answers = score.read_answers(read, spec, questions_of(printed, read.version))
        for n, (scenario, _) in expected.items():
            answer, why = answers[n]
            if answer is None:
                reasons.setdefault(scenario, set()).add(why.split(" (")[0].split(":")[0])
    assert reasons["double"] == {"2 marks"}
    assert reasons["cancel"] == {"the cancel box is ticked"}
    letters = "ABCDETF"
    assert reasons["tick"] <= {f"{what} {v}" for v in letters
                               for what in ("a light or partial mark in", "a small mark in")}  # fmt: skip


def test_a_page_with_a_marker_covered_is_still_read(printed: Printed) -> None:
    image = synth.rasterise(printed.pdf, 150)[0]
    x0, y0, x1, y1 = (round(v * 150 / 72) for v in printed.layout["markers"][2]["box"])
    image[y0 - 5 : y1 + 5, x0 - 5 : x1 + 5] = 255  # a thumb over the bottom-right marker
    read = scan.read_page(image, printed.layout, "thumb.png", 1)
    assert read.problem == "" and set(read.states) == {"empty"}


def test_pages_that_are_not_sheets_of_this_quiz_are_reported(printed: Printed) -> None:
    blank = np.full((1200, 900), 250, np.uint8)
    assert "corner markers" in scan.read_page(blank, printed.layout, "blank.png", 1).problem
    other = dict(printed.layout, quiz="0000000000")
    read = scan.read_page(synth.rasterise(printed.pdf, 150)[0], other, "old.png", 1)
    assert read.problem.startswith(f"a sheet of another quiz ({printed.layout['quiz']}")


def test_a_scanner_pdf_and_an_unreadable_file(printed: Printed, tmp_path: Any) -> None:
    pages = synth.rasterise(printed.pdf, 200)
    path = tmp_path / "scanner.pdf"
    path.write_bytes(synth.to_pdf([synth.rotate(p, 2) for p in pages], 200))
    read = scan.read_file(path, printed.layout)
    assert [(r.index, r.version, r.page, r.problem) for r in read] == [
        (i + 1, p["version"], p["page"], "") for i, p in enumerate(printed.layout["pages"])
    ]
    junk = tmp_path / "notes.png"
    junk.write_bytes(b"not a picture")
    assert scan.read_file(junk, printed.layout)[0].problem == "not an image or PDF quizgen can read"
