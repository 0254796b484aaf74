"""Evidence for every part: each thing a question asserts must be supported by one of its
quotes (QG100). Registered with the evidence checks (run with --articles).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from quizgen.bank import evidence as ev
from quizgen.bank.model import Bank, Cloze, Match, Multi, Order, Pos, Question
from quizgen.bank.registry import (
    EVIDENCE_CHECKS,
)
from quizgen.bank.text import parse_cloze
from quizgen.diagnostics import Diagnostic, diagnostic

# -- evidence for every part ---------------------------------------------------------------


def parts(q: Question) -> list[ev.Part]:
    """The parts of a multi-part question, each of which a quote must support."""
    if isinstance(q, Match):
        return [
            ev.Part(f"pair {i + 1} '{left} \u2013 {right}'", right, f"pairs.{i}", extra_names=left)
            for i, (left, right) in enumerate(q.pairs)
        ]
    if isinstance(q, Order):
        return [ev.Part(f"item {i + 1} '{item}'", item, f"items.{i}") for i, item in enumerate(q.items)]
    if isinstance(q, Cloze):
        return [
            ev.Part(f"deletion c{d.number} '{d.answer}'", d.answer, f"text@{n}")
            for n, d in enumerate(parse_cloze(q.text)[0])
        ]
    if isinstance(q, Multi):
        key = "answer" if len(q.answers) == 1 else "answer.{}"
        return [ev.Part(f"answer '{a}'", a, key.format(i)) for i, a in enumerate(q.answers)]
    return []


def _missing(part: ev.Part, quotes: Sequence[str]) -> str:
    """What the closest quote lacks, in the part's own words."""
    need = ev.needs(part.text, part.extra_names, part.first_counts)
    best = max((ev.Quote.of(q) for q in quotes), key=lambda qt: _score(qt, need))
    written = ev.tokens(f"{part.extra_names} {part.text}")
    lacking = [w for w in dict.fromkeys(written) if _needed(w, need) and ev.key(w) not in best.keys]
    return ", ".join(lacking[:6])


def _score(quote: ev.Quote, need: ev.Needs) -> int:
    return len(need.numbers & quote.numbers) + len(need.names & quote.keys) + len(need.words & quote.keys)


def _needed(word: str, need: ev.Needs) -> bool:
    k = ev.key(word)
    return k in need.numbers or k in need.names or k in need.words


def check_parts(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG100: every part is supported by one of the question's quotes."""
    if not q.evidence:
        return
    for part in parts(q):
        if ev.supported(part.text, q.evidence, part.extra_names, part.first_counts):
            continue
        lacking = _missing(part, q.evidence)
        pos = _part_pos(bank, q, part.where)
        yield diagnostic(
            "QG100",
            str(bank.path),
            pos.line,
            pos.col,
            f"{part.label} is not supported by any evidence quote",
            f"quote the sentence that says it (evidence can be a list); no quote holds: {lacking}"
            if lacking
            else "quote the sentence that says it (evidence can be a list)",
        )


EVIDENCE_CHECKS.append(check_parts)


def _part_pos(bank: Bank, q: Question, where: str) -> Pos:
    """Where a part was written. A cloze deletion (`text@N`) is found in the file itself: the
    reader keeps only where the text starts, and deletions are rarely unsupported."""
    if not where.startswith("text@"):
        return q.pos(where)
    start = q.pos("text")
    number = int(where.removeprefix("text@"))
    lines = _lines(bank.path)
    seen = 0
    for row in range(start.line - 1, len(lines)):
        line = lines[row]
        col = start.col - 1 if row == start.line - 1 else 0
        while (found := line.find("{{", col)) >= 0:
            if seen == number:
                return Pos(row + 1, found + 1)
            seen += 1
            col = found + 2
    return start


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return []
