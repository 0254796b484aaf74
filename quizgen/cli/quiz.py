"""`quizgen quiz`: a printed quiz in shuffled versions, its key, and answer sheets to scan."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from quizgen.cli.common import (
    Articles,
    Difficulty,
    Paper,
    Paths,
    Quiet,
    Strict,
    Tags,
    Types,
    fail_usage,
    load_or_exit,
    plural,
    question_filter,
    read_clock,
    report_written,
    require_text,
    run_writer,
    say,
    write_set,
)
from quizgen.cli.root import Command, app


class QuizFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"


class KeyLayout(StrEnum):
    full = "full"
    grid = "grid"
    none = "none"


@app.command(cls=Command, short_help="Print a quiz in shuffled versions, with its answer key.")
def quiz(
    paths: Paths = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The quiz file; the key goes beside it: <name>-key.<ext>. "
            "Default: ./quiz.pdf and ./quiz-key.pdf (overwritten if there).",
        ),
    ] = None,
    count: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--count", "-n", min=1, metavar="N", help="Sample this many questions (default: all)."),
    ] = None,
    seed: Annotated[
        str, typer.Option("--seed", metavar="TEXT", help="Seed for sampling and shuffling.")
    ] = "1",
    versions: Annotated[
        int,
        typer.Option("--versions", "-v", min=1, max=99, metavar="K", help="Versions A, B, C, ... (1 to 99)."),
    ] = 1,
    shuffle: Annotated[
        bool, typer.Option("--shuffle/--no-shuffle", help="Shuffle questions and choices.")
    ] = True,
    tags: Tags = None,
    types: Types = None,
    difficulty: Difficulty = None,
    title: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--title",
            metavar="TEXT",
            help="Default: the bank's title; for several banks, their decks' common name "
            "(e.g. 'Belarus and the war').",
        ),
    ] = None,
    instructions: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--instructions",
            metavar="TEXT",
            help="Printed under the header. Default: how to answer the kinds of question on the paper.",
        ),
    ] = None,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size.")] = Paper.a4,
    output_format: Annotated[
        Optional[QuizFormat],  # noqa: UP045
        typer.Option("--format", "-f", help="Default: from the file name, else pdf."),
    ] = None,
    key: Annotated[
        KeyLayout,
        typer.Option(
            "--key",
            help="The answer key: full (grid, marking rules, every version's full key), "
            "grid (the grid, how to mark, accepted and model answers: what a marker needs) or none.",
        ),
    ] = KeyLayout.full,
    no_key: Annotated[bool, typer.Option("--no-key", help="Write no key (same as --key none).")] = False,
    duplex: Annotated[
        bool,
        typer.Option(
            "--duplex", help="Pad each version and each part of the key to an even number of pages (PDF)."
        ),
    ] = False,
    large_print: Annotated[
        bool,
        typer.Option(
            "--large-print",
            help="The pupils' paper in large print: 18 pt text, wider spacing (PDF and HTML; the key "
            "stays as it is). Pupils answer on the paper, so not with --sheets.",
        ),
    ] = False,
    sheets: Annotated[
        bool,
        typer.Option(
            "--sheets", help="Also write answer sheets to scan: <name>-sheets.pdf and <name>-layout.json."
        ),
    ] = False,
    student_digits: Annotated[
        int, typer.Option("--student-digits", min=1, max=12, help="Columns of the sheets' student number.")
    ] = 6,
    numeric_grids: Annotated[
        bool, typer.Option("--numeric-grids", help="Numeric questions as digit grids on the sheets.")
    ] = False,
    articles: Articles = None,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Print a quiz in one or more shuffled versions, with the teacher's answer key.

    Example: quizgen quiz questions/putin-visit-minsk.yaml -n 20 -v 3 --seed monday -o monday.pdf
    """
    from quizgen.paper.formats import format_for

    for option, value in (("--seed", seed), ("--title", title), ("--instructions", instructions)):
        require_text(option, value)
    flt = question_filter(tags, types, difficulty)
    fmt = output_format.value if output_format else (format_for(output) if output else None)
    if output is not None and fmt is None:
        fail_usage(f"cannot tell the format of '{output.name}'; use --format pdf|html|md")
    fmt = fmt or "pdf"
    if large_print and sheets:
        # The sheet's bubbles are sized for the scanner, not for the reader; a pupil who needs
        # large print answers on the large-print paper and is marked by hand (docs/grading.md).
        fail_usage(
            "--large-print and --sheets together: the answer sheets have no large-print form; "
            "print the large-print papers in a run of their own, without --sheets"
        )
    if large_print and fmt == "md":
        fail_usage("--large-print sets the size of printed text: use it with --format pdf or html")
    now = read_clock()
    checked = load_or_exit(paths, articles, strict, quiet)

    from quizgen.paper.formats import quiz_writer
    from quizgen.select import QuizSettings, build_quiz, default_title, select, without_giveaways

    pool = select(checked.banks, flt)
    if not pool:
        fail_usage("no questions match the filters")
    kept, left_out = without_giveaways(pool)
    if left_out and not quiet:
        names = ", ".join(f"{b.id}/{q.id}" for b, q in left_out)
        n = len(left_out)
        say(f"note: left out {plural(n, 'question')} that would give away others' answers: {names}", err=True)
    if count is not None and count > len(kept):
        fail_usage(f"--count {count}, but only {len(kept)} questions match; ask for fewer")
    layout = KeyLayout.none if no_key else key
    settings = QuizSettings(
        title=title or default_title([b for b, _ in pool]),
        instructions=instructions,  # None: the instructions that fit the paper
        count=count,
        seed=seed,
        versions=versions,
        shuffle=shuffle,
        key_layout="grid" if layout is KeyLayout.grid else "full",
        duplex=duplex,
        large_print=large_print,
        sheets=("grids" if numeric_grids else "bubbles") if sheets else None,
    )
    writer = quiz_writer(fmt)
    out = output or Path(f"quiz{writer.SUFFIX}")
    made = build_quiz(kept, settings)
    from quizgen.clock import published_time

    with_key = layout is not KeyLayout.none
    date = now.stamp(published_time(made.banks))
    from quizgen.paper.document import key_path

    targets = [out, key_path(out)] if with_key else [out]
    if sheets:
        from quizgen.grading import sheet

        options = sheet.SheetOptions(paper.value, student_digits, numeric_grids, duplex=duplex)
        targets += list(sheet.sheet_paths(out))
    inputs = [path for bank in checked.banks for path in bank.files]

    def render() -> dict[Path, bytes]:
        files: dict[Path, bytes] = writer.render_files(
            made, out, paper=paper.value, key=with_key, timestamp=date
        )
        if sheets:
            files.update(sheet.render_files(made, out, options, timestamp=date))
        return files

    report_written(run_writer(lambda: write_set(targets, inputs, render)), quiet)
