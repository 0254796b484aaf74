"""A sheet's identity: the quiz id, and the QR code that says whose sheet a page is and the
layout it was printed with (paper, sheet options, a fingerprint of its geometry), so a page
printed with other options is refused by name instead of read with the wrong boxes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from quizgen.select import Quiz

Json = dict[str, Any]

QR_PREFIX = "QG1"  # sheets printed before the QR code carried the layout
QR_PREFIX2 = "QG2"


def quiz_id(quiz: Quiz) -> str:
    """A short id of what the quiz printed: the same quiz printed again has the same id.

    It hashes the title, and each version's questions by number, bank and id, with the
    order their choices (or pairs, or items) were printed in: what a pupil saw. The key is
    left out, so a bank fix of a key that prints the same paper (true/false, numeric, a
    written answer, an unshuffled choice) keeps the id and the printed sheets are still
    accepted. A fix that moves a shuffled choice prints another paper: grade its sheets
    with the layout written with them and `grade --rekey`. The sheet's own geometry is not
    in the id but beside it in the QR code (`layout_fingerprint`).

    Hex in capitals keeps the QR code in its compact alphanumeric mode.
    """
    parts = [
        [v.letter, [[i.number, i.bank.id, i.question.id, i.question.kind, list(i.shown)] for i in v.items]]
        for v in quiz.versions
    ]
    digest = hashlib.sha256(json.dumps([quiz.settings.title, parts], ensure_ascii=False).encode())
    return digest.hexdigest()[:10].upper()


# The paper sizes as the QR code names them, and as a message names them to a teacher.
PAPER_CODES = {"a4": "A4", "letter": "LT"}
PAPER_NAMES = {"a4": "A4", "letter": "Letter"}


@dataclass(frozen=True)
class Identity:
    """What one page's QR code says: whose sheet it is, and the layout it was printed with."""

    quiz: str
    version: str
    page: int
    paper: str | None = None  # "a4" or "letter"; None on sheets printed before QG2
    student_digits: int | None = None
    numeric_grids: bool | None = None
    fingerprint: str | None = None


def layout_fingerprint(data: Json) -> str:
    """A short hash of the layout's geometry: the page size, the markers, the QR box and every
    box that is read, with what it reads. Keys, titles and texts are not in it, so a re-keyed
    layout keeps it; a sheet printed with other sheet options (or by a quizgen that places
    boxes elsewhere) has another one."""

    def num(v: Any) -> str:
        return f"{float(v):.2f}"

    geometry = [
        [num(v) for v in data["pages"][0]["size"]] if data["pages"] else [],
        [[m["id"], [num(v) for v in m["box"]]] for m in data["markers"]],
        [num(v) for v in data["qr_box"]],
        [
            [p["version"], p["page"],
             [[b["field"], b["question"], b.get("column"), b["value"], [num(v) for v in b["box"]]]
              for b in p["bubbles"]]]
            for p in data["pages"]
        ],
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(geometry).encode()).hexdigest()[:6].upper()


def _options_code(digits: int, numeric_grids: bool) -> str:
    return f"D{digits}" + ("G" if numeric_grids else "")


def qr_payload(quiz: str, version: str, page: int, data: Json | None = None) -> str:
    """What the QR code on one page says.

    `QG2 <quiz id> <version> <page> <paper> <options> <fingerprint>` with the layout `data`
    (paper A4 or LT; options D<student digits>, then G with numeric digit grids), or the
    older `QG1 <quiz id> <version> <page>` without it.
    """
    if data is None:
        return f"{QR_PREFIX} {quiz} {version} {page}"
    paper = PAPER_CODES[data["paper"]]
    options = _options_code(int(data["student_digits"]), bool(data.get("numeric_grids")))
    return f"{QR_PREFIX2} {quiz} {version} {page} {paper} {options} {layout_fingerprint(data)}"


def parse_identity(text: str) -> Identity | None:
    """The identity a QR payload (QG1 or QG2) states, or None when it is not one of ours."""
    parts = text.split()
    if len(parts) == 4 and parts[0] == QR_PREFIX and parts[3].isdigit():
        return Identity(parts[1], parts[2], int(parts[3]))
    if len(parts) != 7 or parts[0] != QR_PREFIX2 or not parts[3].isdigit():
        return None
    paper = {code: name for name, code in PAPER_CODES.items()}.get(parts[4])
    options = parts[5]
    digits = options[1:].rstrip("G")
    if paper is None or not options.startswith("D") or not digits.isdigit():
        return None
    return Identity(parts[1], parts[2], int(parts[3]), paper, int(digits), options.endswith("G"), parts[6])


def parse_qr(text: str) -> tuple[str, str, int] | None:
    """(quiz id, version, page) from a QR payload, or None when it is not one of ours."""
    found = parse_identity(text)
    return None if found is None else (found.quiz, found.version, found.page)


def has_grids(data: Json) -> bool:
    """Whether the layout's numeric questions are digit grids (older layouts: any has digits)."""
    if "numeric_grids" in data:
        return bool(data["numeric_grids"])
    return any(q.get("digits") for v in data["versions"] for q in v["questions"])


def identity_mismatch(qr_text: str, data: Json) -> str | None:
    """Why a page whose QR code says `qr_text` cannot be read with the layout `data`, or None.

    A sheet of another quiz is refused; so is a sheet of this quiz printed with other sheet
    options (paper size, student digits, digit grids) or another geometry, with what differs
    in words: its boxes are elsewhere, and reading them with this layout would score wrong.
    Sheets printed before the QR code carried the layout (QG1) are checked by quiz id only.
    """
    found = parse_identity(qr_text)
    if found is None:
        return f"the QR code is not a quizgen sheet's ('{qr_text}')"
    if found.quiz != data["quiz"]:
        return f"a sheet of another quiz ({found.quiz}; this layout is quiz {data['quiz']})"
    if found.fingerprint is None:
        return None
    printed: list[str] = []  # how this sheet was printed
    layout_is: list[str] = []  # what the layout is for
    paper = str(data.get("paper"))
    if found.paper != paper:
        printed.append(f"on {PAPER_NAMES[found.paper or 'a4']} paper")
        layout_is.append(f"{PAPER_NAMES.get(paper, paper)} paper")
    if found.student_digits != int(data["student_digits"]):
        printed.append(f"with {found.student_digits} student-number digits")
        layout_is.append(f"{data['student_digits']} student-number digits")
    grids = has_grids(data)
    if found.numeric_grids != grids:
        printed.append("with numeric digit grids" if found.numeric_grids else "without numeric digit grids")
        layout_is.append("numeric digit grids" if grids else "no numeric digit grids")
    ours = layout_fingerprint(data)
    if not printed and found.fingerprint != ours:
        printed.append(f"with another geometry (fingerprint {found.fingerprint})")
        layout_is.append(f"the geometry {ours}")
    if not printed:
        return None
    return (
        f"this sheet was printed {', '.join(printed)}; the layout is for {' and '.join(layout_is)}: "
        "grade it with the layout written with it (the <name>-layout.json of the same "
        "`quizgen quiz --sheets` run)"
    )
