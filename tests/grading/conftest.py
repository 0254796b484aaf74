"""Fixtures of the grading tests: one quiz with its sheets, rendered once for the module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from quizgen.grading import sheet
from quizgen.select import Quiz, QuizSettings, build_quiz, select
from tests.conftest import load_ok
from tests.grading import bank


@dataclass(frozen=True)
class Printed:
    quiz: Quiz
    layout: dict[str, Any]
    pdf: bytes
    bank: Path


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Printed]:
    """Two versions of the grading bank with numeric grids, their layout and sheets PDF."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    path = bank.write(tmp_path_factory.mktemp("bank"))
    checked = load_ok(path)
    quiz = build_quiz(select(checked.banks), QuizSettings(title="Grading test", seed="7", versions=2))
    data = sheet.layout(quiz, sheet.SheetOptions(numeric_grids=True))
    yield Printed(quiz, data, sheet.render(data, timestamp=1_700_000_000), path)
    if old is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = old
