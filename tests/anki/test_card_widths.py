"""Every card, front and back, as a student sees it on a phone (390 px) and a desktop (1000 px),
day and night, laid out by headless Chromium and measured there (issue 23, deliver 4): no box
runs past the screen's edge, no word has its letters on two lines, and every text stands out
from what is behind it by at least 4.5:1 (WCAG AA). Then axe-core on two cards of each kind
(deliver 3), and every link on a card reachable and visibly focused with the keyboard.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from anki.collection import Collection

from tests.a11y.browser import needs_axe, needs_chromium, run_pages
from tests.a11y.keyboard import LINKS, Browser, tab_through
from tests.anki.test_anki import build, import_into
from tests.conftest import GOOD, QUESTIONS

if TYPE_CHECKING:  # anki.cards imported before anki.collection is a circular import
    from anki.cards import Card

pytestmark = needs_chromium

WIDTHS = {"phone": 390, "desktop": 1000}
MODES = {"day": "card card1", "night": "card card1 nightMode night_mode"}
# Rules about the reviewer's page, which Anki writes around a card: not the card's to pass.
PAGE_RULES = ("region", "landmark-one-main", "page-has-heading-one")


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Card]]:
    """Every card of the project's banks, imported into a fresh collection."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        folder = tmp_path_factory.mktemp("widths")
        out = folder / "deck.apkg"
        build(out, *sorted(QUESTIONS.glob("*.yaml")))
        col = Collection(str(folder / "collection.anki2"))
        import_into(col, out)
        yield [col.get_card(cid) for cid in col.find_cards("")]
        col.close()


def kind(card: Card) -> str:
    return next(t.split("::")[-1] for t in card.note().tags if re.search(r"(^|::)type::\w+$", t))


def reviewer_page(side: str, body_class: str) -> str:
    """A rendered card side in a page as Anki's reviewer shows it: the card is the body."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Card</title>'
        f'<style>body {{ margin: 0; }}</style></head><body class="{body_class}">{side}</body></html>'
    )


def sides(cards: list[Card], mode: str) -> dict[str, str]:
    return {
        f"{kind(c)} {c.note()['Ref']} card {c.ord + 1} {name}": reviewer_page(getattr(c, name)(), MODES[mode])
        for c in cards
        for name in ("question", "answer")
    }


def test_every_kind_of_card_is_here(cards: list[Card]) -> None:
    kinds = {(c.note_type()["name"], kind(c)) for c in cards}
    assert {k for _, k in kinds} == {
        "short", "truefalse", "numeric", "open", "choice", "multi", "cloze", "match", "order"
    }  # fmt: skip
    assert len({n for n, _ in kinds}) == 4


@pytest.mark.parametrize(("width", "mode"), list(itertools.product(WIDTHS, MODES)))
def test_every_card_fits_keeps_its_words_and_reads_clearly(cards: list[Card], width: str, mode: str) -> None:
    found = run_pages(sides(cards, mode), WIDTHS[width])
    assert len(found) == 2 * len(cards)
    overflow = {name: r["overflow"] for name, r in found.items() if r["overflow"]}
    broken = {name: r["broken"] for name, r in found.items() if r["broken"]}
    faint = {name: r["contrast"] for name, r in found.items() if r["contrast"][0] < 4.5}
    assert overflow == {}
    assert broken == {}
    assert faint == {}


def sample(cards: list[Card], per_kind: int = 2) -> list[Card]:
    """`per_kind` cards of every kind, the longest first (they have the most to go wrong)."""
    ordered = sorted(cards, key=lambda c: (kind(c), -len(c.answer())))
    return [c for _, group in itertools.groupby(ordered, kind) for c in list(group)[:per_kind]]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Card]]:
    """A card of every kind whose back links to its article (no project bank has a URL yet)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        folder = tmp_path_factory.mktemp("linked")
        bank = folder / "all-types.yaml"
        text = (GOOD / "all-types.yaml").read_text(encoding="utf-8")
        bank.write_text(
            text.replace("  published: 2022-10\n", "  published: 2022-10\n  url: https://example.org/a\n")
        )
        build(folder / "deck.apkg", bank)
        col = Collection(str(folder / "collection.anki2"))
        import_into(col, folder / "deck.apkg")
        yield [col.get_card(cid) for cid in col.find_cards("")]
        col.close()


@needs_axe
@pytest.mark.parametrize("mode", MODES)
def test_cards_pass_axe_and_work_with_the_keyboard(cards: list[Card], linked: list[Card], mode: str) -> None:
    chosen = sample(cards) + sample(linked, per_kind=1)
    found = run_pages(sides(chosen, mode), WIDTHS["phone"], axe=True, axe_skip=PAGE_RULES)
    assert {name: r["axe"] for name, r in found.items() if r["axe"]} == {}
    assert {name: r["focus"]["problems"] for name, r in found.items() if r["focus"]["problems"]} == {}
    # Every back of the linked deck has its article's link: the keyboard check checked something.
    assert sum(r["focus"]["count"] for name, r in found.items() if name.endswith(" answer")) >= 9


def test_every_link_on_a_card_is_reached_with_tab_and_shows_its_focus(
    linked: list[Card], tmp_path: Path
) -> None:
    """Keyboard only: real Tab presses (DevTools protocol), not a script's focus()."""
    backs = sample(linked, per_kind=1)
    with Browser(WIDTHS["phone"]) as browser:
        for card in backs:
            page = tmp_path / "card.html"
            page.write_text(reviewer_page(card.answer(), MODES["day"]), encoding="utf-8")
            browser.open(page)
            links = browser.evaluate(LINKS)
            stops = tab_through(browser)
            assert links and [s["href"] for s in stops] == links, kind(card)
            assert all(s["shown"] and s["visible"] for s in stops), stops
