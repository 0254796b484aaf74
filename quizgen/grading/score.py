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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizgen.bank.numbers import format_number
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
    # What the doubt is about, for decisions: "question", or for the sheet itself "student"
    # (its number), "duplicate", "blank", "version", "missing" (a page), "twice", "page".
    kind: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.index, self.question or 0, self.reason)

    def text(self) -> str:
        where = f"{shown_name(self.file)} page {self.index}"
        return (
            f"{where}: question {self.question}: {self.reason}"
            if self.question
            else f"{where}: {self.reason}"
        )

    def as_json(self) -> Json:
        return {"file": self.file, "page": self.index, "question": self.question, "reason": self.reason}

    @property
    def what(self) -> str:
        """The kind, with question-level doubts as "question"."""
        return "question" if self.question else (self.kind or "sheet")


def shown_name(name: str) -> str:
    """A file name as printed in one line of output: a newline or another control character in
    it is escaped, so a scan's name can never start a line of its own (a forged `review:`)."""
    from quizgen.diagnostics import terminal_safe

    return terminal_safe(name)


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
    printed: str = ""  # the version printed on the sheet, when it is scored against another
    decided: dict[int, str] = field(default_factory=dict)  # answers the teacher gave

    @property
    def score(self) -> float:
        return sum(p for p in self.points.values() if p is not None)

    @property
    def pending(self) -> list[int]:
        """The questions under review."""
        return sorted(n for n, p in self.points.items() if p is None)

    @property
    def problems(self) -> list[Review]:
        """What is wrong with the sheet as a whole (its number, a page, its version, blank)."""
        return [r for r in self.reviews if r.question is None]

    @property
    def where(self) -> tuple[str, int]:
        """(file, page) of the sheet's first page: how decisions name a sheet."""
        return self.pages[0].file, self.pages[0].index


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
    try:  # a sign and point grid can hold "-", "." or "1.2.3": not numbers
        float(value)
    except ValueError:
        return None, f"not a number: '{value}'"
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
            out[n] = (None, "the cancel box is ticked: read the answer circled on the quiz paper")
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

Where = tuple[str, int]  # (scan file, page of the file)


@dataclass(frozen=True)
class Overrides:
    """What the teacher decided (see `quizgen.grading.decisions`), applied while assembling."""

    students: Mapping[Where, str] = field(default_factory=dict)  # a page's student number
    versions: Mapping[Where, str] = field(default_factory=dict)  # a sheet's key version
    answers: Mapping[tuple[str, int, int], str] = field(default_factory=dict)  # (file, page, question)
    accepted: frozenset[tuple[str, int, str]] = frozenset()  # (file, page, kind): "as read is right"


def assemble(
    scans: Iterable[PageScan],
    layout: Json,
    rules: ScoringRules | None = None,
    overrides: Overrides | None = None,
    shortest: int | None = None,
) -> tuple[list[Sheet], list[Review]]:
    """Group the scanned pages into students' sheets and score them.

    A student number must fill its grid unless `shortest` (the CLI's `--student-digits`)
    allows fewer digits.

    Returns the sheets and the page-level reviews (unreadable pages). Question-level and
    sheet-level reviews are on each sheet: an unclear number, a number on two sheets, a
    missing page, a blank sheet, a sheet that fits another version's key much better.
    """
    from quizgen.grading.problems import flag_blank, flag_mixups

    rules = rules or rules_of(layout)
    decided = overrides or Overrides()
    columns = int(layout.get("student_digits", 6))
    loose: list[Review] = []
    groups: dict[tuple[str, str], list[tuple[PageScan, str]]] = {}
    unnamed: list[tuple[PageScan, str]] = []
    for scan in scans:
        if not scan.ok:
            loose.append(Review(scan.file, scan.index, None, scan.problem, "page"))
            continue
        spec = layout_page(layout, scan.version, scan.page)
        assert spec is not None  # scan.read_page only passes pages the layout has
        given = decided.students.get((scan.file, scan.index))
        student, problem = (given, "") if given else read_student(scan, spec, columns, shortest)
        if student:
            groups.setdefault((student, scan.version), []).append((scan, ""))
        else:
            unnamed.append((scan, problem))
    sheets = [_sheet(student, pages, layout, rules, decided) for (student, _), pages in groups.items()]
    sheets += [_sheet("", [(scan, problem)], layout, rules, decided) for scan, problem in unnamed]
    _flag_duplicates(sheets, decided)
    flag_blank(sheets, layout, decided)
    flag_mixups(sheets, layout, rules, decided)
    sheets.sort(key=lambda s: (s.student == "", s.student, s.version, s.pages[0].file, s.pages[0].index))
    return sheets, sorted(loose, key=Review.sort_key)


def questions_of(layout: Json, version: str) -> list[Json]:
    """The questions of one version, in their order on the paper."""
    found: list[Json] = next(v["questions"] for v in layout["versions"] if v["version"] == version)
    return found


def _sheet(
    student: str, pages: list[tuple[PageScan, str]], layout: Json, rules: ScoringRules, decided: Overrides
) -> Sheet:
    printed = pages[0][0].version
    key = decided.versions.get((pages[0][0].file, pages[0][0].index), printed)
    sheet = Sheet(student, key, [scan for scan, _ in pages], printed=printed if key != printed else "")
    questions = questions_of(layout, printed)
    sheet.max = sum(float(q["points"]) for q in questions_of(layout, key))
    seen: dict[int, PageScan] = {}
    read_on: dict[int, PageScan] = {}
    for scan, problem in pages:
        if problem:
            sheet.reviews.append(Review(scan.file, scan.index, None, problem, "student"))
        if scan.page in seen:
            first = seen[scan.page]
            sheet.reviews.append(
                Review(scan.file, scan.index, None,
                       f"page {scan.page} of this sheet scanned twice (also {shown_name(first.file)} "
                       f"page {first.index}); only the first is read", "twice")
            )  # fmt: skip
            continue
        seen[scan.page] = scan
        page_spec = layout_page(layout, printed, scan.page)
        assert page_spec is not None
        for n, (answer, why) in read_answers(scan, page_spec, questions).items():
            read_on[n] = scan
            given = decided.answers.get((scan.file, scan.index, n))
            if given is not None:
                sheet.answers[n] = given
                sheet.decided[n] = given
            else:
                sheet.answers[n] = answer
                if answer is None:
                    sheet.reviews.append(Review(scan.file, scan.index, n, why, "question"))
    first = sheet.pages[0]
    missing = sorted(set(range(1, _page_count(layout, printed) + 1)) - set(seen))
    if missing and (first.file, first.index, "missing") in decided.accepted:
        for q in questions:  # the teacher says the page is lost: its questions score nothing
            sheet.answers.setdefault(q["number"], "")
    elif missing:
        listed = ", ".join(str(p) for p in missing)
        sheet.reviews.append(
            Review(first.file, first.index, None, f"page {listed} of this sheet was not scanned", "missing")
        )
    _score(sheet, questions, questions_of(layout, key), rules, read_on)
    return sheet


def _page_count(layout: Json, version: str) -> int:
    return int(next(v["pages"] for v in layout["versions"] if v["version"] == version))


def same_shape(a: Json, b: Json) -> bool:
    """Whether an answer read for question `a` can be scored against question `b`'s key."""
    return (a["field"], a["kind"], a.get("digits")) == (b["field"], b["kind"], b.get("digits"))


def _score(
    sheet: Sheet, printed: list[Json], key: list[Json], rules: ScoringRules, read_on: Mapping[int, PageScan]
) -> None:
    """Points for every question of the key version, from the answers read on the printed one."""
    shape = {q["number"]: q for q in printed}
    for q in key:
        n = q["number"]
        answer = sheet.answers.get(n)
        if answer is not None and n not in sheet.decided and not same_shape(shape[n], q):
            scan = read_on.get(n, sheet.pages[0])
            sheet.reviews.append(
                Review(scan.file, scan.index, n,
                       f"question {n} is a {shape[n]['kind']} question on sheet {sheet.printed} "
                       f"and a {q['kind']} question in version {sheet.version}: score it by hand", "question")
            )  # fmt: skip
            answer = sheet.answers[n] = None
        try:
            sheet.points[n] = None if answer is None else score_answer(q, answer, rules)
        except ValueError:  # a decision made for another version's question ("B" for points)
            scan = read_on.get(n, sheet.pages[0])
            why = f"the decision {answer!r} is not an answer to question {n} of version {sheet.version}"
            sheet.reviews.append(Review(scan.file, scan.index, n, f"{why}: decide it again", "question"))
            sheet.answers[n] = sheet.points[n] = None


def _flag_duplicates(sheets: list[Sheet], decided: Overrides) -> None:
    """A student number on two sheets is a mistake on one of them: flag both, keep both."""
    by_student: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        if sheet.student:
            by_student.setdefault(sheet.student, []).append(sheet)
    for student, same in by_student.items():
        if len(same) < 2:
            continue
        where = "; ".join(
            f"{shown_name(s.pages[0].file)} page {s.pages[0].index} (version {s.version})" for s in same
        )
        for sheet in same:
            file, index = sheet.where
            if (file, index, "duplicate") in decided.accepted:
                continue
            sheet.reviews.append(
                Review(
                    file,
                    index,
                    None,
                    f"student number {student} is on {len(same)} sheets: {where}",
                    "duplicate",
                )
            )


# -- results ------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return format_number(round(value, 2))


def question_columns(layout: Json) -> list[str]:
    """The results table's question columns: `<bank>/<id>` in the first version's order."""
    first = layout["versions"][0]["questions"] if layout["versions"] else []
    return [q["id"] for q in first]


def results_csv(sheets: Sequence[Sheet], layout: Json, loose: Sequence[Review] = ()) -> str:
    """One row per sheet: student, version, file, page, points per question, total, max,
    percent, review, problems; then one row per page that could not be read.

    A question under review has an empty cell, and its number is in `review`; `problems`
    says in words what is wrong with the sheet itself. Every row names its file and page,
    so a sheet without a readable number can still be found in the pile.
    """
    ids = question_columns(layout)
    versions = {v["version"]: {q["id"]: q["number"] for q in v["questions"]} for v in layout["versions"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["student", "version", "file", "page", *ids, "total", "max", "percent", "review", "problems"]
    )
    for sheet in sheets:
        numbers = versions[sheet.version]
        cells = []
        for qid in ids:
            p = sheet.points.get(numbers[qid])
            cells.append("" if p is None else _fmt(p))
        percent = 100 * sheet.score / sheet.max if sheet.max else 0.0
        review = " ".join(str(n) for n in sheet.pending) or ("sheet" if sheet.reviews else "")
        file, index = sheet.where
        version = sheet.version + (f" (sheet {sheet.printed})" if sheet.printed else "")
        writer.writerow(
            [sheet.student or "?", version, file, index, *cells, _fmt(sheet.score), _fmt(sheet.max),
             f"{percent:.1f}", review, "; ".join(r.reason for r in sheet.problems)]
        )  # fmt: skip
    for r in loose:
        writer.writerow(["?", "", r.file, r.index, *([""] * len(ids)), "", "", "", "sheet", r.reason])
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
                "printed_version": s.printed or s.version,
                "answers": {str(n): a for n, a in sorted(s.answers.items())},
                "points": {str(n): p for n, p in sorted(s.points.items())},
                "decided": {str(n): a for n, a in sorted(s.decided.items())},
                "unsure": [r.as_json() for r in s.reviews if r.question is not None],
                "problems": [r.as_json() | {"kind": r.what} for r in s.problems],
                "score": round(s.score, 2),
                "max": round(s.max, 2),
            }
            for s in sheets
        ],
        "unreadable": [r.as_json() for r in loose],
    }
