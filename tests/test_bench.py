"""The benchmark keeps working: its banks are sound, and a smoke-sized run measures everything.

Not a timed test: the numbers are only checked to exist and be positive. The real run
is `python bench/run.py` (see bench/run.py and the README).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import KIND_SHARES, write_bank
from quizgen.bank.check import load
from quizgen.bank.model import QUESTION_KINDS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "run.py"

MEASUREMENTS = {
    "read",
    "apkg",
    "import",
    "quiz",
    "help",
    "export",
    "grade",
    "grade-errors",
    "grade-pupils",
    "build",
    "check_banks",
}
WITH_BASELINE = {"apkg", "import", "help", "export"}


def test_the_shares_name_every_type_once() -> None:
    assert sorted(kind for kind, _ in KIND_SHARES) == sorted(QUESTION_KINDS)
    assert sum(share for _, share in KIND_SHARES) == 100


def test_a_generated_bank_has_every_type_and_checks_clean(tmp_path: Path) -> None:
    info = write_bank(60, tmp_path / "bank.yaml")
    checked = load([info.path])
    assert checked.ok, "\n".join(d.format_text() for d in checked.diagnostics)
    # Not even a warning, but for the item-writing ones (QG100-QG119): the generated text is
    # random words, so answers show up in other stems; checking them is part of the measurement.
    assert [d.format_text() for d in checked.diagnostics if not re.fullmatch(r"QG1[01]\d", d.code)] == []
    questions = checked.banks[0].questions
    assert len(questions) == 60
    assert {q.kind for q in questions} == set(QUESTION_KINDS)
    assert info.kinds == {kind: sum(q.kind == kind for q in questions) for kind in QUESTION_KINDS}


def test_generated_banks_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = write_bank(120, tmp_path / "a.yaml")
    second = write_bank(120, tmp_path / "b.yaml")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_the_smoke_benchmark_measures_everything(tmp_path: Path) -> None:
    for module in ("anki", "genanki", "typst"):
        pytest.importorskip(module)
    out = tmp_path / "smoke.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| measurement | size | time | baseline | ratio | target | ok |" in proc.stdout

    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["smoke"] is True
    assert results["machine"]["cpu_count"]
    assert results["versions"]["genanki"] and results["versions"]["anki"]
    measured = results["measurements"]
    assert {m["key"] for m in measured} == MEASUREMENTS
    for m in measured:
        assert m["seconds"] > 0, m
        assert all(run > 0 for run in m["runs"]), m
        if m["key"] in WITH_BASELINE:
            assert m["baseline_seconds"] > 0 and m["ratio"] > 0, m
    reads = [m for m in measured if m["key"] == "read"]
    assert len(reads) >= 2 and all(m["peak_mb"] > 0 for m in reads)
    exports = [m for m in measured if m["key"] == "export"]
    assert sorted({m["format"] for m in exports}) == ["csv", "gift", "moodle", "qti"]
    assert all(m["written"] > 0 for m in exports)
    builds = [m for m in measured if m["key"] == "build"]
    assert len(builds) >= 2 and all(m["peak_mb"] > 0 and m["pages"] > 0 for m in builds)
    imports = [m for m in measured if m["key"] == "import"]
    assert all(m["cards"] == m["baseline_cards"] for m in imports)

    targets = results["targets"]
    assert {t["name"] for t in targets} >= {
        "read + check time",
        "read + check peak memory",
        ".apkg writing / plain genanki",
        "Anki import / CSV import",
        "quiz PDF",
        "quizgen --help",
    }
    assert all(isinstance(t["ok"], bool) for t in targets)
    assert out.with_suffix(".md").read_text(encoding="utf-8").count("| measurement |") == 1
