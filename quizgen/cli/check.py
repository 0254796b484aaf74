"""`quizgen check`: every problem of the banks, as path:line:col."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from quizgen.cli.common import (
    Articles,
    OutputFormat,
    Paths,
    Quiet,
    Strict,
    bank_files,
    evidence_note,
    fail_usage,
    print_diagnostics,
    require_folder,
    say,
    summary_of,
)
from quizgen.cli.root import Command, app


@app.command(cls=Command, short_help="Check banks; report every problem as path:line:col.")
def check(
    paths: Paths = None,
    articles: Articles = None,
    strict: Strict = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="How to print problems.")
    ] = OutputFormat.text,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--ignore", metavar="CODE", help="Skip a diagnostic code (repeatable), e.g. QG050."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Check banks and report every problem as path:line:col.

    Exit status: 0 clean, 1 problems found, 2 usage error.

    Example: quizgen check questions/ --articles ../shared/articles --strict
    """
    from quizgen.bank.check import load
    from quizgen.diagnostics import CODES

    for code in ignore or ():
        if code not in CODES:
            from quizgen.bank.nodes import did_you_mean

            hint = did_you_mean(code.upper(), CODES) or "see docs/diagnostics.md for the codes"
            fail_usage(f"--ignore: unknown code '{code}' ({hint})")
    require_folder(articles)
    checked = load(bank_files(paths), articles, strict=strict, ignore=ignore or ())
    print_diagnostics(checked, output_format)
    if output_format is OutputFormat.text and not quiet:
        say(summary_of(checked), err=True, fg=None if checked.ok else typer.colors.RED)
        say(evidence_note(checked, articles), err=True)
    raise typer.Exit(0 if checked.ok else 1)
