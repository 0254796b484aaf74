"""Synthetic scans for the grading tests: a printed sheet, filled as people fill them, then degraded.

Everything is drawn with OpenCV on the sheet PDF rasterised by pypdfium2, so the grader
reads the real printed page, not a picture drawn to suit it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
