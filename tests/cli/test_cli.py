"""The commands as a user runs them: exit codes, messages, and the files left behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizgen.cli import app
from tests.conftest import GOOD

runner = CliRunner()

BROKEN = """\
bank: broken
title: Broken
questions:
  - id: q1
    type: choice
    prompt: Pick one
    choices: [a, b]
    answer: c
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_version_and_module_entry_point() -> None:
    assert run("--version") == (0, "quizgen 0.1.0\n")
    done = subprocess.run([sys.executable, "-m", "quizgen", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "quizgen 0.1.0\n"


COMMANDS = ("check", "schema", "anki", "quiz", "export", "build", "grade")


def test_help_lists_every_command_with_an_example() -> None:
    code, out = run("--help")
    assert code == 0
    listed = out[out.index("Commands:") :]
    for command in COMMANDS:
        summary = next(line for line in listed.splitlines() if line.split()[:1] == [command])
        assert not summary.endswith("..."), summary  # a summary that skims is whole
        sub_code, sub_out = run(command, "--help")
        assert sub_code == 0 and "Example: quizgen" in sub_out


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_programmer_types(command: str) -> None:
    _, out = run(command, "--help")
    assert not re.search(r"<(int|float|str|text|path)( range)?>|\[Path\]|<list", out), out


def test_the_saved_help_is_what_typer_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """`quizgen --help` is answered from quizgen/cli/help.txt without importing Typer; this
    fails when a command's summary or the app's help changes and the text is not saved again:
    python -c "from quizgen.cli import save_help; save_help()"
    """
    from quizgen.cli import saved_help

    monkeypatch.setenv("COLUMNS", "80")
    code, out = run("--help")
    assert code == 0 and saved_help() == out


@pytest.mark.parametrize("args", [["--help"], ["-h"], []])
def test_help_without_typer_prints_typers_text(args: list[str]) -> None:
    code = (
        "import sys; sys.argv = ['quizgen', *sys.argv[1:]]\n"
        "from quizgen.cli import main, saved_help; main()\n"
        "assert 'typer' not in sys.modules and 'click' not in sys.modules, 'typer imported'\n"
    )
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Usage: quizgen [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:\n  check " in done.stdout


def test_a_narrow_terminal_gets_the_help_wrapped_by_click() -> None:
    from quizgen.cli import saved_help

    env = {**os.environ, "COLUMNS": "60"}
    args = [sys.executable, "-m", "quizgen", "--help"]
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "Commands:" in done.stdout
    assert done.stdout != saved_help()  # Click wrapped it to 60 columns itself
    assert max(len(line) for line in done.stdout.split("\n\n")[1].splitlines()) <= 60


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys; from quizgen.cli import app; "
        "heavy = [m for m in ('yaml', 'genanki', 'typst', 'jinja2', 'anki') if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("command", ["anki", "quiz", "build"])
def test_a_broken_bank_stops_every_writer_before_it_writes(
    command: str, broken: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    target = {
        "anki": ["-o", str(out / "d.apkg")],
        "quiz": ["-o", str(out / "q.pdf")],
        "build": ["--out", str(out)],
    }
    code, output = run(command, str(broken), *target[command])
    assert code == 1
    assert f"{broken}:8:13: error: answer 'c' is not one of the choices [QG020]" in output
    assert "1 bank, 1 question: 1 error, 0 warnings; nothing written" in output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quiz", "--types", "chioce"], "--types: unknown value 'chioce' (did you mean 'choice'?)"),
        (["quiz", "--difficulty", "hardest"], "--difficulty: unknown value 'hardest' (did you mean 'hard'?)"),
        (["quiz", "-o", "quiz.docx"], "cannot tell the format of 'quiz.docx'; use --format pdf|html|md"),
        (["quiz", "--count", "99"], "--count 99, but only 9 questions match; ask for fewer"),
        (["quiz", "--tags", "no-such-tag"], "no questions match the filters"),
        (["anki", "-o", "deck.zip"], "--output must end in .apkg, not 'deck.zip'"),
        (["check", "no/such/folder"], "no such file or folder: no/such/folder"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str, tmp_path: Path) -> None:
    command, *rest = args
    code, output = run(command, str(GOOD / "all-types.yaml"), *rest) if command != "check" else run(*args)
    assert code == 2
    assert f"quizgen: error: {message}" in output


def test_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("check", str(tmp_path))
    assert code == 2
    assert f"no bank files (*.yaml, *.yml) in {tmp_path}" in output


def test_quiz_writes_the_quiz_and_its_key(tmp_path: Path) -> None:
    out = tmp_path / "monday.pdf"
    code, output = run("quiz", str(GOOD / "all-types.yaml"), "-n", "5", "-v", "2", "-o", str(out))
    assert code == 0, output
    assert out.is_file() and (tmp_path / "monday-key.pdf").is_file()
    assert f"wrote {out}" in output


def test_quiz_format_comes_from_the_file_name_or_the_option(tmp_path: Path) -> None:
    code, _ = run("quiz", str(GOOD / "all-types.yaml"), "-o", str(tmp_path / "q.html"), "--no-key")
    assert code == 0
    assert (tmp_path / "q.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert not (tmp_path / "q-key.html").exists()
    code, _ = run("quiz", str(GOOD / "all-types.yaml"), "-o", str(tmp_path / "q.txt"), "--format", "md")
    assert code == 0 and (tmp_path / "q.txt").is_file()


def test_anki_writes_the_package_and_its_lock_file(tmp_path: Path) -> None:
    out = tmp_path / "deck.apkg"
    code, output = run("anki", str(GOOD), "-o", str(out), "--types", "choice,cloze")
    assert code == 0, output
    assert out.is_file() and (tmp_path / "deck.lock.json").is_file()
    assert "4 notes (6 cards) in 2 decks; 4 new or changed since the last build" in output
    code, output = run("anki", str(GOOD), "-o", str(out), "--types", "choice,cloze")
    assert "4 notes (6 cards) in 2 decks; 0 new or changed since the last build" in output


def test_build_writes_the_documented_files(tmp_path: Path) -> None:
    out = tmp_path / "decks"
    code, output = run("build", str(GOOD / "all-types.yaml"), "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "all-types-quiz-key.pdf",
        "all-types-quiz.pdf",
        "quizgen-tests.apkg",
        "quizgen-tests.lock.json",
    ]
    assert f"built 1 bank, 9 questions into {out}/" in output


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os

    out = tmp_path / "q.md"
    old = os.umask(0o022)
    try:
        code, _ = run("quiz", str(GOOD / "all-types.yaml"), "-o", str(out))
    finally:
        os.umask(old)
    assert code == 0
    assert out.stat().st_mode & 0o777 == 0o644


def test_an_output_folder_that_cannot_be_made_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, output = run("quiz", str(GOOD / "all-types.yaml"), "-o", str(blocker / "q.pdf"))
    assert code == 1
    assert f"quizgen: error: cannot write {blocker / 'q.pdf'}" in output
