"""The `quizgen` command: a thin shell over the library, one module per command.

`root.py` holds the Typer app and quizgen's usage errors, `common.py` what the commands
share (options, printing, loading, writing); each other module is one command and only
parses options and wires library calls.

`quizgen --help` and `quizgen --version` are answered here without importing Typer
(which alone costs three times Python's own start-up): the help text is Typer's own,
kept in help.txt, and tests/cli/test_cli.py fails when it no longer matches what Typer prints.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (a tenth of the start-up)
if TYPE_CHECKING:
    from typing import Any

    import typer

# The order of `quizgen --help`: the pipeline, from checking a bank to marking the sheets.
COMMANDS = ("check", "build", "anki", "quiz", "export", "grade", "schema")

# Click wraps help to the terminal, at most 80 columns; the saved text is that 80-column
# rendering, so it is only used where Click would print the same.
_HELP_WIDTH = 80


def load_app() -> typer.Typer:
    """The Typer app with every command registered (imports Typer)."""
    import importlib

    from quizgen.cli.root import app

    for name in COMMANDS:
        importlib.import_module(f"quizgen.cli.{name}")
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return load_app()
    raise AttributeError(f"module 'quizgen.cli' has no attribute '{name}'")


def saved_help() -> str | None:
    """The top-level help as Typer prints it at 80 columns, if it is saved beside this file."""
    try:
        with open(os.path.join(os.path.dirname(__file__), "help.txt"), encoding="utf-8") as file:
            return file.read()
    except OSError:
        return None


def save_help() -> None:
    """Save Typer's 80-column `quizgen --help` as help.txt (after a command's summary changes)."""
    import contextlib
    import io

    os.environ["COLUMNS"] = str(_HELP_WIDTH)
    text = io.StringIO()
    with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
        load_app()(["--help"], prog_name="quizgen")
    with open(os.path.join(os.path.dirname(__file__), "help.txt"), "w", encoding="utf-8") as file:
        file.write(text.getvalue())


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() (which Click asks) gives it."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def _fast_answer(args: list[str]) -> str | None:
    """What `quizgen --help` / `-h` / no arguments / `--version` print, or None for the rest."""
    if args == ["--version"]:
        from quizgen import __version__

        return f"quizgen {__version__}\n"
    if args not in ([], ["--help"], ["-h"]):
        return None
    if _columns() < _HELP_WIDTH:
        return None  # Click wraps narrower: let it
    return saved_help()


def main() -> None:
    """Console-script entry point."""
    text = _fast_answer(sys.argv[1:])
    if text is not None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `quizgen --help | head -1`: the reader wanted no more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        except OSError as exc:
            sys.stderr.write(f"quizgen: error: cannot write to standard output: {exc.strerror}\n")
            raise SystemExit(1) from None
        return
    # No arguments at all is a request for help (exit 0), at any terminal width.
    load_app()(args=sys.argv[1:] or ["--help"], prog_name="quizgen")
