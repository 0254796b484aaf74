"""Moodle 5.1's import rules, re-implemented in Python to read exports back "as Moodle does"
without PHP. Each rule names where it comes from (repository moodle/moodle, pinned commits in
../shared/lms/moodle-sources.tsv); no code is copied, only the behaviour.

GIFT: public/question/format/gift/format.php (f747c15c, cited as gift/format.php:LINE),
readquestion() at gift/format.php:173 and the helpers cited at each rule; the base class
qformat_default, public/question/format.php (2854c6fc, cited as format.php:LINE); and
public/question/type/ordering/questiontype.php (f747c15c):311 (import_from_gift).
Moodle XML text: public/lib/classes/xml_parser.php (0a41dacb):117 (characterdata).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field

# gift/format.php:124 (escapedchar_pre): `\\` first (:130), then `\: \# \= \{ \} \~ \n` (the list at
# :127) become placeholders.
_ESCAPES = {
    "\\:": "&&058;",
    "\\#": "&&035;",
    "\\=": "&&061;",
    "\\{": "&&123;",
    "\\}": "&&125;",
    "\\~": "&&126;",
}
# gift/format.php:136 (escapedchar_post): the placeholders back.
_POST = {
    "&&058;": ":",
    "&&035;": "#",
    "&&061;": "=",
    "&&123;": "{",
    "&&125;": "}",
    "&&126;": "~",
    "&&010": "\n",
}
# gift/format.php:179 (readquestion): $giftanswerweightregex.
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
# gift/format.php:624 (extract_idnumber_and_tags_from_comment), id at :628 and tags at :646:
# `]` escaped as `\]`, no control characters.
_ID = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f\x7f])+)]")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f\x7f])+)]")
# ordering/questiontype.php:311 (qtype_ordering import_from_gift): its $search (:335) is matched
# against the text between the braces, which the GIFT reader cut at the first `}`, and the question
# text is what comes before the first `{` (further down the same function); one pattern over the
# joined lines does the same.
# (Moodle's also accepts a numbering style after SHOW/HIDE, which our export never writes.)
_ORDER = re.compile(
    r"^([^{]*)\s*\{>\s*(\d+)\s*((?:ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?)\s*"
    r"((?:HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?)\s*((?:[A-Z_]+)?)\s*((?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?)"
    r"\s*(.*?)\s*\}\s*$",
    re.S,
)


class GiftError(Exception):
    """What Moodle reports as an error, format.php:273 (error) (and, stopping on errors, rejects the
    file for: format.php:369 in importprocess)."""


@dataclass
class GiftQuestion:
    qtype: str
    name: str = ""
    text: str = ""
    generalfeedback: str = ""
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    answers: list[tuple[float, str]] = field(default_factory=list)
    subquestions: list[tuple[str, str]] = field(default_factory=list)
    tolerance: str = ""
    category: str = ""


def _pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    # escapedchar_pre() (gift/format.php:127) also turns `\n` into "&&010" (without the ';').
    text = text.replace("\\n", "&&010")
    return text.replace("&&092;", "\\")


def _post(text: str) -> str:
    for placeholder, char in _POST.items():
        text = text.replace(placeholder, char)
    return text


def _with_format(text: str) -> str:
    """gift/format.php:154 (parse_text_with_format), the test at :160: a leading
    `[moodle|html|plain|markdown]` is the format, dropped."""
    m = re.match(r"\[(moodle|html|plain|markdown)\]", text)
    if m:
        text = text[m.end() :]
    return _post(text).strip()


def _weight(answer: str, default: float) -> tuple[float, str]:
    """gift/format.php:88 (answerweightparser): `%n%` at the start is the grade, removed."""
    if _WEIGHT.match(answer):
        body = answer[1:]
        end = body.index("%")
        return float(body[:end]) / 100, body[end + 1 :]
    return default, answer


def _comment(answer: str) -> str:
    """gift/format.php:97 (commentparser): the text before the first (unescaped) `#`."""
    return _with_format(answer.split("#", 1)[0].strip())


def read_gift_question(lines: list[str]) -> GiftQuestion | None:
    """gift/format.php:173 (readquestion): one question, as Moodle 5.1 reads it."""
    comments = "".join(line.strip() + "\n" for line in lines if line.strip().startswith("//"))
    lines = [" " if line.strip().startswith("//") else line for line in lines]
    raw = "\n".join(lines).strip()
    if not raw:
        return None
    text = _pre(raw)
    if text.startswith("$CATEGORY:"):
        return GiftQuestion("category", category=text[10:].strip())
    q = GiftQuestion("")
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        if end >= 0:
            q.name, text = _post(text[:end]), text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        q.qtype, q.text = "description", _with_format(text)
        return q
    if start < 0 or finish < 0:
        raise GiftError("braceerror")
    answertext = text[start + 1 : finish].strip()
    q.text = _with_format(text[:start] + text[finish + 1 :])
    gf = answertext.rfind("####")
    if gf >= 0:
        q.generalfeedback = _with_format(answertext[gf + 4 :])
        answertext = answertext[:gf].strip()
    ids, tags = _ID.search(comments), _TAG.findall(comments)
    q.idnumber = ids.group(1).strip().replace("\\]", "]") if ids else ""
    q.tags = [t.strip().replace("\\]", "]") for t in tags]
    # try_importing_using_qtypes() first (gift/format.php:290, format.php:297): qtype_ordering
    # matches the raw lines.
    if answertext.startswith(">"):
        m = _ORDER.match("\n".join(lines))
        if m:
            q.qtype = "ordering"
            q.answers = [(1.0, item.strip()) for item in m.group(7).split("\n") if item.strip()]
            return q
    if answertext == "":
        q.qtype = "essay"
    elif answertext[0] == "#":
        q.qtype = "numerical"
        ans, _, tol = answertext[1:].partition(":")
        q.answers, q.tolerance = [(1.0, ans.strip())], tol.strip()
    elif "~" in answertext:
        q.qtype = "multichoice"
        parts = [p.strip() for p in answertext.replace("=", "~=").split("~")]
        parts = parts[1:] if not parts[0] else parts
        if len(parts) < 2:  # check_answer_count(2, ...), gift/format.php:378 (:144)
            raise GiftError("importminerror")
        for part in parts:
            if part.startswith("="):
                q.answers.append((1.0, _comment(part[1:])))
            else:
                grade, body = _weight(part, 0.0)
                q.answers.append((grade, _comment(body)))
    elif "=" in answertext and "->" in answertext:
        q.qtype = "match"
        parts = [p.strip() for p in answertext.split("=")]
        parts = parts[1:] if not parts[0] else parts
        if len(parts) < 2:  # check_answer_count(2, ...), gift/format.php:414 (:144)
            raise GiftError("importminerror")
        for part in parts:
            if "->" not in part:
                raise GiftError("giftmatchingformat")
            left, _, right = part.partition("->")
            q.subquestions.append((_with_format(left), _post(right).strip()))
    else:
        check = answertext.split("#", 1)[0].strip() if answertext.find("#") > 0 else answertext
        if check in ("T", "TRUE", "F", "FALSE"):
            q.qtype = "truefalse"
            q.answers = [(1.0, check[0])]
        else:
            q.qtype = "shortanswer"
            parts = [p.strip() for p in answertext.split("=")]
            for part in parts[1:] if not parts[0] else parts:
                grade, body = _weight(part, 1.0)
                q.answers.append((grade, _comment(body)))
    return q


def read_gift(data: str) -> list[GiftQuestion]:
    """format.php:724 (qformat_default::readquestions) for GIFT: a blank line ends a question."""
    found, block = [], []
    for line in [*data.splitlines(), ""]:
        if line.strip():
            block.append(line)
        elif block:
            q = read_gift_question(block)
            if q is not None:
                found.append(q)
            block = []
    return found


def xml_texts(data: bytes) -> list[str]:
    """Every `<text>` element's content as public/lib/classes/xml_parser.php assembles it: its
    characterdata() (xml_parser.php:117) keeps a piece of character data only when it is "0"
    or not all whitespace (:123), and the document is fed in 4096-byte pieces (parse() at :156,
    the loop at :173)."""
    texts: list[str] = []
    stack: list[list[str]] = []
    parser = xml.parsers.expat.ParserCreate("UTF-8")
    parser.buffer_text = False

    def start(name: str, attrs: dict[str, str]) -> None:
        stack.append([])

    def end(name: str) -> None:
        pieces = stack.pop()
        if name == "text":
            texts.append("".join(pieces))

    def chars(piece: str) -> None:
        if stack and (piece == "0" or piece.strip() != ""):
            stack[-1].append(piece)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    data = data.strip()
    for i in range(0, len(data), 4096):
        parser.Parse(data[i : i + 4096], False)
    parser.Parse(b"", True)
    return texts
