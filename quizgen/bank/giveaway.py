"""Giveaways: one question's stem or choices that hold another question's answer.

Used by the checker (a warning) and by quiz selection (never both on one paper). Pure.
Answers are looked up in an index keyed by their folded words, so finding every
giveaway among n questions costs a few set operations per question, never a comparison
of every answer with every stem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from quizgen.bank.evidence import contains_run, is_content, is_number, number_text, tokens
from quizgen.bank.model import Choice, Cloze, Match, Multi, Numeric, Order, Question, Short
from quizgen.bank.text import parse_cloze

Words = tuple[str, ...]


@dataclass(frozen=True)
class Giveaway:
    """`giver` shows, at its field `where`, the answer `answer` of `taker` (indices into the list)."""

    giver: int
    taker: int
    where: str
    answer: str


def answers(q: Question) -> list[str]:
    """The answers a student must produce or pick: a choice's key, a short answer and what it
    accepts, a numeric answer, every cloze deletion. Other kinds have none to give away."""
    if isinstance(q, Choice):
        return [q.answer]
    if isinstance(q, Short):
        return [q.answer, *q.accept]
    if isinstance(q, Numeric):
        # A number under 10 is too common to tell on its own ("a two-word phrase" gives away
        # no "how many regions?"): it counts only followed by the unit ("two regions").
        number = number_text(q.answer)
        if abs(q.answer) < 10:
            return [f"{number} {q.unit}"] if q.unit.strip() else []
        return [number]
    if isinstance(q, Cloze):
        return [d.answer for d in parse_cloze(q.text)[0]]
    return []


def cloze_visible(text: str) -> str:
    """Cloze text as the student reads it: each deletion shows only its hint."""
    deletions, _ = parse_cloze(text)
    out, pos = [], 0
    for d in deletions:
        out.extend([text[pos : d.start], " ", d.hint, " "])
        pos = d.end
    out.append(text[pos:])
    return "".join(out)


def visible(q: Question) -> list[tuple[str, str]]:
    """What the student reads of `q` besides its answer: (field key, text) pieces."""
    out = [("prompt", q.prompt)] if q.prompt else []
    if isinstance(q, (Choice, Multi)):
        out.extend((f"choices.{i}", c) for i, c in enumerate(q.choices))
    elif isinstance(q, Match):
        out.extend((f"pairs.{i}", side) for i, pair in enumerate(q.pairs) for side in pair)
    elif isinstance(q, Order):
        out.extend((f"items.{i}", item) for i, item in enumerate(q.items))
    elif isinstance(q, Cloze):
        out.append(("text", cloze_visible(q.text)))
    return out


def _texts(q: Question) -> list[str]:
    """The texts of `visible(q)`, without their keys (made only for a giveaway found)."""
    out = [q.prompt] if q.prompt else []
    if isinstance(q, (Choice, Multi)):
        out.extend(q.choices)
    elif isinstance(q, Match):
        out.extend(side for pair in q.pairs for side in pair)
    elif isinstance(q, Order):
        out.extend(q.items)
    elif isinstance(q, Cloze):
        out.append(cloze_visible(q.text))
    return out


# Between the texts of a question, so that one call folds them all and no answer runs from
# one text into the next: a word no answer has.
_SEPARATOR = "\n qgseparatorqg \n"
_SEPARATOR_WORD = "qgseparatorqg"


def _stem_words(q: Question) -> Words:
    text = q.prompt + (" \n " + cloze_visible(q.text) if isinstance(q, Cloze) else "")
    return tokens(text)


def _counts(answer: str, words: Words) -> bool:
    """Answers too small to tell (under 4 characters and not a number) or of stopwords only are ignored."""
    if not words:
        return False
    if is_number(words[0]):
        return True
    return len(answer.strip()) >= 4 and any(is_content(w) or is_number(w) for w in words)


def find(questions: Sequence[Question], givers_per_answer: int | None = None) -> Iterator[Giveaway]:
    """Every giveaway among `questions`, in order of the giver.

    With `givers_per_answer`, an answer stops being looked for after that many questions
    gave it away (the checker names one giver per answer; 2 is enough to find one that
    is not the taker itself). A question never gives away its own answer, and an answer
    that its own question's stem already shows is no giveaway.
    """
    index: dict[Words, list[tuple[int, str]]] = defaultdict(list)
    for n, q in enumerate(questions):
        for answer in answers(q):
            words = tokens(answer)
            if _counts(answer, words):
                index[words].append((n, answer))
    # Each question's one-word answers by a set intersection in C; longer answers only looked
    # for where a pair of the question's words begins one of them (few places: most pairs
    # begin none), as runs of the lengths the answers beginning with that pair have. An
    # answer that has all the givers asked for is dropped.
    by_length: dict[int, set[Words]] = defaultdict(set)
    for words in index:
        by_length[len(words)].add(words)
    singles = {words[0] for words in by_length.pop(1, ())}  # one-word answers, as words
    lengths_of: dict[Words, list[int]] = defaultdict(list)  # first two words -> lengths, ascending
    for length in sorted(by_length):
        for begin in {words[:2] for words in by_length[length]}:
            lengths_of[begin].append(length)
    beginning = lengths_of.get  # never lengths_of[...]: a defaultdict would grow
    found_by: dict[Words, set[int]] = defaultdict(set)
    own: dict[tuple[int, Words], bool] = {}
    stems: dict[int, Words] = {}  # each taker's stem, folded once
    fold_all = tokens.__wrapped__  # one text per question: not worth caching
    for giver, q in enumerate(questions):
        seen = fold_all(_SEPARATOR.join(_texts(q)))
        hits: list[Words] = [(w,) for w in singles.intersection(seen)]
        size = len(seen)
        runs: set[Words] = set()
        for i, pair in enumerate(pairwise(seen)):
            # One lookup per pair (a set of the pairs first, intersected with the beginnings,
            # cost more where many pairs begin an answer, as in a large bank).
            lengths = beginning(pair)
            if lengths:
                for length in lengths:
                    if i + length > size:
                        break
                    run = seen[i : i + length]
                    if run in by_length[length]:
                        runs.add(run)
        hits.extend(runs)
        for ended in sorted(hits):
            givers = found_by[ended]
            if giver in givers:
                continue
            givers.add(giver)
            if givers_per_answer is not None and len(givers) >= givers_per_answer:
                if len(ended) == 1:
                    singles.discard(ended[0])
                else:
                    by_length[len(ended)].discard(ended)
            where = ""  # found once per giver and answer, for however many takers it has
            for taker, answer in index[ended]:
                if taker == giver:
                    continue
                if (taker, ended) not in own:
                    if taker not in stems:
                        stems[taker] = _stem_words(questions[taker])
                    own[taker, ended] = contains_run(stems[taker], ended)
                if not own[taker, ended]:
                    where = where or _where(q, seen, ended)
                    yield Giveaway(giver, taker, where, answer)


def _where(q: Question, seen: Words, answer: Words) -> str:
    """The field of `q` that shows `answer`: the one its first occurrence in `seen` falls in."""
    n, head = len(answer), answer[0]
    first = seen.index(head)  # by the first word, in C: the loop below runs only where it occurs
    while seen[first : first + n] != answer:
        first = seen.index(head, first + 1)
    return visible(q)[seen[:first].count(_SEPARATOR_WORD)][0]
