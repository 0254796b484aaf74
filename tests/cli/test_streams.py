"""What quizgen prints, and where: control characters escaped, colour only when wanted,
arguments that are not UTF-8, and standard streams that cannot be written. Real processes,
since file descriptors and argument bytes are what these are about."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.diagnostics import _UNSAFE, Diagnostic, Severity, terminal_safe
from tests.conftest import GOOD

ROOT = Path(__file__).parent.parent.parent
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
runner = CliRunner()

# A bank whose id and key hold terminal escapes: clear the screen, set the window title, and a
# carriage return followed by a forged diagnostic.
HOSTILE = (
    "bank: b\ntitle: T\nquestions:\n"
    '  - id: "x\\e[2J\\e[32mALL CHECKS PASSED\\e[0m"\n    type: short\n    prompt: p\n    answer: a\n'
    '  - id: "y\\e]0;pwned\\a\\rquestions/x.yaml:1:1: error: forged"\n    type: short\n    prompt: q\n'
    "    answer: b\n"
)


def quizgen(*args: str | bytes, **kw: object) -> subprocess.CompletedProcess[bytes]:
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kw}
    return subprocess.run([sys.executable, "-m", "quizgen", *args], env=ENV, **streams)  # type: ignore[call-overload,no-any-return]


def test_escape_sequences_from_a_bank_never_reach_the_terminal(tmp_path: Path) -> None:
    bank = tmp_path / "x.yaml"
    bank.write_text(HOSTILE, encoding="utf-8")
    done = quizgen("check", str(bank))
    assert done.returncode == 1
    lines = done.stdout.decode().splitlines()
    assert (
        lines[0]
        == f"{bank}:4:9: error: question id 'x\\e[2J\\e[32mALL CHECKS PASSED\\e[0m' is not a slug [QG015]"
    )
    assert lines[2] == (
        f"{bank}:8:9: error: question id 'y\\e]0;pwned\\x07\\rquestions/x.yaml:1:1: error: forged' "
        "is not a slug [QG015]"
    )
    github = quizgen("check", str(bank), "--format", "github").stdout.decode()
    assert "\x1b" not in github and "\r" not in github and "\x07" not in github
    assert "question id 'y\\e]0;pwned\\x07\\rquestions/x.yaml" in github


@given(st.text(), st.text(), st.text())
def test_a_diagnostic_prints_no_control_character_whatever_its_text(
    path: str, message: str, hint: str
) -> None:
    d = Diagnostic(path, 1, 1, Severity.ERROR, "QG012", message, hint)
    text = d.format_text()
    assert not _UNSAFE.search(text.replace("\n", ""))
    first, *rest = text.split("\n")
    assert first.startswith(terminal_safe(path) + ":1:1: error: ")
    assert all(line.startswith("    ") for line in rest)  # no line of a hint can pose as a diagnostic
    github = d.format_github()
    assert not _UNSAFE.search(github) and github.startswith("::error file=")


def test_terminal_safe_names_each_character() -> None:
    assert terminal_safe("a\x1b[2J\r\n\x00\x07\x7f\x9b\u202e\u2028\udcfc\tb") == (
        "a\\e[2J\\r\\n\\x00\\x07\\x7f\\x9b\\u202e\\u2028\\xfc\\tb"
    )
    assert terminal_safe("Минск — ok") == "Минск — ok"


def test_colour_only_without_no_color(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = tmp_path / "x.yaml"
    bank.write_text(HOSTILE, encoding="utf-8")
    coloured = runner.invoke(app, ["check", str(bank)], color=True).output
    assert "\x1b[31m" in coloured  # red on a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    plain = runner.invoke(app, ["check", str(bank)], color=True).output
    assert "\x1b" not in plain and "error: question id 'x\\e[2J" in plain


# -- arguments that are not UTF-8 --------------------------------------------------------------


@pytest.mark.parametrize("option", ["--seed", "--title", "--instructions"])
def test_a_text_argument_that_is_not_utf8_is_a_usage_error(option: str, tmp_path: Path) -> None:
    done = quizgen("quiz", str(GOOD / "all-types.yaml"), option, b"Pr\xfcfung", "-o", str(tmp_path / "q.pdf"))
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"quizgen: error: {option} is not valid UTF-8 text: 'Pr\\xfcfung'; "
        "set the terminal to UTF-8 (e.g. LANG=C.UTF-8)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_bank_whose_file_name_is_not_utf8_prints_everywhere(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    bank = folder + b"/Pr\xfcfung.yaml"
    shutil.copy(GOOD / "all-types.yaml", os.fsdecode(bank))
    for out in (b"q.pdf", b"q.html", b"q.md", b"d.apkg"):
        command = "anki" if out.endswith(b".apkg") else "quiz"
        done = quizgen(command, bank, "-o", folder + b"/\xfc" + out)
        assert done.returncode == 0, done.stderr
        assert f"wrote {tmp_path}/\\xfc{out.decode()}\n".encode() in done.stderr
    broken = folder + b"/\xe9.yaml"
    with open(broken, "wb") as f:
        f.write(b"bank: b\ntitle: T\nquestions: 3\n")
    done = quizgen("check", broken)
    assert done.stdout.decode().startswith(f"{tmp_path}/\\xe9.yaml:3:12: error: 'questions' should be a list")
    assert (
        b'"path": "' + str(tmp_path).encode() + b'/\\udce9.yaml"'
        in quizgen("check", broken, "-f", "json").stdout
    )


# -- standard streams ------------------------------------------------------------------------


def test_check_onto_a_full_disk_says_so_without_a_traceback(tmp_path: Path) -> None:
    bank = tmp_path / "x.yaml"
    bank.write_text(HOSTILE, encoding="utf-8")
    with open("/dev/full", "wb") as full:
        done = quizgen("check", str(bank), stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert (
        done.stderr.decode() == "quizgen: error: cannot write to standard output: No space left on device\n"
    )


def test_schema_onto_a_full_disk(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = quizgen("schema", stdout=full, stderr=subprocess.PIPE)
    assert (done.returncode, done.stderr) == (
        1,
        b"quizgen: error: cannot write to standard output: No space left on device\n",
    )


def test_a_reader_who_stops_reading_ends_the_output_quietly(tmp_path: Path) -> None:
    bank = tmp_path / "x.yaml"
    items = "".join(f"  - id: Q{i}\n    type: short\n    prompt: p{i}\n    answer: a\n" for i in range(3000))
    bank.write_text(f"bank: b\ntitle: T\nquestions:\n{items}", encoding="utf-8")
    done = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m quizgen check "{bank}" | head -n 1'],
        env=ENV,
        capture_output=True,
    )
    assert done.stdout.decode().startswith(f"{bank}:4:9: error: question id 'Q0' is not a slug")
    assert done.stderr == b""  # no traceback, no "Exception ignored"


def test_a_standard_error_that_cannot_be_written_does_not_fail_the_work(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = quizgen("anki", str(GOOD / "all-types.yaml"), "-o", str(tmp_path / "d.apkg"), stderr=full)
    assert done.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.apkg", "d.lock.json"]
