"""The built files committed in decks/ must be what `quizgen build` makes from questions/ today."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from quizgen.bank.check import load
from quizgen.build import build, plan
from tests.conftest import QUESTIONS

DECKS = Path(__file__).parent.parent / "decks"
REBUILD = "run: quizgen build questions/ --articles ../shared/articles, and commit decks/"


def notes(apkg: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    """(guid, fields, tags) of every note in a package, as Anki will read them."""
    with zipfile.ZipFile(apkg) as z:
        db = tmp_path / f"{apkg.stem}.anki2"
        db.write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(db) as con:
        rows = con.execute("select guid, flds, tags from notes order by guid").fetchall()
    return [(str(g), str(f), str(t)) for g, f, t in rows]


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("decks")
    checked = load([QUESTIONS])
    assert checked.ok
    build(checked.banks, out, timestamp=1_700_000_000)
    return out


def test_decks_holds_exactly_the_files_a_build_makes(rebuilt: Path) -> None:
    assert sorted(p.name for p in DECKS.iterdir()) == sorted(p.name for p in rebuilt.iterdir()), REBUILD


def test_the_committed_deck_has_the_notes_of_the_banks(rebuilt: Path, tmp_path: Path) -> None:
    banks = load([QUESTIONS]).banks
    name = plan(banks, DECKS).deck.name
    committed = notes(DECKS / name, tmp_path)
    assert committed == notes(rebuilt / name, tmp_path), REBUILD
    assert len(committed) == sum(len(b.questions) for b in banks)


@pytest.mark.parametrize("name", sorted(p.name for p in DECKS.glob("*.pdf")))
def test_the_committed_quizzes_and_keys_print_the_same_text(rebuilt: Path, name: str) -> None:
    assert pdf_text(DECKS / name) == pdf_text(rebuilt / name), REBUILD


def test_the_committed_deck_imports_into_anki_with_a_subdeck_per_bank(tmp_path: Path) -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    banks = load([QUESTIONS]).banks
    col = Collection(str(tmp_path / "student.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(plan(banks, DECKS).deck), options=ImportAnkiPackageOptions()
        )
        log = col.import_anki_package(request).log
        assert len(log.new) == sum(len(b.questions) for b in banks)
        deck_names = {d.name for d in col.decks.all_names_and_ids()}
        assert {b.deck_name for b in banks} <= deck_names
        for bank in banks:
            found = col.find_notes(f'"deck:{bank.deck_name}"')
            assert len(found) == len(bank.questions), bank.id
    finally:
        col.close()
