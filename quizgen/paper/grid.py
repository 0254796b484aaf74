"""The teacher's answer grid: rows are versions, columns question numbers, cells keys;
split into as many tables as the page needs, the questions shared out evenly."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from quizgen.bank.model import Open, Question, Short
from quizgen.bank.numbers import format_number
from quizgen.bank.text import plain, smart_quotes
from quizgen.select import Item, Quiz

Json = dict[str, Any]

# How many question columns a grid table gets: as many as fit across the page at the
# width of the longest answer in the table, between 5 and 20.
_GRID_CHARS = 110


def grid(quiz: Quiz) -> list[Json]:
    """The teacher's grid: rows = versions, columns = question numbers, cells = keys.

    Split into several tables when there are too many questions for one row.
    """
    if not quiz.versions:
        return []
    count = len(quiz.versions[0].items)
    tables: list[Json] = []
    start = 0
    for per in _table_sizes(quiz, count) if count else []:
        numbers = list(range(start + 1, start + per + 1))
        # A column's points go in its header when every version agrees, else in each cell.
        points = []
        for n in numbers:
            values = {v.items[n - 1].points for v in quiz.versions}
            points.append(_short_points(values.pop()) if len(values) == 1 else "")
        grid_only = quiz.settings.key_layout == "grid"
        rows = [
            {
                "letter": v.letter,
                "cells": [_cell(v.items[n - 1], not points[i], grid_only) for i, n in enumerate(numbers)],
            }
            for v in quiz.versions
        ]
        tables.append({"numbers": numbers, "per": per, "points": points, "rows": rows})
        start += len(numbers)
    return tables


# At most this many other accepted answers in a grid cell; a question with more has all of
# them listed under the grid (`accepted`), on the same page as the grid, so a marker never
# has to turn to the full key, and a grid-only key still holds every answer (P7, P15).
ALSO_SHOWN = 3


def _cell(item: Item, with_points: bool, grid_only: bool = False) -> Json:
    q = item.question
    key = "see model answers" if grid_only and isinstance(q, Open) else item.key  # no full key to point to
    also = ""
    if isinstance(q, Short) and q.accept:
        if len(q.accept) > ALSO_SHOWN:
            also = f"or {len(q.accept)} others, listed below"
        else:
            also = "or " + ", ".join(plain(a) for a in q.accept)
    return {
        "key": smart_quotes(key),
        "also": smart_quotes(also),
        "points": _short_points(item.points) if with_points else "",
    }


def where_printed(quiz: Quiz, keep: Callable[[Question], bool]) -> list[tuple[Question, str]]:
    """Each question `keep` takes, once, with its number on every version: "A 31, B 28"."""
    where: dict[tuple[int, str], list[str]] = {}
    found: dict[tuple[int, str], Question] = {}
    for version in quiz.versions:
        for item in version.items:
            if keep(item.question):
                key = (id(item.bank), item.question.id)
                found[key] = item.question
                where.setdefault(key, []).append(f"{version.letter}\u00a0{item.number}")
    return [(q, ", ".join(where[key])) for key, q in found.items()]


def accepted(quiz: Quiz) -> list[Json]:
    """Every accepted answer of the short questions whose grid cells cannot hold them all."""
    return [
        {
            "numbers": numbers,
            "answer": smart_quotes(plain(q.answer)),
            "also": [smart_quotes(plain(a)) for a in q.accept],
        }
        for q, numbers in where_printed(quiz, lambda q: isinstance(q, Short) and len(q.accept) > ALSO_SHOWN)
        if isinstance(q, Short)
    ]


def _short_points(points: float) -> str:
    """Points in a narrow grid column: "1 pt", "2 pts"."""
    return f"{format_number(points)} pt{'' if points == 1 else 's'}"


def _table_sizes(quiz: Quiz, count: int) -> list[int]:
    """How many question columns each grid table gets: the fewest tables whose widest keys
    fit across the page, with the questions shared evenly (sizes differ by one at most),
    so the last table is never a lonely column."""
    # Each question's widest key over the versions, once: trying every table count used to
    # measure every key again for every try (70 s of a 10,000-question build).
    widths = [max(_width(_cell_text(v.items[n])) for v in quiz.versions) for n in range(count)]
    # Even tables need at least as many as tables filled greedily, each as wide as fits;
    # starting there (not at count / 20) leaves a few tries, not a thousand, at 10,000.
    tables = _greedy_tables(widths, count)
    while True:
        base, extra = divmod(count, tables)
        sizes = [base + (i < extra) for i in range(tables)]
        starts = itertools.accumulate(sizes[:-1], initial=0)
        if all(_fits(widths, start, count) >= size for start, size in zip(starts, sizes, strict=True)):
            return sizes
        tables += 1


def _greedy_tables(widths: list[int], count: int) -> int:
    """The fewest tables when each may take as many columns as fit from where it starts."""
    tables, start = 0, 0
    while start < count:
        start += _fits(widths, start, count)
        tables += 1
    return max(tables, 1)


def _fits(widths: list[int], start: int, count: int) -> int:
    per = 20
    while per > 5:
        widest = max(widths[start : min(start + per, count)], default=1)
        if per * (widest + 2) <= _GRID_CHARS:
            break
        per -= 1
    return per


def _cell_text(item: Item) -> str:
    return item.key


def _width(key: str) -> int:
    # Long keys (a cloze's words) wrap inside their cells rather than make every column wide.
    return min(len(key), 12)
