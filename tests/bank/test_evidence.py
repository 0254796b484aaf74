"""The text rules of evidence and item-writing checks: folding, number words, names, support."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.evidence import edit_distance, names, number_text, supported, tokens

SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int) -> str:
    """An independent spelling of 0..999,999 in English words, for the property below."""
    if n < 10:
        return SMALL[n]
    if n < 20:
        return TEENS[n - 10]
    if n < 100:
        return TENS[n // 10] + ("-" + SMALL[n % 10] if n % 10 else "")
    if n < 1000:
        rest = f" and {in_words(n % 100)}" if n % 100 else ""
        return f"{SMALL[n // 100]} hundred{rest}"
    rest = f" {in_words(n % 1000)}" if n % 1000 else ""
    return f"{in_words(n // 1000)} thousand{rest}"


@given(st.integers(min_value=0, max_value=999_999))
def test_numbers_in_words_digits_and_separators_are_one_token(n: int) -> None:
    assert tokens(f"about {in_words(n)} soldiers") == ("about", str(n), "soldiers")
    assert tokens(f"about {n:,} soldiers") == ("about", str(n), "soldiers")
    assert tokens(f"about {n} soldiers") == ("about", str(n), "soldiers")


@given(st.integers(min_value=1, max_value=999_999))
def test_a_number_supports_itself_in_any_spelling(n: int) -> None:
    assert supported(f"{n:,} troops", [f"{in_words(n)} troops were sent"])
    assert not supported(f"{n + 1:,} troops", [f"{n:,} troops were sent"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two and a half years", ("2.5", "years")),
        ("fifteen thousand", ("15000",)),
        ("9,000 and 300,000", ("9000", "and", "300000")),
        ("2.5 million", ("2500000",)),
        ("a million", ("a", "1000000")),
        ("twenty-one", ("21",)),
        ("\u201cQuoted\u201d \u2014 **bold** and *it*", ("quoted", "bold", "and", "it")),
        ("one, two", ("1", "2")),
    ],
)
def test_tokens(text: str, expected: tuple[str, ...]) -> None:
    assert tokens(text) == expected


@given(st.text(max_size=60))
def test_folding_never_fails_and_ignores_case_and_quote_marks(text: str) -> None:
    assert tokens(text.upper().replace("'", "\u2019")) == tokens(text.lower().replace("\u2019", "'"))


@given(st.text(alphabet="abcdefgh", max_size=10), st.text(alphabet="abcdefgh", max_size=10))
def test_edit_distance_is_symmetric_and_capped(a: str, b: str) -> None:
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert (d == 0) == (a == b)
    assert 0 <= d <= 3


@pytest.mark.parametrize(
    ("part", "quote", "ok"),
    [
        ("Deployment of troops", "the troops were deployed", True),  # inflection: first 5 letters
        ("Training soldiers for the front", "used to train soldiers so they go to the front", True),
        ("Viktor Chrenin", "Defense Minister Viktor Chrenin said", True),
        ("Defence minister Viktor Khrenin", "Defense Minister Viktor Chrenin said", False),  # another name
        ("Opposition leader Svetlana Tichanovskaya", "leader Tichanovskaya", True),  # known by her surname
        ("Opposition leader Svetlana Tichanovskaya", "leader Svetlana Smith", False),
        ("Around 9,000 soldiers", "Belarus named the number of 9000 Russian soldiers", True),
        ("Around 9,000 soldiers", "Belarus named nine thousand soldiers", True),
        ("Around 90,000 soldiers", "Belarus named nine thousand soldiers", False),
        ("Eight months ago", "around eight months ago", True),
        ("None at all so far", "an unrelated sentence", True),  # no content word: any quote
        ("Lukashenko keeps power with violence", "Lukashenko kept in power with violence", True),
        ("Afterwards Lukashenko keeps power", "Putin kept in power afterwards", False),  # the name
        ("Heavy tanks and artillery were moved", "tanks were seen", False),  # 1 of 4 words
    ],
)
def test_when_a_quote_supports_a_part(part: str, quote: str, ok: bool) -> None:
    assert supported(part, [quote]) is ok


def test_every_capitalised_word_of_a_match_left_side_is_a_name() -> None:
    assert names("Ukraine's fighting in Kursk") == [["kursk"]]
    assert names("Kursk region", first_counts=True) == [["kursk"]]
    assert names("The authors", first_counts=True) == []
    assert names("NATO and the EU") == [["nato"], ["eu"]]
    assert names("Belarus's Foreign Ministry", first_counts=True) == [["belarus"], ["foreign", "ministry"]]


def test_number_text() -> None:
    assert [number_text(v) for v in (9000.0, 2.5, 0)] == ["9000", "2.5", "0"]
