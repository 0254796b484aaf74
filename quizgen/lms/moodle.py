"""Moodle XML: every kind of question as its own Moodle question type.

choice/multi -> multichoice (single true/false, grades from Moodle's grade list),
truefalse, short -> shortanswer (every accepted answer), numeric -> numerical
(tolerance, unit), cloze -> cloze (embedded answers), match -> matching, order ->
ordering (core since Moodle 4.4, a plugin before), open -> essay (response lines,
model answer for graders). One category per bank; `idnumber` is `<bank>/<id>`.

Text is HTML, escaped before the bank's marks become tags, and written as XML text
(ElementTree escapes it again for XML), so nothing from a bank is markup on Moodle.
Answers Moodle compares with what a student types (shortanswer, matching choices,
cloze answers) are plain text, with the characters Moodle would read as syntax escaped.
"""

from __future__ import annotations

import base64
import html as std_html
import re
import xml.etree.ElementTree as ET
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
from quizgen.lms.xml import serialize

SUFFIX = ".xml"
FORMAT = "moodle"

# Moodle's grade list (question_bank::fraction_options_full) has 1/k for k = 1..10 and
# no other fraction of that kind: a multi question whose correct (or wrong) choices
# cannot share 100% in those steps cannot be imported as written.
MAX_SHARE = 10
IDNUMBER_LENGTH = 100  # the column in Moodle's question table
PENALTY = "0.3333333"  # Moodle's default penalty for another try


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

# A gap's answer ends before `~ # }` not preceded by a backslash (multianswer/questiontype.php,
# ANSWER_ALTERNATIVE_ANSWER_REGEX), and the parser then undoes only `\}` and `\#`: so those two
# are escaped, and `*` (the shortanswer wildcard, whose compare reads `\*` as a star). Any
# other backslash would stay in the stored answer; `~` and a backslash cannot be written.
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

    Moodle's multianswer import never reads `<defaultgrade>`: the question's mark is the
    sum of its gaps' weights (multianswer/questiontype.php, qtype_multianswer_extract_question
    sums each subquestion's defaultmark), and a weight is a whole number (its gap pattern
    `\\{([0-9]*):`). So equal gaps carry the points exactly only when the points are a
    whole multiple of the number of gaps."""
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


def _sub(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if value is not None:
        el.text = value
    return el


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    """`<tag format="html"><text>value</text></tag>`: Moodle's shape of every text field."""
    el = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(el, "text", value)
    return el


def image_file(bank: Bank, q: Question) -> tuple[str, bytes] | None:
    """The question's image: its file name and bytes (read once, here, at the edge)."""
    if not q.image:
        return None
    path = bank.folder / q.image
    try:
        return PurePosixPath(q.image).name, path.read_bytes()
    except OSError as exc:
        raise QuizgenError(f"cannot read image {path}: {exc.strerror}") from exc


def _question_text(parent: ET.Element, value: str, bank: Bank, q: Question) -> None:
    image = image_file(bank, q)
    if image is not None:
        name, _data = image
        value += f'<p><img src="@@PLUGINFILE@@/{quote(name)}" alt=""></p>'
    el = _text(parent, "questiontext", value)
    if image is not None:
        f = _sub(el, "file", name=image[0], path="/", encoding="base64")
        f.text = base64.b64encode(image[1]).decode("ascii")


_TYPES = {
    "choice": "multichoice",
    "multi": "multichoice",
    "truefalse": "truefalse",
    "short": "shortanswer",
    "numeric": "numerical",
    "cloze": "cloze",
    "match": "matching",
    "order": "ordering",
    "open": "essay",
}


def _combined_feedback(el: ET.Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(el, tag, "")
    _sub(el, "shownumcorrect")


def _answer(el: ET.Element, fraction: str, value: str, fmt: str = "html") -> ET.Element:
    a = _sub(el, "answer", fraction=fraction, format=fmt)
    _sub(a, "text", value)
    _text(a, "feedback", "")
    return a


def question_element(bank: Bank, q: Question) -> ET.Element:
    """One `<question>` with every field Moodle's XML importer reads for its type."""
    el = ET.Element("question", type=_TYPES[q.kind])
    _text(el, "name", clean(q.id), fmt=None)
    stem = cloze_html(q) if isinstance(q, Cloze) else html(q.prompt)
    _question_text(el, stem, bank, q)
    _text(el, "generalfeedback", general_feedback(bank, q))
    _sub(el, "defaultgrade", number(q.points))
    penalty = "1" if isinstance(q, TrueFalse) else "0" if isinstance(q, Open) else PENALTY
    _sub(el, "penalty", penalty)
    _sub(el, "hidden", "0")
    _sub(el, "idnumber", clean(question_ref(bank, q)))
    _body(el, q)
    tag_list = _sub(el, "tags")
    for t in tags(bank, q):
        _text(tag_list, "tag", clean(t), fmt=None)
    return el


def _body(el: ET.Element, q: Question) -> None:
    if isinstance(q, (Choice, Multi)):
        _sub(el, "single", "true" if isinstance(q, Choice) else "false")
        _sub(el, "shuffleanswers", "true" if q.shuffle else "false")
        _sub(el, "answernumbering", "abc")
        _sub(el, "showstandardinstruction", "1")
        _combined_feedback(el)
        grades = multi_fractions(q) if isinstance(q, Multi) else {}
        for c in q.choices:
            fraction = grades[c] if isinstance(q, Multi) else "100" if c == q.answer else "0"
            _answer(el, fraction, html(c))
    elif isinstance(q, TrueFalse):
        _answer(el, "100" if q.answer else "0", "true", "moodle_auto_format")
        _answer(el, "0" if q.answer else "100", "false", "moodle_auto_format")
    elif isinstance(q, Short):
        _sub(el, "usecase", "0")
        for a in dict.fromkeys((q.answer, *q.accept)):
            _answer(el, "100", shortanswer(a), "moodle_auto_format")
    elif isinstance(q, Numeric):
        exact = _answer(el, "100", number(q.answer), "moodle_auto_format")
        _sub(exact, "tolerance", number(q.tolerance))
        if q.unit:
            units = _sub(el, "units")
            unit = _sub(units, "unit")
            _sub(unit, "multiplier", "1")
            _sub(unit, "unit_name", text(q.unit))
        # "Units are optional" (docs/lms.md): numerical/questiontype.php's constants are
        # UNITOPTIONAL = 0 (unitgradingtype) and UNITINPUT = 0 (showunits: the unit is typed
        # in the answer box, "9000" and "9000 soldiers" both right); UNITNONE = 3 would be
        # "units are not used at all", and a response with the unit would be refused.
        # unitsleft 0: the unit goes after the number.
        _sub(el, "unitgradingtype", "0")
        _sub(el, "unitpenalty", "0.1000000")
        _sub(el, "showunits", "0" if q.unit else "3")
        _sub(el, "unitsleft", "0")
    elif isinstance(q, Match):
        _sub(el, "shuffleanswers", "true")
        _combined_feedback(el)
        for left, right in q.pairs:
            sub = _text(el, "subquestion", html(left))
            ans = _sub(sub, "answer")
            # Moodle shows a match answer through format_string(), which strips what looks
            # like a tag and decodes entities: escaped, `<Austria>` and `&amp;` show as typed.
            _sub(ans, "text", std_html.escape(text(right), quote=False))
    elif isinstance(q, Order):
        for tag, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", "0"),
            ("gradingtype", "ABSOLUTE_POSITION"),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            _sub(el, tag, value)
        _combined_feedback(el)
        for i, item in enumerate(q.items, start=1):
            place = _sub(el, "answer", fraction=str(i), format="html")
            _sub(place, "text", html(item))
    elif isinstance(q, Open):
        _sub(el, "responseformat", "editor")
        _sub(el, "responserequired", "1")
        _sub(el, "responsefieldlines", str(q.lines))
        _sub(el, "attachments", "0")
        _sub(el, "attachmentsrequired", "0")
        _text(el, "graderinfo", f"<p>{html(q.answer)}</p>" if q.answer.strip() else "")
        _text(el, "responsetemplate", "")


def _category(bank: Bank) -> ET.Element:
    el = ET.Element("question", type="category")
    _text(el, "category", moodle_category(bank), fmt=None)
    _text(el, "info", html(bank.title))
    return el


# Moodle's writer puts a text in CDATA when htmlspecialchars() would change it (xml/format.php,
# xml_escape()). Moodle's reader needs that: lib/classes/xml_parser.php characterdata() drops
# every piece of character data that is only whitespace, and the XML parser hands each entity
# (`&amp;`, `&lt;`) over as a piece of its own, so the space in `A &amp; &lt;B&gt;` is lost.
_NEEDS_CDATA = re.compile("[&<>\"']")


def cdata(value: str) -> str:
    """`value` as one CDATA section; a `]]>` inside splits it in two, as Moodle's writer does."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _cdata_text(el: ET.Element) -> str | None:
    """A `<text>` that htmlspecialchars() would change, as CDATA (see _NEEDS_CDATA)."""
    if el.tag == "text" and el.text and _NEEDS_CDATA.search(el.text):
        return cdata(el.text)
    return None


def render(questions: Sequence[Pair], options: ExportOptions) -> bytes:
    """The Moodle XML file: a category per bank, then that bank's questions."""
    root = ET.Element("quiz")
    current: Bank | None = None
    for bank, q in questions:
        if bank is not current:
            root.append(_category(bank))
            current = bank
        root.append(question_element(bank, q))
    return serialize(root, _cdata_text)
