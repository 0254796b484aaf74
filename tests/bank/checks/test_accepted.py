"""Accepted warnings (issue 22, item 4): per question, per bank and per project, each with a
reason; printed in full only by `check`, one line elsewhere, fatal with --strict."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from quizgen.bank.accept import settings_for
from quizgen.bank.check import load
from quizgen.cli import app
from tests.bank.checks import bank_text, write

# QG050 (the same prompt twice) at 8:13, in question 'b'; QG100 at 7:13 in question 'a'.
TWO = (
    "id: a\ntype: short\nprompt: Capital?\nanswer: Minsk\nevidence: Pinsk is a town",
    "id: b\ntype: short\nprompt: Capital?\nanswer: Pinsk\nevidence: Pinsk is a town",
)


def shown(path: Path | list[Path], **options: object) -> tuple[list[str], list[str]]:
    checked = load(path if isinstance(path, list) else [path], **options)  # type: ignore[arg-type]
    return (
        [f"{d.line}:{d.col} {d.code}" for d in checked.diagnostics],
        [f"{a.diagnostic.line} {a.diagnostic.code} {a.by}: {a.reason}" for a in checked.accepted],
    )


def test_without_accepts_both_warnings_are_reported(tmp_path: Path) -> None:
    assert shown(write(tmp_path, bank_text(*TWO))) == (["7:13 QG100", "11:13 QG050"], [])


def test_a_question_accepts_its_own_warning_only(tmp_path: Path) -> None:
    first = TWO[0] + "\naccepted:\n  QG100: the town is the capital's twin in this drill"
    path = write(tmp_path, bank_text(first, TWO[1]))
    assert shown(path) == (
        ["13:13 QG050"],
        ["7 QG100 question 'a': the town is the capital's twin in this drill"],
    )
    # The same accept on the other question covers nothing there: it is stale.
    second = TWO[1] + "\naccepted: {QG100: wrong place}"
    path = write(tmp_path, bank_text(TWO[0], second))
    assert shown(path)[0] == ["7:13 QG100", "11:13 QG050", "14:16 QG034"]


def test_a_bank_accepts_a_warning_everywhere_in_it(tmp_path: Path) -> None:
    header = "bank: checks\ntitle: Checks\naccepted:\n  QG050: each is asked of a different map\nquestions:\n"
    path = write(tmp_path, bank_text(*TWO, header=header))
    assert shown(path) == (["9:13 QG100"], ["13 QG050 the bank: each is asked of a different map"])


def test_the_project_accepts_in_quizgen_toml_or_pyproject(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "banks").mkdir(parents=True)
    path = write(project / "banks", bank_text(*TWO))
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.quizgen.accepted]\nQG050 = "drills repeat prompts"\n',
        encoding="utf-8",
    )
    settings_for.cache_clear()
    assert shown(path) == (["7:13 QG100"], [f"11 QG050 {project / 'pyproject.toml'}: drills repeat prompts"])
    # quizgen.toml beside it wins, as ruff.toml wins over pyproject.toml.
    (project / "quizgen.toml").write_text(
        '[accepted]\nQG100 = "quotes are checked by hand"\n', encoding="utf-8"
    )
    settings_for.cache_clear()
    assert shown(path)[0] == ["11:13 QG050"]
    settings_for.cache_clear()


def test_unusable_settings_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, bank_text(TWO[0]))
    (tmp_path / "quizgen.toml").write_text('[accepted]\nQG100 = 3\nQG020 = "an error"\n', encoding="utf-8")
    settings_for.cache_clear()
    checked = load([path])
    settings_for.cache_clear()
    assert [(Path(d.path).name, d.code, d.message) for d in checked.diagnostics] == [
        ("bank.yaml", "QG100", "the answer 'Minsk' is not supported by any evidence quote"),
        ("quizgen.toml", "QG033", "accepted QG020 is not a warning code"),
        ("quizgen.toml", "QG035", "accepted QG100: give the reason as text"),
    ]
    assert not checked.ok


def test_an_accept_without_a_reason_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, bank_text(TWO[0] + "\naccepted: {QG100: ''}"))
    assert shown(path)[0] == ["7:13 QG100", "9:23 QG014"]


def test_check_shows_accepted_warnings_with_their_reason(tmp_path: Path) -> None:
    path = write(tmp_path, bank_text(TWO[0] + "\naccepted:\n  QG100: a drill"))
    runner = CliRunner()
    plain = runner.invoke(app, ["check", str(path)])
    assert (plain.exit_code, plain.stdout) == (0, "")
    assert plain.stderr.startswith("1 bank, 1 question: 0 errors, 0 warnings, 1 accepted\n")
    shown_ = runner.invoke(app, ["check", str(path), "--show-accepted"])
    assert shown_.stdout == (
        f"{path}:7:13: accepted: the answer 'Minsk' is not supported by any evidence quote [QG100]\n"
        "    reason (question 'a'): a drill\n"
    )
    # Accepted warnings stay accepted with --strict; the others become errors.
    assert runner.invoke(app, ["check", str(path), "--strict"]).exit_code == 0


def test_other_commands_print_one_line_for_warnings_and_strict_makes_them_fatal(tmp_path: Path) -> None:
    first = TWO[0] + "\naccepted:\n  QG100: a drill"
    path = write(tmp_path, bank_text(first, TWO[1]))
    runner = CliRunner()
    built = runner.invoke(app, ["build", str(path), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert "QG050" not in built.output and "QG100" not in built.output
    assert "1 warning, 1 accepted: run quizgen check\n" in built.stderr
    strict = runner.invoke(app, ["build", str(path), "--out", str(tmp_path / "strict"), "--strict"])
    assert strict.exit_code == 1
    assert "error: the same prompt is asked twice in this bank [QG050]" in strict.stdout
    assert not (tmp_path / "strict").exists()
