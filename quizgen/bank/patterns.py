"""Position and pattern checks of a bank: cues a test-wise student learns from many questions.

Each looks at a bank's questions in file order, as Anki and an unshuffled paper show them:
the right answers of multi questions written first (QG112), the right answers' positions
in a rotation or another regular pattern (QG113), and the right answer the shortest
choice too often (QG114; QG102 is the longest). A handful of questions shows no pattern:
each needs enough questions that chance rarely makes one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import pairwise

from quizgen.bank import evidence as ev
from quizgen.bank.model import Bank, Choice, Multi
from quizgen.bank.registry import BANK_CHECKS, _at, _shorten
from quizgen.diagnostics import Diagnostic

MULTI_MIN = 3  # multi questions in a bank before QG112 looks
PATTERN_MIN = 6  # choice questions in a bank before QG113 and QG114 look
REPEAT_SHARE = 0.8  # of the positions that repeat the one `period` questions before
# With 3 choices a step of one letter is what chance gives a third of the time: 0.8 of 6 or
# more steps happens by chance about once in 50 banks; the review's banks stepped every time.
ROTATION_SHARE = 0.8  # of the steps from one question's key to the next that go one letter on
ONE_LETTER_SHARE = 0.7  # of the keys at one letter (chance: a third with 3 choices, a quarter with 4)


def _letter(i: int) -> str:
    return chr(ord("A") + i)


def check_multi_keys_first(bank: Bank) -> Iterator[Diagnostic]:
    """QG112: in most multi questions the right answers are the first choices written."""
    multis = [
        q
        for q in bank.questions
        if isinstance(q, Multi) and set(q.answers) <= set(q.choices) and len(set(q.answers)) < len(q.choices)
    ]
    if len(multis) < MULTI_MIN:
        return
    first = [q for q in multis if set(q.choices[: len(set(q.answers))]) == set(q.answers)]
    if len(first) * 2 > len(multis):
        yield _at(
            "QG112",
            bank,
            bank,
            "questions",
            f"the right answers are the first choices in {len(first)} of {len(multis)} multi questions",
            "a student who ticks the first choices scores well; mix right and wrong choices in: "
            + _shorten(", ".join(q.id for q in first), 200),
        )


def _positions(bank: Bank) -> list[tuple[int, int]]:
    """(position of the right answer, number of choices) of each choice question, in file order."""
    return [
        (q.choices.index(q.answer), len(q.choices))
        for q in bank.questions
        if isinstance(q, Choice) and q.answer in q.choices and len(q.choices) > 1
    ]


def pattern(positions: Sequence[tuple[int, int]]) -> str:
    """A regular pattern in the right answers' positions, described; '' when there is none."""
    if len(positions) < PATTERN_MIN:
        return ""
    at = [p for p, _ in positions]
    steps = list(pairwise(positions))
    rotation = sum((b - a) % n == 1 for (a, n), (b, _) in steps)
    if len(steps) >= PATTERN_MIN and rotation >= ROTATION_SHARE * len(steps):
        return "step one letter down from one question to the next (A, B, C, D, A, ...)"
    backwards = sum((a - b) % n == 1 for (a, n), (b, _) in steps)
    if len(steps) >= PATTERN_MIN and backwards >= ROTATION_SHARE * len(steps):
        return "step one letter up from one question to the next (D, C, B, A, D, ...)"
    letter, count = Counter(at).most_common(1)[0]
    if count >= ONE_LETTER_SHARE * len(at):
        return f"are {_letter(letter)} in {count} of {len(at)} questions"
    for period in (2, 3, 4):
        repeats = sum(at[i] == at[i + period] for i in range(len(at) - period))
        if len(at) >= 2 * period + 2 and repeats >= REPEAT_SHARE * (len(at) - period):
            cycle = ", ".join(_letter(p) for p in at[:period])
            return f"repeat every {period} questions ({cycle}, {cycle}, ...)"
    return ""


def check_key_positions(bank: Bank) -> Iterator[Diagnostic]:
    """QG113: the right answers of choice questions, in file order, follow a regular pattern."""
    positions = _positions(bank)
    found = pattern(positions)
    if found:
        letters = "".join(_letter(p) for p, _ in positions[:16])
        yield _at(
            "QG113",
            bank,
            bank,
            "questions",
            f"the right answers of the {len(positions)} choice questions {found}",
            f"in file order they are {letters}{'...' if len(positions) > 16 else ''}; "
            "move each right answer to a position of its own, not one the last question predicts",
        )


def _length(text: str) -> int:
    return len(ev.visible(text).strip())


def check_key_shortest_bank(bank: Bank) -> Iterator[Diagnostic]:
    """QG114: in a bank's choice questions the key is too often the shortest option."""
    choice = [q for q in bank.questions if isinstance(q, Choice) and q.answer in q.choices]
    if len(choice) < PATTERN_MIN:
        return
    shortest = [q for q in choice if all(_length(q.answer) < _length(c) for c in q.choices if c != q.answer)]
    if len(shortest) * 3 > len(choice):
        yield _at(
            "QG114",
            bank,
            bank,
            "questions",
            f"the right answer is the shortest choice in {len(shortest)} of {len(choice)} choice questions",
            "a student who picks the shortest choice scores well; balance lengths in: "
            + _shorten(", ".join(q.id for q in shortest), 200),
        )


BANK_CHECKS.extend([check_multi_keys_first, check_key_positions, check_key_shortest_bank])
