"""`quizgen build`: every bank into one Anki package plus a printable quiz and key per bank."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quizgen.bank.model import Bank
from quizgen.clock import published_time

if TYPE_CHECKING:
    from quizgen.anki import AnkiSummary
from quizgen.select import QuizSettings, build_quiz, select

# What `build` prints for each bank: every question, two versions, so a teacher can
# seat neighbours apart. The seed is fixed so a rebuild prints the same papers.
BUILD_VERSIONS = 2
BUILD_SEED = "quizgen-build"


@dataclass(frozen=True)
class BuildPlan:
    """The files a build writes, named before anything is written."""

    deck: Path
    quizzes: dict[str, Path]  # bank id -> quiz PDF (its key beside it)


@dataclass(frozen=True)
class BuildResult:
    files: list[Path]
    deck: AnkiSummary


def slug(text: str) -> str:
    """`Belarus and the war` -> `belarus-and-the-war`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "deck"


def package_name(banks: Sequence[Bank]) -> str:
    """The .apkg name: the decks' common top level, else the one bank's id, else 'quizgen'."""
    tops = {bank.deck_name.split("::")[0].strip() for bank in banks}
    if len(tops) == 1:
        return slug(tops.pop())
    return banks[0].id if len(banks) == 1 else "quizgen"


def plan(banks: Sequence[Bank], out_dir: Path) -> BuildPlan:
    return BuildPlan(
        deck=out_dir / f"{package_name(banks)}.apkg",
        quizzes={bank.id: out_dir / f"{bank.id}-quiz.pdf" for bank in banks},
    )


def build(
    banks: Sequence[Bank],
    out_dir: Path,
    *,
    timestamp: float,
    paper: str = "a4",
    progress: Callable[[str, int, int], None] = lambda step, done, total: None,
    pinned: bool = True,
) -> BuildResult:
    """Write the deck and every bank's quiz and key into `out_dir`; say what was written.

    `banks` must have passed the checks. `progress(step, done, total)` is told each step before it starts.
    `timestamp` is the mod time of new and edited notes; with `pinned` (SOURCE_DATE_EPOCH) it
    dates every file, else each file is dated by its content (quizgen.clock).
    """
    from quizgen import anki
    from quizgen.paper import pdf

    files = plan(banks, out_dir)
    total = 1 + len(banks)
    progress(f"Anki package {files.deck.name}", 0, total)
    deck = anki.write_deck(select(banks), files.deck, timestamp=timestamp, pinned=pinned)
    written = [files.deck, anki.lock_path_for(files.deck)]
    for done, bank in enumerate(banks, start=1):
        out = files.quizzes[bank.id]
        progress(f"quiz {out.name}", done, total)
        # Duplex-ready (no sheet carries two versions), with the instructions that fit the paper.
        settings = QuizSettings(
            title=bank.title, seed=BUILD_SEED, versions=BUILD_VERSIONS, shuffle=True, duplex=True
        )
        quiz = build_quiz(select([bank]), settings)
        date = int(timestamp) if pinned else published_time([bank])
        written.extend(pdf.write(quiz, out, paper=paper, key=True, timestamp=date))
    return BuildResult(written, deck)
