"""Every export diagnostic (QG2xx) is found by some export of some bank, at the right place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quizgen.diagnostics import CODES
from quizgen.lms import FORMATS
from tests.lms.conftest import ALL_BANKS, exported


def test_every_export_code_is_triggered(write_bank: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    long_id = "a" * 95
    bank = write_bank(
        f"""
        bank: codes
        title: Codes
        questions:
          - id: pictured
            type: short
            prompt: Which country?
            answer: Belarus
            image: map.png
          - id: {long_id}
            type: truefalse
            prompt: A long id.
            answer: true
          - id: two-lines
            type: truefalse
            prompt: "One\\ntwo"
            answer: true
          - id: arrow
            type: short
            prompt: Which arrow?
            answer: "->"
            accept: ["=>"]
        """
    )
    found: dict[str, list[str]] = {}
    for fmt in FORMATS:
        result, _ = exported(fmt, *ALL_BANKS, bank)
        for d in result.diagnostics:
            found.setdefault(d.code, []).append(f"{fmt} {Path(d.path).name}:{d.line}")
    assert sorted(found) == sorted(c for c in CODES if c.startswith("QG2") and c not in ("QG203", "QG204"))
    assert found["QG201"] == ["gift bank.yaml:8", "csv bank.yaml:8"]
    assert found["QG206"] == ["moodle bank.yaml:9"]
    assert found["QG205"] == ["csv bank.yaml:15"]
    assert found["QG208"] == ["moodle gift-specials.yaml:43", "gift bank.yaml:20"]
    # QG203 and QG204 (Moodle's own limits) are triggered, at their lines, in test_moodle.py.
