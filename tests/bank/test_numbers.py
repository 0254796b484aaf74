"""How numbers are printed: one rule (format_number) for paper, keys and cards."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.numbers import format_number, number_range, plain_number


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


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (6.022e23, "602,200,000,000,000,000,000,000"),  # not ...027,262,976 (float garbage)
        (0.3333333333333333, "0.3333333333333333"),  # every digit the bank wrote, not 15 of them
        (1e-7, "0.0000001"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),  # the float the bank holds, shown as it is
    ],
)
def test_the_shortest_text_that_reads_back_as_the_banks_value(value: float, shown: str) -> None:
    assert format_number(value) == shown


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e100, max_value=1e100))
def test_every_printed_number_reads_back_as_the_same_value(value: float) -> None:
    shown = format_number(value)
    assert "e" not in shown.lower()
    assert float(shown.replace(",", "")) == value
    assert float(plain_number(value)) == value
    assert "," not in plain_number(value)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (9000, "soldiers", "9,000"),  # reads like "15,000 troops" beside it, and like the article
        (2022, "", "2022"),
        (1991, "year", "2022".replace("2022", "1991")),
        (1500, "km", "1,500"),
        (999, "km", "999"),
    ],
)
def test_four_digit_quantities_with_a_unit_are_grouped_and_years_never(
    value: float, unit: str, shown: str
) -> None:
    assert format_number(value, unit) == shown


def test_a_tolerance_range_is_exact() -> None:
    low, high = number_range(0.7, 0.1)
    assert (plain_number(low), plain_number(high)) == ("0.6", "0.8")
