"""The `quizgen` command: a thin shell over the library.

Commands parse options, call library functions and format what comes back. Heavy
modules (genanki, typst, jinja2, yaml) are imported inside the commands that need
them, so `quizgen --help` starts fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from quizgen import __version__

if TYPE_CHECKING:
    from quizgen.check import Checked

app = typer.Typer(
    name="quizgen",
    help="Compile YAML question banks into Anki decks and printable quizzes with answer keys.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_BANKS = Path("questions")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizgen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Compile YAML question banks into Anki decks and printable quizzes with answer keys."""


Paths = Annotated[
    Optional[list[Path]],  # noqa: UP045 - Typer needs Optional here
    typer.Argument(help="Bank files or folders (searched for *.yaml/*.yml). Default: questions/"),
]
Articles = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--articles", help="Folder of source articles; checks every evidence quote."),
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")]


def _fail_usage(message: str) -> NoReturn:
    typer.secho(f"quizgen: error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(2)


def _bank_files(paths: list[Path] | None) -> list[Path]:
    from quizgen.read import find_bank_files

    files, missing = find_bank_files(paths or [DEFAULT_BANKS])
    if missing:
        _fail_usage(f"no such file or folder: {', '.join(missing)}")
    if not files:
        shown = ", ".join(str(p) for p in paths or [DEFAULT_BANKS])
        _fail_usage(f"no bank files (*.yaml, *.yml) in {shown}")
    return files


def _print_diagnostics(checked: Checked, fmt: OutputFormat = OutputFormat.text) -> None:
    from quizgen.diagnostics import Severity, render

    if fmt is not OutputFormat.text:
        if checked.diagnostics or fmt is OutputFormat.json:
            typer.echo(render(checked.diagnostics, fmt.value))
        return
    for d in checked.diagnostics:
        color = typer.colors.RED if d.severity is Severity.ERROR else typer.colors.YELLOW
        typer.secho(d.format_text(), fg=color, err=False)


def _summary(checked: Checked) -> str:
    errors = sum(d.severity.value == "error" for d in checked.diagnostics)
    warnings = len(checked.diagnostics) - errors
    questions = sum(len(b.questions) for b in checked.banks)
    banks = len(checked.banks)
    return (
        f"{banks} bank{'s' * (banks != 1)}, {questions} question{'s' * (questions != 1)}: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    )


def _load_or_exit(
    paths: list[Path] | None, articles: Path | None, strict: bool, quiet: bool = False
) -> Checked:
    """Read and check; print problems; exit 1 (writing nothing) when there is an error."""
    from quizgen.check import load

    if articles is not None and not articles.is_dir():
        _fail_usage(f"--articles: no such folder: {articles}")
    checked = load(_bank_files(paths), articles, strict=strict)
    _print_diagnostics(checked)
    if not checked.ok:
        typer.secho(_summary(checked) + "; nothing written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    if not quiet and checked.diagnostics:
        typer.echo(_summary(checked), err=True)
    return checked


@app.command()
def check(
    paths: Paths = None,
    articles: Articles = None,
    strict: Strict = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="How to print problems.")
    ] = OutputFormat.text,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--ignore", help="Skip a diagnostic code (repeatable), e.g. QG050."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Check banks and report every problem as path:line:col.

    Exit status: 0 clean, 1 problems found, 2 usage error.

    Example: quizgen check questions/ --articles ../shared/articles --strict
    """
    from quizgen.check import load

    if articles is not None and not articles.is_dir():
        _fail_usage(f"--articles: no such folder: {articles}")
    checked = load(_bank_files(paths), articles, strict=strict, ignore=ignore or ())
    _print_diagnostics(checked, output_format)
    if output_format is OutputFormat.text and not quiet:
        typer.secho(_summary(checked), err=True, fg=None if checked.ok else typer.colors.RED)
    raise typer.Exit(0 if checked.ok else 1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the bank format (for editors' YAML language servers).

    Example: quizgen schema > bank.schema.json
    """
    import json

    from quizgen.schema import bank_schema

    typer.echo(json.dumps(bank_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="quizgen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
