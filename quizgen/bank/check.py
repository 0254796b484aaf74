"""Checks: every semantic, provenance and lint problem in banks that were read.

Each check is a small generator of `Diagnostic`s registered in one of three lists:
per question (by kind), per bank, and across all banks. Nothing here raises for a
user's mistake. `check_banks` runs them all; docs/diagnostics.md lists every code.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath, PureWindowsPath

from quizgen.bank.memory import gc_paused
from quizgen.bank.model import (
    DIFFICULTIES,
    QUESTION_KINDS,
    Bank,
    Choice,
    Cloze,
    Located,
    Match,
    Multi,
    Numeric,
    Open,
    Order,
    Question,
)
from quizgen.bank.nodes import did_you_mean
from quizgen.bank.numbers import MAX_POINTS, MAX_VALUE, format_number, is_printable
from quizgen.bank.read import find_bank_files, read_banks
from quizgen.bank.text import normalize_quote, parse_cloze, safe_link
from quizgen.diagnostics import Diagnostic, diagnostic, has_errors, promote_warnings

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SLUG_HINT = "use lowercase letters, digits and single hyphens, e.g. 'joint-unit-purpose'"
_ABOVE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.I)
# "All/none of the above" is an item-writing flaw whether shuffled or not: QG105 (lint.py)
# reports it, and QG051 keeps to the other choices that lean on their neighbours.
ALL_NONE = re.compile(r"\b(all|none) of (the above|these|them)\b", re.I)

QuestionCheck = Callable[[Bank, Question], Iterator[Diagnostic]]
BankCheck = Callable[[Bank], Iterator[Diagnostic]]
CorpusCheck = Callable[[list[Bank]], Iterator[Diagnostic]]

# kind -> [(check, the attributes it reads)]
QUESTION_CHECKS: dict[str, list[tuple[QuestionCheck, frozenset[str]]]] = {kind: [] for kind in QUESTION_KINDS}
BANK_CHECKS: list[BankCheck] = []
CORPUS_CHECKS: list[CorpusCheck] = []
# Run with --articles on every question of a bank whose article was found (lint.py adds
# the check that every part of a question is supported by a quote).
EVIDENCE_CHECKS: list[QuestionCheck] = []


def question_check(
    *kinds: type[Question], reads: tuple[str, ...]
) -> Callable[[QuestionCheck], QuestionCheck]:
    """Register a check for questions of `kinds` (all kinds when none is named).

    `reads` names the attributes the check looks at: on a question with a broken
    attribute (reported by the reader), only the checks that do not read it run.
    """

    def register(fn: QuestionCheck) -> QuestionCheck:
        for kind in kinds or tuple(QUESTION_KINDS.values()):
            QUESTION_CHECKS[kind.kind].append((fn, frozenset(reads)))
        return fn

    return register


def _at(code: str, bank: Bank, where: Located, key: str, message: str, hint: str = "") -> Diagnostic:
    pos = where.pos(key)
    return diagnostic(code, str(bank.path), pos.line, pos.col, message, hint)


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


def _visible(name: str) -> str:
    """A file name as the author wrote it in YAML: a NUL shown as \\0."""
    return name.replace("\0", "\\0")


def _count(n: int, noun: str) -> str:
    """`1 choice`, `0 choices`, `3 choices`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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


# -- what the outputs can carry --------------------------------------------------------------
# Limits that keep every writer fast and bounded (docs/format.md, "Limits"): a longer text
# or more writing lines is surely a mistake, and would cost gigabytes to print.
MAX_LINES = 100
MAX_TEXT = 10_000  # characters in one text (a prompt, a choice, a quote...)
MAX_DECK_LEVELS = 11  # Anki refuses a whole package with a deck nested 12 deep
# Control characters other than tab and newline: invisible, and each writer treats them
# differently (Anki drops them, Markdown shows `*\0*` as stars, a terminal obeys them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
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
        if control:
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


# -- banks -----------------------------------------------------------------------------------


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


# -- provenance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """A source article, normalised once for matching quotes against it."""

    text: str  # normalised, see `normalize_quote`
    sentences: list[tuple[str, frozenset[str]]]  # (sentence as written, its words)


_WORD = re.compile(r"\w+")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n\s*")  # a blank line
_SENTENCE_END = re.compile(r"(?<=[.!?\"\u201d])\s+")


def _sentences(text: str) -> list[str]:
    """The sentences of an article: paragraphs end at blank lines and are joined across
    line breaks (articles are often hard-wrapped), then split after . ! ? and closing quotes."""
    out: list[str] = []
    for paragraph in _PARAGRAPH_END.split(text):
        joined = " ".join(paragraph.split())
        if joined:
            out.extend(_SENTENCE_END.split(joined))
    return out


@dataclass(frozen=True)
class EvidenceSummary:
    """What provenance covered: the quotes found in their articles, and the articles used."""

    quotes: int = 0
    articles: int = 0
    missing: int = 0  # quotes not found (each an error QG040)


@dataclass
class Articles:
    """The folder of source articles, each read once."""

    folder: Path
    _cache: dict[str, Article | None] = field(default_factory=dict)
    found: int = 0  # quotes found, counted by `check_provenance`
    missing: int = 0
    used: set[str] = field(default_factory=set)

    def summary(self) -> EvidenceSummary:
        return EvidenceSummary(self.found, len(self.used), self.missing)

    def get(self, name: str) -> Article | None:
        """The article called `name` in the folder; None when it is missing or outside it."""
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name: str) -> Article | None:
        path = self.folder / name
        try:
            if not path.resolve().is_relative_to(self.folder.resolve()) or not path.is_file():
                return None
            raw = path.read_text(encoding="utf-8-sig", errors="replace")
        except (OSError, ValueError, RuntimeError):
            # A NUL in the name, a name too long, a symlink loop, a file that cannot be read.
            return None
        return Article(normalize_quote(raw), [(s, _words(s)) for s in _sentences(raw)])


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(normalize_quote(text)))


def closest_passage(quote: str, article: Article) -> str:
    """The sentence of the article sharing most words with `quote` (shortest on a tie);
    '' when no sentence shares a word with it."""
    words = _words(quote)
    best = max(article.sentences, key=lambda s: (len(words & s[1]), -len(s[0])), default=None)
    return best[0] if best is not None and words & best[1] else ""


def check_provenance(bank: Bank, articles: Articles) -> Iterator[Diagnostic]:
    """Every evidence quote must occur in the bank's article."""
    source = bank.source
    if "source" in bank.broken:
        return
    if source is None or not source.file:
        yield _at(
            "QG043",
            bank,
            bank,
            "source" if source else "bank",
            "the bank names no source file, so its evidence cannot be checked",
            "add source: {title: ..., file: <article file name>}",
        )
        return
    article = articles.get(source.file)
    if article is None:
        pos = source.pos("file")
        yield diagnostic(
            "QG041",
            str(bank.path),
            pos.line,
            pos.col,
            f"article '{_visible(source.file)}' not found in {articles.folder}; evidence not checked",
            "check the file name or the --articles folder",
        )
        return
    articles.used.add(source.file)
    for q in (*bank.questions, *bank.unsound):
        if "evidence" in q.broken:
            continue
        if not q.evidence:
            yield _at(
                "QG042",
                bank,
                q,
                "",
                f"question '{q.id}' has no evidence",
                'quote the sentence of the article that supports the answer: evidence: "..."',
            )
        for i, quote in enumerate(q.evidence):
            if normalize_quote(quote) in article.text:
                articles.found += 1
            else:
                articles.missing += 1
                closest = closest_passage(quote, article)
                yield _at(
                    "QG040",
                    bank,
                    q,
                    f"evidence.{i}",
                    f"evidence not found in '{source.file}'",
                    f"the closest passage is: {_shorten(closest)}"
                    if closest
                    else "no sentence of the article shares a word with this quote",
                )
    for q in bank.questions:
        for evidence_check in EVIDENCE_CHECKS:
            yield from evidence_check(bank, q)


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# -- running ---------------------------------------------------------------------------------


def check_banks(banks: list[Bank], articles: Path | None = None) -> list[Diagnostic]:
    """Run every check over `banks`; with `articles`, check evidence against the articles."""
    return _check_banks(banks, Articles(articles) if articles is not None else None)


def _check_banks(banks: list[Bank], store: Articles | None) -> list[Diagnostic]:
    with gc_paused():
        return _run_checks(banks, store)


def _run_checks(banks: list[Bank], store: Articles | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for bank in banks:
        for check in BANK_CHECKS:
            found.extend(check(bank))
        for q in bank.questions:
            for qcheck, _ in QUESTION_CHECKS[q.kind]:
                found.extend(qcheck(bank, q))
        for q in bank.unsound:
            for qcheck, reads in QUESTION_CHECKS[q.kind]:
                if reads.isdisjoint(q.broken):
                    found.extend(qcheck(bank, q))
        if store is not None:
            found.extend(check_provenance(bank, store))
    for corpus_check in CORPUS_CHECKS:
        found.extend(corpus_check(banks))
    return found


@dataclass(frozen=True)
class Checked:
    """Banks that were read, and every problem found in them, sorted by place."""

    banks: list[Bank]
    diagnostics: list[Diagnostic]
    # False when a bank or question has a value the reader could not use: writers must not run.
    complete: bool = True
    # What the evidence check covered; None when it did not run (no --articles).
    evidence: EvidenceSummary | None = None

    @property
    def ok(self) -> bool:
        return self.complete and not has_errors(self.diagnostics)


def load(
    paths: Iterable[Path],
    articles: Path | None = None,
    *,
    strict: bool = False,
    ignore: Iterable[str] = (),
) -> Checked:
    """Read and check bank files (folders are searched for *.yaml): where every command starts."""
    inputs = find_bank_files(paths)
    banks, found = read_banks(inputs.files)
    found.extend(diagnostic("QG006", name, 1, 1, "no such file or folder") for name in inputs.missing)
    found.extend(
        diagnostic("QG007", str(s.path), 1, 1, f"not read: {s.reason}", "remove it or point it at a bank")
        for s in inputs.skipped
    )
    # --ignore applies to the checks only: what the reader reports left a value unusable,
    # and hiding it would make a question vanish from the outputs without a word.
    skip = set(ignore)
    store = Articles(articles) if articles is not None else None
    found.extend(d for d in _check_banks(banks, store) if d.code not in skip)
    if strict:
        found = promote_warnings(found)
    complete = all(not bank.broken and not bank.unsound for bank in banks)
    summary = store.summary() if store is not None else None
    return Checked([bank for bank in banks if not bank.broken], sorted(found), complete, summary)
