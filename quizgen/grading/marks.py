"""Where the printed bubbles really are, and the ink a pupil left around them.

`scan` puts the page straight with one homography from the corner markers. A page that
is folded, bowed or printed on another paper size is not one plane, so the bubbles can
sit away from where the layout puts them. Here each row of bubbles (a question, a column
of the student number) is found by its printed outlines, near where the layout puts it:

- a row found within REGISTER_OK of its place is read where it was found;
- a row not found (outlines missing, or further than the search window) is `off`: its
  question goes to review, and a page with many such rows is refused.

Then the ink that is not a fill is measured, against the page's own empty bubbles of the
same letter (so the printed letter and outline count as paper):

- a loop: ink in most sectors of a ring just outside the outline (a circled answer);
- a small mark: a few clearly dark pixels inside the bubble (a dot, a tick, a cross),
  too few for a fill.

Numbers are in pixels of the straightened page (scan.SCALE = 2 px per point).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Json = dict[str, Any]
SCALE = 2.0

SEARCH = 8  # px (4 pt, 1.4 mm): how far from its place a row of bubbles is looked for
REGISTER_OK = 6  # px (3 pt, 1.1 mm): a row found further away than this is not read
SPREAD_OK = 3  # px: bubbles of one row found further apart than this are not one row
OUTLINE_MATCH = 0.35  # correlation with a printed outline below which it is "not found"
PAGE_OFF_SHARE = 0.25  # a page with more of its rows off than this is refused

RING = (0.6, 0.82)  # the ring looked at for a loop, in bubble sizes from the centre
RING_SECTORS = 12
LOOP_SECTORS = 7  # sectors with ink for a loop: a circle, not a stray line passing by
SECTOR_INK = 2  # dark pixels for a sector to count
INK = 0.4  # a pixel this dark above the empty bubble's is ink
SPOT_PIXELS = 6  # dark pixels inside a bubble for a small mark (a 0.9 mm dot is ~20)
SMALL_COVER = 0.55  # a mark covering more of the bubble than this is a (light) fill, not small
COVER_INK = 0.25  # a pixel this dark counts towards covering a bubble (erased residue is ~0.1)


def _ring(size: int, filled: bool = False) -> Any:
    """A printed bubble's outline (or a filled bubble) to look for."""
    import cv2
    import numpy as np

    t = np.zeros((size + 4, size + 4), np.float32)
    c = (size + 3) / 2
    thickness = -1 if filled else 2
    cv2.circle(t, (round(c * 16), round(c * 16)), round(size / 2 * 16), 1.0, thickness, cv2.LINE_AA, shift=4)
    return t


def _centre(box: Sequence[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2 * SCALE, (box[1] + box[3]) / 2 * SCALE


def _row_key(b: Json) -> tuple[Any, ...]:
    if b["field"] == "student":
        return ("student", b["column"])
    return ("question", b["question"])


def register(dark: Any, bubbles: Sequence[Json]) -> tuple[list[tuple[int, int] | None], int, int]:
    """Each bubble's shift (dx, dy) in pixels to where its row's outlines are, None where
    the row was not found; with the number of rows checked and the number off."""
    import cv2
    import numpy as np

    rows: dict[tuple[Any, ...], list[int]] = {}
    for i, b in enumerate(bubbles):
        if b["field"] in ("answer", "student"):
            rows.setdefault(_row_key(b), []).append(i)
    templates: dict[int, Any] = {}
    row_shift: dict[tuple[Any, ...], tuple[int, int] | None] = {}
    h, w = dark.shape
    for key, members in rows.items():
        found = []
        for i in members:
            x0, _, x1, _ = bubbles[i]["box"]
            size = round((x1 - x0) * SCALE)
            t = templates.get(size)
            if t is None:
                t = templates[size] = _ring(size)
                templates[-size] = _ring(size, filled=True)
            cx, cy = _centre(bubbles[i]["box"])
            half = t.shape[0] // 2 + SEARCH
            ax, ay = round(cx) - half, round(cy) - half
            if ax < 0 or ay < 0 or ax + 2 * half + 1 > w or ay + 2 * half + 1 > h:
                continue
            patch = np.ascontiguousarray(dark[ay : ay + 2 * half + 1, ax : ax + 2 * half + 1])
            res = cv2.matchTemplate(patch, t, cv2.TM_CCOEFF_NORMED)
            _, best, _, at = cv2.minMaxLoc(res)
            _, best_fill, _, at_fill = cv2.minMaxLoc(
                cv2.matchTemplate(patch, templates[-size], cv2.TM_CCOEFF_NORMED)
            )
            if best_fill > max(best, 0.8):  # a filled bubble: its disc is easier to find
                best, at = best_fill, at_fill
            if best < OUTLINE_MATCH:
                continue
            # where the template's centre landed, against where the layout puts it
            found.append((at[0] + t.shape[1] / 2 - 0.5 - (cx - ax), at[1] + t.shape[0] / 2 - 0.5 - (cy - ay)))
        if len(found) * 2 < len(members):
            row_shift[key] = None
            continue
        xs, ys = np.array([f[0] for f in found]), np.array([f[1] for f in found])
        dx, dy = float(np.median(xs)), float(np.median(ys))
        spread = max(float(np.max(np.abs(xs - dx))), float(np.max(np.abs(ys - dy))))
        ok = max(abs(dx), abs(dy)) <= REGISTER_OK and (spread <= SPREAD_OK or len(found) > 2)
        row_shift[key] = (round(dx), round(dy)) if ok else None
    _borrow(row_shift, {key: _centre(bubbles[m[0]]["box"]) for key, m in rows.items()})
    shifts: list[tuple[int, int] | None] = []
    placed = [
        (_centre(bubbles[members[0]]["box"])[1], s) for key, members in rows.items() if (s := row_shift[key])
    ]
    for b in bubbles:
        if b["field"] in ("answer", "student"):
            shifts.append(row_shift[_row_key(b)])
            continue
        # a score or cancel box moves with the nearest row found (a fold moves both)
        same = [row_shift[k] for k in rows if k == ("question", b["question"])]
        if same:
            shifts.append(same[0])
        elif placed:
            y = _centre(b["box"])[1]
            shifts.append(min(placed, key=lambda p: abs(p[0] - y))[1])
        else:
            shifts.append((0, 0))
    off = sum(1 for s in row_shift.values() if s is None)
    return shifts, len(row_shift), off


def _borrow(row_shift: dict[Any, tuple[int, int] | None], centres: dict[Any, tuple[float, float]]) -> None:
    """A row not found (all its bubbles filled, say) takes the shift of the rows around it
    when the nearest found rows agree; otherwise it stays off."""
    import numpy as np

    found = [(centres[k], s) for k, s in row_shift.items() if s is not None]
    for key, shift in list(row_shift.items()):
        if shift is not None or len(found) < 3:
            continue
        cx, cy = centres[key]
        near = sorted(found, key=lambda f: (f[0][0] - cx) ** 2 + (f[0][1] - cy) ** 2)[:4]
        if (near[0][0][0] - cx) ** 2 + (near[0][0][1] - cy) ** 2 > (40 * SCALE) ** 2:
            continue  # nothing found within 40 pt
        xs = np.array([s[0] for _, s in near])
        ys = np.array([s[1] for _, s in near])
        if np.ptp(xs) <= SPREAD_OK and np.ptp(ys) <= SPREAD_OK:
            row_shift[key] = (round(float(np.median(xs))), round(float(np.median(ys))))


def moved(box: Sequence[float], shift: tuple[int, int] | None) -> list[float]:
    """The box moved by a shift in pixels."""
    dx, dy = shift or (0, 0)
    return [box[0] + dx / SCALE, box[1] + dy / SCALE, box[2] + dx / SCALE, box[3] + dy / SCALE]


def _patch(dark: Any, box: Sequence[float], half: int) -> Any:
    import numpy as np

    cx, cy = _centre(box)
    x, y = round(cx), round(cy)
    h, w = dark.shape
    out = np.zeros((2 * half + 1, 2 * half + 1), np.float32)
    x0, y0 = max(0, x - half), max(0, y - half)
    x1, y1 = min(w, x + half + 1), min(h, y + half + 1)
    if x0 < x1 and y0 < y1:
        out[y0 - (y - half) : y1 - (y - half), x0 - (x - half) : x1 - (x - half)] = dark[y0:y1, x0:x1]
    return out


def extra_ink(
    dark: Any, boxes: Sequence[Sequence[float]], bubbles: Sequence[Json], states: Sequence[str]
) -> tuple[list[str], list[float]]:
    """("loop", "small" or "" for each bubble, share of the bubble's inner part inked).

    A bubble that reads as marked also gets its note here; the caller drops it.

    Only round bubbles (answers, student number) are looked at. The empty bubble of each
    letter is the median of the page's bubbles of that letter not marked, widened by a pixel
    so that a bubble printed a pixel off does not read its own letter's edge as ink.
    """
    import cv2
    import numpy as np

    round_ = [i for i, b in enumerate(bubbles) if b["field"] in ("answer", "student")]
    if not round_:
        return [""] * len(bubbles), [0.0] * len(bubbles)
    size = (bubbles[round_[0]]["box"][2] - bubbles[round_[0]]["box"][0]) * SCALE
    half = int(np.ceil(size * RING[1])) + 1
    patches = {i: _patch(dark, boxes[i], half) for i in round_}
    by_value: dict[tuple[str, str], list[int]] = {}
    for i in round_:
        by_value.setdefault((bubbles[i]["field"], bubbles[i]["value"]), []).append(i)
    kernel = np.ones((3, 3), np.uint8)
    yy, xx = np.mgrid[-half : half + 1, -half : half + 1]
    radius = np.hypot(xx, yy) / size
    inner = radius <= 0.36
    ring = (radius >= RING[0]) & (radius <= RING[1])
    sector = ((np.arctan2(yy, xx) + np.pi) / (2 * np.pi) * RING_SECTORS).astype(int) % RING_SECTORS
    centres = [_centre(boxes[i]) for i in range(len(bubbles))]
    out, cover = [""] * len(bubbles), [0.0] * len(bubbles)
    by_field: dict[str, Any] = {}
    for field in {bubbles[i]["field"] for i in round_}:
        # outside its outline an empty bubble is paper, whatever its letter: the ring is
        # measured against every empty bubble of the field
        same = [patches[i] for i in round_ if bubbles[i]["field"] == field and states[i] != "marked"]
        same = same or [patches[i] for i in round_ if bubbles[i]["field"] == field]
        by_field[field] = cv2.dilate(np.median(np.stack(same), axis=0).astype(np.float32), kernel)
    for (field, _), members in by_value.items():
        unmarked = [patches[j] for j in members if states[j] != "marked"]
        # with 4 or more, one bubble's own ink cannot move the median: one median for all
        shared = (
            cv2.dilate(np.median(np.stack(unmarked), axis=0).astype(np.float32), kernel)
            if len(unmarked) >= 4
            else None
        )
        for i in members:
            # inside, against the other bubbles of the same letter (a letter printed once on
            # the page has none: the field's median stands in, and a spot must be twice as big)
            others = (
                []
                if shared is not None
                else [patches[j] for j in members if j != i and states[j] != "marked"]
            )
            spot = SPOT_PIXELS
            if shared is not None:
                base = shared
            elif len(others) >= 3:
                base = cv2.dilate(np.median(np.stack(others), axis=0).astype(np.float32), kernel)
            elif others:
                base = cv2.dilate(np.min(np.stack(others), axis=0).astype(np.float32), kernel)
            else:
                base, spot = by_field[field], 2 * SPOT_PIXELS
            resid = patches[i] - base
            cover[i] = float(np.mean(patches[i][inner] > COVER_INK))
            if int(np.count_nonzero(resid[inner] > INK)) >= spot and cover[i] < SMALL_COVER:
                out[i] = "small"
            ring_resid = patches[i] - by_field[field]
            ink = ring & (ring_resid > INK)
            if np.count_nonzero(ink) < LOOP_SECTORS * SECTOR_INK:
                continue  # too little ink round it for a loop (most bubbles): skip the mask
            # the ring, without the outlines of the bubbles around it
            mask = ring.copy()
            cx, cy = centres[i]
            for j in round_:
                ox, oy = centres[j]
                if j != i and abs(ox - cx) < 2 * half and abs(oy - cy) < 2 * half:
                    mask &= np.hypot(xx - (ox - round(cx)), yy - (oy - round(cy))) / size > 0.62
            inked = np.bincount(sector[mask & ink], minlength=RING_SECTORS)
            if int(np.count_nonzero(inked >= SECTOR_INK)) >= LOOP_SECTORS:
                out[i] = "loop"
    return out, cover


def written_digits(dark: Any, bubbles: Sequence[Json]) -> set[int]:
    """Columns of the student number whose write-in box (printed just above the column's
    first bubble) holds writing."""
    import numpy as np

    tops: dict[int, Sequence[float]] = {}
    for b in bubbles:
        if b["field"] == "student" and (b["column"] not in tops or b["box"][1] < tops[b["column"]][1]):
            tops[b["column"]] = b["box"]
    out = set()
    for column, (x0, y0, x1, _) in tops.items():
        # inside the box, clear of its printed frame: the box spans about 3.5..18 pt above
        ys = slice(round((y0 - 15) * SCALE), round((y0 - 6) * SCALE))
        region = dark[ys, round((x0 + 1.5) * SCALE) : round((x1 - 1.5) * SCALE)]
        if region.size and int(np.count_nonzero(region > 0.5)) >= 12:
            out.add(column)
    return out
