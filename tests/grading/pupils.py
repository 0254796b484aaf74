"""What real pupils draw on an answer sheet, and what a real page does, drawn with OpenCV.

Sizes are in millimetres on paper (a bubble is 3.9 mm), so a mark looks the same at any
dpi. Every function draws in place on a grey page image at `dpi` or returns a new image.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from tests.grading import synth

Image = Any
Box = Sequence[float]
Expected = dict[int, tuple[str, set[str | None]]]
# How a pupil marks a single-answer question, in turn down the sheet
SINGLE_STYLES = (
    "pen",
    "pencil",
    "circle",
    "dot",
    "tick",
    "cross",
    "partial",
    "erased+pen",
    "erased",
    "blank",
)


def _centre(box: Box, dpi: int) -> tuple[float, float, float]:
    s = dpi / 72
    return (box[0] + box[2]) / 2 * s, (box[1] + box[3]) / 2 * s, (box[2] - box[0]) / 2 * s


def _mm(mm: float, dpi: int) -> float:
    return mm / 25.4 * dpi


def circle(img: Image, box: Box, dpi: int, rng: np.random.Generator, scale: float = 1.35) -> None:
    """A loop drawn round the bubble (1.2-1.55x its size), not quite closed, not quite round."""
    cx, cy, r = _centre(box, dpi)
    start = rng.uniform(0, 360)
    pts = []
    for t in np.linspace(0, 2 * math.pi * 0.95, 40):
        wobble = 1 + 0.04 * math.sin(3 * t + start)
        pts.append(
            (
                cx + r * scale * wobble * math.cos(t + start),
                cy + r * scale * 0.95 * wobble * math.sin(t + start),
            )
        )
    cv2.polylines(
        img, [np.round(pts).astype(np.int32)], False, 40, max(1, round(_mm(0.35, dpi))), cv2.LINE_AA
    )


def dot(img: Image, box: Box, dpi: int, rng: np.random.Generator, mm: float = 1.2) -> None:
    """A hesitation mark: a dot of `mm` across, near the middle of the bubble."""
    cx, cy, r = _centre(box, dpi)
    dx, dy = rng.uniform(-0.25, 0.25, 2) * r
    cv2.circle(img, (round(cx + dx), round(cy + dy)), max(1, round(_mm(mm, dpi) / 2)), 35, -1, cv2.LINE_AA)


def tick(img: Image, box: Box, dpi: int, rng: np.random.Generator) -> None:
    """A tick whose long stroke leaves the bubble."""
    cx, cy, r = _centre(box, dpi)
    pts = np.array([(cx - r * 0.7, cy), (cx - r * 0.1, cy + r * 0.6), (cx + r * 1.4, cy - r * 1.3)])
    cv2.polylines(
        img, [np.round(pts).astype(np.int32)], False, 35, max(1, round(_mm(0.35, dpi))), cv2.LINE_AA
    )


def cross(img: Image, box: Box, dpi: int, rng: np.random.Generator) -> None:
    """A cross over the bubble, its strokes running out of it."""
    cx, cy, r = _centre(box, dpi)
    k = r * rng.uniform(1.1, 1.4)
    width = max(1, round(_mm(0.35, dpi)))
    for a, b in (((cx - k, cy - k), (cx + k, cy + k)), ((cx - k, cy + k), (cx + k, cy - k))):
        cv2.line(img, (round(a[0]), round(a[1])), (round(b[0]), round(b[1])), 35, width, cv2.LINE_AA)


def fill(
    img: Image, box: Box, dpi: int, rng: np.random.Generator, grey: int = 30, share: float = 1.0
) -> None:
    """A fill of the bubble in ink of `grey` (30 a pen, 110-150 a pencil), over `share` of it
    (a partial fill leaves the rest of the bubble white, a scribble's edge)."""
    cx, cy, r = _centre(box, dpi)
    layer = np.full(img.shape, 255, np.uint8)
    cv2.ellipse(
        layer,
        (round(cx), round(cy)),
        (round(r * 0.97), round(r * 0.95)),
        rng.uniform(0, 30),
        0,
        360,
        grey,
        -1,
    )
    if share < 1.0:
        cut = round(cy - r + 2 * r * share)
        layer[cut:, :] = 255
    if grey > 60:  # pencil grain
        grain = rng.normal(0, 14, img.shape)
        layer = np.where(layer < 255, np.clip(layer + grain, grey - 40, min(255, grey + 45)), 255).astype(
            np.uint8
        )
    np.minimum(img, layer, out=img)


def erased(img: Image, box: Box, dpi: int, rng: np.random.Generator) -> None:
    """What is left of a pencil fill after a good rubber."""
    fill(img, box, dpi, rng, grey=232)


def write_digit(img: Image, box: Box, digit: str, dpi: int) -> None:
    """A digit written in the write-in box above a student-number column (whose first
    bubble is `box`): the box is printed about 3.5-18 pt above it."""
    s = dpi / 72
    x = round((box[0] + 1.5) * s)
    y = round((box[1] - 6) * s)
    cv2.putText(
        img, digit, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.28 * s, 30, max(1, round(0.6 * s)), cv2.LINE_AA
    )


# -- the page -------------------------------------------------------------------------------------


def fold(img: Image, degrees: float, at: float = 0.5, vertical: bool = False) -> Image:
    """A photo of a sheet folded across the middle and not flattened: the part beyond the fold
    is tilted by `degrees` towards the camera, so it looks shorter (and is drawn so)."""
    h, w = img.shape
    if vertical:
        return np.ascontiguousarray(fold(img.T, degrees, at).T)
    line = round(h * at)
    squash = math.cos(math.radians(degrees))
    lower = img[line:]
    new_h = max(1, round(lower.shape[0] * squash))
    # the tilted half also comes nearer the camera: a little wider at its far edge
    src = np.float32([[0, 0], [w, 0], [w, lower.shape[0]], [0, lower.shape[0]]])
    grow = math.sin(math.radians(degrees)) * 0.03 * w
    dst = np.float32([[0, 0], [w, 0], [w + grow, new_h], [-grow, new_h]])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(lower, m, (w, new_h), borderValue=235)
    out = np.full((line + new_h, w), 235, np.uint8)
    out[:line] = img[:line]
    out[line:] = warped
    return out


def bow(img: Image, mm: float, dpi: int) -> Image:
    """A page that does not lie flat: a sine-shaped displacement of up to `mm`, largest mid-page."""
    h, w = img.shape
    amp = _mm(mm, dpi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    shift = amp * np.sin(np.pi * xx / w) * np.sin(np.pi * yy / h)
    return cv2.remap(img, xx, (yy - shift).astype(np.float32), cv2.INTER_LINEAR, borderValue=235)


def scaled(img: Image, share: float) -> Image:
    """A "fit to page" print: the whole page shrunk to `share`, centred on the same paper."""
    h, w = img.shape
    small = cv2.resize(img, None, fx=share, fy=share, interpolation=cv2.INTER_AREA)
    out = np.full((h, w), 255, np.uint8)
    y, x = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    out[y : y + small.shape[0], x : x + small.shape[1]] = small
    return out


def side_by_side(a: Image, b: Image) -> Image:
    """Two sheets photographed together, on a table."""
    h = max(a.shape[0], b.shape[0])
    out = np.full((h + 60, a.shape[1] + b.shape[1] + 90), 120, np.uint8)
    out[30 : 30 + a.shape[0], 30 : 30 + a.shape[1]] = a
    out[30 : 30 + b.shape[0], 60 + a.shape[1] : 60 + a.shape[1] + b.shape[1]] = b
    return out


# -- a whole sheet -----------------------------------------------------------------------------------


def questions_of(layout: dict[str, Any], version: str) -> list[dict[str, Any]]:
    return next(v["questions"] for v in layout["versions"] if v["version"] == version)


def fill_sheet(
    layout: dict[str, Any],
    image: Any,
    k: int,
    styles: tuple[str, ...],
    student: str = "123456",
    seed: int = 0,
    ink: int = 30,
    dpi: int = 150,
) -> Expected:
    """Fill sheet page k as a pupil would: the key, drawn in `styles` in turn; returns per
    question (style, what may be read: an answer, "" for blank or None for review)."""
    rng = np.random.default_rng(seed)
    spec = layout["pages"][k]
    bubbles = spec["bubbles"]
    for b in bubbles:
        if b["field"] == "student" and b["column"] < len(student) and student[b["column"]] == b["value"]:
            fill(image, b["box"], dpi, rng, grey=ink)
    out: Expected = {}
    numbers = sorted({b["question"] for b in bubbles if b["question"] is not None})
    by_number = {q["number"]: q for q in questions_of(layout, spec["version"])}
    turn = 0
    for n in numbers:
        q = by_number[n]
        mine = [b for b in bubbles if b["question"] == n and b["field"] in ("answer", "score")]
        if q["field"] == "score":
            synth.mark(image, mine[1]["box"], "tickbox", dpi, rng)
            out[n] = ("score", {mine[1]["value"]})
            continue
        if q.get("digits"):
            before, after = q["digits"]
            text = f"{q['answer']:.{after}f}".replace(".", "").rjust(before + after)
            for b in mine:
                if text[b["column"]] == b["value"]:
                    fill(image, b["box"], dpi, rng, grey=ink)
            out[n] = ("digits", {f"{q['answer']:.{after}f}"})
            continue
        if q["kind"] == "multi":
            keys = [b for b in mine if b["value"] in q["answer"]]
            for b in keys:
                fill(image, b["box"], dpi, rng, grey=ink)
            out[n] = ("multi", {"".join(b["value"] for b in keys)})
            continue
        style = styles[turn % len(styles)]
        turn += 1
        key = next(b for b in mine if b["value"] == q["answer"])
        other = next(b for b in mine if b["value"] != q["answer"])
        answer = key["value"]
        if style in ("pen", "pencil"):
            fill(image, key["box"], dpi, rng, grey=ink if style == "pen" else int(rng.integers(110, 150)))
            ok: set[str | None] = {answer}
        elif style == "circle":
            circle(image, key["box"], dpi, rng, float(rng.uniform(1.2, 1.55)))
            ok = {None}
        elif style == "dot":
            dot(image, key["box"], dpi, rng, float(rng.uniform(0.9, 1.8)))
            ok = {None}
        elif style == "tick":
            tick(image, key["box"], dpi, rng)
            ok = {answer, None}
        elif style == "cross":
            cross(image, key["box"], dpi, rng)
            ok = {answer, None}
        elif style == "partial":
            fill(image, key["box"], dpi, rng, grey=ink, share=float(rng.uniform(0.5, 0.8)))
            ok = {answer, None}
        elif style == "erased+pen":
            erased(image, other["box"], dpi, rng)
            fill(image, key["box"], dpi, rng, grey=ink)
            ok = {answer}
        elif style == "erased":
            erased(image, key["box"], dpi, rng)
            ok = {""}
        else:
            ok = {""}
        out[n] = (style, ok)
    return out
