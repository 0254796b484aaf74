"""Hostile text costs linear time in every regex a card goes through (red team C03: `anki` of a
multi question whose prompt had 1,600 spaces took 8.5 s, cubic backtracking in the pattern that
strips "Select all that apply").

Fixed as a class: every compiled pattern of quizgen/anki/ and quizgen/bank/text.py (found by
looking at the modules, so a new one is checked too) is run on long runs of every character
and pair its syntax names; then the whole `anki` path on the case the red team found.
"""

from __future__ import annotations

import importlib
import re
import time
from pathlib import Path

import pytest

from tests.anki.test_anki import build

MODULES = (
    "quizgen.bank.text",
    "quizgen.anki.fields",
    "quizgen.anki.package",
    "quizgen.anki.lock",
    "quizgen.anki.notes",
)

# What the patterns match on (spaces, marks, brackets, cloze and URL syntax, instruction words),
# as one piece repeated: "a run of N of this".
PIECES = (
    " ", "\t", "\n", "\u00a0", "*", "**", "\\", "\\*", "`", ":", "::", "{{", "}}", "[", "(", ")",
    "-", ".", "a", "a ", "a*", "0", "0-", "c1::", "select ", "select all that apply ", "true ",
    "true or false ", "/", "http://", "sound:", "$",
)  # fmt: skip
RUN = 20_000
# A linear scan of 20,000 characters takes about a millisecond; a quadratic one several seconds.
BUDGET = 0.25


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern held by the modules above, at top level or in a dict."""
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            values = value.values() if isinstance(value, dict) else [value]
            found += [(f"{name}.{attr}", v) for v in values if isinstance(v, re.Pattern)]
    return found


def test_every_pattern_is_found() -> None:
    names = {name for name, _ in patterns()}
    expected = {
        "quizgen.bank.text._REPEATED",
        "quizgen.bank.text._INLINE",
        "quizgen.anki.fields._ANKI_MARKUP",
    }
    assert expected <= names


@pytest.mark.parametrize(("name", "pattern"), patterns(), ids=[n for n, _ in patterns()])
def test_no_pattern_backtracks_on_a_long_run(name: str, pattern: re.Pattern[str]) -> None:
    worst = 0.0, ""
    for piece in PIECES:
        n = RUN // len(piece)
        for text in (piece * n, "x" + piece * n + "x", "Which? " + piece * n + "(select all that apply"):
            start = time.perf_counter()
            pattern.search(text)
            for _ in pattern.finditer(text):
                pass
            pattern.fullmatch(text)
            took = time.perf_counter() - start
            worst = max(worst, (took, repr(piece)))
    assert worst[0] < BUDGET, f"{name} took {worst[0]:.2f} s on a run of {worst[1]}"


@pytest.mark.parametrize("kind", ["multi", "truefalse", "choice", "short"])
def test_anki_of_a_prompt_with_long_runs_of_spaces_is_fast(tmp_path: Path, kind: str) -> None:
    """The red team's case, 6 times longer: 4 runs of 2,400 spaces inside and around the prompt."""
    spaces = " " * 2_400
    body = {
        "multi": "choices: [one, two, three], answer: [one, two]",
        "truefalse": "answer: true",
        "choice": "choices: [one, two], answer: one",
        "short": "answer: one",
    }[kind]
    bank = tmp_path / "spaces.yaml"
    prompt = f"True or false{spaces}: which{spaces}is it?{spaces}(select all that apply{spaces}x"
    bank.write_text(
        f"bank: spaces\ntitle: Spaces\nquestions:\n  - {{id: q, type: {kind}, prompt: '{prompt}', {body}}}\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    summary = build(tmp_path / "deck.apkg", bank)
    assert time.perf_counter() - start < 3.0
    assert summary.notes == 1
