"""Answer sheets: where every bubble is (plain data), then the PDF drawn from it.

`layout(quiz)` is a pure function from a quiz to the sheet layout: the quiz id, every
version's questions with their keys, and every page's bubbles as boxes in PDF points from
the page's top-left corner. The same data is written as `<name>-layout.json` (documented
in docs/grading.md) and is all that `quizgen grade` needs: it never reads the banks.

`drawing(layout)` adds what is printed but not read back (labels, instructions, the
corner markers' and QR code's modules), and `render` hands it to Typst as JSON through
`sys_inputs`, so the template only places boxes at the positions computed here.

Corner markers are ArUco markers (OpenCV's 4x4 dictionary, ids 0-3 clockwise from the
top left): each one names its corner, so a page scanned upside down or photographed at
an angle is put right by one homography, and four of them (16 corners) survive a
missing or smudged one. Their modules, and those of the QR code, come from OpenCV at
render time and are drawn as vector squares, so they print sharp at any resolution.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from quizgen.bank.model import Choice, Multi, Numeric, TrueFalse
from quizgen.bank.numbers import format_number
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
QR_SIZE = 64.0
QR_PREFIX = "QG1"

BUBBLE = 11.0  # diameter of a bubble
PITCH = 15.0  # from one bubble to the next in a row
ROW = 17.0  # from one question row to the next
TICK = 10.0  # side of a score or cancel box
NUMBER_WIDTH = 24.0  # the question number before its row
COLUMN_GAP = 10.0
DIGIT_PITCH = 13.5  # rows of a digit grid (student number, numeric answers)

HOW_TO_MARK = (
    "Fill the bubble of your answer completely with a dark pen or pencil. "
    "Do not tick or cross the bubbles, and write nothing between them."
)
HOW_TO_CANCEL = (
    "To cancel a mark, erase it cleanly. If you cannot erase it, tick the question's "
    "cancel box \u2610 at the end of its row: your teacher then reads that question from your sheet."
)
TEACHER_NOTE = "Score boxes (0, 1, 2, ...) are for the teacher: tick one after reading the written answer."


@dataclass(frozen=True)
class SheetOptions:
    """What the teacher chose for the sheets."""

    paper: str = "a4"
    student_digits: int = 6
    numeric_grids: bool = False
    rules: ScoringRules = field(default_factory=ScoringRules)


def quiz_id(quiz: Quiz) -> str:
    """A short id of the quiz's content: the same quiz printed again has the same id.

    Hex in capitals keeps the QR code in its compact alphanumeric mode.
    """
    parts = [
        [v.letter, [[i.number, i.bank.id, i.question.id, i.key, list(i.shown)] for i in v.items]]
        for v in quiz.versions
    ]
    digest = hashlib.sha256(json.dumps([quiz.settings.title, parts], ensure_ascii=False).encode())
    return digest.hexdigest()[:10].upper()


def qr_payload(quiz: str, version: str, page: int) -> str:
    """What the QR code on one page says: `QG1 <quiz id> <version> <page>`."""
    return f"{QR_PREFIX} {quiz} {version} {page}"


def parse_qr(text: str) -> tuple[str, str, int] | None:
    """(quiz id, version, page) from a QR payload, or None when it is not one of ours."""
    parts = text.split()
    if len(parts) != 4 or parts[0] != QR_PREFIX or not parts[3].isdigit():
        return None
    return parts[1], parts[2], int(parts[3])


# -- the questions ------------------------------------------------------------------------------


def _field(item: Item, options: SheetOptions) -> str:
    kind = item.question.kind
    if kind in BUBBLE_KINDS or (kind == "numeric" and options.numeric_grids):
        return "answer"
    return "score"


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


def numeric_shape(q: Numeric) -> tuple[int, int]:
    """(digits before, digits after the decimal point) of a numeric answer's digit grid.

    Sized to the key with room for one more leading digit, so the grid gives nothing away
    beyond the number of decimals, which the prompt's unit usually implies anyway.
    """
    text = f"{abs(q.answer):.6f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    return min(len(whole) + 1, 8), min(len(frac), 4)


def _question(item: Item, options: SheetOptions) -> Json:
    q, bank = item.question, item.bank
    pos = q.pos()
    out: Json = {
        "number": item.number,
        "id": f"{bank.id}/{q.id}",
        "kind": q.kind,
        "points": item.points,
        "field": _field(item, options),
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
        before, after = numeric_shape(q)
        out["digits"] = [before, after]
    return out


# -- placing rows on pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A question's part of a sheet: one or more rows of a column, or a digit grid."""

    question: Json
    rows: int
    values: tuple[str, ...]  # bubbles or score boxes, in order
    per_row: int
    grid: tuple[int, int] | None = None  # (digits before, after the point) of a numeric grid


def _blocks(questions: Sequence[Json], per_row: int) -> list[_Block]:
    blocks = []
    for q in questions:
        if q.get("digits"):
            before, after = q["digits"]
            blocks.append(_Block(q, 12, (), per_row, (before, after)))
            continue
        if q["field"] == "answer":
            values = tuple(q["choices"]) if "choices" in q else ("T", "F")
        else:
            values = tuple(score_values(q["points"]))
        rows = max(1, math.ceil(len(values) / per_row))
        blocks.append(_Block(q, rows, values, per_row))
    return blocks


def _header_bottom(size: tuple[float, float]) -> float:
    return 262.0


def _columns(size: tuple[float, float]) -> list[float]:
    """The x of each question column's left edge."""
    width = size[0] - 2 * MARGIN
    count = 3
    col = (width - (count - 1) * COLUMN_GAP) / count
    return [MARGIN + i * (col + COLUMN_GAP) for i in range(count)]


def _column_width(size: tuple[float, float]) -> float:
    cols = _columns(size)
    return cols[1] - cols[0] - COLUMN_GAP


def _per_row(size: tuple[float, float]) -> int:
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
            y = 128 + d * DIGIT_PITCH
            bubbles.append(
                {"page": page, "question": None, "field": "student", "column": col, "value": str(d),
                 "box": _box(x, y, BUBBLE, BUBBLE)}
            )  # fmt: skip
    return bubbles


def _place(blocks: list[_Block], size: tuple[float, float]) -> Iterator[tuple[int, _Block, float, float]]:
    """(page, block, x, y) for each block: down each column, then the next column, page after page."""
    top, bottom = _header_bottom(size) + 10, size[1] - MARGIN - MARKER - 8
    columns = _columns(size)
    page, col, y = 1, 0, top
    for block in blocks:
        height = block.rows * ROW if block.grid is None else 12 * DIGIT_PITCH + 6
        if y + height > bottom and y > top:
            col += 1
            y = top
            if col == len(columns):
                page, col = page + 1, 0
        yield page, block, columns[col], y
        y += height + (4 if block.grid is not None else 0)


def _block_bubbles(page: int, block: _Block, x: float, y: float) -> list[Json]:
    q = block.question
    out: list[Json] = []
    field = q["field"]
    if block.grid is not None:
        before, after = block.grid
        for col in range(before + after):
            cx = x + NUMBER_WIDTH + col * PITCH + (PITCH if col >= before else 0)
            for d in range(10):
                out.append(
                    {"page": page, "question": q["number"], "field": "answer", "column": col,
                     "value": str(d), "box": _box(cx + 2, y + 18 + d * DIGIT_PITCH, BUBBLE, BUBBLE)}
                )  # fmt: skip
    else:
        for i, value in enumerate(block.values):
            row, at = divmod(i, block.per_row)
            bx = x + NUMBER_WIDTH + at * PITCH + (PITCH - BUBBLE) / 2
            by = y + row * ROW + (ROW - BUBBLE) / 2
            side = BUBBLE if field == "answer" else TICK
            off = (BUBBLE - side) / 2
            out.append(
                {"page": page, "question": q["number"], "field": field, "value": value,
                 "box": _box(bx + off, by + off, side, side)}
            )  # fmt: skip
    if field == "answer":
        # The cancel box ends the question's first row (after the last bubble that fits).
        cx = x + NUMBER_WIDTH + block.per_row * PITCH + 6
        if block.grid is not None:
            cx = x + NUMBER_WIDTH + (sum(block.grid) + 1) * PITCH + 4
        out.append(
            {"page": page, "question": q["number"], "field": "cancel", "value": "X",
             "box": _box(cx, y + (ROW - TICK) / 2, TICK, TICK)}
        )  # fmt: skip
    return out


def version_pages(
    version: Version, size: tuple[float, float], options: SheetOptions
) -> tuple[Json, list[Json]]:
    """One version's questions and its pages with their bubbles (a pure function)."""
    questions = [_question(item, options) for item in version.items]
    placed = list(_place(_blocks(questions, _per_row(size)), size))
    pages = max([p for p, *_ in placed], default=1)
    page_list: list[Json] = []
    for page in range(1, pages + 1):
        bubbles = _header_bubbles(page, size, options.student_digits)
        rows = []
        for p, block, x, y in placed:
            if p == page:
                bubbles.extend(_block_bubbles(page, block, x, y))
                rows.append({"question": block.question["number"], "box": _box(x, y, _column_width(size), 0)})
        page_list.append(
            {"version": version.letter, "page": page, "pages": pages, "size": [size[0], size[1]],
             "rows": rows, "bubbles": bubbles}
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
        v, p = version_pages(version, size, options)
        versions.append(v)
        for page in p:
            page["qr"] = qr_payload(qid, version.letter, page["page"])
        pages.extend(p)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "quiz": qid,
        "title": quiz.settings.title,
        "paper": options.paper,
        "student_digits": options.student_digits,
        "scoring": {"multi": options.rules.multi, "step": options.rules.step},
        "markers": markers(size),
        "aruco": ARUCO_DICTIONARY,
        "qr_box": qr_box(size),
        "versions": versions,
        "pages": pages,
    }


# -- drawing ------------------------------------------------------------------------------------


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
        labels = []
        for row in page["rows"]:
            q = numbers[row["question"]]
            x0, y0 = row["box"][0], row["box"][1]
            labels.append(
                {"x": x0, "y": y0 + (ROW - 9) / 2 - 1, "w": NUMBER_WIDTH - 5, "text": f"{q['number']}"}
            )
            if q.get("digits"):
                unit = f"({format_number(q['points'])} pt)"
                labels.append({"x": x0 + NUMBER_WIDTH, "y": y0 + 3, "w": 120, "text": unit, "left": True})
        pages.append(
            {
                "page": page["page"],
                "pages": page["pages"],
                "version": page["version"],
                "size": page["size"],
                "qr": {"box": data["qr_box"], "side": side, "runs": runs},
                "labels": labels,
                "bubbles": page["bubbles"],
                "grids": [
                    _grid_frame(numbers[row["question"]], row["box"])
                    for row in page["rows"]
                    if numbers[row["question"]].get("digits")
                ],
            }
        )
    return {
        "title": data["title"],
        "quiz": data["quiz"],
        "paper": data["paper"],
        "student_digits": data["student_digits"],
        "how_to_mark": HOW_TO_MARK,
        "how_to_cancel": HOW_TO_CANCEL,
        "teacher_note": TEACHER_NOTE,
        "markers": [
            {"box": m["box"], "side": marker_modules(m["id"])[0], "runs": marker_modules(m["id"])[1]}
            for m in data["markers"]
        ],
        "pages": pages,
    }


def _grid_frame(q: Json, box: Sequence[float]) -> Json:
    before, after = q["digits"]
    x = box[0] + NUMBER_WIDTH
    return {
        "x": x, "y": box[1] + 2, "before": before, "after": after, "pitch": PITCH,
        "height": 12 * DIGIT_PITCH,
    }  # fmt: skip


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
