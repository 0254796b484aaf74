"""What a pupil sees on the printed sheet, read back from the PDF: the teacher's area (S3), the
cancel boxes and the question numbers (S4).

The PDF's text and frames are read with pypdfium2 (the characters' boxes, sizes and colours, the
drawn paths' bounds) and checked against the layout the grader reads, so a test passes only
when what is printed and what is read agree.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from quizgen.grading import sheet, sheetpdf
from tests.grading.conftest import Printed

MM = 72 / 25.4  # points in a millimetre
Json = dict[str, Any]
Box = Sequence[float]


@dataclass(frozen=True)
class Char:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the top left, as the layout
    size: float
    rgb: tuple[int, int, int]


def _chars(page: Any) -> list[Char]:
    height = page.get_height()
    text = page.get_textpage()
    out = []
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if not ch.strip():
            continue
        left, bottom, right, top = text.get_charbox(i)
        pdfium_c.FPDFText_GetFillColor(text.raw, i, r, g, b, a)
        size = pdfium_c.FPDFText_GetFontSize(text.raw, i)
        out.append(Char(ch, (left, height - top, right, height - bottom), size, (r.value, g.value, b.value)))
    return out


def _paths(page: Any) -> list[tuple[float, float, float, float]]:
    """The bounds of every drawn path (frames, boxes, bubbles), top-left coordinates."""
    height = page.get_height()
    out = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = obj.get_bounds()
        out.append((left, height - top, right, height - bottom))
    return out


def _inside(inner: Box, outer: Box, slack: float = 0.0) -> bool:
    return (
        outer[0] - slack <= inner[0]
        and outer[1] - slack <= inner[1]
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _contrast(rgb: tuple[int, int, int]) -> float:
    """WCAG contrast of a text colour on white paper."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    return 1.05 / (lum + 0.05)


@pytest.fixture(scope="module")
def pdf(printed: Printed) -> Any:
    doc = pdfium.PdfDocument(printed.pdf)
    yield doc
    doc.close()


def _words(chars: list[Char], box: Any) -> str:
    """The text whose characters' centres lie in `box`, in reading order."""
    inside = [
        c
        for c in chars
        if box[0] <= (c.box[0] + c.box[2]) / 2 <= box[2] and box[1] <= (c.box[1] + c.box[3]) / 2 <= box[3]
    ]
    return "".join(c.text for c in sorted(inside, key=lambda c: (round(c.box[3]), c.box[0])))


def test_the_score_boxes_stand_in_a_framed_area_headed_for_the_teacher(printed: Printed, pdf: Any) -> None:
    """S3: every score box is inside a drawn frame whose heading says it is the teacher's, and no
    box a pupil marks is inside one."""
    seen = 0
    for spec, page in zip(printed.layout["pages"], pdf, strict=True):
        chars, paths = _chars(page), _paths(page)
        areas = [a["box"] for a in spec["areas"]]
        scores = [b["box"] for b in spec["bubbles"] if b["field"] == "score"]
        assert bool(areas) == bool(scores)
        for box in scores:
            assert any(_inside(box, a) for a in areas), box
            seen += 1
        for b in spec["bubbles"]:
            if b["field"] != "score":
                assert not any(_overlap(b["box"], a) for a in areas), b
        for a in areas:
            # the frame is drawn where the layout says, and its heading is printed in its top band
            assert any(all(abs(p[i] - a[i]) <= 1.5 for i in range(4)) for p in paths), a  # its 1 pt stroke
            band = (a[0], a[1], a[2], a[1] + sheet.AREA_HEAD)
            assert _words(chars, band) == sheetpdf.AREA_HEADING.replace(" ", "")
            heading = [c for c in chars if _inside(c.box, band)]
            assert min(c.size for c in heading) >= 9 - 0.01
    assert seen == sum(1 for p in printed.layout["pages"] for b in p["bubbles"] if b["field"] == "score") > 0


def test_each_score_box_has_its_value_above_it_legibly(printed: Printed, pdf: Any) -> None:
    """S3: the 0, 1, 2 of the score boxes are at least 8 pt, dark on white (contrast >= 4.5:1)."""
    for spec, page in zip(printed.layout["pages"], pdf, strict=True):
        chars = _chars(page)
        for b in (b for b in spec["bubbles"] if b["field"] == "score"):
            x0, y0, x1, _ = b["box"]
            label = [
                c
                for c in chars
                if x0 - 4 <= (c.box[0] + c.box[2]) / 2 <= x1 + 4 and y0 - 10 <= c.box[1] and c.box[3] <= y0
            ]
            assert "".join(c.text for c in sorted(label, key=lambda c: c.box[0])) == b["value"], b
            assert all(c.size >= 8 - 0.01 and _contrast(c.rgb) >= 4.5 for c in label), label


def test_the_instructions_point_at_the_teachers_area(printed: Printed, pdf: Any) -> None:
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "in the box headed \u201cFor the teacher\u201d: write nothing in it" in text
    assert "cancel box just after its bubbles" in " ".join(text.split())


def test_a_sheet_without_written_questions_has_no_teachers_area(printed: Printed) -> None:
    version = printed.quiz.versions[0]
    bubbled = [i for i in version.items if i.question.kind in sheet.BUBBLE_KINDS]
    items = tuple(replace(item, number=n + 1) for n, item in enumerate(bubbled))
    quiz = replace(printed.quiz, versions=(replace(version, items=items),))
    data = sheet.layout(quiz)
    assert all(p["areas"] == [] for p in data["pages"])
    doc = pdfium.PdfDocument(sheet.render(data, timestamp=1_700_000_000))
    text = doc[0].get_textpage().get_text_range()
    assert "For the teacher" not in text and "Fill the bubble" in text


def test_a_long_teachers_area_continues_in_the_next_column_under_its_heading(printed: Printed) -> None:
    version = printed.quiz.versions[0]
    written = [i for i in version.items if i.question.kind not in sheet.BUBBLE_KINDS]
    items = tuple(replace(item, number=n + 1) for n, item in enumerate(written * 30))
    _, pages = sheet.version_pages(
        replace(version, items=items), sheet.PAPER_SIZES["a4"], sheet.SheetOptions()
    )
    frames = [a["box"] for p in pages for a in p["areas"]]
    assert len(frames) > 1
    bottom = sheet.PAPER_SIZES["a4"][1] - sheet.MARGIN - sheet.MARKER
    for p in pages:
        for b in p["bubbles"]:
            if b["field"] == "score":
                assert any(_inside(b["box"], a["box"]) for a in p["areas"])
                # below each frame's heading band, never under it
                assert any(
                    b["box"][1] >= a["box"][1] + sheet.AREA_HEAD
                    for a in p["areas"]
                    if _inside(b["box"], a["box"])
                )
        for a in p["areas"]:
            assert a["box"][3] <= bottom
    numbers = [b["question"] for p in pages for b in p["bubbles"] if b["field"] == "score"]
    assert sorted(set(numbers)) == list(range(1, len(items) + 1))


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _distance(a: Box, b: Box) -> float:
    (ax, ay), (bx, by) = _centre(a), _centre(b)
    return float(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5)


def test_each_cancel_box_is_just_after_its_rows_last_bubble(printed: Printed) -> None:
    """S4: a cancel box 2 to 4 mm after its own row's last bubble and level with it, nearer its
    own bubbles than any other question's (a digit grid's: after its last column, level with
    the write-in boxes)."""
    checked = 0
    for spec in printed.layout["pages"]:
        for cancel in (b for b in spec["bubbles"] if b["field"] == "cancel"):
            q = cancel["question"]
            mine = [b for b in spec["bubbles"] if b["question"] == q and b["field"] == "answer"]
            if "column" in mine[0]:  # a digit grid
                last = max(mine, key=lambda b: b["box"][2])
                row = next(r["box"] for r in spec["rows"] if r["question"] == q)
                level = row[1] + 1 + sheetpdf.WRITE_IN_BOX / 2
            else:
                top = min(b["box"][1] for b in mine)
                last = max((b for b in mine if abs(b["box"][1] - top) < 0.5), key=lambda b: b["box"][2])
                level = _centre(last["box"])[1]
            gap = cancel["box"][0] - last["box"][2]
            assert gap + 0.01 >= 2 * MM and gap <= 4 * MM, (q, gap / MM)
            assert abs(_centre(cancel["box"])[1] - level) <= 0.5 * MM, q
            others = [b for b in spec["bubbles"] if b["field"] == "answer" and b["question"] != q]
            own = min(_distance(cancel["box"], b["box"]) for b in mine)
            assert all(own < _distance(cancel["box"], b["box"]) for b in others), q
            checked += 1
    assert checked == sum(
        1 for v in printed.layout["versions"] for q in v["questions"] if q["field"] == "answer"
    )


def test_question_numbers_are_centred_on_their_bubbles(printed: Printed, pdf: Any) -> None:
    """S4: the printed number of each row stands level with its bubbles (score boxes, or a digit
    grid's write-in boxes), within 0.5 mm, in 9 pt bold black."""
    for spec, page in zip(printed.layout["pages"], pdf, strict=True):
        chars = _chars(page)
        questions = {
            q["number"]: q
            for v in printed.layout["versions"]
            if v["version"] == spec["version"]
            for q in v["questions"]
        }
        for row in spec["rows"]:
            n = row["question"]
            x0, y0 = row["box"][0], row["box"][1]
            if questions[n].get("grid"):
                centre = y0 + 1 + sheetpdf.WRITE_IN_BOX / 2
            else:
                first = next(
                    b for b in spec["bubbles"] if b["question"] == n and b["field"] in ("answer", "score")
                )
                centre = (first["box"][1] + first["box"][3]) / 2
            digits = [
                c
                for c in chars
                if x0 <= c.box[0]
                and c.box[2] <= x0 + sheet.NUMBER_WIDTH
                and abs((c.box[1] + c.box[3]) / 2 - centre) <= 4
            ]
            assert "".join(c.text for c in sorted(digits, key=lambda c: c.box[0])) == str(n), (n, digits)
            top, bottom = min(c.box[1] for c in digits), max(c.box[3] for c in digits)
            assert abs((top + bottom) / 2 - centre) <= 0.5 * MM, (n, (top + bottom) / 2 - centre)


def test_a_sheet_whose_teachers_area_runs_over_columns_and_pages_is_read_whole(printed: Printed) -> None:
    """The moved boxes are read where the layout puts them: every ticked score box and every
    filled bubble of a sheet whose teacher's area continues over columns and onto a page."""
    from quizgen.grading import scan, score
    from tests.grading import synth

    version = printed.quiz.versions[0]
    bubbled = [i for i in version.items if i.question.kind in sheet.BUBBLE_KINDS]
    written = [i for i in version.items if i.question.kind not in sheet.BUBBLE_KINDS]
    items = tuple(replace(item, number=n + 1) for n, item in enumerate(bubbled * 4 + written * 20))
    quiz = replace(printed.quiz, versions=(replace(version, items=items),))
    data = sheet.layout(quiz)
    assert len(data["pages"]) >= 2 and sum(len(p["areas"]) for p in data["pages"]) >= 3
    questions = data["versions"][0]["questions"]
    rng = np.random.default_rng(5)
    for spec, image in zip(
        data["pages"], synth.rasterise(sheet.render(data, timestamp=1_700_000_000), 150), strict=True
    ):
        expected = synth.fill(image, spec, questions, "424242", 150, rng)
        read = scan.read_page(synth.phone(image, 0.05), data, "long.png", spec["page"])
        assert (read.problem, read.page) == ("", spec["page"])
        answers = score.read_answers(read, spec, questions)
        wrong = {n: (s, answers[n]) for n, (s, ok) in expected.items() if answers[n][0] not in ok}
        assert not wrong
        assert sum(1 for s, _ in expected.values() if s == "score") == len(
            {b["question"] for b in spec["bubbles"] if b["field"] == "score"}
        )
