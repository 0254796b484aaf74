"""Term/definition CSV for flashcard sites (Quizlet, Brainscape): one card a line.

Only questions with one short answer make a card: choice (the right choice),
truefalse, short (other accepted answers in brackets), numeric (with tolerance and
unit) and a cloze with one blank (the text with `___`, the answer). The rest is
reported and left out. Fields are quoted as RFC 4180 says when they hold the
separator or a quote; text is plain (the bank's marks removed), never HTML.
"""

from __future__ import annotations

import csv as std_csv
import io
import re
from collections.abc import Iterator, Sequence

from quizgen.bank.model import Bank, Choice, Cloze, Numeric, Question, Short, TrueFalse
from quizgen.bank.text import parse_cloze
from quizgen.diagnostics import Diagnostic
from quizgen.lms import ExportOptions, Pair, left_out
from quizgen.lms.text import number, text

SUFFIX = ".csv"
FORMAT = "csv"

CARD_KINDS = ("choice", "truefalse", "short", "numeric", "cloze")


def card(q: Question) -> tuple[str, str]:
    """The (term, definition) of a question that has one short answer."""
    if isinstance(q, Choice):
        return text(q.prompt), text(q.answer)
    if isinstance(q, TrueFalse):
        return text(q.prompt), "True" if q.answer else "False"
    if isinstance(q, Short):
        others = [text(a) for a in q.accept]
        answer = text(q.answer)
        return text(q.prompt), f"{answer} (also: {', '.join(others)})" if others else answer
    if isinstance(q, Numeric):
        answer = number(q.answer)
        if q.tolerance:
            answer += f" \u00b1 {number(q.tolerance)}"
        return text(q.prompt), f"{answer} {text(q.unit)}".strip()
    if isinstance(q, Cloze):
        (d,), _ = parse_cloze(q.text)
        blank = "___" + (f" ({text(d.hint)})" if d.hint else "")
        term = text(q.text[: d.start]) + blank + text(q.text[d.end :])
        if q.prompt.strip():
            term = f"{text(q.prompt)} {term}"
        return term, text(d.answer)
    raise TypeError(f"no flashcard for {q.kind}")  # pragma: no cover - checked out before


def check(bank: Bank, q: Question, options: ExportOptions) -> Iterator[Diagnostic]:
    """What a term/definition card cannot carry."""
    if q.kind not in CARD_KINDS:
        yield left_out(
            "QG200",
            FORMAT,
            bank,
            q,
            "type",
            f"{'an' if q.kind[0] in 'aeiou' else 'a'} {q.kind} question "
            "(a flashcard has one term and one short answer)",
            "export it to Moodle XML or Canvas QTI, or leave it out with --types " + ",".join(CARD_KINDS),
        )
        return
    if isinstance(q, Cloze) and len(parse_cloze(q.text)[0]) > 1:
        yield left_out(
            "QG202",
            FORMAT,
            bank,
            q,
            "text",
            f"a cloze with {len(parse_cloze(q.text)[0])} blanks (a flashcard has one answer)",
            "split the text into one question per blank",
        )
        return
    if q.image:
        yield left_out(
            "QG201", FORMAT, bank, q, "image", "an image (a CSV holds text only)", "drop the image"
        )
    term, definition = card(q)
    if "\n" in term or "\n" in definition or "\r" in term or "\r" in definition:
        yield left_out(
            "QG205",
            FORMAT,
            bank,
            q,
            "prompt",
            "a line break (flashcard imports read one card a line)",
            "write the text on one line",
        )


# What a spreadsheet runs: a cell starting (after any spaces) with `= + - @`, or with a tab
# or a carriage return (OWASP, "CSV Injection": prefix such a cell with a single quote).
_FORMULA_START = re.compile(r"^(?: *[=+\-@]|[\t\r])")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def inert(cell: str) -> str:
    """`cell` as a spreadsheet shows it and never runs it (E05): a `'` before a cell that
    would start a formula, except a plain number (-3.5 stays a number)."""
    if _FORMULA_START.match(cell) and not _PLAIN_NUMBER.match(cell.strip()):
        return "'" + cell
    return cell


def render(questions: Sequence[Pair], options: ExportOptions) -> bytes:
    """The CSV: one `term<separator>definition` line per card, no header line."""
    out = io.StringIO()
    writer = std_csv.writer(out, delimiter=options.separator, lineterminator="\n")
    for _, q in questions:
        writer.writerow([inert(cell) for cell in card(q)])
    return out.getvalue().encode("utf-8")
