"""The Anki package: selected questions -> one `.apkg` that updates in place when re-imported.

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
import io
import itertools
import json
import re
import sqlite3
import time
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki

from quizgen.anki.fields import (
    FIELD_SEPARATOR,
    STRIPPED,
    card_ords,
    clean_fields,
    deck_description,
    deck_id,
    note_fields,
    note_tags,
    source_html,
)
from quizgen.anki.lock import Lock, content_hash, lock_json, lock_path_for, next_mod, read_lock
from quizgen.anki.notes import NOTE_TYPES, NoteType, card_templates, stylesheet
from quizgen.bank.memory import gc_paused
from quizgen.bank.model import Bank, Question
from quizgen.clock import EARLIEST, LATEST
from quizgen.errors import QuizgenError
from quizgen.output import OutputSet


def _note_type_spec(nt: NoteType) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """genanki's field and template lists for `nt`, and a hash of everything Anki stores."""
    front, back = card_templates(nt)
    fields = [{"name": name, "id": nt.id * 1000 + number} for name, number in nt.fields]
    templates = [
        {"name": "Cloze" if nt.cloze else "Card 1", "qfmt": front, "afmt": back, "id": nt.id * 1000 + 101}
    ]
    content = json.dumps([nt.name, nt.cloze, fields, templates, stylesheet()], sort_keys=True)
    return fields, templates, content_hash(content)


class _Model(genanki.Model):  # type: ignore[misc]  # genanki has no type hints
    """A genanki model whose modification time is its own (from the lock), not the build's."""

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> Any:
        return super().to_json(self.mod, deck_id)


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
    pinned: bool = True,
) -> AnkiSummary:
    """Write `questions` (in this order) as one Anki package at `out`, and update its lock file.

    Every bank becomes the deck its `deck_name` names. `timestamp` is "now" (the CLI passes
    SOURCE_DATE_EPOCH when set): it is the mod time of new and edited notes. With `pinned`,
    it is also the package's own time (zip dates, collection, the ids counted up from it);
    without, the package takes the newest mod time in the lock after this build, so an
    unchanged deck rebuilt later gives the same bytes (quizgen.clock). The package and the
    lock file (default `lock_path_for(out)`) are one set: both are written or neither, and
    the lock is read under the same advisory lock (quizgen.output).
    """
    lock_path = lock_path if lock_path is not None else lock_path_for(out)
    with OutputSet([out, lock_path]) as files:
        package, lock, summary = render_deck(
            questions, timestamp=timestamp, lock_path=lock_path, pinned=pinned
        )
        files.add(out, package)
        files.add(lock_path, lock)
        files.commit()
    return summary


def render_deck(
    questions: Sequence[tuple[Bank, Question]], *, timestamp: float, lock_path: Path, pinned: bool = True
) -> tuple[bytes, bytes, AnkiSummary]:
    """The package's bytes, the updated lock file's bytes, and what they hold.

    Reads the lock file at `lock_path`; hold the output folder's lock (OutputSet) around
    this and the writing, so that no other run changes the lock file in between.
    """
    with gc_paused():
        return _render_deck(questions, timestamp, read_lock(lock_path), pinned)


def _render_deck(
    questions: Sequence[tuple[Bank, Question]], timestamp: float, lock: Lock, pinned: bool
) -> tuple[bytes, bytes, AnkiSummary]:
    now = int(timestamp)
    if not EARLIEST <= now <= LATEST:
        raise ValueError(f"timestamp {now} is outside {EARLIEST}..{LATEST} (see quizgen.clock)")

    models: dict[int, _Model] = {}
    for nt in NOTE_TYPES:
        fields, templates, digest = _note_type_spec(nt)
        key = str(nt.id)
        mod = next_mod(lock.notetypes.get(key), digest, now)
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

    # Note and card ids count up from the package's time in ms, as genanki numbers them
    # (Anki shows a note's id as the date it was added). That time is known only once every
    # note's mod time is, so the rows hold offsets and the insert adds the base. Anki
    # matches notes by GUID, so ids only need to be unique within the package.
    ids = itertools.count()
    note_rows: list[tuple[Any, ...]] = []
    card_rows: list[tuple[Any, ...]] = []
    media = _Media()
    decks: dict[str, Any] = {}
    parts: dict[int, _BankParts] = {}
    tag_cache: dict[tuple[Any, ...], str] = {}
    changed = new = 0
    retyped: list[str] = []
    positions = new_card_positions(questions)
    for (bank, q), position in zip(questions, positions, strict=True):
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
        flds = FIELD_SEPARATOR.join(values)
        if (
            flds.count(FIELD_SEPARATOR) != len(values) - 1
            or STRIPPED.search(flds)
            or not unicodedata.is_normalized("NFC", flds)
        ):
            values = clean_fields(values)
            flds = FIELD_SEPARATOR.join(values)
        digest = content_hash(f"{nt.id}\x1e{flds}\x1e{tags}")

        prev = lock.notes.get(guid)
        mod = next_mod(prev, digest, now)
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
    package_time = (
        now
        if pinned
        else max(e["mod"] for e in itertools.chain(lock.notes.values(), lock.notetypes.values()))
    )
    package = _package(list(decks.values()), note_rows, card_rows, media.files, package_time)
    return (
        package,
        lock_json(lock),
        AnkiSummary(
            notes=len(note_rows),
            cards=len(card_rows),
            decks=len(decks),
            changed=changed,
            media=len(media.files),
            new=new,
            retyped=tuple(retyped),
        ),
    )


def new_card_positions(questions: Sequence[tuple[Bank, Question]]) -> list[int]:
    """Each question's new-card position (1, 2, ...): in the order of its article's date
    (as the dated decks sort), then in build order; banks without a date come last."""

    def published(bank: Bank) -> tuple[bool, str]:
        date = bank.source.published.strip() if bank.source else ""
        return (not date, date)

    order = sorted(range(len(questions)), key=lambda i: (published(questions[i][0]), i))
    positions = [0] * len(questions)
    for position, i in enumerate(order, start=1):
        positions[i] = position
    return positions


def _deck(decks: dict[str, Any], bank: Bank) -> Any:
    name = bank.deck_name
    deck = decks.get(name)
    if deck is None:
        deck = genanki.Deck(deck_id(name), name, description=deck_description(bank))
        for other in decks.values():
            if other.deck_id == deck.deck_id:  # pragma: no cover - one chance in 2^30
                raise QuizgenError(f"decks '{other.name}' and '{name}' hash to the same id; rename one")
        decks[name] = deck
    return deck


# Zip entries carry a date; a fixed one (the build's timestamp) keeps builds identical.
_ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip can hold


def _package(
    decks: list[Any],
    note_rows: list[tuple[Any, ...]],
    card_rows: list[tuple[Any, ...]],
    media: dict[str, bytes],
    timestamp: float,
) -> bytes:
    """Build the collection in memory and zip it with the media.

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
        base = int(timestamp) * 1000  # an int we made: safe in the statement
        cursor.executemany(f"INSERT INTO notes VALUES({base}+?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        cursor.executemany(
            f"INSERT INTO cards VALUES({base}+?,{base}+?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows
        )
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

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(entry("collection.anki2", zipfile.ZIP_DEFLATED), collection, compresslevel=1)
        zf.writestr(entry("media", zipfile.ZIP_DEFLATED), index)
        for i, name in enumerate(names):
            zf.writestr(entry(str(i), zipfile.ZIP_STORED), media[name])  # already compressed
    return buffer.getvalue()
