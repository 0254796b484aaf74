"""The Anki writer: selected questions -> one `.apkg` that updates in place when re-imported.

A student imports the deck, studies for weeks, and we fix a typo: importing the new
deck must update that note and keep its review history. Anki's importer decides that
from four things, and this module controls each of them:

- **note GUID** = `genanki.guid_for(bank id, question id)`: never the text, so an edited
  question is the same note;
- **note type ids** (and their field and template ids) are constants that never change,
  so Anki never copies a note type on import;
- **note modification time**: Anki's default import ("update if newer") replaces a note
  only when the incoming one is *strictly* newer. A lock file beside the output
  remembers, per GUID, a hash of the note's content and the mod time it was released
  with; a note's mod time rises when, and only when, its content changes;
- **note type modification time**, kept in the same lock file by the same rule, so a
  new stylesheet reaches students and an unchanged one is left alone.

With `SOURCE_DATE_EPOCH` and the same lock file, two builds give the same bytes: ids
come from the timestamp, the SQLite file is built in memory from the same statements,
and the zip has fixed entry times and sorted media. docs/anki.md explains all of it.
"""

from __future__ import annotations

import gc
import hashlib
import html
import itertools
import json
import re
import sqlite3
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import genanki

from quizgen.errors import OutputError, QuizgenError
from quizgen.model import (
    Bank,
    Choice,
    Cloze,
    Match,
    Multi,
    Numeric,
    Open,
    Order,
    Question,
    Short,
    Source,
    TrueFalse,
    format_number,
)
from quizgen.output import atomic_path, write_bytes
from quizgen.select import letter
from quizgen.text import parse_cloze, to_html

# -- note types ------------------------------------------------------------------------------
#
# These ids are how Anki recognises our note types in a student's collection. They were
# picked at random once and MUST NEVER CHANGE: a new id makes Anki add a second copy of
# the note type, and every existing note would then refuse updates ("conflicting").
# For the same reason the fields and templates of a released note type are never added,
# removed or reordered (Anki would see another "schema" and copy the note type); such a
# change needs a new note type with a new id. Names may change: ids match them (below).
BASIC_MODEL_ID = 1421816683
CHOICE_MODEL_ID = 1470675365
CLOZE_MODEL_ID = 2017724366
MATCH_ORDER_MODEL_ID = 1282090038

# Field and template ids (Anki 2.1.67+ matches fields and templates by them, so a
# renamed field stays the same field). Each field has a permanent number, like a
# protobuf tag: its id is model id * 1000 + number, templates use 100 + number.
_DETAIL_FIELDS = (("Image", 20), ("Explanation", 21), ("Evidence", 22), ("Source", 23), ("Ref", 24))


@dataclass(frozen=True)
class NoteType:
    """One quizgen note type, as released. See the comment above before changing one."""

    id: int
    name: str
    fields: tuple[tuple[str, int], ...]  # (name, permanent number)
    template: str  # the stem of its anki-<template>-front/back.html files
    cloze: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        """The field names, in Anki's order."""
        return tuple(name for name, _ in self.fields)


BASIC = NoteType(
    BASIC_MODEL_ID,
    "Quizgen Basic",
    (("Question", 1), ("Instruction", 2), ("Answer", 4), *_DETAIL_FIELDS),
    "basic",
)
CHOICE = NoteType(
    CHOICE_MODEL_ID,
    "Quizgen Choice",
    (("Question", 1), ("Instruction", 2), ("Choices", 3), ("Answer", 4), *_DETAIL_FIELDS),
    "choice",
)
CLOZE = NoteType(
    CLOZE_MODEL_ID,
    "Quizgen Cloze",
    (("Text", 1), ("Question", 2), *_DETAIL_FIELDS),
    "cloze",
    cloze=True,
)
MATCH_ORDER = NoteType(
    MATCH_ORDER_MODEL_ID,
    "Quizgen Match/Order",
    (("Question", 1), ("Instruction", 2), ("Items", 3), ("Answer", 4), *_DETAIL_FIELDS),
    "matchorder",
)
NOTE_TYPES = (BASIC, CHOICE, CLOZE, MATCH_ORDER)

# Which note type carries each kind of question. A question whose kind moves to
# another note type keeps its GUID but cannot be updated by Anki (see docs/anki.md).
NOTE_TYPE_OF: dict[str, NoteType] = {
    "short": BASIC,
    "truefalse": BASIC,
    "numeric": BASIC,
    "open": BASIC,
    "choice": CHOICE,
    "multi": CHOICE,
    "cloze": CLOZE,
    "match": MATCH_ORDER,
    "order": MATCH_ORDER,
}


def _template_text(name: str) -> str:
    return (resources.files("quizgen") / "templates" / name).read_text(encoding="utf-8")


@cache
def stylesheet() -> str:
    """The CSS every quizgen note type carries (quizgen/templates/anki.css)."""
    return _template_text("anki.css")


@cache
def card_templates(nt: NoteType) -> tuple[str, str]:
    """The front and back template of `nt`, with the shared details block filled in."""
    details = _template_text("anki-details.html").strip()
    front = _template_text(f"anki-{nt.template}-front.html").strip()
    back = _template_text(f"anki-{nt.template}-back.html").strip()
    return front, back.replace("<!-- quizgen:details -->", details)


def _note_type_spec(nt: NoteType) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """genanki's field and template lists for `nt`, and a hash of everything Anki stores."""
    front, back = card_templates(nt)
    fields = [{"name": name, "id": nt.id * 1000 + number} for name, number in nt.fields]
    templates = [
        {"name": "Cloze" if nt.cloze else "Card 1", "qfmt": front, "afmt": back, "id": nt.id * 1000 + 101}
    ]
    content = json.dumps([nt.name, nt.cloze, fields, templates, stylesheet()], sort_keys=True)
    return fields, templates, _digest(content)


class _Model(genanki.Model):  # type: ignore[misc]  # genanki has no type hints
    """A genanki model whose modification time is its own (from the lock), not the build's."""

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> Any:
        return super().to_json(self.mod, deck_id)


# -- the lock file ---------------------------------------------------------------------------

LOCK_FORMAT = 1

# One entry per note GUID (and per note type id), as JSON:
#   {"q": "<bank>/<question>", "type": <note type id>, "hash": "<content hash>", "mod": <seconds>}
# "q" is there for people reading a diff; the writer uses type, hash and mod.
_Entry = dict[str, Any]


def lock_path_for(out: Path) -> Path:
    """The lock file kept beside a package: decks/belarus.apkg -> decks/belarus.lock.json."""
    return out.with_name((out.stem if out.suffix else out.name) + ".lock.json")


@dataclass
class _Lock:
    notes: dict[str, _Entry]
    notetypes: dict[str, _Entry]


def _read_lock(path: Path) -> _Lock:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _Lock({}, {})
    except OSError as exc:
        raise QuizgenError(f"cannot read lock file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
        if data.get("quizgen-anki-lock") != LOCK_FORMAT:
            raise ValueError("unknown format")
        lock = _Lock(data["notes"], data["notetypes"])
        for section in (lock.notes, lock.notetypes):
            for key, e in section.items():
                if not (
                    type(e["q"]) is str
                    and type(e["type"]) is int
                    and type(e["hash"]) is str
                    and type(e["mod"]) is int
                    and e["mod"] >= 0
                ):
                    raise ValueError(f"bad entry for {key!r}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QuizgenError(
            f"{path} is not a quizgen Anki lock file ({exc}); restore it from version control, "
            "or delete it to start over (every note then counts as changed once)"
        ) from exc
    return lock


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _lock_lines(entries: dict[str, _Entry]) -> list[str]:
    """One JSON line per entry, sorted by key.

    Formatted by hand, because json.dumps takes several times longer on 100,000 small
    objects. GUIDs, hashes and refs never need escaping; should a hand-edited lock hold
    a string that does, the quote count or a backslash gives it away and json.dumps
    formats the entries instead.
    """
    items = sorted(entries.items())
    lines = [
        f'    "{key}": {{"q": "{e["q"]}", "type": {e["type"]}, "hash": "{e["hash"]}", "mod": {e["mod"]}}}'
        for key, e in items
    ]
    text = "".join(lines)
    if text.count('"') == 14 * len(lines) and "\\" not in text and not _CONTROL.search(text):
        return lines
    dumps = json.dumps
    return [
        f"    {dumps(key)}: " + dumps({"q": e["q"], "type": e["type"], "hash": e["hash"], "mod": e["mod"]})
        for key, e in items
    ]


def _lock_json(lock: _Lock) -> bytes:
    """The lock as JSON, sorted by key, one entry per line so that a diff shows what changed."""

    def section(entries: dict[str, _Entry]) -> str:
        lines = _lock_lines(entries)
        return "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"

    return (
        "{\n"
        f'  "quizgen-anki-lock": {LOCK_FORMAT},\n'
        f'  "notetypes": {section(lock.notetypes)},\n'
        f'  "notes": {section(lock.notes)}\n'
        "}\n"
    ).encode()


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def _next_mod(prev: _Entry | None, digest: str, now: int) -> int:
    """The mod time to release content with: rises exactly when the content changed."""
    if prev is None:
        return now
    if prev["hash"] == digest:
        return int(prev["mod"])
    # Strictly newer than what students may hold, even when the clock is pinned
    # (SOURCE_DATE_EPOCH) or behind the last release.
    return max(now, int(prev["mod"]) + 1)


# -- fields ----------------------------------------------------------------------------------

# Anki separates fields with \x1f inside one column; a bank can smuggle that character
# in through a YAML escape ("\x1f"), so it never reaches a field.
_SEPARATOR = "\x1f"
# What Anki removes from a field on import (control characters but tab and newline),
# and Anki keeps text in NFC. Doing the same here makes the field we write the field
# Anki stores.
_STRIPPED = re.compile(r"[\x00-\x08\x0b-\x1e\x7f]")


def _clean(values: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", _STRIPPED.sub("", v).replace(_SEPARATOR, " ")) for v in values]


def _html(text: str) -> str:
    """`quizgen.text.to_html`, with a fast path for text without marks (most text).

    Without `*`, `` ` `` or a backslash, to_html's result is the escaped text with <br>
    for newlines; skipping its parser matters at 100,000 questions.
    """
    if "*" in text or "`" in text or "\\" in text:
        return to_html(text)
    if "&" in text or "<" in text or ">" in text:
        text = html.escape(text, quote=False)
    return text.replace("\n", "<br>") if "\n" in text else text


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _as_of(published: str) -> str:
    """'2022-10' -> 'October 2022', '2022-10-05' -> '5 October 2022'; other text as written."""
    m = _DATE.fullmatch(published.strip())
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        return published
    year, month, day = m.groups()
    if month is None:
        return year
    shown = f"{_MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {shown}" if day else shown


def source_html(source: Source | None) -> str:
    """The Source field: the article's title (a link when it has a web URL) and its date."""
    if source is None or not source.title:
        return ""
    title = f"<cite>{_html(source.title)}</cite>"
    url = source.url.strip()
    # Only web links: a javascript: or file: URL from a bank must not become clickable.
    if url.lower().startswith(("https://", "http://")):
        title = f'<a href="{html.escape(url, quote=True)}">{title}</a>'
    if source.published:
        title += f", as of {_html(_as_of(source.published))}"
    return title


def _keyed_list(keys: Sequence[str], texts: Sequence[str], marks: Sequence[str] = ()) -> str:
    """A list with a key (A, B, ... or 1, 2, ...) before each item, and an optional mark after."""
    if marks:
        items = [
            f'<li><span class="qg-key">{k}</span><span class="qg-text">{t}</span>'
            f'<span class="qg-mark">{m}</span></li>'
            for k, t, m in zip(keys, texts, marks, strict=True)
        ]
    else:
        items = [
            f'<li><span class="qg-key">{k}</span><span class="qg-text">{t}</span></li>'
            for k, t in zip(keys, texts, strict=True)
        ]
    return '<ol class="qg-list">' + "".join(items) + "</ol>"


def _permutation(n: int, seed: str, derange: bool) -> list[int]:
    """A shuffled range(n) fixed by `seed` (the GUID), so it is the same on every build.

    A Fisher-Yates shuffle driven by one big number from a hash of the seed (16 bits per
    item, more than log2(n!) needs): portable, and cheaper per note than seeding
    `random.Random`. With `derange`, never the original order, which would give the
    answer away.
    """
    x = int.from_bytes(hashlib.shake_128(seed.encode()).digest(2 * n + 8), "big")
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        x, j = divmod(x, i + 1)
        order[i], order[j] = order[j], order[i]
    if derange and n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


_LETTERS = [letter(i) for i in range(26)]


def _letter(i: int) -> str:
    return _LETTERS[i] if i < 26 else letter(i)


def _choice_fields(q: Choice | Multi, guid: str) -> tuple[str, str, str]:
    """Instruction, Choices (the front) and Answer: the same list, the correct choices marked
    (a class and a check mark) and the others dimmed, so the card does not jump when flipped."""
    n = len(q.choices)
    order = _permutation(n, guid, derange=False) if q.shuffle else range(n)
    correct = (q.answer,) if isinstance(q, Choice) else q.answers
    front: list[str] = []
    back: list[str] = []
    for pos, i in enumerate(order):
        choice = q.choices[i]
        item = f'<span class="qg-key">{_letter(pos)}</span><span class="qg-text">{_html(choice)}</span>'
        front.append(f"<li>{item}</li>")
        if choice in correct:
            back.append(f'<li class="qg-correct">{item}<span class="qg-mark">\u2713</span></li>')
        else:
            back.append(f'<li class="qg-wrong">{item}</li>')
    instruction = "Choose one" if isinstance(q, Choice) else "Select all that apply"
    return (
        instruction,
        '<ol class="qg-list">' + "".join(front) + "</ol>",
        '<ol class="qg-list">' + "".join(back) + "</ol>",
    )


def _match_fields(q: Match, guid: str) -> tuple[str, str, str]:
    """Instruction, Items (left column numbered, right column shuffled) and the answer table."""
    rights = [right for _, right in q.pairs]
    order = _permutation(len(rights), guid, derange=True)
    letter_of = {original: _letter(pos) for pos, original in enumerate(order)}
    front = (
        '<div class="qg-columns">'
        + _keyed_list([str(i + 1) for i in range(len(q.pairs))], [_html(left) for left, _ in q.pairs])
        + _keyed_list([_letter(i) for i in range(len(order))], [_html(rights[i]) for i in order])
        + "</div>"
    )
    rows = "".join(
        f'<tr><td><span class="qg-key">{i + 1}</span> {_html(left)}</td>'
        f'<td class="qg-arrow">\u2192</td>'
        f'<td><span class="qg-key">{letter_of[i]}</span> {_html(right)}</td></tr>'
        for i, (left, right) in enumerate(q.pairs)
    )
    back = f'<table class="qg-table">{rows}</table>'
    # "numbered ... lettered", not "left ... right": on a phone the two lists stack
    return "Match each numbered item with a lettered one", front, back


def _order_fields(q: Order, guid: str) -> tuple[str, str, str]:
    """Instruction, Items (shuffled, lettered) and the answer: numbered, with each letter."""
    order = _permutation(len(q.items), guid, derange=True)
    letter_of = {original: _letter(pos) for pos, original in enumerate(order)}
    front = _keyed_list([_letter(i) for i in range(len(order))], [_html(q.items[i]) for i in order])
    back = _keyed_list(
        [str(i + 1) for i in range(len(q.items))],
        [_html(item) for item in q.items],
        marks=[letter_of[i] for i in range(len(q.items))],
    )
    return "Put these in the right order", front, back


def _basic_fields(q: Question) -> tuple[str, str]:
    """Instruction and Answer of a short, truefalse, numeric or open question."""
    if isinstance(q, Short):
        answer = f'<div class="qg-answer-text">{_html(q.answer)}</div>'
        if q.accept:
            also = ", ".join(_html(a) for a in q.accept)
            answer += f'<div class="qg-also">Also accepted: {also}</div>'
        return "", answer
    if isinstance(q, TrueFalse):
        word = "True" if q.answer else "False"
        return "True or false?", f'<div class="qg-answer-text qg-{word.lower()}">{word}</div>'
    if isinstance(q, Numeric):
        unit = f" {_html(q.unit)}" if q.unit else ""
        answer = f'<div class="qg-answer-text">{format_number(q.answer)}{unit}</div>'
        if q.tolerance:
            answer += f'<div class="qg-also">Accepted: \u00b1 {format_number(q.tolerance)}{unit}</div>'
        return "Give a number", answer
    if isinstance(q, Open):
        if q.answer:
            answer = f'<div class="qg-label">Model answer</div><div>{_html(q.answer)}</div>'
        else:
            answer = (
                '<div class="qg-also">No model answer: compare with the explanation and the source.</div>'
            )
        return "In your own words", answer
    raise TypeError(f"no Basic note for {type(q).__name__}")  # pragma: no cover


def note_fields(
    q: Question, *, guid: str, source: str = "", image: str = "", ref: str = ""
) -> tuple[NoteType, list[str]]:
    """The note type of `q` and its field values, in that note type's field order (HTML).

    `source` is the bank's Source field (`source_html`), `image` the question's <img> tag.
    """
    nt = NOTE_TYPE_OF[q.kind]
    prompt = _html(q.prompt)
    evidence = "".join(f"<blockquote>\u201c{_html(e)}\u201d</blockquote>" for e in q.evidence)
    details = (image, _html(q.explanation), evidence, source, ref)
    if isinstance(q, Cloze):
        values = [_html(q.text), prompt, *details]
    elif isinstance(q, (Choice, Multi)):
        values = [prompt, *_choice_fields(q, guid), *details]
    elif isinstance(q, Match):
        values = [prompt, *_match_fields(q, guid), *details]
    elif isinstance(q, Order):
        values = [prompt, *_order_fields(q, guid), *details]
    else:
        values = [prompt, *_basic_fields(q), *details]
    return nt, values


def note_tags(bank: Bank, q: Question) -> list[str]:
    """Bank tags, question tags, difficulty::<level> and type::<kind>, sorted, no repeats."""
    tags = {*bank.tags, *q.tags, f"type::{q.kind}"}
    if q.difficulty:
        tags.add(f"difficulty::{q.difficulty}")
    return sorted(tags, key=lambda t: (t.casefold(), t))


def card_ords(q: Question) -> list[int]:
    """The template ordinals of the cards Anki makes of `q`: one per cloze number, else [0]."""
    if isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        return sorted({d.number - 1 for d in deletions}) or [0]
    return [0]


def deck_id(name: str) -> int:
    """A deck id derived from the deck's name (31 bits, like the ids genanki suggests)."""
    digest = hashlib.sha256(f"quizgen-deck:{name}".encode()).digest()
    return (1 << 30) | int.from_bytes(digest[:4], "big") & ((1 << 30) - 1)


# -- media -----------------------------------------------------------------------------------

_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


class _Media:
    """Images, each stored once under a name made from its content."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}  # media name -> bytes
        self._names: dict[Path, str] = {}

    def add(self, path: Path) -> str:
        """The media name of the image at `path`: quizgen-<content hash><suffix>.

        A changed image gets a new name, so the note's field changes (and updates), and
        Anki stores the new file instead of keeping the old one under the old name.
        """
        name = self._names.get(path)
        if name is None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise QuizgenError(f"cannot read image {path}: {exc.strerror}") from exc
            suffix = path.suffix.lower() if _SAFE_SUFFIX.fullmatch(path.suffix) else ""
            name = f"quizgen-{hashlib.sha256(data).hexdigest()[:20]}{suffix}"
            self.files[name] = data
            self._names[path] = name
        return name


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnkiSummary:
    """What `write_deck` wrote."""

    notes: int
    cards: int  # the cards Anki makes of these notes
    decks: int
    changed: int  # notes whose mod time rose: new or edited since the lock file
    media: int
    new: int = 0  # of `changed`, the notes the lock file did not know
    # bank/question of notes whose note type changed (e.g. short -> choice): Anki keeps
    # the old note as it is and reports the new one as "conflicting" (docs/anki.md).
    retyped: tuple[str, ...] = ()


@dataclass
class _BankParts:
    """What every note of one bank shares, computed once per bank."""

    source: str
    deck: Any  # genanki.Deck


_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def note_guid(bank_id: str, question_id: str) -> str:
    """The note's GUID: exactly `genanki.guid_for(bank_id, question_id)`, computed faster.

    genanki's version builds the integer a byte at a time; at 100,000 notes that was 14%
    of writing a deck. The tests hold the two equal.
    """
    number = int.from_bytes(hashlib.sha256(f"{bank_id}__{question_id}".encode()).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, 91)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


def write_deck(
    questions: Sequence[tuple[Bank, Question]],
    out: Path,
    *,
    timestamp: float,
    lock_path: Path | None = None,
) -> AnkiSummary:
    """Write `questions` (in this order) as one Anki package at `out`, and update its lock file.

    Every bank becomes the deck its `deck_name` names. `timestamp` is "now" (the CLI passes
    SOURCE_DATE_EPOCH when set): it is the mod time of new and edited notes and seeds the
    ids. The lock file (default `lock_path_for(out)`) is read first and written only after
    the package was written; neither file is ever left half-written.
    """
    lock_path = lock_path if lock_path is not None else lock_path_for(out)
    with _gc_paused():
        return _write_deck(questions, out, timestamp, lock_path)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building: it would walk the 100,000s of
    tuples and dicts of a big deck again and again (10-15% of the time), and none of
    them form cycles. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write_deck(
    questions: Sequence[tuple[Bank, Question]], out: Path, timestamp: float, lock_path: Path
) -> AnkiSummary:
    lock = _read_lock(lock_path)
    now = int(timestamp)

    models: dict[int, _Model] = {}
    for nt in NOTE_TYPES:
        fields, templates, digest = _note_type_spec(nt)
        key = str(nt.id)
        mod = _next_mod(lock.notetypes.get(key), digest, now)
        lock.notetypes[key] = {"q": nt.name, "type": nt.id, "hash": digest, "mod": mod}
        models[nt.id] = _Model(
            model_id=nt.id,
            name=nt.name,
            fields=fields,
            templates=templates,
            css=stylesheet(),
            model_type=genanki.Model.CLOZE if nt.cloze else genanki.Model.FRONT_BACK,
            mod=mod,
        )

    # Note and card ids count up from the timestamp in ms, as genanki numbers them. Anki
    # matches notes by GUID, so ids only need to be unique within the package.
    ids = itertools.count(int(timestamp * 1000))
    note_rows: list[tuple[Any, ...]] = []
    card_rows: list[tuple[Any, ...]] = []
    media = _Media()
    decks: dict[str, Any] = {}
    parts: dict[int, _BankParts] = {}
    tag_cache: dict[tuple[Any, ...], str] = {}
    changed = new = 0
    retyped: list[str] = []
    for position, (bank, q) in enumerate(questions, start=1):
        bp = parts.get(id(bank))
        if bp is None:
            bp = parts[id(bank)] = _BankParts(source_html(bank.source), _deck(decks, bank))
        guid = note_guid(bank.id, q.id)
        ref = f"{bank.id}/{q.id}"
        image = f'<img src="{media.add(bank.folder / q.image)}" alt="">' if q.image else ""
        nt, values = note_fields(q, guid=guid, source=bp.source, image=image, ref=ref)
        tag_key = (id(bank), q.tags, q.kind, q.difficulty)
        tags = tag_cache.get(tag_key)
        if tags is None:
            tags = tag_cache[tag_key] = " " + " ".join(note_tags(bank, q)) + " "
        flds = _SEPARATOR.join(values)
        if (
            flds.count(_SEPARATOR) != len(values) - 1
            or _STRIPPED.search(flds)
            or not unicodedata.is_normalized("NFC", flds)
        ):
            values = _clean(values)
            flds = _SEPARATOR.join(values)
        digest = _digest(f"{nt.id}\x1e{flds}\x1e{tags}")

        prev = lock.notes.get(guid)
        mod = _next_mod(prev, digest, now)
        if prev is None or prev["hash"] != digest:
            changed += 1
            new += prev is None
        if prev is not None and prev["type"] != nt.id:
            retyped.append(ref)
        lock.notes[guid] = {"q": ref, "type": nt.id, "hash": digest, "mod": mod}

        # The rows genanki's Note.write_to_db would insert, but with the note's own mod
        # time (genanki stamps every note with the build's time, which would make Anki
        # update every note on every import), and without its per-note checks, which
        # cost more than building the note (its HTML sniffing finds nothing in escaped
        # text). `due` is the new-card position: Anki keeps it on import, so new cards
        # come up in bank order; the cards of one cloze share their note's position.
        nid = next(ids)
        note_rows.append((nid, guid, nt.id, mod, -1, tags, flds, values[0], 0, 0, ""))
        did = bp.deck.deck_id
        for ord_ in card_ords(q):
            card_rows.append((next(ids), nid, did, ord_, mod, -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, ""))
        bp.deck.add_model(models[nt.id])

    # Notes absent from this build (filtered out, or deleted from the bank) stay in the
    # lock: if one comes back, its mod time must still beat what students hold.
    _write_package(out, list(decks.values()), note_rows, card_rows, media.files, timestamp)
    try:
        write_bytes(lock_path, _lock_json(lock))
    except OSError as exc:
        raise OutputError(f"cannot write {lock_path}: {exc.strerror or exc}") from exc
    return AnkiSummary(
        notes=len(note_rows),
        cards=len(card_rows),
        decks=len(decks),
        changed=changed,
        media=len(media.files),
        new=new,
        retyped=tuple(retyped),
    )


def _deck(decks: dict[str, Any], bank: Bank) -> Any:
    name = bank.deck_name
    deck = decks.get(name)
    if deck is None:
        deck = genanki.Deck(deck_id(name), name)
        for other in decks.values():
            if other.deck_id == deck.deck_id:  # pragma: no cover - one chance in 2^30
                raise QuizgenError(f"decks '{other.name}' and '{name}' hash to the same id; rename one")
        decks[name] = deck
    return deck


# Zip entries carry a date; a fixed one (the build's timestamp) keeps builds identical.
_ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip can hold


def _write_package(
    out: Path,
    decks: list[Any],
    note_rows: list[tuple[Any, ...]],
    card_rows: list[tuple[Any, ...]],
    media: dict[str, bytes],
    timestamp: float,
) -> None:
    """Build the collection in memory and zip it with the media, atomically, at `out`.

    genanki writes the schema, the collection row, the decks and the note types; the
    notes and cards go in with one statement each. Package.write_to_file is not used: it
    stamps zip entries with a temp file's time, so no two builds would be identical.
    """
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
        genanki.Package(decks).write_to_db(cursor, timestamp, itertools.count())
        # Bulk load: building the indexes once afterwards beats updating them per row.
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows)
        for _, sql in indexes:
            cursor.execute(sql)
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()

    names = sorted(media)
    index = json.dumps({str(i): name for i, name in enumerate(names)}).encode()
    date = time.gmtime(max(int(timestamp), _ZIP_EPOCH))[:6]

    def entry(name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=date)
        info.compress_type = compress
        info.create_system = 3  # the same bytes whatever OS builds it
        info.external_attr = 0o644 << 16
        return info

    try:
        with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as zf:
            zf.writestr(entry("collection.anki2", zipfile.ZIP_DEFLATED), collection, compresslevel=1)
            zf.writestr(entry("media", zipfile.ZIP_DEFLATED), index)
            for i, name in enumerate(names):
                zf.writestr(entry(str(i), zipfile.ZIP_STORED), media[name])  # already compressed
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
