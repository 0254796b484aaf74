"""The HTML quiz and key: escaped, self-contained, printable."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizgen.bank.model import Bank, Choice, Question
from quizgen.bank.text import plain, smart_quotes
from quizgen.paper import html
from quizgen.paper.document import document, key_path
from quizgen.select import QuizSettings, build_quiz, select
from tests.conftest import GOOD, QUESTIONS, load_ok
from tests.paper import seen, tags, texts


@pytest.fixture
def samples(tmp_path: Path) -> tuple[str, str]:
    banks = load_ok(GOOD / "all-types.yaml", GOOD / "specials.yaml").banks
    quiz = build_quiz(select(banks), QuizSettings(title="Samples <b>", seed="h", versions=2))
    out = tmp_path / "quiz.html"
    assert html.write(quiz, out) == [out, key_path(out)]
    return out.read_text(encoding="utf-8"), key_path(out).read_text(encoding="utf-8")


def test_bank_text_is_escaped_never_markup(samples: tuple[str, str]) -> None:
    for page in samples:
        assert "&lt;script&gt;alert(\u2018x\u2019)&lt;/script&gt;" in page
        assert "<script" not in page.lower()
        assert "Samples &lt;b&gt;" in page  # the title too
        assert "&amp;amp;" in page  # "&amp;" written in a bank shows as "&amp;"
    quiz, key = samples
    assert "&lt;b&gt;Minsk&lt;/b&gt;" in key
    assert "#strong[x] &lt;b&gt;bold&lt;/b&gt; {{c1::x}}" in key
    assert "b" not in tags(quiz) - {"body"}  # no <b> from the bank anywhere


def test_emphasis_becomes_tags(samples: tuple[str, str]) -> None:
    quiz, _ = samples
    assert "This has <strong>bold</strong>, <em>italic</em> and <code>code # $</code> in it." in quiz


def test_cyrillic_and_accents_survive(samples: tuple[str, str]) -> None:
    quiz, key = samples
    assert "Как называется столица Беларуси?" in quiz
    assert "Мінск — Кіеў, Ölçek, naïve café" in quiz
    assert "Минск" in key
    assert '<meta charset="utf-8">' in quiz


def test_layout_of_a_printed_test(samples: tuple[str, str]) -> None:
    quiz, _ = samples
    assert quiz.count('class="sheet version"') == 2
    assert "Version A" in quiz and "Version B" in quiz
    for field in ("Name:", "Class:", "Date:"):
        assert quiz.count(field) == 2
    assert "Total: 20 points" in quiz
    assert "Select all that apply." in quiz
    assert quiz.count('class="bubble"') == 2 * (4 + 4 + 4)
    # A print stylesheet: page size, questions kept whole, each version on its own pages.
    assert "@page { size: A4" in quiz
    assert "break-inside: avoid" in quiz
    assert "break-after: page" in quiz
    assert "@page version-B" in quiz


def test_points_add_up(samples: tuple[str, str]) -> None:
    quiz, _ = samples
    first = quiz.split('id="version-B"')[0]
    labels = re.findall(r'<span class="pts">\((\d+) points?\)</span>', first)
    assert sum(map(int, labels)) == 20


def test_key_has_grid_and_full_key(samples: tuple[str, str]) -> None:
    _, key = samples
    assert key.count('<table class="grid"') >= 1
    assert "Version A — full key" in key and "Version B — full key" in key
    assert "London judged Russia unable to field another combat-ready force." in key
    assert "as of October 2022" in key
    assert "@page { size: A4" in key
    assert 'class="sheet version"' not in key  # the key does not print the quizzes


def test_grid_cells_are_the_keys(tmp_path: Path) -> None:
    banks = load_ok(*sorted(QUESTIONS.glob("*.yaml"))).banks
    quiz = build_quiz(select(banks), QuizSettings(count=30, seed="g", versions=3))
    page = html.render(document(quiz), "key")
    rows = re.findall(r"<tr><th>([A-Z]+)</th>(.*?)</tr>", page)
    cells: dict[str, list[str]] = {}
    for tag, row in rows:
        cells.setdefault(tag, []).extend(re.findall(r"<td>(.*?)</td>", row))
    for version in quiz.versions:
        keys = [re.sub(r"<span.*", "", cell) for cell in cells[version.letter]]
        assert keys == [html_escape(smart_quotes(item.key)) for item in version.items]
        for cell, item in zip(cells[version.letter], version.items, strict=True):
            accepted = getattr(item.question, "accept", ())
            if 0 < len(accepted) <= 3:  # a marker sees the other answers that count, not only the first
                assert f'<span class="also">or {html_escape(seen(accepted[0]))}' in cell
            elif accepted:  # too many for a cell: all of them listed under the grid (P7, P15)
                assert f'<span class="also">or {len(accepted)} others, listed below' in cell
                number = rf"{version.letter}\xa0{item.number}\b"
                listed = re.search(rf"<strong>[^<]*{number}[^<]*</strong> \u2013 (.*?)</p>", page)
                assert listed, item.question.id
                assert all(html_escape(seen(a)) in listed.group(1) for a in accepted)


def test_grid_heads_carry_points_and_the_key_its_marking_rules(tmp_path: Path) -> None:
    banks = load_ok(*sorted(QUESTIONS.glob("*.yaml"))).banks
    quiz = build_quiz(select(banks), QuizSettings(seed="g", versions=2))
    page = html.render(document(quiz), "key")
    heads = re.findall(r"<th>(\d+)<span class=\"pts\">(.*?)</span></th>", page)
    assert len(heads) == len(quiz.versions[0].items)  # every question's points agree across versions here
    assert {pts for _, pts in heads} == {"1 pt", "2 pts"}
    assert "How to mark" in page  # a table: the kind, its rule, its scales (P19)
    rule = "a share of the points per correct pair, rounded down to whole points"
    assert f'<th scope="row">Matching</th><td>{rule}</td>' in page
    assert re.search(r"<td>\d pairs, 2 points: \d right → 2, ", page)
    assert re.search(r"Marking: \d right → 2, ", page)  # and the scale beside each answer in the full key


def html_escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_images_are_embedded(tmp_path: Path, write_bank: Callable[..., Path]) -> None:
    (tmp_path / "map.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    path = write_bank(
        """
        bank: pictures
        title: Pictures
        questions:
          - id: the-map
            type: short
            prompt: What does the map show?
            answer: Belarus
            image: map.png
        """
    )
    quiz = build_quiz(select(load_ok(path).banks), QuizSettings())
    out = tmp_path / "out" / "q.html"
    html.write(quiz, out, key=False)
    page = out.read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,iVBORw0KGgpub3QgcmVhbGx5" alt="Picture for question 1">' in page
    assert sorted(p.name for p in out.parent.iterdir()) == ["q.html"]


def test_letter_paper(all_types: Path) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings())
    assert "@page { size: letter" in html.render(document(quiz, paper="letter"))


def test_same_input_same_bytes(tmp_path: Path, all_types: Path) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings(seed="d", versions=3))
    a = html.write(quiz, tmp_path / "a.html")
    b = html.write(quiz, tmp_path / "b.html")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


# -- any text survives ---------------------------------------------------------------------------

SPECIALS = "#$@<>[]*_\\`&;'\"{}=+/~-|!.()"
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIALS), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    ),
    min_size=1,
    max_size=60,
).filter(lambda t: plain(t).strip() != "")


def one_question(prompt: str, choices: tuple[str, ...]) -> Bank:
    q: Question = Choice(id="q", prompt=prompt, choices=choices, answer=choices[0])
    return Bank(id="b", title="T", path=Path("b.yaml"), questions=(q,))


@settings(max_examples=150, deadline=None)
@given(prompt=TEXT, choice=TEXT)
def test_any_text_appears_escaped(prompt: str, choice: str) -> None:
    assume(choice != "other")  # three different choices: one twice is QG021, refused before any writer
    choices = (choice, choice + " (2)", "other")
    quiz = build_quiz(select([one_question(prompt, choices)]), QuizSettings(seed="p"))
    page = html.render(document(quiz), "quiz")
    assert texts(page, "prompt") == [seen(prompt)]
    printed = texts(page, "option")  # each: the letter in its bubble, then the choice
    assert [t[0] for t in printed] == ["A", "B", "C"]
    assert sorted(t[1:] for t in printed) == sorted(seen(c) for c in choices)
    # Whatever the text, the page holds only the template's own elements.
    assert tags(page) <= TEMPLATE_TAGS


TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "section", "header", "h1", "h2", "div", "span",
    "p", "ol", "ul", "li", "strong", "em", "code", "br", "table", "tr", "td",
}  # fmt: skip
