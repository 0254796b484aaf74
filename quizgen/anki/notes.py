"""The note types quizgen releases: their permanent ids, fields and card templates.

These ids are what a student's collection knows our notes by; docs/anki.md says why they
never change. The templates and the stylesheet live in templates/ beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

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
    return (resources.files("quizgen.anki") / "templates" / name).read_text(encoding="utf-8")


@cache
def stylesheet() -> str:
    """The CSS every quizgen note type carries (quizgen/anki/templates/anki.css)."""
    return _template_text("anki.css")


@cache
def card_templates(nt: NoteType) -> tuple[str, str]:
    """The front and back template of `nt`, with the shared details block filled in."""
    details = _template_text("anki-details.html").strip()
    front = _template_text(f"anki-{nt.template}-front.html").strip()
    back = _template_text(f"anki-{nt.template}-back.html").strip()
    return front, back.replace("<!-- quizgen:details -->", details)
