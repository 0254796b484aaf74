"""The review picture of a scanned page: the straightened page with what was read drawn on it,
and below it, in words, everything a person must look at.

- a frame round each mark read: green marked, orange unsure;
- the key: a blue ring round each keyed bubble, and beside each question a green tick
  (full points), a red cross (none) or the points earned (partial);
- a red frame round a question under review, its number and reason listed below;
- a sheet-level problem (blank, a number on two sheets, a missing page, a mixed-up
  version, an unclear number): a thick red border round the whole page, and the reason
  first in the list below, in red.

OpenCV's fonts are ASCII only, so reasons are drawn with ASCII quotes and dashes.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

from quizgen.grading.scan import SCALE, PageScan, layout_page
from quizgen.grading.score import Review, Sheet, questions_of, shown_name

Json = dict[str, Any]

RED = (40, 40, 220)  # BGR
GREEN = (40, 170, 40)
ORANGE = (0, 140, 255)
BLUE = (210, 120, 30)
DARK = (40, 40, 40)
FONT_SCALE = 0.6
LINE = 26  # pixels per line of the list below the page
WRAP = 92  # characters per line of the list
BORDER = 10  # pixels of the red border of a page with a sheet-level problem


def ascii_text(text: str) -> str:
    """What OpenCV can draw: curly quotes, dashes and accents made plain."""
    swaps = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
    text = "".join(swaps.get(c, c) for c in text)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c if c.isprintable() else "?" for c in plain)


def _lines(scan: PageScan, sheet: Sheet | None, loose: Sequence[Review]) -> list[tuple[str, Any]]:
    """The list below the page: (text, colour), sheet problems first."""
    here = (scan.file, scan.index)
    problems = list(loose) + ([r for r in sheet.problems if (r.file, r.index) == here] if sheet else [])
    questions = [r for r in sheet.reviews if r.question and (r.file, r.index) == here] if sheet else []
    out: list[tuple[str, Any]] = []
    if sheet is None:
        head = f"{shown_name(scan.file)} page {scan.index}: not scored"
    else:
        head = (
            f"student {sheet.student or '?'}   version {sheet.version}"
            + (f" (sheet {sheet.printed})" if sheet.printed else "")
            + f"   page {scan.page}   score {sheet.score:g} of {sheet.max:g}"
            + (f", {len(sheet.pending)} question(s) to review" if sheet.pending else "")
        )
    out.append((head, RED if problems or questions else GREEN))
    for r in problems:
        for i, part in enumerate(textwrap.wrap(ascii_text(f"SHEET PROBLEM: {r.reason}"), WRAP)):
            out.append((part if i == 0 else "    " + part, RED))
    for r in sorted(questions, key=Review.sort_key):
        for i, part in enumerate(textwrap.wrap(ascii_text(f"question {r.question}: {r.reason}"), WRAP)):
            out.append((part if i == 0 else "    " + part, RED))
    if sheet is not None and not problems and not questions:
        out.append(("nothing to review on this page", GREEN))
    if sheet is not None:
        out.extend((part, DARK) for part in textwrap.wrap(LEGEND, WRAP))
    return out


LEGEND = (
    "blue ring: the key   tick: right   cross: wrong   number: points of a partial answer   "
    "green frame: a mark read   orange: unsure   red: to review"
)


def _tick(img: Any, x: int, y: int, colour: Any) -> None:
    import cv2

    cv2.polylines(img, [_pts([(x, y), (x + 6, y + 7), (x + 16, y - 8)])], False, colour, 3)


def _cross(img: Any, x: int, y: int, colour: Any) -> None:
    import cv2

    cv2.line(img, (x, y - 7), (x + 14, y + 7), colour, 3)
    cv2.line(img, (x, y + 7), (x + 14, y - 7), colour, 3)


def _pts(points: list[tuple[int, int]]) -> Any:
    import numpy as np

    return np.array(points, np.int32).reshape(-1, 1, 2)


def _key_values(q: Json) -> set[str]:
    answer = q.get("answer")
    if q.get("field") != "answer" or q.get("digits") or answer is None:
        return set()
    return set(answer) if isinstance(answer, list) else {str(answer)}


def review_image(scan: PageScan, layout: Json, sheet: Sheet | None, loose: Sequence[Review] = ()) -> bytes:
    """A PNG of the straightened page with what was read, the key and every reason drawn on it."""
    import cv2
    import numpy as np

    page = cv2.cvtColor(scan.image, cv2.COLOR_GRAY2BGR)
    spec = layout_page(layout, scan.version, scan.page) if scan.version else None
    if spec is not None and scan.states:
        _draw_marks(page, spec, scan, sheet, layout)
    lines = _lines(scan, sheet, loose)
    problem = bool(loose) or any(
        (r.file, r.index) == (scan.file, scan.index) for r in (sheet.problems if sheet else [])
    )
    if problem:
        cv2.rectangle(page, (0, 0), (page.shape[1] - 1, page.shape[0] - 1), RED, BORDER * 2)
    panel = np.full((LINE * len(lines) + 24, page.shape[1], 3), 255, np.uint8)
    if problem:
        panel[:, :BORDER] = panel[:, -BORDER:] = RED
        panel[-BORDER:, :] = RED
    for i, (text, colour) in enumerate(lines):
        weight = 2 if i == 0 else 1
        cv2.putText(
            panel,
            text,
            (30, 30 + i * LINE),
            cv2.FONT_HERSHEY_SIMPLEX,
            FONT_SCALE,
            colour,
            weight,
            cv2.LINE_AA,
        )
    ok, data = cv2.imencode(".png", np.vstack([page, panel]))
    assert ok
    return bytes(np.asarray(data).tobytes())


def _draw_marks(img: Any, spec: Json, scan: PageScan, sheet: Sheet | None, layout: Json) -> None:
    import cv2

    pending = set(sheet.pending) if sheet else set()
    # the key the sheet is scored by: its own, or the version the teacher decided on
    printed = {q["number"]: q for q in questions_of(layout, sheet.version if sheet else scan.version)}
    colours = {"marked": GREEN, "unsure": ORANGE}
    for b, state in zip(spec["bubbles"], scan.states, strict=True):
        x0, y0, x1, y1 = (round(v * SCALE) for v in b["box"])
        q = printed.get(b["question"]) if b["question"] is not None else None
        if q is not None and b["field"] == "answer" and b["value"] in _key_values(q):
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            cv2.circle(img, (cx, cy), (x1 - x0) // 2 + 7, BLUE, 2)
        if state != "empty":
            cv2.rectangle(img, (x0 - 3, y0 - 3), (x1 + 3, y1 + 3), colours[state], 2)
    scored = questions_of(layout, sheet.version) if sheet else []
    points = {q["number"]: float(q["points"]) for q in scored}
    # the middle of each question's first bubble or box: its mark goes level with it
    middle: dict[int, int] = {}
    for b in spec["bubbles"]:
        if b["question"] is not None and b["field"] != "cancel":
            middle.setdefault(b["question"], round((b["box"][1] + b["box"][3]) / 2 * SCALE))
    for row in spec["rows"]:
        n = row["question"]
        x0, y0, x1, y1 = (round(v * SCALE) for v in row["box"])
        mid = middle.get(n, y0 + 18)
        if n in pending:
            # a row's box has its height (older layouts: none, so a bubble row's 17 pt)
            cv2.rectangle(img, (x0 - 4, y0), (x1, max(y1, y0 + round(17 * SCALE))), RED, 3)
            cv2.putText(img, f"?{n}", (max(0, x0 - 44), mid + 6), cv2.FONT_HERSHEY_SIMPLEX, 0.6, RED, 2)
            continue
        if sheet is None or sheet.points.get(n) is None:
            continue
        got, full = sheet.points[n] or 0.0, points.get(n, 0.0)
        x, y = max(0, x0 - 24), mid - 2
        if full and got >= full - 1e-9:
            _tick(img, x, y, GREEN)
        elif got <= 1e-9:
            _cross(img, x, y, RED)
        else:
            cv2.putText(img, f"{got:g}", (max(0, x0 - 34), mid + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, ORANGE, 2)
