"""The few exceptions that reach a user. The CLI maps each to a message and an exit code.

A user's mistake in a bank is never an exception: it is a `Diagnostic`. These are for
what stops a command from the outside (an output that cannot be written, a renderer
that fails). Any other exception is a bug in quizgen.
"""


class QuizgenError(Exception):
    """Base class: the message is shown to the user as it is, with exit code 1."""


class OutputError(QuizgenError):
    """An output file or folder cannot be written."""


class RenderError(QuizgenError):
    """A renderer (Typst) failed on content that passed the checks."""


class TargetRefused(OutputError):
    """An output path names something quizgen must not replace (a device, a link, an input).

    The command line asked for it, so the CLI treats it as a usage error (exit 2).
    """
