"""The PDF quiz and key, read back with pypdf as a teacher would read the paper.

Nothing here trusts the writer's own idea of the answers: the printed letters are
worked out again from the text of the quiz PDF and compared with the printed grid.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from quizgen.bank.model import Choice, Cloze, Match, Multi, Order, Question, TrueFalse
from quizgen.bank.text import cloze_blanks, without_instruction
from quizgen.errors import RenderError
from quizgen.paper import pdf
from quizgen.paper.document import key_path
from quizgen.select import Filter, Quiz, QuizSettings, build_quiz, select
from tests.conftest import GOOD, QUESTIONS, load_ok
from tests.paper import seen

FOOTER = re.compile(r"Version ([A-Z]+) · page (\d+) of (\d+)")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def squash(text: str) -> str:
    """Text without whitespace: where pypdf breaks a line is the layout's business."""
    return re.sub(r"\s+", "", text)


@dataclass
class Printed:
    quiz: Quiz
    path: Path
    pages: list[str]  # the quiz's pages, as text
    key_pages: list[str]

    def versions(self) -> dict[str, list[str]]:
        """Each version's pages, found by the footers, checked to count 1..n."""
        out: dict[str, list[tuple[int, int, str]]] = {}
        for text in self.pages:
            m = FOOTER.search(text)
            assert m, f"page without a version footer: {text[-200:]!r}"
            out.setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3)), text))
        for tag, pages in out.items():
            total = pages[0][1]
            assert [p[0] for p in pages] == list(range(1, total + 1)), tag
            assert all(p[1] == total for p in pages), tag
        return {tag: [p[2] for p in pages] for tag, pages in out.items()}


def resources(page: PageObject, kind: str) -> list[DictionaryObject]:
    """The fonts ("/Font") or images ("/XObject") a page uses."""
    table = cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])[kind])
    return [cast(DictionaryObject, ref.get_object()) for ref in table.values()]


def read(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def render(quiz: Quiz, out: Path, **kw: object) -> Printed:
    written = pdf.write(quiz, out, **kw)  # type: ignore[arg-type]
    assert written == [out, key_path(out)]
    return Printed(quiz, out, read(out), read(key_path(out)))


@pytest.fixture(scope="module")
def epoch() -> Iterator[None]:
    """Module fixtures render before the autouse epoch fixture; fix the date for them too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        yield


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, epoch: None) -> Printed:
    """20 questions of every kind from the project's banks, in 3 versions."""
    banks = load_ok(*sorted(QUESTIONS.glob("*.yaml"))).banks
    settings = QuizSettings(title="Belarus and the war", count=20, seed="monday", versions=3)
    return render(build_quiz(select(banks), settings), tmp_path_factory.mktemp("real") / "quiz.pdf")


@pytest.fixture(scope="module")
def lettered(tmp_path_factory: pytest.TempPathFactory, epoch: None) -> Printed:
    """Only questions whose keys are one word, so the grid reads back cell by cell."""
    banks = load_ok(*sorted(QUESTIONS.glob("*.yaml"))).banks
    pool = select(banks, Filter(types=frozenset({"choice", "truefalse"})))
    settings = QuizSettings(title="Letters", count=24, seed="grid", versions=4)
    return render(build_quiz(pool, settings), tmp_path_factory.mktemp("lettered") / "letters.pdf")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory, epoch: None) -> Printed:
    """Every kind of question, plus text full of Typst/HTML specials and Cyrillic, in 2 versions."""
    banks = load_ok(GOOD / "all-types.yaml", GOOD / "specials.yaml").banks
    settings = QuizSettings(title="Samples", seed="s", versions=2)
    return render(build_quiz(select(banks), settings), tmp_path_factory.mktemp("samples") / "samples.pdf")


def signature(q: Question) -> str:
    """The printed text that identifies a question: its prompt, or a cloze's longest stretch of text."""
    if isinstance(q, Cloze) and not q.prompt:
        return max((seen(text) for text, n in cloze_blanks(q.text) if n is None), key=len)
    if isinstance(q, TrueFalse):  # under the part's "True or false" heading, the prompt does not repeat it
        return seen(without_instruction(q.kind, q.prompt))
    return seen(q.prompt)


def positions(version_text: str, quiz: Quiz) -> list[tuple[int, Question]]:
    """Where each question of the quiz is printed in one version, in printed order."""
    found = []
    for item in quiz.versions[0].items:
        sig = squash(signature(item.question))
        assert version_text.count(sig) == 1, f"{item.question.id} printed {version_text.count(sig)} times"
        found.append((version_text.index(sig), item.question))
    return sorted(found, key=lambda pair: pair[0])


def printed_letters(version_text: str, quiz: Quiz) -> dict[int, str]:
    """Question number -> the correct letter, worked out from the printed choices alone."""
    placed = positions(version_text, quiz)
    answers: dict[int, str] = {}
    for number, (start, q) in enumerate(placed, start=1):
        end = placed[number][0] if number < len(placed) else len(version_text)
        region = version_text[start:end]
        if isinstance(q, TrueFalse):
            answers[number] = "True" if q.answer else "False"
        if not isinstance(q, Choice):
            continue
        found = {}
        for choice in q.choices:
            at = region.find(squash(seen(choice)))
            assert at > 0, (q.id, choice)
            found[choice] = (at, region[at - 1])  # the letter printed just before the text
        in_order = [letter for _, letter in sorted(found.values())]
        assert in_order == list(LETTERS[: len(q.choices)]), (q.id, in_order)
        answers[number] = found[q.answer][1]
    return answers


def printed_grid(key_pages: list[str]) -> dict[str, dict[int, str]]:
    """Version -> question number -> key, read from the grid tables of the key."""
    grid: dict[str, dict[int, str]] = {}
    numbers: list[int] = []
    lines = [line for page in key_pages for line in page.splitlines()]
    for line in lines[: next(i for i, line in enumerate(lines) if "full key" in line)]:
        words = line.split()
        if words[:1] == ["Ver."]:  # "Ver. 1 1 pt 2 2 pts ...": each number with its points
            numbers = [int(n) for n in re.findall(r"(\d+) [\d.]+ pts?\b", line)]
        elif numbers and len(words) == len(numbers) + 1 and re.fullmatch(r"[A-Z]+", words[0]):
            grid.setdefault(words[0], {}).update(zip(numbers, words[1:], strict=True))
    return grid


# -- every question, once per version --------------------------------------------------------------


def test_each_version_prints_every_question_exactly_once(real: Printed) -> None:
    versions = real.versions()
    assert list(versions) == ["A", "B", "C"]
    for tag, pages in versions.items():
        text = squash("".join(pages))
        placed = positions(text, real.quiz)  # asserts exactly once each
        assert len(placed) == 20, tag


def test_each_version_starts_with_its_header(real: Printed) -> None:
    for tag, pages in real.versions().items():
        first = pages[0]
        assert f"Version {tag}" in first.splitlines()[0]
        for field in ("Name:", "Class:", "Date:"):
            assert field in first
        assert "Belarus and the war" in first


def test_numbers_run_in_order(real: Printed) -> None:
    for pages in real.versions().values():
        text = squash("".join(pages))
        placed = positions(text, real.quiz)
        for number, (at, _) in enumerate(placed, start=1):
            before = text[:at]
            assert before.endswith(f"{number}.") or re.search(rf"{number}\.[^.]{{0,400}}$", before), number


def test_versions_differ_in_order(real: Printed) -> None:
    orders = {
        tuple(q.id for _, q in positions(squash("".join(pages)), real.quiz))
        for pages in real.versions().values()
    }
    assert len(orders) == 3


def test_a_question_is_never_split_across_pages(real: Printed) -> None:
    for tag, pages in real.versions().items():
        flat = [squash(p) for p in pages]
        for item in real.quiz.versions[0].items:
            q = item.question
            parts: list[str] = []
            if isinstance(q, (Choice, Multi)):
                parts += q.choices
            elif isinstance(q, Order):
                parts += q.items
            elif isinstance(q, Match):
                parts += [text for pair in q.pairs for text in pair]
            (page,) = [page for page in flat if squash(signature(q)) in page]
            assert all(squash(seen(part)) in page for part in parts), (tag, q.id)


# -- the key matches the paper -----------------------------------------------------------------------


def test_grid_matches_the_letters_printed_on_each_version(lettered: Printed) -> None:
    grid = printed_grid(lettered.key_pages)
    versions = lettered.versions()
    assert sorted(grid) == sorted(versions) == ["A", "B", "C", "D"]
    for tag, pages in versions.items():
        expected = printed_letters(squash("".join(pages)), lettered.quiz)
        assert len(expected) == 24
        assert grid[tag] == expected, tag


def test_correct_letters_are_spread_over_positions(lettered: Printed) -> None:
    for tag, pages in lettered.versions().items():
        letters = [v for v in printed_letters(squash("".join(pages)), lettered.quiz).values() if len(v) == 1]
        counts = [letters.count(x) for x in "ABCD"]
        assert max(counts) - min(counts) <= 1, (tag, counts)


def test_full_key_gives_each_versions_answer_after_its_question(samples: Printed) -> None:
    key = squash("".join(samples.key_pages))
    for version in samples.quiz.versions:
        start = key.index(squash(f"Version {version.letter} — full key"))
        for item in version.items:
            if not isinstance(item.question, (Choice, Multi, TrueFalse)):
                continue
            at = key.index(squash(signature(item.question)), start)
            answer = key.index("Answer:", at)
            assert key[answer:].startswith(squash(f"Answer: {item.key}")), (version.letter, item.number)


def test_full_key_cites_explanation_and_source(samples: Printed) -> None:
    key = " ".join(samples.key_pages)
    flat = squash(key)
    assert squash("London judged Russia unable to field another combat-ready force.") in flat
    assert "as of October 2022" in key
    assert squash("“the joint military unit set up by Moscow is primarily a diversionary tactic”") in flat
    assert squash("Model answer: There is broad consensus in Belarus against it") in flat
    assert squash("also accepted: Lietuva") in flat


def test_the_quiz_itself_gives_no_answers_away(samples: Printed) -> None:
    quiz = squash("".join(samples.pages))
    assert squash("London judged Russia") not in quiz
    assert squash("(1) Gomel") not in quiz
    assert "Lietuva" not in quiz
    assert "Modelanswer" not in quiz


# -- points --------------------------------------------------------------------------------------------


def test_points_add_up_to_the_printed_total(real: Printed) -> None:
    total = real.quiz.versions[0].total_points
    assert total > 20  # the sample has questions worth more than one point
    for tag, pages in real.versions().items():
        text = "\n".join(pages)
        assert f"Total: {total:g} points" in text, tag
        assert f"/ {total:g}" in text
        each = [float(n) for n in re.findall(r"\((\d+(?:\.\d+)?) points?\)", text)]
        assert len(each) == 20
        assert sum(each) == total


# -- text printed as it is written ----------------------------------------------------------------------


def test_typst_and_html_specials_print_literally(samples: Printed) -> None:
    text = "\n".join(samples.pages)
    assert "Which line is printed literally? # $ @ < > [ ] * _ \\ ` = + / ~ // /* */" in text
    assert "#set page(fill: red) $x^2$ @ref <label>" in text
    assert "<script>alert(\u2018x\u2019)</script> & &amp;" in text
    assert "[link](http://x) _under_ ~tilde~" in text
    assert "A #hash and a $dollar:" in text
    key = "\n".join(samples.key_pages)
    assert "Nothing here is markup: #strong[x] <b>bold</b> {{c1::x}}" in key
    assert "<b>Minsk</b>" in key


def test_emphasis_marks_are_styles_not_stars(samples: Printed) -> None:
    text = "\n".join(samples.pages)
    assert "This has bold, italic and code # $ in it." in text
    assert "**bold**" not in text


def test_cyrillic_and_accents_print_in_the_embedded_fonts(samples: Printed) -> None:
    text = "\n".join(samples.pages)
    for phrase in ("Как называется столица Беларуси?", "Мінск — Кіеў, Ölçek, naïve café"):
        assert phrase in text
    assert "Минск" in "\n".join(samples.key_pages)
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in PdfReader(samples.path).pages
        for font in resources(page, "/Font")
    }
    # Only the fonts Typst ships; a fallback font here would mean a glyph was missing.
    assert fonts and all(f.startswith(("LibertinusSerif", "DejaVuSansMono")) for f in fonts), fonts


def test_every_kind_is_laid_out(samples: Printed) -> None:
    text = "\n".join(samples.versions()["A"])
    assert squash("Select all that apply.") in squash(text)
    assert "True" in text and "False" in text
    assert "Answer:" in text and "soldiers" in text  # numeric: the unit beside the line
    assert "(1)" in text and "(2)" in text  # cloze blanks
    # The hint is printed small under its blank, without brackets, so the sentence reads on (P21).
    assert "country" in text and "(country)" not in text
    assert "A. " in text and "1. Ivan Tertel" in text  # match: letters right, numbers left
    assert "Part 1" in text and "True or false" in text


# -- files ---------------------------------------------------------------------------------------------


def test_same_input_same_bytes(tmp_path: Path, all_types: Path) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings(seed="d", versions=2))
    first = pdf.write(quiz, tmp_path / "a.pdf")
    second = pdf.write(quiz, tmp_path / "b.pdf")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    meta = PdfReader(first[0]).metadata
    # Dated by the content, never the clock: the bank's source was published 2022-10.
    assert meta is not None and str(meta["/CreationDate"]) == "D:20221001000000Z"
    pinned = pdf.write(quiz, tmp_path / "c.pdf", timestamp=1_700_000_000)
    meta = PdfReader(pinned[0]).metadata
    assert meta is not None and str(meta["/CreationDate"]) == "D:20231114221320Z"


def test_another_seed_another_paper(tmp_path: Path, all_types: Path) -> None:
    pool = select(load_ok(all_types).banks)
    a = pdf.write(build_quiz(pool, QuizSettings(seed="1")), tmp_path / "a.pdf", key=False)
    b = pdf.write(build_quiz(pool, QuizSettings(seed="2")), tmp_path / "b.pdf", key=False)
    assert a[0].read_bytes() != b[0].read_bytes()


def test_no_key(tmp_path: Path, all_types: Path) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings())
    assert pdf.write(quiz, tmp_path / "q.pdf", key=False) == [tmp_path / "q.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.pdf"]


def test_key_path() -> None:
    assert key_path(Path("out/monday.pdf")) == Path("out/monday-key.pdf")
    assert key_path(Path("quiz.html")) == Path("quiz-key.html")


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(tmp_path: Path, all_types: Path, paper: str, size: tuple[int, int]) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings())
    for path in pdf.write(quiz, tmp_path / "q.pdf", paper=paper):
        box = PdfReader(path).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def png(width: int, height: int) -> bytes:
    """A small grey PNG, made here so the tests need no image library."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


IMAGE_BANK = """
bank: pictures
title: Pictures
questions:
  - id: the-map
    type: short
    prompt: What does the map show?
    answer: Belarus
    image: images/map.png
"""


def test_a_questions_image_is_printed(tmp_path: Path, write_bank: Callable[..., Path]) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "map.png").write_bytes(png(40, 20))
    path = write_bank(IMAGE_BANK)
    quiz = build_quiz(select(load_ok(path).banks), QuizSettings())
    out = tmp_path / "out" / "q.pdf"
    pdf.write(quiz, out)
    page = PdfReader(out).pages[0]
    assert [str(x["/Subtype"]) for x in resources(page, "/XObject")] == ["/Image"]
    assert "What does the map show?" in page.extract_text()


def test_typst_failure_names_the_question_and_writes_nothing(
    tmp_path: Path, write_bank: Callable[..., Path]
) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "map.png").write_bytes(b"this is not a PNG")
    path = write_bank(IMAGE_BANK)
    quiz = build_quiz(select(load_ok(path).banks), QuizSettings())
    out = tmp_path / "out"
    with pytest.raises(RenderError) as err:
        pdf.write(quiz, out / "q.pdf")
    assert "the-map" in str(err.value)
    assert "bank.yaml:" in str(err.value)
    assert not out.exists() or list(out.iterdir()) == []


def test_a_broken_template_is_not_blamed_on_a_question(
    tmp_path: Path, all_types: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "template", lambda: b"#let x = 1\n#x.nothing")
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings())
    with pytest.raises(RenderError, match="cannot print the quiz"):
        pdf.write(quiz, tmp_path / "q.pdf")
    assert list(tmp_path.iterdir()) == []


def test_one_bad_image_in_a_big_quiz_is_found_by_bisection(
    tmp_path: Path, write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Red-team finding 25: blame used to compile every question alone (one compile each)."""
    lines = ["bank: many", "title: Many", "questions:"]
    for n in range(1, 65):
        lines += [f"  - id: q{n}", "    type: short", f"    prompt: Question number {n}?", "    answer: yes"]
        if n == 50:
            lines.append("    image: map.png")
            image_line = len(lines)
    (tmp_path / "map.png").write_bytes(b"this is not a PNG")
    path = write_bank("\n".join(lines) + "\n")
    quiz = build_quiz(select(load_ok(path).banks), QuizSettings(shuffle=False))
    compiles = []
    real = pdf._compile
    monkeypatch.setattr(pdf, "_compile", lambda *a: compiles.append(a[2]) or real(*a))
    with pytest.raises(RenderError) as err:
        pdf.render(quiz)
    assert str(err.value).startswith(f"{path}:{image_line}:12: cannot print question 'q50': ")
    # The quiz, an empty quiz, six halvings of 64 and the culprit alone: about 9, not 64+.
    assert len(compiles) <= 10, compiles


# -- big documents: laid out in pieces, each in a child process (red-team finding 12) ---------

PIECE_FOOTER = re.compile(r"((?:Answer key · )?(?:Version [A-Z]|grid)) · page (\d+)(?: of (\d+))?")


def page_texts(data: bytes) -> list[str]:
    from io import BytesIO

    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def test_a_big_quiz_is_printed_in_pieces_that_read_as_one(
    all_types: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings(versions=2, seed="pieces"))
    whole = pdf.render(quiz)
    children: list[str] = []
    real = pdf.piece.compile_in_child
    monkeypatch.setattr(pdf.piece, "compile_in_child", lambda *a: children.append(a[2]) or real(*a))
    monkeypatch.setattr(pdf, "PIECE_QUESTIONS", 4)
    monkeypatch.setattr(pdf, "ONE_COMPILE_MAX", 4)
    pieced = pdf.render(quiz)
    count = len(quiz.versions[0].items)
    per_part = 2 * -(-count // 4)  # pieces of 4 questions, no piece spans two versions
    # The key's answer grid comes in pieces of its own beside the versions' questions
    # (the quiz's and the key's pieces compile side by side, so their order interleaves).
    assert children.count("quiz") == per_part
    assert set(children) == {"quiz", "key"} and children.count("key") > per_part
    assert pdf.render(quiz) == pieced  # still the same bytes every time
    for part, (one, split) in enumerate(zip(whole, pieced, strict=True)):
        one_pages, split_pages = page_texts(one), page_texts(split)
        # Every question, in the same order, as in the document laid out whole.
        assert re.findall(r"^(\d+)\. ", "\n".join(split_pages), re.M) == re.findall(
            r"^(\d+)\. ", "\n".join(one_pages), re.M
        )
        footers = [PIECE_FOOTER.search(text) for text in split_pages]
        assert all(footers)
        numbers: dict[str, list[int]] = {}
        for f in footers:
            assert f is not None and f[3] is None  # a piece cannot know the last page
            numbers.setdefault(f[1], []).append(int(f[2]))
        # Pages count on across the pieces, in each printed part (a version, the grid, a version's key).
        assert all(pages == list(range(1, len(pages) + 1)) for pages in numbers.values())
        parts = ["Version A", "Version B"]
        keys = ["Answer key · grid"] + [f"Answer key · {p}" for p in parts]
        assert list(numbers) == (keys if part else parts)
    key = "\n".join(page_texts(pieced[1]))
    assert key.count("Teacher\N{RIGHT SINGLE QUOTATION MARK}s copy · 2 versions (A, B)") == 1
    assert key.count("Version A — full key") == 1 and key.count("Version B — full key") == 1


def test_a_piece_whose_typst_dies_is_a_message(
    all_types: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dies = tmp_path / "python"
    dies.write_text("#!/bin/sh\nkill -ABRT $$\n", encoding="utf-8")  # as Typst does when memory runs out
    dies.chmod(0o755)
    monkeypatch.setattr(pdf.piece.sys, "executable", str(dies))
    monkeypatch.setattr(pdf, "PIECE_QUESTIONS", 4)
    monkeypatch.setattr(pdf, "ONE_COMPILE_MAX", 4)
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings())
    with pytest.raises(RenderError, match=r"Typst stopped with signal 6"):
        pdf.render(quiz, blame=False)


def test_a_bad_image_in_a_quiz_printed_in_pieces_is_blamed_on_its_question(
    tmp_path: Path, write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "map.png").write_bytes(b"this is not a PNG")
    text = IMAGE_BANK + "".join(
        f"  - id: more-{n}\n    type: short\n    prompt: Question {n}?\n    answer: yes\n" for n in range(9)
    )
    path = write_bank(text)
    monkeypatch.setattr(pdf, "PIECE_QUESTIONS", 4)
    monkeypatch.setattr(pdf, "ONE_COMPILE_MAX", 4)
    quiz = build_quiz(select(load_ok(path).banks), QuizSettings(versions=2))
    with pytest.raises(RenderError, match=r"bank\.yaml:\d+:\d+: cannot print question 'the-map': "):
        pdf.render(quiz)


def test_double_sided_parts_start_on_a_fresh_sheet_across_pieces(
    all_types: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz = build_quiz(select(load_ok(all_types).banks), QuizSettings(versions=2, seed="pieces", duplex=True))
    monkeypatch.setattr(pdf, "PIECE_QUESTIONS", 4)
    monkeypatch.setattr(pdf, "ONE_COMPILE_MAX", 4)
    for data in pdf.render(quiz):
        texts = page_texts(data)
        firsts = [n for n, text in enumerate(texts, start=1) if re.search(r"· page 1\b", text)]
        assert len(firsts) >= 2 and all(n % 2 == 1 for n in firsts), firsts  # never on the back of a sheet
        assert len(texts) % 2 == 0


def test_with_sheets_the_paper_says_to_mark_the_answer_sheet(all_types: Path, tmp_path: Path) -> None:
    """S1: with --sheets the quiz paper said 'Circle one letter...', the sheet 'fill the bubble'.
    Now the paper sends pupils to the sheet of their version for what the sheet reads."""
    from typer.testing import CliRunner

    from quizgen.cli import app

    texts = {}
    for name, extra in (("plain", []), ("sheets", ["--sheets"])):
        out = tmp_path / name / "q.pdf"
        result = CliRunner().invoke(app, ["quiz", str(all_types), "-o", str(out), "--no-key", *extra])
        assert result.exit_code == 0, result.output
        texts[name] = " ".join(" ".join(page_texts(out.read_bytes())).split())
    assert "Circle" in texts["plain"] and "answer sheet" not in texts["plain"]
    assert "Use the answer sheet with the same version letter as this paper" in texts["sheets"]
    assert "fill the bubble of your answer on the answer sheet" in texts["sheets"]
    assert "Write every other answer on this paper" in texts["sheets"]
    assert "Circle" not in texts["sheets"]
