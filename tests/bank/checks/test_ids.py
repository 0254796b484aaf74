"""Ids: question and bank ids are slugs, unique in a bank, and bank ids unique across files."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.bank.check import load
from tests.bank.checks import bank_text, seen, write

SLUG_HINT = "use lowercase letters, digits and single hyphens, e.g. 'joint-unit-purpose'"
DUPLICATE_BANK_HINT = "every bank needs its own id: it is part of every Anki note's identity"


def short(qid: str, prompt: str = "In which country does Tichanovskaya live in exile?") -> str:
    return f"id: {qid}\ntype: short\nprompt: {prompt}\nanswer: Lithuania"


@pytest.mark.parametrize(
    "qid", ["Exile_Country", "exile country", "exile--country", "-exile", "exile-", "éxile", "EXILE"]
)
def test_question_id_that_is_not_a_slug(tmp_path: Path, qid: str) -> None:
    path = write(tmp_path, bank_text(short(f"'{qid}'")))
    assert seen(path) == [(f"4:9 QG015 question id '{qid}' is not a slug", SLUG_HINT)]


@pytest.mark.parametrize("qid", ["q", "exile-country", "q1", "2020", "007", "a-1-b"])
def test_question_id_that_is_a_slug(tmp_path: Path, qid: str) -> None:
    assert seen(write(tmp_path, bank_text(short(qid)))) == []


@pytest.mark.parametrize("bank_id", ["Putin troops", "putin_troops", "putin-", "Путин"])
def test_bank_id_that_is_not_a_slug(tmp_path: Path, bank_id: str) -> None:
    header = f"bank: '{bank_id}'\ntitle: t\nquestions:\n"
    assert seen(write(tmp_path, bank_text(short("q"), header=header))) == [
        (f"1:7 QG015 bank id '{bank_id}' is not a slug", SLUG_HINT)
    ]


def test_duplicate_question_ids_name_the_first(tmp_path: Path) -> None:
    text = bank_text(
        short("exile-country"),
        short("other", "Where does the opposition leader live?"),
        short("exile-country", "Which neighbour hosts the opposition?"),
        short("exile-country", "Where is Tichanovskaya?"),
    )
    assert seen(write(tmp_path, text)) == [
        (
            "12:9 QG023 question id 'exile-country' is used twice in this bank",
            "the first is on line 4; ids must be unique and never reused",
        ),
        (
            "16:9 QG023 question id 'exile-country' is used twice in this bank",
            "the first is on line 4; ids must be unique and never reused",
        ),
    ]


def test_the_same_question_id_in_two_banks_is_fine(tmp_path: Path) -> None:
    first = write(tmp_path, bank_text(short("q"), header="bank: a\ntitle: A\nquestions:\n"), "a.yaml")
    second = write(tmp_path, bank_text(short("q"), header="bank: b\ntitle: B\nquestions:\n"), "b.yaml")
    assert seen([first, second]) == []


def test_duplicate_bank_ids_across_files(tmp_path: Path) -> None:
    header = "title: t\nbank: belarus\nquestions:\n"
    paths = [write(tmp_path, bank_text(short("q"), header=header), f"{n}.yaml") for n in "abc"]
    found = load(paths).diagnostics
    assert [(Path(d.path).name, d.line, d.col, d.code, d.message, d.hint) for d in found] == [
        ("b.yaml", 2, 7, "QG024", f"bank id 'belarus' is also used by {paths[0]}", DUPLICATE_BANK_HINT),
        ("c.yaml", 2, 7, "QG024", f"bank id 'belarus' is also used by {paths[0]}", DUPLICATE_BANK_HINT),
    ]


def test_duplicate_bank_ids_in_a_folder(tmp_path: Path) -> None:
    header = "bank: belarus\ntitle: t\nquestions:\n"
    (tmp_path / "sub").mkdir()
    write(tmp_path, bank_text(short("q"), header=header), "sub/2022.yml")
    write(tmp_path, bank_text(short("q"), header=header), "2024.yaml")
    found = load([tmp_path]).diagnostics
    assert [(d.path, d.message) for d in found] == [
        (str(tmp_path / "sub" / "2022.yml"), f"bank id 'belarus' is also used by {tmp_path / '2024.yaml'}")
    ]
