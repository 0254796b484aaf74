"""`quizgen check`: exit codes, where it looks for banks, and the three output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from quizgen.cli import app
from tests.conftest import ARTICLES, BAD, requires_articles

# Good questions of all nine types on a public-domain article (tests/bank/corpus/): no warning.
CORPUS = Path(__file__).resolve().parent.parent / "bank" / "corpus"
CLEAN = CORPUS / "good.yaml"
ONE_ERROR = BAD / "answer-not-a-choice.yaml"  # 9:13 QG020
ONE_WARNING = BAD / "same-prompt-twice.yaml"  # 11:13 QG050


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(app, ["check", *map(str, args)])
    # Whatever happens, never a traceback: only a clean exit.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


# -- exit codes ---------------------------------------------------------------------------------------


def test_a_clean_bank_exits_0_and_prints_a_summary() -> None:
    result = run(CLEAN)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert (
        result.stderr
        == "1 bank, 21 questions: 0 errors, 0 warnings\nevidence not verified: give --articles DIR\n"
    )


def test_an_error_exits_1() -> None:
    result = run(ONE_ERROR)
    assert result.exit_code == 1
    assert (
        result.stderr
        == "1 bank, 1 question: 1 error, 0 warnings\nevidence not verified: give --articles DIR\n"
    )


def test_a_warning_alone_exits_0() -> None:
    result = run(ONE_WARNING)
    assert result.exit_code == 0
    assert (
        result.stderr
        == "1 bank, 2 questions: 0 errors, 1 warning\nevidence not verified: give --articles DIR\n"
    )


def test_quiet_prints_only_the_problems() -> None:
    result = run(ONE_WARNING, "--quiet")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "QG050" in result.stdout


def test_a_missing_path_is_a_usage_error() -> None:
    result = run(CLEAN, "no-such-bank.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "quizgen: error: no such file or folder: no-such-bank.yaml\n"


def test_a_folder_without_banks_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a bank\n", encoding="utf-8")
    result = run(tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"quizgen: error: no bank files (*.yaml, *.yml) in {tmp_path}\n"


def test_a_missing_articles_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run(CLEAN, "--articles", tmp_path / "articles")
    assert result.exit_code == 2
    assert result.stderr == f"quizgen: error: --articles: no such folder: {tmp_path / 'articles'}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "quizgen: error: --format: 'xml' is not one of 'text', 'json', 'github'\n"),
        (["--no-such-option"], "quizgen: error: No such option: --no-such-option\n"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str) -> None:
    result = run(CLEAN, *args)
    assert result.exit_code == 2
    assert result.stderr == message + "(see 'quizgen check --help')\n"


# -- where banks are found ----------------------------------------------------------------------------


def test_a_folder_is_searched_for_yaml_and_yml(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_bytes(CLEAN.read_bytes())
    (tmp_path / "sub" / "b.yml").write_bytes((CORPUS / "more.yaml").read_bytes())
    (tmp_path / "notes.txt").write_text("bank: [broken\n", encoding="utf-8")
    result = run(tmp_path)
    assert result.exit_code == 0
    assert (
        result.stderr
        == "2 banks, 23 questions: 0 errors, 0 warnings\nevidence not verified: give --articles DIR\n"
    )


def test_problems_in_a_folder_name_their_files(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_bytes(CLEAN.read_bytes())
    (tmp_path / "bad.yaml").write_bytes(ONE_ERROR.read_bytes())
    result = run(tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{tmp_path / 'bad.yaml'}:9:13: error: ")


def test_the_default_is_the_questions_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "bank.yaml").write_bytes(ONE_ERROR.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 1
    assert result.stdout.startswith("questions/bank.yaml:9:13: error: ")


def test_without_a_questions_folder_the_default_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 2
    assert result.stderr == "quizgen: error: no such file or folder: questions\n"


# -- text format --------------------------------------------------------------------------------------


def test_text_format_is_path_line_col_severity_message_code_then_hint() -> None:
    result = run(ONE_ERROR)
    assert result.stdout.splitlines() == [
        f"{ONE_ERROR}:9:13: error: answer 'A diversion tactic' is not one of the choices [QG020]",
        "    hint: the closest choice is 'A diversionary tactic'",
    ]


def test_text_format_without_a_hint_has_no_hint_line() -> None:
    path = BAD / "multi-duplicate-answer.yaml"
    assert run(path).stdout.splitlines() == [
        f"{path}:9:26: error: answer 'Volunteers' is listed twice [QG030]"
    ]


def test_text_format_lists_every_problem_of_every_file_in_order() -> None:
    first, second = BAD / "unknown-key.yaml", BAD / "duplicate-key.yaml"
    lines = run(first, second).stdout.splitlines()
    assert [line for line in lines if not line.startswith("    hint:")] == [
        f"{second}:9:5: error: duplicate key 'answer' in a short question [QG004]",
        f"{first}:5:5: error: question 'exile-country' (short) is missing 'answer' [QG010]",
        f"{first}:8:5: error: unknown key 'anwser' in a short question [QG011]",
    ]


def test_a_warning_is_labelled_warning() -> None:
    assert run(ONE_WARNING).stdout.splitlines() == [
        f"{ONE_WARNING}:11:13: warning: the same prompt is asked twice in this bank [QG050]",
        "    hint: question 'exile-country' asks it too",
    ]


# -- json format --------------------------------------------------------------------------------------


def test_json_format_is_a_list_of_objects() -> None:
    result = run(ONE_ERROR, ONE_WARNING, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert json.loads(result.stdout) == [
        {
            "path": str(ONE_ERROR),
            "line": 9,
            "column": 13,
            "severity": "error",
            "code": "QG020",
            "message": "answer 'A diversion tactic' is not one of the choices",
            "hint": "the closest choice is 'A diversionary tactic'",
        },
        {
            "path": str(ONE_WARNING),
            "line": 11,
            "column": 13,
            "severity": "warning",
            "code": "QG050",
            "message": "the same prompt is asked twice in this bank",
            "hint": "question 'exile-country' asks it too",
        },
    ]


def test_json_format_of_a_clean_bank_is_an_empty_list() -> None:
    result = run(CLEAN, "-f", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_json_keeps_non_ascii_text(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text("bank: b\ntitle: Минск\nquestions: []\n日付: 1\n", encoding="utf-8")
    (item,) = json.loads(run(path, "--format", "json").stdout)
    assert item["message"] == "unknown key '日付' in the bank"


# -- github format ------------------------------------------------------------------------------------


def test_github_format_is_workflow_commands() -> None:
    result = run(ONE_ERROR, ONE_WARNING, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={ONE_ERROR},line=9,col=13,title=QG020::answer 'A diversion tactic' is not "
        "one of the choices (the closest choice is 'A diversionary tactic')",
        f"::warning file={ONE_WARNING},line=11,col=13,title=QG050::the same prompt is asked twice "
        "in this bank (question 'exile-country' asks it too)",
    ]


def test_github_format_escapes_line_breaks_and_percent(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text("bank: b\ntitle: 100% sure\n", encoding="utf-8")
    assert run(path, "--format", "github").stdout.splitlines() == [
        f"::error file={path},line=1,col=1,title=QG010::the bank is missing 'questions' "
        "(add questions:%0A      - id: first-question  (The questions.))"
    ]


def test_github_format_of_a_clean_bank_prints_nothing() -> None:
    assert (run(CLEAN, "--format", "github").stdout, run(CLEAN).exit_code) == ("", 0)


def test_github_format_escapes_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "war, peace.yaml"
    path.write_bytes(ONE_ERROR.read_bytes())
    shown = str(path).replace(",", "%2C").replace(":", "%3A")
    assert run(path, "--format", "github").stdout.startswith(f"::error file={shown},line=9,col=13,")


# -- strict and ignore --------------------------------------------------------------------------------


def test_strict_turns_a_warning_into_an_error() -> None:
    result = run(ONE_WARNING, "--strict")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{ONE_WARNING}:11:13: error: the same prompt is asked twice in this bank [QG050]"
    )
    assert (
        result.stderr
        == "1 bank, 2 questions: 1 error, 0 warnings\nevidence not verified: give --articles DIR\n"
    )


def test_ignore_skips_a_code() -> None:
    result = run(ONE_WARNING, "--strict", "--ignore", "QG050")
    assert (result.exit_code, result.stdout) == (0, "")


def test_ignore_is_repeatable_and_skips_errors_too() -> None:
    assert run(ONE_ERROR, ONE_WARNING, "--ignore", "QG020", "--ignore", "QG050").exit_code == 0
    assert run(ONE_ERROR, ONE_WARNING, "--ignore", "QG050").exit_code == 1


# -- never a traceback --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_broken_bank_is_reported_without_a_traceback(path: Path) -> None:
    result = run(path, "--articles", BAD)
    if result.exit_code == 2:  # the bank's article is not in the corpus folder (issue 22, item 6)
        assert result.stderr.startswith("quizgen: error: --articles: none of the banks' articles (")
        return
    assert result.exit_code in (0, 1)
    assert result.stdout or result.exit_code == 0


def test_the_whole_corpus_at_once() -> None:
    result = run(BAD, "--format", "json")
    assert result.exit_code == 1
    codes = {item["code"] for item in json.loads(result.stdout)}
    assert {"QG001", "QG002", "QG003", "QG024", "QG032"} <= codes


@pytest.mark.parametrize(
    "question",
    [
        "  - {id: q, type: numeric, prompt: p, answer: " + "9" * 400 + "}\n",
        "  - {id: q, type: choice, prompt: p, choices: [], answer: a}\n",
    ],
    ids=["huge-number", "no-choices"],
)
def test_crashes_found_in_review_are_diagnostics(tmp_path: Path, question: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text("bank: b\ntitle: t\nquestions:\n" + question, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1


# -- what evidence covered ------------------------------------------------------------------------


@requires_articles
def test_check_says_how_many_quotes_it_found_in_how_many_articles() -> None:
    result = run(BAD / "part-not-supported.yaml", "--articles", ARTICLES)
    assert result.exit_code == 0
    assert result.stderr == "1 bank, 1 question: 0 errors, 1 warning\nevidence: 1 quote found in 1 article\n"
    missing = run(BAD / "evidence-not-found.yaml", "--articles", ARTICLES)
    assert missing.stderr.endswith("\nevidence: 0 quotes found in 1 article; 1 not found\n")


def test_build_says_evidence_was_not_verified_without_articles(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(CLEAN), "--out", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        f"built 1 bank, 21 questions into {tmp_path / 'decks'}/\nevidence not verified: give --articles DIR\n"
    )
