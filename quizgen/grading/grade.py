"""`quizgen grade`: read the scans, score the sheets, write the results (all or nothing)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizgen.errors import TargetRefused
from quizgen.grading.layoutfile import LayoutError, load_layout
from quizgen.grading.scan import IMAGE_SUFFIXES, PageScan, read_scans
from quizgen.grading.score import Overrides, Review, Sheet, assemble, results_csv, rules_of, sheets_json
from quizgen.inputs import Found, Skipped, find_inputs

__all__ = ["Graded", "LayoutError", "grade", "load_layout", "outputs", "regrade", "scan_files"]

Json = dict[str, Any]

SCAN_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}
NOT_A_SCAN = (
    "not a scan quizgen reads (PDF, PNG, JPEG, TIFF, BMP, WebP): convert it, or move it out of the folder"
)


def scan_files(paths: Sequence[Path]) -> Found:
    """The scan files among `paths` (folders searched for PDFs and images), the missing names,
    and every entry passed over with its reason: a FIFO (which would hang a read), a folder,
    a dangling link, a photo.heic."""
    found = find_inputs(paths, tuple(sorted(SCAN_SUFFIXES)), others=NOT_A_SCAN)
    # A sub-folder is searched too; one that held no scan is said, not passed over in silence
    # (a folder named like a scan, photos left in a format quizgen does not read).
    read = {f.parent.resolve() for f in found.files}
    for path in paths:
        if path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_dir() and not p.name.startswith(".")):
                if not any(r == sub.resolve() or r.is_relative_to(sub.resolve()) for r in read):
                    found.skipped.append(Skipped(sub, "a sub-folder with no scans in it"))
    return found


@dataclass
class Graded:
    sheets: list[Sheet]
    unreadable: list[Review]
    scans: list[PageScan]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def reviews(self) -> list[Review]:
        return sorted([r for s in self.sheets for r in s.reviews] + self.unreadable, key=Review.sort_key)

    @property
    def problems(self) -> list[Review]:
        """The sheet-level problems (and unreadable pages): listed first wherever they are shown."""
        return sorted([r for s in self.sheets for r in s.problems] + self.unreadable, key=Review.sort_key)


def grade(
    files: Sequence[Path],
    layout: Json,
    *,
    multi: str | None = None,
    keep_images: bool = False,
    workers: int = 1,
    overrides: Overrides | None = None,
    shortest: int | None = None,
) -> Graded:
    """Read every page of `files` and score the sheets. A student number shorter than its grid
    is a problem unless `shortest` digits are allowed (`grade --student-digits`)."""
    scans = read_scans(files, layout, keep_images=keep_images, workers=workers)
    sheets, loose = assemble(scans, layout, rules_of(layout, multi), overrides, shortest=shortest)
    return Graded(sheets, loose, scans)


def regrade(
    graded: Graded,
    layout: Json,
    overrides: Overrides,
    multi: str | None = None,
    shortest: int | None = None,
) -> Graded:
    """The same scans scored again with the teacher's decisions (or a corrected key)."""
    sheets, loose = assemble(graded.scans, layout, rules_of(layout, multi), overrides, shortest=shortest)
    return Graded(sheets, loose, graded.scans, graded.skipped)


# -- outputs --------------------------------------------------------------------------------------


def review_names(scans: Sequence[PageScan]) -> dict[int, str]:
    """`<scan file>-p<page>.png` for each scan (by its position), unique: a scan whose name is
    shared (x/s.png and y/s.png; s.png and s.jpg) takes its folder, then its suffix, into the
    name (`x-s`, `x-s-png`), and any name still shared is numbered; never one image for two."""
    files = list(dict.fromkeys(s.file for s in scans))

    def name(file: str, level: int) -> str:
        path = Path(file)
        folder = [p for p in path.parent.parts if p not in ("/", ".", "..")][-1:] if level else []
        suffix = [path.suffix.lstrip(".").lower()] if level > 1 and path.suffix else []
        return "-".join([*folder, path.stem, *suffix])

    chosen: dict[str, str] = {}
    for level in (0, 1, 2):
        names = {f: name(f, level) for f in files if f not in chosen}
        counts: dict[str, int] = {}
        for n in [*names.values(), *chosen.values()]:
            counts[n] = counts.get(n, 0) + 1
        chosen.update({f: n for f, n in names.items() if counts[n] == 1})
    taken = set(chosen.values())
    for f in files:
        if f not in chosen:
            n, i = name(f, 2), 2
            while f"{n}-{i}" in taken:
                i += 1
            chosen[f] = f"{n}-{i}"
            taken.add(chosen[f])
    return {i: f"{chosen[s.file]}-p{s.index}.png" for i, s in enumerate(scans)}


def review_files(graded: Graded, layout: Json, folder: Path) -> dict[Path, bytes]:
    """A review PNG for each page that could be straightened (see `picture.review_image`)."""
    from quizgen.grading.picture import review_image

    owner = {id(p): s for s in graded.sheets for p in s.pages}
    names = review_names(graded.scans)
    out: dict[Path, bytes] = {}
    for i, scan in enumerate(graded.scans):
        if scan.image is None:
            continue
        problems = [r for r in graded.unreadable if (r.file, r.index) == (scan.file, scan.index)]
        out[folder / names[i]] = review_image(scan, layout, owner.get(id(scan)), problems)
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_outputs(
    named: dict[str, Path | None], review: Path | None, scans: Sequence[Path], files: Sequence[Path] = ()
) -> list[str]:
    """What is wrong with the output names before anything is read: two options naming one
    file, an output that is one of the scan `files`, and a review folder that is (or is inside)
    a scans folder, where the review images would be read as scans by the next run (or replace
    a scan)."""
    problems = []
    given = [(option, path) for option, path in named.items() if path is not None]
    for option, path in given[1:] if given and given[0][0] == "--layout" else given:
        for scan in files:
            if _same(path, scan):
                problems.append(f"{option} {path} is the scan {scan}: writing it would destroy the scan")
    for i, (option, path) in enumerate(given):
        for other, earlier in given[:i]:
            if _same(path, earlier):
                problems.append(f"{option} {path} is also {other}: give each output its own file")
    if review is not None:
        for option, path in given:
            if _same(path, review):
                problems.append(f"{option} {path} is the --review folder: give it its own name")
        for folder in scans:
            if folder.is_dir() and (_same(review, folder) or _inside(review, folder)):
                problems.append(
                    f"--review {review} is inside the scans folder {folder}: its images would replace "
                    "scans or be read as scans next time; choose a folder outside it"
                )
    return problems


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def outputs(
    graded: Graded,
    layout: Json,
    csv_path: Path,
    json_path: Path | None,
    review_dir: Path | None,
    report_path: Path | None,
    decisions_path: Path | None = None,
    decided: Sequence[Json] = (),
) -> dict[Path, bytes]:
    """Every file to write, rendered before any is written; two of them at one path is refused."""
    files: dict[Path, bytes] = {}

    def add(path: Path, data: bytes) -> None:
        real = Path(os.path.realpath(path))
        if any(Path(os.path.realpath(p)) == real for p in files):
            raise TargetRefused(f"{path} would be written twice (two outputs of one name): rename one")
        files[path] = data

    add(csv_path, results_csv(graded.sheets, layout, graded.unreadable).encode("utf-8"))
    if json_path is not None:
        data = sheets_json(graded.sheets, graded.unreadable)
        add(json_path, (json.dumps(data, indent=1) + "\n").encode())
    if decisions_path is not None:
        from quizgen.grading.decisions import decisions_csv

        add(decisions_path, decisions_csv(graded, layout, decided).encode("utf-8"))
    if review_dir is not None:
        for path, png in review_files(graded, layout, review_dir).items():
            add(path, png)
    if report_path is not None:
        from quizgen.grading.report import render_report

        add(report_path, render_report(graded.sheets, layout, graded.unreadable).encode("utf-8"))
    return files
