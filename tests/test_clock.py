"""Timestamps: SOURCE_DATE_EPOCH read once and checked, and outputs dated by their content."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizgen.bank.check import load
from quizgen.bank.model import Bank, Source
from quizgen.cli import app
from quizgen.clock import EARLIEST, LATEST, Clock, EpochError, clock, parse_epoch, published_time
from tests.conftest import GOOD

runner = CliRunner()
RANGE = "use a time from 315532800 (1980-01-01) to 4294967295 (2106-02-07)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "SOURCE_DATE_EPOCH must be a whole number of seconds, not 'yesterday'"),
        ("+1700000000", "SOURCE_DATE_EPOCH must be a whole number of seconds, not '+1700000000'"),
        ("1_700_000_000", "SOURCE_DATE_EPOCH must be a whole number of seconds, not '1_700_000_000'"),
        (
            "\u0661\u0667\u0660\u0660",  # Arabic-Indic digits: int() takes them, quizgen does not
            "SOURCE_DATE_EPOCH must be a whole number of seconds, not '\u0661\u0667\u0660\u0660'",
        ),
        ("1.5e9", "SOURCE_DATE_EPOCH must be a whole number of seconds, not '1.5e9'"),
        ("-5", "SOURCE_DATE_EPOCH must be a whole number of seconds, not '-5'"),
        ("5", f"SOURCE_DATE_EPOCH 5 is out of range; {RANGE}"),
        ("4354819200", f"SOURCE_DATE_EPOCH 4354819200 is out of range; {RANGE}"),
        ("253402300800", f"SOURCE_DATE_EPOCH 253402300800 is out of range; {RANGE}"),
        ("9" * 40, f"SOURCE_DATE_EPOCH {'9' * 24}... is out of range; {RANGE}"),
    ],
)
def test_a_bad_epoch_is_refused_with_its_reason(value: str, message: str) -> None:
    with pytest.raises(EpochError) as caught:
        parse_epoch(value)
    assert str(caught.value) == message


def test_good_epochs_and_the_unset_one() -> None:
    assert parse_epoch(None) is None and parse_epoch("") is None and parse_epoch("  ") is None
    assert parse_epoch(" 1700000000\n") == 1_700_000_000
    assert parse_epoch(str(EARLIEST)) == EARLIEST and parse_epoch(str(LATEST)) == LATEST


@given(st.text(max_size=30) | st.integers(-(10**25), 10**25).map(str))
def test_any_epoch_string_is_a_time_in_range_or_a_refusal(value: str) -> None:
    try:
        epoch = parse_epoch(value)
    except EpochError as exc:
        assert str(exc).startswith("SOURCE_DATE_EPOCH ")
    else:
        assert epoch is None or EARLIEST <= epoch <= LATEST


def test_the_clock_is_pinned_by_the_epoch_else_dates_come_from_content() -> None:
    assert clock("1700000000", 1_800_000_000.7) == Clock(1_700_000_000, pinned=True)
    free = clock(None, 1_800_000_000.7)
    assert free == Clock(1_800_000_000) and free.stamp(1_650_000_000) == 1_650_000_000
    assert Clock(1_700_000_000, pinned=True).stamp(1_650_000_000) == 1_700_000_000
    assert clock(None, -1.0).now == EARLIEST and clock(None, 1e12).now == LATEST  # a broken clock


def test_a_quiz_is_dated_by_its_newest_published_source() -> None:
    (bank,) = load([GOOD / "all-types.yaml"]).banks
    assert bank.source is not None and bank.source.published == "2022-10"

    def published(date: str) -> Bank:
        return replace(bank, source=Source(title="t", published=date))

    assert published_time([bank]) == 1_664_582_400  # 2022-10-01T00:00:00Z
    assert published_time([bank, published("2022-09-30")]) == 1_664_582_400  # the newest
    assert published_time([published("2022-09-30")]) == 1_664_496_000
    assert published_time([published("2023")]) == 1_672_531_200  # 2023-01-01
    for odd in ("autumn 2022", "2022-13", "2022-02-30", "0000-01-01", ""):
        assert published_time([published(odd)]) == EARLIEST
    assert published_time([replace(bank, source=None)]) == published_time([]) == EARLIEST


# -- the commands ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["anki", "quiz", "build"])
@pytest.mark.parametrize(
    ("epoch", "message"),
    [
        ("yesterday", "SOURCE_DATE_EPOCH must be a whole number of seconds, not 'yesterday'"),
        ("-5", "SOURCE_DATE_EPOCH must be a whole number of seconds, not '-5'"),
        ("4354819200", f"SOURCE_DATE_EPOCH 4354819200 is out of range; {RANGE}"),
    ],
)
def test_every_command_refuses_a_bad_epoch_as_a_usage_error(
    command: str, epoch: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    out = {"anki": ["-o", str(tmp_path / "d.apkg")], "quiz": ["-o", str(tmp_path / "q.md")]}
    args = [command, str(GOOD / "all-types.yaml"), *out.get(command, ["--out", str(tmp_path)])]
    result = runner.invoke(app, args)
    assert (result.exit_code, result.output) == (2, f"quizgen: error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_an_out_of_range_epoch_in_a_real_process_gives_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizgen",
            "anki",
            str(GOOD / "all-types.yaml"),
            "-o",
            str(tmp_path / "d.apkg"),
        ],
        capture_output=True,
        text=True,
        env={"SOURCE_DATE_EPOCH": str(10**20), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path.cwd())},
    )
    assert done.returncode == 2
    assert (
        done.stderr == f"quizgen: error: SOURCE_DATE_EPOCH 100000000000000000000 is out of range; {RANGE}\n"
    )


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=12))
def test_any_epoch_gives_a_quiz_or_a_usage_error(
    tmp_path_factory: pytest.TempPathFactory, epoch: str
) -> None:
    out = tmp_path_factory.mktemp("q") / "q.md"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", epoch)
        result = runner.invoke(app, ["quiz", str(GOOD / "all-types.yaml"), "-o", str(out), "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.output.startswith("quizgen: error: SOURCE_DATE_EPOCH ")


def _build(out: Path, banks: Path, now: float, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr("time.time", lambda: now)
    result = runner.invoke(app, ["build", str(banks), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_rebuilding_an_unchanged_checkout_changes_nothing_whatever_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    banks = tmp_path / "questions"
    banks.mkdir()
    for name in ("all-types.yaml", "specials.yaml"):
        shutil.copy(GOOD / name, banks / name)
    out = tmp_path / "decks"
    day1 = _build(out, banks, 1_750_000_000.25, monkeypatch)
    assert _build(out, banks, 1_760_000_000.5, monkeypatch) == day1  # a later clock: the same bytes

    # An edit reaches students: its note gets the real clock; the other bank's papers stay as they were.
    text = (banks / "all-types.yaml").read_text(encoding="utf-8")
    (banks / "all-types.yaml").write_text(text.replace("mainly?", "mostly?"), encoding="utf-8")
    day3 = _build(out, banks, 1_770_000_000.0, monkeypatch)
    lock = json.loads(day3["quizgen-tests.lock.json"])
    mods = {e["q"]: e["mod"] for e in lock["notes"].values()}
    assert mods["all-types/joint-unit-purpose"] == 1_770_000_000
    assert {m for q, m in mods.items() if q != "all-types/joint-unit-purpose"} == {1_750_000_000}
    assert day3["quizgen-tests.apkg"] != day1["quizgen-tests.apkg"]
    assert day3["specials-quiz.pdf"] == day1["specials-quiz.pdf"]
    assert day3["specials-quiz-key.pdf"] == day1["specials-quiz-key.pdf"]
