"""The bank format as data: which keys each object has and what kind of value each takes.

One table drives the reader (structural checks, "did you mean"), the JSON Schema
(`quizgen schema`) and the format docs' test, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property


class ValueKind(Enum):
    TEXT = "text"
    TEXTS = "list of text"
    TEXT_OR_TEXTS = "text or list of text"
    NUMBER = "number"
    INT = "whole number"
    BOOL = "true or false"
    PAIRS = "list of [left, right] pairs"
    MAPPING = "mapping"
    QUESTIONS = "list of questions"
    REASONS = "mapping of warning codes to reasons"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: ValueKind
    required: bool = False
    doc: str = ""
    attr: str = ""  # the model attribute, when it differs from the YAML key

    @cached_property  # read for every value of every question
    def attribute(self) -> str:
        return self.attr or self.name


BANK_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("bank", ValueKind.TEXT, True, "Stable slug [a-z0-9-]; part of every Anki note id.", "id"),
    FieldSpec("title", ValueKind.TEXT, True, "Human title of the bank."),
    FieldSpec("source", ValueKind.MAPPING, False, "The article the questions were written from."),
    FieldSpec("deck", ValueKind.TEXT, False, "Anki deck name; '::' makes subdecks."),
    FieldSpec("tags", ValueKind.TEXTS, False, "Tags added to every question."),
    FieldSpec("accepted", ValueKind.REASONS, False, "Warnings accepted in the whole bank: code -> reason."),
    FieldSpec("questions", ValueKind.QUESTIONS, True, "The questions."),
)

SOURCE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", ValueKind.TEXT, True, "The article's title."),
    FieldSpec("file", ValueKind.TEXT, False, "File name of the article in the --articles folder."),
    FieldSpec("published", ValueKind.TEXT, False, "Date (YYYY-MM or YYYY-MM-DD): true 'as of' this."),
    FieldSpec("url", ValueKind.TEXT, False, "Where the article can be read."),
)

COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", ValueKind.TEXT, True, "Slug, unique in the bank; never reuse one."),
    FieldSpec("type", ValueKind.TEXT, True, "The kind of question."),
    FieldSpec("prompt", ValueKind.TEXT, True, "The question as the student reads it."),
    FieldSpec("explanation", ValueKind.TEXT, False, "Why the answer is right."),
    FieldSpec("evidence", ValueKind.TEXT_OR_TEXTS, False, "Exact quote(s) of the article."),
    FieldSpec("difficulty", ValueKind.TEXT, False, "easy | medium | hard"),
    FieldSpec("points", ValueKind.NUMBER, False, "Points on paper (default 1)."),
    FieldSpec("tags", ValueKind.TEXTS, False, "Tags of this question."),
    FieldSpec("image", ValueKind.TEXT, False, "Image file beside the bank, inside its folder."),
    FieldSpec("accepted", ValueKind.REASONS, False, "Warnings accepted here: code -> reason."),
)

_SHUFFLE = FieldSpec("shuffle", ValueKind.BOOL, False, "false pins the order of the choices.")

KIND_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "choice": (
        FieldSpec("choices", ValueKind.TEXTS, True, "2 to 26 choices."),
        FieldSpec("answer", ValueKind.TEXT, True, "Exactly one of the choices."),
        _SHUFFLE,
    ),
    "multi": (
        FieldSpec("choices", ValueKind.TEXTS, True, "2 to 26 choices."),
        FieldSpec("answer", ValueKind.TEXT_OR_TEXTS, True, "One or more of the choices.", "answers"),
        _SHUFFLE,
    ),
    "truefalse": (FieldSpec("answer", ValueKind.BOOL, True, "Whether the statement is true."),),
    "short": (
        FieldSpec("answer", ValueKind.TEXT, True, "The expected answer."),
        FieldSpec("accept", ValueKind.TEXTS, False, "Other answers that count as right."),
    ),
    "numeric": (
        FieldSpec("answer", ValueKind.NUMBER, True, "The number."),
        FieldSpec("tolerance", ValueKind.NUMBER, False, "Absolute tolerance (default 0)."),
        FieldSpec("unit", ValueKind.TEXT, False, "Unit shown after the answer line."),
    ),
    "cloze": (FieldSpec("text", ValueKind.TEXT, True, "Text with {{c1::deletions}}."),),
    "match": (FieldSpec("pairs", ValueKind.PAIRS, True, "2 or more [left, right] pairs."),),
    "order": (FieldSpec("items", ValueKind.TEXTS, True, "3 or more items, in the right order."),),
    "open": (
        FieldSpec("answer", ValueKind.TEXT, False, "A model answer for the key."),
        FieldSpec("lines", ValueKind.INT, False, "Writing lines on paper (default 6)."),
    ),
}

# Cloze questions carry their question in `text`; a prompt is an optional lead-in.
PROMPT_OPTIONAL = frozenset({"cloze"})


def question_fields(kind: str) -> tuple[FieldSpec, ...]:
    """Every key a question of `kind` may have, in documentation order."""
    common = COMMON_FIELDS
    if kind in PROMPT_OPTIONAL:
        common = tuple(FieldSpec(f.name, f.kind, False, f.doc) if f.name == "prompt" else f for f in common)
    return common + KIND_FIELDS[kind]
