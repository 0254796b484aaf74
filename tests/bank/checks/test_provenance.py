"""Provenance: with --articles, every evidence quote must occur in the bank's article."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizgen.bank.check import load
from quizgen.cli import app
from tests.bank.checks import bank_text, seen, write
from tests.conftest import ARTICLES, QUESTIONS, requires_articles

ARTICLE = (
    "War in Ukraine: New war front?\n"
    "\n"
    "Thousands of Russian soldiers have taken up positions in Belarus. \u201cThe fighting spirit\n"
    "is there,\u201d said Viktor Smeyan \u2014 the deputy commander.\n"
    "\n"
    "Belarus\u2019s army is thought to be too poorly trained, equipped and motivated to pose a "
    "serious threat. Its troops stay at home.\n"
)
HEADER = "bank: provenance\ntitle: Provenance\nsource:\n  title: New war front\n  file: {file}\nquestions:\n"
# With HEADER the first question starts on line 7, its evidence (the 5th key) on line 11.
MISSING_HINT = "check the file name or the --articles folder"


def question(evidence: str, qid: str = "q") -> str:
    # An open question: its quotes are checked against the article, and it has no key to check.
    return f"id: {qid}\ntype: open\nprompt: Who spoke?\nanswer: Smeyan\nevidence: {evidence}"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "front.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def bank(folder: Path, *questions: str, file: str = "front.txt") -> Path:
    banks = folder / "banks"
    banks.mkdir(exist_ok=True)
    return write(banks, bank_text(*questions, header=HEADER.format(file=file)))


@pytest.mark.parametrize(
    "evidence",
    [
        "'Thousands of Russian soldiers have taken up positions in Belarus.'",
        "'thousands of russian SOLDIERS'",  # case
        "'Thousands   of Russian\tsoldiers'",  # whitespace inside the quote
        "'\"The fighting spirit is there,\" said Viktor Smeyan'",  # straight quotes; a line break
        '"\u201eThe fighting spirit is there,\u201c said"',  # low-9 and other curly quotes
        "'Viktor Smeyan - the deputy commander'",  # hyphen for the em dash
        "'Viktor Smeyan \u2013 the deputy commander'",  # en dash for the em dash
        '"Belarus\'s army"',  # straight apostrophe for the curly one
        "'poorly\u00a0trained, equipped'",  # a no-break space
        "'  poorly trained, equipped and motivated  '",  # spaces around
    ],
    ids=[
        "exact",
        "case",
        "whitespace",
        "straight-quotes",
        "low-9-quotes",
        "hyphen",
        "en-dash",
        "apostrophe",
        "no-break-space",
        "padding",
    ],
)
def test_evidence_found_forgiving_case_whitespace_quotes_and_dashes(
    tmp_path: Path, articles: Path, evidence: str
) -> None:
    assert seen(bank(tmp_path, question(evidence)), articles) == []


def test_a_quote_spanning_a_line_break_of_the_article(tmp_path: Path, articles: Path) -> None:
    path = bank(tmp_path, question('"\u201cThe fighting spirit is there,\u201d said"'))
    assert seen(path, articles) == []


def test_evidence_not_found_shows_the_closest_passage(tmp_path: Path, articles: Path) -> None:
    path = bank(tmp_path, question("the army is far too poorly trained to be a threat"))
    assert seen(path, articles) == [
        (
            "11:15 QG040 evidence not found in 'front.txt'",
            "the closest passage is: Belarus\u2019s army is thought to be too poorly trained, "
            "equipped and motivated to pose a serious threat.",
        )
    ]


def test_each_quote_of_a_list_is_checked_where_it_is(tmp_path: Path, articles: Path) -> None:
    evidence = "\n  - Its troops stay at home.\n  - Its troops went to Kyiv."
    found = seen(bank(tmp_path, question(evidence)), articles)
    assert found == [
        ("13:9 QG040 evidence not found in 'front.txt'", "the closest passage is: Its troops stay at home.")
    ]


def test_a_word_changed_is_not_forgiven(tmp_path: Path, articles: Path) -> None:
    path = bank(tmp_path, question("'Thousands of Russian soldiers have taken up positions in Ukraine.'"))
    assert [m for m, _ in seen(path, articles)] == ["11:15 QG040 evidence not found in 'front.txt'"]


def test_a_long_closest_passage_is_shortened(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    sentence = "Belarus " + "and the war " * 20 + "goes on."
    (folder / "front.txt").write_text(sentence + "\n", encoding="utf-8")
    ((_, hint),) = seen(bank(tmp_path, question("Belarus and the peace")), folder)
    assert hint == "the closest passage is: " + sentence[:159].rstrip() + "\u2026"
    assert len(hint.removeprefix("the closest passage is: ")) <= 160


@pytest.mark.parametrize("article", [ARTICLE, ""], ids=["nothing-in-common", "empty-article"])
def test_no_closest_passage_when_nothing_is_close(tmp_path: Path, article: str) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "front.txt").write_text(article, encoding="utf-8")
    ((_, hint),) = seen(bank(tmp_path, question("zebras gallop")), folder)
    # Not the shortest sentence (once 'Its troops stay at home.'), nor nothing at all for an
    # empty article (once 'the closest passage is: ').
    assert hint == "no sentence of the article shares a word with this quote"


def test_the_closest_passage_is_a_whole_sentence_of_a_wrapped_article(tmp_path: Path, articles: Path) -> None:
    ((_, hint),) = seen(bank(tmp_path, question("'The fighting spirit is here'")), articles)
    # Not a piece of a line (once 'the closest passage is: \u201cThe fighting spirit').
    assert " ".join(hint.split()) == "the closest passage is: \u201cThe fighting spirit is there,\u201d"


def test_an_article_with_bom_and_crlf(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "front.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode())
    path = bank(tmp_path, question("'War in Ukraine: New war front?'"))
    assert seen(path, folder) == []


# -- a missing article, a bank without a source ---------------------------------------------------------


def test_a_missing_article_is_one_warning_for_the_bank(tmp_path: Path, articles: Path) -> None:
    path = bank(
        tmp_path,
        question("anything at all", "a"),
        question("more of it", "b").replace("Who spoke?", "Who else?"),
        "id: c\ntype: short\nprompt: No evidence?\nanswer: none",
        file="2099-01-gone.txt",
    )
    found = load([path], articles).diagnostics
    assert [(d.line, d.col, d.code, d.severity.value, d.message, d.hint) for d in found] == [
        (
            5,
            9,
            "QG041",
            "warning",
            f"article '2099-01-gone.txt' not found in {articles}; evidence not checked",
            MISSING_HINT,
        )
    ]
    assert load([path], articles).ok


def test_strict_makes_the_missing_article_an_error(tmp_path: Path, articles: Path) -> None:
    path = bank(tmp_path, question("anything"), file="gone.txt")
    found = load([path], articles, strict=True)
    assert not found.ok
    assert [(d.code, d.severity.value) for d in found.diagnostics] == [("QG041", "error")]


def test_strict_makes_the_missing_article_fail_the_command(tmp_path: Path, articles: Path) -> None:
    path = bank(tmp_path, question("anything"), file="gone.txt")
    found = write(
        path.parent,
        bank_text(
            question("'Thousands of Russian soldiers'"),
            header=HEADER.format(file="front.txt").replace("bank: provenance", "bank: found"),
        ),
        "found.yaml",
    )
    runner = CliRunner()
    lenient = runner.invoke(app, ["check", str(path), str(found), "--articles", str(articles)])
    strict = runner.invoke(app, ["check", str(path), str(found), "--articles", str(articles), "--strict"])
    assert (lenient.exit_code, strict.exit_code) == (0, 1)
    assert f"{path}:5:9: warning: article 'gone.txt' not found in {articles}" in lenient.stdout
    assert f"{path}:5:9: error: article 'gone.txt' not found in {articles}" in strict.stdout


@pytest.mark.parametrize("command", ["check", "build"])
def test_articles_at_a_folder_without_any_of_the_banks_articles_is_a_usage_error(
    tmp_path: Path, articles: Path, command: str
) -> None:
    """Item 6 of issue 22: a wrong --articles folder is an error (exit 2), naming where it looked."""
    path = bank(tmp_path, question("anything"), file="gone.txt")
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    result = CliRunner().invoke(app, [command, str(path), "--articles", str(articles), *extra])
    assert result.exit_code == 2
    assert f"--articles: none of the banks' articles (gone.txt) is in {articles.resolve()}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_articles_at_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    path = bank(tmp_path, question("anything"))
    result = CliRunner().invoke(app, ["check", str(path), "--articles", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"--articles: no such folder: {tmp_path / 'nowhere'}" in result.stderr


def test_an_article_outside_the_folder_is_not_read(tmp_path: Path, articles: Path) -> None:
    (tmp_path / "secret.txt").write_text("the secret sentence\n", encoding="utf-8")
    path = bank(tmp_path, question("the secret sentence"), file="../secret.txt")
    assert seen(path, articles) == [
        (f"5:9 QG041 article '../secret.txt' not found in {articles}; evidence not checked", MISSING_HINT)
    ]


def test_a_question_without_evidence_is_a_warning(tmp_path: Path, articles: Path) -> None:
    path = bank(tmp_path, "id: q\ntype: short\nprompt: Who spoke?\nanswer: Smeyan")
    found = load([path], articles).diagnostics
    assert [(d.line, d.col, d.code, d.severity.value, d.message, d.hint) for d in found] == [
        (
            7,
            5,
            "QG042",
            "warning",
            "question 'q' has no evidence",
            'quote the sentence of the article that supports the answer: evidence: "..."',
        )
    ]


def test_a_bank_without_a_source_is_a_warning(tmp_path: Path, articles: Path) -> None:
    path = write(tmp_path, bank_text(question("anything")))
    assert seen(path, articles) == [
        (
            "1:7 QG043 the bank names no source file, so its evidence cannot be checked",
            "add source: {title: ..., file: <article file name>}",
        )
    ]


def test_a_source_without_a_file_is_a_warning_at_the_source(tmp_path: Path, articles: Path) -> None:
    header = "bank: b\ntitle: t\nsource:\n  title: New war front\nquestions:\n"
    path = write(tmp_path, bank_text(question("anything"), header=header))
    assert [m for m, _ in seen(path, articles)] == [
        "4:3 QG043 the bank names no source file, so its evidence cannot be checked"
    ]


def test_without_articles_nothing_is_checked(tmp_path: Path) -> None:
    path = bank(tmp_path, question("not in any article"), file="gone.txt")
    assert seen(path) == []


@pytest.mark.parametrize("file", ['"front\\0.txt"', "f" * 300 + ".txt"], ids=["nul", "too-long"])
def test_an_impossible_article_name_is_a_warning_not_a_crash(
    tmp_path: Path, articles: Path, file: str
) -> None:
    found = seen(bank(tmp_path, question("anything"), file=file), articles)
    assert [m.split(" ")[1] for m, _ in found] == ["QG041"]


# -- our own banks against the real articles -------------------------------------------------------


@requires_articles
def test_our_banks_cite_their_articles() -> None:
    checked = load([QUESTIONS], ARTICLES)
    assert [d.format_text() for d in checked.diagnostics] == []
