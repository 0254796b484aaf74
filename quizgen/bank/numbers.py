"""Numbers as the bank wrote them: one formatter for every output (keys, cards, exports,
sheets, reports), and exact arithmetic for the ranges a tolerance makes.

A bank's number is read as a Python float. Printing it with `int(value)` or `%.15g` shows
float garbage (6.022e23 as 602,200,000,000,000,027,262,976) or drops digits (1/3 as
0.333333333333333). Here every number starts from the shortest text that reads back as the
same float (Python's `repr`, the round-trip rule of IEEE 754 printing), so what is printed
is what the teacher typed, and reading the printed text back gives the bank's value.
"""

from __future__ import annotations

import math
from decimal import Decimal

# Thousands separators for whole numbers from 10,000 up (the rule of most style guides, and
# of SI typography for four digits): a year (2022) and a pupil's plain "2022" read the same,
# 300,000 stays readable. A 4-digit number with a unit of count or measure (9,000 soldiers)
# is grouped too, so that it reads like the 15,000 troops beside it and like the article.
SEPARATOR_FROM = 10_000
GROUPED_WITH_UNIT_FROM = 1_000

# Units after which a 4-digit number is a date, not a quantity: never grouped.
_TIME_WORDS = frozenset({"year", "years", "ad", "bc", "ce", "bce"})

# The largest points a question may carry: totals of a class set of questions stay exact
# and finite (1.7e308 twice is inf). A teacher's points are 1, 2, 10, rarely 100.
MAX_POINTS = 1_000.0

# The largest magnitude of a numeric answer or tolerance: past this a sum or a range is no
# longer finite or exact in a float. Avogadro's number (6.022e23) is well inside.
MAX_VALUE = 1e100


def exact(value: float) -> Decimal:
    """The bank's number as an exact decimal: the shortest text that reads back as `value`."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def plain_number(value: float | Decimal) -> str:
    """A number written out in full for a machine or a platform: 9000, 2.5, 0.0000001,
    602200000000000000000000. No separators, no exponent, no float garbage."""
    number = value if isinstance(value, Decimal) else exact(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(value: float | Decimal, unit: str = "") -> str:
    """A number as people write it: 2022, 9,000 soldiers, 300,000, 2.5, 0.3333333333333333;
    never 3e+05, 2,022 (a year) or 9000.0."""
    text = plain_number(value)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits.partition(".")
    if len(whole) > 3 and _grouped(int(whole), unit):
        whole = f"{int(whole):,}"
    return f"{sign}{whole}{dot}{fraction}"


def _grouped(whole: int, unit: str) -> bool:
    if whole >= SEPARATOR_FROM:
        return True
    words = unit.lower().replace(".", " ").split()
    return whole >= GROUPED_WITH_UNIT_FROM and bool(words) and not _TIME_WORDS & set(words)


def number_range(answer: float, tolerance: float) -> tuple[Decimal, Decimal]:
    """The accepted range answer +- tolerance, exact: 0.7 +- 0.1 is [0.6, 0.8], not
    [0.6, 0.7999999999999999] as float subtraction gives."""
    centre, spread = exact(answer), exact(tolerance)
    return centre - spread, centre + spread


def is_printable(value: float, limit: float = MAX_VALUE) -> bool:
    """Finite and no larger than `limit`: a number every output can print and add up."""
    return math.isfinite(value) and abs(value) <= limit
