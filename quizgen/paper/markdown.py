"""Markdown quizzes and answer keys, for pasting into a document or a learning platform.

CommonMark (with GitHub's tables) from the same document as the PDF (quizgen.paper.document).
Bank text is escaped run by run, so `*`, `_`, `[`, `<`, `|`, `$` and the rest print
as themselves; only the three bank marks become Markdown emphasis and code.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from quizgen.bank.text import safe_link
from quizgen.output import write_set
from quizgen.paper.document import Json, document, key_path
from quizgen.select import Quiz

SUFFIX = ".md"

# Characters that are Markdown (or a common extension: ~~strike~~, $math$, tables)
# wherever they stand; `&` only starts something when it looks like an entity.
_ALWAYS = re.compile(r"([\\`*_\[\]<>|~$])|&(?=#?\w+;)")
_IN_HEADING = re.compile(r"([\\`*_\[\]<>|~$#])|&(?=#?\w+;)")
# Markers that mean something only at the start of a line: headings, quotes, lists, rules.
# A line's indent is spaces and tabs: `\s*` would also run over the line breaks after it,
# from every line start, which made 9,600 line breaks take seconds (red team C04).
_LINE_MARK = re.compile(r"^([ \t]*)([#>+=-])", re.M)
_DIGIT_MARK = re.compile(r"^([ \t]*\d+)([.)])", re.M)

_MARKS = {"b": "**", "i": "*"}
_LINE = "_" * 12


def render_files(
    quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True, timestamp: int | None = None
) -> dict[Path, bytes]:
    """The Markdown of all versions of `quiz` for `out` and, when `key`, the answer key beside it.

    `paper` and `timestamp` are accepted for the common writer interface; Markdown has no
    page size and no date. Image links are relative to `out`'s folder.
    """
    doc = document(quiz, paper=paper, image=_relative_to(out.parent))
    files = {out: render_quiz(doc).encode("utf-8")}
    if key:
        files[key_path(out)] = render_key(doc).encode("utf-8")
    return files


def write(
    quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True, timestamp: int | None = None
) -> list[Path]:
    """Write all versions of `quiz` to `out` (Markdown) and, when `key`, the answer key beside it.

    Both files are rendered, then written as one set. Returns the paths written.
    """
    return write_set(render_files(quiz, out, paper=paper, key=key, timestamp=timestamp))


# -- text --------------------------------------------------------------------------------------


def escape(text: str, *, pattern: re.Pattern[str] = _ALWAYS) -> str:
    """Plain text that Markdown shows as it is."""
    text = pattern.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    text = _DIGIT_MARK.sub(r"\1\\\2", text)  # "1986. was" must not start a numbered list
    text = _LINE_MARK.sub(r"\1\\\2", text)
    # A newline in bank text is a line break, not the start of a new paragraph or block.
    return text.replace("\n", "\\\n")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _flanking_ok(body: str, before: str, after: str) -> bool:
    """Whether `**body**` between `before` and `after` is emphasis in CommonMark.

    A delimiter next to a letter on the outside and punctuation on the inside does not
    open (or close) emphasis, and would print as stars.
    """
    if before and not before.isspace() and not _is_punct(before) and _is_punct(body[0]):
        return False
    if before == "*":
        return False  # "**a***b*": runs of stars merge
    return not (after and not after.isspace() and not _is_punct(after) and _is_punct(body[-1]))


def _code(text: str) -> str:
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text.replace(chr(10), ' ')}{pad}{fence}"


def rich(runs: Sequence[Sequence[str]], *, strip: bool = True) -> str:
    """JSON runs as Markdown: escaped text, with emphasis and code where the bank has them.

    `strip=False` keeps trailing spaces: a piece of cloze text before its blank.
    """
    out = ""
    for i, (style, text) in enumerate(runs):
        after = runs[i + 1][1][:1] if i + 1 < len(runs) else ""
        if style == "code":
            out += _code(text)
        elif style in _MARKS and text:
            body = escape(text)
            mark = _MARKS[style]
            # When CommonMark would not see emphasis here, keep the words and drop the style.
            out += f"{mark}{body}{mark}" if _flanking_ok(body, out[-1:], after) else body
        else:
            out += escape(text)
    # A line break at the very end of a block is not a break in CommonMark: its
    # backslash would print. Trailing breaks and spaces show nothing anyway.
    return _without_trailing_breaks(out) if strip else out


def _without_trailing_breaks(text: str) -> str:
    """`text` less its trailing spaces and line breaks (a break is a backslash and a newline).

    A loop from the end, not a regex anchored there: Python's regex tries an anchored-at-end
    pattern from every start, which is quadratic on a long run of breaks (C04)."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 2 if text[end - 1] == "\n" and end >= 2 and text[end - 2] == "\\" else 1
    return text[:end]


def _heading(text: str) -> str:
    """Text for a heading line: one line, and no '#' that could close the heading."""
    return _cell(escape(text, pattern=_IN_HEADING))


def _cell(text: str) -> str:
    """Text inside a table cell: one line."""
    return text.replace("\\\n", " ").replace("\n", " ")


# -- quiz --------------------------------------------------------------------------------------


def render_quiz(doc: Json) -> str:
    """The quiz, every version one after the other, as Markdown."""
    return "\n".join(_quiz_lines(doc)) + "\n"


def _quiz_lines(doc: Json) -> Iterator[str]:
    title = _heading(doc["title"])
    for n, ver in enumerate(doc["versions"]):
        if n:  # a rule between versions: where to cut when pasting one version alone
            yield from ("", "---", "")
        total = ver["total_points"]
        count = doc["count"]
        yield f"# {title} — Version {ver['letter']}"
        yield ""
        yield f"Name: {_LINE * 2}  Class: {_LINE}  Date: {_LINE}"
        yield ""
        if doc["instructions"]:
            yield rich(doc["instructions"])
            yield ""
        questions = f"{count} question{'' if count == 1 else 's'}"
        yield f"**{questions} · Total: {total} points** · Score: {_LINE} / {total}"
        if doc["sources"]:
            yield ""
            listed = "; ".join(f"\\[{escape(s['label'])}\\] *{escape(s['title'])}*" for s in doc["sources"])
            yield f"Questions from {len(doc['sources'])} articles: {listed}"
        for section in ver["sections"]:
            if section["heading"]:
                yield ""
                yield f"## Part {section['number']} · {section['heading']} ({section['points_label']})"
                yield ""
                yield f"*{section['instruction']}*"
            for q in section["questions"]:
                yield ""
                yield from _question(q)


def _about(q: Json) -> str:
    return f"\\[{escape(q['about'])}\\] " if q["about"] else ""


def _head(q: Json, text: str) -> str:
    note = f" *{q['note']}*" if q["note"] else ""
    return f"**{q['number']}.** {_about(q)}{text}{note} *({q['points_label']})*"


def _question(q: Json) -> Iterator[str]:
    kind = q["kind"]
    if kind == "cloze":
        prompt = rich(q["prompt"])
        yield _head(q, (prompt + " " if prompt else "") + _cloze(q, key=False))
    else:
        yield _head(q, rich(q["prompt"]))
    if q["image"]:
        yield ""
        # Named by its question, as in the PDF and HTML: a bank has no alt text yet (docs/print.md).
        yield f"![Picture for question {q['number']}]({q['image']})"
    if kind in ("choice", "multi"):
        yield ""
        for c in q["choices"]:
            yield f"- {c['letter']}. {rich(c['text'])}"
    elif kind == "truefalse":
        yield ""
        yield "- [ ] True"
        yield "- [ ] False"
    elif kind == "short":
        yield ""
        yield f"Answer: {_LINE * 3}"
    elif kind == "numeric":
        yield ""
        yield f"Answer: {_LINE * 2} {escape(q['unit'])}".rstrip()
    elif kind == "match":
        yield ""
        # GFM tables need a header row: name the columns rather than leave an empty bar.
        yield "| Your answer | Numbered item | Letter | Lettered item |"
        yield "|---|---|---|---|"
        for left, right in zip(q["left"], q["right"], strict=True):
            yield (
                f"| [  ] | {left['number']}. {_cell(rich(left['text']))} "
                f"| {right['letter']}. | {_cell(rich(right['text']))} |"
            )
    elif kind == "order":
        yield ""
        for item in q["items"]:
            yield f"- [  ] {rich(item['text'])}"
    elif kind == "open":
        for _ in range(q["lines"]):
            yield ""
            yield _LINE * 5  # a rule alone on a line: a ruled line to write on


def _cloze(q: Json, *, key: bool) -> str:
    """The cloze text; blanks as `(1) ____` (a no-break space: the number never ends a
    line without its blank), filled in bold in the key."""
    out = ""
    pieces = q["pieces"]
    for i, piece in enumerate(pieces):
        if "blank" not in piece:
            out += rich(piece["text"], strip=False)  # the space before a blank is kept
            continue
        n = piece["blank"]
        if key:
            body = f"({n})\u00a0{rich(piece['fill'])}"
            after = (
                pieces[i + 1]["text"][0][1][:1]
                if i + 1 < len(pieces) and "text" in pieces[i + 1] and pieces[i + 1]["text"]
                else ""
            )
            out += f"**{body}**" if _flanking_ok(body, out[-1:], "" if piece["hint"] else after) else body
        else:
            out += f"({n})\u00a0{_LINE}"
        if piece["hint"]:
            out += f"\u00a0*({rich(piece['hint'])})*"
    return out.rstrip()


# -- key ---------------------------------------------------------------------------------------


def render_key(doc: Json) -> str:
    """The teacher's key: the grid of every version, then each version's full key."""
    lines = [f"# {_heading(doc['title'])} — answer key", ""]
    versions = doc["versions"]
    letters = ", ".join(v["letter"] for v in versions)
    n = len(versions)
    lines.append(
        f"Teacher\u2019s copy · {n} version{'' if n == 1 else 's'} ({letters}) · "
        f"{doc['count']} questions · {doc['total_points']} points per version."
    )
    if doc.get("source"):
        lines += ["", f"Source: {_source_title(doc['source'])}."]
    lines += ["", "## Answer grid", ""]
    lines.append(
        "Row: the version on the paper. Column: the question number and its points. "
        "For order questions, the numbers to write in the boxes from top to bottom. "
        "Other accepted answers are under the answer."
    )
    if doc["scoring"]:
        lines += ["", "| How to mark | Rule | Points for the number right |", "|---|---|---|"]
        lines += [
            f"| {_cell(escape(r['kinds']))} | {_cell(escape(r['rule']))} | "
            f"{_cell(escape('; '.join(r['scales'])))} |"
            for r in doc["scoring"]
        ]
    for table in doc["grid"]:
        heads = [
            f"{n} ({p})" if p else str(n) for n, p in zip(table["numbers"], table["points"], strict=True)
        ]
        lines += ["", "| Ver. | " + " | ".join(heads) + " |"]
        lines.append("|---" * (len(table["numbers"]) + 1) + "|")
        for row in table["rows"]:
            cells = " | ".join(_grid_cell(c) for c in row["cells"])
            lines.append(f"| **{row['letter']}** | {cells} |")
    if doc["accepted"]:
        lines += ["", "**Accepted answers**", ""]
        lines += [
            f"- **{escape(a['numbers'])}** {escape(a['answer'])}; *also:* {escape(', '.join(a['also']))}"
            for a in doc["accepted"]
        ]
    if doc["model_answers"]:
        lines += ["", "## Model answers", ""]
        lines += [f"- **{m['numbers']}:** {rich(m['text'])}" for m in doc["model_answers"]]
    for ver in versions if doc["key_layout"] == "full" else ():
        lines += ["", f"## Version {ver['letter']} — full key"]
        for section in ver["sections"]:
            for q in section["questions"]:
                lines.append("")
                lines += _key_question(q, bool(doc.get("source")))
    return "\n".join(lines) + "\n"


def _grid_cell(cell: Json) -> str:
    # No `<br>` (some platforms print it as text, P24): the alternatives follow in italics.
    text = _cell(escape(cell["key"]))
    if cell["also"]:
        text += f" *{_cell(escape(cell['also']))}*"
    if cell["points"]:
        text += f" ({escape(cell['points'])})"
    return text


def _key_question(q: Json, named_once: bool = False) -> list[str]:
    kind = q["kind"]
    prompt = rich(q["prompt"])
    if kind == "cloze":
        prompt = (prompt + " " if prompt else "") + _cloze(q, key=True)
    out = [f"**{q['number']}.** {_about(q)}{prompt} *({q['points_label']})*", ""]
    answer = q["answer"]
    if kind == "open":
        model = rich(answer[0]["text"]) if answer else "*none given; mark on merit.*"
        out.append(f"- **Model answer:** {model}")
    elif kind in ("choice", "truefalse", "short", "numeric", "cloze"):
        if kind == "cloze":
            text = escape(q["key"])
        else:
            label = f"**{answer[0]['label']}** — " if answer[0]["label"] else ""
            text = label + rich(answer[0]["text"])
        out.append(f"- **Answer:** {text}")
        if q["accept"]:
            # On a line of its own, labelled: rendered, it never reads as part of the answer (P24).
            out.append("- *Also accepted:* " + "; ".join(rich(a) for a in q["accept"]))
    else:
        what = f" (boxes, top to bottom: **{escape(q['key'])}**)" if kind == "order" else ""
        out.append(f"- **Answer:** **{escape(q['key'])}**" if not what else f"- **Answer**{what}:")
        out += [f"  - **{escape(a['label'])}** {rich(a['text'])}" for a in answer]
    if q["marking"]:
        out.append(f"- *Marking:* {escape(q['marking'])}.")
    if q["explanation"]:
        out.append(f"- *Why:* {rich(q['explanation'])}")
    source = _source(q, named_once)
    if source:
        out.append(f"- *{'Evidence' if named_once else 'Source'}:* {source}")
    return out


def _source_title(src: Json) -> str:
    title = escape(src["title"])
    url = safe_link(src["url"])  # the document holds only web links; check again where it is made
    shown = f"[{title}](<{url}>)" if url else f"“{title}”"
    return shown + (f", as of {escape(src['as_of'])}" if src["as_of"] else "")


def _source(q: Json, named_once: bool) -> str:
    """Under a question: its evidence, and its article unless the key names the one article at its head."""
    bits: list[str] = []
    if q["source"] and not named_once:
        bits.append(_source_title(q["source"]))
    bits += [f"“{escape(e)}”" for e in q["evidence"]]
    return " · ".join(bits)


def _relative_to(folder: Path) -> Callable[[Path], str]:
    """Images are linked, relative to the Markdown file when they can be, as URLs."""

    def ref(path: Path) -> str:
        return quote(Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix())

    return ref
