"""B01: a folder given to a command reports every entry it passes over, and why; nothing hangs."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.inputs import find_inputs
from tests.conftest import GOOD


def folder_of_oddities(tmp_path: Path) -> Path:
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "good.yaml").write_bytes((GOOD / "all-types.yaml").read_bytes())
    (folder / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    os.mkfifo(folder / "pipe.yml")
    (folder / "loop").symlink_to(folder)
    (folder / "README.md").write_text("not a bank\n", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("x", encoding="utf-8")
    return folder


def test_check_names_each_entry_it_passes_over_and_why(tmp_path: Path) -> None:
    folder = folder_of_oddities(tmp_path)
    result = CliRunner().invoke(app, ["check", str(folder)])
    lines = result.output.splitlines()
    assert (
        f"{folder}/gone.yaml:1:1: warning: not read: a symbolic link to a file that does not exist"
        in "\n".join(lines)
    )
    assert any(
        line.startswith(f"{folder}/pipe.yml:1:1: warning: not read: not a regular file (a FIFO")
        for line in lines
    )
    assert any(
        line.startswith(f"{folder}/loop:1:1: warning: not read: a link back to a folder already searched")
        for line in lines
    )
    assert "README.md" not in result.output and ".hidden" not in result.output
    assert "1 bank, " in result.output  # the good bank is read, once


def test_a_folder_of_nothing_readable_says_what_it_found(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    result = CliRunner().invoke(app, ["check", str(folder)])
    assert result.exit_code == 2
    assert f"no bank files (*.yaml, *.yml) in {folder}; skipped {folder}/pipe.yaml: not a regular file" in (
        result.output
    )


def test_other_suffixes_are_reported_when_the_caller_asks() -> None:
    found = find_inputs([GOOD], (".png",), others="not a PDF or image quizgen reads")
    assert found.files == []
    assert {s.reason for s in found.skipped} == {"not a PDF or image quizgen reads"}


def test_a_path_that_cannot_be_looked_at_says_the_systems_reason(tmp_path: Path) -> None:
    # The reason is the system's own: a name too long is not "permission denied or a loop".
    long_name = tmp_path / ("a" * 300 + ".yaml")
    (tmp_path / "x.yaml").symlink_to(tmp_path / "y.yaml")
    (tmp_path / "y.yaml").symlink_to(tmp_path / "x.yaml")
    found = find_inputs([long_name, tmp_path / "x.yaml"], (".yaml",))
    reasons = [s.reason for s in found.skipped]
    assert reasons == [
        "cannot be looked at: file name too long",
        "cannot be looked at: too many levels of symbolic links",
    ]
