"""The Anki writer: selected questions -> one `.apkg` that updates in place when re-imported.

- `notes`: the released note types (permanent ids, fields, templates in templates/);
- `fields`: a question -> its note's field values, tags and cards;
- `lock`: the lock file that makes a note's mod time rise exactly when it changes;
- `package`: the collection and the zip, written with the lock as one set.
"""

from quizgen.anki.fields import deck_id, note_fields, note_tags, source_html
from quizgen.anki.lock import lock_path_for
from quizgen.anki.notes import (
    BASIC_MODEL_ID,
    CHOICE_MODEL_ID,
    CLOZE_MODEL_ID,
    MATCH_ORDER_MODEL_ID,
    NOTE_TYPE_OF,
    NOTE_TYPES,
    NoteType,
    card_templates,
    stylesheet,
)
from quizgen.anki.package import AnkiSummary, note_guid, render_deck, write_deck

__all__ = [
    "BASIC_MODEL_ID",
    "CHOICE_MODEL_ID",
    "CLOZE_MODEL_ID",
    "MATCH_ORDER_MODEL_ID",
    "NOTE_TYPES",
    "NOTE_TYPE_OF",
    "AnkiSummary",
    "NoteType",
    "card_templates",
    "deck_id",
    "lock_path_for",
    "note_fields",
    "note_guid",
    "note_tags",
    "render_deck",
    "source_html",
    "stylesheet",
    "write_deck",
]
