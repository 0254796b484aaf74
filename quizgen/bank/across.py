"""Item-writing checks across questions: give-aways between the questions of one deck
(QG108) and one name spelled two ways in a deck (QG110).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from quizgen.bank import evidence as ev
from quizgen.bank import giveaway
from quizgen.bank.model import Bank, Choice, Cloze, Match, Multi, Open, Order, Question, Short
from quizgen.bank.registry import (
    CORPUS_CHECKS,
    _at,
    _count,
)
from quizgen.diagnostics import Diagnostic

# -- across questions ----------------------------------------------------------------------


def deck_groups(banks: list[Bank]) -> list[list[Bank]]:
    """Banks that end up in one Anki package (one top-level deck), in order."""
    groups: dict[str, list[Bank]] = defaultdict(list)
    for bank in banks:
        groups[bank.deck_name.split("::")[0].strip()].append(bank)
    return list(groups.values())


def check_giveaways(banks: list[Bank]) -> Iterator[Diagnostic]:
    """QG108: a question whose stem or choices show another question's answer (one report per answer).

    Across every bank checked together, not only those of one deck tree: banks given to one
    command together can be made into one quiz (`quizgen quiz a.yaml b.yaml`), and a deck
    tree's banks are studied side by side."""
    for group in [banks]:
        pool = [(bank, q) for bank in group for q in bank.questions]
        reported: set[tuple[int, str]] = set()
        for g in giveaway.find([q for _, q in pool], givers_per_answer=2):
            if (g.taker, g.answer) in reported:
                continue
            reported.add((g.taker, g.answer))
            (giver_bank, giver), (taker_bank, taker) = pool[g.giver], pool[g.taker]
            other = f"question '{taker.id}'"
            if taker_bank is not giver_bank:
                other += f" of {taker_bank.path}"
            yield _at(
                "QG108",
                giver_bank,
                giver,
                g.where,
                f"this gives away the answer of {other}: '{g.answer}'",
                f"{taker.id} is on line {taker.pos().line}; reword one of them "
                "(quizgen quiz never prints both on one paper)",
            )


NAME_MIN = 5
NAME_DISTANCE = 2
NAME_MAX = 40  # letters: a longer capitalised word is no name (the longest place names have 30-odd)
CROWD = 8  # names sharing one deletion: more is a list of codes or ids, not one name misspelt


def _authored(q: Question) -> Iterator[tuple[str, str, bool]]:
    """(where, text, first word counts) of what the author wrote; evidence is the article's spelling."""
    for key in ("prompt", "explanation"):
        yield key, getattr(q, key), False
    if isinstance(q, (Choice, Multi)):
        yield from ((f"choices.{i}", c, False) for i, c in enumerate(q.choices))
    if isinstance(q, Short):  # not `accept`: other spellings are what it is for
        yield "answer", q.answer, False
    if isinstance(q, Match):
        for i, (left, right) in enumerate(q.pairs):
            yield f"pairs.{i}", left, True
            yield f"pairs.{i}", right, False
    if isinstance(q, Order):
        yield from ((f"items.{i}", item, False) for i, item in enumerate(q.items))
    if isinstance(q, Cloze):
        yield "text", q.text, False
    text = getattr(q, "answer", "")
    if isinstance(text, str) and not isinstance(q, (Choice, Short)):
        yield "answer", text, False  # an open question's model answer


def _allowed(a: str, b: str) -> int:
    """How many letters two spellings of one name may differ in: one per 6 letters, at most 2.

    A letter in five is as often another place (Minsk / Pinsk) as another spelling, so
    names of 5 letters are not compared; Chrenin / Khrenin (7) are.
    """
    return min(NAME_DISTANCE, min(len(a), len(b)) // 6)


def _deletes(word: str, depth: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def check_name_spelling(banks: list[Bank]) -> Iterator[Diagnostic]:
    """QG110: one name spelled two ways (edit distance 1-2) in the banks of one deck.

    Spellings are counted per question. A question that writes both spellings ("Chrenin
    (often spelled Khrenin)") names the variant on purpose: its spellings do not count.
    """
    for group in deck_groups(banks):
        seen: dict[str, list[tuple[int, Bank, Question, str]]] = defaultdict(list)
        words_seen: set[str] = set()  # words of 5+ letters; those in lower case are words, not names
        number = 0
        for bank in group:
            for q in bank.questions:
                number += 1
                authored = _authored_texts(q)
                texts = [t for t, _ in authored]
                words_seen.update(_WORD5.findall("\n".join([*q.evidence, *texts])))
                for written in _names_of(authored):
                    seen[written.casefold()].append((number, bank, q, written))
        lowercase = {w for w in words_seen if w[0].islower()}  # once per word, not per use
        index: dict[str, set[str]] = defaultdict(set)
        for name in seen.keys() - lowercase:
            # Only as many deletions as the name may differ by (C02: a 2,400-letter "name"
            # has 2.9 million two-letter deletions), and none for a word longer than any name.
            depth = min(NAME_DISTANCE, len(name) // 6)
            if depth and len(name) <= NAME_MAX:
                for variant in _deletes(name, depth):
                    index[variant].add(name)
        # A crowd of names one deletion apart is no misspelling of one name, and comparing
        # all of them with each other is what made the check quadratic (C01).
        pairs = {
            (a, b)
            for names in index.values()
            if 1 < len(names) <= CROWD
            for a in names
            for b in names
            if a < b and not (a.startswith(b) or b.startswith(a))
        }
        for a, b in sorted(pairs):
            if not 1 <= ev.edit_distance(a, b, NAME_DISTANCE) <= _allowed(a, b):
                continue
            both = {n for n, *_ in seen[a]} & {n for n, *_ in seen[b]}
            uses = {n: [o for o in seen[n] if o[0] not in both] for n in (a, b)}
            if not uses[a] or not uses[b]:
                continue
            rare, common = sorted((a, b), key=lambda n: (len(uses[n]), n))
            _, bank, q, written = uses[rare][0]
            _, other_bank, other_q, other_written = uses[common][0]
            yield _at(
                "QG110",
                bank,
                q,
                _field_of(q, written),
                f"'{written}' is spelled '{other_written}' elsewhere in this deck",
                f"'{other_written}' {_count(len(uses[common]), 'time')}, first in question '{other_q.id}' "
                f"({other_bank.path}:{other_q.pos(_field_of(other_q, other_written)).line}); "
                "spell a name one way everywhere",
            )


def _authored_texts(q: Question) -> list[tuple[str, bool]]:
    """The texts of `_authored(q)` and whether their first word counts, without their keys."""
    out = [(q.prompt, False), (q.explanation, False)]
    if isinstance(q, (Choice, Multi)):
        out.extend((c, False) for c in q.choices)
    elif isinstance(q, Short):
        out.append((q.answer, False))
    elif isinstance(q, Match):
        out.extend((side, n == 0) for pair in q.pairs for n, side in enumerate(pair))
    elif isinstance(q, Order):
        out.extend((item, False) for item in q.items)
    elif isinstance(q, Cloze):
        out.append((q.text, False))
    elif isinstance(q, Open):
        out.append((q.answer, False))
    return out


def _names_of(authored: list[tuple[str, bool]]) -> set[str]:
    """The capitalised words of 5+ letters of a question's texts, but the first word of each
    text (of a match's left side too: there every capitalised word is a name)."""
    plain_texts = ev.visible("\n" + "\n".join(t for t, first in authored if not first))
    found = {name for start, name in _CAPITALISED_AFTER.findall(plain_texts) if not start}
    lefts = [t for t, first in authored if first]
    if lefts:
        found.update(_CAPITALISED.findall(ev.visible("\n".join(lefts))))
    return found


def _field_of(q: Question, written: str) -> str:
    """The first field of `q` that writes `written`, for the report."""
    return next((where for where, text, _ in _authored(q) if written in text), "")


_WORD5 = re.compile(r"[^\W\d_]{5,}")
_NAME = r"([A-Z\u00c0-\u00de\u0410-\u042f][^\W\d_]{4,})(?![^\W\d_])"
_CAPITALISED_AFTER = re.compile(r"(\n[ \t]*)?(?<![\w'\u2019])" + _NAME)  # group 1: a text's start
_CAPITALISED = re.compile(r"(?<![\w'\u2019])" + _NAME)


CORPUS_CHECKS.extend([check_giveaways, check_name_spelling])
