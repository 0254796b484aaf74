"""Problems of a sheet as a whole that no single mark shows: a blank sheet, and a sheet
whose answers fit another version's key much better than its own (quiz B answered on
sheet A). Both are flagged for a person, never corrected silently.

The mix-up rule: over the bubble questions the pupil answered (at least MIN_ANSWERED),
count the answers right against the sheet's own key and against each other version's
key, question by question number. A pupil who answered quiz B on sheet A is right about
as often as chance against key A, and as often as they know against key B. Flag when
another key scores at least MIX_MARGIN of the answered questions more (and at least 3
more), at least half of them, and more than guessing gives once in 1/MAX_GUESS sheets:
a guessing pupil fits no key well, so is not flagged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from quizgen.scoring import ScoringRules

if TYPE_CHECKING:
    from quizgen.grading.score import Overrides, Sheet

Json = dict[str, Any]

MIN_ANSWERED = 5
MIX_MARGIN = 0.25
MAX_GUESS = 0.01  # how likely the fit to the other key may be by guessing alone
NEAR_BLANK = 0.2  # at most this share of the bubble questions answered
MIN_FOR_NEAR_BLANK = 5


def _bubble_questions(layout: Json, version: str) -> list[Json]:
    from quizgen.grading.score import questions_of

    return [q for q in questions_of(layout, version) if q["field"] == "answer"]


def flag_blank(sheets: Sequence[Sheet], layout: Json, decided: Overrides) -> None:
    """A sheet with nothing (or almost nothing) marked in its bubbles: an absent pupil, a
    pupil who answered on the quiz paper, or the back of another sheet."""
    from quizgen.grading.score import Review

    for sheet in sheets:
        file, index = sheet.where
        if (file, index, "blank") in decided.accepted:
            continue
        # only the questions of the pages scanned: a missing page is its own problem
        bubbles = [
            q
            for q in _bubble_questions(layout, sheet.printed or sheet.version)
            if q["number"] in sheet.answers
        ]
        if not bubbles:
            continue
        answered = sum(1 for q in bubbles if sheet.answers.get(q["number"], "") != "")
        if answered == 0:
            reason = (
                f"blank sheet: none of its {len(bubbles)} bubble questions is marked (an absent pupil, "
                "or answers written on the quiz paper?)"
            )
        elif len(bubbles) >= MIN_FOR_NEAR_BLANK and answered <= NEAR_BLANK * len(bubbles):
            reason = f"almost blank: only {answered} of its {len(bubbles)} bubble questions marked"
        else:
            continue
        sheet.reviews.append(Review(file, index, None, reason, "blank"))


def _chance(q: Json) -> float:
    """The chance that a guess is right: one of the choices, of T/F, of the non-empty sets."""
    if q["kind"] == "truefalse":
        return 0.5
    n = len(q.get("choices", {})) or 10
    return 1 / (2**n - 1) if q["kind"] == "multi" else 1 / n


def fit(sheet: Sheet, layout: Json, version: str, rules: ScoringRules) -> tuple[int, int, list[float]]:
    """(answers right against `version`'s key, bubble answers compared, each compared question's
    chance of a right guess) of a sheet's answers."""
    from quizgen.grading.score import questions_of, same_shape, score_answer

    printed = {q["number"]: q for q in _bubble_questions(layout, sheet.printed or sheet.version)}
    right = 0
    chances: list[float] = []
    for q in questions_of(layout, version):
        answer = sheet.answers.get(q["number"])
        mine = printed.get(q["number"])
        if not answer or mine is None or not same_shape(mine, q):
            continue
        chances.append(_chance(q))
        right += score_answer(q, answer, rules) >= float(q["points"]) - 1e-9 and float(q["points"]) > 0
    return right, len(chances), chances


def guess_tail(chances: Sequence[float], right: int) -> float:
    """The chance of `right` or more right answers by guessing alone (a Poisson binomial tail)."""
    dist = [1.0]
    for p in chances:
        dist = [a * (1 - p) + b * p for a, b in zip([*dist, 0.0], [0.0, *dist], strict=True)]
    return sum(dist[right:])


def flag_mixups(sheets: Sequence[Sheet], layout: Json, rules: ScoringRules, decided: Overrides) -> None:
    """Flag each sheet whose answers fit another version's key much better than its own."""
    from quizgen.grading.score import Review

    versions = [v["version"] for v in layout["versions"]]
    for sheet in sheets:
        file, index = sheet.where
        if len(versions) < 2 or sheet.printed or (file, index, "version") in decided.accepted:
            continue
        own, compared, _ = fit(sheet, layout, sheet.version, rules)
        if compared < MIN_ANSWERED:
            continue
        best, other, chances = max(
            (fit(sheet, layout, v, rules)[0], v, fit(sheet, layout, v, rules)[2])
            for v in versions
            if v != sheet.version
        )
        margin = max(3, math.ceil(MIX_MARGIN * compared))
        if best - own >= margin and best >= compared / 2 and guess_tail(chances, best) < MAX_GUESS:
            sheet.reviews.append(
                Review(file, index, None,
                       f"version mix-up? this is sheet {sheet.version}, but its answers fit "
                       f"version {other}'s key much better ({best} of {compared} right against {other}, "
                       f"{own} against {sheet.version}): was quiz {other} answered on it?", "version")
            )  # fmt: skip
