"""`quizgen grade`: read scanned answer sheets, score them, list what needs a look."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from quizgen.cli.common import (
    Quiet,
    fail_usage,
    load_or_exit,
    plural,
    report_written,
    run_writer,
    say,
    say_waiting,
)
from quizgen.cli.root import Command, app

if TYPE_CHECKING:
    from quizgen.grading.grade import Graded
    from quizgen.inputs import Skipped


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
    decisions: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--decisions",
            metavar="FILE",
            help="Score again with your decisions (the <results>-decisions.csv, its decision cells filled).",
        ),
    ] = None,
    rekey: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--rekey",
            metavar="BANKS",
            help="Score with the keys of these (corrected) banks; the printed sheets stay valid.",
        ),
    ] = None,
    key: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--key",
            metavar="FILE",
            help="Score with corrected keys from a CSV (question, key[, tolerance]); the sheets stay valid.",
        ),
    ] = None,
    student_digits: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--student-digits",
            metavar="N",
            min=1,
            max=12,
            help="Student numbers may be shorter than the grid, with at least N digits "
            "(default: a number fills the grid; a shorter one is listed for review).",
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            max=64,
            help="Read pages in N processes (default: cores, up to 4).",
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Read scanned answer sheets, score every version against its key, list what needs a look.

    Writes the results table (-o) and beside it <results>-decisions.csv, one row per item to
    review: fill in its decision cells and run again with --decisions FILE.

    Exit status: 0 all read, 1 a sheet problem, something to review or a file not read (all
    listed), 2 usage error.

    Example: quizgen grade scans/ --layout monday-layout.json --review review/ --report report.html
    """
    import os

    from quizgen.grading import grade as grading

    found = grading.scan_files(scans)
    if found.missing:
        fail_usage(f"no such file or folder: {', '.join(found.missing)}")
    if not found.files:
        passed = "".join(f"; {_skipped(s)}" for s in found.skipped[:3])
        fail_usage("no scans (*.pdf, *.png, *.jpg) in " + ", ".join(map(str, scans)) + passed)
    if report is not None and report.suffix.lower() not in (".html", ".htm"):
        fail_usage(f"--report must end in .html, not '{report.name}'")
    if decisions is not None and not decisions.is_file():
        fail_usage(f"--decisions: no such file: {decisions}")
    to_decide = output.with_name(f"{output.stem}-decisions.csv")
    if decisions is not None and _same(to_decide, decisions):
        to_decide_out: Path | None = None  # your decisions file is an input: never replaced
    else:
        to_decide_out = to_decide
    named = {"--layout": layout, "-o": output, "--json": json_out, "--report": report,
             "the decisions file": to_decide_out}  # fmt: skip
    problems = grading.check_outputs(named, review, scans, found.files)
    if problems:
        fail_usage("\n".join(problems))
    data = run_writer(lambda: grading.load_layout(layout))
    if rekey:
        from quizgen.grading.rekey import rekey_layout

        banks = load_or_exit(rekey, None, strict=False, quiet=quiet).banks
        data, changes = run_writer(lambda: rekey_layout(data, banks))
        for change in changes:
            say(f"rekey: {change}", err=True)
    if key is not None:
        from quizgen.grading.rekey import override_layout

        data, changes = run_writer(lambda: override_layout(data, key))
        for change in changes:
            say(f"key: {change}", err=True)
    workers = jobs or min(os.cpu_count() or 1, 4)
    chosen = multi.value if multi else None
    graded = grading.grade(
        found.files,
        data,
        multi=chosen,
        keep_images=review is not None,
        workers=workers,
        shortest=student_digits,
    )
    graded.skipped = found.skipped
    decided: list[dict[str, object]] = []
    if decisions is not None:
        from quizgen.grading.decisions import read_decisions

        applied = run_writer(lambda: read_decisions(decisions, graded, data))
        graded = grading.regrade(graded, data, applied.overrides, chosen, student_digits)
        decided = applied.rows
        for note in applied.ignored:
            say(f"decisions: {note}", err=True, fg=typer.colors.YELLOW)
    from quizgen.output import write_set

    inputs = [
        layout,
        *found.files,
        *([decisions] if decisions else []),
        *(rekey or []),
        *([key] if key else []),
    ]
    files = run_writer(
        lambda: grading.outputs(graded, data, output, json_out, review, report, to_decide_out, decided)
    )
    written = run_writer(lambda: write_set(files, inputs=inputs, on_wait=say_waiting))
    images = [p for p in written if review is not None and p.parent == review]
    report_written([p for p in written if p not in images], quiet)
    if review is not None and not quiet:
        say(f"wrote {plural(len(images), 'review image')} to {review}/", err=True)
    _report(graded, decided, decisions, quiet)


def _report(graded: Graded, decided: list[dict[str, object]], decisions: Path | None, quiet: bool) -> None:
    """The terminal's list: files not read, sheet problems (red), items to review, the summary."""
    from quizgen.diagnostics import terminal_safe

    for s in graded.skipped:
        say(_skipped(s), fg=typer.colors.RED)
    problems = graded.problems
    for item in problems:
        # the whole line escaped, newlines too: a file name or a QR code cannot start a line
        say(f"problem: {terminal_safe(item.text())}", fg=typer.colors.RED)
    questions = [r for r in graded.reviews if r.question]
    for item in questions:
        say(f"review: {terminal_safe(item.text())}", fg=typer.colors.YELLOW)
    if not quiet:
        parts = [f"{plural(len(graded.scans), 'page')} read into {plural(len(graded.sheets), 'sheet')}"]
        parts.append(f"{plural(len(problems), 'sheet problem')}, {plural(len(questions), 'item')} to review")
        if graded.skipped:
            parts.append(f"{plural(len(graded.skipped), 'file')} not read")
        if decisions is not None:
            parts.append(f"{plural(len(decided), 'decision')} applied from {decisions}")
        say("; ".join(parts), err=True)
    raise typer.Exit(1 if graded.reviews or graded.skipped else 0)


def _skipped(s: Skipped) -> str:
    from quizgen.grading.score import shown_name

    return f"not read: {shown_name(str(s.path))}: {s.reason}"


def _same(a: Path, b: Path) -> bool:
    import os

    return os.path.realpath(a) == os.path.realpath(b)
