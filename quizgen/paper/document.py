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
    count, total_points, key_layout ("full" | "grid"), duplex (bool), large_print (bool),
    sources: [{label, title, as_of}]     # only when several banks are pooled
    source: {title, as_of, url} | None   # the one bank's article, when there is one bank
    scoring: [{kinds, rule, scales: [str]}]   # the "How to mark" table: rules of the kinds on the paper
    versions: [{letter, total_points,
                sections: [{number, kind, heading, instruction, points_label,
                            questions: [Q, ...]}]}],
    grid: [{numbers: [1, ...], per, points: [label | "", ...],
            rows: [{letter, cells: [{key, also, points}, ...]}]}]
    accepted: [{numbers: "A 31, B 28", answer, also: [str]}]   # short answers with many alternatives
    model_answers: [{numbers: "A 20, B 19", text (R)}]   # grid-only keys: open questions

    Q = {number, kind, id, bank, about, ref, points, points_label, prompt (R), note, image,
         choices: [{letter, text (R)}], columns      # choice, multi, in printed order
         pieces: [{text (R)} | {blank, hint (R), fill (R)}]          # cloze
         left: [{number, text (R)}], right: [{letter, text (R)}]     # match
         items: [{text (R)}]                         # order, in printed order
         unit, lines                                 # numeric; short, open
         key, answer: [{label, text (R)}], accept: [R], marking, explanation (R),
         source: {title, as_of, url (a web link or "")} | None, evidence: [str]}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
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
)
from quizgen.bank.numbers import format_number
from quizgen.bank.text import (
    cloze_blanks,
    inner_quotes,
    parse_cloze,
    plain,
    runs,
    safe_link,
    smart_quotes,
    without_instruction,
)
from quizgen.paper.grid import accepted, grid, where_printed
from quizgen.scoring import PARTIAL_KINDS, ScoringRules, rule_text, score_parts
from quizgen.select import Item, Quiz, Version, answer_key, letter, positions

Json = dict[str, Any]
ImageRef = Callable[[Path], str]  # an image file on disk -> how the writer refers to it

PAPERS = ("a4", "letter")

DEFAULT_RULES = ScoringRules()

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

# A part answered on the answer sheet: its paper says so, not "circle" or "tick" (S1).
SHEET_INSTRUCTION = "Fill the bubble of your answer on your answer sheet."

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
    """Bank text as JSON runs, its straight quotes curly as the template's own (P22); code as written."""
    return [list(run) for run in _rich_runs(text)]


# Every version prints the same texts again (and the key its own copy of each): once
# each per document, the 2 versions of a 10,000-question build took 3.3 s instead of
# 4.3 s (runs() keeps only 4,096). `document` empties it when done.
@cache
def _rich_runs(text: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    before = ""
    for style, body in runs(text):
        out.append((style, body if style == "code" else smart_quotes(body, before)))
        before = body
    return tuple(out)


def document(quiz: Quiz, *, paper: str = "a4", image: ImageRef | None = None) -> Json:
    """The whole printed quiz and its key as plain data (see the module docstring).

    `image` tells how the writer refers to a question's image file (a path in the
    Typst root, a data: URI, a relative link); without it images are left out.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    try:
        return _document(quiz, paper, image)
    finally:
        _rich_runs.cache_clear()


def _document(quiz: Quiz, paper: str, image: ImageRef | None) -> Json:
    settings = quiz.settings
    headings = settings.shuffle  # select.py groups by kind only when it shuffles
    labels = source_labels(quiz.banks)
    context = _Context(headings, image, labels, settings.scoring, on_the_sheet(settings.sheets))
    versions = [_version(v.letter, v.items, context) for v in quiz.versions]
    first = quiz.versions[0] if quiz.versions else None
    kinds = {item.question.kind for item in first.items} if first else set()
    instructions = settings.instructions
    if instructions is None:
        instructions = default_instructions(kinds, settings.sheets)
    return {
        "title": smart_quotes(settings.title),
        "paper": paper,
        "instructions": rich(instructions),
        "headings": headings,
        "count": len(first.items) if first else 0,
        "total_points": fmt_points(first.total_points) if first else "0",
        "key_layout": settings.key_layout,
        "duplex": settings.duplex,
        "large_print": settings.large_print,
        "sources": _sources(quiz.banks, labels),
        # One bank's article is named once at the head of the key, not under every question.
        "source": _source(quiz.banks[0]) if len(quiz.banks) == 1 else None,
        "scoring": scoring_rows(first, settings.scoring) if first else [],
        "versions": versions,
        "grid": grid(quiz),
        "accepted": accepted(quiz),
        "model_answers": model_answers(quiz) if settings.key_layout == "grid" else [],
    }


_NO_MODEL_ANSWER = "none given; mark on merit."


def model_answers(quiz: Quiz) -> list[Json]:
    """The open questions' model answers, for a grid-only key (the grid says "see model answers")."""
    return [
        {
            "numbers": numbers,
            "text": rich(q.answer) if isinstance(q, Open) and q.answer else [["i", _NO_MODEL_ANSWER]],
        }
        for q, numbers in where_printed(quiz, lambda q: isinstance(q, Open))
    ]


# The kinds a pupil answers by filling bubbles on the answer sheet (quizgen/grading/sheet.py);
# every other kind is answered on the paper and scored by the teacher in the sheet's boxes.
_ON_THE_SHEET = frozenset({"choice", "multi", "truefalse"})


def on_the_sheet(sheets: str | None) -> frozenset[str]:
    """The kinds a pupil answers on the answer sheet: none without sheets."""
    if sheets is None:
        return frozenset()
    return _ON_THE_SHEET | ({"numeric"} if sheets == "grids" else frozenset())


def default_instructions(kinds: set[str] | frozenset[str], sheets: str | None = None) -> str:
    """What to do on this paper, in the words of its own marks: circle, tick, write in the box;
    with answer sheets (S1), what goes on the sheet and what stays on the paper."""
    if sheets is not None:
        return _sheet_instructions(kinds, on_the_sheet(sheets))
    said = ["Answer every question."]
    if "choice" in kinds and "multi" in kinds:
        said.append("Circle one letter, or every correct letter where a question says select all that apply.")
    elif "choice" in kinds:
        said.append("Circle the letter of the one best answer.")
    elif "multi" in kinds:
        said.append("Circle the letter of every correct answer.")
    if "truefalse" in kinds:
        said.append("Tick True or False.")
    if kinds & {"match", "order"}:
        said.append("Write a letter or a number in each box.")
    if kinds & {"cloze", "short", "numeric"}:
        said.append(
            "Write other answers on the lines"
            + (", in sentences where space is given." if "open" in kinds else ".")
        )
    elif "open" in kinds:
        said.append("Answer in full sentences in the space given.")
    said.append("Points are shown beside each question.")
    return " ".join(said)


def _sheet_instructions(kinds: set[str] | frozenset[str], on_sheet: frozenset[str] | set[str]) -> str:
    said = [
        "Answer every question. Use the answer sheet with the same version letter as this paper.",
    ]
    if kinds & on_sheet:
        said.append(
            "For questions with lettered answers, True or False"
            + (" or a number" if "numeric" in on_sheet and "numeric" in kinds else "")
            + ", fill the bubble of your answer on the answer sheet, completely, with a dark pen or pencil;"
            " do not mark this paper for them."
        )
    if kinds - on_sheet:
        said.append("Write every other answer on this paper; your teacher scores it on your sheet.")
    said.append("Points are shown beside each question.")
    return " ".join(said)


_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def source_labels(banks: Sequence[Bank]) -> dict[str, str]:
    """A short label per bank when a quiz pools several ("Oct 2022"), else nothing.

    The article's month and year when that tells the banks apart, else the bank's title.
    """
    if len(banks) < 2:
        return {}
    dates = {bank.id: _short_date(bank.source.published if bank.source else "") for bank in banks}
    unique = len(set(dates.values())) == len(dates) and all(dates.values())
    return {bank.id: dates[bank.id] if unique else bank.title for bank in banks}


def _short_date(published: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", published.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return published.strip()
    return f"{_SHORT_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def _sources(banks: Sequence[Bank], labels: dict[str, str]) -> list[Json]:
    """The articles of a pooled quiz, oldest first, each with the label its questions carry."""
    if not labels:
        return []
    listed = sorted(banks, key=lambda b: (b.source.published if b.source else "", b.id))
    return [
        {
            "label": labels[b.id],
            "title": smart_quotes(b.source.title if b.source else b.title),
            "as_of": as_of(b.source.published) if b.source and b.source.published else "",
        }
        for b in listed
    ]


class _Context:
    """What every question of a document is printed with."""

    def __init__(
        self,
        headings: bool,
        image: ImageRef | None,
        labels: dict[str, str],
        rules: ScoringRules,
        on_sheet: frozenset[str] = frozenset(),
    ) -> None:
        self.headings = headings
        self.on_sheet = on_sheet  # kinds answered on the answer sheet (quiz --sheets)
        self.image = image
        self.labels = labels
        self.rules = rules


def _version(tag: str, items: Sequence[Item], context: _Context) -> Json:
    headings = context.headings
    sections: list[Json] = []
    for item in items:
        kind = item.question.kind
        if not sections or (headings and sections[-1]["kind"] != kind):
            heading, instruction = SECTIONS[kind] if headings else ("", "")
            if headings and kind in context.on_sheet:
                instruction = SHEET_INSTRUCTION
            sections.append(
                {"kind": kind, "heading": heading, "instruction": instruction, "questions": [], "points": 0.0}
            )
        sections[-1]["questions"].append(
            question(
                item,
                notes=not headings,
                image=context.image,
                about=context.labels.get(item.bank.id, ""),
                rules=context.rules,
            )
        )
        sections[-1]["points"] += item.points
    for number, section in enumerate(sections, start=1):
        section["number"] = number
        section["points_label"] = points_label(section.pop("points"))
    total = sum(item.points for item in items)
    return {"letter": tag, "total_points": fmt_points(total), "sections": sections}


def question(
    item: Item,
    *,
    notes: bool = False,
    image: ImageRef | None = None,
    about: str = "",
    rules: ScoringRules = DEFAULT_RULES,
) -> Json:
    """One printed question with its key. `notes`: say how to answer under the question
    (else a part's heading says it). `about`: the label of its article in a pooled quiz."""
    q, bank = item.question, item.bank
    prompt = q.prompt
    if not notes and q.kind == "truefalse":
        prompt = without_instruction(q.kind, prompt)  # the part's heading says "True or false"
    note = NOTES.get(q.kind, "") if notes or q.kind == "multi" else ""
    if note and note.rstrip(".?").lower() in plain(prompt).lower():
        note = ""  # the author already said it
    pos = q.pos()
    out: Json = {
        "number": item.number,
        "kind": q.kind,
        "id": q.id,
        "bank": bank.id,
        "about": about,
        "ref": f"{_printable(bank.path.name)}:{pos.line}:{pos.col}",
        "points": fmt_points(item.points),
        "points_label": points_label(item.points),
        "prompt": rich(prompt),
        "note": note,
        "image": image(bank.folder / q.image) if image and q.image else None,
        "key": smart_quotes(item.key),
        "answer": _answer(q, item.shown),
        "accept": [rich(a) for a in q.accept] if isinstance(q, Short) else [],
        "marking": marking(q, item.points, rules),
        "explanation": rich(q.explanation),
        "source": _source(bank),
        # Printed inside curly double quotes: its own quotation marks become single ones.
        "evidence": [smart_quotes(inner_quotes(e)) for e in q.evidence],
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
    return {"title": smart_quotes(s.title), "as_of": as_of(s.published) if s.published else "", "url": url}


# -- marking -----------------------------------------------------------------------------------

_PART_WORDS = {"match": ("pair", "pairs"), "order": ("item", "items"), "cloze": ("blank", "blanks")}


def parts_of(q: Question) -> int:
    """How many parts a match, order or cloze question is scored by (pairs, items, blanks)."""
    if isinstance(q, Match):
        return len(q.pairs)
    if isinstance(q, Order):
        return len(q.items)
    if isinstance(q, Cloze):
        return len({d.number for d in parse_cloze(q.text)[0]})
    return 1


def marking(q: Question, points: float, rules: ScoringRules) -> str:
    """How a part-scored question is marked, for its line in the full key: '' when the
    "How to mark" table already says it all (a rule without a scale)."""
    parts = parts_of(q)
    if q.kind in PARTIAL_KINDS and parts > 1:
        return _scale(parts, points, rules)
    return ""


def _scale(parts: int, points: float, rules: ScoringRules) -> str:
    """'4 right -> 2, 2-3 -> 1, 0-1 -> 0' (arrows, en dashes), from the scoring functions themselves."""
    by_score: dict[float, list[int]] = {}
    for right in range(parts, -1, -1):
        by_score.setdefault(score_parts(right, parts, points, rules), []).append(right)
    spans = [str(r[0]) if len(r) == 1 else f"{r[-1]}\u2013{r[0]}" for r in by_score.values()]
    steps = [f"{span} \u2192 {fmt_points(score)}" for span, score in zip(spans, by_score, strict=True)]
    return ", ".join([steps[0].replace(" \u2192", " right \u2192", 1), *steps[1:]])


_KIND_NAMES = {
    "truefalse": "True or false",
    "choice": "Multiple choice",
    "multi": "Select all that apply",
    "match": "Matching",
    "order": "Ordering",
    "cloze": "Fill in the blanks",
    "short": "Short answer",
    "numeric": "Numerical answer",
    "open": "Extended response",
}


def scoring_rows(version: Version, rules: ScoringRules) -> list[Json]:
    """The "How to mark" table of the key (P19): one row for the all-or-nothing kinds on the
    paper, one per other kind with its rule, and for part-scored kinds every scale (parts,
    points) a question has here, from the scoring functions. Rows follow the paper's parts.

    Row = {kinds, rule, scales: ["4 pairs, 2 points: 4 right -> 2, 2-3 -> 1, 0-1 -> 0", ...]}
    """
    from quizgen.select import SECTION_ORDER

    present = {item.question.kind for item in version.items}
    scales: dict[str, dict[tuple[int, float], None]] = {}
    for item in version.items:
        parts = parts_of(item.question)
        if item.question.kind in PARTIAL_KINDS and parts > 1:
            scales.setdefault(item.question.kind, {})[(parts, item.points)] = None
    rows: list[Json] = []
    whole = [k for k in SECTION_ORDER if k in present and k not in ("multi", "open") and k not in scales]
    if whole:
        kinds = ", ".join(_KIND_NAMES[k] for k in whole)
        rows.append({"kinds": kinds, "rule": rule_text(whole[0], rules), "scales": []})
    for kind in SECTION_ORDER:
        if kind in ("multi", "open") and kind in present:
            rows.append({"kinds": _KIND_NAMES[kind], "rule": rule_text(kind, rules), "scales": []})
        elif kind in scales:
            shown = [
                f"{parts} {_PART_WORDS[kind][1]}, {points_label(points)}: {_scale(parts, points, rules)}"
                for parts, points in sorted(scales[kind])
            ]
            rows.append({"kinds": _KIND_NAMES[kind], "rule": rule_text(kind, rules, 2), "scales": shown})
    return rows
