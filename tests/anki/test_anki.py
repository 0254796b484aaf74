"""The Anki writer, proved with the real Anki: packages are imported into a fresh `anki`
collection with Anki's default options ("update if newer"), and the tests look at what a
student would see: notes, cards, decks, tags, fields, rendered cards, review history.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import genanki
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.dbproxy import DBProxy
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER, ImportResponse
from anki.notes import NoteId
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.anki import (
    BASIC_MODEL_ID,
    CHOICE_MODEL_ID,
    CLOZE_MODEL_ID,
    MATCH_ORDER_MODEL_ID,
    NOTE_TYPES,
    AnkiSummary,
    card_templates,
    deck_id,
    lock_path_for,
    stylesheet,
    write_deck,
)
from quizgen.anki.fields import _html
from quizgen.bank.check import load
from quizgen.bank.model import Bank, Short
from quizgen.bank.text import plain, to_html
from quizgen.errors import QuizgenError
from quizgen.select import Filter, select
from tests.conftest import load_ok

if TYPE_CHECKING:  # importing anki.cards before anki.collection trips a circular import in anki
    from anki.cards import Card

T0 = 1_700_000_000  # the SOURCE_DATE_EPOCH of the test suite
DAY = 86_400


# -- helpers ---------------------------------------------------------------------------------

EVERYTHING = Filter()


def build(
    out: Path, *banks: Path, timestamp: float = T0, flt: Filter = EVERYTHING, lock: Path | None = None
) -> AnkiSummary:
    """What `quizgen anki BANKS -o OUT` does: load, check, select, write."""
    checked = load_ok(*banks)
    return write_deck(select(checked.banks, flt), out, timestamp=timestamp, lock_path=lock)


def import_into(col: Collection, apkg: Path) -> ImportResponse.Log:
    """Import with Anki's default options, as a student clicking Import does."""
    options = ImportAnkiPackageOptions()
    assert options.update_notes == IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    assert options.update_notetypes == IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    assert not options.merge_notetypes
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log


def counts(log: ImportResponse.Log) -> dict[str, int]:
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
    }


def db(col: Collection) -> DBProxy:
    assert col.db is not None
    return col.db


def note_id(col: Collection, bank: str, question: str) -> NoteId:
    nid = db(col).scalar("select id from notes where guid = ?", genanki.guid_for(bank, question))
    assert nid, f"no note for {bank}/{question}"
    return NoteId(nid)


def fields(col: Collection, bank: str, question: str) -> dict[str, str]:
    note = col.get_note(note_id(col, bank, question))
    return dict(note.items())


def only_card(col: Collection, bank: str, question: str) -> Card:
    (card,) = col.get_note(note_id(col, bank, question)).cards()
    return card


def copy_bank(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, folder / src.name))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def as_text(field: str) -> str:
    """A field as the text a student reads: the inline tags dropped, entities decoded."""
    return html.unescape(re.sub(r"</?(?:strong|em|code)>", "", field.replace("<br>", "\n")))


def visible(rendered: str) -> str:
    """The text of a rendered card side, as the student reads it."""
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", rendered, flags=re.S)
    return re.sub(r" ([.,;:?!])", r"\1", " ".join(html.unescape(text).split()))


def png(color: int) -> bytes:
    """A valid 1x1 PNG of one grey level."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, color])))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def new_collection(tmp_path: Path) -> Iterator[Callable[[str], Collection]]:
    """Fresh, empty Anki collections ("a student's"), closed after the test."""
    opened: list[Collection] = []

    def make(name: str = "student") -> Collection:
        folder = tmp_path / f"anki-{name}"
        folder.mkdir()
        col = Collection(str(folder / "collection.anki2"))
        opened.append(col)
        return col

    yield make
    for col in opened:
        col.close()


@pytest.fixture
def deck(tmp_path: Path, all_types: Path, specials: Path) -> Path:
    """The two sample banks built into decks/test.apkg (with its lock file beside it)."""
    out = tmp_path / "decks" / "test.apkg"
    build(out, all_types, specials)
    return out


@pytest.fixture
def student(deck: Path, new_collection: Callable[[str], Collection]) -> Collection:
    """A student's fresh collection with the sample deck imported, as a first import does."""
    col = new_collection("student")
    import_into(col, deck)
    return col


ALL_TYPES_IDS = [
    "joint-unit-purpose",
    "who-fears-saboteurs",
    "lukashenko-promise",
    "exile-country",
    "soldiers-stationed",
    "gomel-route",
    "who-is-who",
    "timeline",
    "why-not-fight",
]
SPECIALS_IDS = ["typst-specials", "cyrillic", "cloze-specials", "md-emphasis"]


# -- a fresh import ----------------------------------------------------------------------------


def test_fresh_import_has_exactly_the_expected_notes_cards_and_decks(
    deck: Path, new_collection: Callable[[str], Collection]
) -> None:
    col = new_collection("student")
    log = import_into(col, deck)

    assert counts(log) == {"new": 13, "updated": 0, "duplicate": 0, "conflicting": 0}
    assert col.note_count() == 13
    assert col.card_count() == 15  # two cloze notes with c1 and c2: two cards each
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert names == {"Default", "Quizgen tests", "Quizgen tests::All types", "Quizgen tests::Спецсимволы"}
    all_types = col.decks.id_for_name("Quizgen tests::All types")
    assert {c.did for qid in ALL_TYPES_IDS for c in col.get_note(note_id(col, "all-types", qid)).cards()} == {
        all_types
    }
    assert len(col.find_cards('"deck:Quizgen tests::All types"')) == 10
    assert len(col.find_cards('"deck:Quizgen tests::Спецсимволы"')) == 5


def test_note_types_keep_their_fixed_ids_and_field_ids(student: Collection) -> None:
    col = student
    for nt in NOTE_TYPES:
        model = col.models.get(nt.id)  # type: ignore[arg-type]
        assert model is not None and model["name"] == nt.name
        assert [f["name"] for f in model["flds"]] == list(nt.field_names)
        assert [f["id"] for f in model["flds"]] == [nt.id * 1000 + n for _, n in nt.fields]
        assert [t["id"] for t in model["tmpls"]] == [nt.id * 1000 + 101]
    assert sorted(m["id"] for m in col.models.all() if m["name"].startswith("Quizgen")) == sorted(
        [BASIC_MODEL_ID, CHOICE_MODEL_ID, CLOZE_MODEL_ID, MATCH_ORDER_MODEL_ID]
    )
    kinds = {qid: col.get_note(note_id(col, "all-types", qid)).mid for qid in ALL_TYPES_IDS}
    assert kinds == {
        "joint-unit-purpose": CHOICE_MODEL_ID,
        "who-fears-saboteurs": CHOICE_MODEL_ID,
        "lukashenko-promise": BASIC_MODEL_ID,
        "exile-country": BASIC_MODEL_ID,
        "soldiers-stationed": BASIC_MODEL_ID,
        "gomel-route": CLOZE_MODEL_ID,
        "who-is-who": MATCH_ORDER_MODEL_ID,
        "timeline": MATCH_ORDER_MODEL_ID,
        "why-not-fight": BASIC_MODEL_ID,
    }


def test_tags_are_bank_and_question_tags_difficulty_and_type(student: Collection) -> None:
    col = student

    def tags(bank: str, qid: str) -> list[str]:
        return sorted(col.get_note(note_id(col, bank, qid)).tags)

    # Every tag under one root: a bank's `history` never merges with a student's own.
    assert tags("all-types", "joint-unit-purpose") == [
        "quizgen::belarus",
        "quizgen::difficulty::easy",
        "quizgen::intelligence",
        "quizgen::sample",
        "quizgen::type::choice",
    ]
    assert tags("all-types", "exile-country") == [
        "quizgen::belarus",
        "quizgen::sample",
        "quizgen::type::short",
    ]
    assert tags("specials", "cyrillic") == ["quizgen::specials", "quizgen::type::short"]
    assert len(col.find_notes("tag:quizgen::difficulty::hard")) == 3
    assert len(col.find_notes("tag:quizgen::type::cloze")) == 2
    assert all(tag.startswith("quizgen::") for tag in col.tags.all())


def test_fields_hold_question_answer_explanation_source_and_evidence(student: Collection) -> None:
    col = student
    f = fields(col, "all-types", "joint-unit-purpose")
    assert f["Question"] == (
        "According to British intelligence, what is the joint Russian-Belarusian unit mainly?"
    )
    assert f["Instruction"] == "Choose one"
    item = r'<span class="qg-key">(\w)\.</span><span class="qg-text">([^<]*)</span>'
    letters = re.findall(item, f["Choices"])
    assert [k for k, _ in letters] == ["A", "B", "C", "D"]
    assert sorted(t for _, t in letters) == sorted(
        [
            "A diversionary tactic",
            "A combat-ready invasion force",
            "A peacekeeping mission",
            "A nuclear deterrent",
        ]
    )
    correct = re.findall(r'<li class="qg-correct">' + item, f["Answer"])
    assert [t for _, t in correct] == ["A diversionary tactic"]
    assert f["Explanation"] == "London judged Russia unable to field another combat-ready force."
    assert f["Evidence"] == (
        "<blockquote>\u201cthe joint military unit set up by Moscow is primarily a diversionary tactic"
        "\u201d</blockquote>"
    )
    assert f["Source"] == (
        "<cite>War in Ukraine: New war front? Putin deploys troops in Belarus</cite>, as of October 2022"
    )
    assert f["Ref"] == "all-types/joint-unit-purpose"

    multi = fields(col, "all-types", "who-fears-saboteurs")
    assert multi["Instruction"] == "Select all that apply"
    assert multi["Answer"].count("qg-correct") == 2 and multi["Answer"].count("qg-wrong") == 2

    short = fields(col, "all-types", "exile-country")
    assert as_text(short["Answer"].replace("</div><div", "</div>\n<div")) == (
        '<div class="qg-answer-text">Lithuania</div>\n<div class="qg-also">Also accepted: Lietuva</div>'
    )
    assert "qg-false" in fields(col, "all-types", "lukashenko-promise")["Answer"]
    assert ">9,000 soldiers<" in fields(col, "all-types", "soldiers-stationed")["Answer"]
    assert "Model answer" in fields(col, "all-types", "why-not-fight")["Answer"]
    assert fields(col, "specials", "cyrillic")["Source"] == ""  # that bank names no source


def test_text_is_escaped_so_markup_in_a_bank_shows_as_text(student: Collection) -> None:
    col = student
    f = fields(col, "specials", "typst-specials")
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &amp;amp;" in f["Choices"]
    assert "<script" not in "".join(f.values())
    assert f["Explanation"] == "Nothing here is markup: #strong[x] &lt;b&gt;bold&lt;/b&gt; {{c1::x}}"
    card = only_card(col, "specials", "typst-specials")
    rendered = card.question() + card.answer()
    assert "<script>" not in rendered and "&lt;script&gt;alert('x')&lt;/script&gt;" in rendered
    assert "&lt;b&gt;bold&lt;/b&gt;" in rendered and "{{c1::x}}" in rendered  # no cloze in a choice
    # inline emphasis is the one markup a bank has
    assert fields(col, "specials", "md-emphasis")["Question"] == (
        "This has <strong>bold</strong>, <em>italic</em> and <code>code # $</code> in it."
    )
    assert fields(col, "specials", "cyrillic")["Question"] == "Как называется столица Беларуси?"


def test_every_card_back_shows_answer_explanation_source_and_evidence(student: Collection) -> None:
    col = student
    for qid in ALL_TYPES_IDS:
        for card in col.get_note(note_id(col, "all-types", qid)).cards():
            rendered = card.answer()
            assert "Putin deploys troops in Belarus</cite>, as of October 2022" in rendered, qid
            assert 'class="qg-evidence"' in rendered and "\u201c" in rendered, qid
            assert f"all-types/{qid}" in rendered

    def back(qid: str) -> str:
        return only_card(col, "all-types", qid).answer()

    assert "He insists he will only concentrate on defence." in back("lukashenko-promise")
    assert "Also accepted: Lietuva" in back("exile-country")
    row = r'Ivan Tertel</td><td class="qg-arrow">\u2192</td><td><span class="qg-key">\w\.</span>\u00a0head of'
    assert re.search(row, back("who-is-who"))
    order = re.findall(r'<span class="qg-key">(\d)\.</span><span class="qg-text">([^<]*)<', back("timeline"))
    assert order == [
        ("1", "The 2020 presidential election"),
        ("2", "Russian units cross the border from the north"),
        ("3", "A joint unit is formed in Belarus"),
    ]
    assert "broad consensus in Belarus" in back("why-not-fight")


def test_the_front_of_an_order_or_match_never_gives_the_answer_away(student: Collection) -> None:
    col = student
    items = re.findall(r'<span class="qg-text">([^<]*)<', fields(col, "all-types", "timeline")["Items"])
    assert sorted(items) == sorted(
        [
            "The 2020 presidential election",
            "Russian units cross the border from the north",
            "A joint unit is formed in Belarus",
        ]
    )
    assert items != [
        "The 2020 presidential election",
        "Russian units cross the border from the north",
        "A joint unit is formed in Belarus",
    ]
    match = re.findall(r'<span class="qg-text">([^<]*)<', fields(col, "all-types", "who-is-who")["Items"])
    assert match[:3] == ["Ivan Tertel", "Viktor Chrenin", "Valery Karbelevich"]
    assert match[3:] != ["head of the KGB", "defence minister", "expert"]


def test_cloze_with_c1_and_c2_makes_two_cards(student: Collection) -> None:
    col = student
    note = col.get_note(note_id(col, "all-types", "gomel-route"))
    cards = sorted(note.cards(), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1]
    first, second = (visible(c.question()) for c in cards)
    label = "Fill in the blank "  # the front's instruction, as every type has one
    assert first == label + "In February, Russian units marched from the [...] region into northern Ukraine."
    assert (
        second == label + "In February, Russian units marched from the Gomel region into northern [country]."
    )
    assert re.search(r'<span class="cloze"[^>]*>Gomel</span>', cards[0].answer())
    # the specials cloze: escaped HTML inside a deletion stays text, emphasis inside works
    text = fields(col, "specials", "cloze-specials")["Text"]
    assert text == (
        "A #hash and a $dollar: {{c1::&lt;b&gt;Minsk&lt;/b&gt;}} then {{c2::<em>star</em>::a \\ hint}}."
    )
    assert len(col.get_note(note_id(col, "specials", "cloze-specials")).cards()) == 2


def test_new_cards_come_up_in_bank_order(student: Collection) -> None:
    col = student
    dues = [
        only_card(col, "all-types", qid).due
        if qid != "gomel-route"
        else min(c.due for c in col.get_note(note_id(col, "all-types", qid)).cards())
        for qid in ALL_TYPES_IDS
    ] + [min(c.due for c in col.get_note(note_id(col, "specials", qid)).cards()) for qid in SPECIALS_IDS]
    assert dues == sorted(dues) and len(set(dues)) == len(dues)  # strictly rising: not all "New #0"
    assert dues[0] >= 1
    assert all(c.type == 0 and c.queue == 0 for c in (col.get_card(cid) for cid in col.find_cards("")))
    did = col.decks.id_for_name("Quizgen tests::All types")
    assert did is not None
    col.decks.select(did)
    first = col.sched.getCard()
    assert first is not None and first.nid == note_id(col, "all-types", "joint-unit-purpose")


def test_package_identity_comes_from_ids_not_text(tmp_path: Path, deck: Path) -> None:
    """Inside the .apkg: GUIDs from (bank, question), deck ids from deck names, own mod times."""
    db_file = tmp_path / "collection.anki2"
    with zipfile.ZipFile(deck) as zf:
        db_file.write_bytes(zf.read("collection.anki2"))
    con = sqlite3.connect(db_file)
    try:
        guids = {row[0] for row in con.execute("select guid from notes")}
        decks = json.loads(con.execute("select decks from col").fetchone()[0])
        mods = {row[0] for row in con.execute("select mod from notes")}
        dues = [row[0] for row in con.execute("select due from cards order by id")]
    finally:
        con.close()
    assert guids == {genanki.guid_for("all-types", q) for q in ALL_TYPES_IDS} | {
        genanki.guid_for("specials", q) for q in SPECIALS_IDS
    }
    named = {d["name"]: int(i) for i, d in decks.items() if d["name"] != "Default"}
    expected = ("Quizgen tests::All types", "Quizgen tests::Спецсимволы")
    assert named == {name: deck_id(name) for name in expected}
    assert mods == {T0}
    assert dues == sorted(dues) and dues[0] == 1


def test_the_stylesheet_is_self_contained_and_has_a_night_mode() -> None:
    css = stylesheet()
    everything = css + "".join(side for nt in NOTE_TYPES for side in card_templates(nt))
    assert not re.search(r"url\(|@import|https?:|//[a-z]", everything, re.I)  # nothing remote
    assert ".nightMode" in css and ".night_mode" in css
    assert "max-width: 100%" in css  # images fit a phone
    for nt in NOTE_TYPES:
        front, back = card_templates(nt)
        assert "{{Explanation}}" in back and "{{Source}}" in back and "{{Evidence}}" in back
        assert "<!--" not in back  # the shared block was filled in
        assert ("{{cloze:Text}}" in front) == nt.cloze


# -- updating in place -----------------------------------------------------------------------


def studied_deck(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> tuple[Path, Path, Collection]:
    """An editable copy of the all-types bank, its deck, and a student who imported it."""
    bank = copy_bank(all_types, tmp_path / "questions")
    out = tmp_path / "decks" / "belarus.apkg"
    build(out, bank)
    col = new_collection("student")
    import_into(col, out)
    return bank, out, col


def test_edited_question_updates_its_note_and_keeps_its_reviews(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> None:
    bank, out, col = studied_deck(tmp_path, all_types, new_collection)
    nid = note_id(col, "all-types", "exile-country")
    card = only_card(col, "all-types", "exile-country")
    card.start_timer()
    col.sched.answerCard(card, 4)  # "Easy": now a review card, due in some days
    studied = col.get_card(card.id)
    assert studied.type == 2 and studied.reps == 1 and studied.ivl > 0
    revlog = db(col).list("select id from revlog where cid = ?", card.id)
    assert len(revlog) == 1

    # A typo fixed, rebuilt with the clock pinned (SOURCE_DATE_EPOCH unchanged): the
    # lock file still makes this note, and only it, newer than the one the student has.
    edit(
        bank,
        "In which country does Tichanovskaya live in exile?",
        "In which country does Tsikhanouskaya live in exile?",
    )
    summary = build(out, bank)
    assert (summary.changed, summary.new) == (1, 0)
    log = import_into(col, out)

    assert counts(log) == {"new": 0, "updated": 1, "duplicate": 8, "conflicting": 0}
    assert col.note_count() == 9  # no duplicate note
    assert note_id(col, "all-types", "exile-country") == nid  # the same note
    assert fields(col, "all-types", "exile-country")["Question"] == (
        "In which country does Tsikhanouskaya live in exile?"
    )
    kept = col.get_card(card.id)  # the same card, its schedule untouched
    assert (kept.type, kept.queue, kept.due, kept.ivl, kept.reps) == (
        studied.type,
        studied.queue,
        studied.due,
        studied.ivl,
        studied.reps,
    )
    assert db(col).list("select id from revlog where cid = ?", card.id) == revlog


def test_rebuild_with_nothing_changed_updates_nothing(
    tmp_path: Path, all_types: Path, specials: Path, new_collection: Callable[[str], Collection]
) -> None:
    out = tmp_path / "decks" / "test.apkg"
    build(out, all_types, specials)
    col = new_collection("student")
    import_into(col, out)
    notetype_mods = {nt.id: col.models.get(nt.id)["mod"] for nt in NOTE_TYPES}  # type: ignore[arg-type,index]
    note_mods = db(col).all("select id, mod from notes order by id")

    # A week later, same banks: nothing may look newer than what the student has.
    summary = build(out, all_types, specials, timestamp=T0 + 7 * DAY)
    assert summary.changed == 0
    log = import_into(col, out)
    assert counts(log) == {"new": 0, "updated": 0, "duplicate": 13, "conflicting": 0}
    assert db(col).all("select id, mod from notes order by id") == note_mods
    assert {nt.id: col.models.get(nt.id)["mod"] for nt in NOTE_TYPES} == notetype_mods  # type: ignore[arg-type,index]
    assert len([m for m in col.models.all() if m["name"].startswith("Quizgen")]) == 4  # no copies


def test_a_new_question_becomes_one_new_note(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> None:
    bank, out, col = studied_deck(tmp_path, all_types, new_collection)
    with bank.open("a", encoding="utf-8") as f:
        f.write(
            "  - id: capital\n"
            "    type: short\n"
            "    prompt: What is the capital of Belarus?\n"
            "    answer: Minsk\n"
        )
    summary = build(out, bank, timestamp=T0 + DAY)
    assert (summary.notes, summary.changed, summary.new) == (10, 1, 1)
    log = import_into(col, out)
    assert counts(log) == {"new": 1, "updated": 0, "duplicate": 9, "conflicting": 0}
    assert fields(col, "all-types", "capital")["Answer"] == '<div class="qg-answer-text">Minsk</div>'
    last = only_card(col, "all-types", "capital").due
    assert last > max(c.due for c in col.get_note(note_id(col, "all-types", "why-not-fight")).cards())


def test_a_new_cloze_deletion_adds_a_card_and_a_removed_one_keeps_its_card(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> None:
    bank, out, col = studied_deck(tmp_path, all_types, new_collection)
    nid = note_id(col, "all-types", "gomel-route")
    first = min(col.get_note(nid).cards(), key=lambda c: c.ord)
    first.start_timer()
    col.sched.answerCard(first, 4)

    edit(bank, "In February, Russian units", "In {{c3::February}}, Russian units")
    build(out, bank)
    assert counts(import_into(col, out))["updated"] == 1
    cards = sorted(col.get_note(nid).cards(), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1, 2]
    assert cards[0].id == first.id and cards[0].reps == 1  # the studied card, untouched
    assert "[...], Russian units" in visible(cards[2].question())

    # Anki never deletes cards on import: a removed deletion leaves an empty card,
    # which Tools > Empty Cards cleans up (docs/anki.md).
    edit(bank, "{{c2::Ukraine::country}}", "Ukraine")
    build(out, bank)
    assert counts(import_into(col, out))["updated"] == 1
    assert len(col.get_note(nid).cards()) == 3


def test_a_bank_moved_to_another_deck_leaves_studied_cards_where_they_are(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> None:
    bank, out, col = studied_deck(tmp_path, all_types, new_collection)
    edit(bank, "deck: Quizgen tests::All types", "deck: Belarus::Sample")
    with bank.open("a", encoding="utf-8") as f:
        f.write("  - id: capital\n    type: short\n    prompt: Capital of Belarus?\n    answer: Minsk\n")
    assert build(out, bank).changed == 1  # a deck is no note content: only the new question changed
    log = import_into(col, out)
    assert counts(log) == {"new": 1, "updated": 0, "duplicate": 9, "conflicting": 0}
    old, new = (col.decks.id_for_name(n) for n in ("Quizgen tests::All types", "Belarus::Sample"))
    assert only_card(col, "all-types", "exile-country").did == old  # Anki moves no cards
    assert only_card(col, "all-types", "capital").did == new


def test_a_type_change_within_a_note_type_updates_in_place(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> None:
    """short -> truefalse: both are Quizgen Basic, so the note updates like any edit."""
    bank, out, col = studied_deck(tmp_path, all_types, new_collection)
    nid = note_id(col, "all-types", "exile-country")
    edit(
        bank,
        "    type: short\n    prompt: In which country does Tichanovskaya live in exile?\n"
        "    answer: Lithuania\n    accept: [Lietuva]\n",
        "    type: truefalse\n    prompt: Tichanovskaya lives in exile in Lithuania.\n    answer: true\n",
    )
    summary = build(out, bank)
    assert summary.retyped == ()
    log = import_into(col, out)
    assert counts(log) == {"new": 0, "updated": 1, "duplicate": 8, "conflicting": 0}
    assert note_id(col, "all-types", "exile-country") == nid
    assert fields(col, "all-types", "exile-country")["Instruction"] == "True or false?"
    assert "quizgen::type::truefalse" in col.get_note(nid).tags


def test_a_type_change_across_note_types_is_reported_and_anki_keeps_the_old_note(
    tmp_path: Path, all_types: Path, new_collection: Callable[[str], Collection]
) -> None:
    """short -> choice: same GUID, another note type. Anki's default import neither updates
    nor duplicates such a note: it keeps the old one (and its reviews) and logs the new
    one as "conflicting". write_deck names it in `retyped`; docs/anki.md says: give the
    question a new id."""
    bank, out, col = studied_deck(tmp_path, all_types, new_collection)
    nid = note_id(col, "all-types", "exile-country")
    before = fields(col, "all-types", "exile-country")
    edit(
        bank,
        "    type: short\n    prompt: In which country does Tichanovskaya live in exile?\n"
        "    answer: Lithuania\n    accept: [Lietuva]\n",
        "    type: choice\n    prompt: In which country does Tichanovskaya live in exile?\n"
        "    choices: [Lithuania, Poland, Latvia]\n    answer: Lithuania\n",
    )
    summary = build(out, bank)
    assert summary.retyped == ("all-types/exile-country",)
    log = import_into(col, out)
    assert counts(log) == {"new": 0, "updated": 0, "duplicate": 8, "conflicting": 1}
    assert col.note_count() == 9
    assert col.get_note(nid).mid == BASIC_MODEL_ID and fields(col, "all-types", "exile-country") == before

    # The remedy: a new id is a new question, so the student gets it as a new note.
    edit(bank, "  - id: exile-country\n    type: choice", "  - id: exile-country-choice\n    type: choice")
    assert build(out, bank).retyped == ()
    log = import_into(col, out)
    assert counts(log)["new"] == 1
    assert col.get_note(note_id(col, "all-types", "exile-country-choice")).mid == CHOICE_MODEL_ID


def test_a_new_stylesheet_reaches_students_and_only_then(
    tmp_path: Path,
    all_types: Path,
    new_collection: Callable[[str], Collection],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quizgen.anki.package as anki_writer

    out = tmp_path / "decks" / "belarus.apkg"
    build(out, all_types)
    col = new_collection("student")
    import_into(col, out)
    monkeypatch.setattr(anki_writer, "stylesheet", lambda: ".card { color: teal; }")
    build(out, all_types)  # same pinned clock: the lock makes the note types newer anyway
    import_into(col, out)
    assert col.models.get(BASIC_MODEL_ID)["css"] == ".card { color: teal; }"  # type: ignore[arg-type,index]
    assert len([m for m in col.models.all() if m["name"].startswith("Quizgen")]) == 4


# -- reproducible builds and the lock file ------------------------------------------------------


def test_same_epoch_and_same_lock_give_byte_identical_packages(
    tmp_path: Path, all_types: Path, specials: Path
) -> None:
    first = tmp_path / "a" / "deck.apkg"
    build(first, all_types, specials)
    lock = lock_path_for(first).read_bytes()
    again = tmp_path / "b" / "deck.apkg"
    again.parent.mkdir()
    lock_path_for(again).write_bytes(lock)
    build(again, all_types, specials)
    assert again.read_bytes() == first.read_bytes()
    assert lock_path_for(again).read_bytes() == lock
    build(first, all_types, specials)  # and a rebuild in place, with the lock it wrote
    assert first.read_bytes() == again.read_bytes()
    with zipfile.ZipFile(first) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert zf.namelist() == ["collection.anki2", "media"]


def test_lock_file_sits_beside_the_package_and_remembers_every_note(
    tmp_path: Path, all_types: Path, specials: Path
) -> None:
    assert lock_path_for(Path("decks/belarus.apkg")) == Path("decks/belarus.lock.json")
    assert lock_path_for(Path("out/deck")) == Path("out/deck.lock.json")
    out = tmp_path / "decks" / "test.apkg"
    summary = build(out, all_types, specials)
    assert (summary.notes, summary.cards, summary.decks, summary.changed, summary.new, summary.media) == (
        13,
        15,
        2,
        13,
        13,
        0,
    )
    lock = json.loads((tmp_path / "decks" / "test.lock.json").read_text(encoding="utf-8"))
    assert lock["quizgen-anki-lock"] == 1
    guid = genanki.guid_for("all-types", "exile-country")
    assert lock["notes"][guid]["q"] == "all-types/exile-country"
    assert lock["notes"][guid]["mod"] == T0
    assert lock["notes"][guid]["type"] == BASIC_MODEL_ID
    assert set(lock["notetypes"]) == {str(nt.id) for nt in NOTE_TYPES}

    # A filtered build keeps the other notes in the lock: they may come back.
    summary = build(out, all_types, specials, flt=Filter(types=frozenset({"cloze"})), timestamp=T0 + DAY)
    assert (summary.notes, summary.cards) == (2, 4)
    assert len(json.loads(lock_path_for(out).read_text(encoding="utf-8"))["notes"]) == 13


def test_an_edit_at_a_pinned_clock_still_raises_the_mod_time(tmp_path: Path, all_types: Path) -> None:
    bank = copy_bank(all_types, tmp_path / "q")
    out = tmp_path / "d" / "x.apkg"
    guid = genanki.guid_for("all-types", "timeline")
    mods = []
    for i in range(3):
        edit(
            bank,
            "Put these events in the order they happened" + "!" * i,
            "Put these events in the order they happened" + "!" * (i + 1),
        )
        build(out, bank)
        mods.append(json.loads(lock_path_for(out).read_text(encoding="utf-8"))["notes"][guid]["mod"])
    assert mods == [T0, T0 + 1, T0 + 2]


def test_a_damaged_lock_file_stops_the_build_and_writes_nothing(tmp_path: Path, all_types: Path) -> None:
    out = tmp_path / "decks" / "x.apkg"
    out.parent.mkdir()
    lock_path_for(out).write_text('{"notes": "oops"}', encoding="utf-8")
    with pytest.raises(QuizgenError, match=r"not a quizgen Anki lock file"):
        build(out, all_types)
    assert not out.exists()
    assert lock_path_for(out).read_text(encoding="utf-8") == '{"notes": "oops"}'


def test_a_failed_write_leaves_no_package_and_no_lock(
    tmp_path: Path, write_bank: Callable[..., Path]
) -> None:
    bank = write_bank(
        """
        bank: pictures
        title: Pictures
        questions:
          - id: map
            type: short
            prompt: Which city is marked?
            answer: Minsk
            image: missing.png
        """
    )
    banks = load([bank]).banks  # the checker reports the missing image; a caller ignored it
    out = tmp_path / "decks" / "p.apkg"
    with pytest.raises(QuizgenError, match="cannot read image"):
        write_deck(select(banks), out, timestamp=T0)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


# -- images --------------------------------------------------------------------------------------


def test_images_travel_as_media_under_content_hashed_names(
    tmp_path: Path, write_bank: Callable[..., Path], new_collection: Callable[[str], Collection]
) -> None:
    (tmp_path / "img").mkdir()
    image = tmp_path / "img" / "Map.PNG"
    image.write_bytes(png(0))
    bank = write_bank(
        """
        bank: pictures
        title: Pictures
        questions:
          - id: map
            type: short
            prompt: Which city is marked?
            answer: Minsk
            image: img/Map.PNG
          - id: same-map
            type: truefalse
            prompt: The map shows Minsk.
            answer: true
            image: img/Map.PNG
        """
    )
    out = tmp_path / "decks" / "p.apkg"
    assert build(out, bank).media == 1
    with zipfile.ZipFile(out) as zf:
        (name,) = json.loads(zf.read("media")).values()
        assert re.fullmatch(r"quizgen-[0-9a-f]{20}\.png", name)
        assert zf.read("0") == png(0)
    col = new_collection("student")
    import_into(col, out)
    assert fields(col, "pictures", "map")["Image"] == f'<img src="{name}" alt="">'
    assert (Path(col.media.dir()) / name).read_bytes() == png(0)
    assert f'<img src="{name}"' in only_card(col, "pictures", "map").question()

    # A changed image gets a new name: the note updates and Anki stores the new file.
    image.write_bytes(png(255))
    assert build(out, bank, timestamp=T0 + DAY).changed == 2
    log = import_into(col, out)
    assert counts(log)["updated"] == 2
    new_name = re.findall(r'src="([^"]+)"', fields(col, "pictures", "map")["Image"])[0]
    assert new_name != name and (Path(col.media.dir()) / new_name).read_bytes() == png(255)


# -- any text survives -----------------------------------------------------------------------------


def test_any_text_in_a_prompt_or_answer_reaches_the_note_as_text(
    tmp_path: Path, new_collection: Callable[[str], Collection]
) -> None:
    col = new_collection("property")
    counter = iter(range(1_000_000))

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        prompt=st.text(st.characters(codec="utf-8"), max_size=60),
        answer=st.text(st.characters(codec="utf-8"), max_size=30),
    )
    def check(prompt: str, answer: str) -> None:
        n = next(counter)
        q = Short(id=f"q{n}", prompt=prompt, answer=answer)
        bank = Bank(id="prop", title="Property", path=tmp_path / "prop.yaml", questions=(q,))
        out = tmp_path / f"p{n}.apkg"
        write_deck([(bank, q)], out, timestamp=T0, lock_path=tmp_path / f"p{n}.lock.json")
        assert counts(import_into(col, out))["new"] == 1
        f = fields(col, "prop", f"q{n}")

        def expected(text: str) -> str:  # what Anki keeps: no control characters, NFC
            kept = re.sub(r"[\x00-\x08\x0b-\x1e\x7f]", "", plain(text)).replace("\x1f", " ")
            return unicodedata.normalize("NFC", kept)

        assert as_text(f["Question"]) == expected(prompt)
        inner = re.fullmatch(r'<div class="qg-answer-text">(.*)</div>', f["Answer"], re.S)
        assert inner is not None and as_text(inner.group(1)) == expected(answer)

    check()


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab *`\\<>&\n\"'") | st.characters(codec="utf-8"), max_size=40))
def test_the_writers_fast_escaping_is_exactly_to_html(text: str) -> None:
    """anki._html skips to_html's parser for text without marks; it must never differ
    (a new mark in quizgen.bank.text would show up here)."""
    assert _html(text) == to_html(text)


@given(st.text(), st.text())
@settings(max_examples=200)
def test_note_guid_is_genankis_guid(bank: str, question: str) -> None:
    from quizgen.anki import note_guid

    assert note_guid(bank, question) == genanki.guid_for(bank, question)
