"""From marks to scores: answers per question, each student's sheet, the results table.

Everything here is pure: it takes the pages as `scan` read them and the layout, and scores
with `quizgen.scoring`, the rules the printed key states. Nothing uncertain is decided:
an unsure bubble, two marks on a single-answer question, a ticked cancel box, a page that
cannot be read or a student number seen twice becomes a `Review` naming the file, the
page and the question, and that question scores nothing until a person has looked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizgen.bank.model import format_number
from quizgen.grading.scan import PageScan, layout_page
from quizgen.scoring import MULTI_RULES, MultiRule, ScoringRules, score_multi

Json = dict[str, Any]


@dataclass(frozen=True)
class Review:
    """Something a person must look at: where it is and why."""

    file: str
    index: int  # page of the scan file (1-based)
    question: int | None  # the question's number on the paper, None for the page itself
    reason: str

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.index, self.question or 0, self.reason)

    def text(self) -> str:
        where = f"{self.file} page {self.index}"
        return (
            f"{where}: question {self.question}: {self.reason}"
            if self.question
            else f"{where}: {self.reason}"
        )

    def as_json(self) -> Json:
        return {"file": self.file, "page": self.index, "question": self.question, "reason": self.reason}


@dataclass
class Sheet:
    """One student's answer sheet: all its pages, what they say and what it scores."""

    student: str  # "" when the number cannot be read
    version: str
    pages: list[PageScan]
    answers: dict[int, str | None] = field(default_factory=dict)  # None: under review
    points: dict[int, float | None] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    max: float = 0.0

    @property
    def score(self) -> float:
        return sum(p for p in self.points.values() if p is not None)

    @property
    def pending(self) -> list[int]:
        """The questions under review."""
        return sorted(n for n, p in self.points.items() if p is None)


def rules_of(layout: Json, multi: str | None = None) -> ScoringRules:
    """The scoring rules the layout was printed with, the multi rule overridden if asked."""
    spec = layout.get("scoring", {})
    chosen = multi or spec.get("multi", "all-or-nothing")
    if chosen not in MULTI_RULES:
        raise ValueError(f"unknown multi rule {chosen!r}")
    rule: MultiRule = chosen
    return ScoringRules(multi=rule, step=float(spec.get("step", 1.0)))


# -- reading a page's marks --------------------------------------------------------------------


Mark = tuple[Json, str, float, str]  # (bubble, state, fill, note: "", "loop", "small", "off")


def _indexed(spec: Json, scan: PageScan) -> list[Mark]:
    notes = scan.marks or ("",) * len(scan.states)
    return list(zip(spec["bubbles"], scan.states, scan.fills, notes, strict=True))


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def doubts(marks: Sequence[Mark], where: str = "") -> list[str]:
    """What a person should look at in a row of bubbles, in words: "a loop around C",
    "a small mark in B", "a light or partial mark in A (fill 0.25)"; [] when every bubble
    is a clear fill or clearly empty."""
    out = []
    if any(note == "off" for _, _, _, note in marks):
        out.append("the bubbles are not where the layout puts them (a fold or a bow in the page?)")
        return out
    for b, state, fill, note in marks:
        value = f"{where}{b['value']}"
        if note == "loop":
            out.append(f"a loop around {value}")
        elif note == "small":
            out.append(f"a small mark in {value}")
        elif state == "unsure":
            out.append(f"a light or partial mark in {value} (fill {fill:.2f})")
    return out


def _digits(cells: Sequence[Mark], columns: int) -> tuple[str | None, str]:
    """The digits of a grid (student number, numeric answer): (text or None, problem)."""
    by_column: dict[int, list[Mark]] = {c: [] for c in range(columns)}
    for m in cells:
        by_column[m[0]["column"]].append(m)
    read: list[str] = []
    for column in range(columns):
        bubbles = by_column[column]
        marked = [b["value"] for b, s, _, _ in bubbles if s == "marked"]
        doubt = doubts([m for m in bubbles if m[1] != "marked"])
        if doubt or (marked and any(m[3] == "off" for m in bubbles)):
            return None, f"column {column + 1}: {'; '.join(doubt)}"
        if len(marked) > 1:
            return None, f"column {column + 1}: {len(marked)} digits marked ({_and(marked)})"
        read.append(marked[0] if marked else " ")
    return "".join(read), ""


def read_student(scan: PageScan, spec: Json, columns: int, shortest: int | None = None) -> tuple[str, str]:
    """(student number, problem) of a page.

    A number must fill the grid unless `shortest` allows fewer digits; then blank columns
    are allowed before or after the digits. A column whose write-in box holds a digit but
    has no bubble filled is a problem either way.
    """
    cells = [m for m in _indexed(spec, scan) if m[0]["field"] == "student"]
    text, problem = _digits(cells, columns)
    if text is None:
        return "", f"student number: {problem}"
    if not text.strip():
        return "", "no student number marked"
    if " " in text.strip():
        return "", f"student number has a gap: '{text.replace(' ', '_')}'"
    unbubbled = [c + 1 for c in scan.written if c < len(text) and text[c] == " "]
    if unbubbled:
        listed = ", ".join(str(c) for c in unbubbled)
        return "", (
            f"student number '{text.replace(' ', '_')}': a digit is written in column {listed} "
            "but no bubble is filled"
        )
    digits = text.strip()
    if len(digits) < (columns if shortest is None else shortest):
        return "", (
            f"student number '{text.replace(' ', '_')}' has {len(digits)} of {columns} digits: "
            "a column left unbubbled? (--student-digits allows shorter numbers)"
        )
    return digits, ""


def _single(question: Json, marks: list[Mark]) -> tuple[str | None, str]:
    marked = [b["value"] for b, s, _, _ in marks if s == "marked"]
    score = question["field"] == "score"
    doubt = (
        doubts([m for m in marks if m[1] != "marked"])
        if not score
        else [
            f"a light or partial tick in {b['value']} (fill {f:.2f})" for b, s, f, _ in marks if s == "unsure"
        ]
    )
    if any(m[3] == "off" for m in marks):
        return None, doubts(marks)[0]
    if doubt:
        also = f" (and a fill in {_and(marked)})" if marked else ""
        return None, "; ".join(doubt) + also
    kind = question["kind"]
    if kind == "multi":
        return "".join(marked), ""
    if len(marked) > 1:
        if score:
            return None, f"{len(marked)} score boxes ticked ({_and(marked)}) where one is expected"
        return None, f"{len(marked)} marks: {_and(marked)} (one answer is expected)"
    if score and not marked:
        return None, "no score box ticked: score the written answer"
    return (marked[0] if marked else ""), ""


def _numeric(question: Json, marks: list[Mark]) -> tuple[str | None, str]:
    before, after = question["digits"]
    text, problem = _digits(marks, before + after)
    if text is None:
        return None, problem
    whole, frac = text[:before].strip(), text[before:].strip()
    if not whole and not frac:
        return "", ""
    if " " in whole or " " in text[before:].rstrip():
        return None, f"a gap between the digits '{text.replace(' ', '_')}'"
    value = (whole or "0") + (f".{text[before:].rstrip()}" if frac else "")
    return value, ""


def read_answers(scan: PageScan, spec: Json, questions: Sequence[Json]) -> dict[int, tuple[str | None, str]]:
    """(answer, problem) of each question on the page; the answer is None when it needs review.

    Answers are the marked values joined in printed order ("B", "AC", "T", "" for none),
    a ticked score ("2"), or a number read from a digit grid ("12.5"). Any ink in a row
    that is not a clear fill (a loop, a small mark, a light or partial mark) sends the
    question to review with what was seen, never to blank.
    """
    on_page: dict[int, list[Mark]] = {}
    cancel: dict[int, tuple[str, float]] = {}
    for b, s, f, note in _indexed(spec, scan):
        n = b["question"]
        if n is None:
            continue
        if b["field"] == "cancel":
            cancel[n] = (s, f)
        else:
            on_page.setdefault(n, []).append((b, s, f, note))
    by_number = {q["number"]: q for q in questions}
    out: dict[int, tuple[str | None, str]] = {}
    for n, marks in on_page.items():
        q = by_number[n]
        state = cancel.get(n, ("empty", 0.0))[0]
        if state == "marked":
            out[n] = (None, "the cancel box is ticked: read the answer on the sheet")
            continue
        if state == "unsure":
            out[n] = (None, f"unsure mark in the cancel box (fill {cancel[n][1]:.2f})")
            continue
        out[n] = _numeric(q, marks) if q.get("digits") else _single(q, marks)
    return out


def score_answer(question: Json, answer: str, rules: ScoringRules) -> float:
    """The points an answer earns, by the printed rules."""
    points = float(question["points"])
    if question["field"] == "score":
        return min(points, float(answer)) if answer else 0.0
    kind = question["kind"]
    if kind == "multi":
        keys = question["answer"]
        return score_multi(set(answer), keys, len(question.get("choices", {})), points, rules)
    if kind == "numeric":
        if not answer:
            return 0.0
        return (
            points
            if abs(float(answer) - float(question["answer"])) <= float(question["tolerance"]) + 1e-9
            else 0.0
        )
    return points if answer == question["answer"] else 0.0


# -- assembling sheets --------------------------------------------------------------------------


def assemble(
    scans: Iterable[PageScan], layout: Json, rules: ScoringRules | None = None, shortest: int | None = None
) -> tuple[list[Sheet], list[Review]]:
    """Group the scanned pages into students' sheets and score them.

    A student number must fill its grid unless `shortest` (the CLI's `--student-digits`)
    allows fewer digits.

    Returns the sheets and the page-level reviews (unreadable pages). Question-level and
    sheet-level reviews are on each sheet.
    """
    rules = rules or rules_of(layout)
    versions = {v["version"]: v for v in layout["versions"]}
    columns = int(layout.get("student_digits", 6))
    loose: list[Review] = []
    groups: dict[tuple[str, str], list[tuple[PageScan, str]]] = {}
    unnamed: list[tuple[PageScan, str]] = []
    for scan in scans:
        if not scan.ok:
            loose.append(Review(scan.file, scan.index, None, scan.problem))
            continue
        spec = layout_page(layout, scan.version, scan.page)
        assert spec is not None  # scan.read_page only passes pages the layout has
        student, problem = read_student(scan, spec, columns, shortest)
        if student:
            groups.setdefault((student, scan.version), []).append((scan, ""))
        else:
            unnamed.append((scan, problem))
    sheets = [
        _sheet(student, version, pages, versions[version], layout, rules)
        for (student, version), pages in groups.items()
    ]
    sheets += [
        _sheet("", scan.version, [(scan, problem)], versions[scan.version], layout, rules)
        for scan, problem in unnamed
    ]
    _flag_duplicates(sheets)
    sheets.sort(key=lambda s: (s.student == "", s.student, s.version, s.pages[0].file, s.pages[0].index))
    return sheets, sorted(loose, key=Review.sort_key)


def _sheet(
    student: str,
    version: str,
    pages: list[tuple[PageScan, str]],
    spec: Json,
    layout: Json,
    rules: ScoringRules,
) -> Sheet:
    sheet = Sheet(student, version, [scan for scan, _ in pages])
    questions = spec["questions"]
    sheet.max = sum(float(q["points"]) for q in questions)
    seen: dict[int, PageScan] = {}
    for scan, problem in pages:
        if problem:
            sheet.reviews.append(Review(scan.file, scan.index, None, problem))
        if scan.page in seen:
            first = seen[scan.page]
            sheet.reviews.append(
                Review(scan.file, scan.index, None,
                       f"page {scan.page} of this sheet scanned twice (also {first.file} "
                       f"page {first.index}); only the first is read")
            )  # fmt: skip
            continue
        seen[scan.page] = scan
        page_spec = layout_page(layout, version, scan.page)
        assert page_spec is not None
        for n, (answer, why) in read_answers(scan, page_spec, questions).items():
            sheet.answers[n] = answer
            if answer is None:
                sheet.reviews.append(Review(scan.file, scan.index, n, why))
    by_number = {q["number"]: q for q in questions}
    for n, q in by_number.items():
        answer = sheet.answers.get(n, None) if n in sheet.answers else None
        sheet.points[n] = None if answer is None else score_answer(q, answer, rules)
    missing = sorted(set(range(1, spec["pages"] + 1)) - set(seen))
    if missing:
        first = sheet.pages[0]
        listed = ", ".join(str(p) for p in missing)
        sheet.reviews.append(
            Review(first.file, first.index, None, f"page {listed} of this sheet was not scanned")
        )
    return sheet


def _flag_duplicates(sheets: list[Sheet]) -> None:
    """A student number on two sheets is a mistake on one of them: flag both, keep both."""
    by_student: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        if sheet.student:
            by_student.setdefault(sheet.student, []).append(sheet)
    for student, same in by_student.items():
        if len(same) < 2:
            continue
        where = "; ".join(f"{s.pages[0].file} page {s.pages[0].index} (version {s.version})" for s in same)
        for sheet in same:
            first = sheet.pages[0]
            sheet.reviews.append(
                Review(
                    first.file,
                    first.index,
                    None,
                    f"student number {student} is on {len(same)} sheets: {where}",
                )
            )


# -- results ------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return format_number(round(value, 2))


def question_columns(layout: Json) -> list[str]:
    """The results table's question columns: `<bank>/<id>` in the first version's order."""
    first = layout["versions"][0]["questions"] if layout["versions"] else []
    return [q["id"] for q in first]


def results_csv(sheets: Sequence[Sheet], layout: Json) -> str:
    """One row per sheet: student, version, points per question, total, max, percent, review.

    A question under review has an empty cell, and its number is in `review`.
    """
    ids = question_columns(layout)
    versions = {v["version"]: {q["id"]: q["number"] for q in v["questions"]} for v in layout["versions"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "version", *ids, "total", "max", "percent", "review"])
    for sheet in sheets:
        numbers = versions[sheet.version]
        cells = []
        for qid in ids:
            p = sheet.points.get(numbers[qid])
            cells.append("" if p is None else _fmt(p))
        percent = 100 * sheet.score / sheet.max if sheet.max else 0.0
        review = " ".join(str(n) for n in sheet.pending) or ("sheet" if sheet.reviews else "")
        writer.writerow(
            [
                sheet.student,
                sheet.version,
                *cells,
                _fmt(sheet.score),
                _fmt(sheet.max),
                f"{percent:.1f}",
                review,
            ]
        )
    return out.getvalue()


def sheets_json(sheets: Sequence[Sheet], loose: Sequence[Review]) -> Json:
    """Every sheet as read, for other tools (the `--json` file)."""
    return {
        "sheets": [
            {
                "file": s.pages[0].file,
                "page": s.pages[0].index,
                "pages": [{"file": p.file, "page": p.index, "sheet_page": p.page} for p in s.pages],
                "student": s.student,
                "version": s.version,
                "answers": {str(n): a for n, a in sorted(s.answers.items())},
                "points": {str(n): p for n, p in sorted(s.points.items())},
                "unsure": [r.as_json() for r in s.reviews],
                "score": round(s.score, 2),
                "max": round(s.max, 2),
            }
            for s in sheets
        ],
        "unreadable": [r.as_json() for r in loose],
    }
