"""Synthetic scans for the grading tests: a printed sheet, filled as people fill them, then degraded.

Everything is drawn with OpenCV on the sheet PDF rasterised by pypdfium2, so the grader
reads the real printed page, not a picture drawn to suit it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

Image = Any
Box = Sequence[float]

# How people fill a bubble. `clear` marks must be read as marked; `faint` ones as empty
# or unsure; `ambiguous` ones as marked or unsure -- never as the opposite with confidence.
CLEAR = ("solid", "pencil")
AMBIGUOUS = ("tick", "half")
FAINT = ("erased",)


def rasterise(pdf: bytes, dpi: int) -> list[Image]:
    """Each page of a PDF as a grey image at `dpi`."""
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for i in range(len(doc)):
        arr = doc[i].render(scale=dpi / 72, grayscale=True).to_numpy()
        pages.append(np.ascontiguousarray(arr[..., 0] if arr.ndim == 3 else arr))
    doc.close()
    return pages


def _px(box: Box, dpi: int) -> tuple[float, float, float, float]:
    s = dpi / 72
    return box[0] * s, box[1] * s, box[2] * s, box[3] * s


def mark(img: Image, box: Box, style: str, dpi: int, rng: np.random.Generator) -> None:
    """Draw one mark of `style` in the bubble at `box` (PDF points), in place."""
    x0, y0, x1, y1 = _px(box, dpi)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
    s = dpi / 72
    centre = (round(cx), round(cy))
    if style == "solid":
        # a pen fills a little past the outline, not quite evenly
        cv2.ellipse(img, centre, (round(rx * 1.05), round(ry * 1.0)), rng.uniform(0, 30), 0, 360, 25, -1)
    elif style == "pencil":
        layer = np.full(img.shape, 255, np.uint8)
        cv2.ellipse(layer, centre, (round(rx * 0.95), round(ry * 0.95)), 0, 0, 360, 120, -1)
        grain = rng.normal(0, 18, img.shape)
        layer = np.where(layer < 255, np.clip(layer + grain, 60, 200), 255).astype(np.uint8)
        np.minimum(img, layer, out=img)
    elif style == "tick":
        pts = np.array([(cx - rx * 0.6, cy), (cx - rx * 0.1, cy + ry * 0.55), (cx + rx * 0.7, cy - ry * 0.7)])
        cv2.polylines(img, [np.round(pts).astype(np.int32)], False, 30, max(1, round(1.2 * s)))
    elif style == "half":
        cv2.ellipse(img, centre, (round(rx * 0.95), round(ry * 0.95)), 0, 0, 180, 30, -1)
    elif style == "erased":
        layer = np.full(img.shape, 255, np.uint8)
        cv2.ellipse(layer, centre, (round(rx), round(ry)), 0, 0, 360, 228, -1)
        np.minimum(img, layer, out=img)
    elif style == "tickbox":  # a teacher's tick in a score or cancel box
        pts = np.array([(x0 + rx * 0.3, cy), (cx - rx * 0.1, y1 - ry * 0.3), (x1 - rx * 0.1, y0 - ry * 0.4)])
        cv2.polylines(img, [np.round(pts).astype(np.int32)], False, 30, max(1, round(1.4 * s)))
    else:  # pragma: no cover - a typo in a test
        raise ValueError(style)


def stray(img: Image, left: Box, right: Box, dpi: int) -> None:
    """A pen stroke in the gap between two bubbles of a row."""
    a, b = _px(left, dpi), _px(right, dpi)
    y = round((a[1] + a[3]) / 2 + (a[3] - a[1]) * 0.1)
    cv2.line(img, (round(a[2] + 1), y - 2), (round(b[0] - 1), y + 2), 30, max(1, round(dpi / 72)))


# -- degradations ----------------------------------------------------------------------------


def rotate(img: Image, degrees: float) -> Image:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), borderValue=235)


def phone(img: Image, strength: float = 0.08) -> Image:
    """A photo taken from above and a little to one side: the page's far edge shrinks."""
    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    d = strength
    dst = np.float32([[w * d, h * d * 0.5], [w * (1 - d * 0.4), 0], [w, h], [0, h * (1 - d * 0.3)]])
    m = cv2.getPerspectiveTransform(src, dst)
    pad = 80
    m = np.array([[1, 0, pad], [0, 1, pad], [0, 0, 1]]) @ m
    return cv2.warpPerspective(img, m, (w + 2 * pad, h + 2 * pad), borderValue=90)


def blur(img: Image, sigma: float = 1.2) -> Image:
    return cv2.GaussianBlur(img, (0, 0), sigma)


def noise(img: Image, rng: np.random.Generator, sigma: float = 12) -> Image:
    return np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def jpeg(img: Image, quality: int = 50) -> Image:
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def shadow(img: Image, depth: float = 0.45) -> Image:
    """A soft shadow across the page (a hand or a phone held over it)."""
    h, w = img.shape
    yy, xx = np.mgrid[0:h, 0:w]
    band = np.exp(-(((xx * 0.6 + yy * 0.8) - 0.55 * (w * 0.6 + h * 0.8)) ** 2) / (2 * (0.12 * h) ** 2))
    light = 1.0 - depth * band
    return np.clip(img * light, 0, 255).astype(np.uint8)


def grey_paper(img: Image, paper: int = 215, ink: int = 60) -> Image:
    """A scanner that makes white paper grey and black ink dark grey."""
    return (ink + img.astype(np.float32) * (paper - ink) / 255).astype(np.uint8)


def angle_deg(a: float) -> float:
    return math.degrees(a)


# -- filling a whole sheet -----------------------------------------------------------------------

# What a student does on a single-answer question, and what the grader may answer for it:
# the intended letter, "" (nothing marked) or None (listed for review). Anything else is
# a wrong answer reported with confidence.
SINGLE_SCENARIOS: dict[str, set[str | None]] = {
    "solid": {"="},
    "pencil": {"="},
    "solid+stray": {"="},
    "tick": {"=", None},
    "half": {"=", None},
    "solid+erased": {"=", None},
    "erased": {"", None},
    "double": {None},
    "cancel": {None},
    "blank": {""},
}
MULTI_SCENARIOS: dict[str, set[str | None]] = {"solid2": {"="}, "pencil2": {"="}, "solid+tick": {"=", None}}


def fill(
    img: Image,
    page: dict[str, Any],
    questions: list[dict[str, Any]],
    student: str,
    dpi: int,
    rng: np.random.Generator,
    offset: int = 0,
) -> dict[int, tuple[str, set[str | None]]]:
    """Fill one sheet page; returns, per question on it, (scenario, acceptable readings)."""
    bubbles = page["bubbles"]
    for b in bubbles:
        if b["field"] == "student" and b["column"] < len(student) and student[b["column"]] == b["value"]:
            mark(img, b["box"], "solid", dpi, rng)
    numbers = sorted({b["question"] for b in bubbles if b["question"] is not None})
    by_number = {q["number"]: q for q in questions}
    singles, multis = list(SINGLE_SCENARIOS), list(MULTI_SCENARIOS)
    expected: dict[int, tuple[str, set[str | None]]] = {}
    for k, n in enumerate(numbers):
        q = by_number[n]
        mine = [b for b in bubbles if b["question"] == n and b["field"] in ("answer", "score")]
        cancel = [b for b in bubbles if b["question"] == n and b["field"] == "cancel"]
        if q["field"] == "score":
            value = mine[min(1, len(mine) - 1)]
            mark(img, value["box"], "tickbox", dpi, rng)
            expected[n] = ("score", {value["value"]})
            continue
        if q.get("digits"):
            before, after = q["digits"]
            text = f"{q['answer']:.{after}f}".replace(".", "").rjust(before + after)
            for b in mine:
                if text[b["column"]] == b["value"]:
                    mark(img, b["box"], "solid", dpi, rng)
            expected[n] = ("digits", {f"{q['answer']:.{after}f}"})
            continue
        order = [int(i) for i in rng.permutation(len(mine))]
        if q["kind"] == "multi":
            scenario = multis[(k + offset) % len(multis)]
            first, second = sorted(order[:2])
            style = {
                "solid2": ("solid", "solid"),
                "pencil2": ("pencil", "pencil"),
                "solid+tick": ("solid", "tick"),
            }
            mark(img, mine[first]["box"], style[scenario][0], dpi, rng)
            mark(img, mine[second]["box"], style[scenario][1], dpi, rng)
            both = mine[first]["value"] + mine[second]["value"]
            # a tick is never dropped silently: "=" (both) or review, not the solid one alone
            expected[n] = (scenario, {both if r == "=" else r for r in MULTI_SCENARIOS[scenario]})
            continue
        scenario = singles[(k + offset) % len(singles)]
        intended, other = mine[order[0]], mine[order[1]]
        if scenario in ("solid", "pencil", "tick", "half", "erased"):
            mark(img, intended["box"], scenario, dpi, rng)
        elif scenario == "solid+stray":
            mark(img, intended["box"], "solid", dpi, rng)
            a, b = sorted([order[1], order[1] + 1 if order[1] + 1 < len(mine) else order[1] - 1])
            stray(img, mine[a]["box"], mine[b]["box"], dpi)
        elif scenario == "solid+erased":
            mark(img, intended["box"], "solid", dpi, rng)
            mark(img, other["box"], "erased", dpi, rng)
        elif scenario == "double":
            mark(img, intended["box"], "solid", dpi, rng)
            mark(img, other["box"], "solid", dpi, rng)
        elif scenario == "cancel":
            mark(img, other["box"], "solid", dpi, rng)
            mark(img, intended["box"], "solid", dpi, rng)
            mark(img, cancel[0]["box"], "tickbox", dpi, rng)
        ok = {intended["value"] if r == "=" else r for r in SINGLE_SCENARIOS[scenario]}
        expected[n] = (scenario, ok)
    return expected


def upside_down(img: Image) -> Image:
    return cv2.rotate(img, cv2.ROTATE_180)


def to_pdf(images: Sequence[Image], dpi: int) -> bytes:
    """A scanner's PDF: each image a JPEG page at `dpi`."""
    import io
    import tempfile
    from pathlib import Path

    pdf = pdfium.PdfDocument.new()
    with tempfile.TemporaryDirectory() as tmp:
        for i, img in enumerate(images):
            path = Path(tmp) / f"{i}.jpg"
            cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 85])
            w, h = img.shape[1] * 72 / dpi, img.shape[0] * 72 / dpi
            page = pdf.new_page(w, h)
            obj = pdfium.PdfImage.new(pdf)
            obj.load_jpeg(str(path), inline=True)
            obj.set_matrix(pdfium.PdfMatrix().scale(w, h))
            page.insert_obj(obj)
            page.gen_content()
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue()


Degrade = Callable[[Any, np.random.Generator], Any]

# (name, dpi, degradation): the scans and photos a teacher brings back.
DEGRADED: list[tuple[str, int, Degrade]] = [
    ("clean 150 dpi", 150, lambda im, r: im),
    ("clean 300 dpi", 300, lambda im, r: im),
    ("rotated 10 degrees", 200, lambda im, r: rotate(im, 10)),
    ("rotated -6 degrees, fed upside down", 200, lambda im, r: upside_down(rotate(im, -6))),
    ("phone perspective", 200, lambda im, r: phone(im, 0.1)),
    ("blurred 150 dpi", 150, lambda im, r: blur(im, 1.6)),
    ("noisy", 200, lambda im, r: noise(im, r, 18)),
    ("JPEG quality 50", 150, lambda im, r: jpeg(im, 50)),
    ("shadow across the page", 200, lambda im, r: shadow(im, 0.5)),
    ("grey scanner", 150, lambda im, r: grey_paper(im)),
    (
        "phone photo: tilted, perspective, shadow, blur, noise, JPEG 50",
        150,
        lambda im, r: jpeg(noise(blur(shadow(phone(rotate(im, -8), 0.08)), 1.0), r, 8)),
    ),
    (
        "300 dpi photo: perspective, shadow, JPEG 50",
        300,
        lambda im, r: jpeg(shadow(phone(im, 0.06))),
    ),
]
