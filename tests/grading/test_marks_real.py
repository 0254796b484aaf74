"""Marks as real pupils make them, and pages as real phones see them (issue 20, G04, G07, G08).

Each test draws one failure class with tests/grading/pupils.py on the sheets `quizgen quiz
--sheets` prints today, reads it, and requires what a teacher needs: no confident error,
every doubt reported with its reason in words, and clear fills read without review.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from quizgen.grading import scan, score, sheet
from tests.grading import pupils, synth
from tests.grading.conftest import Printed

DPI = 150
Expected = pupils.Expected
SINGLE_STYLES = pupils.SINGLE_STYLES
draw = pupils.fill_sheet


questions_of = pupils.questions_of


@pytest.fixture(scope="module")
def pages(printed: Printed) -> list[Any]:
    return synth.rasterise(printed.pdf, DPI)


def read(layout: dict[str, Any], image: Any, name: str = "scan.png") -> tuple[scan.PageScan, dict[int, Any]]:
    page = scan.read_page(image, layout, name, 1)
    if not page.ok:
        return page, {}
    spec = scan.layout_page(layout, page.version, page.page)
    assert spec is not None
    return page, score.read_answers(page, spec, questions_of(layout, page.version))


def errors(expected: Expected, answers: dict[int, Any]) -> dict[int, tuple[str, Any]]:
    """Questions read with confidence as something the pupil did not mean."""
    return {
        n: (style, answers[n][0])
        for n, (style, ok) in expected.items()
        if answers[n][0] is not None and answers[n][0] not in ok
    }


def test_every_kind_of_pupil_mark_is_read_or_sent_to_review_with_its_reason(
    printed: Printed, pages: list[Any]
) -> None:
    seen: dict[str, list[tuple[str | None, str]]] = {}
    for k in range(len(printed.layout["pages"])):
        for offset in range(3):
            image = pages[k].copy()
            styles = SINGLE_STYLES[offset:] + SINGLE_STYLES[:offset]
            expected = draw(printed.layout, image, k, styles, seed=offset)
            page, answers = read(printed.layout, image)
            assert page.ok, page.problem
            assert not errors(expected, answers)
            by_number = {q["number"]: q for q in questions_of(printed.layout, page.version)}
            for n, (style, _) in expected.items():
                answer, why = answers[n]
                seen.setdefault(style, []).append((answer, why))
                key = by_number[n]["answer"]
                if style == "circle":
                    assert why == f"a loop around {key}"
                if style == "dot":
                    assert why in (
                        f"a small mark in {key}",
                        f"a light or partial mark in {key}",
                    ) or why.startswith(f"a light or partial mark in {key} (fill"), why
    assert {"circle", "dot", "tick", "cross", "partial", "erased"} <= set(seen)
    # clear pen and pencil fills (and a pen fill beside an erased mark) are read, not reviewed
    clear = seen["pen"] + seen["pencil"] + seen["erased+pen"]
    assert sum(1 for a, _ in clear if a is None) == 0
    assert all(a == "" for a, _ in seen["erased"] + seen["blank"])


def test_a_light_pencil_hand_is_read_on_its_own_level_on_scanner_images(
    printed: Printed, pages: list[Any]
) -> None:
    rng = np.random.default_rng(5)
    reviewed = total = 0
    levels = []
    for k in range(len(printed.layout["pages"])):
        for grey in (120, 145, 160):
            image = pages[k].copy()
            expected = draw(printed.layout, image, k, ("pen",), seed=grey, ink=grey)
            image = synth.jpeg(synth.noise(synth.blur(image, 0.7), rng, 5), 85)
            page, answers = read(printed.layout, image)
            assert page.ok, page.problem
            assert not errors(expected, answers)
            levels.append(page.level)
            reviewed += sum(1 for n in expected if answers[n][0] is None)
            total += len(expected)
            spec = scan.layout_page(printed.layout, page.version, page.page)
            assert spec is not None
            assert score.read_student(page, spec, 6) == ("123456", "")
    assert reviewed <= 0.02 * total, (reviewed, total)
    assert levels[0] > levels[2] and levels[3] > levels[5]  # the level followed the hand


def test_a_digit_written_without_its_bubble_is_flagged(printed: Printed, pages: list[Any]) -> None:
    layout = printed.layout
    spec = layout["pages"][0]
    for student, column in (("_23456", 0), ("12345_", 5)):
        image = pages[0].copy()
        draw(layout, image, 0, ("pen",), student=student.replace("_", "x"))
        first = next(b for b in spec["bubbles"] if b["field"] == "student" and b["column"] == column)
        pupils.write_digit(image, first["box"], "7", DPI)
        page, _ = read(layout, image)
        number, why = score.read_student(page, spec, 6)
        assert number == ""
        assert why == (
            f"student number '{student}': a digit is written in column {column + 1} but no bubble is filled"
        )
    # without the written digit, a short number is still not taken for a whole one
    image = pages[0].copy()
    draw(layout, image, 0, ("pen",), student="x23456")
    page, _ = read(layout, image)
    assert score.read_student(page, spec, 6) == (
        "",
        "student number '_23456' has 5 of 6 digits: a column left unbubbled? "
        "(--student-digits allows shorter numbers)",
    )
    assert score.read_student(page, spec, 6, shortest=5) == ("23456", "")


@pytest.mark.parametrize(("degrees", "vertical"), [(2, False), (6, True), (10, False)])
def test_a_folded_photo_has_no_confident_error(
    printed: Printed, pages: list[Any], degrees: int, vertical: bool
) -> None:
    image = pages[0].copy()
    expected = draw(printed.layout, image, 0, ("pen", "pencil", "blank"))
    photo = synth.phone(pupils.fold(image, degrees, 0.45, vertical), 0.04)
    page, answers = read(printed.layout, photo)
    if page.ok:
        assert not errors(expected, answers)
        reasons = {why for a, why in answers.values() if a is None}
        assert reasons <= {
            "the bubbles are not where the layout puts them (a fold or a bow in the page?)"
        } | {r for r in reasons if r.startswith(("a light", "a small", "a loop", "column"))}
    else:
        assert "not where this layout puts them" in page.problem


def test_a_bowed_page_has_no_confident_error(printed: Printed, pages: list[Any]) -> None:
    image = pages[0].copy()
    expected = draw(printed.layout, image, 0, ("pen", "blank", "pencil"))
    page, answers = read(printed.layout, synth.phone(pupils.bow(image, 6, DPI), 0.04))
    if not page.ok:
        assert "not where this layout puts them" in page.problem
        return
    assert not errors(expected, answers)
    blank_read = [
        n for n, (style, _) in expected.items() if style in ("pen", "pencil") and answers[n][0] == ""
    ]
    assert not blank_read


def test_a_97_percent_print_reads_without_review(printed: Printed, pages: list[Any]) -> None:
    image = pages[1].copy()
    expected = draw(printed.layout, image, 1, ("pen",))
    page, answers = read(printed.layout, pupils.scaled(image, 0.97))
    assert page.ok, page.problem
    assert {n: a for n, (a, _) in answers.items()} == {n: next(iter(ok)) for n, (_, ok) in expected.items()}


def test_a_letter_sheet_is_refused_by_the_a4_layout(printed: Printed) -> None:
    letter = sheet.layout(printed.quiz, sheet.SheetOptions(paper="letter", numeric_grids=True))
    assert letter["quiz"] == printed.layout["quiz"]  # same quiz id: only the geometry can tell
    image = synth.rasterise(sheet.render(letter, timestamp=1_700_000_000), DPI)[0]
    draw(letter, image, 0, ("pen",), student="444444")
    page, _ = read(printed.layout, image)
    assert not page.ok
    # The QR code names the paper (QG2), so the sheet is refused before any bubble is read.
    assert page.problem.startswith("this sheet was printed on Letter paper; the layout is for A4 paper")
    assert read(letter, image)[0].ok  # and its own layout reads it


def test_two_sheets_in_one_image_are_refused(printed: Printed, pages: list[Any]) -> None:
    a, b = pages[0].copy(), pages[0].copy()
    draw(printed.layout, a, 0, ("pen",), student="111111")
    draw(printed.layout, b, 0, ("pen",), student="222222")
    page, _ = read(printed.layout, pupils.side_by_side(a, b))
    assert not page.ok
    assert "two sheets in one image? Scan each sheet on its own" in page.problem


def test_every_page_of_a_multi_page_tiff_is_read(printed: Printed, pages: list[Any], tmp_path: Path) -> None:
    a, b = pages[0].copy(), pages[0].copy()
    draw(printed.layout, a, 0, ("pen",), student="111111")
    draw(printed.layout, b, 0, ("pen",), student="222222")
    path = tmp_path / "feeder.tif"
    assert cv2.imwritemulti(str(path), [a, b])
    read_pages = scan.read_scans([path], printed.layout)
    spec = printed.layout["pages"][0]
    assert [p.index for p in read_pages] == [1, 2]
    assert [score.read_student(p, spec, 6)[0] for p in read_pages] == ["111111", "222222"]


def _png_bomb(path: Path, side: int) -> None:
    """A real PNG of side x side black pixels, a few hundred KB on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_huge_scans_are_refused_before_they_are_decoded(printed: Printed, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    bomb = tmp_path / "bomb.png"
    _png_bomb(bomb, 9000)
    assert bomb.stat().st_size < 1_000_000
    (page,) = scan.read_file(bomb, printed.layout)
    assert page.problem == (
        "the page is 9000 x 9000 pixels (81 megapixels to read); quizgen reads scans up to 60 megapixels "
        "(an A4 page at 600 dpi is 35): scan at 300 dpi"
    )
    doc = pdfium.PdfDocument.new()
    doc.new_page(100_000, 100_000)
    huge = tmp_path / "huge.pdf"
    doc.save(str(huge))
    (page,) = scan.read_file(huge, printed.layout)
    assert page.problem.startswith("the page is 35278 x 35278 mm (")
