"""`quizgen build`: every bank into one Anki package plus a printable quiz and key per bank."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quizgen.bank.model import Bank
from quizgen.clock import published_time
from quizgen.output import OutputSet

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


def targets(files: BuildPlan) -> list[Path]:
    """Every file a build writes: the package, its lock, and each bank's quiz and key."""
    from quizgen.anki import lock_path_for
    from quizgen.paper.document import key_path

    quizzes = [path for quiz in files.quizzes.values() for path in (quiz, key_path(quiz))]
    return [files.deck, lock_path_for(files.deck), *quizzes]


def build(
    banks: Sequence[Bank],
    out_dir: Path,
    *,
    timestamp: float,
    paper: str = "a4",
    progress: Callable[[str, int, int], None] = lambda step, done, total: None,
    pinned: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Write the deck and every bank's quiz and key into `out_dir` as one set; say what was written.

    Everything is rendered before anything replaces a file, so a failure anywhere (a
    Typst error in the last bank, a full disk) leaves the previous build as it was.
    `banks` must have passed the checks. `progress(step, done, total)` is told each step
    before it starts; `on_wait` is told once if another run holds `out_dir`.
    `timestamp` is the mod time of new and edited notes; with `pinned` (SOURCE_DATE_EPOCH) it
    dates every file, else each file is dated by its content (quizgen.clock).
    """
    from quizgen import anki
    from quizgen.paper import pdf

    files = plan(banks, out_dir)
    inputs = [path for bank in banks for path in bank.files]
    total = 2 + len(banks)
    with OutputSet(targets(files), inputs=inputs, on_wait=on_wait) as out:
        progress(f"Anki package {files.deck.name}", 0, total)
        lock_path = anki.lock_path_for(files.deck)
        package, lock, deck = anki.render_deck(
            select(banks), timestamp=timestamp, lock_path=lock_path, pinned=pinned
        )
        out.add(files.deck, package)
        out.add(lock_path, lock)
        del package, lock  # on disk now; a big build should not hold every file in memory
        for done, bank in enumerate(banks, start=1):
            path = files.quizzes[bank.id]
            progress(f"quiz {path.name}", done, total)
            # Duplex-ready (no sheet carries two versions), with the instructions that fit the paper.
            settings = QuizSettings(
                title=bank.title, seed=BUILD_SEED, versions=BUILD_VERSIONS, shuffle=True, duplex=True
            )
            date = int(timestamp) if pinned else published_time([bank])
            quiz = build_quiz(select([bank]), settings)
            for target, data in pdf.render_files(quiz, path, paper=paper, timestamp=date).items():
                out.add(target, data)
        progress("writing the files", total - 1, total)
        written = out.commit()
    return BuildResult(written, deck)
