"""The HTML quiz and key, checked by axe-core in headless Chromium (issue 23, deliver 3), read
on a phone (390 px) and a desktop (1000 px): nothing runs past the edge, no word is broken
inside a line, text is at least 4.5:1, and anything the keyboard can reach shows its focus."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.paper import html
from quizgen.paper.document import key_path
from quizgen.select import QuizSettings, build_quiz, select
from tests.a11y.browser import needs_axe, run_pages
from tests.a11y.keyboard import LINKS, Browser, tab_through
from tests.conftest import GOOD, QUESTIONS, load_ok

pytestmark = needs_axe


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A pooled quiz of the project's banks and the bank of every kind, in two versions."""
    folder = tmp_path_factory.mktemp("a11y")
    banks = load_ok(*sorted(QUESTIONS.glob("*.yaml")), GOOD / "all-types.yaml", GOOD / "specials.yaml").banks
    quiz = build_quiz(select(banks), QuizSettings(title="Belarus and the war", seed="a11y", versions=2))
    out = folder / "quiz.html"
    html.write(quiz, out)
    large = build_quiz(
        select(banks), QuizSettings(title="Belarus and the war", seed="a11y", versions=2, large_print=True)
    )
    html.write(large, folder / "large.html", key=False)
    return {
        "quiz": out.read_text(encoding="utf-8"),
        "key": key_path(out).read_text(encoding="utf-8"),
        "large": (folder / "large.html").read_text(encoding="utf-8"),
    }


@pytest.mark.parametrize("width", [390, 1000])
def test_the_quiz_and_key_pass_axe(pages: dict[str, str], width: int) -> None:
    found = run_pages(pages, width, axe=True)
    assert {name: r["axe"] for name, r in found.items() if r["axe"]} == {}
    assert {name: r["focus"]["problems"] for name, r in found.items() if r["focus"]["problems"]} == {}
    assert min(r["contrast"][0] for r in found.values()) >= 4.5


@pytest.mark.parametrize("width", [390, 1000])
def test_the_quiz_fits_the_screen_and_keeps_its_words(pages: dict[str, str], width: int) -> None:
    """A pupil may open the HTML quiz on a phone: at 390 px a long cloze hint ran off the edge.
    The key (a teacher marking on a phone) and the large-print quiz (18 pt text) too."""
    found = run_pages(pages, width)
    # The key's grid is a table of up to 99 columns: on a phone it scrolls sideways in its own
    # box (P20; WCAG 1.4.10 excepts such tables), and only there: the page itself does not.
    key = found["key"]["overflow"]
    if "DIV.gridwrap clips its content" in key:
        assert not any(line.startswith("page scrolls sideways") for line in key), key
        found["key"]["overflow"] = []
    assert {name: r["overflow"] for name, r in found.items() if r["overflow"]} == {}
    assert {name: r["broken"] for name, r in found.items() if r["broken"]} == {}


# The computed size (px) of the question texts, and the smallest size of any text on the page.
SIZES = """(() => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const texts = [...document.querySelectorAll('body *')].filter(el =>
    [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && el.offsetParent !== null);
  return [Math.min(...[...document.querySelectorAll('.question .body')].map(px)), Math.min(...texts.map(px))];
})()"""


@pytest.mark.parametrize(("name", "body", "smallest"), [("large", 24, 18.6), ("quiz", 14.6, 10.6)])
def test_large_print_sets_the_quiz_in_18_points(
    pages: dict[str, str], tmp_path: Path, name: str, body: float, smallest: float
) -> None:
    """`quiz --large-print`: question text at 18 pt (24 px) and nothing under 14 pt, read from the
    sizes Chromium lays out; the ordinary quiz keeps 11 pt."""
    page = tmp_path / f"{name}.html"
    page.write_text(pages[name], encoding="utf-8")
    with Browser(1000, 900) as browser:
        browser.open(page)
        measured_body, measured_smallest = browser.evaluate(SIZES)
    assert measured_body == pytest.approx(body, abs=0.2)
    assert measured_smallest >= smallest


def test_the_page_has_the_structure_a_screen_reader_needs(pages: dict[str, str]) -> None:
    quiz = pages["quiz"]
    assert '<html lang="en">' in quiz
    assert quiz.count("<main>") == 1 and quiz.count("</main>") == 1
    assert quiz.count("<h1>") == 2  # one per version
    assert "tabindex" not in quiz  # the reading order is the page's order


def test_the_quiz_is_read_to_its_end_with_the_keyboard(pages: dict[str, str], tmp_path: Path) -> None:
    """Keyboard only, with real key presses: Tab stops only where something can be operated (the
    quiz has nothing), and Page Down and End scroll the whole page, nothing traps them."""
    page = tmp_path / "quiz.html"
    page.write_text(pages["quiz"], encoding="utf-8")
    with Browser(390, 844) as browser:
        browser.open(page)
        assert [s["href"] for s in tab_through(browser)] == browser.evaluate(LINKS)
        browser.press("PageDown", 34)
        assert browser.evaluate("new Promise(r => setTimeout(() => r(scrollY), 300))") > 400
        browser.press("End", 35)
        at_end = "scrollY + innerHeight >= document.documentElement.scrollHeight - 2"
        bottom = f"new Promise(r => setTimeout(() => r({at_end}), 500))"
        assert browser.evaluate(bottom)
