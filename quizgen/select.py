"""Select: filter questions, sample a quiz, and lay out its versions — all from one seed.

A version is a pure function of (questions, settings, version index): the random
generator of each step is seeded from the user's seed and the step's name, so the
same command always prints the same quiz, and adding a version never changes the
ones before it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from quizgen.bank import giveaway
from quizgen.bank.model import (
    Bank,
    Choice,
    Cloze,
    Match,
    Multi,
    Numeric,
    Open,
    Order,
    Question,
    Short,
    TrueFalse,
)
from quizgen.bank.numbers import format_number
from quizgen.bank.text import parse_cloze, plain
from quizgen.scoring import ScoringRules

# The order of sections on paper: quick objective questions first, writing last,
# as school tests are usually laid out.
SECTION_ORDER = ("truefalse", "choice", "multi", "match", "order", "cloze", "short", "numeric", "open")

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: choice and version letters."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = LETTERS[rest] + out
    return out


@dataclass(frozen=True)
class Filter:
    """Which questions to take; an empty set means no restriction."""

    tags: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    difficulties: frozenset[str] = frozenset()

    def accepts(self, bank: Bank, q: Question) -> bool:
        if self.types and q.kind not in self.types:
            return False
        if self.difficulties and (q.difficulty or "") not in self.difficulties:
            return False
        return not self.tags or not self.tags.isdisjoint((*bank.tags, *q.tags))


def select(banks: Iterable[Bank], flt: Filter = Filter()) -> list[tuple[Bank, Question]]:
    """The questions that pass `flt`, in file order."""
    return [(b, q) for b in banks for q in b.questions if flt.accepts(b, q)]


KEY_LAYOUTS = ("full", "grid")


@dataclass(frozen=True)
class QuizSettings:
    """What the teacher asked for."""

    title: str = "Quiz"
    # None: instructions that fit the kinds of question on the paper (circle, tick, write).
    instructions: str | None = None
    count: int | None = None  # None: every selected question
    seed: str = "0"
    versions: int = 1
    shuffle: bool = True
    # "full": the grid and every version's full key; "grid": the grid, the scoring rules and
    # the accepted and model answers, what a marker needs without the full keys.
    key_layout: str = "full"
    # Pad each version (and each part of the key) to an even number of pages, so that
    # printed double-sided no sheet carries two versions.
    duplex: bool = False
    # Printed with answer sheets (`quiz --sheets`): the paper tells pupils to mark the sheet,
    # and which questions they answer where. None: no sheets. "grids": numeric on the sheet too.
    sheets: str | None = None
    # Large print for pupils who need it: 18 pt body text, wider spacing (docs/print.md).
    large_print: bool = False
    scoring: ScoringRules = field(default_factory=ScoringRules)


@dataclass(frozen=True)
class Item:
    """One question as it stands in one version of a quiz."""

    number: int
    bank: Bank
    question: Question
    # The order things are printed in: the choices (choice, multi), the right-hand
    # column (match), or the items to be numbered (order). Empty for other kinds.
    shown: tuple[str, ...] = ()
    key: str = ""  # the compact answer, as in the teacher's grid

    @property
    def points(self) -> float:
        return self.question.points


@dataclass(frozen=True)
class Version:
    letter: str
    items: tuple[Item, ...]

    @property
    def total_points(self) -> float:
        return sum(item.points for item in self.items)


@dataclass(frozen=True)
class Quiz:
    settings: QuizSettings
    versions: tuple[Version, ...]
    banks: tuple[Bank, ...] = field(default=())


def default_title(banks: Sequence[Bank]) -> str:
    """The title of a quiz from `banks`: the one bank's title, else the decks' common top level
    ("Belarus and the war" for `Belarus and the war::2022-10 ...`), else the titles joined."""
    unique = list({id(bank): bank for bank in banks}.values())  # banks compare equal: use identity
    if not unique:
        return "Quiz"
    if len(unique) == 1:
        return unique[0].title
    tops = {bank.deck.split("::")[0].strip() for bank in unique if "::" in bank.deck}
    if len(tops) == 1 and all("::" in bank.deck for bank in unique):
        return tops.pop()
    if len(unique) == 2:
        return f"{unique[0].title} \u00b7 {unique[1].title}"
    return f"Quiz on {len(unique)} articles"


def _rng(seed: str, *parts: object) -> random.Random:
    return random.Random(":".join([seed, *map(str, parts)]))


def sample(
    pool: Sequence[tuple[Bank, Question]], count: int | None, seed: str
) -> list[tuple[Bank, Question]]:
    """`count` questions of `pool` (all when None), kept in pool order. Same for every version."""
    if count is None or count >= len(pool):
        return list(pool)
    chosen = sorted(_rng(seed, "sample").sample(range(len(pool)), count))
    return [pool[i] for i in chosen]


def without_giveaways(
    pool: Sequence[tuple[Bank, Question]],
) -> tuple[list[tuple[Bank, Question]], list[tuple[Bank, Question]]]:
    """The pool without giveaways, and what was left out.

    When one question's stem or choices show another's answer (check code QG108), only
    one of the two may be printed. Questions are taken in pool order and each one that
    gives away, or is given away by, a question already taken is left out: the same pool
    always loses the same questions.
    """
    related: dict[int, set[int]] = defaultdict(set)
    for g in giveaway.find([q for _, q in pool]):
        related[g.giver].add(g.taker)
        related[g.taker].add(g.giver)
    taken: set[int] = set()
    kept, left_out = [], []
    for i, pair in enumerate(pool):
        if related[i] & taken:
            left_out.append(pair)
        else:
            taken.add(i)
            kept.append(pair)
    return kept, left_out


def _derange(items: list[str], rng: random.Random) -> list[str]:
    """Shuffle, but never leave the list as it was: for order and match that would give the answer away."""
    shuffled = items[:]
    rng.shuffle(shuffled)
    if shuffled == items and len(items) > 1:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def _balanced_choices(q: Choice, used: list[int], rng: random.Random) -> tuple[str, ...]:
    """Place the answer at the least-used position so far, then shuffle the distractors around it."""
    n = len(q.choices)
    fewest = min(used[:n])
    slot = rng.choice([i for i in range(n) if used[i] == fewest])
    others = [c for c in q.choices if c != q.answer]
    rng.shuffle(others)
    others.insert(slot, q.answer)
    return tuple(others)


def positions(items: Sequence[str]) -> dict[str, int]:
    """Where each item first stands: `items.index` for all of them at once."""
    at: dict[str, int] = {}
    for i, item in enumerate(items):
        at.setdefault(item, i)
    return at


def answer_key(q: Question, shown: Sequence[str]) -> str:
    """The compact answer of `q` as printed with `shown`: what the teacher's grid holds."""
    if isinstance(q, Choice):
        return letter(shown.index(q.answer))
    if isinstance(q, Multi):
        return ", ".join(letter(i) for i, c in enumerate(shown) if c in q.answers)
    if isinstance(q, TrueFalse):
        return "True" if q.answer else "False"
    if isinstance(q, Short):
        return plain(q.answer)
    if isinstance(q, Numeric):
        value = format_number(q.answer, q.unit)
        if q.tolerance:
            value += f" \u00b1 {format_number(q.tolerance, q.unit)}"
        return f"{value} {q.unit}".strip()
    if isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        # A no-break space ties each blank's number to its answer in a narrow grid cell (P14).
        return "; ".join(f"{d.number}.\u00a0{plain(d.answer)}" for d in deletions)
    if isinstance(q, Match):
        at = positions(shown)  # a dict, not shown.index: linear in the number of pairs
        return ", ".join(f"{i + 1}\u2013{letter(at[right])}" for i, (_, right) in enumerate(q.pairs))
    if isinstance(q, Order):
        # The numbers to write in the boxes, top to bottom.
        at = positions(q.items)
        return " ".join(str(at[item] + 1) for item in shown)
    if isinstance(q, Open):
        return "see full key"
    raise TypeError(f"no key for {type(q).__name__}")  # pragma: no cover


def build_version(questions: Sequence[tuple[Bank, Question]], settings: QuizSettings, index: int) -> Version:
    """Version number `index` (0 = A) of a quiz over `questions`."""
    tag = letter(index)
    rng = _rng(settings.seed, "version", tag)
    ordered = list(questions)
    if settings.shuffle:
        sections: dict[str, list[tuple[Bank, Question]]] = {kind: [] for kind in SECTION_ORDER}
        for pair in ordered:
            sections[pair[1].kind].append(pair)
        ordered = []
        for kind in SECTION_ORDER:
            rng.shuffle(sections[kind])
            ordered.extend(sections[kind])
    # How often each letter has been the right answer in this version, counted apart for
    # each number of choices: pooled counts let 2-choice questions push every 4-choice
    # answer towards C and D.
    used: dict[int, list[int]] = {}
    items: list[Item] = []
    for number, (bank, q) in enumerate(ordered, start=1):
        shown: tuple[str, ...] = ()
        if isinstance(q, Choice):
            counts = used.setdefault(len(q.choices), [0] * len(q.choices))
            shown = _balanced_choices(q, counts, rng) if settings.shuffle and q.shuffle else q.choices
            counts[shown.index(q.answer)] += 1
        elif isinstance(q, Multi):
            shown = q.choices
            if settings.shuffle and q.shuffle:
                shown = tuple(rng.sample(q.choices, len(q.choices)))
        elif isinstance(q, Match):
            shown = tuple(_derange([right for _, right in q.pairs], rng))
        elif isinstance(q, Order):
            shown = tuple(_derange(list(q.items), rng))
        items.append(Item(number, bank, q, shown, answer_key(q, shown)))
    return Version(tag, tuple(items))


def build_quiz(questions: Sequence[tuple[Bank, Question]], settings: QuizSettings) -> Quiz:
    """Every version of a quiz: the same sampled questions, each version in its own order.

    `quizgen quiz` passes a pool cleared of giveaways (`without_giveaways`) first; `build`
    prints every question of a bank, as the teacher wrote it (check warns with QG108).
    """
    chosen = sample(questions, settings.count, settings.seed)
    versions = tuple(build_version(chosen, settings, i) for i in range(settings.versions))
    # By identity: Bank inherits an __eq__ under which every two banks are equal.
    banks = tuple({id(bank): bank for bank, _ in chosen}.values())
    return Quiz(settings, versions, banks)
