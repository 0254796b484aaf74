"""The `quizgen` command: a thin shell over the library.

Commands parse options, call library functions and format what comes back. Heavy
modules (genanki, typst, jinja2, yaml) are imported inside the commands that need
them, so `quizgen --help` starts fast.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional, TypeVar

import typer
from typer._click import core as click_core  # Typer's own copy of Click raises these
from typer._click import exceptions as click_errors
from typer.core import TyperCommand, TyperGroup

from quizgen import __version__

T = TypeVar("T")

if TYPE_CHECKING:
    from quizgen.anki import AnkiSummary
    from quizgen.bank.check import Checked
    from quizgen.build import BuildResult
    from quizgen.clock import Clock
    from quizgen.diagnostics import Diagnostic
    from quizgen.select import Filter


class _UsageError(click_errors.UsageError):
    """A usage error printed as every quizgen usage error is: `quizgen: error: ...`, exit 2."""

    def show(self, file: object = None) -> None:
        typer.secho(f"quizgen: error: {self.message}", err=True, fg=typer.colors.RED)
        command = self.ctx.command_path if self.ctx else "quizgen"
        typer.echo(f"(see '{command} --help')", err=True)


# Typer's validation messages in the words of the rest of quizgen's errors.
_REWORDED = (
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), r"must be at least \1"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), r"must be at most \1"),
    (re.compile(r"^Input should be a valid integer.*"), "must be a whole number"),
    (re.compile(r"^Input should be a valid number.*"), "must be a number"),
    (re.compile(r"^Value error, (.*?)\.?$"), r"\1"),
)


def _usage_message(exc: click_errors.UsageError) -> str:
    """Click's message in quizgen's words: the option first, then what is wrong with it."""
    message = exc.message.strip()
    if isinstance(exc, click_errors.BadParameter) and exc.param is not None:
        for pattern, words in _REWORDED:
            message = pattern.sub(words, message)
        names = getattr(exc.param, "opts", None) or [str(exc.param.name)]
        name = max(names, key=len) if exc.param.param_type_name == "option" else names[0].upper()
        return f"{name}: {message.rstrip('.')}"
    return message.rstrip(".")


class _Group(TyperGroup):
    """Turns Click's own usage errors (a bad value, an option out of range, an unknown
    option) into quizgen's form, so every usage error reads the same."""

    def make_context(self, *args: Any, **kwargs: Any) -> click_core.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click_errors.UsageError as exc:
            if isinstance(exc, _UsageError):
                raise
            raise _UsageError(_usage_message(exc), exc.ctx) from None

    def invoke(self, ctx: click_core.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as exc:
            if isinstance(exc, _UsageError):
                raise
            raise _UsageError(_usage_message(exc), exc.ctx) from None


class _Command(TyperCommand):
    """A command whose help shows no programmer types: `PATHS...`, not `PATHS... <list[Path]>`,
    and `-n N`, not `-n <int range>` (an option that names its own metavar keeps it)."""

    def get_help(self, ctx: click_core.Context) -> str:
        text = _TYPE_LABEL.sub(lambda m: " " * len(m.group(0)), super().get_help(ctx))
        # Same width, so the help columns stay aligned.
        return _PLAIN_TYPE.sub(lambda m: _PLAIN_WORDS[m.group(1)].ljust(len(m.group(0))), text)


_TYPE_LABEL = re.compile(r" <[A-Za-z_]+\[[A-Za-z_]+\]>")
_PLAIN_WORDS = {
    "int range": "N",
    "int": "N",
    "float": "NUMBER",
    "float range": "NUMBER",
    "path": "PATH",
    "str": "TEXT",
    "text": "TEXT",
}
_PLAIN_TYPE = re.compile(r"<(" + "|".join(sorted(_PLAIN_WORDS, key=len, reverse=True)) + r")>")


app = typer.Typer(
    name="quizgen",
    cls=_Group,
    help="""Compile YAML question banks into Anki decks, printable quizzes with answer keys,
answer sheets marked by scanning, and files Moodle and Canvas import.

\b
First step: check the banks in questions/ against their articles:
  quizgen check questions/ --articles ../shared/articles
Then build every deck, quiz and key into decks/:
  quizgen build questions/ --articles ../shared/articles
Or print one quiz: quizgen quiz questions/ -n 20 -v 3 -o monday.pdf

Each command's --help has an example. Bank format: docs/format.md.""",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_BANKS = Path("questions")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _say(text: str, *, err: bool = False, fg: str | None = None) -> None:
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
        _say(f"quizgen: error: cannot write to standard output: {reason}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        _say(f"quizgen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Compile YAML question banks into Anki decks, printable quizzes with answer keys,
    answer sheets marked by scanning, and files Moodle and Canvas import."""


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


def _fail_usage(message: str) -> NoReturn:
    _say(f"quizgen: error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(2)


def _require_text(option: str, value: str | None) -> None:
    """Refuse an argument holding bytes that are not UTF-8: it cannot be printed or seeded."""
    if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):
        _fail_usage(
            f"{option} is not valid UTF-8 text: '{value}'; set the terminal to UTF-8 (e.g. LANG=C.UTF-8)"
        )


def _require_folder(articles: Path | None) -> None:
    if articles is not None and not articles.is_dir():
        _fail_usage(f"--articles: no such folder: {articles}")


def _bank_files(paths: list[Path] | None) -> list[Path]:
    from quizgen.bank.read import find_bank_files

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
            _say(render(checked.diagnostics, fmt.value))
        return
    for d in checked.diagnostics:
        color = typer.colors.RED if d.severity is Severity.ERROR else typer.colors.YELLOW
        _say(d.format_text(), fg=color)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _summary(checked: Checked) -> str:
    errors = sum(d.severity.value == "error" for d in checked.diagnostics)
    warnings = len(checked.diagnostics) - errors
    questions = sum(len(b.questions) for b in checked.banks)
    return (
        f"{_count(len(checked.banks), 'bank')}, {_count(questions, 'question')}: "
        f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
    )


def _evidence_note(checked: Checked, articles: Path | None) -> str:
    """What provenance covered, or that it was not checked."""
    found = checked.evidence
    if articles is None or found is None:
        return "evidence not verified: give --articles DIR"
    note = f"evidence: {_count(found.quotes, 'quote')} found in {_count(found.articles, 'article')}"
    return note + (f"; {found.missing} not found" if found.missing else "")


def _load_or_exit(
    paths: list[Path] | None, articles: Path | None, strict: bool, quiet: bool = False
) -> Checked:
    """Read and check; print problems; exit 1 (writing nothing) when there is an error."""
    from quizgen.bank.check import load

    _require_folder(articles)
    checked = load(_bank_files(paths), articles, strict=strict)
    _print_diagnostics(checked)
    if not checked.ok:
        _say(_summary(checked) + "; nothing written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    if not quiet and checked.diagnostics:
        _say(_summary(checked), err=True)
    return checked


@app.command(cls=_Command, short_help="Check banks; report every problem as path:line:col.")
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
            _fail_usage(f"--ignore: unknown code '{code}' ({hint})")
    _require_folder(articles)
    checked = load(_bank_files(paths), articles, strict=strict, ignore=ignore or ())
    _print_diagnostics(checked, output_format)
    if output_format is OutputFormat.text and not quiet:
        _say(_summary(checked), err=True, fg=None if checked.ok else typer.colors.RED)
        _say(_evidence_note(checked, articles), err=True)
    raise typer.Exit(0 if checked.ok else 1)


@app.command(cls=_Command, short_help="Print the JSON Schema of the bank format.")
def schema() -> None:
    """Print the JSON Schema of the bank format (for editors' YAML language servers).

    Example: quizgen schema > bank.schema.json
    """
    import json

    from quizgen.bank.schema import bank_schema

    _say(json.dumps(bank_schema(), indent=2))


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


def _split(values: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for value in values or () for v in value.split(",") if v.strip())


def _filter(tags: list[str] | None, types: list[str] | None, difficulty: list[str] | None) -> Filter:
    from quizgen.bank.model import DIFFICULTIES, QUESTION_KINDS
    from quizgen.bank.nodes import did_you_mean
    from quizgen.select import Filter

    chosen_types, chosen_levels = _split(types), _split(difficulty)
    for option, chosen, known in (
        ("--types", chosen_types, QUESTION_KINDS),
        ("--difficulty", chosen_levels, DIFFICULTIES),
    ):
        for value in sorted(chosen - set(known)):
            hint = did_you_mean(value, known) or "one of: " + ", ".join(known)
            _fail_usage(f"{option}: unknown value '{value}' ({hint})")
    return Filter(_split(tags), chosen_types, chosen_levels)


def _clock() -> Clock:
    """The one place the environment and the clock are read (rules in quizgen.clock)."""
    import os
    import time

    from quizgen.clock import EpochError, clock

    try:
        return clock(os.environ.get("SOURCE_DATE_EPOCH"), time.time())
    except EpochError as exc:
        _fail_usage(str(exc))


def _report_written(paths: list[Path], quiet: bool) -> None:
    if not quiet:
        for path in paths:
            _say(f"wrote {path}", err=True)


def _run_writer(action: Callable[[], T]) -> T:
    """Run a writer; a failure from outside (disk, renderer) becomes a message and exit 1.

    An output the command line names but quizgen must not replace (a device, a symbolic
    link, an input bank) is a usage error: exit 2.
    """
    from quizgen.errors import QuizgenError, TargetRefused

    try:
        return action()
    except QuizgenError as exc:
        for line in str(exc).splitlines():
            _say(f"quizgen: error: {line}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2 if isinstance(exc, TargetRefused) else 1) from None


def _say_waiting(message: str) -> None:
    """Told once when another quizgen run holds the output folder (printed even with --quiet:
    a run that waits in silence looks hung)."""
    _say(message, err=True)


def _write_set(
    targets: list[Path], inputs: list[Path], render: Callable[[], dict[Path, bytes]]
) -> list[Path]:
    """Claim `targets` (checked, locked), render, and write the files as one set."""
    from quizgen.output import OutputSet

    with OutputSet(targets, inputs=inputs, on_wait=_say_waiting) as out:
        for path, data in render().items():
            out.add(path, data)
        return out.commit()


@app.command(cls=_Command, short_help="Write an Anki package that updates in place on re-import.")
def anki(
    paths: Paths = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", metavar="FILE", help="The .apkg to write. Default: decks/<name>.apkg"),
    ] = None,
    tags: Tags = None,
    types: Types = None,
    difficulty: Difficulty = None,
    articles: Articles = None,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Write an Anki package: one deck per bank, notes that update in place on re-import.

    A lock file beside the package (<name>.lock.json) remembers each note's content
    hash and modification time; keep it with the package (see docs/anki.md).

    Example: quizgen anki questions/ -o decks/belarus.apkg --difficulty hard
    """
    flt = _filter(tags, types, difficulty)
    now = _clock()
    checked = _load_or_exit(paths, articles, strict, quiet)
    from quizgen import anki as anki_writer
    from quizgen.build import package_name
    from quizgen.select import select

    questions = select(checked.banks, flt)
    if not questions:
        _fail_usage("no questions match the filters")
    out = output or Path("decks") / f"{package_name(checked.banks)}.apkg"
    if out.suffix.lower() != ".apkg":
        _fail_usage(f"--output must end in .apkg, not '{out.name}'")
    summaries: list[anki_writer.AnkiSummary] = []

    lock = anki_writer.lock_path_for(out)

    def render() -> dict[Path, bytes]:
        # Under the folder's lock: the lock file read here is the one the package replaces.
        package, lock_data, summary = anki_writer.render_deck(
            questions, timestamp=now.now, lock_path=lock, pinned=now.pinned
        )
        summaries.append(summary)
        return {out: package, lock: lock_data}

    inputs = [path for bank in checked.banks for path in bank.files]
    _report_written(_run_writer(lambda: _write_set([out, lock], inputs, render)), quiet)
    _report_deck(summaries[0], quiet)


def _report_deck(summary: AnkiSummary, quiet: bool) -> None:
    if not quiet:
        _say(
            f"{_count(summary.notes, 'note')} ({_count(summary.cards, 'card')}) in "
            f"{_count(summary.decks, 'deck')}; {summary.changed} new or changed since the last build",
            err=True,
        )
    for name in summary.retyped:
        _say(
            f"warning: question {name} changed its type of note; Anki will not update the old note "
            "on import (give the question a new id, see docs/anki.md)",
            err=True,
            fg=typer.colors.YELLOW,
        )


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


class QuizFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"


class KeyLayout(StrEnum):
    full = "full"
    grid = "grid"
    none = "none"


@app.command(cls=_Command, short_help="Print a quiz in shuffled versions, with its answer key.")
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
            "grid (the one page a marker needs) or none.",
        ),
    ] = KeyLayout.full,
    no_key: Annotated[bool, typer.Option("--no-key", help="Write no key (same as --key none).")] = False,
    duplex: Annotated[
        bool,
        typer.Option(
            "--duplex", help="Pad each version and each part of the key to an even number of pages (PDF)."
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
    from quizgen.writers import format_for

    for option, value in (("--seed", seed), ("--title", title), ("--instructions", instructions)):
        _require_text(option, value)
    flt = _filter(tags, types, difficulty)
    fmt = output_format.value if output_format else (format_for(output) if output else None)
    if output is not None and fmt is None:
        _fail_usage(f"cannot tell the format of '{output.name}'; use --format pdf|html|md")
    fmt = fmt or "pdf"
    now = _clock()
    checked = _load_or_exit(paths, articles, strict, quiet)

    from quizgen.select import QuizSettings, build_quiz, default_title, select, without_giveaways
    from quizgen.writers import quiz_writer

    pool = select(checked.banks, flt)
    if not pool:
        _fail_usage("no questions match the filters")
    kept, left_out = without_giveaways(pool)
    if left_out and not quiet:
        names = ", ".join(f"{b.id}/{q.id}" for b, q in left_out)
        n = len(left_out)
        _say(
            f"note: left out {_count(n, 'question')} that would give away others' answers: {names}", err=True
        )
    if count is not None and count > len(kept):
        _fail_usage(f"--count {count}, but only {len(kept)} questions match; ask for fewer")
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

        options = sheet.SheetOptions(paper.value, student_digits, numeric_grids)
        targets += list(sheet.sheet_paths(out))
    inputs = [path for bank in checked.banks for path in bank.files]

    def render() -> dict[Path, bytes]:
        files: dict[Path, bytes] = writer.render_files(
            made, out, paper=paper.value, key=with_key, timestamp=date
        )
        if sheets:
            files.update(sheet.render_files(made, out, options, timestamp=date))
        return files

    _report_written(_run_writer(lambda: _write_set(targets, inputs, render)), quiet)


class ExportFormat(StrEnum):
    moodle = "moodle"
    gift = "gift"
    qti = "qti"
    csv = "csv"


class Separator(StrEnum):
    comma = "comma"
    tab = "tab"
    semicolon = "semicolon"


@app.command(cls=_Command, short_help="Export questions for Moodle, Canvas or a flashcard site.")
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
    flt = _filter(tags, types, difficulty)
    checked = _load_or_exit(paths, articles, strict, quiet)
    from quizgen.diagnostics import has_errors, promote_warnings
    from quizgen.lms import SEPARATORS, ExportOptions
    from quizgen.lms import export as export_questions
    from quizgen.select import sample, select

    pool = select(checked.banks, flt)
    if not pool:
        _fail_usage("no questions match the filters")
    if count is not None and count > len(pool):
        _fail_usage(f"--count {count}, but only {len(pool)} questions match; ask for fewer")
    chosen = sample(pool, count, seed)
    banks = list(dict.fromkeys(b for b, _ in chosen))
    options = ExportOptions(
        title=title or (banks[0].title if len(banks) == 1 else "Quiz"), separator=SEPARATORS[separator.value]
    )
    result = _run_writer(lambda: export_questions(chosen, fmt.value, options))
    problems = promote_warnings(result.diagnostics) if strict else result.diagnostics
    _print_list(problems)
    if has_errors(problems) or result.data is None:
        reason = "every question was left out" if result.data is None else f"{_count(len(problems), 'error')}"
        _say(f"quizgen: {reason}; nothing written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    data = result.data
    inputs = [path for bank in checked.banks for path in bank.files]
    _report_written(_run_writer(lambda: _write_set([output], inputs, lambda: {output: data})), quiet)
    if not quiet:
        left = len(chosen) - result.written
        note = f", {_count(left, 'question')} left out (see above)" if left else ""
        _say(f"{_count(result.written, 'question')} exported to {fmt.value}{note}", err=True)


def _print_list(diagnostics: list[Diagnostic]) -> None:
    from quizgen.diagnostics import Severity

    for d in diagnostics:
        color = typer.colors.RED if d.severity is Severity.ERROR else typer.colors.YELLOW
        _say(d.format_text(), fg=color)


@app.command(cls=_Command, short_help="Check, then build the Anki package and every bank's quiz and key.")
def build(
    paths: Paths = None,
    out: Annotated[Path, typer.Option("--out", metavar="FOLDER", help="Folder for the built files.")] = Path(
        "decks"
    ),
    articles: Articles = None,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size of the quizzes.")] = Paper.a4,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Check everything, then build the Anki package and each bank's quiz and key into decks/.

    Files: <deck>.apkg (+ <deck>.lock.json), and <bank>-quiz.pdf with <bank>-quiz-key.pdf
    for every bank, two versions each, ready to print double-sided. Nothing is written
    when a check fails.

    Example: quizgen build questions/ --articles ../shared/articles
    """
    now = _clock()
    if out.exists() and not out.is_dir():
        _fail_usage(f"--out: {out} is a file, not a folder")
    checked = _load_or_exit(paths, articles, strict, quiet)
    from quizgen.build import build as build_all

    show = not quiet and sys.stderr.isatty()

    def run() -> BuildResult:
        if not show:
            return build_all(
                checked.banks,
                out,
                timestamp=now.now,
                paper=paper.value,
                pinned=now.pinned,
                on_wait=_say_waiting,
            )
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("building")

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=step, completed=done, total=total)

            return build_all(
                checked.banks,
                out,
                timestamp=now.now,
                paper=paper.value,
                progress=progress,
                pinned=now.pinned,
                on_wait=bar.console.print,
            )

    result = _run_writer(run)
    _report_written(result.files, quiet)
    _report_deck(result.deck, quiet)
    if not quiet:
        questions = sum(len(b.questions) for b in checked.banks)
        summary = f"{_count(len(checked.banks), 'bank')}, {_count(questions, 'question')}"
        _say(f"built {summary} into {out}/", err=True)
        _say(_evidence_note(checked, articles), err=True)


class MultiRuleOption(StrEnum):
    all_or_nothing = "all-or-nothing"
    per_option = "per-option"


@app.command(cls=_Command, short_help="Mark scanned answer sheets: scores, doubts to review, item analysis.")
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
        _fail_usage(f"no such file or folder: {', '.join(missing)}")
    if not files:
        _fail_usage("no scans (*.pdf, *.png, *.jpg) in " + ", ".join(map(str, scans)))
    if report is not None and report.suffix.lower() not in (".html", ".htm"):
        _fail_usage(f"--report must end in .html, not '{report.name}'")
    from quizgen.grading import grade as grading

    data = _run_writer(lambda: grading.load_layout(layout))
    workers = min(os.cpu_count() or 1, 4)
    graded = grading.grade(
        files, data, multi=multi.value if multi else None, keep_images=review is not None, workers=workers
    )
    from quizgen.output import write_all

    written = _run_writer(lambda: write_all(grading.outputs(graded, data, output, json_out, review, report)))
    images = [p for p in written if review is not None and p.parent == review]
    _report_written([p for p in written if p not in images], quiet)
    if review is not None and not quiet:
        _say(f"wrote {_count(len(images), 'review image')} to {review}/", err=True)
    for item in graded.reviews:
        _say(f"review: {item.text()}", fg=typer.colors.YELLOW)  # _say escapes a QR code's controls
    sheets = graded.sheets
    if not quiet:
        pages = len(graded.scans)
        _say(
            f"{_count(pages, 'page')} read into {_count(len(sheets), 'sheet')}; "
            f"{_count(len(graded.reviews), 'item')} to review",
            err=True,
        )
    raise typer.Exit(1 if graded.reviews else 0)


def _scan_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    from quizgen.grading.grade import scan_files

    return scan_files(paths)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="quizgen")


if __name__ == "__main__":  # pragma: no cover
    main()
