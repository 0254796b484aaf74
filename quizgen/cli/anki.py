"""`quizgen anki`: one Anki package whose notes update in place on re-import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from quizgen.cli.common import (
    Articles,
    Difficulty,
    Paths,
    Quiet,
    Strict,
    Tags,
    Types,
    fail_usage,
    load_or_exit,
    question_filter,
    read_clock,
    report_deck,
    report_written,
    run_writer,
    write_set,
)
from quizgen.cli.root import Command, app


@app.command(cls=Command, short_help="Write an Anki package that updates in place on re-import.")
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
    flt = question_filter(tags, types, difficulty)
    now = read_clock()
    checked = load_or_exit(paths, articles, strict, quiet)
    from quizgen import anki as anki_writer
    from quizgen.build import package_name
    from quizgen.select import select

    questions = select(checked.banks, flt)
    if not questions:
        fail_usage("no questions match the filters")
    out = output or Path("decks") / f"{package_name(checked.banks)}.apkg"
    if out.suffix.lower() != ".apkg":
        fail_usage(f"--output must end in .apkg, not '{out.name}'")
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
    report_written(run_writer(lambda: write_set([out, lock], inputs, render)), quiet)
    report_deck(summaries[0], quiet)
