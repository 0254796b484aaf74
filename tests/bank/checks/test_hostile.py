"""Hostile text the checker must see through or survive: bidirectional controls (E06), many
short names (C01), one huge capitalised word (C02)."""

from __future__ import annotations

import random
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bank.checks import bank_text, seen, write

BIDI = [
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("control", BIDI)
def test_a_bidirectional_control_in_a_key_is_an_error(tmp_path: Path, control: str) -> None:
    escaped = f"\\u{ord(control):04x}"
    bank = write(
        tmp_path,
        bank_text(f'id: capital\ntype: short\nprompt: Capital of Belarus?\nanswer: "{escaped}ksniM"'),
    )
    (problem, hint), *rest = seen(bank)
    assert rest == []
    assert problem.startswith(f"7:13 QG074 'answer' holds the bidirectional control U+{ord(control):04X} (")
    assert problem.endswith("the text shows in another order than it is stored, so it reads as another word")
    assert hint == "delete it: students, graders and every export would see different text"


@pytest.mark.parametrize("key", ["prompt", "choices.1", "evidence", "explanation"])
def test_a_bidirectional_control_in_any_text(tmp_path: Path, key: str) -> None:
    texts = {
        "prompt": "Capital?",
        "choices.1": "Pinsk",
        "evidence": "The capital is Minsk",
        "explanation": "x",
    }
    texts[key] = texts[key][:3] + "\\u202e" + texts[key][3:]
    bank = write(
        tmp_path,
        bank_text(
            f'id: capital\ntype: choice\nprompt: "{texts["prompt"]}"\n'
            f'choices: [Minsk, "{texts["choices.1"]}"]\nanswer: Minsk\n'
            f'evidence: "{texts["evidence"]}"\nexplanation: "{texts["explanation"]}"'
        ),
    )
    codes = [p.split()[1] for p, _ in seen(bank)]
    assert codes == ["QG074"], seen(bank)
    assert (
        f"'{key.partition('.')[0]}' holds the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)"
        in seen(bank)[0][0]
    )


def test_right_to_left_letters_are_not_controls(tmp_path: Path) -> None:
    bank = write(tmp_path, bank_text("id: hebrew\ntype: short\nprompt: Shalom in Hebrew?\nanswer: שלום"))
    assert seen(bank) == []


def _names_bank(path: Path, questions: int) -> Path:
    # Names of 5-6 letters of a small alphabet: many pairs one or two letters apart.
    rnd = random.Random(1)
    lines = ["bank: names", "title: Names", "questions:"]
    for i in range(questions):
        names = " ".join(
            rnd.choice("ABCDEFGH") + "".join(rnd.choices("abcdefgh", k=rnd.randint(4, 5))) for _ in range(10)
        )
        lines.append(f"  - id: q{i}\n    type: short\n    prompt: 'Who met {names}?'\n    answer: Someone")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_many_short_names_are_checked_in_seconds(tmp_path: Path) -> None:
    """C01: 1,500 questions of 10 short names each took more than 15 s (50 s here: quadratic)."""
    bank = _names_bank(tmp_path / "names.yaml", 1500)
    start = time.perf_counter()
    found = seen(bank)
    assert time.perf_counter() - start < 3
    assert found and all(" QG110 " in problem for problem, _ in found)


def test_names_one_letter_apart_in_a_crowd(tmp_path: Path) -> None:
    # 26 x 6 spellings one deletion from 'Qwerty': a list of codes, not a misspelt name.
    variants = [f"Q{'werty'[:i]}{c}{'werty'[i + 1 :]}" for i in range(5) for c in string.ascii_lowercase]
    bank = write(
        tmp_path,
        bank_text(
            *(
                f"id: q{i}\ntype: short\nprompt: 'Who is {v}?'\nanswer: Someone"
                for i, v in enumerate(variants)
            )
        ),
    )
    start = time.perf_counter()
    assert [p for p, _ in seen(bank) if "QG110" in p] == []
    assert time.perf_counter() - start < 2


def test_one_huge_capitalised_word_stays_within_memory(tmp_path: Path) -> None:
    """C02: a 2,400-letter capitalised word ran out of memory under a 3 GB limit."""
    word = "A" + "".join(random.Random(2).choices(string.ascii_lowercase, k=2400))
    bank = write(tmp_path, bank_text(f"id: q\ntype: short\nprompt: Who is {word}?\nanswer: {word[:-1]}z"))
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pathlib import Path\nfrom quizgen.bank.check import load\n"
        "print(len(load([Path(sys.argv[1])]).diagnostics))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(bank)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0"
