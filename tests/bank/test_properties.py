"""Property tests of the reader and checker.

1. Any valid bank (every type of question, any text a user can type) loads and checks clean,
   and the model holds the values that were written.
2. Any mutation of a valid bank's text (lines deleted, doubled, swapped, re-indented, random
   characters, tabs, colons, brackets, truncation) gives diagnostics, never a traceback, both
   from the library and from `quizgen check`.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizgen.bank.check import load
from quizgen.bank.model import (
    DIFFICULTIES,
    Choice,
    Cloze,
    Match,
    Multi,
    Numeric,
    Open,
    Order,
    Short,
    TrueFalse,
)
from quizgen.cli import app
from quizgen.diagnostics import CODES
from tests.conftest import GOOD

ITEM_WRITING = re.compile(r"QG1[01]\d")

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- valid banks -------------------------------------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)

# Text a user can type: no control characters, surrogates or line/paragraph separators (YAML
# reads U+2028/U+2029 as line breaks), and not blank (blank text is an error).
_chars = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n\t")
_ABOVE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.I)


def _fine(text: str) -> bool:
    return bool(text.strip()) and not _ABOVE.search(text)


texts = st.text(_chars, min_size=1, max_size=40).filter(_fine)
# Text for cloze questions: no braces, so the only deletions are the ones we put in.
cloze_texts = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="{}"),
    max_size=30,
)
cloze_answers = cloze_texts.filter(lambda t: bool(t.strip()) and not t.startswith(":"))


def distinct(strategy: st.SearchStrategy[str], min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    """Lists of texts that stay distinct after the reader strips them."""
    return st.lists(strategy, min_size=min_size, max_size=max_size, unique_by=lambda t: t.strip())


numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    # Valid answers are at most 1e100 in size (QG017: a range answer +- tolerance stays exact).
    st.floats(min_value=-1e100, max_value=1e100, allow_nan=False, allow_infinity=False, width=64),
)


@st.composite
def common(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    question: dict[str, Any] = {"type": kind}
    if kind != "cloze" or draw(st.booleans()):
        question["prompt"] = draw(texts)
    if draw(st.booleans()):
        question["explanation"] = draw(texts)
    if draw(st.booleans()):
        question["evidence"] = draw(st.one_of(texts, st.lists(texts, min_size=1, max_size=3)))
    if draw(st.booleans()):
        question["difficulty"] = draw(st.sampled_from(DIFFICULTIES))
    if draw(st.booleans()):
        question["points"] = draw(
            st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False, allow_infinity=False))
        )
    if draw(st.booleans()):
        question["tags"] = draw(st.lists(slugs, max_size=3))
    return question


@st.composite
def questions(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            ["choice", "multi", "truefalse", "short", "numeric", "cloze", "match", "order", "open"]
        )
    )
    q = draw(common(kind))
    if kind in ("choice", "multi"):
        choices = draw(distinct(texts, 2, 6))
        q["choices"] = choices
        if kind == "choice":
            q["answer"] = draw(st.sampled_from(choices))
        else:
            # One or more right answers, and at least one wrong choice.
            n = draw(st.integers(1, len(choices) - 1))
            answers = choices[:n]
            q["answer"] = answers[0] if n == 1 and draw(st.booleans()) else answers
        if draw(st.booleans()):
            q["shuffle"] = draw(st.booleans())
    elif kind == "truefalse":
        q["answer"] = draw(st.booleans())
    elif kind == "short":
        q["answer"] = draw(texts)
        if draw(st.booleans()):
            q["accept"] = draw(st.lists(texts, max_size=3))
    elif kind == "numeric":
        q["answer"] = draw(numbers)
        if draw(st.booleans()):
            q["tolerance"] = draw(st.floats(0, 1e6, allow_nan=False))
        if draw(st.booleans()):
            q["unit"] = draw(texts)
    elif kind == "cloze":
        parts = draw(st.lists(st.tuples(cloze_texts, cloze_answers), min_size=1, max_size=3))
        tail = draw(cloze_texts)
        q["text"] = (
            "".join(f"{before}{{{{c{i + 1}::{answer}}}}}" for i, (before, answer) in enumerate(parts)) + tail
        )
    elif kind == "match":
        lefts = draw(distinct(texts, 2, 5))
        rights = draw(distinct(texts, len(lefts), len(lefts)))
        q["pairs"] = [list(pair) for pair in zip(lefts, rights, strict=True)]
    elif kind == "order":
        q["items"] = draw(distinct(texts, 3, 6))
    else:  # open
        if draw(st.booleans()):
            q["answer"] = draw(texts)
        if draw(st.booleans()):
            q["lines"] = draw(st.integers(0, 30))
    return q


@st.composite
def banks(draw: st.DrawFn) -> dict[str, Any]:
    qs = draw(st.lists(questions(), min_size=1, max_size=6))
    ids = draw(st.lists(slugs, min_size=len(qs), max_size=len(qs), unique=True))
    # Prompts are distinct too: the same prompt twice is a warning.
    prompts = [q["prompt"].strip() for q in qs if "prompt" in q]
    assume(len(prompts) == len(set(prompts)))
    bank: dict[str, Any] = {"bank": draw(slugs), "title": draw(texts)}
    if draw(st.booleans()):
        bank["source"] = {"title": draw(texts), "file": "article.txt", "published": "2022-10"}
    if draw(st.booleans()):
        bank["deck"] = "::".join(draw(st.lists(texts.filter(lambda t: ":" not in t), min_size=1, max_size=3)))
    if draw(st.booleans()):
        bank["tags"] = draw(st.lists(slugs, max_size=3))
    bank["questions"] = [{"id": qid, **q} for qid, q in zip(ids, qs, strict=True)]
    return bank


def dump(bank: dict[str, Any]) -> str:
    return yaml.safe_dump(bank, allow_unicode=True, sort_keys=False, width=60)


def write_and_load(text: str, name: str = "bank.yaml") -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return load([path])


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(v.strip() for v in ([values] if isinstance(values, str) else values))


@SETTINGS
@given(banks())
def test_any_valid_bank_loads_clean_and_keeps_its_values(bank: dict[str, Any]) -> None:
    checked = write_and_load(dump(bank))
    # Random text is no well-written item: the item-writing warnings (QG100-QG119) may fire.
    assert [d.format_text() for d in checked.diagnostics if not ITEM_WRITING.fullmatch(d.code)] == []
    (read,) = checked.banks
    assert (read.id, read.title) == (bank["bank"], bank["title"].strip())
    assert [q.id for q in read.questions] == [q["id"] for q in bank["questions"]]
    for written, q in zip(bank["questions"], read.questions, strict=True):
        assert q.kind == written["type"]
        assert q.prompt == written.get("prompt", "").strip()
        assert q.evidence == (_texts(written["evidence"]) if "evidence" in written else ())
        assert q.points == written.get("points", 1)
        assert q.tags == tuple(written.get("tags", ()))
        if isinstance(q, Choice):
            assert q.choices == _texts(written["choices"])
            assert q.answer == written["answer"].strip()
            assert q.shuffle == written.get("shuffle", True)
        elif isinstance(q, Multi):
            assert q.choices == _texts(written["choices"])
            assert q.answers == _texts(written["answer"])
        elif isinstance(q, TrueFalse):
            assert q.answer is written["answer"]
        elif isinstance(q, Short):
            assert q.answer == written["answer"].strip()
            assert q.accept == _texts(written.get("accept", []))
        elif isinstance(q, Numeric):
            assert q.answer == written["answer"]
            assert q.tolerance == written.get("tolerance", 0)
        elif isinstance(q, Cloze):
            assert q.text == written["text"].strip()
        elif isinstance(q, Match):
            assert q.pairs == tuple(tuple(t.strip() for t in pair) for pair in written["pairs"])
        elif isinstance(q, Order):
            assert q.items == _texts(written["items"])
        else:
            assert isinstance(q, Open)
            assert q.answer == written.get("answer", "").strip()
            assert q.lines == written.get("lines", 6)


# -- mutations ---------------------------------------------------------------------------------------

SEEDS = [
    (GOOD / "all-types.yaml").read_text(encoding="utf-8"),
    (GOOD / "specials.yaml").read_text(encoding="utf-8"),
]
NOISE = st.lists(
    st.one_of(
        st.sampled_from([*"\t :-[]{},#&*!|>'\"%@`?\\\n", "- ", ": ", "&a ", "*a", "---\n", "{{c1::", "}}"]),
        st.characters(exclude_categories=("Cs",)),  # a lone surrogate cannot be saved as UTF-8
    ),
    min_size=1,
    max_size=6,
).map("".join)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.one_of(st.sampled_from(SEEDS), banks().map(dump)))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "indent", "dedent", "tab"])
        )
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(NOISE) + lines[i][at:]
        elif action == "truncate":
            cut = draw(st.integers(0, len(text)))
            lines = text[:cut].split("\n")
        elif action == "indent":
            lines[i] = " " * draw(st.integers(1, 4)) + lines[i]
        elif action == "dedent":
            lines[i] = lines[i].lstrip(" ")
        else:
            lines[i] = "\t" + lines[i]
        text = "\n".join(lines)
    return text


@SETTINGS
@given(mutated())
def test_a_mutated_bank_gives_diagnostics_never_a_traceback(text: str) -> None:
    checked = write_and_load(text)
    for d in checked.diagnostics:
        assert d.code in CODES
        assert d.line >= 1 and d.col >= 1
        assert d.message
        assert d.severity is CODES[d.code][0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_quizgen_check_on_a_mutated_bank_exits_0_or_1(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1)


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_give_diagnostics_never_a_traceback(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_bytes(data)
        checked = load([path])
    assert all(d.code in CODES for d in checked.diagnostics)
