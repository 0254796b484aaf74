"""Large banks are read a slice of questions at a time; the result must be the plain reader's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import quizgen.bank.slices as slices
from quizgen.bank import helper
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


def _spy_on_helpers(monkeypatch: pytest.MonkeyPatch) -> list[helper.Helper | None]:
    monkeypatch.setattr(helper, "_core_free", lambda: True)  # however busy the machine running the tests
    started: list[helper.Helper | None] = []
    real = helper.start

    def spy(*args: Any) -> helper.Helper | None:
        started.append(real(*args))
        return started[-1]

    monkeypatch.setattr(helper, "start", spy)
    return started


def _read_alone_then_sliced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> tuple[Path, Checked, list[helper.Helper | None]]:
    """The bank `text` read in this process alone, then set up to be read in slices of 7 with a
    child: its path, the lone reading, and the list the children started are put in."""
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(helper, "_can_fork", lambda: False)
    serial = load([path])
    monkeypatch.undo()
    monkeypatch.setattr(slices, "SLICED_MIN_CHARS", 1)
    monkeypatch.setattr(slices, "QUESTIONS_PER_SLICE", 7)
    return path, serial, _spy_on_helpers(monkeypatch)


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "  - id: no-type\n    prompt: x\n",
        "  - id: q-unsound\n    type: truefalse\n    prompt: Is it so?\n    answer: true\n    points: many\n",
    ],
    ids=["clean", "structure", "unsound"],
)
def test_a_child_process_checks_the_last_slices_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    path, serial, started = _read_alone_then_sliced(tmp_path, monkeypatch, big_bank(20, broken))
    helped = load([path])
    assert started and started[0] is not None, "no child was started"
    assert helped.diagnostics == serial.diagnostics
    assert helped.banks[0].questions == serial.banks[0].questions
    assert not helper._PENDING


def test_when_the_child_fails_its_questions_are_checked_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, serial, started = _read_alone_then_sliced(tmp_path, monkeypatch, big_bank(20))
    # The child dies before it answers: as if it had been killed.
    monkeypatch.setattr(slices, "question_diagnostics", lambda *a: os._exit(3))
    helped = load([path])
    assert started and started[0] is not None
    assert helped.diagnostics == serial.diagnostics


def test_a_bank_read_whole_after_all_stops_its_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_bank(20, "  - id: bad\n\ttype: choice\n"), encoding="utf-8")  # a YAML error
    monkeypatch.setattr(slices, "SLICED_MIN_CHARS", 1)
    monkeypatch.setattr(slices, "QUESTIONS_PER_SLICE", 7)
    started = _spy_on_helpers(monkeypatch)
    checked = load([path])
    assert started and started[0] is not None
    assert [d.code for d in checked.diagnostics] == ["QG002"]
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(started[0].pid, os.WNOHANG)
