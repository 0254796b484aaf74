"""Match questions (2 or more pairs, unique sides) and order questions (3 or more distinct items)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.bank.check import load
from quizgen.bank.model import Match, Order
from tests.bank.checks import bank_text, seen, write

# Lines: 4 id, 5 type, 6 prompt, 7 pairs/items (value at column 7, the first "-"), 8 and on:
# one pair or item per line, at column 9.
MATCH = """
id: q
type: match
prompt: Match each person to their role.
pairs:
  - [Ivan Tertel, head of the KGB]
  - [Viktor Chrenin, defence minister]
  - [Valery Karbelevich, expert]
"""
ORDER = """
id: q
type: order
prompt: Put these events in the order they happened.
items:
  - The 2020 presidential election
  - Russian units march from Gomel into Ukraine
  - A joint unit is formed in Belarus
"""
REPEATED_HINT = "it is already in pair {n}; each side must be unique to be matched"


def problems(tmp_path: Path, question: str) -> list[tuple[str, str]]:
    return seen(write(tmp_path, bank_text(question)))


def test_sound_match_and_order_are_read_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, bank_text(MATCH, ORDER.replace("id: q", "id: r")))
    checked = load([path])
    assert checked.diagnostics == []
    match, order = checked.banks[0].questions
    assert isinstance(match, Match) and isinstance(order, Order)
    assert match.pairs[1] == ("Viktor Chrenin", "defence minister")
    assert order.items[0] == "The 2020 presidential election"


# -- match ----------------------------------------------------------------------------------------


def test_match_with_one_pair(tmp_path: Path) -> None:
    question = MATCH.split("  - [Viktor")[0]
    assert problems(tmp_path, question) == [("8:7 QG027 1 pair; a match needs 2 or more", "")]


def test_match_with_no_pairs(tmp_path: Path) -> None:
    question = "id: q\ntype: match\nprompt: p\npairs: []"
    assert problems(tmp_path, question) == [("7:12 QG027 0 pairs; a match needs 2 or more", "")]


def test_repeated_left_side(tmp_path: Path) -> None:
    question = MATCH.replace("[Valery Karbelevich, expert]", "[Ivan Tertel, expert]")
    assert problems(tmp_path, question) == [
        ("10:9 QG028 left side 'Ivan Tertel' appears twice", REPEATED_HINT.format(n=1))
    ]


def test_repeated_right_side(tmp_path: Path) -> None:
    question = MATCH.replace("[Valery Karbelevich, expert]", "[Valery Karbelevich, defence minister]")
    assert problems(tmp_path, question) == [
        ("10:9 QG028 right side 'defence minister' appears twice", REPEATED_HINT.format(n=2))
    ]


def test_a_pair_repeated_whole_repeats_both_sides(tmp_path: Path) -> None:
    question = MATCH.replace("[Valery Karbelevich, expert]", "[Ivan Tertel, head of the KGB]")
    assert problems(tmp_path, question) == [
        ("10:9 QG028 left side 'Ivan Tertel' appears twice", REPEATED_HINT.format(n=1)),
        ("10:9 QG028 right side 'head of the KGB' appears twice", REPEATED_HINT.format(n=1)),
    ]


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ("[Valery Karbelevich]", "10:9 QG012 pair 3 of 'pairs' should be [left, right]"),
        ("[a, b, c]", "10:9 QG012 pair 3 of 'pairs' should be [left, right]"),
        ("Valery Karbelevich - expert", "10:9 QG012 pair 3 of 'pairs' should be [left, right]"),
        ("{Valery Karbelevich: expert}", "10:9 QG012 pair 3 of 'pairs' should be [left, right]"),
    ],
    ids=["one-side", "three-sides", "text", "mapping"],
)
def test_a_pair_that_is_not_two_sides(tmp_path: Path, pair: str, expected: str) -> None:
    question = MATCH.replace("[Valery Karbelevich, expert]", pair)
    assert problems(tmp_path, question) == [(expected, "write pairs: [[left, right], [left, right]]")]


def test_an_empty_side(tmp_path: Path) -> None:
    question = MATCH.replace("[Valery Karbelevich, expert]", "[Valery Karbelevich, '']")
    # A side is no key, and removing it would break the pair: the only fix is to write it.
    assert problems(tmp_path, question) == [("10:30 QG014 'pairs[3] right' is empty", "write the text")]


# -- order ----------------------------------------------------------------------------------------


def test_order_with_two_items(tmp_path: Path) -> None:
    question = ORDER.replace("  - A joint unit is formed in Belarus\n", "")
    assert problems(tmp_path, question) == [
        (
            "8:7 QG029 2 items; an order question needs 3 or more",
            "with two items, ask a choice or truefalse question instead",
        )
    ]


def test_order_with_one_item(tmp_path: Path) -> None:
    question = "id: q\ntype: order\nprompt: p\nitems: [The 2020 presidential election]"
    assert [m for m, _ in problems(tmp_path, question)] == [
        "7:12 QG029 1 item; an order question needs 3 or more"
    ]


def test_repeated_item(tmp_path: Path) -> None:
    question = ORDER.replace("A joint unit is formed in Belarus", "The 2020 presidential election")
    assert problems(tmp_path, question) == [
        ("10:9 QG029 item 'The 2020 presidential election' appears twice", "")
    ]


def test_three_items_with_a_repeat_are_not_three_distinct_items(tmp_path: Path) -> None:
    question = "id: q\ntype: order\nprompt: p\nitems: [a, b, a]"
    assert [m for m, _ in problems(tmp_path, question)] == ["7:19 QG029 item 'a' appears twice"]


def test_an_item_written_three_times(tmp_path: Path) -> None:
    question = "id: q\ntype: order\nprompt: p\nitems: [a, b, a, c, a]"
    assert [m for m, _ in problems(tmp_path, question)] == ["7:19 QG029 item 'a' appears 3 times"]


def test_items_that_are_not_a_list(tmp_path: Path) -> None:
    question = "id: q\ntype: order\nprompt: p\nitems: a, b, c"
    assert problems(tmp_path, question) == [
        ("7:12 QG012 'items' should be a list of text, not text", "write a list: items: [a, b, c]")
    ]
