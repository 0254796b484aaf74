"""A question -> its note type and field values (HTML), tags and cards.

Everything from a bank is escaped here: a field is HTML that Anki shows as it is.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Sequence

from quizgen.anki.notes import NOTE_TYPE_OF, NoteType
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
    Source,
    TrueFalse,
)
from quizgen.bank.numbers import format_number, number_range
from quizgen.bank.text import inner_quotes, parse_cloze, safe_link, to_html, without_instruction
from quizgen.select import letter

# Anki separates fields with \x1f inside one column; a bank can smuggle that character
# in through a YAML escape ("\x1f"), so it never reaches a field.
FIELD_SEPARATOR = "\x1f"
# What Anki removes from a field on import (control characters but tab and newline),
# and Anki keeps text in NFC. Doing the same here makes the field we write the field
# Anki stores.
STRIPPED = re.compile(r"[\x00-\x08\x0b-\x1e\x7f]")


def clean_fields(values: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", STRIPPED.sub("", v).replace(FIELD_SEPARATOR, " ")) for v in values]


# Anki acts on some text in a rendered card: `[sound:x]` plays a file of the student's
# media folder, `[latex]...[/latex]`, `[$]...[/$]` and `[$$]...[/$$]` are compiled as LaTeX,
# and `\(...\)`, `\[...\]` are typeset by MathJax. Bank text is shown as written, so each
# opening is broken: the `[` becomes the entity `&#91;` (Anki matches the field's HTML, where
# `&#91;sound:` is no tag; the browser shows `[`), and a backslash before a bracket gets
# a WORD JOINER (U+2060, invisible) after it, since MathJax reads the decoded text of the
# page, where an entity would be a backslash again.
_ANKI_MARKUP = re.compile(r"\[(?=sound:|/?latex\]|/?\$\$?\])|(?<=\\)(?=[()\[\]])", re.I)
WORD_JOINER = "\u2060"


def neutralise(field_html: str) -> str:
    """A field's HTML with Anki's sound, LaTeX and MathJax markup made inert (see above)."""
    if "[" not in field_html and "\\" not in field_html:
        return field_html
    return _ANKI_MARKUP.sub(lambda m: "&#91;" if m.group() == "[" else WORD_JOINER, field_html)


def _html(text: str) -> str:
    """`quizgen.bank.text.to_html`, made inert for Anki (`neutralise`), with a fast path for
    text without marks (most text).

    Without `*`, `` ` `` or a backslash, to_html's result is the escaped text with <br>
    for newlines; skipping its parser matters at 100,000 questions.
    """
    if "*" in text or "`" in text or "\\" in text:
        return neutralise(to_html(text))
    if "&" in text or "<" in text or ">" in text:
        text = html.escape(text, quote=False)
    if "[" in text:
        text = neutralise(text)
    return text.replace("\n", "<br>") if "\n" in text else text


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _as_of(published: str) -> str:
    """'2022-10' -> 'October 2022', '2022-10-05' -> '5 October 2022'; other text as written."""
    m = _DATE.fullmatch(published.strip())
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        return published
    year, month, day = m.groups()
    if month is None:
        return year
    shown = f"{_MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {shown}" if day else shown


def source_html(source: Source | None) -> str:
    """The Source field: the article's title (a link when it has a web URL) and its date."""
    if source is None or not source.title:
        return ""
    title = f"<cite>{_html(source.title)}</cite>"
    # Only web links (safe_link): a javascript: or file: URL from a bank is never clickable.
    url = safe_link(source.url)
    if url is not None:
        title = f'<a href="{neutralise(html.escape(url, quote=True))}">{title}</a>'
    if source.published:
        title += f", as of {_html(_as_of(source.published))}"
    return title


def deck_description(bank: Bank) -> str:
    """The deck's description (HTML, shown on its overview): the article, its date, its link."""
    source = bank.source
    if source is None or not source.title:
        return f"Questions from quizgen bank <b>{_html(bank.title)}</b>."
    said = f"Questions on the article <cite>{_html(source.title)}</cite>"
    if source.published:
        said += f", as of {_html(_as_of(source.published))}"
    said += "."
    url = safe_link(source.url)
    if url is not None:
        said += f' <a href="{neutralise(html.escape(url, quote=True))}">Read the article</a>.'
    return said


def _key(k: str) -> str:
    # "A." as on paper: a letter before a choice that starts with "A" never reads "A A".
    return f'<span class="qg-key">{k}.</span>'


def _keyed_list(keys: Sequence[str], texts: Sequence[str], was: Sequence[str] = ()) -> str:
    """A list with a key (A, B, ... or 1, 2, ...) before each item, and optionally after it
    the key the item had on the front ("was B")."""
    if was:
        # Labelled and muted, not a bold letter at the row's end that reads as an answer (C14).
        items = [
            f'<li>{_key(k)}<span class="qg-text">{t}</span><span class="qg-was">was\u00a0{w}</span></li>'
            for k, t, w in zip(keys, texts, was, strict=True)
        ]
    else:
        items = [
            f'<li>{_key(k)}<span class="qg-text">{t}</span></li>' for k, t in zip(keys, texts, strict=True)
        ]
    return '<ol class="qg-list">' + "".join(items) + "</ol>"


_BIG_NUMBER_ITEMS = 64


def _permutation(n: int, seed: str, derange: bool) -> list[int]:
    """A shuffled range(n) fixed by `seed` (the GUID), so it is the same on every build.

    A Fisher-Yates shuffle driven by one big number from a hash of the seed (16 bits per
    item, more than log2(n!) needs): portable, and cheaper per note than seeding
    `random.Random`. With `derange`, never the original order, which would give the
    answer away.
    """
    order = list(range(n))
    if n <= _BIG_NUMBER_ITEMS:
        x = int.from_bytes(hashlib.shake_128(seed.encode()).digest(2 * n + 8), "big")
        for i in range(n - 1, 0, -1):
            x, j = divmod(x, i + 1)
            order[i], order[j] = order[j], order[i]
    else:
        # Dividing one big number costs time in its size at each step: quadratic in n. Longer
        # lists take 8 bytes of the hash per item instead (the bias of `% (i + 1)` is below
        # 2**-40). Lists up to the limit keep the order they were released with.
        stream = hashlib.shake_128(seed.encode()).digest(8 * n)
        for i in range(n - 1, 0, -1):
            j = int.from_bytes(stream[8 * i : 8 * i + 8], "big") % (i + 1)
            order[i], order[j] = order[j], order[i]
    if derange and n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


_LETTERS = [letter(i) for i in range(26)]


def _letter(i: int) -> str:
    return _LETTERS[i] if i < 26 else letter(i)


def _choice_fields(q: Choice | Multi, guid: str) -> tuple[str, str, str]:
    """Instruction, Choices (the front) and Answer: the same list, the correct choices marked
    (a class and a check mark) and the others dimmed. Both sides reserve the mark's column,
    so nothing moves when the card is flipped."""
    n = len(q.choices)
    order = _permutation(n, guid, derange=False) if q.shuffle else range(n)
    correct = (q.answer,) if isinstance(q, Choice) else q.answers
    front: list[str] = []
    back: list[str] = []
    for pos, i in enumerate(order):
        choice = q.choices[i]
        item = f'{_key(_letter(pos))}<span class="qg-text">{_html(choice)}</span>'
        front.append(f'<li>{item}<span class="qg-mark"></span></li>')
        if choice in correct:
            back.append(f'<li class="qg-correct">{item}<span class="qg-mark">\u2713</span></li>')
        else:
            back.append(f'<li class="qg-wrong">{item}<span class="qg-mark"></span></li>')
    instruction = "Choose one" if isinstance(q, Choice) else "Select all that apply"
    return (
        instruction,
        '<ol class="qg-list">' + "".join(front) + "</ol>",
        '<ol class="qg-list">' + "".join(back) + "</ol>",
    )


def _match_fields(q: Match, guid: str) -> tuple[str, str, str]:
    """Instruction, Items (left column numbered, right column shuffled) and the answer table."""
    rights = [right for _, right in q.pairs]
    order = _permutation(len(rights), guid, derange=True)
    letter_of = {original: _letter(pos) for pos, original in enumerate(order)}
    front = (
        '<div class="qg-columns">'
        + _keyed_list([str(i + 1) for i in range(len(q.pairs))], [_html(left) for left, _ in q.pairs])
        + _keyed_list([_letter(i) for i in range(len(order))], [_html(rights[i]) for i in order])
        + "</div>"
    )
    # A no-break space ties each key to its first word: the table cannot squeeze a column
    # narrower than "1. Poland" and put "1." and "Poland" on two lines (C13).
    rows = "".join(
        f"<tr><td>{_key(str(i + 1))}\u00a0{_html(left)}</td>"
        f'<td class="qg-arrow">\u2192</td>'
        f"<td>{_key(letter_of[i])}\u00a0{_html(right)}</td></tr>"
        for i, (left, right) in enumerate(q.pairs)
    )
    back = f'<table class="qg-table">{rows}</table>'
    # "numbered ... lettered", not "left ... right": on a phone the two lists stack
    return "Match each numbered item with a lettered one", front, back


def _order_fields(q: Order, guid: str) -> tuple[str, str, str]:
    """Instruction, Items (shuffled, lettered) and the answer: numbered, with each letter."""
    order = _permutation(len(q.items), guid, derange=True)
    letter_of = {original: _letter(pos) for pos, original in enumerate(order)}
    front = _keyed_list([_letter(i) for i in range(len(order))], [_html(q.items[i]) for i in order])
    back = _keyed_list(
        [str(i + 1) for i in range(len(q.items))],
        [_html(item) for item in q.items],
        was=[letter_of[i] for i in range(len(q.items))],
    )
    return "Put these in the right order", front, back


SHORT_LABEL = "Answer in a word or two"
# A short prompt's own last sentence saying how long the answer is ("Answer in one word.",
# "(two words)", "Give one word only."): the card's label then says that, once (C11: the
# label "Answer in a word or two" stood above "... Answer in one word."). Runs of spaces are
# possessive, so a long run costs linear time (tests/anki/test_regex_cost.py).
_COUNT = (
    r"(?P<count>(?:(?:only|just)\s++)?(?:one|a\s++single|a|two|three|a\s++few|[1-9])\s++words?"
    r"(?:\s++or\s++(?:two|three)(?:\s++words)?)?(?:\s++only)?)"
)
_VERB = r"(?P<verb>(?:answer|reply|respond|write|give|use)\s++(?:(?:it|your\s++answer)\s++)?)?"
_PREP = r"(?:(?P<prep>in|with|using)\s++)?"
# A last sentence: "Answer in one word.", "In a word or two.", "Give one word only."
_ANSWER_LENGTH = re.compile(r"(?:\(\s*+)?" + _VERB + _PREP + _COUNT + r"\s*+[.!]?\s*+\)?\s*+\Z", re.I)
# Anywhere, in brackets: "Which city (one word)?"
_ANSWER_LENGTH_BRACKET = re.compile(r"\(\s*+" + _VERB + _PREP + _COUNT + r"\s*+\)", re.I)


def short_label(prompt: str) -> tuple[str, str]:
    """The label of a short-answer card and the prompt shown under it.

    When the prompt says how long the answer is (a last sentence, or words in brackets), the
    label says that and the prompt no longer does; otherwise the label is SHORT_LABEL.
    """
    found = _ANSWER_LENGTH.search(prompt)
    if found is not None:
        before = prompt[: found.start()].rstrip()
        # A whole sentence or bracket only: not "described in one word" inside the question.
        if not before or (before[-1] not in "?.!:" and not found.group().lstrip().startswith("(")):
            found = None
        else:
            shown = before
    if found is None:
        found = _ANSWER_LENGTH_BRACKET.search(prompt)
        if found is None or not (prompt[: found.start()] + prompt[found.end() :]).strip(" ?.!"):
            return SHORT_LABEL, prompt
        shown = prompt[: found.start()].rstrip() + prompt[found.end() :]
    said = [found.group(g) for g in ("verb", "prep", "count") if found.group(g)]
    rule = " ".join(" ".join(said).split()) if found.group("verb") else f"Answer in {found.group('count')}"
    return rule[:1].upper() + rule[1:], shown


def _basic_fields(q: Question) -> tuple[str, str]:
    """Instruction and Answer of a truefalse, numeric or open question (short: `short_label`)."""
    if isinstance(q, TrueFalse):
        word = "True" if q.answer else "False"
        return "True or false?", f'<div class="qg-answer-text qg-{word.lower()}">{word}</div>'
    if isinstance(q, Numeric):
        unit = f" {_html(q.unit)}" if q.unit else ""
        answer = f'<div class="qg-answer-text">{format_number(q.answer, q.unit)}{unit}</div>'
        if q.tolerance:
            # The range itself, not "± 1 months" for the student to work out.
            low, high = (format_number(end, q.unit) for end in number_range(q.answer, q.tolerance))
            answer += f'<div class="qg-also">Accepted: {low}\u2013{high}{unit}</div>'
        return "Give a number", answer
    if isinstance(q, Open):
        if q.answer:
            answer = f'<div class="qg-label">Model answer</div><div>{_html(q.answer)}</div>'
        else:
            answer = (
                '<div class="qg-also">No model answer: compare with the explanation and the source.</div>'
            )
        return "In your own words", answer
    raise TypeError(f"no Basic note for {type(q).__name__}")  # pragma: no cover


def note_fields(
    q: Question, *, guid: str, source: str = "", image: str = "", ref: str = ""
) -> tuple[NoteType, list[str]]:
    """The note type of `q` and its field values, in that note type's field order (HTML).

    `source` is the bank's Source field (`source_html`), `image` the question's <img> tag.
    """
    nt = NOTE_TYPE_OF[q.kind]
    # The card's label says "True or false?" / "Select all that apply": the prompt need not.
    prompt = _html(without_instruction(q.kind, q.prompt))
    evidence = "".join(f"<blockquote>\u201c{_html(inner_quotes(e))}\u201d</blockquote>" for e in q.evidence)
    details = (image, _html(q.explanation), evidence, source, ref)
    if isinstance(q, Cloze):
        values = [_html(q.text), prompt, *details]
    elif isinstance(q, (Choice, Multi)):
        values = [prompt, *_choice_fields(q, guid), *details]
    elif isinstance(q, Match):
        values = [prompt, *_match_fields(q, guid), *details]
    elif isinstance(q, Order):
        values = [prompt, *_order_fields(q, guid), *details]
    elif isinstance(q, Short):
        label, shown = short_label(q.prompt)
        values = [_html(shown), label, _short_answer(q), *details]
    else:
        values = [prompt, *_basic_fields(q), *details]
    return nt, values


def _short_answer(q: Short) -> str:
    answer = f'<div class="qg-answer-text">{_html(q.answer)}</div>'
    if q.accept:
        also = ", ".join(_html(a) for a in q.accept)
        answer += f'<div class="qg-also">Also accepted: {also}</div>'
    return answer


TAG_ROOT = "quizgen"


def note_tags(bank: Bank, q: Question) -> list[str]:
    """Bank tags, question tags, difficulty::<level> and type::<kind>, all under `quizgen::`
    (so `history` never merges with a student's own tag), sorted, no repeats."""
    tags = {*bank.tags, *q.tags, f"type::{q.kind}"}
    if q.difficulty:
        tags.add(f"difficulty::{q.difficulty}")
    return sorted((f"{TAG_ROOT}::{t}" for t in tags), key=lambda t: (t.casefold(), t))


def card_ords(q: Question) -> list[int]:
    """The template ordinals of the cards Anki makes of `q`: one per cloze number, else [0]."""
    if isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        return sorted({d.number - 1 for d in deletions}) or [0]
    return [0]


def deck_id(name: str) -> int:
    """A deck id derived from the deck's name (31 bits, like the ids genanki suggests)."""
    digest = hashlib.sha256(f"quizgen-deck:{name}".encode()).digest()
    return (1 << 30) | int.from_bytes(digest[:4], "big") & ((1 << 30) - 1)
