"""Answer sheets: where every bubble is (plain data), then the PDF drawn from it.

`layout(quiz)` is a pure function from a quiz to the sheet layout: the quiz id, every
version's questions with their keys, and every page's bubbles as boxes in PDF points from
the page's top-left corner. The same data is written as `<name>-layout.json` (documented
in docs/grading.md) and is all that `quizgen grade` needs: it never reads the banks.

quizgen.grading.sheetpdf draws the PDF from it, adding what is printed but not read
back (labels, instructions, the corner markers' and QR code's modules): the template
only places boxes at the positions computed here.

Corner markers are ArUco markers (OpenCV's 4x4 dictionary, ids 0-3 clockwise from the
top left): each one names its corner, so a page scanned upside down or photographed at
an angle is put right by one homography, and four of them (16 corners) survive a
missing or smudged one. Their modules, and those of the QR code, come from OpenCV at
render time and are drawn as vector squares, so they print sharp at any resolution.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from quizgen.bank.model import Choice, Multi, Numeric, TrueFalse
from quizgen.bank.numbers import format_number

# The sheet's identity lives in identity.py; its names stay reachable as sheet.* too.
from quizgen.grading.identity import (
    PAPER_CODES as PAPER_CODES,
)
from quizgen.grading.identity import (
    PAPER_NAMES as PAPER_NAMES,
)
from quizgen.grading.identity import (
    QR_PREFIX as QR_PREFIX,
)
from quizgen.grading.identity import (
    QR_PREFIX2 as QR_PREFIX2,
)
from quizgen.grading.identity import (
    Identity as Identity,
)
from quizgen.grading.identity import (
    identity_mismatch as identity_mismatch,
)
from quizgen.grading.identity import (
    layout_fingerprint as layout_fingerprint,
)
from quizgen.grading.identity import (
    parse_identity as parse_identity,
)
from quizgen.grading.identity import (
    parse_qr as parse_qr,
)
from quizgen.grading.identity import (
    qr_payload as qr_payload,
)
from quizgen.grading.identity import (
    quiz_id as quiz_id,
)
from quizgen.scoring import ScoringRules
from quizgen.select import Item, Quiz, Version, letter

Json = dict[str, Any]
Box = tuple[float, float, float, float]

FORMAT = "quizgen-sheet-layout"
FORMAT_VERSION = 1

# Page sizes in PDF points (1/72 inch), as Typst's "a4" and "us-letter".
PAPER_SIZES: dict[str, tuple[float, float]] = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}

# The kinds read from bubbles; every other kind gets score boxes the teacher ticks.
BUBBLE_KINDS = frozenset({"choice", "multi", "truefalse"})

MARGIN = 28.0  # from the paper's edge to the corner markers (printers leave ~5 mm blank)
MARKER = 34.0  # side of a corner marker
MARKER_IDS = {"top-left": 0, "top-right": 1, "bottom-right": 2, "bottom-left": 3}
ARUCO_DICTIONARY = "DICT_4X4_50"
QR_SIZE = 74.0  # 29 modules (QG2) at the 2.56 pt a module that 25 had at 64 pt

BUBBLE = 11.0  # diameter of a bubble
PITCH = 15.0  # from one bubble to the next in a row
ROW = 17.0  # from one question row to the next
TICK = 10.0  # side of a score or cancel box
NUMBER_WIDTH = 24.0  # the question number before its row
COLUMN_GAP = 10.0
DIGIT_PITCH = 13.5  # rows of a digit grid (student number, numeric answers)
GRID_COLUMNS = 6  # digit columns of every numeric grid, whatever its key
MAX_GRID_COLUMNS = 7  # what fits a question column beside the sign column and the cancel box
WRITE_IN = 16.0  # the row of write-in boxes above a digit grid's bubbles

STUDENT_PITCH = 15.0  # rows of the student-number grid: 4 pt (1.4 mm) between bubbles
CANCEL_GAP = 6.0  # from a row's last bubble to its cancel box (S4): 1.5 times the gap between bubbles,
# so it stands apart, yet nearer its own last bubble than the next row's bubble under it (17 pt)
# The teacher's area (S3): a framed box headed "For the teacher", holding the score boxes of
# the written answers, apart from the bubbles pupils fill.
SCORE_ROW = 24.0  # a row of score boxes: an 8 pt label above each box, then the box
SCORE_LABEL = 10.0  # from a score row's top to its boxes (the labels stand in it)
SCORE_PITCH = 18.0  # from one score box to the next: room for a label such as "1.5"
AREA_PAD = 6.0  # inside the frame, left and right of the rows
AREA_HEAD = 16.0  # the heading band at the top of the frame
AREA_GAP = 14.0  # between the last bubble row and the frame


@dataclass(frozen=True)
class SheetOptions:
    """What the teacher chose for the sheets."""

    paper: str = "a4"
    student_digits: int = 6
    numeric_grids: bool = False
    rules: ScoringRules = field(default_factory=ScoringRules)
    duplex: bool = False  # pad each version's sheets to an even page count (no geometry change)


# -- the questions ------------------------------------------------------------------------------


def _field(item: Item, options: SheetOptions, columns: int = GRID_COLUMNS) -> str:
    q = item.question
    if q.kind in BUBBLE_KINDS:
        return "answer"
    if isinstance(q, Numeric) and options.numeric_grids and numeric_needs(q)[0] <= columns:
        return "answer"
    return "score"  # a number too long for the grid is written on the paper and scored by hand


def _options(item: Item) -> list[str]:
    """The values a student can mark, as printed: letters, or T and F."""
    q = item.question
    if isinstance(q, (Choice, Multi)):
        return [letter(i) for i in range(len(item.shown))]
    if isinstance(q, TrueFalse):
        return ["T", "F"]
    return []


def score_values(points: float, step: float = 1.0) -> list[str]:
    """The score boxes of a question: 0, 1, ... up to its points (and its points if not a step)."""
    values = [format_number(i * step) for i in range(math.floor(points / step + 1e-9) + 1)]
    if format_number(points) not in values:
        values.append(format_number(points))
    return values


def numeric_needs(q: Numeric) -> tuple[int, bool]:
    """(columns the key and its tolerance need, whether they need a point).

    A point is needed when the key or its tolerance has decimals: an answer within the
    tolerance may then have them too.
    """
    key = f"{abs(q.answer):.6f}".rstrip("0").rstrip(".")
    tolerance = f"{abs(q.tolerance):.6f}".rstrip("0").rstrip(".")
    point = "." in key or "." in tolerance
    decimals = max(len(key.partition(".")[2]), len(tolerance.partition(".")[2]))
    return len(key.partition(".")[0]) + (decimals + 1 if point else 0), point


def grid_columns(quiz: Quiz) -> int:
    """The digit columns of the quiz's numeric grids: the same for every question, so a grid
    says nothing of its key's size (6, or what the longest key needs, up to 7)."""
    needs = [
        numeric_needs(i.question)[0]
        for v in quiz.versions
        for i in v.items
        if isinstance(i.question, Numeric)
    ]
    return min(MAX_GRID_COLUMNS, max([GRID_COLUMNS, *needs]))


def _question(item: Item, options: SheetOptions, columns: int = GRID_COLUMNS) -> Json:
    q, bank = item.question, item.bank
    pos = q.pos()
    out: Json = {
        "number": item.number,
        "id": f"{bank.id}/{q.id}",
        "kind": q.kind,
        "points": item.points,
        "field": _field(item, options, columns),
        "source": f"{bank.path}:{pos.line}",
        "key": item.key,
        "prompt": q.prompt,  # for the report: a teacher knows a question by its text
    }
    if isinstance(q, Choice):
        out["answer"] = letter(item.shown.index(q.answer))
    elif isinstance(q, Multi):
        out["answer"] = [letter(i) for i, c in enumerate(item.shown) if c in q.answers]
    elif isinstance(q, TrueFalse):
        out["answer"] = "T" if q.answer else "F"
    elif isinstance(q, Numeric):
        out["answer"] = q.answer
        out["tolerance"] = q.tolerance
    else:
        out["answer"] = None  # the teacher scores it; `key` says what to look for
    if isinstance(q, (Choice, Multi)):
        out["choices"] = {letter(i): text for i, text in enumerate(item.shown)}
    if out["field"] == "answer" and isinstance(q, Numeric):
        # Column 0 is the sign (a "-" bubble), then `columns` columns of 0-9 (and "." when the
        # key needs a point). `digits` [1 + columns, 0] is how the reader joins the columns.
        out["grid"] = {"columns": columns, "sign": True, "point": numeric_needs(q)[1]}
        out["digits"] = [1 + columns, 0]
    return out


# -- placing rows on pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A question's part of a sheet: one or more rows of a column, or a digit grid."""

    question: Json
    rows: int
    values: tuple[str, ...]  # bubbles or score boxes, in order
    per_row: int
    grid: tuple[int, bool] | None = None  # (digit columns, a point row) of a numeric grid

    @property
    def scored(self) -> bool:
        """Whether the teacher scores it in score boxes (it goes in the teacher's area)."""
        return bool(self.question["field"] == "score")

    @property
    def height(self) -> float:
        if self.grid is not None:
            return WRITE_IN + 2 + (10 + self.grid[1]) * DIGIT_PITCH + 2
        return self.rows * (SCORE_ROW if self.scored else ROW)


@dataclass(frozen=True)
class _Placed:
    """A block where it goes: its page, the top left of its first row, and its width."""

    page: int
    block: _Block
    x: float
    y: float
    width: float


def _blocks(questions: Sequence[Json], size: tuple[float, float]) -> list[_Block]:
    blocks = []
    for q in questions:
        per_row = _per_row(size, q["field"] == "score")
        if q.get("grid"):
            blocks.append(_Block(q, 1, (), per_row, (q["grid"]["columns"], q["grid"]["point"])))
            continue
        if q["field"] == "answer":
            values = tuple(q["choices"]) if "choices" in q else ("T", "F")
        else:
            values = tuple(score_values(q["points"]))
        rows = max(1, math.ceil(len(values) / per_row))
        blocks.append(_Block(q, rows, values, per_row))
    return blocks


def _header_bottom(size: tuple[float, float]) -> float:
    return 280.0


def _columns(size: tuple[float, float]) -> list[float]:
    """The x of each question column's left edge."""
    width = size[0] - 2 * MARGIN
    count = 3
    col = (width - (count - 1) * COLUMN_GAP) / count
    return [MARGIN + i * (col + COLUMN_GAP) for i in range(count)]


def _column_width(size: tuple[float, float]) -> float:
    cols = _columns(size)
    return cols[1] - cols[0] - COLUMN_GAP


def _per_row(size: tuple[float, float], scored: bool = False) -> int:
    if scored:  # number, then score boxes, inside the teacher's frame
        return int((_column_width(size) - 2 * AREA_PAD - NUMBER_WIDTH) // SCORE_PITCH)
    # number, bubbles, then the cancel box after a small gap
    return int((_column_width(size) - NUMBER_WIDTH - TICK - 8) // PITCH)


def _box(x: float, y: float, w: float, h: float) -> list[float]:
    return [round(x, 2), round(y, 2), round(x + w, 2), round(y + h, 2)]


def _header_bubbles(page: int, size: tuple[float, float], digits: int) -> list[Json]:
    """The student number grid: one column per digit, 0-9 top to bottom."""
    x0 = size[0] - MARGIN - digits * PITCH
    bubbles = []
    for col in range(digits):
        for d in range(10):
            x = x0 + col * PITCH + (PITCH - BUBBLE) / 2
            y = 131 + d * STUDENT_PITCH
            bubbles.append(
                {"page": page, "question": None, "field": "student", "column": col, "value": str(d),
                 "box": _box(x, y, BUBBLE, BUBBLE)}
            )  # fmt: skip
    return bubbles


class _Flow:
    """Where the next block goes: down each column, then the next column, page after page."""

    def __init__(self, size: tuple[float, float]) -> None:
        self.top, self.bottom = _header_bottom(size) + 10, size[1] - MARGIN - MARKER - 8
        self.columns, self.width = _columns(size), _column_width(size)
        self.page, self.col, self.y = 1, 0, self.top

    @property
    def x(self) -> float:
        return self.columns[self.col]

    def fits(self, height: float) -> bool:
        return self.y + height <= self.bottom

    def next_column(self) -> None:
        self.col, self.y = self.col + 1, self.top
        if self.col == len(self.columns):
            self.page, self.col = self.page + 1, 0


def _place(
    blocks: list[_Block], size: tuple[float, float]
) -> tuple[list[_Placed], list[tuple[int, list[float]]]]:
    """Where each block goes, and the frames of the teacher's area as (page, box).

    The bubble rows come first, in their order. The score boxes follow in the teacher's
    area: one frame under the last bubble row if it fits there whole, else at the top of
    the next column; a frame taller than a column continues in the next one.
    """
    flow = _Flow(size)
    placed: list[_Placed] = []
    for block in (b for b in blocks if not b.scored):
        if not flow.fits(block.height) and flow.y > flow.top:
            flow.next_column()
        placed.append(_Placed(flow.page, block, flow.x, flow.y, flow.width))
        flow.y += block.height + (4 if block.grid is not None else 0)
    scored = [b for b in blocks if b.scored]
    if not scored:
        return placed, []
    gap = AREA_GAP if flow.y > flow.top else 0.0
    whole = AREA_HEAD + 2 + sum(b.height for b in scored) + 2
    if not flow.fits(gap + whole) and (
        whole <= flow.bottom - flow.top or not flow.fits(gap + AREA_HEAD + 2 + scored[0].height + 2)
    ):
        flow.next_column()
        gap = 0.0
    flow.y += gap
    frames: list[tuple[int, list[float]]] = []
    start = flow.y
    flow.y += AREA_HEAD + 2
    for block in scored:
        if not flow.fits(block.height + 2) and flow.y > start + AREA_HEAD + 2:
            frames.append((flow.page, _box(flow.x, start, flow.width, flow.y + 2 - start)))
            flow.next_column()
            start = flow.y
            flow.y += AREA_HEAD + 2
        placed.append(_Placed(flow.page, block, flow.x + AREA_PAD, flow.y, flow.width - 2 * AREA_PAD))
        flow.y += block.height
    frames.append((flow.page, _box(flow.x, start, flow.width, flow.y + 2 - start)))
    return placed, frames


def _block_bubbles(page: int, block: _Block, x: float, y: float) -> list[Json]:
    q = block.question
    out: list[Json] = []
    field = q["field"]
    if block.grid is not None:
        columns, point = block.grid
        for col in range(1 + columns):
            cx = x + NUMBER_WIDTH + col * PITCH + (PITCH - BUBBLE) / 2
            values = ["-"] if col == 0 else ["."] * point + [str(d) for d in range(10)]
            for row, value in enumerate(values):
                out.append(
                    {"page": page, "question": q["number"], "field": "answer", "column": col,
                     "value": value, "box": _box(cx, y + WRITE_IN + 2 + row * DIGIT_PITCH, BUBBLE, BUBBLE)}
                )  # fmt: skip
    elif block.scored:
        for i, value in enumerate(block.values):
            row, at = divmod(i, block.per_row)
            bx = x + NUMBER_WIDTH + at * SCORE_PITCH + (SCORE_PITCH - TICK) / 2
            out.append(
                {"page": page, "question": q["number"], "field": field, "value": value,
                 "box": _box(bx, y + row * SCORE_ROW + SCORE_LABEL, TICK, TICK)}
            )  # fmt: skip
    else:
        for i, value in enumerate(block.values):
            row, at = divmod(i, block.per_row)
            bx = x + NUMBER_WIDTH + at * PITCH + (PITCH - BUBBLE) / 2
            out.append(
                {"page": page, "question": q["number"], "field": field, "value": value,
                 "box": _box(bx, y + row * ROW + (ROW - BUBBLE) / 2, BUBBLE, BUBBLE)}
            )  # fmt: skip
    if field == "answer":
        # The cancel box ends the question's first row, just after its last bubble (S4): a
        # box in a column of its own, far from a short row, is easily taken for a neighbour's.
        shown = block.grid[0] + 1 if block.grid is not None else min(len(block.values), block.per_row)
        cx = x + NUMBER_WIDTH + shown * PITCH - (PITCH - BUBBLE) / 2 + CANCEL_GAP
        out.append(
            {"page": page, "question": q["number"], "field": "cancel", "value": "X",
             "box": _box(cx, y + (ROW - TICK) / 2, TICK, TICK)}
        )  # fmt: skip
    return out


def version_pages(
    version: Version, size: tuple[float, float], options: SheetOptions, columns: int = GRID_COLUMNS
) -> tuple[Json, list[Json]]:
    """One version's questions and its pages with their bubbles (a pure function)."""
    questions = [_question(item, options, columns) for item in version.items]
    placed, frames = _place(_blocks(questions, size), size)
    pages = max([p.page for p in placed], default=1)
    page_list: list[Json] = []
    for page in range(1, pages + 1):
        bubbles = _header_bubbles(page, size, options.student_digits)
        rows = []
        for p in (p for p in placed if p.page == page):
            bubbles.extend(_block_bubbles(page, p.block, p.x, p.y))
            rows.append(
                {"question": p.block.question["number"], "box": _box(p.x, p.y, p.width, p.block.height)}
            )
        page_list.append(
            {"version": version.letter, "page": page, "pages": pages, "size": [size[0], size[1]],
             "rows": rows, "bubbles": bubbles,
             "areas": [{"kind": "teacher", "box": box} for at, box in frames if at == page]}
        )  # fmt: skip
    return {"version": version.letter, "pages": pages, "questions": questions}, page_list


def markers(size: tuple[float, float]) -> list[Json]:
    """The four corner markers, the same on every page."""
    w, h = size
    far_x, far_y = w - MARGIN - MARKER, h - MARGIN - MARKER
    at = {"top-left": (MARGIN, MARGIN), "top-right": (far_x, MARGIN),
          "bottom-right": (far_x, far_y), "bottom-left": (MARGIN, far_y)}  # fmt: skip
    return [
        {"id": MARKER_IDS[corner], "corner": corner, "box": _box(x, y, MARKER, MARKER)}
        for corner, (x, y) in at.items()
    ]


def qr_box(size: tuple[float, float]) -> list[float]:
    """Where the QR code is: top right, left of the top-right marker."""
    x = size[0] - MARGIN - MARKER - 10 - QR_SIZE
    return _box(x, MARGIN, QR_SIZE, QR_SIZE)


def layout(quiz: Quiz, options: SheetOptions = SheetOptions()) -> Json:
    """The whole sheet layout of `quiz` as plain data (the `<name>-layout.json`)."""
    if options.paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {options.paper!r}")
    size = PAPER_SIZES[options.paper]
    qid = quiz_id(quiz)
    versions, pages = [], []
    for version in quiz.versions:
        v, p = version_pages(version, size, options, grid_columns(quiz))
        versions.append(v)
        pages.extend(p)
    data: Json = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "quiz": qid,
        "title": quiz.settings.title,
        "paper": options.paper,
        "student_digits": options.student_digits,
        "numeric_grids": options.numeric_grids,
        "duplex": options.duplex,
        "scoring": {"multi": options.rules.multi, "step": options.rules.step},
        "markers": markers(size),
        "aruco": ARUCO_DICTIONARY,
        "qr_box": qr_box(size),
        "versions": versions,
        "pages": pages,
    }
    # The QR code states the geometry it was printed with, so it is computed last.
    data["fingerprint"] = layout_fingerprint(data)
    for page in pages:
        page["qr"] = qr_payload(qid, page["version"], page["page"], data)
    return data


def render(data: Json, timestamp: int) -> bytes:
    """The PDF of the sheets of a layout (quizgen.grading.sheetpdf draws it)."""
    from quizgen.grading.sheetpdf import render as render_pdf

    return render_pdf(data, timestamp)


def sheet_paths(out: Any) -> tuple[Any, Any]:
    """`quiz.pdf` -> (`quiz-sheets.pdf`, `quiz-layout.json`), beside it."""
    return out.with_name(f"{out.stem}-sheets.pdf"), out.with_name(f"{out.stem}-layout.json")


def render_files(
    quiz: Quiz, out: Any, options: SheetOptions = SheetOptions(), *, timestamp: int
) -> dict[Any, bytes]:
    """The bytes of `<name>-sheets.pdf` and `<name>-layout.json` for `quiz` (the CLI writes them
    in one set with the quiz and key: quizgen.output)."""
    data = layout(quiz, options)
    pdf = render(data, timestamp)
    sheets, layout_file = sheet_paths(out)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return {sheets: pdf, layout_file: text.encode("utf-8")}


def write(quiz: Quiz, out: Any, options: SheetOptions = SheetOptions(), *, timestamp: int) -> list[Any]:
    """Render the sheets of `quiz`, then write `<name>-sheets.pdf` and `<name>-layout.json`."""
    from quizgen.output import write_set

    return write_set(render_files(quiz, out, options, timestamp=timestamp))
