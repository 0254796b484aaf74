"""The scoring rule the key prints and the grader applies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quizgen.scoring import ScoringRules, rule_text, score_multi, score_parts

ALL_OR_NOTHING = ScoringRules()
PER_OPTION = ScoringRules(multi="per-option")


def test_multi_all_or_nothing_needs_exactly_the_keys() -> None:
    assert score_multi("AC", "AC", 4, 2, ALL_OR_NOTHING) == 2
    assert score_multi("A", "AC", 4, 2, ALL_OR_NOTHING) == 0
    assert score_multi("ACD", "AC", 4, 2, ALL_OR_NOTHING) == 0


def test_multi_per_option_gives_and_takes_shares_never_below_zero() -> None:
    assert score_multi("A", "AC", 4, 2, PER_OPTION) == 1
    assert score_multi("ACD", "AC", 4, 2, PER_OPTION) == 1
    assert score_multi("BD", "AC", 4, 2, PER_OPTION) == 0
    assert score_multi("", "AC", 4, 2, PER_OPTION) == 0


def test_parts_round_down_to_whole_points() -> None:
    assert score_parts(3, 4, 1, ALL_OR_NOTHING) == 0  # a 1-point match needs every pair
    assert score_parts(4, 4, 1, ALL_OR_NOTHING) == 1
    assert score_parts(3, 4, 4, ALL_OR_NOTHING) == 3
    assert score_parts(2, 3, 2, ALL_OR_NOTHING) == 1
    assert score_parts(1, 2, 1, ScoringRules(step=0.5)) == 0.5


@given(st.integers(0, 30), st.integers(1, 30), st.integers(0, 10))
def test_a_partial_score_is_between_zero_and_the_points(correct: int, parts: int, points: int) -> None:
    score = score_parts(min(correct, parts), parts, points, ALL_OR_NOTHING)
    assert 0 <= score <= points
    assert (score == points) == (correct >= parts or points == 0)


def test_the_rule_is_said_in_words() -> None:
    assert rule_text("multi", ALL_OR_NOTHING) == "full points only when exactly the keyed choices are marked"
    assert rule_text("match", ALL_OR_NOTHING, parts=4) == (
        "a share of the points per correct pair, rounded down to whole points"
    )
    assert rule_text("choice", ALL_OR_NOTHING) == "full points or none"
