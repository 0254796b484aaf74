"""The printed quiz as plain data: what the PDF, HTML and Markdown writers all lay out.

`document(quiz)` turns a `Quiz` into a tree of dicts, lists and strings that
`json.dumps` takes as it is. The writers never look at the model again, so the three
formats cannot disagree about what is printed, in which order, or what the key says.

Bank text is never pre-rendered here: every text field is a list of runs
`[[style, text], ...]` (style "", "b", "i" or "code", see `quizgen.bank.text.runs`) and
each writer turns runs into its own format with its own escaping. For Typst this is
what keeps bank text out of markup: the template builds content from the runs.

The tree, field by field (R = runs; the key fields are only printed in the key):

    title, paper, instructions (R), headings (bool: sections have headings),
    count, total_points,
    versions: [{letter, total_points,
                sections: [{number, kind, heading, instruction, points_label,
                            questions: [Q, ...]}]}],
    grid: [{numbers: [1, ...], per, rows: [{letter, cells: [key, ...]}]}]

    Q = {number, kind, id, bank, ref, points, points_label, prompt (R), note, image,
         choices: [{letter, text (R)}], columns      # choice, multi, in printed order
         pieces: [{text (R)} | {blank, hint (R), fill (R)}]          # cloze
         left: [{number, text (R)}], right: [{letter, text (R)}]     # match
         items: [{text (R)}]                         # order, in printed order
         unit, lines                                 # numeric; short, open
         key, answer: [{label, text (R)}], accept: [R], explanation (R),
         source: {title, as_of, url (a web link or "")} | None, evidence: [str]}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from quizgen.bank.model import (
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
    TrueFalse,
    format_number,
)
from quizgen.bank.text import cloze_blanks, parse_cloze, plain, runs, safe_link
from quizgen.select import Item, Quiz, answer_key, letter, positions

Json = dict[str, Any]
ImageRef = Callable[[Path], str]  # an image file on disk -> how the writer refers to it

PAPERS = ("a4", "letter")

# Section heading and what to do, per kind. A school test tells the pupil once per
# part how to answer, rather than repeating it under every question.
SECTIONS: dict[str, tuple[str, str]] = {
    "truefalse": ("True or false", "Tick True or False for each statement."),
    "choice": ("Multiple choice", "Circle the letter of the one best answer."),
    "multi": ("Select all that apply", "Circle the letter of every correct answer."),
    "match": ("Matching", "Write the letter of the matching item in each box."),
    "order": ("Ordering", "Number the items in the right order, starting with 1."),
    "cloze": ("Fill in the blanks", "Write the missing word or words for each numbered blank."),
    "short": ("Short answer", "Write your answer on the line."),
    "numeric": ("Numerical answer", "Write the number on the line."),
    "open": ("Extended response", "Answer in full sentences in the space given."),
}

# Under a question, when there are no section headings to say it (an unshuffled quiz
# keeps the bank's order, so kinds are mixed). "Select all that apply" is always said:
# a pupil who circles one letter on a multi question loses marks for nothing.
NOTES: dict[str, str] = {
    "truefalse": "True or false?",
    "multi": "Select all that apply.",
    "match": "Write the letter of the matching item in each box.",
    "order": "Number the items in the right order, starting with 1.",
    "cloze": "Fill in each numbered blank.",
}

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def key_path(out: Path) -> Path:
    """Where the key of a quiz goes: `quiz.pdf` -> `quiz-key.pdf`, beside it."""
    return out.with_name(f"{out.stem}-key{out.suffix}")


def fmt_points(points: float) -> str:
    """2.0 -> "2", 0.5 -> "0.5"."""
    return format_number(points)


def points_label(points: float) -> str:
    """1 -> "1 point", 2 -> "2 points"."""
    return f"{fmt_points(points)} point{'' if points == 1 else 's'}"


def as_of(published: str) -> str:
    """A source's date as a reader says it: "2022-10" -> "October 2022"."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", published.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return published
    month = _MONTHS[int(m.group(2)) - 1]
    day = f"{int(m.group(3))} " if m.group(3) else ""
    return f"{day}{month} {m.group(1)}"


def rich(text: str) -> list[list[str]]:
    """Bank text as JSON runs."""
    return [[style, body] for style, body in runs(text)]


def document(quiz: Quiz, *, paper: str = "a4", image: ImageRef | None = None) -> Json:
    """The whole printed quiz and its key as plain data (see the module docstring).

    `image` tells how the writer refers to a question's image file (a path in the
    Typst root, a data: URI, a relative link); without it images are left out.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    settings = quiz.settings
    headings = settings.shuffle  # select.py groups by kind only when it shuffles
    versions = [_version(v.letter, v.items, headings, image) for v in quiz.versions]
    first = quiz.versions[0] if quiz.versions else None
    return {
        "title": settings.title,
        "paper": paper,
        "instructions": rich(settings.instructions),
        "headings": headings,
        "count": len(first.items) if first else 0,
        "total_points": fmt_points(first.total_points) if first else "0",
        "versions": versions,
        "grid": grid(quiz),
    }


def _version(tag: str, items: Sequence[Item], headings: bool, image: ImageRef | None) -> Json:
    sections: list[Json] = []
    for item in items:
        kind = item.question.kind
        if not sections or (headings and sections[-1]["kind"] != kind):
            heading, instruction = SECTIONS[kind] if headings else ("", "")
            sections.append(
                {"kind": kind, "heading": heading, "instruction": instruction, "questions": [], "points": 0.0}
            )
        sections[-1]["questions"].append(question(item, notes=not headings, image=image))
        sections[-1]["points"] += item.points
    for number, section in enumerate(sections, start=1):
        section["number"] = number
        section["points_label"] = points_label(section.pop("points"))
    total = sum(item.points for item in items)
    return {"letter": tag, "total_points": fmt_points(total), "sections": sections}


def question(item: Item, *, notes: bool = False, image: ImageRef | None = None) -> Json:
    """One printed question with its key. `notes`: say how to answer under the question."""
    q, bank = item.question, item.bank
    note = NOTES.get(q.kind, "") if notes or q.kind == "multi" else ""
    if note and note.rstrip(".?").lower() in plain(q.prompt).lower():
        note = ""  # the author already said it
    pos = q.pos()
    out: Json = {
        "number": item.number,
        "kind": q.kind,
        "id": q.id,
        "bank": bank.id,
        "ref": f"{_printable(bank.path.name)}:{pos.line}:{pos.col}",
        "points": fmt_points(item.points),
        "points_label": points_label(item.points),
        "prompt": rich(q.prompt),
        "note": note,
        "image": image(bank.folder / q.image) if image and q.image else None,
        "key": item.key,
        "answer": _answer(q, item.shown),
        "accept": [rich(a) for a in q.accept] if isinstance(q, Short) else [],
        "explanation": rich(q.explanation),
        "source": _source(bank),
        "evidence": list(q.evidence),
    }
    out.update(_body(q, item.shown))
    return out


def _printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _body(q: Question, shown: Sequence[str]) -> Json:
    """What the pupil answers on, by kind."""
    if isinstance(q, (Choice, Multi)):
        return {
            "choices": [{"letter": letter(i), "text": rich(c)} for i, c in enumerate(shown)],
            "columns": choice_columns(shown),
        }
    if isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        answers = {d.number: d.answer for d in deletions}
        pieces: list[Json] = []
        for text, number in cloze_blanks(q.text):
            if number is None:
                pieces.append({"text": rich(text)})
            else:  # `fill` is for the key only: the quiz prints an empty blank
                pieces.append({"blank": number, "hint": rich(text), "fill": rich(answers[number])})
        return {"pieces": pieces}
    if isinstance(q, Match):
        return {
            "left": [{"number": i + 1, "text": rich(left)} for i, (left, _) in enumerate(q.pairs)],
            "right": [{"letter": letter(i), "text": rich(right)} for i, right in enumerate(shown)],
        }
    if isinstance(q, Order):
        return {"items": [{"text": rich(text)} for text in shown]}
    if isinstance(q, Numeric):
        return {"unit": q.unit, "lines": 1}
    if isinstance(q, Short):
        return {"lines": 1}
    if isinstance(q, Open):
        return {"lines": q.lines}
    return {}


def choice_columns(choices: Sequence[str]) -> int:
    """Lay short choices side by side, as printed tests do: all across, two across, else one a line."""
    longest = max((len(plain(c)) for c in choices), default=0)
    if longest <= 14 and len(choices) <= 4:
        return len(choices)
    return 2 if longest <= 34 else 1


def _answer(q: Question, shown: Sequence[str]) -> list[Json]:
    """The full key's answer lines: a label ("B", "1", "2-C") and the text it stands for."""

    def line(label: str, text: str) -> Json:
        return {"label": label, "text": rich(text)}

    if isinstance(q, Choice):
        return [line(letter(shown.index(q.answer)), q.answer)]
    if isinstance(q, Multi):
        return [line(letter(i), c) for i, c in enumerate(shown) if c in q.answers]
    if isinstance(q, TrueFalse):
        return [line("", "True" if q.answer else "False")]
    if isinstance(q, Short):
        return [line("", q.answer)]
    if isinstance(q, Numeric):
        # A number is data, not bank markup: keep "2*3" or "_" literal through runs().
        return [{"label": "", "text": [["", answer_key(q, ())]]}]
    if isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        return [line(str(d.number), d.answer) for d in deletions]
    if isinstance(q, Match):
        at = positions(shown)
        return [
            {
                "label": f"{i + 1}\u2013{letter(at[right])}",
                "text": [*rich(left), ["", " \u2192 "], *rich(right)],
            }
            for i, (left, right) in enumerate(q.pairs)
        ]
    if isinstance(q, Order):
        return [line(str(i + 1), text) for i, text in enumerate(q.items)]
    if isinstance(q, Open):
        return [line("", q.answer)] if q.answer else []
    return []  # pragma: no cover


def _source(bank: Bank) -> Json | None:
    if bank.source is None:
        return None
    s = bank.source
    # `url` is only ever a web link (safe_link); anything else is left out of every writer.
    url = safe_link(s.url) or ""
    return {"title": s.title, "as_of": as_of(s.published) if s.published else "", "url": url}


# -- the key grid ------------------------------------------------------------------------------

# How many question columns a grid table gets: as many as fit across the page at the
# width of the longest answer in the table, between 5 and 20.
_GRID_CHARS = 110


def grid(quiz: Quiz) -> list[Json]:
    """The teacher's grid: rows = versions, columns = question numbers, cells = keys.

    Split into several tables when there are too many questions for one row.
    """
    if not quiz.versions:
        return []
    count = len(quiz.versions[0].items)
    tables: list[Json] = []
    start = 0
    while start < count:
        per = _per_table(quiz, start, count)
        numbers = list(range(start + 1, min(start + per, count) + 1))
        rows = [{"letter": v.letter, "cells": [v.items[n - 1].key for n in numbers]} for v in quiz.versions]
        tables.append({"numbers": numbers, "per": per, "rows": rows})
        start += per
    return tables


def _per_table(quiz: Quiz, start: int, count: int) -> int:
    """Columns for the table starting at question `start`: fit its widest keys."""
    per = 20
    while per > 5:
        cells = (v.items[n].key for v in quiz.versions for n in range(start, min(start + per, count)))
        widest = max((_width(cell) for cell in cells), default=1)
        if per * (widest + 2) <= _GRID_CHARS:
            break
        per -= 1
    return per


def _width(key: str) -> int:
    # Long keys (a cloze's words) wrap inside their cells rather than make every column wide.
    return min(len(key), 14)
