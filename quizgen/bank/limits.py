"""What the outputs can carry: text length and control characters, tags and deck names
as Anki takes them (QG018, QG019, QG070-QG076). A longer text or a deeper deck is surely a
mistake, and would cost gigabytes to print or be refused by Anki.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import fields

from quizgen.bank.model import Bank, Located, Question
from quizgen.bank.registry import _at, question_check
from quizgen.diagnostics import Diagnostic

# -- what the outputs can carry --------------------------------------------------------------
# Limits that keep every writer fast and bounded (docs/format.md, "Limits"): a longer text
# or more writing lines is surely a mistake, and would cost gigabytes to print.
MAX_LINES = 100
MAX_TEXT = 10_000  # characters in one text (a prompt, a choice, a quote...)
MAX_DECK_LEVELS = 11  # Anki refuses a whole package with a deck nested 12 deep
# Control characters other than tab and newline: invisible, and each writer treats them
# differently (Anki drops them, Markdown shows `*\0*` as stars, a terminal obeys them).
# The bidirectional controls too (E06): U+202E shows "\u202eksniM" as "Minsk", so a key, a
# choice or a quote can read as another word than the one a student must type or pick.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")
_YAML_KEY = {"answers": "answer"}
# Not text, or file names with checks of their own (QG031/QG032, QG041).
_NOT_TEXT = frozenset(
    {"where", "broken", "id", "difficulty", "shuffle", "unsound", "path", "questions", "image", "file"}
)


def _texts(obj: Located) -> Iterator[tuple[str, str]]:
    """Every text of a question or bank header, with the `where` key it was written at."""
    for f in fields(obj):
        if f.name in _NOT_TEXT:
            continue
        key = _YAML_KEY.get(f.name, f.name)
        value = getattr(obj, f.name)
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield f"{key}.{i}", item
                elif isinstance(item, tuple):
                    yield from ((f"{key}.{i}", side) for side in item if isinstance(side, str))


def _text_limits(bank: Bank, where: Located, texts: Iterable[tuple[str, str]]) -> Iterator[Diagnostic]:
    for key, text in texts:
        if len(text) > MAX_TEXT:
            yield _at(
                "QG076",
                bank,
                where,
                key,
                f"'{key.partition('.')[0]}' is {len(text):,} characters long; a text can have {MAX_TEXT:,}",
                "shorten it: a question is read in a minute, a quote is a sentence or two",
            )
        control = _CONTROL.search(text)
        if control and ord(control.group()) > 0xFF:
            yield _at(
                "QG074",
                bank,
                where,
                key,
                f"'{key.partition('.')[0]}' holds the bidirectional control U+{ord(control.group()):04X} "
                f"({unicodedata.name(control.group(), 'unnamed')}): the text shows in another order "
                "than it is stored, so it reads as another word",
                "delete it: students, graders and every export would see different text",
            )
        elif control:
            yield _at(
                "QG074",
                bank,
                where,
                key,
                f"'{key.partition('.')[0]}' holds the control character \\x{ord(control.group()):02x}",
                "delete it: it is invisible, and each output shows it differently or drops it",
            )


@question_check(reads=())
def check_question_texts(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    # Nearly every question has neither: one test over all its texts first, and the texts
    # with their keys only for a question that has one (speed: 100,000 questions).
    plain = _plain_texts(q)
    if any(len(text) > MAX_TEXT for text in plain) or _CONTROL.search("\n".join(plain)):
        yield from _text_limits(bank, q, _texts(q))


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}  # a question's kind -> its fields that hold text


def _plain_texts(obj: Located) -> list[str]:
    """The texts of `_texts(obj)`, without their keys."""
    out: list[str] = []
    kind = type(obj)
    if kind not in _TEXT_FIELDS:
        _TEXT_FIELDS[kind] = tuple(f.name for f in fields(obj) if f.name not in _NOT_TEXT)
    for name in _TEXT_FIELDS[kind]:
        value = getattr(obj, name)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, str):
                    out.append(item)
                elif isinstance(item, tuple):
                    out.extend(side for side in item if isinstance(side, str))
    return out


def _tags(bank: Bank, where: Question | Bank, tags: Iterable[str]) -> Iterator[Diagnostic]:
    for i, tag in enumerate(tags):
        if any(not part for part in tag.split("::")):
            yield _at(
                "QG071",
                bank,
                where,
                f"tags.{i}",
                f"tag '{tag}' has an empty part",
                "Anki would name the empty part 'blank'; write parent::child with text on both sides",
            )
        if any(c.isspace() for c in tag):
            yield _at(
                "QG018",
                bank,
                where,
                f"tags.{i}",
                f"tag '{tag}' contains a space",
                f"Anki splits tags at spaces; write '{'-'.join(tag.split())}'",
            )


def _deck_name(bank: Bank) -> Iterator[Diagnostic]:
    """The deck Anki will make: the bank's `deck`, else `Quizgen::<title>`."""
    if "deck" in bank.broken or ("title" in bank.broken and not bank.deck):
        return
    key, name = ("deck", bank.deck) if bank.deck else ("title", bank.deck_name)
    what = f"deck name '{name}'" if bank.deck else f"the deck made from the title, '{name}',"
    parts = name.split("::")
    if any(not part.strip() for part in parts):
        hint = "write parent::child with text on both sides of '::'"
        yield _at(
            "QG019",
            bank,
            bank,
            key,
            f"{what} has an empty part",
            hint if bank.deck else "add deck: <name>, or take the '::' out of the title",
        )
    if len(parts) > MAX_DECK_LEVELS:
        yield _at(
            "QG070",
            bank,
            bank,
            key,
            f"{what} is {len(parts)} levels deep; "
            f"Anki refuses a package with decks over {MAX_DECK_LEVELS} levels",
            "use fewer '::'" if bank.deck else "add deck: <name> with fewer '::'",
        )
    if parts[0].strip().casefold() == "default":
        yield _at(
            "QG073",
            bank,
            bank,
            key,
            f"{what} is Anki's own 'Default' deck",
            "Anki puts these cards among the student's own; choose another name",
        )
