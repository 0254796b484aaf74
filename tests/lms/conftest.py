"""Helpers for the export tests: export a bank, and read GIFT back with gift-pegjs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from quizgen.lms import Export, ExportOptions, export, writer
from quizgen.select import select
from tests.conftest import GOOD, load_ok

HERE = Path(__file__).parent
GIFT_PARSER = HERE / "parse_gift.js"
GIFT_PEGJS = HERE / "node" / "node_modules" / "gift-pegjs"
GIFT_SPECIALS = HERE / "banks" / "gift-specials.yaml"
ALL_BANKS = (GOOD / "all-types.yaml", GOOD / "specials.yaml", GIFT_SPECIALS)


def exported(fmt: str, *paths: Path, options: ExportOptions | None = None) -> tuple[Export, list[Any]]:
    """Export the banks at `paths`; also return the (bank, question) pairs that were kept."""
    options = options or ExportOptions()
    pairs = select(load_ok(*paths).banks)
    result = export(pairs, fmt, options)
    w = writer(fmt)
    kept = [(b, q) for b, q in pairs if not list(w.check(b, q, options))]
    assert len(kept) == result.written
    return result, kept


def _missing(what: str) -> None:
    """Locally a missing parser skips; in CI (CI=true) it fails: .ci/run must install it."""
    message = f"{what} is not installed; run the install lines of .ci/run"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def parse_gift(text: str) -> list[dict[str, Any]]:
    """GIFT as gift-pegjs parses it (a JSON list of questions); fails on a syntax error."""
    node = shutil.which("node")
    if node is None or not GIFT_PEGJS.is_dir():
        _missing("node with gift-pegjs (npm install --prefix tests/lms/node)")
    assert node is not None
    run = subprocess.run(
        [node, str(GIFT_PARSER)], input=text, capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert run.returncode == 0, f"gift-pegjs cannot parse our GIFT: {run.stderr}"
    parsed: list[dict[str, Any]] = json.loads(run.stdout)
    return parsed


def need_pandoc() -> None:
    if shutil.which("pandoc") is None:
        _missing("pandoc (apt-get install -y pandoc)")
