"""What a student reads on the cards of the project's decks (the output review), rendered
by the real Anki library."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from anki.collection import Collection

from quizgen.anki.fields import short_label
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


@pytest.mark.parametrize(("kind", "label"), [("short", "Answer in "), ("cloze", "Fill in the blank")])
def test_short_and_cloze_fronts_have_their_label(student: Collection, kind: str, label: str) -> None:
    for front, _ in fronts_and_backs(student, kind):
        assert front.startswith(label), front


def test_a_short_front_says_how_long_the_answer_is_once(student: Collection) -> None:
    """C11: "ANSWER IN A WORD OR TWO" stood above "... operations? Answer in one word."."""
    fronts = [front for front, _ in fronts_and_backs(student, "short")]
    told = [f for f in fronts if "one word" in f.lower()]
    assert told, "the banks no longer have a short prompt that says 'one word'"
    for front in fronts:
        assert front.lower().count("word") == 1, front
    assert all(f.startswith("Answer in one word ") for f in told), told


@pytest.mark.parametrize(
    ("prompt", "label", "shown"),
    [
        ("Which? Answer in one word.", "Answer in one word", "Which?"),
        ("Which city (one word) lies west?", "Answer in one word", "Which city lies west?"),
        ("Name the city. (two words)", "Answer in two words", "Name the city."),
        ("Which one? Give one word only.", "Give one word only", "Which one?"),
        ("Who?  In a word or two.", "Answer in a word or two", "Who?"),
        ("Who? Answer with a single word!", "Answer with a single word", "Who?"),
        ("What is described in one word", "Answer in a word or two", "What is described in one word"),
        ("Answer in one word.", "Answer in a word or two", "Answer in one word."),
        ("Which city?", "Answer in a word or two", "Which city?"),
    ],
)
def test_the_short_label_agrees_with_the_prompt(prompt: str, label: str, shown: str) -> None:
    assert short_label(prompt) == (label, shown)


def test_a_match_back_keeps_each_number_with_its_first_word(student: Collection) -> None:
    """C13: on a phone "1." stood above "Poland": a no-break space ties them (the layout test
    measures it at 390 px)."""
    cards = [student.get_card(cid) for cid in student.find_cards("tag:quizgen::type::match")]
    for card in cards:
        cells = re.findall(r'<td>(<span class="qg-key">[^<]*</span>.)', card.answer())
        assert cells and all(cell.endswith("\u00a0") for cell in cells), card.answer()


def test_an_order_back_labels_the_front_letters(student: Collection) -> None:
    """C14: each row ended in a bold letter (B, C, D, A) that read like an answer."""
    cards = [student.get_card(cid) for cid in student.find_cards("tag:quizgen::type::order")]
    assert len(cards) >= 4
    for card in cards:
        back = card.answer().split('<hr id="answer">')[-1]
        rows = re.findall(r"<li>.*?</li>", back)
        assert rows and all(
            re.search(r'<span class="qg-was">was\u00a0[A-Z]</span></li>$', r) for r in rows
        ), back
        front_letters = sorted(re.findall(r"was\u00a0([A-Z])<", back))
        assert front_letters == [chr(65 + i) for i in range(len(rows))]  # every front letter once


def test_numbers_read_as_written(student: Collection) -> None:
    backs = " ".join(back for _, back in fronts_and_backs(student, "numeric"))
    assert "2022" in backs and "2,022" not in backs  # a year
    assert "Accepted: 9\u201311 months" in backs and "\u00b1" not in backs  # a range, not "± 1 months"
    # C12: "9000 soldiers" stood above the explanation's "9,000": a count with a unit is grouped.
    assert "9,000 soldiers" in backs and "9000" not in backs


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
