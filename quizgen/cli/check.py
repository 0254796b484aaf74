"""`quizgen check`: every problem of the banks, as path:line:col."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Annotated, Optional

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
    require_articles_found,
    require_folder,
    say,
    summary_of,
)
from quizgen.cli.root import Command, app

if TYPE_CHECKING:
    from quizgen.bank.accept import Accepted


def accepted_text(accepted: Accepted) -> str:
    """An accepted warning as `check --show-accepted` prints it: where, what, and why."""
    from quizgen.diagnostics import terminal_safe

    d = accepted.diagnostic
    return (
        f"{terminal_safe(d.path)}:{d.line}:{d.col}: accepted: {terminal_safe(d.message)} [{d.code}]\n"
        f"    reason ({terminal_safe(accepted.by)}): {terminal_safe(accepted.reason)}"
    )


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
    show_accepted: Annotated[
        bool,
        typer.Option("--show-accepted", help="Also print the accepted warnings, each with its reason."),
    ] = False,
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
    # The banks live until the process ends: the cycle collector need never walk them (at
    # 100,000 questions it would, several times over, while the warnings are printed).
    gc.freeze()
    require_articles_found(checked, articles)
    print_diagnostics(checked, output_format)
    if show_accepted and output_format is OutputFormat.text:
        for accepted in checked.accepted:
            say(accepted_text(accepted))
    if output_format is OutputFormat.text and not quiet:
        say(summary_of(checked), err=True, fg=None if checked.ok else typer.colors.RED)
        say(evidence_note(checked, articles), err=True)
    raise typer.Exit(0 if checked.ok else 1)
