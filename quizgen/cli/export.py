"""`quizgen export`: questions for Moodle (XML, GIFT), Canvas (QTI) or a flashcard site (CSV)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from quizgen.cli.common import (
    Articles,
    Difficulty,
    Paths,
    Quiet,
    Strict,
    Tags,
    Types,
    fail_usage,
    load_or_exit,
    plural,
    print_list,
    question_filter,
    report_written,
    run_writer,
    say,
    write_set,
)
from quizgen.cli.root import Command, app


class ExportFormat(StrEnum):
    moodle = "moodle"
    gift = "gift"
    qti = "qti"
    csv = "csv"


class Separator(StrEnum):
    comma = "comma"
    tab = "tab"
    semicolon = "semicolon"


@app.command(cls=Command, short_help="Export questions for Moodle, Canvas or a flashcard site.")
def export(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="moodle, gift, qti or csv.")],
    paths: Paths = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write (.xml, .gift.txt, .zip, .csv).")
    ] = ...,  # type: ignore[assignment]
    count: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--count", "-n", min=1, help="Sample this many questions (default: all)."),
    ] = None,
    seed: Annotated[str, typer.Option("--seed", help="Seed for sampling.")] = "1",
    tags: Tags = None,
    types: Types = None,
    difficulty: Difficulty = None,
    title: Annotated[
        Optional[str], typer.Option("--title", help="The Canvas quiz's title. Default: the bank's.")  # noqa: UP045
    ] = None,
    separator: Annotated[
        Separator, typer.Option("--separator", help="csv: between term and definition.")
    ] = Separator.comma,
    articles: Articles = None,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Export questions for a learning platform: Moodle XML, GIFT, Canvas QTI or flashcard CSV.

    What a format cannot carry is reported at the question's file:line and left out
    (an error with --strict, and then nothing is written). See docs/lms.md.

    Example: quizgen export moodle questions/ -o belarus.xml --difficulty hard
    """
    flt = question_filter(tags, types, difficulty)
    checked = load_or_exit(paths, articles, strict, quiet)
    from quizgen.diagnostics import has_errors, promote_warnings
    from quizgen.lms import SEPARATORS, ExportOptions
    from quizgen.lms import export as export_questions
    from quizgen.select import sample, select

    pool = select(checked.banks, flt)
    if not pool:
        fail_usage("no questions match the filters")
    if count is not None and count > len(pool):
        fail_usage(f"--count {count}, but only {len(pool)} questions match; ask for fewer")
    chosen = sample(pool, count, seed)
    banks = list(dict.fromkeys(b for b, _ in chosen))
    options = ExportOptions(
        title=title or (banks[0].title if len(banks) == 1 else "Quiz"), separator=SEPARATORS[separator.value]
    )
    result = run_writer(lambda: export_questions(chosen, fmt.value, options))
    problems = promote_warnings(result.diagnostics) if strict else result.diagnostics
    print_list(problems)
    if has_errors(problems) or result.data is None:
        reason = "every question was left out" if result.data is None else f"{plural(len(problems), 'error')}"
        say(f"quizgen: {reason}; nothing written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    data = result.data
    inputs = [path for bank in checked.banks for path in bank.files]
    report_written(run_writer(lambda: write_set([output], inputs, lambda: {output: data})), quiet)
    if not quiet:
        left = len(chosen) - result.written
        note = f", {plural(left, 'question')} left out (see above)" if left else ""
        say(f"{plural(result.written, 'question')} exported to {fmt.value}{note}", err=True)
