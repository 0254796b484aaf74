"""`quizgen grade`: read scanned answer sheets, score them, list what needs a look."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from quizgen.cli.common import Quiet, fail_usage, plural, report_written, run_writer, say
from quizgen.cli.root import Command, app


class MultiRuleOption(StrEnum):
    all_or_nothing = "all-or-nothing"
    per_option = "per-option"


@app.command(cls=Command, short_help="Mark scanned answer sheets: scores, doubts to review, item analysis.")
def grade(
    scans: Annotated[
        list[Path],
        typer.Argument(metavar="SCANS", help="Scanned sheets: PDFs, images (PNG, JPEG), or folders of them."),
    ],
    layout: Annotated[
        Path,
        typer.Option(
            "--layout", "-l", metavar="FILE", help="The <name>-layout.json written with the sheets."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="The results table (CSV).")
    ] = Path("results.csv"),
    json_out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--json", metavar="FILE", help="Also write every sheet as read (JSON)."),
    ] = None,
    review: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--review",
            metavar="FOLDER",
            help="Folder for a PNG of each page with the marks read drawn on it.",
        ),
    ] = None,
    report: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--report", metavar="FILE", help="Also write the item analysis (HTML)."),
    ] = None,
    multi: Annotated[
        Optional[MultiRuleOption],  # noqa: UP045
        typer.Option(
            "--multi", help="Score select-all questions all-or-nothing or per option (default: the layout's)."
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Read scanned answer sheets, score every version against its key, list what needs a look.

    Exit status: 0 all read, 1 something needs review (listed) or cannot be read, 2 usage error.

    Example: quizgen grade scans/ --layout monday-layout.json --review review/ --report report.html
    """
    import os

    files, missing = _scan_files(scans)
    if missing:
        fail_usage(f"no such file or folder: {', '.join(missing)}")
    if not files:
        fail_usage("no scans (*.pdf, *.png, *.jpg) in " + ", ".join(map(str, scans)))
    if report is not None and report.suffix.lower() not in (".html", ".htm"):
        fail_usage(f"--report must end in .html, not '{report.name}'")
    from quizgen.grading import grade as grading

    data = run_writer(lambda: grading.load_layout(layout))
    workers = min(os.cpu_count() or 1, 4)
    graded = grading.grade(
        files, data, multi=multi.value if multi else None, keep_images=review is not None, workers=workers
    )
    from quizgen.output import write_all

    written = run_writer(lambda: write_all(grading.outputs(graded, data, output, json_out, review, report)))
    images = [p for p in written if review is not None and p.parent == review]
    report_written([p for p in written if p not in images], quiet)
    if review is not None and not quiet:
        say(f"wrote {plural(len(images), 'review image')} to {review}/", err=True)
    for item in graded.reviews:
        say(f"review: {item.text()}", fg=typer.colors.YELLOW)  # say escapes a QR code's controls
    sheets = graded.sheets
    if not quiet:
        pages = len(graded.scans)
        say(
            f"{plural(pages, 'page')} read into {plural(len(sheets), 'sheet')}; "
            f"{plural(len(graded.reviews), 'item')} to review",
            err=True,
        )
    raise typer.Exit(1 if graded.reviews else 0)


def _scan_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    from quizgen.grading.grade import scan_files

    return scan_files(paths)
