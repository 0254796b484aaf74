"""What the .apkg is made of, where it decides what an import costs and who can read it.

Importing a package costs Anki more than a CSV import of the same notes, and most of the
difference is fixed: it copies the collection out of the zip, opens it as a collection of
its own, switches it to WAL and upgrades it from schema 11, then adds each note type. The
package keeps only the parts of that cost which buy something: note types its notes use,
and the legacy format every Anki client and every SQLite build can open.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageRequest

from quizgen.anki import CHOICE_MODEL_ID, NOTE_TYPES
from quizgen.select import Filter
from tests.anki.test_anki import build


def _collection(apkg: Path, folder: Path) -> Path:
    db_file = folder / "collection.anki2"
    with zipfile.ZipFile(apkg) as zf:
        db_file.write_bytes(zf.read("collection.anki2"))
    return db_file


def test_the_package_carries_only_the_note_types_its_notes_use(tmp_path: Path, all_types: Path) -> None:
    """Each note type costs every import (Anki converts it, checks its templates and adds it),
    so a deck of choice questions brings the choice note type and no other."""
    out = tmp_path / "choice.apkg"
    summary = build(out, all_types, flt=Filter(types=frozenset({"choice", "multi"})))
    assert summary.notes == 2
    con = sqlite3.connect(_collection(out, tmp_path))
    try:
        models = json.loads(con.execute("select models from col").fetchone()[0])
        used = {mid for (mid,) in con.execute("select distinct mid from notes")}
    finally:
        con.close()
    assert {int(mid) for mid in models} == used == {CHOICE_MODEL_ID}

    folder = tmp_path / "student"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        before = {nt.name for nt in col.models.all_names_and_ids()}
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(out)))
        added = {nt.name for nt in col.models.all_names_and_ids()} - before
    finally:
        col.close()
    assert added == {nt.name for nt in NOTE_TYPES if nt.id == CHOICE_MODEL_ID}


def test_the_collection_is_the_legacy_format_every_reader_opens(tmp_path: Path, all_types: Path) -> None:
    """Schema 11 with a rollback journal, as Anki itself writes a package for older versions.

    Both cost the import something: of the 9 ms that anki 26.9 took to import a one-note
    deck, it spent 1-2 ms (4 fsyncs) switching its copy to WAL and about 4 ms upgrading it
    to schema 18. But a file already in WAL mode cannot be opened by the WebAssembly builds
    of SQLite that web deck viewers use, and a schema-18 file is refused by older clients.
    """
    out = tmp_path / "deck.apkg"
    build(out, all_types)
    db_file = _collection(out, tmp_path)
    header = db_file.read_bytes()[:100]
    assert header[18:20] == b"\x01\x01"  # file format versions: 1 = rollback journal, 2 = WAL
    con = sqlite3.connect(db_file)
    try:
        assert con.execute("select ver from col").fetchone()[0] == 11
    finally:
        con.close()
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == ["collection.anki2", "media"]  # no "meta": a legacy package
