"""Reading scanned answer sheets: find the page, put it straight, measure every bubble.

For each scanned page (a page of a scanner's PDF, or a photo):

1. find the four ArUco corner markers (any three will do) and map the page onto the
   layout's coordinates with one homography: rotation, upside-down feeding and a phone's
   perspective all come out of it;
2. read the QR code in its known place on the straightened page: quiz id, version, page.
   When OpenCV cannot decode it (blur, a fold), the code's modules are sampled where they
   must be and compared with the codes this quiz printed; only a clear winner is taken;
3. measure each bubble's fill against the page's own levels: the paper's brightness around
   it (so a shadow across the page does not read as ink) and the ink of the corner markers
   (so a grey scan or a pale photo is scaled to its own black);
4. find each row of bubbles by its printed outlines (`marks.register`): a fold, a bow or a
   sheet printed for another paper size is seen there, read where found or refused;
5. call each bubble marked, empty or unsure against the sheet's own ink level, and note ink
   that is not a fill (a loop round it, a small mark in it: `marks.extra_ink`). Unsure is
   never rounded either way.

Numbers here are in pixels of the straightened page, SCALE pixels per PDF point.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# A grey image (a numpy array of uint8, rows by columns). numpy and OpenCV are imported
# inside the functions, so the name stays loose here.
Image = Any
Json = dict[str, Any]
State = Literal["marked", "empty", "unsure"]

SCALE = 2.0  # pixels per point of the straightened page (144 dpi): bubbles are 22 px across
PDF_DPI = 200  # scanned PDFs are rasterised at this resolution
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})
# Markers are searched for on a copy of the scan at most this many pixels high (they are
# still ~45 px wide there), then their corners are refined on the full image: detection
# costs what the small copy costs, precision is the full image's.
DETECT_SIDE = 1100

# A bubble's fill is the mean darkness (0 paper .. 1 the markers' ink) of its inner part,
# above the page's empty-bubble level (the printed letter and outline). Between the two
# thresholds the bubble is unsure. Measured on the synthetic marks of tests/grading at 150
# and 300 dpi, through blur, noise, JPEG, shadow and perspective: empty bubbles read
# -0.05..0.03, an erased mark up to 0.10, a tick 0.23-0.29, a half-filled bubble 0.32-0.40,
# a light pencil 0.43-0.47 and a solid pen 0.81-0.84.
BUBBLE_MARKED = 0.38
BUBBLE_EMPTY = 0.18
# Score and cancel boxes are ticked, not filled: a tick reads 0.31-0.46, an empty box
# -0.02..0.03.
TICK_MARKED = 0.13
TICK_EMPTY = 0.055
INNER = 0.72  # the part of a bubble measured, as a share of its size (leaves out the outline)
# Adaptive level: a sheet's own ink is the median fill of its bubbles reading at least
# LEVEL_FLOOR (when it has LEVEL_MARKS of them); a bubble is then marked from
# LEVEL_SHARE of that level, never below LEVEL_FLOOR nor above BUBBLE_MARKED. A pen sheet
# (level ~0.8) keeps 0.38; a light pencil hand (level ~0.45) is read from 0.26, which
# erased residue (<= 0.10) and an empty bubble (<= 0.03) stay far below.
LEVEL_FLOOR = 0.26
LEVEL_MARKS = 4
LEVEL_SHARE = 0.6
# A fill covers the bubble: at least this share of its inner part is dark (> 0.5). A dot,
# a tick or a half fill with a high mean is a mark to look at, not a fill.
COVER_MARKED = 0.7  # of pixels darker than marks.COVER_INK
# A bubble covered all over (a pencil fill on a pen sheet) is a fill from LEVEL_FLOOR
# whatever the sheet's level: dots, ticks and crosses (fill 0.11-0.33) cover at most 0.64.
COVER_FILL = 0.85
# Bounds on what is decoded: a scan is at most MAX_PIXELS (A4 at 600 dpi is 35 Mpx), so a
# decompression bomb or a huge PDF page is refused before it takes memory.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class PageScan:
    """One scanned page as read. `fills` and `states` follow the layout page's bubbles."""

    file: str
    index: int  # 1-based page (or frame) in the file
    version: str = ""
    page: int = 0
    fills: tuple[float, ...] = ()
    states: tuple[State, ...] = ()
    marks: tuple[str, ...] = ()  # per bubble: "" or "loop", "small" (ink not a fill), "off" (not found)
    written: tuple[int, ...] = ()  # student-number columns (0-based) with a digit written in their box
    level: float = 0.0  # the sheet's own ink: median fill of its confident marks (0 if too few)
    problem: str = ""  # why the page could not be read; empty when it was
    image: Any = field(default=None, compare=False, repr=False)  # the straightened page, for review

    @property
    def ok(self) -> bool:
        return not self.problem


# -- loading ------------------------------------------------------------------------------------


def load_pages(
    path: Path, dpi: int = PDF_DPI, only: int | None = None
) -> Iterator[tuple[int, Image | None, str]]:
    """(1-based index, grey image or None, problem) for each page of a PDF or an image file
    (or for page `only` of a PDF)."""
    import numpy as np

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
        except (pdfium.PdfiumError, OSError) as exc:
            yield 1, None, f"cannot read the PDF: {exc}"
            return
        try:
            for i in range(len(pdf)) if only is None else [only - 1]:
                page = pdf[i]
                w, h = page.get_size()
                if w * h * (dpi / 72) ** 2 > MAX_PIXELS:
                    yield (
                        i + 1,
                        None,
                        _too_big(f"{w / 72 * 25.4:.0f} x {h / 72 * 25.4:.0f} mm", w * h * (dpi / 72) ** 2),
                    )
                    page.close()
                    continue
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                arr = bitmap.to_numpy()
                yield i + 1, np.ascontiguousarray(arr[..., 0] if arr.ndim == 3 else arr), ""
                page.close()
        finally:
            pdf.close()
        return
    import cv2

    data = np.fromfile(str(path), dtype=np.uint8)
    size = image_size(data.tobytes()[:65536])
    if size and size[0] * size[1] > MAX_PIXELS:
        yield 1, None, _too_big(f"{size[0]} x {size[1]} pixels", size[0] * size[1])
        return
    try:
        if suffix in (".tif", ".tiff"):
            # every page of a multi-page TIFF (a sheet feeder's file)
            ok, frames = cv2.imdecodemulti(data, cv2.IMREAD_GRAYSCALE) if data.size else (False, [])
            images = list(frames) if ok else []
        else:
            one = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
            images = [] if one is None else [one]
    except cv2.error:
        images = []  # OpenCV refuses what is beyond its own bounds
    if not images:
        yield 1, None, "not an image or PDF quizgen can read"
    for i, img in enumerate(images):
        if only is None or only == i + 1:
            yield i + 1, img, ""


def _too_big(what: str, pixels: float) -> str:
    return (
        f"the page is {what} ({pixels / 1e6:.0f} megapixels to read); quizgen reads scans up to "
        f"{MAX_PIXELS // 1_000_000} megapixels (an A4 page at 600 dpi is 35): scan at 300 dpi"
    )


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG, BMP or WEBP header, without decoding; None if unknown."""
    import struct

    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24:
        w, h = struct.unpack(">II", head[16:24])
        return int(w), int(h)
    if head[:2] == b"BM" and len(head) >= 26:
        w, h = struct.unpack("<ii", head[18:26])
        return abs(int(w)), abs(int(h))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] == b"VP8X" and len(head) >= 30:
        w = int.from_bytes(head[24:27], "little") + 1
        h = int.from_bytes(head[27:30], "little") + 1
        return w, h
    if head[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                return None
            marker = head[i + 1]
            length = int.from_bytes(head[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", head[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + length
    return None


# -- finding the page ---------------------------------------------------------------------------


def _detector() -> Any:
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(dictionary, params)


_DETECTOR: list[Any] = []


def find_homography(gray: Image, layout: Json) -> tuple[Any, str]:
    """The homography from the scan to the layout page (pixels at SCALE), or a problem."""
    import cv2
    import numpy as np

    if not _DETECTOR:
        _DETECTOR.append(_detector())
    shrink = min(1.0, DETECT_SIDE / max(gray.shape))
    small = (
        gray if shrink == 1.0 else cv2.resize(gray, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    )
    corners, ids, _ = _DETECTOR[0].detectMarkers(small)
    boxes = {m["id"]: m["box"] for m in layout["markers"]}
    src, dst, found = [], [], set()
    seen = [int(m) for m in ([] if ids is None else ids.ravel()) if int(m) in boxes]
    twice = sorted({m for m in seen if seen.count(m) > 1})
    if twice:
        return None, (
            f"corner marker {twice[0]} is on this page {seen.count(twice[0])} times: two sheets in one "
            "image? Scan each sheet on its own"
        )
    for quad, marker in zip(corners, [] if ids is None else ids.ravel(), strict=False):
        marker = int(marker)
        if marker not in boxes or marker in found:
            continue
        found.add(marker)
        x0, y0, x1, y1 = boxes[marker]
        src.extend(quad.reshape(4, 2) / shrink)
        dst.extend([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    if src and shrink < 1.0:
        points = np.array(src, np.float32).reshape(-1, 1, 2)
        window = max(2, round(1.5 / shrink))
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.05)
        src = list(cv2.cornerSubPix(gray, points, (window, window), (-1, -1), criteria).reshape(-1, 2))
    if len(found) < 3:
        return None, f"found {len(found)} of the 4 corner markers (need 3): is this a quizgen answer sheet?"
    h, _ = cv2.findHomography(np.array(src, np.float32), np.array(dst, np.float32) * SCALE, 0)
    if h is None:
        return None, "the corner markers do not fit a page"
    return h, ""


def straighten(gray: Image, homography: Any, size: Sequence[float]) -> Image:
    """The scan warped onto the layout page, SCALE pixels per point."""
    import cv2

    w, h = round(size[0] * SCALE), round(size[1] * SCALE)
    out: Image = cv2.warpPerspective(
        gray, homography, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    return out


def _crop(img: Image, box: Sequence[float], pad: float = 0.0) -> Image:
    x0, y0, x1, y1 = (round((v + d) * SCALE) for v, d in zip(box, (-pad, -pad, pad, pad), strict=True))
    h, w = img.shape[:2]
    return img[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]


def read_qr(page: Image, layout: Json) -> tuple[str, str]:
    """(QR text, how it was read) from the straightened page; ("", "") when unreadable."""
    import cv2

    crop = _crop(page, layout["qr_box"], pad=9)
    crop = cv2.copyMakeBorder(crop, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    detector = cv2.QRCodeDetector()
    for candidate in (crop, cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]):
        try:
            text, _, _ = detector.detectAndDecode(candidate)
        except cv2.error:
            text = ""
        if text:
            return text, "decoded"
    text = _match_qr(page, layout)
    return (text, "matched") if text else ("", "")


def _match_qr(page: Image, layout: Json) -> str:
    """The payload of the quiz's QR code whose modules best match the page, if one clearly does."""
    import numpy as np

    from quizgen.grading.sheetpdf import qr_modules

    x0, y0, x1, _ = layout["qr_box"]
    scores = []
    codes = {}
    for payload in dict.fromkeys(p["qr"] for p in layout["pages"]):
        side, runs = qr_modules(payload)
        expected = codes[payload] = np.zeros((side, side), dtype=bool)
        for x, y, n in runs:
            expected[y, x : x + n] = True
        cell = (x1 - x0) / side
        centres = (np.arange(side) + 0.5) * cell
        ys = np.clip(np.round((y0 + centres) * SCALE).astype(int), 0, page.shape[0] - 1)
        xs = np.clip(np.round((x0 + centres) * SCALE).astype(int), 0, page.shape[1] - 1)
        sample = page[np.ix_(ys, xs)].astype(float)
        dark = sample < (sample.max() + sample.min()) / 2
        scores.append((float(np.mean(dark != expected)), payload))
    scores.sort()
    best: str = scores[0][1] if scores else ""
    if not scores or scores[0][0] > 0.08:
        return ""
    if len(scores) > 1:
        # Two codes fit about as well when the page is 0.12 nearer neither, or for two codes
        # closer than 0.24 no nearer one than halfway between them: the codes of two pages of
        # a quiz may differ in only 8% of their modules, and a fixed 0.12 refused even a clean page.
        second = scores[1][1]
        apart = (
            float(np.mean(codes[best] != codes[second])) if codes[best].shape == codes[second].shape else 1.0
        )
        if scores[1][0] - scores[0][0] < max(0.02, min(0.12, 0.5 * apart)):
            return ""
    return best


# -- measuring ----------------------------------------------------------------------------------


def darkness(page: Image, layout: Json) -> Any:
    """Each pixel's darkness, 0 for the paper around it and 1 for the markers' ink.

    The paper level is the page's brightest nearby paper (a max filter on a small copy,
    so marks and printed lines drop out and a shadow stays in), and darkness is taken
    as reflectance against it, which a shadow multiplies away.
    """
    import cv2
    import numpy as np

    f = page.astype(np.float32)
    small = cv2.resize(f, None, fx=1 / 8, fy=1 / 8, interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((7, 7), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 2)
    paper = cv2.resize(paper, (f.shape[1], f.shape[0]), interpolation=cv2.INTER_LINEAR)
    reflect = f / np.maximum(paper, 1.0)
    ink = []
    for m in layout["markers"]:
        # The marker's one-module black frame, well inside its edges.
        x0, y0, x1, _ = m["box"]
        cell = (x1 - x0) / 6
        frame = _crop(reflect, (x0 + cell * 0.25, y0 + cell * 0.25, x1 - cell * 0.25, y0 + cell * 0.75))
        if frame.size:
            ink.append(float(np.median(frame)))
    r_ink = min(0.7, float(np.median(ink))) if ink else 0.2
    out = np.clip((1.0 - reflect) / (1.0 - r_ink), 0.0, 1.0)
    return out


def _masks() -> dict[tuple[int, int, bool], Any]:
    return {}


_MASKS = _masks()


def _mask(h: int, w: int, round_: bool) -> Any:
    import numpy as np

    key = (h, w, round_)
    mask = _MASKS.get(key)
    if mask is None:
        yy, xx = np.mgrid[0:h, 0:w]
        if round_:
            cy, cx = (h - 1) / 2, (w - 1) / 2
            mask = ((yy - cy) / (h / 2)) ** 2 + ((xx - cx) / (w / 2)) ** 2 <= 1.0
        else:
            mask = np.ones((h, w), dtype=bool)
        _MASKS[key] = mask
    return mask


def measure(dark: Any, bubbles: Sequence[Json]) -> list[float]:
    """The mean darkness of the inner part of each bubble."""
    fills = []
    for b in bubbles:
        x0, y0, x1, y1 = b["box"]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        hw, hh = (x1 - x0) * INNER / 2, (y1 - y0) * INNER / 2
        patch = _crop(dark, (cx - hw, cy - hh, cx + hw, cy + hh))
        if not patch.size:
            fills.append(0.0)
            continue
        mask = _mask(patch.shape[0], patch.shape[1], b["field"] in ("answer", "student"))
        fills.append(round(float(patch[mask].mean()), 3))
    return fills


def is_tick_box(b: Json) -> bool:
    """Score and cancel boxes are ticked; bubbles are filled."""
    return b["field"] in ("score", "cancel")


def ink_level(net: Sequence[float], bubbles: Sequence[Json]) -> float:
    """The sheet's own ink: the median net fill of its round bubbles that read as ink."""
    import numpy as np

    inked = [f for f, b in zip(net, bubbles, strict=True) if not is_tick_box(b) and f >= LEVEL_FLOOR]
    return round(float(np.median(inked)), 3) if len(inked) >= LEVEL_MARKS else 0.0


def marked_level(level: float) -> float:
    """Where a bubble starts to read as marked on a sheet whose own ink is `level`."""
    return BUBBLE_MARKED if not level else min(BUBBLE_MARKED, max(LEVEL_FLOOR, LEVEL_SHARE * level))


def classify(
    fills: Sequence[float], bubbles: Sequence[Json], cover: Sequence[float] | None = None
) -> tuple[list[float], list[State], float]:
    """(fill above the page's empty level, state) of each bubble, and the sheet's ink level.

    The empty level is the median fill of the page's bubbles (most bubbles are empty), or
    a low percentile of its tick boxes, so the printed letters and outlines count as paper.
    A round bubble is marked from the sheet's own level (`marked_level`) when its ink also
    covers it (`cover`, the share of its inner part that is dark).
    """
    import numpy as np

    ticks = [f for f, b in zip(fills, bubbles, strict=True) if is_tick_box(b)]
    rounds = [f for f, b in zip(fills, bubbles, strict=True) if not is_tick_box(b)]
    base_round = min(0.3, float(np.median(rounds))) if rounds else 0.0
    base_tick = min(0.1, float(np.percentile(ticks, 20))) if ticks else 0.0
    net = [
        round(f - (base_tick if is_tick_box(b) else base_round), 3)
        for f, b in zip(fills, bubbles, strict=True)
    ]
    level = ink_level(net, bubbles)
    bubble_marked = marked_level(level)
    states: list[State] = []
    for i, (value, b) in enumerate(zip(net, bubbles, strict=True)):
        tick = is_tick_box(b)
        marked, empty = (TICK_MARKED, TICK_EMPTY) if tick else (bubble_marked, BUBBLE_EMPTY)
        covered = tick or cover is None or cover[i] >= COVER_MARKED
        filled = not tick and cover is not None and cover[i] >= COVER_FILL and value >= LEVEL_FLOOR
        if (value >= marked and covered) or filled:
            states.append("marked")
        else:
            states.append("empty" if value < empty else "unsure")
    return net, states, level


def layout_page(layout: Json, version: str, page: int) -> Json | None:
    """The layout of one sheet page, if the quiz has it."""
    for p in layout["pages"]:
        if p["version"] == version and p["page"] == page:
            found: Json = p
            return found
    return None


def read_page(gray: Image, layout: Json, file: str, index: int, keep_image: bool = False) -> PageScan:
    """Read one scanned page against the layout."""
    from quizgen.grading.sheet import identity_mismatch, parse_qr

    h, problem = find_homography(gray, layout)
    if h is None:
        return PageScan(file, index, problem=problem)
    size = layout["pages"][0]["size"] if layout["pages"] else (595.28, 841.89)
    page = straighten(gray, h, size)
    text, _ = read_qr(page, layout)
    parsed = parse_qr(text) if text else None
    image = page if keep_image else None
    if parsed is None:
        why = "cannot read the QR code" if not text else f"the QR code is not a quizgen sheet's ('{text}')"
        return PageScan(file, index, problem=why, image=image)
    _, version, number = parsed
    mismatch = identity_mismatch(text, layout)  # another quiz, paper size or sheet options
    if mismatch:
        return PageScan(file, index, version, number, problem=mismatch, image=image)
    spec = layout_page(layout, version, number)
    if spec is None:
        return PageScan(file, index, version, number, problem=f"version {version} has no page {number}")
    from quizgen.grading import marks

    bubbles = spec["bubbles"]
    dark = darkness(page, layout)
    shifts, rows, off = marks.register(dark, bubbles)
    if rows and off > marks.PAGE_OFF_SHARE * rows:
        why = (
            f"the printed bubbles are not where this layout puts them ({off} of {rows} rows not found): "
            "a sheet printed on another paper size or with other options, or a page that is not flat? "
            "Grade it with the layout it was printed with, or scan it flat"
        )
        return PageScan(file, index, version, number, problem=why, image=image)
    boxes = [marks.moved(b["box"], s) for b, s in zip(bubbles, shifts, strict=True)]
    placed = [{**b, "box": box} for b, box in zip(bubbles, boxes, strict=True)]
    fills = measure(dark, placed)
    _, first, _ = classify(fills, bubbles)
    extra, cover = marks.extra_ink(dark, boxes, bubbles, first)
    net, states, level = classify(fills, bubbles, cover)
    notes = tuple(
        "off" if s is None and not is_tick_box(b) else "" if state == "marked" else e
        for b, s, e, state in zip(bubbles, shifts, extra, states, strict=True)
    )
    written = tuple(sorted(marks.written_digits(dark, bubbles)))
    return PageScan(
        file, index, version, number, tuple(net), tuple(states), notes, written, level, image=image
    )


def read_file(path: Path, layout: Json, keep_images: bool = False, only: int | None = None) -> list[PageScan]:
    """Every page of one scan file (or only its page `only`, 1-based), read."""
    out = []
    for index, gray, problem in load_pages(path, only=only):
        if gray is None:
            out.append(PageScan(str(path), index, problem=problem))
        else:
            out.append(read_page(gray, layout, str(path), index, keep_images))
    return out


def _page_count(path: Path) -> int:
    if path.suffix.lower() != ".pdf":
        return 1
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return 1  # read_file reports it
    try:
        return len(pdf)
    finally:
        pdf.close()


def _read_task(task: tuple[Path, int | None, Json, bool]) -> list[PageScan]:
    path, only, layout, keep = task
    return read_file(path, layout, keep, only)


def read_scans(
    paths: Sequence[Path], layout: Json, keep_images: bool = False, workers: int = 1
) -> list[PageScan]:
    """Every page of every scan file, in order.

    With `workers` > 1, pages are read in parallel, each page of a scanner's PDF on its
    own, so one big PDF keeps every core busy.
    """
    if workers <= 1:
        return [scan for path in paths for scan in read_file(path, layout, keep_images)]
    tasks: list[tuple[Path, int | None, Json, bool]] = []
    for path in paths:
        count = _page_count(path)
        tasks.extend((path, i if count > 1 else None, layout, keep_images) for i in range(1, count + 1))
    if len(tasks) <= 1:
        return [scan for task in tasks for scan in _read_task(task)]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(workers, len(tasks))) as pool:
        chunks = pool.map(_read_task, tasks, chunksize=max(1, len(tasks) // (workers * 4)))
        return [scan for chunk in chunks for scan in chunk]
