"""Bank text as each learning platform needs it: clean, escaped, never live.

Every LMS writer takes text through here, so that the rules are in one place:
control characters XML cannot hold are dropped (as Anki drops them), HTML is escaped
before the three bank marks become tags, links are made only for http(s) URLs, and
numbers are written out in full (GIFT and Moodle read `1e+20` as text).
"""

from __future__ import annotations

import re
from decimal import Decimal

from quizgen.bank.model import Bank, Question
from quizgen.bank.numbers import plain_number
from quizgen.bank.text import plain, to_html

# What XML 1.0 cannot carry (and a lone surrogate, which UTF-8 cannot): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without the control characters no platform file can hold."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


# Most bank texts hold no mark, nothing HTML escapes and no line break: they are their own
# HTML and their own plain text, with no need to split them into runs (an export asks for
# some 60,000 texts of a 10,000-question bank).
_MARK = re.compile(r"[*`\\]").search
_NOT_HTML = re.compile(r"[*`\\&<>\n]").search


def html(text: str) -> str:
    """Bank text as safe HTML: escaped, with the bank's bold, italic and code as tags."""
    text = clean(text)
    return to_html(text) if _NOT_HTML(text) else text


def text(text: str) -> str:
    """Bank text as plain text: the marks removed, nothing escaped (the caller escapes)."""
    text = clean(text)
    return plain(text) if _MARK(text) else text


def number(value: float) -> str:
    """A number written out in full, as the platforms read it: 9000, 2.5, 0.0000001."""
    return plain_number(value)


def question_ref(bank: Bank, q: Question) -> str:
    """`<bank>/<question id>`: the same on every export, so a platform can match it up."""
    return f"{bank.id}/{q.id}"


def tags(bank: Bank, q: Question) -> list[str]:
    """Bank and question tags, `difficulty::<level>` and `type::<kind>`, as on the Anki cards."""
    found = {*bank.tags, *q.tags, f"type::{q.kind}"}
    if q.difficulty:
        found.add(f"difficulty::{q.difficulty}")
    return sorted(found, key=lambda t: (t.casefold(), t))


def category_parts(bank: Bank) -> list[str]:
    """The bank's deck path (`A::B`) as the parts of a Moodle category."""
    return [part.strip() for part in bank.deck_name.split("::") if part.strip()]


def moodle_category(bank: Bank) -> str:
    """`$course$/<deck path>`; a `/` inside a part is doubled, as Moodle escapes it."""
    return "/".join(["$course$", *(clean(p).replace("/", "//") for p in category_parts(bank))])


def percent(numerator: int, denominator: int) -> str:
    """100 * numerator / denominator as Moodle writes its grades: 33.33333, 50, 12.5."""
    value = Decimal(100 * numerator) / Decimal(denominator)
    return format(value.quantize(Decimal("0.00001")).normalize(), "f")
