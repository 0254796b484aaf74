"""Provenance as general feedback: what a student sees on every platform after answering.

The explanation, the article (a link only for a web URL) with its "as of" date, and
each evidence quote. HTML for Moodle XML, GIFT and QTI; the same parts as plain text
for formats without markup.
"""

from __future__ import annotations

import html as std_html
import re
from functools import lru_cache

from quizgen.bank.model import Bank, Question
from quizgen.bank.text import safe_link
from quizgen.lms.text import clean, html, text

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def as_of(published: str) -> str:
    """A source's date as a reader says it: "2022-10" -> "October 2022"; other text as written."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", published.strip())
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        return published.strip()
    year, month, day = m.groups()
    if month is None:
        return year
    shown = f"{_MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {shown}" if day else shown


def source_html(bank: Bank) -> str:
    """`Source: <cite>title</cite>, as of October 2022`, the title a link for a web URL."""
    src = bank.source
    if src is None or not src.title.strip():
        return ""
    return _source_html(src.title, src.url, src.published)


# Every question of a bank shows the same source: made once per source, not per question.
@lru_cache(maxsize=64)
def _source_html(title: str, link: str, published: str) -> str:
    shown = f"<cite>{html(title)}</cite>"
    url = safe_link(link)
    if url:
        shown = f'<a href="{std_html.escape(clean(url), quote=True)}">{shown}</a>'
    if published:
        shown += f", as of {html(as_of(published))}"
    return f"<p>Source: {shown}</p>"


def general_feedback(bank: Bank, q: Question, *, before: str = "") -> str:
    """The general feedback of `q` as HTML; `before` (HTML) goes first, e.g. a model answer."""
    parts = [before] if before else []
    if q.explanation:
        parts.append(f"<p>{html(q.explanation)}</p>")
    source = source_html(bank)
    if source:
        parts.append(source)
    parts += [f"<blockquote>\u201c{html(e)}\u201d</blockquote>" for e in q.evidence]
    return "".join(parts)


def general_feedback_text(bank: Bank, q: Question) -> str:
    """The same parts as plain text, one line: for a format without markup."""
    parts = [text(q.explanation)] if q.explanation else []
    src = bank.source
    if src is not None and src.title.strip():
        source = f"Source: {text(src.title)}"
        if src.published:
            source += f", as of {as_of(clean(src.published))}"
        parts.append(source)
    parts += [f"\u201c{text(e)}\u201d" for e in q.evidence]
    return " ".join(p.replace("\n", " ") for p in parts)
