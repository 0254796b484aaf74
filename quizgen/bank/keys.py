"""Every key checked against its evidence, and every wrong answer the other way.

QG100: each thing a question asserts (a choice's right answer, a short answer or one it
accepts, a number with its unit, a statement marked true, a match pair, an order item, a
cloze deletion, a multi question's right answers) must be supported by one of its quotes.
QG111: a wrong answer (a distractor, a statement marked false) that a quote, or with
--articles a sentence of the article, asserts. Both judge lemmas, names and numbers
(`evidence`), and run on every question that has evidence, with or without --articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from quizgen.bank import evidence as ev
from quizgen.bank.model import (
    Bank,
    Choice,
    Cloze,
    Match,
    Multi,
    Numeric,
    Order,
    Pos,
    Question,
    Short,
    TrueFalse,
)
from quizgen.bank.provenance import Article
from quizgen.bank.registry import EVIDENCE_CHECKS, _at, _shorten, question_check
from quizgen.bank.text import parse_cloze
from quizgen.diagnostics import Diagnostic, diagnostic

# A stem that asks for the wrong one ("Which is NOT ...", "... EXCEPT"): its key is the false
# statement and its distractors are true, so neither direction can be checked.
_NEGATIVE_STEM = re.compile(r"\b(not|except|never|least|false|untrue|incorrect|wrong)\b", re.I)
_NEGATION = frozenset({"not", "never", "no", "nor", "cannot", "neither", "without"})


def _negative_stem(q: Question) -> bool:
    return bool(_NEGATIVE_STEM.search(ev.visible(q.prompt)))


def parts(q: Question) -> list[ev.Part]:
    """The parts of a question that a quote must support, each with its alternatives."""
    if isinstance(q, Match):
        return [
            ev.Part(f"pair {i + 1} '{left} \u2013 {right}'", right, f"pairs.{i}", extra_names=left)
            for i, (left, right) in enumerate(q.pairs)
        ]
    if isinstance(q, Order):
        return [ev.Part(f"item {i + 1} '{item}'", item, f"items.{i}") for i, item in enumerate(q.items)]
    if isinstance(q, Cloze):
        return [
            ev.Part(f"deletion c{d.number} '{d.answer}'", d.answer, f"text@{n}")
            for n, d in enumerate(parse_cloze(q.text)[0])
        ]
    if isinstance(q, Multi):
        if _negative_stem(q):
            return []
        key = "answer" if len(q.answers) == 1 else "answer.{}"
        return [ev.Part(f"the right answer '{a}'", a, key.format(i)) for i, a in enumerate(q.answers)]
    if isinstance(q, Choice):
        if _negative_stem(q):
            return []
        return [ev.Part(f"the right answer '{q.answer}'", q.answer, "answer", joined=True)]
    if isinstance(q, Short):
        return [ev.Part(f"the answer '{q.answer}'", q.answer, "answer", alternatives=q.accept, joined=True)]
    if isinstance(q, TrueFalse) and q.answer:
        return [ev.Part("the statement (marked true)", q.prompt, "prompt", joined=True)]
    return []


def _missing(part: ev.Part, quotes: Sequence[str]) -> str:
    """What the closest quote lacks, in the part's own words."""
    need = ev.needs(part.text, part.extra_names, part.first_counts)
    best = max((ev.Quote.of(q) for q in quotes), key=lambda qt: _score(qt, need))
    written = ev.tokens(f"{part.extra_names} {part.text}")
    lacking = [w for w in dict.fromkeys(written) if _needed(w, need) and ev.key(w) not in best.keys]
    return ", ".join(lacking[:6])


def _score(quote: ev.Quote, need: ev.Needs) -> int:
    return len(need.numbers & quote.numbers) + len(need.names & quote.keys) + len(need.words & quote.keys)


def _needed(word: str, need: ev.Needs) -> bool:
    k = ev.key(word)
    return k in need.numbers or k in need.names or k in need.words


def _negated(words: Sequence[str]) -> bool:
    """Whether folded words say no: "not", "never", "didn't" (tokens 'didn', 't')..."""
    return any(w in _NEGATION or (w == "t" and i and words[i - 1].endswith("n")) for i, w in enumerate(words))


def _part_supported(part: ev.Part, quotes: Sequence[str]) -> bool:
    if part.joined and len(quotes) > 1:
        # One claim may join two quotes ("for eleven years" + "carried his instructions");
        # the parts of a match, order or multi each need a quote of their own, so that a
        # pair with its sides swapped is still caught.
        quotes = [*quotes, " \n ".join(quotes)]
    texts = (part.text, *part.alternatives)
    if not any(ev.supported(t, quotes, part.extra_names, part.first_counts) for t in texts):
        return False
    if part.where != "prompt" or not _negated(ev.tokens(part.text)):
        return True
    # A statement marked true that says "not" needs a quote that says no too.
    need = ev.needs(part.text)
    return any(ev.supports(ev.Quote.of(q), need) and _negated(ev.tokens(q)) for q in quotes)


@question_check(
    reads=("evidence", "answer", "answers", "choices", "accept", "pairs", "items", "text", "prompt")
)
def check_parts(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG100: every part is supported by one of the question's quotes."""
    if not q.evidence:
        return
    if isinstance(q, Numeric):
        yield from _check_number(bank, q)
        return
    for part in parts(q):
        if _part_supported(part, q.evidence):
            continue
        lacking = _missing(part, q.evidence)
        pos = _part_pos(bank, q, part.where)
        negation = part.where == "prompt" and not lacking and _negated(ev.tokens(part.text))
        yield diagnostic(
            "QG100",
            str(bank.path),
            pos.line,
            pos.col,
            f"{part.label} is not supported by any evidence quote",
            "the statement says no ('not', 'never'...) and no quote that supports it does"
            if negation
            else f"quote the sentence that says it (evidence can be a list); no quote holds: {lacking}"
            if lacking
            else "quote the sentence that says it (evidence can be a list)",
        )


# -- numbers ---------------------------------------------------------------------------------


def _numbers(quotes: Sequence[str]) -> list[float]:
    return [float(w) for quote in quotes for w in ev.tokens(quote) if ev.is_number(w)]


def _number_found(answer: float, tolerance: float, numbers: list[float]) -> str:
    """'' when `answer` is not one of `numbers` (within tolerance) nor made of two of them;
    else how it was found ('9000', or '15000 - 6000')."""
    slack = max(tolerance, abs(answer) * 1e-9)
    for x in numbers:
        if abs(x - answer) <= slack:
            return ev.number_text(x)
    for i, a in enumerate(numbers):  # a number computed from two of the quote's (few) numbers
        for b in numbers[i + 1 :]:
            made = {"+": a + b, "-": abs(a - b), "x": a * b}
            if b:
                made["/"] = a / b
            if a:
                made["\\"] = b / a
            for op, value in made.items():
                if abs(value - answer) <= slack:
                    return f"{ev.number_text(a)} {op} {ev.number_text(b)}"
    return ""


def _check_number(bank: Bank, q: Numeric) -> Iterator[Diagnostic]:
    """QG100 for a numeric question: the number (as a value) and the words of its unit."""
    number = ev.number_text(q.answer)
    # The numbers the student is given: the quotes', the prompt's, and the article's date
    # ("eight months ago" in an article of 2022-10 makes 2022 a number of the evidence).
    published = bank.source.published if bank.source is not None else ""
    given = _numbers(q.evidence) + _numbers([q.prompt, published.replace("-", " ")])
    if not _number_found(q.answer, q.tolerance, given):
        yield _at(
            "QG100",
            bank,
            q,
            "answer",
            f"the answer {number} is not supported by any evidence quote",
            "no quote holds the number (as digits or words: 9,000 = 9000 = nine thousand), nor do two "
            "numbers of the quotes, the prompt or the article's date make it (a sum, difference, "
            "product or ratio)",
        )
        return
    unit = [w for w in ev.tokens(q.unit) if ev.is_content(w)]
    keys = ev.Quote.of(" \n ".join(q.evidence)).keys
    lacking = [w for w in unit if ev.key(w) not in keys]
    if lacking:
        yield _at(
            "QG100",
            bank,
            q,
            "unit",
            f"the unit '{q.unit}' of the answer {number} is not supported by any evidence quote",
            f"no quote holds: {', '.join(lacking)}; write the unit the article counts in",
        )


# -- wrong answers the evidence asserts ------------------------------------------------------

ASSERT_MIN = 3  # a wrong answer of fewer significant words is a name or a number, not a claim


def _significant(text: str) -> list[str]:
    """The words of a claim that a quote must say in order: numbers, names and content words,
    as keys."""
    names = {w for run in ev.names(text) for w in run}
    return [
        w if ev.is_number(w) else ev.key(w)
        for w in ev.tokens(text)
        if ev.is_number(w) or ev.is_content(w) or w in names
    ]


# A claim is matched against every quote of its question and, with --articles, every sentence
# of the article, and a quote or sentence against every wrong answer: each is analysed once.
@lru_cache(maxsize=1 << 10)
def _claim(claim: str) -> tuple[tuple[str, ...], bool] | None:
    """What `asserts` needs of a claim: its significant words and whether it says no; None
    for a claim too small to be asserted."""
    need = _significant(claim)
    if len(need) < ASSERT_MIN or all(ev.is_number(w) for w in need):
        return None
    return tuple(need), _negated(ev.tokens(claim))


@lru_cache(maxsize=1 << 10)  # an article's sentences
def _quote_keys(words: tuple[str, ...]) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
    """Each word's keys (`_keys_of`) and all of them together."""
    keys = tuple(_keys_of(words))
    return keys, frozenset().union(*keys) if keys else frozenset()


def _keys_of(words: Sequence[str]) -> list[frozenset[str]]:
    out = []
    for w in words:
        k = ev.key(w) if not ev.is_number(w) else w
        out.append(frozenset({w, w[: ev.PREFIX], w[: ev.CONTENT_MIN], k, k[: ev.CONTENT_MIN]}))
    return out


def asserts(quote: Sequence[str], claim: str) -> bool:
    """True when the folded words `quote` say `claim`: its numbers, names and content words
    (3 or more, at least one content word) in its order, close together, with the same no."""
    wanted = _claim(claim)
    if wanted is None:
        return False
    need, said_no = wanted
    keys, every = _quote_keys(tuple(quote))
    if not every.issuperset(need):
        return False
    span = 2 * len(need) + 6
    for start, first in enumerate(keys):
        if need[0] not in first:
            continue
        j, at = start, 0
        while at < len(need) and j < len(keys) and j - start < span:
            if need[at] in keys[j]:
                at += 1
            j += 1
        window = quote[max(0, start - 3) : j]
        if at == len(need) and _negated(window) == said_no:
            return True
    return False


def _wrong_answers(q: Question) -> list[tuple[str, str, str]]:
    """(the wrong answer, how a message names it, where) of a question."""
    if isinstance(q, (Choice, Multi)) and not _negative_stem(q):
        right = {q.answer} if isinstance(q, Choice) else set(q.answers)
        return [
            (c, f"the wrong answer '{c}'", f"choices.{i}") for i, c in enumerate(q.choices) if c not in right
        ]
    if isinstance(q, TrueFalse) and not q.answer:
        return [(q.prompt, "the statement marked false", "prompt")]
    return []


@question_check(Choice, Multi, TrueFalse, reads=("evidence", "choices", "answer", "answers", "prompt"))
def check_true_distractors(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG111: a wrong answer that one of the question's quotes asserts."""
    if not q.evidence:
        return
    quotes = [(quote, ev.tokens(quote)) for quote in q.evidence]
    for text, label, where in _wrong_answers(q):
        said = next((quote for quote, words in quotes if asserts(words, text)), None)
        if said is not None:
            yield _at(
                "QG111",
                bank,
                q,
                where,
                f"{label} is what the evidence says",
                f"the quote says: {_shorten(said)}; make it wrong, or mark it right",
            )


_SENTENCES: dict[int, tuple[Article, list[tuple[str, tuple[str, ...]]]]] = {}


def _article_sentences(article: Article) -> list[tuple[str, tuple[str, ...]]]:
    cached = _SENTENCES.get(id(article))
    if cached is None or cached[0] is not article:
        cached = (article, [(s, ev.tokens(s)) for s, _ in article.sentences])
        _SENTENCES.clear()  # one article at a time: banks are checked one after another
        _SENTENCES[id(article)] = cached
    return cached[1]


def check_article_distractors(bank: Bank, q: Question, article: Article) -> Iterator[Diagnostic]:
    """QG111 with --articles: a wrong answer that a sentence of the article asserts (the
    question's own quotes are `check_true_distractors`')."""
    wrong = _wrong_answers(q)
    if not wrong:
        return
    quoted = [ev.tokens(quote) for quote in q.evidence]
    for text, label, where in wrong:
        if any(asserts(words, text) for words in quoted):
            continue  # reported from the quote
        said = next((s for s, words in _article_sentences(article) if asserts(words, text)), None)
        if said is not None:
            yield _at(
                "QG111",
                bank,
                q,
                where,
                f"{label} is what the article says",
                f"the article says: {_shorten(said)}; make it wrong, or mark it right",
            )


EVIDENCE_CHECKS.append(check_article_distractors)


def _part_pos(bank: Bank, q: Question, where: str) -> Pos:
    """Where a part was written. A cloze deletion (`text@N`) is found in the file itself: the
    reader keeps only where the text starts, and deletions are rarely unsupported."""
    if not where.startswith("text@"):
        return q.pos(where)
    start = q.pos("text")
    number = int(where.removeprefix("text@"))
    lines = _lines(bank.path)
    seen = 0
    for row in range(start.line - 1, len(lines)):
        line = lines[row]
        col = start.col - 1 if row == start.line - 1 else 0
        while (found := line.find("{{", col)) >= 0:
            if seen == number:
                return Pos(row + 1, found + 1)
            seen += 1
            col = found + 2
    return start


def _lines(path: Path) -> list[str]:
    """The lines of a bank file, read once per version of the file (a large bank may have
    thousands of deletions to place)."""
    try:
        stat = path.stat()
    except OSError:
        return []
    return _read_lines(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_lines(path: Path, mtime_ns: int, size: int) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return []
