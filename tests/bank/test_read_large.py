"""Large banks are read a slice of questions at a time; the result must be the plain reader's."""

from __future__ import annotations

from pathlib import Path

import pytest

import quizgen.bank.slices as slices
from quizgen.bank.check import Checked, load
from tests.conftest import GOOD


def big_bank(copies: int, broken: str = "") -> str:
    """The all-types bank with its questions repeated under fresh ids, plus optional broken text."""
    text = (GOOD / "all-types.yaml").read_text(encoding="utf-8")
    head, questions = text.split("questions:\n", 1)
    items = [("  - id:" + item) for item in questions.split("  - id:")[1:]]
    body = []
    for n in range(copies):
        for item in items:
            body.append(item.replace("\n", f"-{n}\n", 1))
    middle = len(body) * 2 // 3
    body.insert(middle, broken)
    return head + "questions:\n" + "".join(body) + "# a comment after the list\n"


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Checked, Checked]:
    monkeypatch.setattr(slices, "SLICED_MIN_CHARS", 10**12)
    serial = load([path])
    monkeypatch.setattr(slices, "SLICED_MIN_CHARS", 1)
    monkeypatch.setattr(slices, "QUESTIONS_PER_SLICE", 7)  # many slices, boundaries mid-bank
    parallel = load([path])
    return serial, parallel


def test_a_large_clean_bank_reads_the_same_in_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_bank(20), encoding="utf-8")
    split_used = []
    real = slices.read_in_slices
    monkeypatch.setattr(slices, "read_in_slices", lambda *a: split_used.append(real(*a)) or split_used[-1])
    serial, parallel = read_both(path, monkeypatch)
    assert split_used and split_used[0] is not None, "the sliced reader was not used"
    assert parallel.diagnostics == serial.diagnostics
    assert parallel.ok  # repeated prompts are only warnings
    assert parallel.banks[0].questions == serial.banks[0].questions
    assert [q.where for q in parallel.banks[0].questions] == [q.where for q in serial.banks[0].questions]
    assert len(parallel.banks[0].questions) == 180


@pytest.mark.parametrize(
    "broken",
    [
        "  - id: no-type\n    prompt: x\n",  # a structural error in a later slice
        "  - id: joint-unit-purpose-0\n    type: truefalse\n    prompt: x\n    answer: true\n",  # id reused
        "  - id: bad\n\ttype: choice\n",  # a YAML error: falls back to the whole file
        "  - &q {id: anchored, type: truefalse, prompt: x, answer: true}\n  - *q\n",  # alias
    ],
    ids=["structure", "duplicate-id", "yaml-error", "alias"],
)
def test_problems_in_a_large_bank_are_reported_as_the_plain_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_bank(20, broken), encoding="utf-8")
    serial, parallel = read_both(path, monkeypatch)
    assert parallel.diagnostics == serial.diagnostics
    assert serial.diagnostics, "the broken text must produce a diagnostic"
