"""Shared fixtures: sample banks on disk and helpers that read as what a user sees."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from quizgen.bank.check import Checked, load

HERE = Path(__file__).parent
GOOD = HERE / "banks" / "good"
BAD = HERE / "bank" / "bad"
ARTICLES = HERE.parent.parent / "shared" / "articles"
QUESTIONS = HERE.parent / "questions"


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in tests are reproducible unless a test says otherwise."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def all_types() -> Path:
    """A valid bank with one question of every type."""
    return GOOD / "all-types.yaml"


@pytest.fixture
def specials() -> Path:
    """A valid bank full of Typst/HTML/Markdown specials and Cyrillic."""
    return GOOD / "specials.yaml"


@pytest.fixture
def write_bank(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write YAML text (dedented) to a bank file in a temporary folder."""

    def write(text: str, name: str = "bank.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


def load_ok(*paths: Path, articles: Path | None = None) -> Checked:
    """Load banks that must be free of errors."""
    checked = load(list(paths), articles)
    assert checked.ok, "\n".join(d.format_text() for d in checked.diagnostics)
    return checked


def diagnostics_of(path: Path, articles: Path | None = None) -> list[str]:
    """Each problem as 'line:col CODE message', as a user reads it."""
    return [f"{d.line}:{d.col} {d.code} {d.message}" for d in load([path], articles).diagnostics]


requires_articles = pytest.mark.skipif(
    not ARTICLES.is_dir(), reason=f"source articles not found at {ARTICLES} (../shared/articles)"
)
