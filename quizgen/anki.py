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

import hashlib
import itertools
import json
import random
import re
import sqlite3
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

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
)
from quizgen.output import atomic_path, write_bytes
from quizgen.select import letter
from quizgen.text import parse_cloze, to_html

# -- note types ------------------------------------------------------------------------------
#
# These ids are how Anki recognises our note types in a student's collection. They were
# picked at random once and MUST NEVER CHANGE: a new id makes Anki add a second copy of
# the note type, and every existing note would then refuse updates ("conflicting").
# For the same reason the fields of a released note type are never added, removed,
# renamed away or reordered; a change of fields needs a new note type with a new id.
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
    templates = [{"name": "Cloze" if nt.cloze else "Card 1", "qfmt": front, "afmt": back,
                  "id": nt.id * 1000 + 101}]
    content = json.dumps([nt.name, nt.cloze, fields, templates, stylesheet()], sort_keys=True)
    return fields, templates, _digest(content)


class _Model(genanki.Model):  # type: ignore[misc]  # genanki has no type hints
    """A genanki model whose modification time is its own (from the lock), not the build's."""

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> Any:
        return super().to_json(self.mod, deck_id)


class _Note(genanki.Note):  # type: ignore[misc]
    """A genanki note with its own modification time.

    genanki writes the build's timestamp as every note's `mod`; Anki would then see every
    note as newer on each build. Note.write_to_db uses that timestamp for nothing but the
    `mod` of the note and its cards, so passing the note's own time in its place is the
    smallest change that gives each note its own `mod` (no SQL rewriting afterwards).
    """

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


# -- the lock file ---------------------------------------------------------------------------

LOCK_FORMAT = 1


def lock_path_for(out: Path) -> Path:
    """The lock file kept beside a package: decks/belarus.apkg -> decks/belarus.lock.json."""
    return out.with_name(out.stem + ".lock.json") if out.suffix else out.with_name(out.name + ".lock.json")


class _Entry(NamedTuple):
    """What the lock remembers of one note (or note type)."""

    ref: str  # bank/question (or the note type's name): for people reading the file
    type: int  # the note type id it was released with
    hash: str  # of everything Anki stores for it
    mod: int  # the modification time it was released with


@dataclass
class _Lock:
    notes: dict[str, _Entry]
    notetypes: dict[str, _Entry]


def _read_lock(path: Path) -> _Lock:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _Lock({}, {})
    except OSError as exc:
        raise QuizgenError(f"cannot read lock file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
        if data.get("quizgen-anki-lock") != LOCK_FORMAT:
            raise ValueError("unknown format")
        return _Lock(
            {k: _entry(v) for k, v in data["notes"].items()},
            {k: _entry(v) for k, v in data["notetypes"].items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QuizgenError(
            f"{path} is not a quizgen Anki lock file ({exc}); restore it from version control, "
            "or delete it to start over (every note then counts as changed once)"
        ) from exc


def _entry(value: Any) -> _Entry:
    entry = _Entry(str(value["q"]), int(value["type"]), str(value["hash"]), int(value["mod"]))
    if entry.mod < 0:
        raise ValueError("negative mod")
    return entry


def _lock_json(lock: _Lock) -> bytes:
    """The lock as JSON, sorted, one note per line so that a diff shows what changed."""

    def section(entries: dict[str, _Entry]) -> str:
        lines = [
            f"    {json.dumps(key)}: "
            + json.dumps({"q": e.ref, "type": e.type, "hash": e.hash, "mod": e.mod}, ensure_ascii=False)
            for key, e in sorted(entries.items())
        ]
        return "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"

    return (
        "{\n"
        f'  "quizgen-anki-lock": {LOCK_FORMAT},\n'
        f'  "notetypes": {section(lock.notetypes)},\n'
        f'  "notes": {section(lock.notes)}\n'
        "}\n"
    ).encode()


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _next_mod(prev: _Entry | None, digest: str, now: int) -> int:
    """The mod time to release content with: rises exactly when the content changed."""
    if prev is None:
        return now
    if prev.hash == digest:
        return prev.mod
    # Strictly newer than what students may hold, even when the clock is pinned
    # (SOURCE_DATE_EPOCH) or behind the last release.
    return max(now, prev.mod + 1)


# -- fields ----------------------------------------------------------------------------------

# Anki separates fields with \x1f inside one column; a bank can smuggle that character
# in through a YAML escape ("\x1f"), so it never reaches a field.
_SEPARATOR = "\x1f"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
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


def _source_html(source: Source | None) -> str:
    if source is None or not source.title:
        return ""
    title = f"<cite>{to_html(source.title)}</cite>"
    url = source.url.strip()
    # Only web links: a javascript: or file: URL from a bank must not become clickable.
    if url.lower().startswith(("https://", "http://")):
        title = f'<a href="{_attr(url)}">{title}</a>'
    if source.published:
        title += f", as of {to_html(_as_of(source.published))}"
    return title


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _number(value: float) -> str:
    """A number as people write it: 9000, not 9000.0 nor 9e+03."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _keyed_list(keys: Sequence[str], texts: Sequence[str], classes: Sequence[str] = (),
                marks: Sequence[str] = ()) -> str:
    items = []
    for i, (key, text) in enumerate(zip(keys, texts, strict=True)):
        cls = f' class="{classes[i]}"' if classes else ""
        mark = f'<span class="qg-mark">{marks[i]}</span>' if marks and marks[i] else ""
        items.append(
            f'<li{cls}><span class="qg-key">{key}</span><span class="qg-text">{text}</span>{mark}</li>'
        )
    return '<ol class="qg-list">' + "".join(items) + "</ol>"


def _shuffled(items: Sequence[str], seed: str, derange: bool) -> list[int]:
    """A permutation of range(len(items)) fixed by `seed` (the GUID): the same on every build.

    With `derange`, never the original order, which would give the answer away.
    """
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    if derange and len(order) > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def _choice_fields(q: Choice | Multi, guid: str) -> tuple[str, str, str]:
    """Instruction, Choices (front) and Answer (the same list, marked) of a choice question."""
    order = _shuffled(q.choices, guid, derange=False) if q.shuffle else list(range(len(q.choices)))
    shown = [q.choices[i] for i in order]
    correct = {q.answer} if isinstance(q, Choice) else set(q.answers)
    keys = [letter(i) for i in range(len(shown))]
    texts = [to_html(c) for c in shown]
    front = _keyed_list(keys, texts)
    back = _keyed_list(
        keys,
        texts,
        classes=["qg-correct" if c in correct else "qg-wrong" for c in shown],
        marks=["\u2713" if c in correct else "" for c in shown],
    )
    instruction = "Choose one" if isinstance(q, Choice) else "Select all that apply"
    return instruction, front, back


def _match_fields(q: Match, guid: str) -> tuple[str, str, str]:
    rights = [right for _, right in q.pairs]
    order = _shuffled(rights, guid, derange=True)
    letter_of = {original: letter(pos) for pos, original in enumerate(order)}
    numbers = [str(i + 1) for i in range(len(q.pairs))]
    front = (
        '<div class="qg-columns">'
        + _keyed_list(numbers, [to_html(left) for left, _ in q.pairs])
        + _keyed_list([letter(i) for i in range(len(order))], [to_html(rights[i]) for i in order])
        + "</div>"
    )
    rows = "".join(
        f'<tr><td><span class="qg-key">{i + 1}</span> {to_html(left)}</td>'
        f'<td class="qg-arrow">\u2192</td>'
        f'<td><span class="qg-key">{letter_of[i]}</span> {to_html(right)}</td></tr>'
        for i, (left, right) in enumerate(q.pairs)
    )
    back = f'<table class="qg-table">{rows}</table>'
    return "Match each item on the left with one on the right", front, back


def _order_fields(q: Order, guid: str) -> tuple[str, str, str]:
    order = _shuffled(q.items, guid, derange=True)
    letter_of = {original: letter(pos) for pos, original in enumerate(order)}
    front = _keyed_list([letter(i) for i in range(len(order))], [to_html(q.items[i]) for i in order])
    back = _keyed_list(
        [str(i + 1) for i in range(len(q.items))],
        [to_html(item) for item in q.items],
        marks=[letter_of[i] for i in range(len(q.items))],
    )
    return "Put these in the right order", front, back


def _basic_fields(q: Question) -> tuple[str, str]:
    """Instruction and Answer of a short, truefalse, numeric or open question."""
    if isinstance(q, Short):
        answer = f'<div class="qg-answer-text">{to_html(q.answer)}</div>'
        if q.accept:
            also = ", ".join(to_html(a) for a in q.accept)
            answer += f'<div class="qg-also">Also accepted: {also}</div>'
        return "", answer
    if isinstance(q, TrueFalse):
        word = "True" if q.answer else "False"
        return "True or false?", f'<div class="qg-answer-text qg-{word.lower()}">{word}</div>'
    if isinstance(q, Numeric):
        value = _number(q.answer)
        unit = f" {to_html(q.unit)}" if q.unit else ""
        answer = f'<div class="qg-answer-text">{value}{unit}</div>'
        if q.tolerance:
            answer += f'<div class="qg-also">Accepted: \u00b1 {_number(q.tolerance)}{unit}</div>'
        return "Give a number", answer
    if isinstance(q, Open):
        if q.answer:
            answer = f'<div class="qg-label">Model answer</div><div>{to_html(q.answer)}</div>'
        else:
            answer = (
                '<div class="qg-also">No model answer: compare with the explanation and the source.</div>'
            )
        return "In your own words", answer
    raise TypeError(f"no Basic note for {type(q).__name__}")  # pragma: no cover


def _details(bank_source: str, q: Question, image: str, ref: str) -> list[str]:
    """Image, Explanation, Evidence, Source, Ref: the fields every note type ends with."""
    evidence = "".join(f"<blockquote>\u201c{to_html(e)}\u201d</blockquote>" for e in q.evidence)
    return [image, to_html(q.explanation), evidence, bank_source, ref]


def _fields(q: Question, guid: str, details: list[str]) -> tuple[NoteType, list[str]]:
    nt = NOTE_TYPE_OF[q.kind]
    prompt = to_html(q.prompt)
    if isinstance(q, Cloze):
        values = [to_html(q.text), prompt, *details]
    elif isinstance(q, (Choice, Multi)):
        values = [prompt, *_choice_fields(q, guid), *details]
    elif isinstance(q, Match):
        values = [prompt, *_match_fields(q, guid), *details]
    elif isinstance(q, Order):
        values = [prompt, *_order_fields(q, guid), *details]
    else:
        instruction, answer = _basic_fields(q)
        values = [prompt, instruction, answer, *details]
    return nt, [v.replace(_SEPARATOR, " ") if _SEPARATOR in v else v for v in values]


def note_tags(bank: Bank, q: Question) -> list[str]:
    """Bank tags, question tags, difficulty::<level> and type::<kind>, sorted, no repeats."""
    tags = {*bank.tags, *q.tags, f"type::{q.kind}"}
    if q.difficulty:
        tags.add(f"difficulty::{q.difficulty}")
    return sorted(tags, key=lambda t: (t.casefold(), t))


def card_count(q: Question) -> int:
    """How many cards Anki makes of `q`: one per cloze number, else one."""
    if isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        return len({d.number for d in deletions}) or 1
    return 1


def deck_id(name: str) -> int:
    """A deck id derived from the deck's name (31 bits, as genanki's examples use)."""
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
        key = path.resolve()
        name = self._names.get(key)
        if name is None:
            try:
                data = key.read_bytes()
            except OSError as exc:
                raise QuizgenError(f"cannot read image {path}: {exc.strerror}") from exc
            suffix = path.suffix.lower() if _SAFE_SUFFIX.fullmatch(path.suffix) else ""
            name = f"quizgen-{hashlib.sha256(data).hexdigest()[:20]}{suffix}"
            self.files[name] = data
            self._names[key] = name
        return name


# -- writing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnkiSummary:
    """What `write_deck` wrote."""

    notes: int
    cards: int  # the cards Anki will make of these notes
    decks: int
    changed: int  # notes whose mod time rose: new or edited since the lock file
    media: int
    new: int = 0  # of `changed`, notes the lock file did not know
    # bank/question of notes whose note type changed (e.g. short -> choice): Anki keeps
    # the old note and reports the new one as "conflicting" instead of updating it.
    retyped: tuple[str, ...] = ()


@dataclass
class _BankParts:
    """What every note of one bank shares, computed once per bank."""

    source: str
    deck: Any  # genanki.Deck


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
    lock = _read_lock(lock_path)
    now = int(timestamp)

    models: dict[int, _Model] = {}
    for nt in NOTE_TYPES:
        fields, templates, digest = _note_type_spec(nt)
        key = str(nt.id)
        mod = _next_mod(lock.notetypes.get(key), digest, now)
        lock.notetypes[key] = _Entry(nt.name, nt.id, digest, mod)
        models[nt.id] = _Model(
            model_id=nt.id, name=nt.name, fields=fields, templates=templates, css=stylesheet(),
            model_type=genanki.Model.CLOZE if nt.cloze else genanki.Model.FRONT_BACK, mod=mod,
        )

    media = _Media()
    decks: dict[str, Any] = {}
    parts: dict[int, _BankParts] = {}
    cards = changed = new = 0
    retyped: list[str] = []
    for position, (bank, q) in enumerate(questions, start=1):
        bp = parts.get(id(bank))
        if bp is None:
            bp = parts[id(bank)] = _BankParts(_source_html(bank.source), _deck(decks, bank))
        guid = genanki.guid_for(bank.id, q.id)
        ref = f"{bank.id}/{q.id}"
        image = f'<img src="{media.add(bank.folder / q.image)}" alt="">' if q.image else ""
        nt, values = _fields(q, guid, _details(bp.source, q, image, ref))
        tags = note_tags(bank, q)
        digest = _digest(f"{nt.id}\x1e{_SEPARATOR.join(values)}\x1e{' '.join(tags)}")
        prev = lock.notes.get(guid)
        mod = _next_mod(prev, digest, now)
        if prev is None or prev.hash != digest:
            changed += 1
            new += prev is None
        if prev is not None and prev.type != nt.id:
            retyped.append(ref)
        lock.notes[guid] = _Entry(ref, nt.id, digest, mod)
        # `due` is the new-card position: Anki keeps it on import, so new cards come up
        # in bank order (the cards of one cloze share their note's position).
        bp.deck.add_note(
            _Note(model=models[nt.id], fields=values, tags=tags, guid=guid, due=position, mod=mod)
        )
        cards += card_count(q)

    # Notes absent from this build (filtered out, or deleted from the bank) stay in the
    # lock: if one comes back, its mod time must still beat what students hold.
    _write_package(out, list(decks.values()), media.files, timestamp)
    try:
        write_bytes(lock_path, _lock_json(lock))
    except OSError as exc:
        raise OutputError(f"cannot write {lock_path}: {exc.strerror or exc}") from exc
    return AnkiSummary(
        notes=len(questions), cards=cards, decks=len(decks), changed=changed,
        media=len(media.files), new=new, retyped=tuple(retyped),
    )


def _deck(decks: dict[str, Any], bank: Bank) -> Any:
    name = bank.deck_name
    deck = decks.get(name)
    if deck is None:
        deck = decks[name] = genanki.Deck(deck_id(name), name)
        for other in decks.values():
            if other is not deck and other.deck_id == deck.deck_id:  # pragma: no cover - 1 in 2^30
                raise QuizgenError(f"decks '{other.name}' and '{name}' hash to the same id; rename one")
    return deck


# Zip entries carry a date; a fixed one (the build's timestamp) keeps builds identical.
_ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip can hold


def _write_package(out: Path, decks: list[Any], media: dict[str, bytes], timestamp: float) -> None:
    """Build the collection in memory and zip it with the media, atomically, at `out`.

    genanki's Package.write_to_file stamps zip entries with the temp file's mtime and
    the media in list order; building the zip here keeps every byte under our control.
    """
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
        # Note and card ids count up from the timestamp in ms, as genanki does; Anki
        # matches notes by GUID, so ids only need to be unique and not in the future.
        genanki.Package(decks).write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
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
        info.create_system = 3  # the same bytes on every OS
        info.external_attr = 0o644 << 16
        return info

    try:
        with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as zf:
            zf.writestr(entry("collection.anki2", zipfile.ZIP_DEFLATED), collection)
            zf.writestr(entry("media", zipfile.ZIP_DEFLATED), index)
            for i, name in enumerate(names):
                # images are compressed already
                zf.writestr(entry(str(i), zipfile.ZIP_STORED), media[name])
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc

