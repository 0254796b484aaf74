"""`quizgen build`: check everything, then the Anki package and every bank's quiz and key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizgen.cli.common import (
    Articles,
    Paper,
    Paths,
    Quiet,
    Strict,
    evidence_note,
    fail_usage,
    load_or_exit,
    plural,
    read_clock,
    report_deck,
    report_written,
    run_writer,
    say,
    say_waiting,
)
from quizgen.cli.root import Command, app

if TYPE_CHECKING:
    from quizgen.build import BuildResult


@app.command(cls=Command, short_help="Check, then build the Anki package and every bank's quiz and key.")
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
    now = read_clock()
    if out.exists() and not out.is_dir():
        fail_usage(f"--out: {out} is a file, not a folder")
    checked = load_or_exit(paths, articles, strict, quiet)
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
                on_wait=say_waiting,
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

    result = run_writer(run)
    report_written(result.files, quiet)
    report_deck(result.deck, quiet)
    if not quiet:
        questions = sum(len(b.questions) for b in checked.banks)
        summary = f"{plural(len(checked.banks), 'bank')}, {plural(questions, 'question')}"
        say(f"built {summary} into {out}/", err=True)
        say(evidence_note(checked, articles), err=True)
