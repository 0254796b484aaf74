"""Reading a `<name>-layout.json` and checking every part `grade` uses before it is used.

The layout is written by `quizgen quiz --sheets`, but it is a plain JSON file a teacher
(or another tool) may edit. Everything `scan` and `score` index, loop over or compute
with is checked here first, so an edited layout is a list of messages naming the part
(`versions[0].questions[2].points`), never a traceback, a hang or a NaN score:

- types (a number is a finite number, not a bool, not a string; a box is 4 of them);
- bounds (a page of at most 2000 x 2000 points, at most 64 pages, 12 student digits,
  1000 points a question), so nothing allocates or loops in proportion to a typo;
- references (every bubble's question is one of its version's, every digit column is
  inside its grid, every version has each of its pages, every question has bubbles).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.grading.sheet import FORMAT, FORMAT_VERSION
from quizgen.scoring import MULTI_RULES

Json = dict[str, Any]

MAX_BYTES = 64 * 1024 * 1024
MAX_SIDE = 2000.0  # points: A2 is 1191 x 1684
MAX_PAGES = 64
MAX_DIGITS = 12
MAX_POINTS = 1000.0
MAX_QUESTIONS = 2000
MAX_BUBBLES = 20_000  # on one page
MAX_SHOWN = 20  # problems listed; the rest are counted
KINDS = ("choice", "multi", "truefalse", "short", "numeric", "cloze", "match", "order", "open")
# The kinds of box a sheet has. A new kind of box on the sheet must be added here (and read
# in score.py): the check refuses what grading does not know how to read.
FIELDS = ("student", "answer", "score", "cancel")
GRID_SIGNS = ("-", "+", ".")  # a digit grid may have a sign row or a point
HINT = (
    "    hint: pass the <name>-layout.json that `quizgen quiz --sheets` wrote beside the sheets, "
    "or print the sheets again"
)


class LayoutError(QuizgenError):
    """The layout file cannot be used."""


def load_layout(path: Path) -> Json:
    """Read a `<name>-layout.json` and check all of it, or say everything that is wrong."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LayoutError(f"{path}:1:1: a layout file is at most 64 MB; this one is larger\n{HINT}")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read the layout: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LayoutError(f"{path}:1:1: not a layout file (not UTF-8 text)\n{HINT}") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise LayoutError(
            f"{path}:{exc.lineno}:{exc.colno}: not a layout file (invalid JSON)\n{HINT}"
        ) from None
    except RecursionError:
        raise LayoutError(
            f"{path}:1:1: not a layout file (lists or objects nested too deep)\n{HINT}"
        ) from None
    except ValueError as exc:  # NaN or Infinity, or an integer of thousands of digits
        raise LayoutError(f"{path}:1:1: not a layout file ({exc})\n{HINT}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LayoutError(f'{path}:1:1: not a quizgen sheet layout (no "format": "{FORMAT}")\n{HINT}')
    if data.get("format_version") != FORMAT_VERSION:
        raise LayoutError(
            f"{path}:1:1: layout format version {_shown(data.get('format_version'))}; this quizgen reads "
            f"version {FORMAT_VERSION}\n    hint: print the sheets again with this quizgen"
        )
    problems = layout_problems(data)
    if problems:
        listed = [f"{path}: {p}" for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            listed.append(f"{path}: ... and {len(problems) - MAX_SHOWN} more problems")
        raise LayoutError("\n".join(listed) + "\n" + HINT)
    return data


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a layout can hold")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_MISSING: Any = object()  # what `has` returns for an absent key: already reported


class _Check:
    """Collects the problems of one layout, each naming the part it is about."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.reported: set[str] = set()

    def bad(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def has(self, obj: Json, key: str, where: str) -> Any:
        if key not in obj:
            self.bad(where, f'"{key}" is missing')
            return _MISSING
        return obj[key]

    def dict_(self, value: Any, where: str) -> Json | None:
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.bad(where, f"should be an object {{...}}, not {_shown(value)}")
            return None
        return value

    def list_(self, value: Any, where: str, *, least: int = 0, most: int = MAX_QUESTIONS) -> list[Any] | None:
        if value is _MISSING:
            return None
        if not isinstance(value, list):
            self.bad(where, f"should be a list [...], not {_shown(value)}")
            return None
        if not least <= len(value) <= most:
            self.bad(where, f"should hold {least} to {most} entries, not {len(value)}")
            return None
        return value

    def int_(self, value: Any, where: str, low: int, high: int) -> int | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(where, f"should be a whole number, not {_shown(value)}")
            return None
        if not low <= value <= high:
            self.bad(where, f"should be from {low} to {high}, not {_shown(value)}")
            return None
        return value

    def num(self, value: Any, where: str, low: float, high: float) -> float | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.bad(where, f"should be a number, not {_shown(value)}")
            return None
        if not low <= value <= high:
            self.bad(where, f"should be from {low:g} to {high:g}, not {_shown(value)}")
            return None
        return float(value)

    def str_(self, value: Any, where: str, most: int = 10_000) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value or len(value) > most:
            self.bad(where, f"should be a text of 1 to {most} characters, not {_shown(value)}")
            return None
        return value

    def box(self, value: Any, where: str, size: tuple[float, float], *, line: bool = False) -> bool:
        """A box [x0, y0, x1, y1] inside the page (`line`: a row's box, which may have no height)."""
        if value is _MISSING:
            return False
        if not isinstance(value, list) or len(value) != 4:
            self.bad(where, f"a box should be 4 numbers [x0, y0, x1, y1], not {_shown(value)}")
            return False
        nums = [self.num(v, f"{where}[{i}]", -1.0, MAX_SIDE + 1) for i, v in enumerate(value)]
        if None in nums:
            return False
        x0, y0, x1, y1 = (n for n in nums if n is not None)
        if not (x0 < x1 and (y0 <= y1 if line else y0 < y1)):
            self.bad(where, f"a box's corners should be top-left then bottom-right, not {_shown(value)}")
            return False
        if x1 > size[0] + 1 or y1 > size[1] + 1:
            self.bad(where, f"the box {_shown(value)} is outside the page ({size[0]:g} x {size[1]:g} points)")
            return False
        return True


def layout_problems(data: Json) -> list[str]:
    """Every problem of a layout's content, each as 'part: what is wrong'."""
    c = _Check()
    c.str_(c.has(data, "quiz", "layout"), "quiz", 100)
    title = data.get("title", "")
    if not isinstance(title, str):
        c.bad("title", f"should be a text, not {_shown(title)}")
    digits = c.int_(c.has(data, "student_digits", "layout"), "student_digits", 1, MAX_DIGITS)
    scoring = data.get("scoring", {})
    if c.dict_(scoring, "scoring") is not None:
        if "multi" in scoring and scoring["multi"] not in MULTI_RULES:
            c.bad(
                "scoring.multi", f"should be one of {', '.join(MULTI_RULES)}, not {_shown(scoring['multi'])}"
            )
        if "step" in scoring:
            c.num(scoring["step"], "scoring.step", 0.01, MAX_POINTS)
    pages = c.list_(c.has(data, "pages", "layout"), "pages", least=1, most=MAX_PAGES * 100)
    size = _page_size(c, pages)
    markers = c.list_(c.has(data, "markers", "layout"), "markers", least=3, most=4)
    if markers is not None and size is not None:
        ids = []
        for i, m in enumerate(markers):
            if c.dict_(m, f"markers[{i}]") is None:
                continue
            ids.append(c.int_(c.has(m, "id", f"markers[{i}]"), f"markers[{i}].id", 0, 3))
            c.box(c.has(m, "box", f"markers[{i}]"), f"markers[{i}].box", size)
        given = [i for i in ids if i is not None]
        if len(set(given)) != len(given):
            c.bad("markers", "two markers have the same id")
    if size is not None:
        c.box(c.has(data, "qr_box", "layout"), "qr_box", size)
    versions = c.list_(c.has(data, "versions", "layout"), "versions", least=1, most=100)
    known = _versions(c, versions) if versions is not None else {}
    if pages is not None and size is not None and digits is not None:
        _pages(c, pages, known, size, digits)
    return c.problems


def _page_size(c: _Check, pages: list[Any] | None) -> tuple[float, float] | None:
    """The size of the pages (all the same: the markers and the QR box are shared)."""
    if not pages or not isinstance(pages[0], dict):
        return None
    size = pages[0].get("size")
    if not isinstance(size, list) or len(size) != 2:
        c.bad("pages[0].size", f"should be [width, height] in points, not {_shown(size)}")
        return None
    w, h = (c.num(v, f"pages[0].size[{i}]", 72.0, MAX_SIDE) for i, v in enumerate(size))
    return (w, h) if w is not None and h is not None else None


def _versions(c: _Check, versions: list[Any]) -> dict[str, tuple[int, dict[int, Json | None]]]:
    """version letter -> (its page count, its questions by number), of the versions that check."""
    known: dict[str, tuple[int, dict[int, Json | None]]] = {}
    for i, v in enumerate(versions):
        where = f"versions[{i}]"
        if c.dict_(v, where) is None:
            continue
        letter = c.str_(c.has(v, "version", where), f"{where}.version", 3)
        count = c.int_(c.has(v, "pages", where), f"{where}.pages", 1, MAX_PAGES)
        qs = c.list_(c.has(v, "questions", where), f"{where}.questions", least=1)
        if letter in known:
            c.bad(f"{where}.version", f"version {letter} is listed twice")
        numbers: dict[int, Json | None] = {}  # None: a question with its own problems
        for j, q in enumerate(qs or []):
            number, ok = _question(c, q, f"{where}.questions[{j}]")
            if number is not None and number in numbers:
                c.bad(f"{where}.questions[{j}].number", f"question {number} is listed twice")
            elif number is not None:
                numbers[number] = q if ok else None
        if letter is not None and count is not None:
            known[letter] = (count, numbers)
    return known


def _question(c: _Check, q: Any, where: str) -> tuple[int | None, bool]:
    """Check one question: (its number, whether it has no problem)."""
    if c.dict_(q, where) is None:
        return None, False
    ok = len(c.problems)
    number = c.int_(c.has(q, "number", where), f"{where}.number", 1, MAX_QUESTIONS)
    c.str_(c.has(q, "id", where), f"{where}.id", 500)
    kind = c.has(q, "kind", where)
    if kind is not _MISSING and kind not in KINDS:
        c.bad(f"{where}.kind", f"should be one of {', '.join(KINDS)}, not {_shown(kind)}")
    c.num(c.has(q, "points", where), f"{where}.points", 0.0, MAX_POINTS)
    field = c.has(q, "field", where)
    if field is not _MISSING and field not in ("answer", "score"):
        c.bad(f"{where}.field", f'should be "answer" or "score", not {_shown(field)}')
    for key in ("source",):
        if key in q and not isinstance(q[key], str):
            c.bad(f"{where}.{key}", f"should be a text, not {_shown(q[key])}")
    if field == "answer" and kind in KINDS:
        _answer(c, q, kind, where)
    return number, len(c.problems) == ok


def _answer(c: _Check, q: Json, kind: str, where: str) -> None:
    answer = q.get("answer")
    choices = q.get("choices")
    if kind in ("choice", "multi"):
        if c.dict_(choices, f"{where}.choices") is None:
            return
        if not choices or not all(isinstance(k, str) and isinstance(t, str) for k, t in choices.items()):
            c.bad(f"{where}.choices", "should map each letter to the choice's text")
            return
        keys = answer if kind == "multi" else [answer]
        if not isinstance(keys, list) or not all(isinstance(k, str) and k in choices for k in keys):
            c.bad(f"{where}.answer", f"should be {'letters' if kind == 'multi' else 'a letter'} of its "
                  f"choices ({', '.join(choices)}), not {_shown(answer)}")  # fmt: skip
    elif kind == "truefalse":
        if answer not in ("T", "F"):
            c.bad(f"{where}.answer", f'should be "T" or "F", not {_shown(answer)}')
    elif kind == "numeric":
        c.num(answer, f"{where}.answer", -1e12, 1e12)
        c.num(q.get("tolerance", 0), f"{where}.tolerance", 0.0, 1e12)
        shape = q.get("digits")
        if not isinstance(shape, list) or len(shape) != 2:
            c.bad(
                f"{where}.digits", f"should be [digits before, digits after the point], not {_shown(shape)}"
            )
            return
        before = c.int_(shape[0], f"{where}.digits[0]", 0, 12)
        after = c.int_(shape[1], f"{where}.digits[1]", 0, 6)
        if before is not None and after is not None and before + after == 0:
            c.bad(f"{where}.digits", "a digit grid needs at least one digit")
    else:
        c.bad(f"{where}.field", f'a {kind} question is scored by the teacher: its field should be "score"')


def _pages(
    c: _Check,
    pages: list[Any],
    known: dict[str, tuple[int, dict[int, Json | None]]],
    size: tuple[float, float],
    digits: int,
) -> None:
    seen: dict[tuple[str, int], int] = {}
    on_pages: dict[str, set[int]] = {v: set() for v in known}
    for i, p in enumerate(pages):
        where = f"pages[{i}]"
        if c.dict_(p, where) is None:
            continue
        version = c.has(p, "version", where)
        number = c.int_(c.has(p, "page", where), f"{where}.page", 1, MAX_PAGES)
        if version is _MISSING or not isinstance(version, str) or version not in known:
            if version is not _MISSING:
                c.bad(f"{where}.version", f"version {_shown(version)} is not one of the layout's versions")
            continue
        count, questions = known[version]
        if number is None:
            continue
        if number > count:
            c.bad(f"{where}.page", f"version {version} has {count} pages, not {number}")
        if (version, number) in seen:
            c.bad(
                where,
                f"page {number} of version {version} is listed twice (also pages[{seen[version, number]}])",
            )
        seen[(version, number)] = i
        if p.get("size") != pages[0].get("size"):
            c.bad(f"{where}.size", "every page must have the size of the first")
        c.str_(c.has(p, "qr", where), f"{where}.qr", 200)
        for j, row in enumerate(c.list_(p.get("rows", []), f"{where}.rows", most=MAX_QUESTIONS) or []):
            if c.dict_(row, f"{where}.rows[{j}]") is not None:
                q = row.get("question")
                if isinstance(q, bool) or not isinstance(q, int) or q not in questions:
                    c.bad(f"{where}.rows[{j}].question", f"version {version} has no question {_shown(q)}")
                c.box(row.get("box"), f"{where}.rows[{j}].box", size, line=True)
        bubbles = c.list_(c.has(p, "bubbles", where), f"{where}.bubbles", least=1, most=MAX_BUBBLES)
        for j, b in enumerate(bubbles or []):
            n = _bubble(c, b, f"{where}.bubbles[{j}]", questions, size, digits)
            if n is not None:
                on_pages[version].add(n)
    for version, (count, questions) in known.items():
        absent = [str(n) for n in range(1, count + 1) if (version, n) not in seen]
        if absent:
            c.bad("pages", f"version {version} has no layout for its page {', '.join(absent)}")
        unplaced = sorted(set(questions) - on_pages[version])
        if unplaced:
            listed = ", ".join(map(str, unplaced))
            c.bad("pages", f"version {version}: question {listed} has no bubbles or boxes on any page")


def _bubble(
    c: _Check, b: Any, where: str, questions: dict[int, Json | None], size: tuple[float, float], digits: int
) -> int | None:
    """Check one bubble; the number of the question it belongs to, if any."""
    if c.dict_(b, where) is None:
        return None
    field = c.has(b, "field", where)
    value = c.has(b, "value", where)
    c.box(c.has(b, "box", where), f"{where}.box", size)
    if field is _MISSING or field not in FIELDS:
        if field is not _MISSING:
            c.bad(f"{where}.field", f"should be one of {', '.join(FIELDS)}, not {_shown(field)}")
        return None
    if value is _MISSING:
        return None
    if not isinstance(value, str) or not value or len(value) > 8:
        c.bad(f"{where}.value", f"should be a short text, not {_shown(value)}")
        return None
    n = c.has(b, "question", where)
    if n is _MISSING:
        return None
    if field == "student":
        if n is not None:
            c.bad(
                f"{where}.question", f"a student-number bubble belongs to no question (null), not {_shown(n)}"
            )
        c.int_(c.has(b, "column", where), f"{where}.column", 0, digits - 1)
        if not value.isdigit():
            c.bad(f"{where}.value", f"a student-number bubble holds a digit, not {_shown(value)}")
        return None
    if isinstance(n, bool) or not isinstance(n, int) or n not in questions:
        key = f"{where.rsplit('.', 1)[0]}: no question {_shown(n)}"
        if key not in c.reported:  # once per page and question, not once per bubble
            c.reported.add(key)
            c.bad(where, f"the page's version has no question {_shown(n)} (nor do the bubbles after it)")
        return None
    q = questions[n]
    if q is None:
        return n  # its problems are listed with the question
    if field == "score":
        if q.get("field") != "score":
            c.bad(f"{where}.field", f"question {n} is read from bubbles, not score boxes")
        elif not _is_number(value):
            c.bad(f"{where}.value", f"a score box holds its points, not {_shown(value)}")
    elif field == "answer":
        _answer_bubble(c, b, where, q, value)
    return int(n)


def _answer_bubble(c: _Check, b: Json, where: str, q: Json, value: str) -> None:
    n = q["number"]
    if q.get("field") != "answer":
        c.bad(f"{where}.field", f"question {n} is scored in score boxes, not bubbles")
    elif q.get("digits"):
        before, after = q["digits"]
        c.int_(b.get("column"), f"{where}.column", 0, max(0, before + after - 1))
        if not (len(value) == 1 and (value.isdigit() or value in GRID_SIGNS)):
            c.bad(f"{where}.value", f"a digit-grid bubble holds a digit or a sign, not {_shown(value)}")
    elif q.get("kind") == "truefalse":
        if value not in ("T", "F"):
            c.bad(f"{where}.value", f'a true/false bubble holds "T" or "F", not {_shown(value)}')
    elif value not in q.get("choices", {}):
        c.bad(f"{where}.value", f"question {n} has no choice {_shown(value)}")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text)) and float(text) >= 0
    except ValueError:
        return False
