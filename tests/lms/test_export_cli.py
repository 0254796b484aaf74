"""`quizgen export`: what a user sees, what is written, and that it is the same every time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from quizgen.cli import app
from tests.conftest import GOOD
from tests.lms.conftest import ALL_BANKS

runner = CliRunner()
SUFFIXES = {"moodle": ".xml", "gift": ".gift.txt", "qti": ".zip", "csv": ".csv"}


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_two_exports_are_byte_identical(tmp_path: Path, fmt: str) -> None:
    outs = []
    for n in (1, 2):
        out = tmp_path / f"{n}{SUFFIXES[fmt]}"
        run = runner.invoke(app, ["export", fmt, *map(str, ALL_BANKS), "-o", str(out)])
        assert run.exit_code == 0, run.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0]) > 500


def test_what_is_left_out_is_reported_with_its_line(tmp_path: Path) -> None:
    out = tmp_path / "quiz.gift.txt"
    run = runner.invoke(app, ["export", "gift", str(GOOD / "all-types.yaml"), "-o", str(out)])
    assert run.exit_code == 0
    assert (
        f"{GOOD / 'all-types.yaml'}:55:11: warning: GIFT cannot carry a cloze with 2 blanks "
        "(GIFT's missing-word format has one); question 'gomel-route' is left out [QG202]"
    ) in run.output
    # Points GIFT cannot write: one warning naming every question, with the count.
    assert (
        f"{GOOD / 'all-types.yaml'}:31:13: warning: GIFT cannot carry points (GIFT has no syntax for a "
        "question's mark; Moodle imports each with mark 1); 4 questions written without it: "
        "'who-fears-saboteurs', 'who-is-who', 'timeline', 'why-not-fight' [QG207]"
    ) in run.output
    assert "8 questions exported to gift, 1 question left out (see above)" in run.output
    assert out.exists()


def test_strict_makes_it_an_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "quiz.zip"
    run = runner.invoke(app, ["export", "qti", str(GOOD / "all-types.yaml"), "-o", str(out), "--strict"])
    assert run.exit_code == 1
    assert "69:11: error: Canvas QTI cannot carry an ordering question" in run.output
    assert "nothing written" in run.output
    assert not out.exists()


def test_filters_and_sampling(tmp_path: Path) -> None:
    out = tmp_path / "q.xml"
    run = runner.invoke(
        app, ["export", "moodle", str(GOOD / "all-types.yaml"), "-o", str(out), "--types", "order,open"]
    )
    assert run.exit_code == 0, run.output
    data = out.read_text(encoding="utf-8")
    assert data.count('<question type="ordering">') == 1 and data.count('<question type="essay">') == 1
    run = runner.invoke(
        app, ["export", "moodle", str(GOOD / "all-types.yaml"), "-o", str(out), "-n", "3", "--seed", "x"]
    )
    assert run.exit_code == 0
    assert out.read_text(encoding="utf-8").count("<idnumber>") == 3
    run = runner.invoke(app, ["export", "moodle", str(GOOD / "all-types.yaml"), "-o", str(out), "-n", "30"])
    assert run.exit_code == 2
    assert "--count 30, but only 9 questions match" in run.output


def test_nothing_left_to_export_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "cards.csv"
    run = runner.invoke(
        app, ["export", "csv", str(GOOD / "all-types.yaml"), "-o", str(out), "--types", "order"]
    )
    assert run.exit_code == 1
    assert "every question was left out; nothing written" in run.output
    assert not out.exists()


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    run = runner.invoke(
        app, ["export", "blackboard", str(GOOD / "all-types.yaml"), "-o", str(tmp_path / "x")]
    )
    assert run.exit_code == 2
    assert "blackboard" in run.output


def test_no_output_names_the_option_and_an_example() -> None:
    run = runner.invoke(app, ["export", "moodle", str(GOOD / "all-types.yaml")])
    assert run.exit_code == 2
    assert run.output == (
        "quizgen: error: export needs --output (-o): the file to write, "
        "e.g. quizgen export moodle questions/ -o quiz.xml\n"
    )


def test_a_folder_as_output_is_refused_with_an_example(tmp_path: Path) -> None:
    run = runner.invoke(app, ["export", "gift", str(GOOD / "all-types.yaml"), "-o", str(tmp_path)])
    assert run.exit_code == 2
    assert run.output == (
        f"quizgen: error: --output {tmp_path} is a folder; name the file to write in it, "
        f"e.g. -o {tmp_path / 'quiz.gift.txt'}\n"
    )


def test_a_missing_folder_is_an_error_unless_parents(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper" / "quiz.csv"
    run = runner.invoke(app, ["export", "csv", str(GOOD / "all-types.yaml"), "-o", str(out)])
    assert run.exit_code == 2
    assert run.output == (
        f"quizgen: error: --output {out}: the folder {out.parent} does not exist; "
        "create it, or add --parents\n"
    )
    assert not (tmp_path / "new").exists()
    run = runner.invoke(app, ["export", "csv", str(GOOD / "all-types.yaml"), "-o", str(out), "--parents"])
    assert run.exit_code == 0, run.output
    assert out.exists()


def test_strict_lists_lint_and_format_problems_together(write_bank: Any, tmp_path: Path) -> None:
    bank = write_bank(
        """
        bank: strict
        title: Strict
        questions:
          - id: long-right
            type: choice
            prompt: Which one?
            choices: ["The long and very specific right answer here", "No", "Yes"]
            answer: "The long and very specific right answer here"
          - id: steps
            type: order
            prompt: In order?
            items: [one, two, three]
        """
    )
    out = tmp_path / "quiz.zip"
    run = runner.invoke(app, ["export", "qti", str(bank), "-o", str(out), "--strict"])
    assert run.exit_code == 1
    errors = [line.rsplit(" ", 1)[-1] for line in run.output.splitlines() if ": error: " in line]
    assert errors == ["[QG101]", "[QG200]"]  # a lint warning and the format's problem, together
    assert run.output.splitlines()[-1].endswith("1 export problem; 2 errors with --strict; nothing written")
    assert not out.exists()
