"""`quizgen grade`: read the scans, score the sheets, write the results (all or nothing)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.grading.scan import IMAGE_SUFFIXES, PageScan, layout_page, read_scans
from quizgen.grading.score import Review, Sheet, assemble, results_csv, rules_of, sheets_json
from quizgen.grading.sheet import FORMAT, FORMAT_VERSION

Json = dict[str, Any]

SCAN_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}


class LayoutError(QuizgenError):
    """The layout file cannot be used."""


def load_layout(path: Path) -> Json:
    """Read a `<name>-layout.json`, or say what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read the layout: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        col = getattr(exc, "colno", 1)
        raise LayoutError(
            f"{path}:{line}:{col}: not a layout file (invalid JSON)\n"
            "    hint: pass the <name>-layout.json that `quizgen quiz --sheets` wrote beside the sheets"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LayoutError(
            f'{path}:1:1: not a quizgen sheet layout (no "format": "{FORMAT}")\n'
            "    hint: pass the <name>-layout.json that `quizgen quiz --sheets` wrote beside the sheets"
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise LayoutError(
            f"{path}:1:1: layout format version {data.get('format_version')!r}; this quizgen reads "
            f"version {FORMAT_VERSION}\n    hint: print the sheets again with this quizgen"
        )
    return data


def scan_files(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The scan files among `paths` (folders searched for PDFs and images), and the missing ones."""
    files, missing = [], []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SCAN_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(str(path))
    return files, missing


@dataclass
class Graded:
    sheets: list[Sheet]
    unreadable: list[Review]
    scans: list[PageScan]

    @property
    def reviews(self) -> list[Review]:
        return sorted([r for s in self.sheets for r in s.reviews] + self.unreadable, key=Review.sort_key)


def grade(
    files: Sequence[Path],
    layout: Json,
    *,
    multi: str | None = None,
    keep_images: bool = False,
    workers: int = 1,
) -> Graded:
    """Read every page of `files` and score the sheets."""
    scans = read_scans(files, layout, keep_images=keep_images, workers=workers)
    sheets, loose = assemble(scans, layout, rules_of(layout, multi))
    return Graded(sheets, loose, scans)


def review_image(scan: PageScan, layout: Json, sheet: Sheet | None) -> bytes:
    """A PNG of the straightened page with what was read drawn on it.

    Green: read as marked. Orange: unsure. Red frame: a question under review.
    """
    import cv2
    import numpy as np

    from quizgen.grading.scan import SCALE

    img = cv2.cvtColor(scan.image, cv2.COLOR_GRAY2BGR)
    spec = layout_page(layout, scan.version, scan.page)
    pending = set(sheet.pending) if sheet else set()
    colours = {"marked": (40, 170, 40), "unsure": (0, 140, 255)}
    if spec is not None:
        for row in spec["rows"]:
            if row["question"] in pending:
                x0, y0, x1, _ = row["box"]
                p0 = (round(x0 * SCALE) - 2, round(y0 * SCALE))
                cv2.rectangle(img, p0, (round(x1 * SCALE), round((y0 + 17) * SCALE)), (40, 40, 220), 2)
        for b, state in zip(spec["bubbles"], scan.states, strict=True):
            if state == "empty":
                continue
            x0, y0, x1, y1 = (round(v * SCALE) for v in b["box"])
            cv2.rectangle(img, (x0 - 3, y0 - 3), (x1 + 3, y1 + 3), colours[state], 2)
    banner = (
        f"student {sheet.student or '?'}  version {scan.version}  page {scan.page}" if sheet else "unread"
    )
    if sheet:
        banner += f"  score {sheet.score:g}/{sheet.max:g}"
        if pending:
            banner += f"  review: {' '.join(map(str, sorted(pending)))}"
    cv2.rectangle(img, (0, img.shape[0] - 34), (img.shape[1], img.shape[0]), (255, 255, 255), -1)
    cv2.putText(
        img,
        banner,
        (60, img.shape[0] - 10),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.7,
        (40, 40, 220) if pending else (40, 120, 40),
        2,
    )
    ok, data = cv2.imencode(".png", img)
    assert ok
    return bytes(np.asarray(data).tobytes())


def review_files(graded: Graded, layout: Json, folder: Path) -> dict[Path, bytes]:
    """`<scan file>-p<page>.png` for each page that could be straightened."""
    owner = {id(p): s for s in graded.sheets for p in s.pages}
    out: dict[Path, bytes] = {}
    for scan in graded.scans:
        if scan.image is None or not scan.states:
            continue
        name = f"{Path(scan.file).stem}-p{scan.index}.png"
        out[folder / name] = review_image(scan, layout, owner.get(id(scan)))
    return out


def outputs(
    graded: Graded,
    layout: Json,
    csv_path: Path,
    json_path: Path | None,
    review_dir: Path | None,
    report_path: Path | None,
) -> dict[Path, bytes]:
    """Every file to write, rendered before any is written."""
    files = {csv_path: results_csv(graded.sheets, layout).encode("utf-8")}
    if json_path is not None:
        files[json_path] = (
            json.dumps(sheets_json(graded.sheets, graded.unreadable), indent=1) + "\n"
        ).encode()
    if review_dir is not None:
        files.update(review_files(graded, layout, review_dir))
    if report_path is not None:
        from quizgen.grading.report import render_report

        files[report_path] = render_report(graded.sheets, layout).encode("utf-8")
    return files
