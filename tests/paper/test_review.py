"""What the review of the printed quizzes found (shared/reviews/2026-12-outputs.md), pinned.

Read back as a teacher reads the paper: pypdf text and page structure for the PDF, the
rendered CommonMark for Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from quizgen.paper import markdown, pdf
from quizgen.paper.document import document, key_path
from quizgen.paper.grid import grid
from quizgen.select import Filter, QuizSettings, build_quiz, default_title, select
from tests.conftest import QUESTIONS, load_ok
from tests.paper import seen as printed
from tests.paper.test_markdown import elements, to_html

KEY_FOOTER = re.compile(r"Answer key · (grid|Version ([A-Z]+)) · page (\d+) of (\d+)")


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def real_banks() -> list:  # type: ignore[type-arg]
    return load_ok(*sorted(QUESTIONS.glob("*.yaml"))).banks


CLOZE_BANK = """
bank: blanks
title: Blanks
questions:
  - id: long-cloze
    type: cloze
    text: >-
      Many people in Belarus regard the exiled opposition leader as the real winner of the
      {{c1::2020::year}} presidential election, after which Lukashenko, often called
      {{c2::Europe's last dictator::name}}, kept his grip on power through violence and Putin's
      support, and {{c3::Russia::country}} sent money, while {{c4::Minsk::city}} and
      {{c5::Moscow::city}} signed one treaty after another about a {{c6::union state::what}} that
      most people in the {{c7::region::where}} never really wanted at all, as polls in
      {{c8::2021::year}} and {{c9::2022::year}} kept showing to everyone who asked.
  - id: year
    type: numeric
    prompt: In which year did the full-scale invasion begin?
    answer: 2022
"""


def words_at(path: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word of the first page with its box (left, bottom, right, top), in PDF points."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    text = document[0].get_textpage()
    chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    words: list[tuple[str, float, float, float, float]] = []
    current = ""
    box: list[float] = []
    for char, (left, bottom, right, top) in [*chars, (" ", (0, 0, 0, 0))]:
        if char.isspace():
            if current:
                words.append((current, *box))  # type: ignore[arg-type]
            current, box = "", []
            continue
        box = (
            [left, bottom, right, top]
            if not box
            else [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        )
        current += char
    document.close()
    return words


def test_a_blanks_number_and_hint_stay_on_the_line_of_its_blank(
    write_bank: Callable[..., Path], tmp_path: Path
) -> None:
    """Review 1: "(1)" ended a line and its blank started the next.

    P21: the hint is printed small under its own blank, not in brackets after it: each hint's
    words lie below the line of its blank's number, within the blank's width.
    """
    bank = load_ok(write_bank(CLOZE_BANK)).banks
    hints = ["year", "name", "country", "city", "city", "what", "where", "year", "year"]
    for width in range(3):  # three titles: other line breaks
        settings = QuizSettings(title="Blanks" + " x" * width, seed=str(width))
        out = tmp_path / f"q{width}.pdf"
        pdf.write(build_quiz(select(bank), settings), out)
        text = pages(out)[0]
        words = words_at(out)
        for n, hint in enumerate(hints, 1):
            line = next(line for line in text.splitlines() if f"({n})" in line)
            assert f"({hint})" not in line, (n, line)
            number = next(w for w in words if w[0].startswith(f"({n})"))
            _, _, bottom, right, _ = number
            blank_end = right + 3.2 / 2.54 * 72 + 4  # the blank's line is 3.2 cm long
            under = [
                w
                for w in words
                if w[0] == hint
                and right - 2 <= (w[1] + w[3]) / 2 <= blank_end
                and bottom - 14 <= w[4] <= bottom + 1
            ]
            assert under, (n, hint, number)


def test_a_year_is_printed_as_written(write_bank: Callable[..., Path], tmp_path: Path) -> None:
    """Review 2: 2022 was printed "2,022" in the grid and the full key."""
    bank = load_ok(write_bank(CLOZE_BANK)).banks
    out = tmp_path / "q.pdf"
    pdf.write(build_quiz(select(bank, Filter(types=frozenset({"numeric"}))), QuizSettings()), out)
    key = " ".join(pages(key_path(out)))
    assert "Answer: 2022" in key and "2,022" not in key
    md = markdown.render_key(document(build_quiz(select(bank), QuizSettings())))
    assert "2022" in md and "2,022" not in md


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str], object]:
    """The review's class quiz: 20 questions from all banks, 3 versions, duplex."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        banks = real_banks()
        settings = QuizSettings(title=default_title(banks), count=20, seed="test", versions=3, duplex=True)
        quiz = build_quiz(select(banks), settings)
        out = tmp_path_factory.mktemp("pooled") / "class.pdf"
        pdf.write(quiz, out)
        return pages(out), pages(key_path(out)), quiz


def test_a_pooled_quiz_names_the_article_of_every_question(
    pooled: tuple[list[str], list[str], object],
) -> None:
    """Review 3: 14 of 20 questions said "the article" with three articles mixed."""
    quiz_pages, _, quiz = pooled
    assert quiz.settings.title == "Belarus and the war"  # type: ignore[attr-defined]
    first = quiz_pages[0]
    assert "Questions from 3 articles:" in first
    for label in ("Oct 2022", "Dec 2022", "Aug 2024"):
        assert label in first
    text = "\n".join(quiz_pages)
    for n in range(1, 21):  # every numbered question starts with its article's label
        assert re.search(rf"(?m)^{n}\. (Oct|Dec|Aug) 20(22|24)\s", text), n


def test_one_bank_has_no_article_labels(tmp_path: Path) -> None:
    bank = load_ok(QUESTIONS / "putin-visit-minsk.yaml").banks
    doc = document(build_quiz(select(bank), QuizSettings()))
    assert doc["sources"] == []
    assert {q["about"] for v in doc["versions"] for s in v["sections"] for q in s["questions"]} == {""}


def test_page_one_of_every_version_looks_like_page_one_of_a(
    pooled: tuple[list[str], list[str], object],
) -> None:
    """Review 6: page 1 of version B carried the running header above its title."""
    quiz_pages, _, _ = pooled
    firsts = [text for text in quiz_pages if "Name:" in text]
    assert len(firsts) == 3
    for text in firsts:
        assert text.count("Belarus and the war") == 1, text[:120]
    later = [text for text in quiz_pages if text.strip() and "Name:" not in text]
    assert later and all(text.startswith("Belarus and the war Version ") for text in later)


def test_duplex_pads_every_version_and_key_part_to_even_pages(
    pooled: tuple[list[str], list[str], object],
) -> None:
    """Review 8: printed double-sided, version B began on the back of version A."""
    quiz_pages, key_pages, _ = pooled
    for texts, footer in (
        (quiz_pages, re.compile(r"Version ([A-Z]) · page (\d+) of (\d+)")),
        (key_pages, KEY_FOOTER),
    ):
        assert len(texts) % 2 == 0
        part_of: list[str | None] = []
        for text in texts:
            found = footer.search(text)
            # A padding page says so, and nothing else (P23).
            assert found or text.strip() == "This page is intentionally left blank.", text[:80]
            part_of.append(found.group(1) if found else None)
        for sheet in range(0, len(texts), 2):  # front and back of one sheet: one part at most
            parts = {p for p in part_of[sheet : sheet + 2] if p}
            assert len(parts) == 1, (sheet, parts)


def test_the_last_padding_page_of_a_duplex_file_says_so_too(tmp_path: Path) -> None:
    """P23: the page that pads the last part of a double-sided file was printed empty in a
    document laid out at once (a piece's said it); every padding page says so."""
    banks = load_ok(QUESTIONS / "putin-visit-minsk.yaml").banks
    quiz = build_quiz(select(banks), QuizSettings(count=5, seed="p23", versions=2, duplex=True))
    out = tmp_path / "short.pdf"
    pdf.write(quiz, out)
    key = pages(key_path(out))
    assert len(key) % 2 == 0 and not KEY_FOOTER.search(key[-1])  # the last page pads the last part
    for text in [*pages(out), *key]:
        assert text.strip(), "an empty page"
        assert (
            KEY_FOOTER.search(text)
            or "Version" in text
            or text.strip() == ("This page is intentionally left blank.")
        ), text[:80]


def test_every_key_page_names_its_part_and_counts_its_own_pages(
    pooled: tuple[list[str], list[str], object],
) -> None:
    """Review 5: key pages of version B said neither B nor counted B's pages."""
    _, key_pages, _ = pooled
    seen: dict[str, list[tuple[int, int]]] = {}
    for text in key_pages:
        if text.strip() == "This page is intentionally left blank.":
            continue
        found = KEY_FOOTER.search(text)
        assert found, text[-100:]
        seen.setdefault(found.group(1), []).append((int(found.group(3)), int(found.group(4))))
        if found.group(2):
            assert (
                f"Answer key · Version {found.group(2)}" in text.splitlines()[0]
            )  # the running header says it
    assert sorted(seen) == ["Version A", "Version B", "Version C", "grid"]
    for counted in seen.values():
        total = counted[0][1]
        assert counted == [(n, total) for n in range(1, total + 1)]


def test_the_key_gives_points_alternatives_and_how_to_mark(
    pooled: tuple[list[str], list[str], object],
) -> None:
    """Review 7: no points, no alternatives, no scoring rule for partial answers."""
    _, key_pages, quiz = pooled
    grid_page = key_pages[0]
    assert re.search(r"Ver\. 1 1 pt 2 1 pt", grid_page)
    assert "How to mark" in grid_page
    flat = re.sub(r"\s+", " ", grid_page)
    assert "Select all that apply full points only when exactly the keyed choices are marked" in flat
    kinds = {item.question.kind for version in quiz.versions for item in version.items}  # type: ignore[attr-defined]
    matching = "Matching a share of the points per correct pair, rounded down to whole points"
    assert (matching in flat) == ("match" in kinds)
    for version in quiz.versions:  # type: ignore[attr-defined]
        for item in version.items:
            accepted = getattr(item.question, "accept", ())
            if 0 < len(accepted) <= 3:
                assert f"or {printed(accepted[0])}" in flat
            elif accepted:  # every one of them under the grid, on its page (P7, P15)
                assert f"or {len(accepted)} others, listed below" in flat
                listed = re.search(rf"{version.letter} {item.number}\b[^\u2013]*\u2013 (.*?)\.(?: |$)", flat)
                assert listed and all(printed(a) in listed.group(1) for a in accepted), item.question.id
    if kinds & {"match", "order", "cloze"}:
        assert re.search(r"Marking: \d+ right → \d", " ".join(key_pages))


def test_a_grid_only_key_is_the_one_page_a_marker_needs(tmp_path: Path) -> None:
    banks = real_banks()
    settings = QuizSettings(title="Grid", count=20, seed="g", versions=3, key_layout="grid")
    out = tmp_path / "q.pdf"
    quiz = build_quiz(select(banks), settings)
    pdf.write(quiz, out)
    key = pages(key_path(out))
    assert len(key) == 1
    assert "full key" not in key[0] and "How to mark" in key[0]
    has_open = any(item.question.kind == "open" for item in quiz.versions[0].items)
    assert ("Model answers" in key[0]) == has_open
    assert "Answer key · grid · page 1 of 1" in key[0]


BANKS = real_banks()


@settings(deadline=None, max_examples=60)  # building a quiz of every question takes a while
@given(st.integers(min_value=1, max_value=sum(len(b.questions) for b in BANKS)), st.integers(1, 3))
def test_the_last_grid_table_is_never_a_lonely_column(count: int, versions: int) -> None:
    """Review 7: Q35 stood alone in the last table."""
    quiz = build_quiz(select(BANKS), QuizSettings(count=count, seed="t", versions=versions))
    tables = grid(quiz)
    assert sum(len(t["numbers"]) for t in tables) == count
    if len(tables) > 1:
        assert len(tables[-1]["numbers"]) * 2 >= len(tables[-2]["numbers"]), [
            len(t["numbers"]) for t in tables
        ]


def test_evidence_quotes_inside_quotes_become_single(tmp_path: Path) -> None:
    """Review 13: “"Lukashenko is a disgrace to my country," says Tichanovskaya”."""
    doc = document(build_quiz(select(BANKS), QuizSettings()))
    evidence = [
        e for v in doc["versions"] for s in v["sections"] for q in s["questions"] for e in q["evidence"]
    ]
    assert any("\u2018Lukashenko is a disgrace to my country,\u2019" in e for e in evidence)
    assert not any('"' in e for e in evidence)


@pytest.mark.parametrize("suffix", [".pdf", ".html", ".md"])
def test_no_straight_quote_stands_beside_the_curly_ones(tmp_path: Path, suffix: str) -> None:
    """P22: the banks' straight apostrophes and quotes were printed beside the template's curly
    ones. In every format, quiz and key, of the three banks: none is left in running text."""
    from quizgen.paper.formats import quiz_writer

    out = tmp_path / f"quiz{suffix}"
    quiz_writer(suffix[1:]).write(build_quiz(select(BANKS), QuizSettings(seed="quotes")), out)
    for path in (out, key_path(out)):
        if suffix == ".pdf":
            text = "\n".join(pages(path))
        else:
            text = path.read_text(encoding="utf-8")
            if suffix == ".html":  # the text a reader sees, not the markup's attribute quotes
                text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S)
        straight = re.findall(r"\w'\w|\s'\w|\w'\s|\"\w|\w\"", text)
        assert straight == [], (path.name, straight[:5])
        assert "\u2019" in text


def test_true_or_false_is_not_said_twice_under_its_heading(tmp_path: Path) -> None:
    """Review 13: "True or false: ..." right under "Part 1 True or false"."""
    out = tmp_path / "q.pdf"
    bank = load_ok(QUESTIONS / "putin-visit-minsk.yaml").banks
    pdf.write(build_quiz(select(bank), QuizSettings(seed="x")), out, key=False)
    text = "\n".join(pages(out))
    assert "True or false:" not in text
    assert "The authors argue that the renewed nuclear talk" in text


def test_the_default_instructions_fit_the_paper(tmp_path: Path) -> None:
    """Review 10: build printed no instructions, and the default said "circle" for every kind."""
    bank = load_ok(QUESTIONS / "putin-visit-minsk.yaml").banks
    doc = document(build_quiz(select(bank), QuizSettings()))
    said = "".join(text for _, text in doc["instructions"])
    assert "Tick True or False." in said and "Write a letter or a number in each box." in said
    only_tf = document(build_quiz(select(bank, Filter(types=frozenset({"truefalse"}))), QuizSettings()))
    said = "".join(text for _, text in only_tf["instructions"])
    assert "Tick True or False." in said and "Circle" not in said and "box" not in said


def test_the_markdown_cloze_key_keeps_its_spaces_and_its_bold() -> None:
    """Review 4: `Russian-Belarusian**(1) solidarity**` printed stars and ran words together."""
    bank = load_ok(QUESTIONS / "putin-troops-belarus.yaml").banks
    doc = document(build_quiz(select(bank), QuizSettings()))
    key = to_html(markdown.render_key(doc))
    quiz = to_html(markdown.render_quiz(doc))
    assert "Russian-Belarusian <strong>(1)\u00a0solidarity</strong>" in key
    assert "**" not in " ".join(elements(key, "p"))
    assert "show Russian-Belarusian (1)\u00a0____" in quiz
    for table in re.findall(r"<thead>(.*?)</thead>", quiz, re.S):  # match tables: no empty header bar
        assert all(cell.strip() for cell in elements(table, "th")), table
