"""The answer sheet's PDF: what is printed but not read back, drawn round the layout's boxes.

`drawing(layout)` adds the labels, instructions, the teacher's area heading and the corner
markers' and QR code's modules to the layout of quizgen.grading.sheet, and `render` hands it
to Typst as JSON through `sys_inputs`, so the template only places boxes at the positions
computed there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from quizgen.grading.identity import has_grids
from quizgen.grading.sheet import AREA_HEAD, ARUCO_DICTIONARY, NUMBER_WIDTH, PITCH

WRITE_IN_BOX = 14.0  # height of a digit grid's write-in box, as sheet.typ draws it

Json = dict[str, Any]

HOW_TO_MARK = (
    "Fill the bubble of your answer completely with a dark pen or pencil. "
    "Do not tick or cross the bubbles, and write nothing between them."
)
HOW_TO_CANCEL = (
    "Erase the mark cleanly. With a pen, or if it will not erase: tick the question\u2019s "
    "cancel box {box} just after its bubbles, and circle your final answer on the quiz paper. "
    "Your teacher then reads that question from the quiz paper."
)
HOW_TO_NUMBER = (
    "Write your number in the boxes, starting at the left box, one digit a box. "
    "Then fill the one bubble under each box that matches its digit."
)
HOW_TO_GRID = (
    "Numbers: write one character a box, starting at the left box, a minus sign in the first "
    "box if the number is negative; then fill the matching bubble under each box."
)
# Only on sheets with score boxes: pupils tick every box that is theirs, so the teacher's are
# fenced off in a framed area with this heading, and the instructions point at it (S3).
AREA_HEADING = "For the teacher: do not write here"
TEACHER_NOTE = (
    "Your teacher scores the answers you write on the quiz paper in the box headed "
    "\u201cFor the teacher\u201d: write nothing in it."
)


def _modules(matrix: Any) -> list[list[int]]:
    """[x, y, run] for each horizontal run of dark modules: few squares to draw."""
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append([start, y, x - start])
            else:
                x += 1
    return runs


@cache
def marker_modules(marker_id: int) -> tuple[int, list[list[int]]]:
    """(side in modules, dark runs) of an ArUco marker with its one-module black border."""
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, ARUCO_DICTIONARY))
    img = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
    return 6, _modules(img < 128)


def qr_modules(text: str) -> tuple[int, list[list[int]]]:
    """(side in modules, dark runs) of the QR code of `text`, quiet zone left to the page."""
    import cv2

    params = cv2.QRCodeEncoder.Params()
    params.correction_level = cv2.QRCodeEncoder_CORRECT_LEVEL_M
    img = cv2.QRCodeEncoder.create(params).encode(text)
    return int(img.shape[0]), _modules(img < 128)


def drawing(data: Json) -> Json:
    """What Typst draws: the layout plus labels, instructions and module runs."""
    pages = []
    versions = {v["version"]: v for v in data["versions"]}
    for page in data["pages"]:
        version = versions[page["version"]]
        numbers = {q["number"]: q for q in version["questions"]}
        side, runs = qr_modules(page["qr"])
        labels = [_label(numbers[row["question"]], row["box"], page["bubbles"]) for row in page["rows"]]
        pages.append(
            {
                "blank": False,
                "page": page["page"],
                "pages": page["pages"],
                "version": page["version"],
                "size": page["size"],
                "qr": {"box": data["qr_box"], "side": side, "runs": runs},
                "labels": labels,
                "bubbles": page["bubbles"],
                "areas": [
                    {"box": a["box"], "head": AREA_HEAD, "heading": AREA_HEADING}
                    for a in page.get("areas", [])
                ],
                "grids": [
                    _grid_frame(numbers[row["question"]], row["box"])
                    for row in page["rows"]
                    if numbers[row["question"]].get("grid")
                ],
            }
        )
    if data.get("duplex"):
        pages = _padded(pages)
    return {
        "title": data["title"],
        "quiz": data["quiz"],
        "how_to_number": HOW_TO_NUMBER,
        "how_to_grid": HOW_TO_GRID if has_grids(data) else "",
        "paper": data["paper"],
        "student_digits": data["student_digits"],
        "how_to_mark": HOW_TO_MARK,
        "how_to_cancel": HOW_TO_CANCEL,
        "teacher_note": TEACHER_NOTE if any(p.get("areas") for p in data["pages"]) else "",
        "markers": [
            {"box": m["box"], "side": marker_modules(m["id"])[0], "runs": marker_modules(m["id"])[1]}
            for m in data["markers"]
        ],
        "pages": pages,
    }


def _label(q: Json, row: Sequence[float], bubbles: Sequence[Json]) -> Json:
    """A question's number before its row, centred on the row's first bubble or box (S4: a
    number set above the bubbles' centre line reads as the label of the row above)."""
    if q.get("grid"):
        centre = row[1] + 1 + WRITE_IN_BOX / 2  # the row of write-in boxes
    else:
        first = next(b["box"] for b in bubbles if b["question"] == q["number"] and b["field"] != "cancel")
        centre = (first[1] + first[3]) / 2
    return {"x": row[0], "y": centre - 6, "h": 12, "w": NUMBER_WIDTH - 5, "text": f"{q['number']}"}


def _padded(pages: list[Json]) -> list[Json]:
    """`pages` with a blank back after each version whose sheets have an odd page count, so
    printed double-sided no sheet carries two versions."""
    out: list[Json] = []
    for page in pages:
        out.append(page)
        if page["page"] == page["pages"] and page["pages"] % 2:
            out.append({"blank": True, "version": page["version"], "size": page["size"]})
    return out


def _grid_frame(q: Json, box: Sequence[float]) -> Json:
    """Where a digit grid's write-in boxes go: one above each column, the sign's first."""
    return {"x": box[0] + NUMBER_WIDTH, "y": box[1] + 1, "columns": 1 + q["grid"]["columns"], "pitch": PITCH}


def _describe(exc: Exception) -> str:
    message = str(getattr(exc, "message", "") or exc).strip()
    hints = [h for h in getattr(exc, "hints", None) or [] if h]
    return message + "".join(f"\n    hint: {h}" for h in hints)


@cache
def template() -> bytes:
    """The Typst source of the answer sheet."""
    return resources.files("quizgen.grading").joinpath("templates", "sheet.typ").read_bytes()


def render(data: Json, timestamp: int) -> bytes:
    """The PDF of the sheets of a layout (every version, every page), dated `timestamp`
    (the quiz's own date, from quizgen.clock, so an unchanged quiz prints the same bytes)."""
    import tempfile

    import typst

    from quizgen.errors import RenderError

    with tempfile.TemporaryDirectory(prefix="quizgen-sheet-") as tmp:
        try:
            out = typst.compile(  # type: ignore[call-overload]
                template(),
                format="pdf",
                root=tmp,
                sys_inputs={"sheet": json.dumps(drawing(data), ensure_ascii=False)},
                ignore_system_fonts=True,
                timestamp=timestamp,
            )
        except typst.TypstError as exc:
            raise RenderError(f"cannot print the answer sheets: {_describe(exc)}") from None
    if not isinstance(out, bytes):  # pragma: no cover
        raise RenderError("Typst returned no PDF")
    return out
