"""Red-team findings 26, 27 and 30: linear keys, the sliced reader and an '&', and the smaller messages."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizgen.anki.fields import _permutation
from quizgen.bank import read, slices
from quizgen.bank.check import load
from quizgen.bank.model import Match, Order
from quizgen.bank.read import find_bank_files
from quizgen.cli import app
from quizgen.select import answer_key, letter
from tests.conftest import GOOD

runner = CliRunner()


def _released_permutation(n: int, seed: str) -> list[int]:
    """The permutation as quizgen 0.1.0 made it: the cards students hold show this order."""
    x = int.from_bytes(hashlib.shake_128(seed.encode()).digest(2 * n + 8), "big")
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        x, j = divmod(x, i + 1)
        order[i], order[j] = order[j], order[i]
    return order


@pytest.mark.parametrize("n", [2, 4, 26, 64])
def test_short_lists_keep_the_released_order(n: int) -> None:
    assert _permutation(n, "guid", derange=False) == _released_permutation(n, "guid")


def test_keys_of_huge_match_and_order_questions_are_linear() -> None:
    n = 50_000
    match = Match(id="m", prompt="p", pairs=tuple((f"l{i}", f"r{i}") for i in range(n)))
    order = Order(id="o", prompt="p", items=tuple(f"i{i}" for i in range(n)))
    shown = tuple(f"r{i}" for i in reversed(range(n)))
    start = time.perf_counter()
    assert answer_key(match, shown).startswith(f"1\u2013{letter(n - 1)}, 2\u2013{letter(n - 2)}, ")
    assert answer_key(order, tuple(reversed(order.items))).startswith(f"{n} {n - 1} ")
    assert sorted(_permutation(n, "g", derange=True)) == list(range(n))
    assert time.perf_counter() - start < 5  # quadratic took minutes (red-team 26)


def test_an_ampersand_in_text_keeps_the_sliced_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slices, "SLICED_MIN_CHARS", 1000)
    monkeypatch.setattr(read.slices, "SLICED_MIN_CHARS", 1000)
    items = "".join(
        f"  - id: q{i}\n    type: short\n    prompt: 'What did R &D cost in year {i}?'\n    answer: a\n"
        for i in range(60)
    )
    bank = tmp_path / "b.yaml"
    bank.write_text(f"bank: b\ntitle: T\nquestions:\n{items}", encoding="utf-8")
    used: list[bool] = []
    real = slices.read_in_slices

    def spy(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        used.append(result is not None)
        return result

    monkeypatch.setattr(read.slices, "read_in_slices", spy)
    checked = load([bank])
    assert used == [True] and checked.ok and len(checked.banks[0].questions) == 60


def test_an_alias_across_slices_still_gets_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read.slices, "SLICED_MIN_CHARS", 100)
    monkeypatch.setattr(slices, "QUESTIONS_PER_SLICE", 1)
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "bank: b\ntitle: T\nquestions:\n"
        "  - {id: a, type: choice, prompt: A?, choices: &c [x, y], answer: x}\n"
        "  - {id: b, type: choice, prompt: B?, choices: *c, answer: y}\n" + "# padding\n" * 20,
        encoding="utf-8",
    )
    codes = [(d.line, d.code) for d in load([bank]).diagnostics]
    assert codes == [(5, "QG005")]


# -- finding 30 ----------------------------------------------------------------------------------


def test_ignore_with_an_unknown_code_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", str(GOOD / "all-types.yaml"), "--ignore", "QG50"])
    assert (result.exit_code, result.output) == (
        2,
        "quizgen: error: --ignore: unknown code 'QG50' (did you mean 'QG050'?)\n",
    )


def test_build_out_onto_a_file_says_it_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "bank.yaml").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["build", str(GOOD / "all-types.yaml"), "--out", str(tmp_path / "bank.yaml")])
    assert (result.exit_code, result.output) == (
        2,
        f"quizgen: error: --out: {tmp_path / 'bank.yaml'} is a file, not a folder\n",
    )


def test_one_bank_named_twice_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "questions").mkdir()
    shutil.copy(GOOD / "all-types.yaml", tmp_path / "questions" / "x.yaml")
    shutil.copy(GOOD / "quizgen.toml", tmp_path / "questions" / "quizgen.toml")  # its accepted warnings
    monkeypatch.chdir(tmp_path)
    named = [
        Path("questions/x.yaml"),
        Path("questions/../questions/x.yaml"),
        tmp_path / "questions" / "x.yaml",
    ]
    assert find_bank_files(named).files == [Path("questions/x.yaml")]
    checked = load(named)
    assert checked.ok and [d.code for d in checked.diagnostics] == []


def test_folder_search_takes_any_case_of_the_suffix(tmp_path: Path) -> None:
    for name in ("a.YAML", "b.Yml", "c.yaml", "d.txt"):
        shutil.copy(GOOD / "all-types.yaml", tmp_path / name)
    files = find_bank_files([tmp_path]).files
    assert [f.name for f in files] == ["a.YAML", "b.Yml", "c.yaml"]
