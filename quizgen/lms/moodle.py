"""Moodle XML: every kind of question as its own Moodle question type.

choice/multi -> multichoice (single true/false, grades from Moodle's grade list),
truefalse, short -> shortanswer (every accepted answer), numeric -> numerical
(tolerance, unit), cloze -> cloze (embedded answers), match -> matching, order ->
ordering (core since Moodle 4.4, a plugin before), open -> essay (response lines,
model answer for graders). One category per bank; `idnumber` is `<bank>/<id>`.

Text is HTML, escaped before the bank's marks become tags, and written as XML text
(escaped again for XML, or in CDATA), so nothing from a bank is markup on Moodle.
Answers Moodle compares with what a student types (shortanswer, matching choices,
cloze answers) are plain text, with the characters Moodle would read as syntax escaped.
"""

from __future__ import annotations

import base64
import html as std_html
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import PurePosixPath
from urllib.parse import quote

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
from quizgen.errors import QuizgenError
from quizgen.lms import ExportOptions, Pair, left_out, written_differently
from quizgen.lms.feedback import general_feedback
from quizgen.lms.text import clean, html, moodle_category, number, percent, question_ref, tags, text
from quizgen.lms.xml import XmlWriter, attrs, escape_attr

SUFFIX = ".xml"
FORMAT = "moodle"

# Moodle's grade list (public/question/engine/bank.php:545 at 47764f6d,
# question_bank::fraction_options_full; its fractions at :484) has 1/k for k = 1..10 and
# no other fraction of that kind: a multi question whose correct (or wrong) choices
# cannot share 100% in those steps cannot be imported as written.
MAX_SHARE = 10
IDNUMBER_LENGTH = 100  # the column in Moodle's question table
PENALTY = "0.3333333"  # Moodle's default penalty for another try (question/format.php:776)


# -- limits (shared with GIFT, which Moodle imports too) --------------------------------------


def check_moodle_limits(fmt: str, bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """What Moodle itself refuses, whichever file format carries the question."""
    if isinstance(q, Multi):
        right = len(q.answers)
        wrong = len(q.choices) - right
        if right > MAX_SHARE or wrong > MAX_SHARE:
            yield left_out(
                "QG203",
                fmt,
                bank,
                q,
                "answer",
                f"{right} correct and {wrong} wrong choices: "
                f"Moodle's grade list has no 1/{max(right, wrong)}",
                f"keep at most {MAX_SHARE} correct and {MAX_SHARE} wrong choices",
            )
    if isinstance(q, Match) and len(q.pairs) < 3:
        yield left_out(
            "QG204",
            fmt,
            bank,
            q,
            "pairs",
            f"a matching question with {len(q.pairs)} pairs: Moodle needs at least 3 answers",
            "add a third pair",
        )


def multi_fractions(q: Multi) -> dict[str, str]:
    """Each choice's grade in percent: the correct ones share 100, the wrong ones share -100,
    so that ticking every box scores nothing."""
    right = len(q.answers)
    wrong = len(q.choices) - right
    return {
        c: percent(1, right) if c in q.answers else "-" + percent(1, wrong) if wrong else "0"
        for c in q.choices
    }


def check(bank: Bank, q: Question, options: ExportOptions) -> Iterator[Diagnostic]:
    """What Moodle XML cannot carry: Moodle's own limits, and an idnumber over its length."""
    yield from check_moodle_limits(FORMAT, bank, q)
    gap = unwritable_gap(q) if isinstance(q, Cloze) else None
    if gap is not None:
        yield left_out(
            "QG208",
            FORMAT,
            bank,
            q,
            "text",
            f"the gap answer '{gap}' (Moodle's cloze parser ends an answer at '~', keeps any "
            "backslash but those of \\} and \\#, and reads '&' before the end as an entity)",
            "write the answer without '~' or '\\' (and not ending in '&'), or make it a short question",
        )
    ref = question_ref(bank, q)
    if len(ref) > IDNUMBER_LENGTH:
        yield left_out(
            "QG206",
            FORMAT,
            bank,
            q,
            "id",
            f"the idnumber '{ref}' ({len(ref)} characters; Moodle keeps {IDNUMBER_LENGTH})",
            "shorten the question id or the bank id",
        )


def lost(questions: Sequence[Pair], options: ExportOptions) -> Iterator[Diagnostic]:
    """What Moodle XML writes differently: a cloze whose points its whole-number gap
    weights cannot add up to gets mark = its number of gaps."""
    odd = [(b, q) for b, q in questions if isinstance(q, Cloze) and gap_weight(q) is None]
    if odd:
        yield written_differently(
            "QG207",
            FORMAT,
            odd,
            "points",
            "a cloze's points that are not a whole multiple of its gaps (Moodle's mark for a cloze is "
            "the sum of whole-number gap weights; each gap is written with weight 1)",
            "give the cloze points that are a multiple of its number of gaps, or set the mark in the quiz",
        )


# -- text --------------------------------------------------------------------------------------

# A gap's answer ends before `~ # }` not preceded by a backslash (multianswer/questiontype.php:328
# at b1b5f263, ANSWER_ALTERNATIVE_ANSWER_REGEX), and the parser then undoes only `\}` and `\#`
# (:546-547): so those two are escaped, and `*` (the shortanswer wildcard, whose compare reads
# `\*` as a star). Any other backslash would stay in the stored answer; `~` and a backslash
# cannot be written.
_CLOZE_SPECIAL = re.compile(r"([}#*])")
_CLOZE_UNWRITABLE = ("~", "\\")


def cloze_answer(answer: str) -> str:
    """A cloze answer: plain text, HTML-escaped (it sits in the question's HTML, where a
    `<b>` would be a tag), with the embedded-answer specials Moodle undoes escaped."""
    return _CLOZE_SPECIAL.sub(r"\\\1", std_html.escape(text(answer), quote=False))


def unwritable_gap(q: Cloze) -> str | None:
    """The first gap answer Moodle's multianswer parser cannot read back as written."""
    for d in parse_cloze(q.text)[0]:
        answer = text(d.answer)
        if any(c in answer for c in _CLOZE_UNWRITABLE) or answer.endswith("&"):
            return answer
    return None


def shortanswer(answer: str) -> str:
    """A shortanswer answer: plain text, `*` (Moodle's wildcard) made literal."""
    return text(answer).replace("*", "\\*")


def no_gaps(html_text: str) -> str:
    """HTML in which Moodle's cloze parser cannot find a `{1:SA:=...}` typed in a bank."""
    return html_text.replace("{", "&#123;").replace("}", "&#125;")


def gap_weight(q: Cloze) -> int | None:
    """Each gap's weight so that the gaps add up to the bank's points, or None.

    Moodle's multianswer import never reads `<defaultgrade>` (xml/format.php:492,
    import_multianswer): the question's mark is the sum of its gaps' weights
    (multianswer/questiontype.php:409, qtype_multianswer_extract_question sums each
    subquestion's defaultmark at :580), and a weight is a whole number (its gap pattern
    `\\{([0-9]*):`, ANSWER_START_REGEX at :360). So equal gaps carry the points exactly only
    when the points are a whole multiple of the number of gaps."""
    gaps = len(parse_cloze(q.text)[0])
    points = Decimal(repr(float(q.points)))
    if points > 0 and points % gaps == 0:
        return int(points / gaps)
    return None


def cloze_html(q: Cloze) -> str:
    """The cloze text as Moodle embedded answers: `{w:SHORTANSWER:=answer}`, hint after it."""
    deletions, _ = parse_cloze(q.text)
    weight = gap_weight(q) or 1
    out, pos = [], 0
    for d in deletions:
        out.append(no_gaps(html(q.text[pos : d.start])))
        out.append(f"{{{weight}:SHORTANSWER:={cloze_answer(d.answer)}}}")
        if d.hint:
            out.append(f" ({no_gaps(html(d.hint))})")
        pos = d.end
    out.append(no_gaps(html(q.text[pos:])))
    body = "".join(out)
    return f"<p>{no_gaps(html(q.prompt))}</p><p>{body}</p>" if q.prompt.strip() else body


# -- XML ---------------------------------------------------------------------------------------

# Moodle's writer puts a text in CDATA when htmlspecialchars() would change it (xml/format.php:1150
# at 25bf66cf, xml_escape()). Moodle's reader needs that: public/lib/classes/xml_parser.php:117
# (0a41dacb) characterdata() drops every piece of character data that is only whitespace (:123),
# and the XML parser hands each entity (`&amp;`, `&lt;`) over as a piece of its own, so the
# space in `A &amp; &lt;B&gt;` is lost.
_NEEDS_CDATA = re.compile("[&<>\"']").search


def cdata(value: str) -> str:
    """`value` as one CDATA section; a `]]>` inside splits it in two, as Moodle's writer does
    (xml/format.php:1155)."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(w: XmlWriter, value: str) -> None:
    """`<text>value</text>`, as CDATA when htmlspecialchars() would change it (see _NEEDS_CDATA)."""
    if value and _NEEDS_CDATA(value):
        w.raw_leaf("text", cdata(value))
    else:
        w.leaf("text", value)


_HTML = attrs(format="html")
_AUTO = attrs(format="moodle_auto_format")


def _field(w: XmlWriter, tag: str, value: str, attributes: str = _HTML) -> None:
    """`<tag format="html"><text>value</text></tag>`: Moodle's shape of every text field."""
    if value and _NEEDS_CDATA(value):
        w.leaf_in(tag, "text", cdata(value), outer_attributes=attributes, raw=True)
    else:
        w.leaf_in(tag, "text", value, outer_attributes=attributes)


def image_file(bank: Bank, q: Question) -> tuple[str, bytes] | None:
    """The question's image: its file name and bytes (read once, here, at the edge)."""
    if not q.image:
        return None
    path = bank.folder / q.image
    try:
        return PurePosixPath(q.image).name, path.read_bytes()
    except OSError as exc:
        raise QuizgenError(f"cannot read image {path}: {exc.strerror}") from exc


def _question_text(w: XmlWriter, value: str, bank: Bank, q: Question) -> None:
    image = image_file(bank, q)
    if image is None:
        _field(w, "questiontext", value)
        return
    name, data = image
    w.open("questiontext", _HTML)
    _text(w, value + f'<p><img src="@@PLUGINFILE@@/{quote(name)}" alt=""></p>')
    w.leaf("file", base64.b64encode(data).decode("ascii"), attrs(name=name, path="/", encoding="base64"))
    w.close("questiontext")


_TYPES = {
    kind: attrs(type=name)
    for kind, name in {
        "choice": "multichoice",
        "multi": "multichoice",
        "truefalse": "truefalse",
        "short": "shortanswer",
        "numeric": "numerical",
        "cloze": "cloze",
        "match": "matching",
        "order": "ordering",
        "open": "essay",
    }.items()
}


def _combined_feedback(w: XmlWriter) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _field(w, tag, "")
    w.leaf("shownumcorrect")


def _answer(w: XmlWriter, fraction: str, value: str, fmt: str = _HTML, tolerance: str | None = None) -> None:
    """An `<answer>` with its grade, text and (empty) feedback; a numerical one's tolerance last."""
    w.open("answer", f' fraction="{escape_attr(fraction)}"{fmt}')
    _text(w, value)
    _field(w, "feedback", "")
    if tolerance is not None:
        w.leaf("tolerance", tolerance)
    w.close("answer")


def write_question(w: XmlWriter, bank: Bank, q: Question) -> None:
    """One `<question>` with every field Moodle's XML importer reads for its type."""
    w.open("question", _TYPES[q.kind])
    _field(w, "name", clean(q.id), "")
    stem = cloze_html(q) if isinstance(q, Cloze) else html(q.prompt)
    _question_text(w, stem, bank, q)
    _field(w, "generalfeedback", general_feedback(bank, q))
    w.leaf("defaultgrade", number(q.points))
    w.leaf("penalty", "1" if isinstance(q, TrueFalse) else "0" if isinstance(q, Open) else PENALTY)
    w.leaf("hidden", "0")
    w.leaf("idnumber", clean(question_ref(bank, q)))
    _body(w, q)
    w.open("tags")
    for t in tags(bank, q):
        _field(w, "tag", clean(t), "")
    w.close("tags")
    w.close("question")


def _body(w: XmlWriter, q: Question) -> None:
    if isinstance(q, (Choice, Multi)):
        w.leaf("single", "true" if isinstance(q, Choice) else "false")
        w.leaf("shuffleanswers", "true" if q.shuffle else "false")
        w.leaf("answernumbering", "abc")
        w.leaf("showstandardinstruction", "1")
        _combined_feedback(w)
        grades = multi_fractions(q) if isinstance(q, Multi) else {}
        for c in q.choices:
            fraction = grades[c] if isinstance(q, Multi) else "100" if c == q.answer else "0"
            _answer(w, fraction, html(c))
    elif isinstance(q, TrueFalse):
        _answer(w, "100" if q.answer else "0", "true", _AUTO)
        _answer(w, "0" if q.answer else "100", "false", _AUTO)
    elif isinstance(q, Short):
        w.leaf("usecase", "0")
        for a in dict.fromkeys((q.answer, *q.accept)):
            _answer(w, "100", shortanswer(a), _AUTO)
    elif isinstance(q, Numeric):
        _answer(w, "100", number(q.answer), _AUTO, tolerance=number(q.tolerance))
        if q.unit:
            w.open("units")
            w.open("unit")
            w.leaf("multiplier", "1")
            w.leaf("unit_name", text(q.unit))
            w.close("unit")
            w.close("units")
        # "Units are optional" (docs/lms.md): numerical/questiontype.php's constants (7d99b14a) are
        # UNITOPTIONAL = 0 (:50, unitgradingtype) and UNITINPUT = 0 (:44, showunits: the unit is typed
        # in the answer box, "9000" and "9000 soldiers" both right); UNITNONE = 3 (:48) would be
        # "units are not used at all", and a response with the unit would be refused.
        # unitsleft 0: the unit goes after the number.
        w.leaf("unitgradingtype", "0")
        w.leaf("unitpenalty", "0.1000000")
        w.leaf("showunits", "0" if q.unit else "3")
        w.leaf("unitsleft", "0")
    elif isinstance(q, Match):
        w.leaf("shuffleanswers", "true")
        _combined_feedback(w)
        for left, right in q.pairs:
            w.open("subquestion", _HTML)
            _text(w, html(left))
            w.open("answer")
            # Moodle shows a match answer through format_string() (public/lib/weblib.php:669 at
            # 083f627a, handing over to \core\formatting at :758), which strips what looks
            # like a tag and decodes entities: escaped, `<Austria>` and `&amp;` show as typed.
            _text(w, std_html.escape(text(right), quote=False))
            w.close("answer")
            w.close("subquestion")
    elif isinstance(q, Order):
        for tag, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", "0"),
            ("gradingtype", "ABSOLUTE_POSITION"),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            w.leaf(tag, value)
        _combined_feedback(w)
        for i, item in enumerate(q.items, start=1):
            w.open("answer", f' fraction="{i}"{_HTML}')
            _text(w, html(item))
            w.close("answer")
    elif isinstance(q, Open):
        w.leaf("responseformat", "editor")
        w.leaf("responserequired", "1")
        w.leaf("responsefieldlines", str(q.lines))
        w.leaf("attachments", "0")
        w.leaf("attachmentsrequired", "0")
        _field(w, "graderinfo", f"<p>{html(q.answer)}</p>" if q.answer.strip() else "")
        _field(w, "responsetemplate", "")


_CATEGORY = attrs(type="category")


def _category(w: XmlWriter, bank: Bank) -> None:
    w.open("question", _CATEGORY)
    _field(w, "category", moodle_category(bank), "")
    _field(w, "info", html(bank.title))
    w.close("question")


def render(questions: Sequence[Pair], options: ExportOptions) -> bytes:
    """The Moodle XML file: a category per bank, then that bank's questions."""
    w = XmlWriter()
    w.open("quiz")
    current: Bank | None = None
    for bank, q in questions:
        if bank is not current:
            _category(w, bank)
            current = bank
        write_question(w, bank, q)
    w.close("quiz")
    return w.document()
