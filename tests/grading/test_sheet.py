"""The answer sheets and their layout: what a student fills and what other tools read."""

from __future__ import annotations

import io
import itertools
import json

import cv2
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from quizgen.grading import scan, sheet
from quizgen.select import letter
from tests.grading import synth
from tests.grading.conftest import Printed


def test_layout_numbers_and_letters_questions_as_the_printed_version(printed: Printed) -> None:
    for version, laid in zip(printed.quiz.versions, printed.layout["versions"], strict=True):
        assert laid["version"] == version.letter
        assert [q["number"] for q in laid["questions"]] == [i.number for i in version.items]
        for item, q in zip(version.items, laid["questions"], strict=True):
            assert q["id"] == f"grading/{item.question.id}"
            assert q["source"].endswith(f"grading.yaml:{item.question.pos().line}")
            if q["kind"] == "choice":
                # the letter the key grid prints is the letter of the keyed bubble
                assert q["answer"] == item.key
                assert list(q["choices"]) == [letter(i) for i in range(len(item.shown))]
                assert q["choices"][q["answer"]] == item.question.answer  # type: ignore[attr-defined]
            if q["kind"] == "multi":
                assert ", ".join(q["answer"]) == item.key
            if q["kind"] == "truefalse":
                assert q["answer"] == item.key[0]


def test_every_question_has_its_bubbles_or_score_boxes(printed: Printed) -> None:
    for version in printed.layout["versions"]:
        pages = [p for p in printed.layout["pages"] if p["version"] == version["version"]]
        bubbles = [b for p in pages for b in p["bubbles"]]
        for q in version["questions"]:
            mine = [b for b in bubbles if b["question"] == q["number"]]
            values = [b["value"] for b in mine if b["field"] in ("answer", "score")]
            if q["kind"] in ("choice", "multi"):
                assert values == list(q["choices"])
            elif q["kind"] == "truefalse":
                assert values == ["T", "F"]
            elif q["kind"] == "numeric":
                # a sign column, then the same number of columns for every key (S7)
                grid = q["grid"]
                assert grid["columns"] == sheet.GRID_COLUMNS and q["digits"] == [1 + grid["columns"], 0]
                assert (
                    values == ["-"] + (["."] * grid["point"] + [str(d) for d in range(10)]) * grid["columns"]
                )
            else:
                assert values == sheet.score_values(q["points"]), q["kind"]
            assert [b["field"] for b in mine].count("cancel") == (q["field"] == "answer")
        for p in pages:
            student = [b for b in p["bubbles"] if b["field"] == "student"]
            assert len(student) == 10 * printed.layout["student_digits"]


def test_no_two_boxes_overlap_and_all_stay_inside_the_markers(printed: Printed) -> None:
    markers = printed.layout["markers"]
    top = markers[0]["box"][1]
    for page in printed.layout["pages"]:
        w, h = page["size"]
        boxes = [b["box"] for b in page["bubbles"]] + [m["box"] for m in markers] + [printed.layout["qr_box"]]
        for a, b in itertools.combinations(boxes, 2):
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        for b in page["bubbles"]:
            x0, y0, x1, y1 = b["box"]
            assert top <= x0 < x1 <= w - top and top <= y0 < y1 <= h - top


def test_layout_is_plain_json_with_the_documented_keys(printed: Printed) -> None:
    data = json.loads(json.dumps(printed.layout))
    assert data == printed.layout
    assert {"format", "format_version", "quiz", "versions", "pages", "markers", "qr_box"} <= set(data)
    for page in data["pages"]:
        assert {"version", "page", "size", "bubbles", "qr"} <= set(page)
        for b in page["bubbles"]:
            assert set(b) >= {"page", "question", "field", "value", "box"}
            assert b["page"] == page["page"]
            assert b["field"] in ("answer", "student", "score", "cancel")
    for v in data["versions"]:
        for q in v["questions"]:
            assert {"number", "id", "kind", "points", "answer", "source"} <= set(q)


def test_the_same_quiz_gets_the_same_id_and_another_quiz_another(printed: Printed) -> None:
    assert sheet.quiz_id(printed.quiz) == printed.layout["quiz"]
    from dataclasses import replace

    other = replace(printed.quiz, versions=printed.quiz.versions[:1])
    assert sheet.quiz_id(other) != printed.layout["quiz"]


def test_the_pdf_says_how_to_mark_and_has_every_page(printed: Printed) -> None:
    reader = PdfReader(io.BytesIO(printed.pdf))
    assert len(reader.pages) == len(printed.layout["pages"])
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for phrase in (
        "Student number",
        "Name",
        "Fill the bubble",
        "To change an answer",
        "circle your final answer on the quiz paper",
        "Write your number in the boxes, starting at the left box",
        "Class",
        "For the teacher",
        "Use it with quiz version A",
        "Use it with quiz version B",
        "Numbers: write one character a box",
        "Version A",
        "Version B",
        "Page 1 of",
    ):
        assert phrase in text


def test_a_clean_raster_of_each_page_is_found_by_its_markers_and_qr_code(printed: Printed) -> None:
    for image, spec in zip(synth.rasterise(printed.pdf, 150), printed.layout["pages"], strict=True):
        read = scan.read_page(image, printed.layout, "clean.png", 1)
        assert (read.problem, read.version, read.page) == ("", spec["version"], spec["page"])
        assert set(read.states) == {"empty"}, "an unmarked sheet reads as unmarked"


def test_qr_codes_decode_to_their_page(printed: Printed) -> None:
    for image, spec in zip(synth.rasterise(printed.pdf, 150), printed.layout["pages"], strict=True):
        # any QR reader, not only ours, reads the printed code. OpenCV's default finder tolerance
        # (0.2) takes a data pattern for a finder in about 1 code of 200 even on an ideal image
        # (measured on random payloads at 5.3 px a module): then its tighter 0.1 must read it.
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
        if not text:
            tight = cv2.QRCodeDetector()
            tight.setEpsX(0.1)
            tight.setEpsY(0.1)
            text, _, _ = tight.detectAndDecode(image)
        assert sheet.parse_qr(text) == (printed.layout["quiz"], spec["version"], spec["page"])
        h, _ = scan.find_homography(image, printed.layout)
        assert scan.read_qr(scan.straighten(image, h, spec["size"]), printed.layout) == (
            spec["qr"],
            "decoded",
        )


def test_a_blurred_qr_code_is_matched_against_the_quiz_codes(printed: Printed) -> None:
    image = synth.rasterise(printed.pdf, 150)[-1]
    page = printed.layout["pages"][-1]
    h, _ = scan.find_homography(image, printed.layout)
    straight = scan.straighten(image, h, page["size"])
    assert scan._match_qr(straight, printed.layout) == page["qr"]
    assert scan._match_qr(np.full_like(straight, 255), printed.layout) == ""


@given(st.floats(0.5, 12).map(lambda p: round(p * 2) / 2))
def test_score_boxes_run_from_zero_to_the_points(points: float) -> None:
    values = sheet.score_values(points)
    assert values[0] == "0" and float(values[-1]) == points
    assert [float(v) for v in values] == sorted({float(v) for v in values})


def test_many_questions_flow_onto_more_pages(printed: Printed) -> None:
    from dataclasses import replace

    version = printed.quiz.versions[0]
    many = tuple(replace(item, number=n + 1) for n, item in enumerate(version.items * 8))
    _, pages = sheet.version_pages(
        replace(version, items=many), sheet.PAPER_SIZES["letter"], sheet.SheetOptions()
    )
    assert len(pages) >= 2
    numbers = [b["question"] for p in pages for b in p["bubbles"] if b["field"] in ("answer", "score")]
    assert sorted(set(numbers)) == list(range(1, len(many) + 1))


def test_duplex_pads_each_version_to_an_even_page_count(printed: Printed) -> None:
    """S6: printed double-sided, no sheet carries two versions."""
    import pypdfium2 as pdfium

    data = dict(printed.layout, duplex=True)
    pdf = pdfium.PdfDocument(sheet.render(data, timestamp=1_700_000_000))
    texts = [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    versions = [v["version"] for v in printed.layout["versions"]]
    per_version = {v["version"]: v["pages"] for v in printed.layout["versions"]}
    assert len(texts) == sum(n + n % 2 for n in per_version.values())
    at = 0
    for version in versions:
        n = per_version[version]
        assert all(f"Use it with quiz version {version}" in t for t in texts[at : at + n])
        if n % 2:
            assert texts[at + n] == f"This page is the back of answer sheet {version}. Leave it blank."
        at += n + n % 2
