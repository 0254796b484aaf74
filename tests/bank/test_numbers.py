"""How numbers are printed: one rule (format_number) for paper, keys and cards."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.model import format_number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2022, "2022"),  # a year never reads "2,022"
        (9000, "9000"),
        (9999, "9999"),
        (10000, "10,000"),
        (300000, "300,000"),
        (-25000, "-25,000"),
        (2.5, "2.5"),
        (12345.5, "12,345.5"),
        (0.0001, "0.0001"),
        (3e5, "300,000"),  # never 3e+05
    ],
)
def test_separators_only_from_ten_thousand(value: float, shown: str) -> None:
    assert format_number(value) == shown


@given(st.integers(min_value=-9999, max_value=9999))
def test_up_to_four_digits_print_as_a_pupil_writes_them(n: int) -> None:
    assert format_number(n) == str(n)


@given(st.integers(min_value=10_000, max_value=10**15))
def test_five_digits_and_more_are_grouped_in_threes(n: int) -> None:
    shown = format_number(n)
    assert shown.replace(",", "") == str(n)
    assert all(len(group) == 3 for group in shown.split(",")[1:])
