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
    summary_of,
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
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="The file to write (.xml, .gift.txt, .zip, .csv)."),
    ] = None,
    parents: Annotated[
        bool, typer.Option("--parents", help="Create the folder of --output when it does not exist.")
    ] = False,
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
    target = output_file(output, fmt.value, parents)
    flt = question_filter(tags, types, difficulty)
    # --strict: every lint and format problem is reported, then nothing is written. The
    # banks are read without promoting, so that a lint warning does not hide the format's.
    checked = load_or_exit(paths, articles, strict=False, quiet=True) if strict else None
    if checked is None:
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
    if strict:
        everything = promote_warnings(checked.diagnostics) + problems
        print_list(sorted(everything))
        if everything:
            say(
                f"{summary_of(checked)} before --strict; {plural(len(problems), 'export problem')}; "
                f"{plural(len(everything), 'error')} with --strict; nothing written",
                err=True,
                fg=typer.colors.RED,
            )
            raise typer.Exit(1)
    else:
        print_list(problems)
    if has_errors(problems) or result.data is None:
        reason = "every question was left out" if result.data is None else f"{plural(len(problems), 'error')}"
        say(f"quizgen: {reason}; nothing written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    if not target.parent.exists():  # --parents, checked above: made only now that there is a file
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail_usage(f"--output {target}: cannot create the folder {target.parent}: {exc.strerror}")
    output = target
    data = result.data
    inputs = [path for bank in checked.banks for path in bank.files]
    report_written(run_writer(lambda: write_set([output], inputs, lambda: {output: data})), quiet)
    if not quiet:
        left = len(chosen) - result.written
        note = f", {plural(left, 'question')} left out (see above)" if left else ""
        say(f"{plural(result.written, 'question')} exported to {fmt.value}{note}", err=True)


SUFFIXES = {"moodle": ".xml", "gift": ".gift.txt", "qti": ".zip", "csv": ".csv"}


def output_file(output: Path | None, fmt: str, parents: bool) -> Path:
    """The file `-o` names, or a usage error that says what is wrong and what to do."""
    example = f"quizgen export {fmt} questions/ -o quiz{SUFFIXES[fmt]}"
    if output is None or not str(output).strip():
        fail_usage(f"export needs --output (-o): the file to write, e.g. {example}")
    if output.is_dir():
        fail_usage(
            f"--output {output} is a folder; name the file to write in it, "
            f"e.g. -o {output / ('quiz' + SUFFIXES[fmt])}"
        )
    folder = output.parent
    if not folder.exists():
        if not parents:
            fail_usage(f"--output {output}: the folder {folder} does not exist; create it, or add --parents")
    elif not folder.is_dir():
        fail_usage(f"--output {output}: {folder} is a file, not a folder; choose another path")
    return output
