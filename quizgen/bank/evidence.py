"""Text as the evidence and item-writing checks compare it: folded words, numbers, names.

Pure functions, no I/O. The rules are those of docs/diagnostics.md ("When a quote supports
a part"): text is folded (case, quote marks, dashes, whitespace), numbers written as words
count as their digits ("fifteen thousand" is 15000, "two and a half" is 2.5), thousands
separators are ignored (9,000 is 9000), and words match on their lemmas (simplemma's
dictionary form: "opened" and "opening" are "open", "troops" is "troop", "ran" is "run"),
cut to their first 5 letters, so "deployed" matches "deployment" and "Belarusian" matches
"Belarus"; a word of 4 letters matches a longer one that starts with it ("west" / "western").

Why simplemma (not lemminflect): it is maintained (2.0, 2026), pure Python with no
dependency, and looks a word up in a dictionary (about 30 MB, loaded once, on first use);
lemminflect (0.2.3, last released 2022) needs numpy and is English-only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from quizgen.bank.numbers import plain_number
from quizgen.bank.text import fold_chars, plain

PREFIX = 5  # words match on this many first letters
CONTENT_MIN = 4  # a content word has at least this many letters

# Common English words of 4+ letters that carry no content (shorter words never count).
STOPWORDS = frozenset(
    [
        "about",
        "above",
        "across",
        "after",
        "again",
        "against",
        "almost",
        "along",
        "also",
        "although",
        "among",
        "another",
        "anyone",
        "anything",
        "around",
        "away",
        "because",
        "been",
        "before",
        "being",
        "below",
        "beside",
        "besides",
        "between",
        "beyond",
        "both",
        "came",
        "cannot",
        "come",
        "could",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "even",
        "ever",
        "every",
        "from",
        "further",
        "gave",
        "give",
        "given",
        "goes",
        "going",
        "gone",
        "have",
        "having",
        "here",
        "hers",
        "herself",
        "himself",
        "into",
        "itself",
        "just",
        "least",
        "less",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "myself",
        "neither",
        "never",
        "none",
        "nothing",
        "once",
        "only",
        "onto",
        "other",
        "others",
        "ours",
        "ourselves",
        "over",
        "same",
        "several",
        "shall",
        "should",
        "since",
        "some",
        "something",
        "such",
        "than",
        "that",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "therefore",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "till",
        "together",
        "too",
        "toward",
        "towards",
        "under",
        "unless",
        "until",
        "upon",
        "very",
        "were",
        "what",
        "whatever",
        "when",
        "whenever",
        "where",
        "whether",
        "which",
        "while",
        "whom",
        "whose",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "according",
        # Words about the article rather than what it says ("the article quotes sources"):
        # a statement about the text needs no quote that says "article".
        "article",
        "articles",
        "author",
        "authors",
        "report",
        "reports",
        "reported",
        "quote",
        "quotes",
        "quoted",
        "source",
        "sources",
        "text",
        "passage",
        "writes",
        "wrote",
        "mentions",
        "mentioned",
    ]
)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_SCALES) | {"hundred"}

# Folded text -> tokens: numbers (9,000 / 9 000 / 2.5) and runs of letters.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?!,?\d)(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+")
# A possessive is part of its word: "Ukraine's territorial integrity" is three words, not four.
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['\u2019]s\b")


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """The folded words of `text` (emphasis marks removed), numbers as digits.

    >>> tokens("Around **fifteen thousand** well-trained soldiers, 9,000 of them")
    ('around', '15000', 'well', 'trained', 'soldiers', '9000', 'of', 'them')
    """
    folded = fold(text)
    raw = _TOKEN.findall(_POSSESSIVE.sub("", folded) if "'" in folded or "\u2019" in folded else folded)
    if "," in text:
        raw = [t.replace(",", "") for t in raw]
    if _NUMBER_WORDS.isdisjoint(raw):  # the common case: no number words to convert
        return tuple(raw)
    return tuple(_numbers_as_digits(raw))


def visible(text: str) -> str:
    """`text.plain`, quick for the many texts without a mark."""
    return plain(text) if "*" in text or "`" in text or "\\" in text else text


def fold(text: str) -> str:
    """`text` as it is compared: emphasis marks removed, then `normalize_quote` (without
    collapsing whitespace, which neither tokens nor a search for a word's letters sees).
    Plain ASCII takes the short way."""
    text = visible(text)
    if text.isascii():
        return text.lower()
    return fold_chars(text)


def _numbers_as_digits(words: list[str]) -> Iterable[str]:
    """Replace each run of number words ("two hundred and fifty", "two and a half", "2.5 million")
    by its digits. Two numbers side by side stay two ("one, two" is 1 and 2)."""
    i, n = 0, len(words)
    while i < n:
        w = words[i]
        if is_number(w) and i + 1 < n and words[i + 1] in _SCALES:
            yield number_text(float(w) * _SCALES[words[i + 1]])
            i += 2
            continue
        if w not in _NUMBER_WORDS:
            yield w
            i += 1
            continue
        total, current, j = 0.0, 0.0, i
        while j < n:
            w = words[j]
            if w in _UNITS and _takes(current, _UNITS[w]):
                current += _UNITS[w]
            elif w == "hundred" and current % 100 and current < 100:
                current *= 100
            elif w in _SCALES and (current or total) and not total % (_SCALES[w] * 1000):
                total += current * _SCALES[w] if current else 0
                current = 0
            elif w == "and" and j + 1 < n and words[j + 1] in _UNITS and current % 100 == 0 and current:
                pass  # "two hundred and fifty"
            elif w == "and" and words[j + 1 : j + 3] == ["a", "half"] and current:
                current += 0.5  # "two and a half"
                j += 2
            else:
                break
            j += 1
        if j == i:  # a lone scale word: "million" is a million
            current, j = _SCALES.get(words[i], 100), i + 1
        yield number_text(total + current)
        i = j


def _takes(current: float, unit: int) -> bool:
    """Whether `unit` continues the number `current`: "twenty" + "one", "hundred" + "five"."""
    rest = current % 100
    if current == 0:
        return True
    if rest == 0:
        return True  # after "two hundred" or "two thousand"
    return unit < 10 and rest >= 20 and rest % 10 == 0  # "twenty" + "one"


def number_text(value: float) -> str:
    """A number as a token: 9000, 2.5 (never 9000.0 or 9e3)."""
    return plain_number(value)


def is_number(token: str) -> bool:
    return token[:1].isdigit()


@lru_cache(maxsize=1 << 17)
def lemma(word: str) -> str:
    """The dictionary form of a folded English word: 'opened' and 'opening' -> 'open'.

    Words of fewer than 3 letters and anything that is not letters are left as they are.
    """
    if len(word) < 3 or not word.isalpha() or len(word) > 40:
        return word
    from simplemma import lemmatize  # imported on first use: `quizgen --help` never pays for it

    return str(lemmatize(word, lang="en")).casefold() or word


@lru_cache(maxsize=1 << 17)
def key(word: str) -> str:
    """What a word is matched on: the first 5 letters of its lemma (a number as it is)."""
    return word if word[0].isdigit() else lemma(word)[:PREFIX]


def is_content(word: str) -> bool:
    """A content word: 4+ letters and not a stopword."""
    return len(word) >= CONTENT_MIN and word.isalpha() and word not in STOPWORDS


_WORD_AS_WRITTEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|[^\w\s]+")
# Capitalised at the start of a pair's left side ("The authors"), these are no names.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "for",
        "and",
        "or",
        "but",
        "as",
        "its",
        "his",
        "her",
        "their",
        "our",
        "my",
    ]
)


def names(text: str, *, first_counts: bool = False) -> list[list[str]]:
    """The names in `text`, folded, as runs of adjacent name words ("Viktor Chrenin").

    A name word is a capitalised word not at the start of the text (any capitalised word
    when `first_counts`), or a word of 2+ letters in ALL CAPS (NATO, EU). A run ends at
    anything that is not a name word, a possessive included ("Belarus's | Foreign Ministry").
    """
    found: list[list[str]] = []
    run: list[str] = []
    first = True
    for m in _WORD_AS_WRITTEN.finditer(visible(text)):
        written = m.group()
        if not written[:1].isalpha():  # punctuation ends a run; a hyphen does not
            if written not in ("-",) and run:
                found.append(run)
                run = []
            continue
        word = written.partition("'")[0].partition("\u2019")[0]
        caps = len(word) >= 2 and word.isupper()
        name = caps or (word[:1].isupper() and (not first or first_counts))
        name = name and word.casefold() not in _FUNCTION_WORDS and word.casefold() not in STOPWORDS
        first = False
        if name:
            run.extend(tokens(word))
        if (not name or word != written) and run:
            found.append(run)
            run = []
    if run:
        found.append(run)
    return found


@dataclass(frozen=True)
class Part:
    """One thing a question asserts that a quote must support: a match pair, an order item..."""

    label: str  # how a message names it: "pair 2 'Tertel - KGB chief'"
    text: str
    where: str  # the `where` key of its position: "pairs.1", "items.0", "answer.1"
    first_counts: bool = False  # every capitalised word is a name (the left side of a pair)
    extra_names: str = ""  # text whose capitalised words all count (a pair's left side)
    alternatives: tuple[str, ...] = ()  # other texts that support it as well (a short answer's accept)
    joined: bool = False  # the question's one claim: its quotes may support it together


_DIGIT_ONE = re.compile(r"(?<![\d.,])1(?![\d.,]\d)")


@dataclass(frozen=True)
class Needs:
    """What a quote must contain to support a part."""

    numbers: frozenset[str]
    names: frozenset[str]  # as keys: the last word of each name
    words: frozenset[str]  # the remaining content words, as keys
    enough: int  # how many of `words` must occur

    @property
    def empty(self) -> bool:
        return not (self.numbers or self.names or self.words)


@lru_cache(maxsize=1 << 15)
def needs(text: str, extra_names: str = "", first_counts: bool = False) -> Needs:
    """What a quote must hold to support the part `text` (see the module docstring)."""
    words = tokens(text)
    runs = names(text, first_counts=first_counts)
    if extra_names:
        runs += names(extra_names, first_counts=True)
        words = words + tokens(extra_names)
    # A name of several words is known by its last ("Svetlana Tichanovskaya" by Tichanovskaya,
    # "Foreign Ministry" by Ministry): that one must occur; the others are not counted at all.
    surnames = frozenset(key(run[-1]) for run in runs)
    given = {key(n) for run in runs for n in run[:-1]}
    numbers = frozenset(w for w in words if is_number(w))
    if "1" in numbers and not _DIGIT_ONE.search(text):
        numbers -= {"1"}  # "a longer one", "one of them": a pronoun far more often than a count
    content = frozenset(key(w) for w in words if is_content(w)) - surnames - given
    return Needs(numbers, surnames, content, max(1, -(-len(content) // 2)) if content else 0)


@dataclass(frozen=True)
class Quote:
    """A quote, folded once for matching many parts against it."""

    numbers: frozenset[str]
    keys: frozenset[str]  # each word's first 5 letters, and its first 4 (so "take" finds "taken")

    @classmethod
    def of(cls, text: str) -> Quote:
        return _quote(text)

    @classmethod
    def made(cls, text: str) -> Quote:
        words = tokens(text)
        numbers = frozenset(w for w in words if w[0].isdigit())
        lemmas = {key(w) for w in words}
        keys = {w[:PREFIX] for w in words}.union(w[:CONTENT_MIN] for w in words)
        keys |= lemmas | {k[:CONTENT_MIN] for k in lemmas}
        return cls(numbers, frozenset(keys | numbers))


@lru_cache(maxsize=1 << 15)
def _quote(text: str) -> Quote:
    """`Quote.of`, once per text: a question's quotes are matched against each of its parts."""
    return Quote.made(text)


def forget_texts() -> None:
    """Empty the caches keyed by whole texts (words and lemmas stay): a process that checks
    a large bank slice by slice keeps only the current slice's (helper.py)."""
    tokens.cache_clear()
    needs.cache_clear()
    _quote.cache_clear()


def supports(quote: Quote, need: Needs) -> bool:
    """True when `quote` supports a part: all its numbers and names, and half its other content words."""
    if need.empty:
        return True
    if not need.numbers <= quote.numbers or not need.names <= quote.keys:
        return False
    return len(need.words & quote.keys) >= need.enough


def supported(text: str, quotes: Sequence[str], extra_names: str = "", first_counts: bool = False) -> bool:
    """True when one of `quotes` supports the part `text`."""
    need = needs(text, extra_names, first_counts)
    return any(supports(Quote.of(q), need) for q in quotes) if not need.empty else True


# -- runs of words ---------------------------------------------------------------------------


def ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    """Every run of `n` consecutive words."""
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """True when `needle` occurs in `haystack` as consecutive whole words."""
    n = len(needle)
    if not n:
        return False
    first = needle[0]
    return any(
        haystack[i] == first and tuple(haystack[i : i + n]) == tuple(needle)
        for i in range(len(haystack) - n + 1)
    )


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of `a` and `b`, or `limit + 1` once it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)
