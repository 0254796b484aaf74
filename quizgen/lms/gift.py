"""GIFT, Moodle's plain-text question format, with Moodle's escaping on every piece of text.

Text goes in as `[html]`: escaped HTML (so `<script>` is text), then GIFT's specials
`~ = # { } :` and the backslash are escaped with a backslash. No line of a question
is ever blank (a blank line ends a GIFT question): line breaks are `<br>`.

What GIFT has no syntax for is reported and left out: ordering questions, images,
and cloze texts with more than one blank (GIFT's "missing word" holds one). Moodle's
own limits (grade list, three matching pairs) are checked as for Moodle XML.
Moodle 4 reads the `// [id:...] [tag:...]` comment before each question as the
question's idnumber and tags; older versions skip it as a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

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
from quizgen.bank.text import parse_cloze
from quizgen.diagnostics import Diagnostic
from quizgen.lms import ExportOptions, Pair, left_out
from quizgen.lms.feedback import general_feedback
from quizgen.lms.moodle import check_moodle_limits, multi_fractions, shortanswer
from quizgen.lms.text import clean, html, moodle_category, number, question_ref, tags, text

SUFFIX = ".gift.txt"
FORMAT = "gift"

_SPECIAL = re.compile(r"([\\~=#{}:])")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def escape(value: str) -> str:
    """Text GIFT shows as it is: `~ = # { } :` and `\\` escaped, line breaks as `\\n`."""
    return _NEWLINE.sub(r"\\n", _SPECIAL.sub(r"\\\1", value))


def rich(value: str) -> str:
    """Bank text as a GIFT `[html]` text."""
    return "[html]" + escape(html(value))


def check(bank: Bank, q: Question, options: ExportOptions) -> Iterator[Diagnostic]:
    """What GIFT cannot carry, and what Moodle (GIFT's reader) refuses."""
    if isinstance(q, Order):
        yield left_out(
            "QG200",
            FORMAT,
            bank,
            q,
            "type",
            "an ordering question (GIFT has no syntax for one)",
            "export to Moodle XML, which has the ordering type, or leave order questions out with --types",
        )
    if q.image:
        yield left_out(
            "QG201",
            FORMAT,
            bank,
            q,
            "image",
            "an image (a GIFT file holds text only)",
            "export to Moodle XML, which embeds the image, or drop the image",
        )
    if isinstance(q, Cloze):
        blanks = len(parse_cloze(q.text)[0])
        if blanks > 1:
            yield left_out(
                "QG202",
                FORMAT,
                bank,
                q,
                "text",
                f"a cloze with {blanks} blanks (GIFT's missing-word format has one)",
                "export to Moodle XML (embedded answers), or split the text into one question per blank",
            )
    yield from check_moodle_limits(FORMAT, bank, q)


def _feedback(bank: Bank, q: Question, before: str = "") -> str:
    fb = general_feedback(bank, q, before=before)
    return f"####[html]{escape(fb)}" if fb else ""


def _answers(bank: Bank, q: Question) -> list[str]:
    """The lines inside `{...}`, general feedback last."""
    if isinstance(q, Choice):
        lines = [("=" if c == q.answer else "~") + rich(c) for c in q.choices]
    elif isinstance(q, Multi):
        grades = multi_fractions(q)
        lines = [f"~%{grades[c]}%{rich(c)}" for c in q.choices]
    elif isinstance(q, TrueFalse):
        return ["T" if q.answer else "F", _feedback(bank, q)]
    elif isinstance(q, Short):
        lines = ["=" + escape(shortanswer(a)) for a in dict.fromkeys((q.answer, *q.accept))]
    elif isinstance(q, Numeric):
        return [f"#{number(q.answer)}:{number(q.tolerance)}", _feedback(bank, q)]
    elif isinstance(q, Match):
        lines = [f"={rich(left)} -> {escape(text(right))}" for left, right in q.pairs]
    elif isinstance(q, Open):
        model = f"<p>Model answer: {html(q.answer)}</p>" if q.answer.strip() else ""
        return [_feedback(bank, q, before=model)]
    else:  # pragma: no cover - checked out before rendering
        raise TypeError(f"GIFT cannot carry {q.kind}")
    return [*lines, _feedback(bank, q)]


def _stem(q: Question) -> str:
    stem = html(q.prompt)
    if isinstance(q, Numeric) and q.unit:
        stem += f" (answer in {html(q.unit)})"
    return "[html]" + escape(stem)


def _cloze(bank: Bank, q: Cloze) -> str:
    """One blank in the middle of the text: GIFT's missing-word short answer."""
    (d,), _ = parse_cloze(q.text)
    before = html(q.text[: d.start])
    if q.prompt.strip():
        before = f"{html(q.prompt)}<br>{before}"
    after = html(q.text[d.end :])
    if d.hint:
        after = f" ({html(d.hint)}){after}"
    answer = "=" + escape(shortanswer(d.answer)) + _feedback(bank, q)
    return f"[html]{escape(before)}{{{answer}}}{escape(after)}"


def question(bank: Bank, q: Question) -> str:
    """One GIFT question: its id and tags comment, title, text and answers."""
    meta = " ".join([f"[id:{_meta(question_ref(bank, q))}]", *(f"[tag:{_meta(t)}]" for t in tags(bank, q))])
    head = f"// {meta}\n::{escape(clean(q.id))}::"
    if isinstance(q, Cloze):
        return head + _cloze(bank, q)
    body = "\n".join(line for line in _answers(bank, q) if line)
    return f"{head}{_stem(q)}{{\n{body}\n}}"


def _meta(value: str) -> str:
    """An id or tag inside `[id:...]`: no `]` or line break can end it early."""
    return re.sub(r"[\]\s]", "_", clean(value))


def render(questions: Sequence[Pair], options: ExportOptions) -> bytes:
    """The GIFT file: `$CATEGORY:` per bank, questions separated by blank lines."""
    blocks: list[str] = []
    current: Bank | None = None
    for bank, q in questions:
        if bank is not current:
            category = _NEWLINE.sub(" ", moodle_category(bank))
            blocks.append(f"$CATEGORY: {category}")
            current = bank
        blocks.append(question(bank, q))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
