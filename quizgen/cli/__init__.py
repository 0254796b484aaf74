"""The `quizgen` command: a thin shell over the library, one module per command.

`app.py` holds the Typer app and quizgen's usage errors, `common.py` what the commands
share (options, printing, loading, writing); each other module is one command and only
parses options and wires library calls. Importing this package registers every command.
"""

from quizgen.cli import anki, build, check, export, grade, quiz  # noqa: F401 - they register
from quizgen.cli.app import app, main

__all__ = ["app", "main"]
