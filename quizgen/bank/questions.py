"""Checks of one question: ids, difficulty, points, images, choices and answers, cloze,
match, order and open questions (QG015-QG032, QG051, QG052, QG075).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

from quizgen.bank.limits import MAX_LINES, _tags
from quizgen.bank.model import DIFFICULTIES, Bank, Choice, Cloze, Match, Multi, Numeric, Open, Order, Question
from quizgen.bank.nodes import did_you_mean
from quizgen.bank.numbers import MAX_POINTS, MAX_VALUE, format_number, is_printable
from quizgen.bank.registry import _ABOVE, _SLUG_HINT, ALL_NONE, SLUG, _at, _count, _visible, question_check
from quizgen.bank.text import parse_cloze
from quizgen.diagnostics import Diagnostic

# -- every question --------------------------------------------------------------------------


@question_check(reads=("id",))
def check_question_id(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    if not SLUG.fullmatch(q.id):
        yield _at("QG015", bank, q, "id", f"question id '{q.id}' is not a slug", _SLUG_HINT)


@question_check(reads=("difficulty",))
def check_difficulty(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    if q.difficulty is not None and q.difficulty not in DIFFICULTIES:
        yield _at(
            "QG016",
            bank,
            q,
            "difficulty",
            f"unknown difficulty '{q.difficulty}'",
            did_you_mean(q.difficulty.lower(), DIFFICULTIES) or "one of: easy, medium, hard",
        )


@question_check(reads=("points",))
def check_points(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    if q.points < 0:
        yield _at("QG017", bank, q, "points", f"points cannot be negative ({format_number(q.points)})")
    elif q.points > MAX_POINTS:
        # Totals of a class set stay finite and exact (1.7e308 twice printed "Total: inf points").
        yield _at(
            "QG017",
            bank,
            q,
            "points",
            f"points of {q.points:g} are more than a question can carry",
            f"give at most {format_number(MAX_POINTS)} points",
        )


@question_check(reads=("tags",))
def check_question_tags(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    yield from _tags(bank, q, q.tags)


@question_check(reads=("image",))
def check_image(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    if q.image is None:
        return
    if PurePosixPath(q.image).is_absolute() or PureWindowsPath(q.image).is_absolute():
        yield _at(
            "QG031",
            bank,
            q,
            "image",
            f"image path '{q.image}' is absolute",
            "give the path relative to the bank's folder, e.g. images/map.png",
        )
        return
    folder = bank.folder.resolve()
    try:
        target = (folder / q.image).resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL in the name, a symlink loop
        yield _at(
            "QG032",
            bank,
            q,
            "image",
            f"image file '{_visible(q.image)}' does not exist",
            "a file name cannot hold the character NUL (\\0)" if "\0" in q.image else "",
        )
        return
    if not target.is_relative_to(folder):
        yield _at(
            "QG031",
            bank,
            q,
            "image",
            f"image path '{q.image}' leaves the bank's folder",
            "keep images in the bank's folder or below it",
        )
    elif not _is_file(target):
        yield _at(
            "QG032",
            bank,
            q,
            "image",
            f"image file '{q.image}' does not exist",
            f"looked for {target}",
        )


def _is_file(path: Path) -> bool:
    """`path.is_file()`, False too for a name the system refuses (too long, a NUL in it)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


# -- choices ---------------------------------------------------------------------------------


@question_check(Choice, Multi, reads=("choices", "shuffle"))
def check_choices(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, (Choice, Multi))
    if len(q.choices) == 1 and _FOLDED_LIST.search(q.choices[0]):
        # `- b` indented deeper than `- a` continues a's text: YAML reads one choice.
        yield _at(
            "QG022",
            bank,
            q,
            "choices",
            "1 choice: the list was read as one text, because a '- ' line below the first "
            "is indented more than the first",
            "indent every '- ' of the list by the same number of spaces",
        )
    elif not 2 <= len(q.choices) <= 26:
        yield _at(
            "QG022",
            bank,
            q,
            "choices",
            f"{_count(len(q.choices), 'choice')}; a question needs 2 to 26",
        )
    seen: dict[str, int] = {}
    for i, choice in enumerate(q.choices):
        if choice in seen:
            yield _at(
                "QG021",
                bank,
                q,
                f"choices.{i}",
                f"choice '{choice}' appears twice",
                f"it is already choice {seen[choice] + 1}",
            )
        else:
            seen[choice] = i
        if q.shuffle and _ABOVE.search(choice) and not ALL_NONE.search(choice):  # `shuffle: false` pins it
            yield _at(
                "QG051",
                bank,
                q,
                f"choices.{i}",
                f"'{choice}' depends on the order of the choices",
                "shuffled versions break it; write a choice that stands on its own",
            )


_FOLDED_LIST = re.compile(r"\S \- \S")


def _not_a_choice(bank: Bank, q: Choice | Multi, answer: str, key: str) -> Diagnostic:
    folded = {c.casefold().strip(): c for c in q.choices}
    if len(q.choices) == 1 and _FOLDED_LIST.search(q.choices[0]):
        hint = "the choices were read as one text; see the error about the list's indentation"
        return _at("QG020", bank, q, key, f"answer '{answer}' is not one of the choices", hint)
    if answer.casefold() in folded:
        hint = f"did you mean '{folded[answer.casefold()]}'? (an answer must match its choice exactly)"
    elif q.choices:
        best = max(q.choices, key=lambda c: difflib.SequenceMatcher(None, answer, c).ratio())
        hint = f"the closest choice is '{best}'"
    else:
        hint = "the question has no choices"
    return _at("QG020", bank, q, key, f"answer '{answer}' is not one of the choices", hint)


@question_check(Choice, reads=("choices", "answer"))
def check_choice_answer(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Choice)
    if q.answer not in q.choices:
        yield _not_a_choice(bank, q, q.answer, "answer")


@question_check(Multi, reads=("choices", "answers"))
def check_multi_answers(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Multi)
    seen: set[str] = set()
    for i, answer in enumerate(q.answers):
        if answer not in q.choices:
            yield _not_a_choice(bank, q, answer, f"answer.{i}")
        if answer in seen:
            yield _at("QG030", bank, q, f"answer.{i}", f"answer '{answer}' is listed twice")
        seen.add(answer)
    if len(q.choices) > 1 and set(q.choices) <= seen:
        yield _at(
            "QG052",
            bank,
            q,
            "answer",
            "every choice is a correct answer",
            "add at least one wrong choice, or a student can tick everything",
        )


# -- other kinds -----------------------------------------------------------------------------


@question_check(Numeric, reads=("tolerance",))
def check_tolerance(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Numeric)
    if q.tolerance < 0:
        yield _at(
            "QG017", bank, q, "tolerance", f"tolerance cannot be negative ({format_number(q.tolerance)})"
        )
    for name, value in (("answer", q.answer), ("tolerance", q.tolerance)):
        if not is_printable(value):
            # Past this a range answer +- tolerance is not exact, and a sum not finite.
            yield _at(
                "QG017",
                bank,
                q,
                name,
                f"{name} {value:g} is too large to print and compare exactly",
                f"write it in a larger unit, at most {MAX_VALUE:g} in size",
            )


@question_check(Cloze, reads=("text",))
def check_cloze(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Cloze)
    deletions, problems = parse_cloze(q.text)
    for problem in problems:
        yield _at(
            "QG026",
            bank,
            q,
            "text",
            f"malformed cloze deletion: {problem}",
            "write {{c1::answer}} or {{c1::answer::hint}}",
        )
    if not deletions and not problems:
        yield _at(
            "QG025",
            bank,
            q,
            "text",
            "cloze text has no deletion",
            "mark what the student must recall: The capital is {{c1::Minsk}}.",
        )


@question_check(Match, reads=("pairs",))
def check_match(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Match)
    if len(q.pairs) < 2:
        yield _at("QG027", bank, q, "pairs", f"{_count(len(q.pairs), 'pair')}; a match needs 2 or more")
    for side, name in ((0, "left"), (1, "right")):
        seen: dict[str, int] = {}
        for i, pair in enumerate(q.pairs):
            text = pair[side]
            if text in seen:
                yield _at(
                    "QG028",
                    bank,
                    q,
                    f"pairs.{i}",
                    f"{name} side '{text}' appears twice",
                    f"it is already in pair {seen[text] + 1}; each side must be unique to be matched",
                )
            else:
                seen[text] = i


@question_check(Order, reads=("items",))
def check_order(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Order)
    if len(q.items) < 3:
        yield _at(
            "QG029",
            bank,
            q,
            "items",
            f"{_count(len(q.items), 'item')}; an order question needs 3 or more",
            "with two items, ask a choice or truefalse question instead"
            if len(q.items) == 2
            else "list 3 or more items, in the right order",
        )
    counts = Counter(q.items)
    reported: set[str] = set()
    first: dict[str, int] = {}
    for i, item in enumerate(q.items):
        first.setdefault(item, i)
        # Reported once, at its first repeat.
        if counts[item] > 1 and item not in reported and first[item] != i:
            reported.add(item)
            times = "twice" if counts[item] == 2 else f"{counts[item]} times"
            yield _at("QG029", bank, q, f"items.{i}", f"item '{item}' appears {times}")


@question_check(Open, reads=("lines",))
def check_lines(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    assert isinstance(q, Open)
    if q.lines < 0:
        yield _at("QG017", bank, q, "lines", f"lines cannot be negative ({q.lines})")
    elif q.lines > MAX_LINES:
        yield _at(
            "QG075",
            bank,
            q,
            "lines",
            f"lines: {q.lines:,} is more than the {MAX_LINES} a printed question can have",
            f"write at most lines: {MAX_LINES} (about two pages)",
        )
