"""The `quizgen` application: the Typer app every command registers on, and usage errors
in quizgen's words.

Each command lives in its own module beside this one (check.py, anki.py, quiz.py, ...);
`quizgen.cli` imports them all so that they register. Heavy libraries are imported inside
the commands, so `quizgen --help` starts fast.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer
from typer._click import core as click_core  # Typer's own copy of Click raises these
from typer._click import exceptions as click_errors
from typer.core import TyperCommand, TyperGroup

from quizgen import __version__
from quizgen.cli.common import say


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


class Command(TyperCommand):
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


def _version(value: bool) -> None:
    if value:
        say(f"quizgen {__version__}")
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
