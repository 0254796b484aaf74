"""What a student reads on the cards of the project's decks (the output review), rendered
by the real Anki library."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from anki.collection import Collection

from tests.anki.test_anki import build, import_into, visible
from tests.conftest import QUESTIONS


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        folder = tmp_path_factory.mktemp("student")
        out = folder / "deck.apkg"
        build(out, *sorted(QUESTIONS.glob("*.yaml")))
        col = Collection(str(folder / "collection.anki2"))
        import_into(col, out)
        yield col
        col.close()


def fronts_and_backs(col: Collection, kind: str) -> list[tuple[str, str]]:
    cards = [col.get_card(cid) for cid in col.find_cards(f"tag:quizgen::type::{kind}")]
    assert cards, kind
    return [(visible(c.question()), visible(c.answer())) for c in cards]


@pytest.mark.parametrize(
    ("kind", "said"), [("multi", "select all that apply"), ("truefalse", "true or false")]
)
def test_no_instruction_is_shown_twice(student: Collection, kind: str, said: str) -> None:
    for front, _ in fronts_and_backs(student, kind):
        assert front.lower().count(said) == 1, front


@pytest.mark.parametrize(
    ("kind", "label"), [("short", "Answer in a word or two"), ("cloze", "Fill in the blank")]
)
def test_short_and_cloze_fronts_have_their_label(student: Collection, kind: str, label: str) -> None:
    for front, _ in fronts_and_backs(student, kind):
        assert front.startswith(label), front


def test_numbers_read_as_written(student: Collection) -> None:
    backs = " ".join(back for _, back in fronts_and_backs(student, "numeric"))
    assert "2022" in backs and "2,022" not in backs  # a year
    assert "Accepted: 9\u201311 months" in backs and "\u00b1" not in backs  # a range, not "± 1 months"


def test_a_letter_never_reads_as_a_word(student: Collection) -> None:
    """'A A statement to Belta': the letter now has its period, as on paper."""
    texts = " ".join(
        " ".join(pair) for kind in ("choice", "multi", "match") for pair in fronts_and_backs(student, kind)
    )
    assert re.search(r"\b[A-D]\. A ", texts), "the banks no longer have a choice starting with 'A'"
    assert "A A " not in texts


def test_quotes_inside_evidence_are_single(student: Collection) -> None:
    backs = " ".join(back for _, back in fronts_and_backs(student, "match"))
    assert "\u201c\u2018Lukashenko is a disgrace to my country,\u2019 says Tichanovskaya" in backs


def test_each_deck_names_its_article_date_and_link(student: Collection) -> None:
    decks = {d.name: student.decks.get(d.id) for d in student.decks.all_names_and_ids() if "::" in d.name}
    assert len(decks) == 3
    for name, deck in decks.items():
        assert deck is not None
        description = deck["desc"]
        assert "Questions on the article <cite>" in description, name
        assert " as of " in description and name.split("::")[1][:4] in description


def test_new_cards_come_in_the_order_of_the_articles_dates(student: Collection) -> None:
    dues = {}
    for name, did in ((d.name, d.id) for d in student.decks.all_names_and_ids() if "::" in d.name):
        positions = [student.get_card(cid).due for cid in student.find_cards(f"did:{did}")]
        dues[name.split("::")[1][:7]] = (min(positions), max(positions))
    ordered = [dues[k] for k in sorted(dues)]  # 2022-10, 2022-12, 2024-08
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ordered)), dues
