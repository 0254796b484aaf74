"""The Markdown quiz and key, read back through a CommonMark renderer as a reader would see them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizgen.bank.model import Bank, Choice, Question
from quizgen.bank.text import plain, smart_quotes
from quizgen.paper import markdown
from quizgen.paper.document import document, key_path
from quizgen.select import QuizSettings, build_quiz, select
from tests.conftest import GOOD, load_ok
from tests.paper import elements, seen, tags

markdown_it = pytest.importorskip("markdown_it")


def to_html(text: str) -> str:
    return str(markdown_it.MarkdownIt("commonmark").enable("table").render(text))


def shown(text: str) -> str:
    """What a reader sees of some text: whitespace runs are one space."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def samples(tmp_path: Path) -> tuple[str, str]:
    banks = load_ok(GOOD / "all-types.yaml", GOOD / "specials.yaml").banks
    quiz = build_quiz(select(banks), QuizSettings(title="Samples #1", seed="m", versions=2))
    out = tmp_path / "quiz.md"
    assert markdown.write(quiz, out) == [out, key_path(out)]
    return out.read_text(encoding="utf-8"), key_path(out).read_text(encoding="utf-8")


def test_specials_print_literally(samples: tuple[str, str]) -> None:
    quiz, key = samples
    page = shown(to_html(quiz))
    visible = shown(" ".join(elements(to_html(quiz), "p") + elements(to_html(quiz), "li")))
    assert "Which line is printed literally? # $ @ < > [ ] * _ \\ ` = + / ~ // /* */" in visible
    assert "#set page(fill: red) $x^2$ @ref <label>" in visible
    assert "<script>alert(\u2018x\u2019)</script> & &amp;" in visible
    assert "[link](http://x) _under_ ~tilde~" in visible
    assert "<script" not in page.replace("&lt;script", "")  # escaped, never a tag
    assert "<a " not in page  # "[link](http://x)" is text, not a link
    key_visible = shown(" ".join(elements(to_html(key), "li")))
    assert "Nothing here is markup: #strong[x] <b>bold</b> {{c1::x}}" in key_visible


def test_emphasis_is_markdown_emphasis(samples: tuple[str, str]) -> None:
    quiz, _ = samples
    assert "This has <strong>bold</strong>, <em>italic</em> and <code>code # $</code> in it." in to_html(quiz)


def test_cyrillic_and_accents(samples: tuple[str, str]) -> None:
    quiz, key = samples
    assert "Как называется столица Беларуси?" in quiz
    assert "Мінск — Кіеў, Ölçek, naïve café" in quiz
    assert "Минск" in key


def test_layout(samples: tuple[str, str]) -> None:
    quiz, _ = samples
    page = to_html(quiz)
    assert elements(page, "h1") == ["Samples #1 — Version A", "Samples #1 — Version B"]
    assert "Part 1 · True or false (2 points)" in elements(page, "h2")
    assert quiz.count("Name: ") == 2
    assert "Total: 20 points" in quiz
    assert "<table>" in page  # matching, as a table
    assert "Select all that apply." in shown(" ".join(elements(page, "em")))
    assert len(elements(page, "hr")) >= 2  # the open question's ruled lines, and between versions


def test_key_grid_and_full_key(samples: tuple[str, str]) -> None:
    _, key = samples
    page = to_html(key)
    assert "Answer grid" in elements(page, "h2")
    assert "Version A — full key" in elements(page, "h2")
    assert page.count("<table>") >= 1
    assert "as of October 2022" in shown(" ".join(elements(page, "li")))


def test_grid_cells_are_the_keys(all_types: Path) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings(seed="g", versions=3))
    page = to_html(markdown.render_key(document(quiz)))
    rows = re.findall(r"<tr>\s*<td><strong>([A-Z]+)</strong></td>(.*?)</tr>", page, re.S)
    cells: dict[str, list[str]] = {}
    for tag, row in rows:
        cells.setdefault(tag, []).extend(elements(row, "td"))
    for version in quiz.versions:
        for cell, item in zip(cells[version.letter], version.items, strict=True):
            accepted = getattr(item.question, "accept", ())
            key = smart_quotes(item.key)
            if len(accepted) > 3:  # all of them are listed under the grid (P7, P15)
                assert cell == f"{key} or {len(accepted)} others, listed below"
            else:
                assert cell == (f"{key} or {', '.join(seen(a) for a in accepted)}" if accepted else key)


def test_same_input_same_bytes(tmp_path: Path, all_types: Path) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings(seed="d", versions=2))
    a = markdown.write(quiz, tmp_path / "a.md")
    b = markdown.write(quiz, tmp_path / "b.md")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_images_are_linked_relative_to_the_file(tmp_path: Path, write_bank: Callable[..., Path]) -> None:
    (tmp_path / "my images").mkdir()
    (tmp_path / "my images" / "map.png").write_bytes(b"png")
    path = write_bank(
        """
        bank: pictures
        title: Pictures
        questions:
          - id: the-map
            type: short
            prompt: What does the map show?
            answer: Belarus
            image: my images/map.png
        """
    )
    quiz = build_quiz(select(load_ok(path).banks), QuizSettings())
    out = tmp_path / "out" / "q.md"
    markdown.write(quiz, out, key=False)
    shown = to_html(out.read_text(encoding="utf-8"))
    assert '<img src="../my%20images/map.png" alt="Picture for question 1" />' in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# not a heading", "\\# not a heading"),
        ("1986. A year", "1986\\. A year"),
        ("- not a list", "\\- not a list"),
        ("a | b", "a \\| b"),
        ("R&D and &amp;", "R&D and \\&amp;"),
        ("line\nbreak", "line\\\nbreak"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    assert markdown.escape(text) == expected


# -- any text survives ---------------------------------------------------------------------------

SPECIALS = "#$@<>[]*_\\`&;'\"{}=+/~-|!.()\n1"
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIALS), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    ),
    min_size=1,
    max_size=60,
).filter(lambda t: shown(plain(t)) != "")


def one_question(prompt: str, choices: tuple[str, ...]) -> Bank:
    q: Question = Choice(id="q", prompt=prompt, choices=choices, answer=choices[0])
    return Bank(id="b", title="T", path=Path("b.yaml"), questions=(q,))


@settings(max_examples=200, deadline=None)
@given(prompt=TEXT, choice=TEXT)
def test_any_text_survives(prompt: str, choice: str) -> None:
    # Three different choices: a bank with one choice twice is refused by the checker (QG021)
    # before any writer sees it, and a quiz prints each choice once.
    assume(choice != "other")
    choices = (choice, choice + " (2)", "other")
    quiz = build_quiz(select([one_question(prompt, choices)]), QuizSettings(seed="p"))
    page = to_html(markdown.render_quiz(document(quiz)))
    (question,) = [p for p in elements(page, "p") if p.startswith("1. ")]
    assert shown(question) == shown(f"1. {seen(prompt)} (1 point)")
    items = [shown(li) for li in elements(page, "li")]
    printed = quiz.versions[0].items[0].shown
    assert items == [shown(f"{letter}. {seen(c)}") for letter, c in zip("ABC", printed, strict=True)]
    assert tags(page) <= {"h1", "h2", "p", "strong", "em", "code", "ul", "li", "br"}


def test_long_runs_of_line_breaks_and_spaces_cost_linear_time(write_bank: Callable[..., Path]) -> None:
    """C04: 9,600 line breaks in a prompt took 7-11 s in Markdown (regexes that ran over line
    breaks from every line start, and one anchored at the end). Doubling the run must not
    much more than double the time, and the text must still render as lines."""
    import time

    from quizgen.paper import markdown
    from quizgen.select import QuizSettings, build_quiz, select
    from tests.conftest import load_ok

    def seconds(n: int, filler: str) -> float:
        prompt = "a" + filler * n + "end?"
        text = (
            "bank: c04\ntitle: C04\nquestions:\n  - id: q\n    type: short\n"
            f'    prompt: "{prompt}"\n    answer: a\n'
        )
        bank = write_bank(text, f"c04-{n}.yaml")
        quiz = build_quiz(select(load_ok(bank).banks), QuizSettings(title="t"))
        start = time.perf_counter()
        files = markdown.render_files(quiz, bank.with_suffix(".md"))
        took = time.perf_counter() - start
        assert "end?" in next(iter(files.values())).decode()
        return took

    for filler, size in (("\\n", 1), ("\\n ", 2), ("\\n# ", 3), ("\\n1. ", 4)):
        n = 9_600 // size  # the longest run a text may hold (QG076: 10,000 characters)
        small, big = seconds(n // 4, filler), seconds(n, filler)
        assert big < 1.0 and big < 8 * small + 0.05, (filler, small, big)
