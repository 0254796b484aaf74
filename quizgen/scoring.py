"""How a question is scored: one rule for the printed key and for `quizgen grade`.

A teacher marking by hand reads the rule off the key; the grader applies the same
functions to the marks it reads from a scan, so the two never disagree.

- choice, truefalse, numeric, short: all or nothing.
- multi: all or nothing by default (the answer is right when exactly the keyed choices
  are marked); with `per-option`, each keyed choice marked earns a share of the points
  and each wrong choice marked takes a share away, never below zero.
- match, order, cloze with several blanks: one share of the points per correct part
  (pair, item in its place, blank), rounded down to the step the score boxes allow
  (whole points on paper), so a 1-point question needs every part right.
- open: the teacher's judgement, 0 to the question's points.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

MultiRule = Literal["all-or-nothing", "per-option"]
MULTI_RULES: tuple[MultiRule, ...] = ("all-or-nothing", "per-option")

# The kinds whose score is the share of correct parts.
PARTIAL_KINDS = frozenset({"match", "order", "cloze"})


@dataclass(frozen=True)
class ScoringRules:
    """The rules a quiz is marked by; printed in the key, applied by the grader."""

    multi: MultiRule = "all-or-nothing"
    # Partial scores are rounded down to a multiple of this (1: whole points, as the
    # score boxes on an answer sheet offer).
    step: float = 1.0


def score_multi(
    marked: Collection[str], keys: Collection[str], n_choices: int, points: float, rules: ScoringRules
) -> float:
    """The score of a multi question from the letters marked and the keyed letters."""
    marked_set, key_set = set(marked), set(keys)
    if rules.multi == "all-or-nothing":
        return points if marked_set == key_set else 0.0
    right = len(marked_set & key_set)
    wrong = len(marked_set - key_set)
    return round(max(0.0, points * (right - wrong) / len(key_set)), 2) if key_set else 0.0


def score_parts(correct: int, parts: int, points: float, rules: ScoringRules) -> float:
    """The score of a match, order or cloze question with `correct` of `parts` right."""
    if parts <= 0:
        return 0.0
    if correct >= parts:
        return points
    share = points * max(0, correct) / parts
    return math.floor(share / rules.step + 1e-9) * rules.step


def rule_text(kind: str, rules: ScoringRules, parts: int = 1) -> str:
    """The scoring rule of one kind of question in the teacher's words (printed in the key)."""
    if kind == "multi":
        if rules.multi == "all-or-nothing":
            return "full points only when exactly the keyed choices are marked"
        return (
            "each keyed choice marked earns its share, each wrong one marked takes a share away (not below 0)"
        )
    if kind in PARTIAL_KINDS and parts > 1:
        step = "whole points" if rules.step == 1 else f"steps of {rules.step:g}"
        part = {"match": "pair", "order": "item in its place", "cloze": "blank"}[kind]
        return f"a share of the points per correct {part}, rounded down to {step}"
    if kind == "open":
        return "the marker\u2019s judgement, up to the points shown"
    return "full points or none"
