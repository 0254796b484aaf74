"""GIFT, Moodle's plain-text question format, with Moodle's escaping on every piece of text.

Text goes in as `[html]`: escaped HTML (so `<script>` is text), then GIFT's specials
`~ = # { } :` and the backslash are escaped with a backslash. No line of a question
is ever blank (a blank line ends a GIFT question): line breaks are `<br>`.

What GIFT has no syntax for is reported and left out: images, cloze texts with more
than one blank (GIFT's "missing word" holds one), and a short answer holding `->`
beside other accepted answers. What GIFT cannot carry on a question it still writes
(points, an essay's lines, `shuffle: false`, an ordering question's general feedback) is
one warning per property naming every question. Moodle's own limits (grade list, three
matching pairs) are checked as for Moodle XML. Moodle 4 reads the `// [id:...] [tag:...]`
comment before each question as the question's idnumber and tags (gift/format.php:624,
extract_idnumber_and_tags_from_comment).

The rules cited are Moodle 5.1's reader, public/question/format/gift/format.php at
f747c15c (abbreviated gift/format.php, cited as gift/format.php:LINE) and qtype_ordering's
import_from_gift, public/question/type/ordering/questiontype.php:311 at f747c15c.
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
from quizgen.lms import ExportOptions, Pair, left_out, written_differently
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
    answers = _short_answers(q) if isinstance(q, Short) else []
    if len(answers) > 1 and any(_ARROW in text(a) for a in answers):
        yield left_out(
            "QG208",
            FORMAT,
            bank,
            q,
            "answer",
            "a short answer holding '->' beside other accepted answers (Moodle reads '=' with '->' "
            "as a matching question, gift/format.php readquestion(), and GIFT has no escape for '->')",
            "export to Moodle XML, or keep only the answer with '->' (one answer is written without '=')",
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


_ARROW = "->"


def _short_answers(q: Short) -> list[str]:
    return list(dict.fromkeys((q.answer, *q.accept)))


def answer_text(value: str) -> str:
    """A short answer as Moodle stores it from GIFT, whatever it starts with.

    gift/format.php:452 (readquestion(), case 'shortanswer'; the grade test at :470) takes a
    leading `%n%` as the answer's grade, so every answer gets an explicit `%100%` first (as
    Moodle's own writequestion() does, gift/format.php:791); parse_text_with_format()
    (gift/format.php:154, the test at :160) then takes a leading `[word]` as a text format
    and drops it, so an answer starting with `[` is preceded by `[moodle]`.
    """
    plain = escape(shortanswer(value))
    return "%100%" + ("[moodle]" + plain if plain.startswith("[") else plain)


def _short(answers: Sequence[str]) -> list[str]:
    """The answer lines of a short answer. One answer holding `->` is written without `=`:
    readquestion() reads `=` together with `->` as matching, and without `=` the answer
    section is a short answer of one answer (its explode on `=` finds one)."""
    if len(answers) == 1 and _ARROW in text(answers[0]):
        return [answer_text(answers[0])]
    return ["=" + answer_text(a) for a in answers]


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
        lines = _short(_short_answers(q))
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
    answer = "".join(_short([d.answer])) + _feedback(bank, q)
    return f"[html]{escape(before)}{{{answer}}}{escape(after)}"


def _braces(value: str) -> str:
    """HTML with its braces as entities: qtype_ordering's import_from_gift takes the question
    text up to the first `{` and matches `>N ...` and the items against the text between the
    braces, which the GIFT reader ends at the first `}`: so no `{` may come before the answers
    and no `}` inside them (ordering/questiontype.php:311, import_from_gift; its pattern at :335)."""
    return value.replace("{", "&#123;").replace("}", "&#125;")


def _order(q: Order) -> str:
    """`{>N ALL VERTICAL ABSOLUTE_POSITION SHOW` then one item a line, as Moodle 5.1's
    qtype_ordering reads it: the items are stored as written (FORMAT_MOODLE, no GIFT
    unescaping, trimmed, blank lines dropped: ordering/questiontype.php:431-447), so each is
    escaped HTML on one line. The options are those of the Moodle XML export."""
    stem = _braces(html(q.prompt)).replace("\\", "&#92;")
    items = [_braces(_NEWLINE.sub("<br>", html(item))) for item in q.items]
    head = f"{{>{len(q.items)} ALL VERTICAL ABSOLUTE_POSITION SHOW"
    return "[html]" + _NEWLINE.sub("<br>", stem) + head + "\n" + "\n".join(items) + "\n}"


def question(bank: Bank, q: Question) -> str:
    """One GIFT question: its id and tags comment, title, text and answers."""
    meta = " ".join([f"[id:{_meta(question_ref(bank, q))}]", *(f"[tag:{_meta(t)}]" for t in tags(bank, q))])
    head = f"// {meta}\n::{escape(clean(q.id))}::"
    if isinstance(q, Cloze):
        return head + _cloze(bank, q)
    if isinstance(q, Order):
        return head + _order(q)
    body = "\n".join(line for line in _answers(bank, q) if line)
    # No blank line inside the braces: a blank line ends a GIFT question (E03).
    return f"{head}{_stem(q)}{{\n{body}\n}}" if body else f"{head}{_stem(q)}{{}}"


def _meta(value: str) -> str:
    """An id or tag inside `[id:...]`/`[tag:...]`: a `]` is written `\\]`, which
    extract_idnumber_and_tags_from_comment() reads back as `]`; a line break or another
    control character (which its pattern refuses) becomes a space."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", clean(value)).replace("]", "\\]").strip()


ESSAY_LINES = 15  # gift/format.php:346 (readquestion(), case 'essay'): responsefieldlines = 15


def lost(questions: Sequence[Pair], options: ExportOptions) -> Iterator[Diagnostic]:
    """What GIFT cannot say about questions it writes, one warning per property."""
    points = [(b, q) for b, q in questions if q.points != 1]
    if points:
        yield written_differently(
            "QG207",
            FORMAT,
            points,
            "points",
            "points (GIFT has no syntax for a question's mark; Moodle imports each with mark 1)",
            "export to Moodle XML, which keeps the points, or set the marks in Moodle's quiz after import",
        )
    lines = [(b, q) for b, q in questions if isinstance(q, Open) and q.lines != ESSAY_LINES]
    if lines:
        yield written_differently(
            "QG207",
            FORMAT,
            lines,
            "lines",
            f"an essay's lines (Moodle gives every GIFT essay {ESSAY_LINES} lines)",
            "export to Moodle XML, which keeps the lines, or edit the essays in Moodle",
        )
    fixed = [(b, q) for b, q in questions if isinstance(q, (Choice, Multi)) and not q.shuffle]
    if fixed:
        yield written_differently(
            "QG207",
            FORMAT,
            fixed,
            "shuffle",
            "'shuffle: false' (Moodle shuffles GIFT choices as its default says)",
            "export to Moodle XML, which keeps the choices in order",
        )
    fed = [(b, q) for b, q in questions if isinstance(q, Order) and general_feedback(b, q)]
    if fed:
        yield written_differently(
            "QG207",
            FORMAT,
            fed,
            "explanation",
            "an ordering question's general feedback (qtype_ordering's GIFT reader has no '####')",
            "export to Moodle XML, which keeps the explanation and sources",
        )


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
