"""Text in banks: inline emphasis, cloze deletions, and quote matching.

Bank text is plain text with three inline marks: `**bold**`, `*italic*` and
`` `code` `` (a backslash keeps a mark literal: `\\*`). Everything else, HTML and
Typst syntax included, is text. Writers get text as `runs` (style, text) and render
each run in their own format with their own escaping, so no writer ever parses bank
text as markup.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

Run = tuple[str, str]  # (style, text); style is "", "b", "i" or "code"

_INLINE = re.compile(
    r"\\(?P<esc>[\\*`])"
    r"|`(?P<code>[^`]+)`"
    r"|\*\*(?P<b>(?=\S)(?:\\\*|[^*])+?(?<=\S))\*\*"
    r"|\*(?P<i>(?=\S)(?:\\\*|[^*])+?(?<=\S))\*"
)
_ESCAPED = re.compile(r"\\([\\*`])")


@lru_cache(maxsize=4096)
def runs(text: str) -> tuple[Run, ...]:
    """Split bank text into styled runs. Pure; the joined texts are the visible text."""
    out: list[Run] = []
    plain: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        plain.append(text[pos : m.start()])
        pos = m.end()
        if m.group("esc") is not None:
            plain.append(m.group("esc"))
            continue
        if plain:
            joined = "".join(plain)
            if joined:
                out.append(("", joined))
            plain = []
        style = next(k for k in ("code", "b", "i") if m.group(k) is not None)
        body = m.group(style)
        out.append((style, body if style == "code" else _ESCAPED.sub(r"\1", body)))
    plain.append(text[pos:])
    joined = "".join(plain)
    if joined:
        out.append(("", joined))
    return tuple(out)


def plain(text: str) -> str:
    """The visible text, marks removed."""
    return "".join(t for _, t in runs(text))


_HTML_TAGS = {"b": "strong", "i": "em", "code": "code"}


def to_html(text: str) -> str:
    """Bank text as safe HTML: everything escaped, then the three marks as tags."""
    parts = []
    for style, body in runs(text):
        escaped = html.escape(body, quote=False)
        if style:
            tag = _HTML_TAGS[style]
            escaped = f"<{tag}>{escaped}</{tag}>"
        parts.append(escaped)
    return "".join(parts).replace("\n", "<br>")


# -- links ---------------------------------------------------------------------------------

# Whitespace, controls and the characters that end a link in HTML or Markdown (`<`, `>`,
# quotes, backslash): a URL with any of them is not taken as a link.
_NOT_IN_LINK = re.compile(r"[\s\x00-\x1f\x7f-\x9f<>\"'`\\{}|^]")
_WEB = re.compile(r"https?://[^/?#@]+(?:[/?#].*)?", re.I | re.S)


def safe_link(url: str) -> str | None:
    """`url` when it may become a clickable link: http or https with a host, and nothing that
    could end or bend the link (whitespace, controls, quotes, `<`, `>`, backslash). Else None,
    and writers print the text without a link: a bank's `javascript:`, `data:` or `file:`
    URL is never live. Every writer that makes links uses this one test."""
    candidate = url.strip()
    if _NOT_IN_LINK.search(candidate) or not _WEB.fullmatch(candidate):
        return None
    return candidate


# -- cloze ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deletion:
    """One `{{cN::answer::hint}}` in a cloze text."""

    number: int
    answer: str
    hint: str
    start: int
    end: int


_DELETION = re.compile(r"c([1-9][0-9]*)::(.+?)(?:::(.*))?", re.S)
# Anki numbers a note's cards in 16 bits: c65537 makes it refuse the whole package.
MAX_CLOZE = 65_536


def parse_cloze(text: str) -> tuple[list[Deletion], list[str]]:
    """The deletions of a cloze text, and a message for each malformed one.

    Each `{{` is closed by the first `}}` after it. The scan is linear: once a `{{` has no
    `}}` after it, no later one has either, and the rest of the text is one stray segment.
    """
    deletions: list[Deletion] = []
    problems: list[str] = []
    last = 0
    while (start := text.find("{{", last)) >= 0 and (close := text.find("}}", start + 2)) >= 0:
        _stray_braces(text[last:start], problems)
        last = end = close + 2
        inner = text[start + 2 : close]
        d = _DELETION.fullmatch(inner)
        if d is None or not d.group(2).strip():
            problems.append(f"'{{{{{inner}}}}}' is not a deletion like {{{{c1::answer}}}}")
            continue
        digits = d.group(1)
        if len(digits) > len(str(MAX_CLOZE)) or int(digits) > MAX_CLOZE:
            shown = digits if len(digits) <= 12 else f"{digits[:12]}... ({len(digits)} digits)"
            problems.append(f"c{shown} is beyond c{MAX_CLOZE:,}, the highest number Anki can carry")
            continue
        deletions.append(
            Deletion(int(d.group(1)), d.group(2).strip(), (d.group(3) or "").strip(), start, end)
        )
    _stray_braces(text[last:], problems)
    return deletions, problems


def _stray_braces(segment: str, problems: list[str]) -> None:
    if "{{" in segment or "}}" in segment:
        problems.append("unbalanced '{{' or '}}' outside a deletion")


def cloze_blanks(text: str) -> list[tuple[str, int | None]]:
    """Cloze text as pieces for paper: (text, None) or (hint, deletion number) for a blank."""
    deletions, _ = parse_cloze(text)
    out: list[tuple[str, int | None]] = []
    pos = 0
    for d in deletions:
        out.append((text[pos : d.start], None))
        out.append((d.hint, d.number))
        pos = d.end
    out.append((text[pos:], None))
    return [piece for piece in out if piece[0] or piece[1] is not None]


# -- quotes --------------------------------------------------------------------------------

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
_SPACE = re.compile(r"\s+")
_MAPPED = re.compile("[" + "".join(re.escape(chr(code)) for code in _QUOTE_MAP) + "]")


def fold_chars(text: str) -> str:
    """`normalize_quote` but for whitespace, which is left as it is: for text cut into words."""
    text = unicodedata.normalize("NFKC", text)
    # str.translate looks every character up in the table (20 us for a question's texts);
    # most texts have none of its characters, and a regex finds that out in C.
    if _MAPPED.search(text):
        text = text.translate(_QUOTE_MAP)
    return text.casefold()


def normalize_quote(text: str) -> str:
    """Fold what a quote may differ in from its article: case, whitespace, quote marks, dashes."""
    return _SPACE.sub(" ", fold_chars(text)).strip()


# -- printing ----------------------------------------------------------------------------------

_OPENS_AFTER = frozenset(" \t\n([{\u2014\u2013-/")


def inner_quotes(text: str) -> str:
    """A quotation's own double quotes as single ones, for printing it inside curly double quotes.

    A quotation holding "Lukashenko is a disgrace," reads as nested quotes only with single
    quotes inside: a straight `"` opens at the start or after a space or bracket, else closes.
    """
    if '"' not in text and "\u201c" not in text and "\u201d" not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == '"':
            ch = "\u2018" if i == 0 or text[i - 1] in _OPENS_AFTER else "\u2019"
        elif ch == "\u201c":
            ch = "\u2018"
        elif ch == "\u201d":
            ch = "\u2019"
        out.append(ch)
    return "".join(out)


def smart_quotes(text: str, before: str = "") -> str:
    """Straight quotes and apostrophes as a typesetter prints them (P22): `"liberate"` gets
    curly double quotes, and the apostrophe of `Lukashenko's` a right single quote.

    A quote opens at the start or after a space, bracket or dash, else it closes (an
    apostrophe is a closing single quote). `before` is the text just before `text` (the
    previous run of a styled line), so a quote right after a bold word still closes.
    """
    if '"' not in text and "'" not in text:
        return text
    out = []
    prev = before[-1:] or " "
    for ch in text:
        if ch in "\"'":
            opens = prev in _OPENS_AFTER or prev in "\u201c\u2018"
            pair = "\u201c\u201d" if ch == '"' else "\u2018\u2019"
            ch = pair[0] if opens else pair[1]
        out.append(ch)
        prev = ch
    return "".join(out)


# What a prompt may repeat of the instruction printed above it (a part's heading, a card's
# label): "True or false: the authors argue ..." under "True or false".
# Every run of spaces is matched possessively (`\s*+`, `\s++`): two quantifiers that can
# share one run of spaces backtrack over every way to split it, cubic in its length (a
# prompt of 1,600 spaces took 8 s: red team C03). The spaces before a trailing instruction
# are stripped in code, not by a leading `\s*` tried at every position of the text.
_REPEATED = {
    "truefalse": re.compile(r"\A\s*+true\s++or\s++false\s*+[:?.\u2013\u2014-]\s*+", re.I),
    "multi": re.compile(r"(?:\(\s*+)?select\s++all\s++that\s++apply\s*+[.!]?\s*+\)?\s*+\Z", re.I),
}


def without_instruction(kind: str, text: str) -> str:
    """`text` without the instruction it repeats at its start or end (see `_REPEATED`).

    Only a whole instruction is removed, and never the whole prompt; a statement left
    starting in lower case gets its capital back.
    """
    pattern = _REPEATED.get(kind)
    if pattern is None:
        return text
    if kind == "truefalse":
        found = pattern.match(text)
        shorter = text[found.end() :] if found else text
    else:
        found = pattern.search(text)
        shorter = text[: found.start()].rstrip() if found else text
    if not shorter.strip() or shorter == text:
        return text
    if kind == "truefalse" and shorter[:1].islower():
        shorter = shorter[0].upper() + shorter[1:]
    return shorter
