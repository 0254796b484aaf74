"""The typed model of a question bank: what every stage after `read` works on.

Plain frozen dataclasses. Each object keeps a `where` map from a field name (or
`field.N` for the N-th item of a list, `""` for the object itself) to the place in
the YAML file it came from, so any later stage can point an author at it.
Nothing downstream of `read` touches YAML, and nothing mutates these objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, NamedTuple


class Pos(NamedTuple):
    """A 1-based line and column in a bank file. A tuple: millions are made when reading."""

    line: int
    col: int


NOWHERE = Pos(1, 1)

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True, kw_only=True)
class Located:
    where: Mapping[str, Pos] = field(default_factory=dict, compare=False, repr=False)
    # Attributes whose value was missing or unusable (already reported by the reader); they
    # hold placeholders, so that checks of the other attributes can still run. A bank with
    # anything broken, in itself or in a question, never reaches a writer.
    broken: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def pos(self, key: str = "") -> Pos:
        """Where `key` was written: `choices.2`, else `choices`, else the object itself."""
        where = self.where
        return where.get(key) or where.get(key.partition(".")[0]) or where.get("") or NOWHERE


@dataclass(frozen=True, kw_only=True)
class Question(Located):
    """Fields every kind of question has. Concrete kinds below add their own."""

    kind: ClassVar[str] = ""

    id: str
    prompt: str = ""
    explanation: str = ""
    evidence: tuple[str, ...] = ()
    difficulty: str | None = None
    points: float = 1
    tags: tuple[str, ...] = ()
    image: str | None = None
    # Warnings the author accepted for this question: (code, reason), as `accepted:` lists them.
    accepted: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Choice(Question):
    """Pick exactly one of `choices`."""

    kind: ClassVar[str] = "choice"
    choices: tuple[str, ...]
    answer: str
    shuffle: bool = True


@dataclass(frozen=True, kw_only=True)
class Multi(Question):
    """Select all that apply: `answers` is one or more of `choices`."""

    kind: ClassVar[str] = "multi"
    choices: tuple[str, ...]
    answers: tuple[str, ...]
    shuffle: bool = True


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """The prompt is a statement; `answer` says whether it is true."""

    kind: ClassVar[str] = "truefalse"
    answer: bool


@dataclass(frozen=True, kw_only=True)
class Short(Question):
    """A short free answer; `accept` lists other answers that count as right."""

    kind: ClassVar[str] = "short"
    answer: str
    accept: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """A number, right within `tolerance` (absolute), in `unit`."""

    kind: ClassVar[str] = "numeric"
    answer: float
    tolerance: float = 0
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class Cloze(Question):
    """Text with Anki deletions `{{c1::answer}}` / `{{c1::answer::hint}}`."""

    kind: ClassVar[str] = "cloze"
    text: str


@dataclass(frozen=True, kw_only=True)
class Match(Question):
    """Match each left side to its right side."""

    kind: ClassVar[str] = "match"
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, kw_only=True)
class Order(Question):
    """Put `items` (written in the right order) back in order."""

    kind: ClassVar[str] = "order"
    items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Open(Question):
    """An essay or discussion question; `answer` is a model answer for the key."""

    kind: ClassVar[str] = "open"
    answer: str = ""
    lines: int = 6


QUESTION_KINDS: dict[str, type[Question]] = {
    cls.kind: cls for cls in (Choice, Multi, TrueFalse, Short, Numeric, Cloze, Match, Order, Open)
}


@dataclass(frozen=True, kw_only=True)
class Source(Located):
    """The article a bank was written from; its questions are true as of `published`."""

    title: str
    file: str = ""
    published: str = ""
    url: str = ""


@dataclass(frozen=True, kw_only=True, eq=False)
class Bank(Located):
    """One YAML file of questions. Compared by identity: two reads are two banks."""

    id: str
    title: str
    path: Path
    questions: tuple[Question, ...] = ()
    source: Source | None = None
    deck: str = ""
    tags: tuple[str, ...] = ()
    accepted: tuple[tuple[str, str], ...] = ()  # warnings accepted in the whole bank: (code, reason)
    # Questions with broken attributes: checked as far as they can be, never written.
    unsound: tuple[Question, ...] = field(default=(), compare=False, repr=False)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def files(self) -> tuple[Path, ...]:
        """The files this bank reads: itself and its images (outputs must never replace them)."""
        images = dict.fromkeys(self.folder / q.image for q in self.questions if q.image)
        return (self.path, *images)

    @property
    def deck_name(self) -> str:
        """The Anki deck: the bank's `deck`, else `Quizgen::<title>`."""
        return self.deck or f"Quizgen::{self.title}"
