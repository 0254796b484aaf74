"""Checks of a bank and across banks: the header, ids, repeated prompts, and names that
Anki would merge (QG015, QG023, QG024, QG050, QG072, QG077).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from quizgen.bank.limits import _deck_name, _tags, _text_limits, _texts
from quizgen.bank.model import Bank, Question
from quizgen.bank.registry import _SLUG_HINT, BANK_CHECKS, CORPUS_CHECKS, SLUG, _at
from quizgen.bank.text import safe_link
from quizgen.diagnostics import Diagnostic

# -- banks -----------------------------------------------------------------------------------


def check_bank_header(bank: Bank) -> Iterator[Diagnostic]:
    if "id" not in bank.broken and not SLUG.fullmatch(bank.id):
        yield _at("QG015", bank, bank, "bank", f"bank id '{bank.id}' is not a slug", _SLUG_HINT)
    yield from _deck_name(bank)
    if "tags" not in bank.broken:
        yield from _tags(bank, bank, bank.tags)
    yield from _text_limits(bank, bank, _texts(bank))
    if bank.source is not None:
        yield from _text_limits(bank, bank.source, _texts(bank.source))
        url = bank.source.url
        if url and safe_link(url) is None:
            yield _at(
                "QG077",
                bank,
                bank.source,
                "url",
                f"source url '{url}' is not a web link (http:// or https://); it is left out of every output",
                "give the address where the article can be read, e.g. https://www.bbc.co.uk/news/...",
            )


def check_unique_ids(bank: Bank) -> Iterator[Diagnostic]:
    first: dict[str, Question] = {}
    usable = (q for q in (*bank.questions, *bank.unsound) if "id" not in q.broken)
    for q in sorted(usable, key=lambda q: q.pos()):
        if q.id in first:
            line = first[q.id].pos("id").line
            yield _at(
                "QG023",
                bank,
                q,
                "id",
                f"question id '{q.id}' is used twice in this bank",
                f"the first is on line {line}; ids must be unique and never reused",
            )
        else:
            first[q.id] = q


def check_repeated_prompts(bank: Bank) -> Iterator[Diagnostic]:
    first: dict[str, Question] = {}
    for q in bank.questions:
        if not q.prompt:
            continue
        if q.prompt in first:
            yield _at(
                "QG050",
                bank,
                q,
                "prompt",
                "the same prompt is asked twice in this bank",
                f"question '{first[q.prompt].id}' asks it too",
            )
        else:
            first[q.prompt] = q


BANK_CHECKS.extend([check_bank_header, check_unique_ids, check_repeated_prompts])


def check_unique_bank_ids(banks: list[Bank]) -> Iterator[Diagnostic]:
    first: dict[str, Bank] = {}
    for bank in banks:
        if "id" in bank.broken:
            continue
        if bank.id in first:
            yield _at(
                "QG024",
                bank,
                bank,
                "bank",
                f"bank id '{bank.id}' is also used by {first[bank.id].path}",
                "every bank needs its own id: it is part of every Anki note's identity",
            )
        else:
            first[bank.id] = bank


def _folded(name: str) -> str:
    """What Anki compares names by: case and Unicode form ignored."""
    return unicodedata.normalize("NFC", name).casefold()


def _how_differs(a: str, b: str) -> str:
    if unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b):
        return "Unicode form (one has letters written with combining accents)"
    return "case"


def check_names_anki_merges(banks: list[Bank]) -> Iterator[Diagnostic]:
    """Tags, and decks (at every level), that differ only in case or Unicode form: Anki keeps
    one spelling for all of them (or renames a deck), so they must be written one way."""
    first: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, folded) -> (as written, where)
    for bank in banks:
        places: list[tuple[str, str, Question | Bank, str]] = []
        if "deck" not in bank.broken and "title" not in bank.broken:
            parts = bank.deck_name.split("::")
            key = "deck" if bank.deck else "title"
            places += [("deck", "::".join(parts[: n + 1]), bank, key) for n in range(len(parts))]
        tagged: list[Question | Bank] = [bank, *bank.questions]
        places += [
            ("tag", t, w, f"tags.{i}") for w in tagged if "tags" not in w.broken for i, t in enumerate(w.tags)
        ]
        for kind, name, where, key in places:
            written = first.setdefault((kind, _folded(name)), (name, f"{bank.path}:{where.pos(key).line}"))
            if written[0] != name:
                yield _at(
                    "QG072",
                    bank,
                    where,
                    key,
                    f"{kind} '{name}' differs from '{written[0]}' only in {_how_differs(name, written[0])}",
                    f"Anki keeps one spelling for both; write '{written[0]}' as at {written[1]}",
                )


CORPUS_CHECKS.extend([check_unique_bank_ids, check_names_anki_merges])
