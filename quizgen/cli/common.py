"""What every command shares: option types, printing, usage errors, loading banks and
writing output sets. Commands parse and wire; the work stays in the stage packages."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional, TypeVar

import typer

T = TypeVar("T")

if TYPE_CHECKING:
    from quizgen.anki import AnkiSummary
    from quizgen.bank.check import Checked
    from quizgen.clock import Clock
    from quizgen.diagnostics import Diagnostic
    from quizgen.select import Filter

DEFAULT_BANKS = Path("questions")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def say(text: str, *, err: bool = False, fg: str | None = None) -> None:
    """Print a line for the user; everything quizgen prints goes through here.

    Control characters are escaped (a bank's ESC or CR never reaches the terminal), colour
    is used only on a terminal and not under NO_COLOR, and a stream that cannot be written
    (a full disk, a closed pipe) is handled in `_stream_failed`, never a traceback.
    """
    import os

    from quizgen.diagnostics import terminal_safe

    text = terminal_safe(text, keep="\n")
    try:
        if fg is None or os.environ.get("NO_COLOR"):  # https://no-color.org: set and not empty
            typer.echo(text, err=err)  # secho would still end the line with a colour reset
        else:
            typer.secho(text, err=err, fg=fg)
    except OSError as exc:
        _stream_failed(err, exc)


def _stream_failed(err: bool, exc: OSError) -> None:
    """Standard output is the result (diagnostics, a schema): losing it is an error, exit 1;
    a reader who closed the pipe (`| head`) wanted no more, so that exit is quiet. Standard
    error only carries news about the work, which goes on without it."""
    import errno
    import os

    stream = sys.stderr if err else sys.stdout
    try:  # later writes and the final flush at exit go nowhere instead of failing again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests capture output); nothing will flush it at exit
    if err:
        return
    if exc.errno != errno.EPIPE:
        reason = exc.strerror or str(exc)
        say(f"quizgen: error: cannot write to standard output: {reason}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


Paths = Annotated[
    Optional[list[Path]],  # noqa: UP045 - Typer needs Optional here
    typer.Argument(
        help="Bank files or folders (searched for *.yaml/*.yml). Default: questions/",
        metavar="PATHS",
        show_default=False,
    ),
]
Articles = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--articles", metavar="FOLDER", help="Folder of source articles; checks every evidence quote."
    ),
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")]


def fail_usage(message: str) -> NoReturn:
    say(f"quizgen: error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(2)


def require_text(option: str, value: str | None) -> None:
    """Refuse an argument holding bytes that are not UTF-8: it cannot be printed or seeded."""
    if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):
        fail_usage(
            f"{option} is not valid UTF-8 text: '{value}'; set the terminal to UTF-8 (e.g. LANG=C.UTF-8)"
        )


def require_folder(articles: Path | None) -> None:
    if articles is not None and not articles.is_dir():
        fail_usage(f"--articles: no such folder: {articles}")


def bank_files(paths: list[Path] | None) -> list[Path]:
    """The paths to read (folders are searched again by `load`, which reports every entry
    it passes over as QG007); a usage error when one is missing or none holds a bank."""
    from quizgen.bank.read import find_bank_files

    named = paths or [DEFAULT_BANKS]
    found = find_bank_files(named)
    if found.missing:
        fail_usage(f"no such file or folder: {', '.join(found.missing)}")
    if not found.files:
        shown = ", ".join(str(p) for p in named)
        passed = "".join(f"; {s.text()}" for s in found.skipped[:3])
        fail_usage(f"no bank files (*.yaml, *.yml) in {shown}{passed}")
    return named


def print_diagnostics(
    checked: Checked, fmt: OutputFormat = OutputFormat.text, *, errors_only: bool = False
) -> None:
    from quizgen.diagnostics import Severity, render

    if fmt is not OutputFormat.text:
        if checked.diagnostics or fmt is OutputFormat.json:
            say(render(checked.diagnostics, fmt.value))
        return
    # Printed a block of lines of one colour at a time, not a line at a time: a large bank
    # has a warning or two per question, and each `say` costs as much as formatting one.
    block: list[str] = []
    block_color = ""
    for d in checked.diagnostics:
        if errors_only and d.severity is not Severity.ERROR:
            continue
        color = typer.colors.RED if d.severity is Severity.ERROR else typer.colors.YELLOW
        if block and (color != block_color or len(block) >= _BLOCK_LINES):
            say("\n".join(block), fg=block_color)
            block = []
        block.append(d.format_text())
        block_color = color
    if block:
        say("\n".join(block), fg=block_color)


_BLOCK_LINES = 1000


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def summary_of(checked: Checked) -> str:
    errors = sum(d.severity.value == "error" for d in checked.diagnostics)
    warnings = len(checked.diagnostics) - errors
    questions = sum(len(b.questions) for b in checked.banks)
    accepted = f", {len(checked.accepted)} accepted" if checked.accepted else ""
    return (
        f"{plural(len(checked.banks), 'bank')}, {plural(questions, 'question')}: "
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}{accepted}"
    )


def warnings_line(checked: Checked) -> str:
    """What commands other than `check` say of warnings: one line ('' when there are none)."""
    if not checked.warnings:
        return ""
    accepted = f", {len(checked.accepted)} accepted" if checked.accepted else ""
    return f"{plural(checked.warnings, 'warning')}{accepted}: run quizgen check"


def evidence_note(checked: Checked, articles: Path | None) -> str:
    """What provenance covered, or that it was not checked."""
    found = checked.evidence
    if articles is None or found is None:
        return "evidence not verified: give --articles DIR"
    note = f"evidence: {plural(found.quotes, 'quote')} found in {plural(found.articles, 'article')}"
    return note + (f"; {found.missing} not found" if found.missing else "")


def load_or_exit(
    paths: list[Path] | None, articles: Path | None, strict: bool, quiet: bool = False
) -> Checked:
    """Read and check; print problems; exit 1 (writing nothing) when there is an error."""
    from quizgen.bank.check import load

    require_folder(articles)
    checked = load(bank_files(paths), articles, strict=strict)
    require_articles_found(checked, articles)
    # Errors in full (they say why nothing is written); warnings only counted: `check` is the
    # one place that prints them (and --strict has made them errors).
    print_diagnostics(checked, errors_only=True)
    if not checked.ok:
        say(summary_of(checked) + "; nothing written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    if not quiet and warnings_line(checked):
        say(warnings_line(checked), err=True)
    return checked


def require_articles_found(checked: Checked, articles: Path | None) -> None:
    """--articles at a folder holding none of the banks' articles is a usage error (exit 2)."""
    if articles is None or checked.evidence is None or checked.evidence.articles:
        return
    named = sorted({b.source.file for b in checked.banks if b.source is not None and b.source.file})
    if named:
        shown = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
        fail_usage(f"--articles: none of the banks' articles ({shown}) is in {articles.resolve()}")


Tags = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--tags", metavar="TAG", help="Only questions with one of these tags (repeat or comma-separate)."
    ),
]
Types = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--types", metavar="TYPE", help="Only these question types, e.g. choice,truefalse."),
]
Difficulty = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--difficulty", metavar="LEVEL", help="Only these difficulties: easy, medium, hard."),
]


def split_values(values: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for value in values or () for v in value.split(",") if v.strip())


def question_filter(tags: list[str] | None, types: list[str] | None, difficulty: list[str] | None) -> Filter:
    from quizgen.bank.model import DIFFICULTIES, QUESTION_KINDS
    from quizgen.bank.nodes import did_you_mean
    from quizgen.select import Filter

    chosen_types, chosen_levels = split_values(types), split_values(difficulty)
    for option, chosen, known in (
        ("--types", chosen_types, QUESTION_KINDS),
        ("--difficulty", chosen_levels, DIFFICULTIES),
    ):
        for value in sorted(chosen - set(known)):
            hint = did_you_mean(value, known) or "one of: " + ", ".join(known)
            fail_usage(f"{option}: unknown value '{value}' ({hint})")
    return Filter(split_values(tags), chosen_types, chosen_levels)


def read_clock() -> Clock:
    """The one place the environment and the clock are read (rules in quizgen.clock)."""
    import os
    import time

    from quizgen.clock import EpochError, clock

    try:
        return clock(os.environ.get("SOURCE_DATE_EPOCH"), time.time())
    except EpochError as exc:
        fail_usage(str(exc))


def report_written(paths: list[Path], quiet: bool) -> None:
    if not quiet:
        for path in paths:
            say(f"wrote {path}", err=True)


def run_writer(action: Callable[[], T]) -> T:
    """Run a writer; a failure from outside (disk, renderer) becomes a message and exit 1.

    An output the command line names but quizgen must not replace (a device, a symbolic
    link, an input bank) is a usage error: exit 2.
    """
    from quizgen.errors import QuizgenError, TargetRefused

    try:
        return action()
    except QuizgenError as exc:
        for line in str(exc).splitlines():
            say(f"quizgen: error: {line}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2 if isinstance(exc, TargetRefused) else 1) from None


def say_waiting(message: str) -> None:
    """Told once when another quizgen run holds the output folder (printed even with --quiet:
    a run that waits in silence looks hung)."""
    say(message, err=True)


def write_set(targets: list[Path], inputs: list[Path], render: Callable[[], dict[Path, bytes]]) -> list[Path]:
    """Claim `targets` (checked, locked), render, and write the files as one set."""
    from quizgen.output import OutputSet

    with OutputSet(targets, inputs=inputs, on_wait=say_waiting) as out:
        for path, data in render().items():
            out.add(path, data)
        return out.commit()


def report_deck(summary: AnkiSummary, quiet: bool) -> None:
    if not quiet:
        say(
            f"{plural(summary.notes, 'note')} ({plural(summary.cards, 'card')}) in "
            f"{plural(summary.decks, 'deck')}; {summary.changed} new or changed since the last build",
            err=True,
        )
    for name in summary.retyped:
        say(
            f"warning: question {name} changed its type of note; Anki will not update the old note "
            "on import (give the question a new id, see docs/anki.md)",
            err=True,
            fg=typer.colors.YELLOW,
        )


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


def print_list(diagnostics: list[Diagnostic]) -> None:
    from quizgen.diagnostics import Severity

    for d in diagnostics:
        color = typer.colors.RED if d.severity is Severity.ERROR else typer.colors.YELLOW
        say(d.format_text(), fg=color)
