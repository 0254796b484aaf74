"""The teacher's decisions on what `grade` could not decide, as a CSV file that closes the loop.

`grade` writes one row per item to review: where it is (file, page, student, version,
question and its id), what kind of item it is, what was read, why, and an empty
`decision` cell. The teacher fills in the cells they have decided and runs
`grade --decisions FILE`; the same scans are scored again with those answers, and the
results, JSON and report are written as if the marks had been clear.

What a decision says, by kind:

- `question`: the answer as it should be read from the sheet, in the sheet's letters:
  `B`, `AC` (or `A C`) for a select-all question, `T`/`F`, a number for a digit grid, the
  points for a score box; `-` for "nothing marked" (scores 0);
- `student`: the student number;
- `duplicate`: the student number this sheet really belongs to, or `ok` (keep it);
- `version`: the version whose key the sheet is scored against (`B`), or `ok`;
- `blank`, `missing` (a page of the sheet), `twice`: `ok` (as read is right; a missing
  page's questions then score 0).

An empty cell is no decision yet. Rows that name nothing to decide in these scans are
reported and ignored; a value that cannot be an answer is an error (file:line), and
nothing is written.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.bank.numbers import format_number
from quizgen.errors import QuizgenError
from quizgen.grading.scan import PageScan, layout_page
from quizgen.grading.score import Overrides, Review, questions_of

if TYPE_CHECKING:
    from quizgen.grading.grade import Graded

Json = dict[str, Any]

COLUMNS = ["file", "page", "student", "version", "question", "id", "kind", "read", "reason", "decision"]
NOTHING = "-"
OK = "ok"


class DecisionsError(QuizgenError):
    """The decisions file cannot be used."""


@dataclass
class Applied:
    """The decisions read from a file: what they change, and the rows that matched nothing."""

    overrides: Overrides
    rows: list[Json] = field(default_factory=list)  # every decided row, to write back
    ignored: list[str] = field(default_factory=list)  # messages


def _read_marks(scan: PageScan, layout: Json, question: int | None) -> str:
    """The marks seen on a question's bubbles (or the student-number grid): `B`, `B C?` (? unsure)."""
    spec = layout_page(layout, scan.version, scan.page) if scan.version else None
    if spec is None or not scan.states:
        return ""
    if question is None:
        columns: dict[int, list[str]] = {}
        for b, s in zip(spec["bubbles"], scan.states, strict=True):
            if b["field"] == "student":
                marks = columns.setdefault(b["column"], [])
                if s != "empty":
                    marks.append(b["value"] + ("?" if s == "unsure" else ""))
        return "".join(
            "_" if not m else m[0] if len(m) == 1 else f"({'/'.join(m)})" for _, m in sorted(columns.items())
        )
    parts = []
    for b, s in zip(spec["bubbles"], scan.states, strict=True):
        if b["question"] == question and s != "empty":
            what = "cancel" if b["field"] == "cancel" else b["value"]
            if "column" in b and b["field"] == "answer":
                what = f"{what} (column {b['column'] + 1})"
            parts.append(what + ("?" if s == "unsure" else ""))
    return " ".join(parts) or "nothing"


def _row(r: Review, graded: Graded, layout: Json, decision: str = "") -> Json:
    scans = {(s.file, s.index): s for s in graded.scans}
    owner = next((s for s in graded.sheets for p in s.pages if (p.file, p.index) == (r.file, r.index)), None)
    scan = scans.get((r.file, r.index))
    qid = ""
    if r.question and owner is not None:
        qid = next((q["id"] for q in questions_of(layout, owner.version) if q["number"] == r.question), "")
    kind = r.what
    read = ""
    if scan is not None and (r.question or kind in ("student", "duplicate")):
        read = _read_marks(scan, layout, r.question)
    return {
        "file": r.file, "page": r.index, "student": owner.student if owner else "",
        "version": owner.version if owner else "", "question": r.question or "", "id": qid,
        "kind": kind, "read": read, "reason": r.reason, "decision": decision,
    }  # fmt: skip


def decisions_csv(graded: Graded, layout: Json, decided: Sequence[Json] = ()) -> str:
    """The decisions file: the decided rows first (as given), then one row per open item."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in decided:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    for r in graded.reviews:
        if r.what != "page":  # an unreadable page has nothing to decide: scan it again
            writer.writerow(_row(r, graded, layout))
    return out.getvalue()


def _structural(rows: list[tuple[int, Json]], scans: dict[tuple[str, int], PageScan], graded: Graded,
                layout: Json) -> Graded:  # fmt: skip
    """The scans scored again with only the rows' student-number and version decisions."""
    from quizgen.grading.grade import regrade

    students: dict[tuple[str, int], str] = {}
    versions: dict[tuple[str, int], str] = {}
    letters = {v["version"] for v in layout["versions"]}
    for _, row in rows:
        value, kind = (row.get("decision") or "").strip(), (row.get("kind") or "").strip()
        scan = scans.get(
            (_real(row.get("file") or ""), int(row["page"]) if (row.get("page") or "").isdigit() else 0)
        )
        if scan is None:
            continue
        if kind in ("student", "duplicate") and value.isdigit():
            students[(scan.file, scan.index)] = value
        elif kind == "version" and value.upper() in letters - {scan.version}:
            versions[(scan.file, scan.index)] = value.upper()
    if not students and not versions:
        return graded
    return regrade(graded, layout, Overrides(students, versions))


def _real(file: str) -> str:
    return os.path.realpath(file) if file else file


def _answer(value: str, q: Json) -> str | None:
    """The answer a decision gives for question `q` (as printed on the sheet), or None."""
    text = value.strip()
    if text == NOTHING:
        return ""
    if q["field"] == "score":
        try:
            points = float(text)
        except ValueError:
            return None
        return format_number(points) if math.isfinite(points) and 0 <= points <= float(q["points"]) else None
    if q.get("digits"):
        try:
            number = float(text)
        except ValueError:
            return None
        return text if math.isfinite(number) else None
    letters = [c for c in text.upper() if c not in " ,;+"]
    allowed = ["T", "F"] if q["kind"] == "truefalse" else list(q.get("choices", {}))
    if not letters or any(c not in allowed for c in letters) or len(set(letters)) != len(letters):
        return None
    if q["kind"] != "multi" and len(letters) != 1:
        return None
    return "".join(c for c in allowed if c in letters)


def _expected(q: Json) -> str:
    if q["field"] == "score":
        return f"the points from 0 to {format_number(float(q['points']))}"
    if q.get("digits"):
        return "a number"
    allowed = ["T", "F"] if q["kind"] == "truefalse" else list(q.get("choices", {}))
    many = "letters" if q["kind"] == "multi" else "one letter"
    return f"{many} of {', '.join(allowed)}"


def read_decisions(path: Path, graded: Graded, layout: Json) -> Applied:
    """The decisions in `path` for these scans, checked; every problem at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(
            f"{path}: cannot read the decisions: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    header = text.split("\n", 1)[0]
    # A spreadsheet set to a comma-decimal language saves CSV with semicolons.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    absent = [
        c for c in ("file", "page", "question", "kind", "decision") if c not in (reader.fieldnames or [])
    ]
    if absent:
        raise DecisionsError(
            f"{path}:1: not a decisions file (no column {', '.join(absent)})\n"
            "    hint: pass the <results>-decisions.csv that `quizgen grade` wrote, "
            "with the decision cells filled in"
        )
    # Matched by the file itself, not by how it was named: `scans/` and `./scans/` are one folder.
    scans = {(_real(s.file), s.index): s for s in graded.scans if s.ok}
    rows = [(reader.line_num, row) for row in reader]
    # Sheet decisions first (a number, a version): they change what is left to decide, and
    # which key a question's decision is checked against ("score it by hand" on version B).
    after = _structural(rows, scans, graded, layout)
    open_items = {
        (_real(r.file), r.index, r.question or 0, r.what) for g in (graded, after) for r in g.reviews
    }
    key_version = {(p.file, p.index): s.version for s in after.sheets for p in s.pages}
    students: dict[tuple[str, int], str] = {}
    versions: dict[tuple[str, int], str] = {}
    answers: dict[tuple[str, int, int], str] = {}
    accepted: set[tuple[str, int, str]] = set()
    applied = Applied(Overrides())
    errors: list[str] = []
    digits = int(layout["student_digits"])
    letters = [v["version"] for v in layout["versions"]]
    for line, row in rows:
        value = (row.get("decision") or "").strip()
        if not value:
            continue
        file, kind = row.get("file") or "", (row.get("kind") or "").strip()
        try:
            index = int(row.get("page") or "")
            question = int(row.get("question") or 0)
        except ValueError:
            errors.append(f"{path}:{line}: page and question should be numbers")
            continue
        scan = scans.get((_real(file), index))
        if scan is None or (_real(file), index, question, kind) not in open_items:
            where = f"{file} page {index}" + (f" question {question}" if question else "")
            applied.ignored.append(
                f"{path}:{line}: nothing to decide in these scans at {where} ({kind}): ignored"
            )
            continue
        file = scan.file  # as this run names it
        at = (file, index)
        if kind == "question":
            version = key_version.get(at, scan.version)
            q = next(q for q in questions_of(layout, version) if q["number"] == question)
            answer = _answer(value, q)
            if answer is None:
                errors.append(
                    f"{path}:{line}: decision {value!r} for question {question}: "
                    f"expected {_expected(q)}, or - for nothing"
                )
                continue
            answers[(file, index, question)] = answer
        elif kind in ("student", "duplicate") and value.lower() != OK:
            if not (value.isdigit() and len(value) <= digits):
                errors.append(f"{path}:{line}: decision {value!r}: a student number is 1 to {digits} digits")
                continue
            students[at] = value
            if kind == "duplicate":
                accepted.add((file, index, kind))
        elif kind == "version" and value.lower() != OK:
            if value.upper() not in letters:
                errors.append(
                    f"{path}:{line}: decision {value!r}: a version is one of {', '.join(letters)}, or ok"
                )
                continue
            if value.upper() == scan.version:
                accepted.add((file, index, kind))  # its own version: as read is right
            else:
                versions[at] = value.upper()
        elif value.lower() == OK:
            accepted.add((file, index, kind))
        else:
            errors.append(
                f"{path}:{line}: decision {value!r} for a {kind} problem: "
                "write ok to accept the sheet as read"
            )
            continue
        applied.rows.append({c: row.get(c, "") for c in COLUMNS})
    if errors:
        raise DecisionsError("\n".join(errors))
    applied.overrides = Overrides(students, versions, answers, frozenset(accepted))
    return applied
