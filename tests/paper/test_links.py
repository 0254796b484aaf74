"""Links in printed keys: only http(s) URLs ever become links, in every writer (bank.text.safe_link)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdown_it
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.text import safe_link
from quizgen.paper import html as html_writer
from quizgen.paper import markdown
from quizgen.select import QuizSettings, build_quiz, select
from tests.conftest import load_ok

BANK = """
bank: links
title: Links
source: {{title: The article, published: 2022-10, url: {url}}}
questions:
  - {{id: q, type: short, prompt: Who?, answer: Him}}
"""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v or "" for k, v in attrs if tag == "a" and k == "href"]


def keys(write_bank: Callable[[str], Path], url: str, tmp_path: Path) -> tuple[list[str], list[str], str]:
    """The hrefs of the HTML key, of the Markdown key as markdown-it renders it (without link
    validation, as a lax renderer would), and the Markdown key's text."""
    quiz = build_quiz(select(load_ok(write_bank(BANK.format(url=url))).banks), QuizSettings())
    html_key = Path(html_writer.write(quiz, tmp_path / "q.html")[1]).read_text(encoding="utf-8")
    md_key = Path(markdown.write(quiz, tmp_path / "q.md")[1]).read_text(encoding="utf-8")
    found = _Links()
    found.feed(html_key)
    lax = markdown_it.MarkdownIt("commonmark")
    lax.validateLink = lambda url: True  # type: ignore[method-assign]
    md_links = _Links()
    md_links.feed(lax.render(md_key))
    return found.hrefs, md_links.hrefs, md_key


@pytest.mark.parametrize(
    "url",
    [
        "\"javascript:document.documentElement.setAttribute('data-pwned','1')//\"",
        "JavaScript:alert(1)",
        '"data:text/html,<b>x</b>"',
        "file:///etc/passwd",
        '"https://x.org/a b"',
    ],
)
def test_a_url_that_is_not_a_web_link_is_never_a_link(
    write_bank: Callable[[str], Path], tmp_path: Path, url: str
) -> None:
    html_links, md_links, md_key = keys(write_bank, url, tmp_path)
    assert html_links == [] and md_links == []
    assert "Source: “The article”, as of October 2022." in md_key  # named once, at the head


def test_a_web_link_stays_a_link_in_both_keys(write_bank: Callable[[str], Path], tmp_path: Path) -> None:
    html_links, md_links, md_key = keys(write_bank, "https://example.org/news?id=1", tmp_path)
    assert html_links == md_links == ["https://example.org/news?id=1"]
    assert "[The article](<https://example.org/news?id=1>)" in md_key


@given(st.text(max_size=40))
def test_safe_link_gives_only_http_urls_without_breaking_characters(url: str) -> None:
    link = safe_link(url)
    if link is not None:
        assert link.lower().startswith(("http://", "https://")) and len(link) > len("https://") - 1
        assert not any(c.isspace() or c in "<>\"'`\\" or ord(c) < 32 for c in link)


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://be.wikipedia.org/wiki/Мінск", "https://be.wikipedia.org/wiki/Мінск"),
        (" HTTP://example.org ", "HTTP://example.org"),
        ("https://", None),
        ("http:///etc/passwd", None),
        ("https:evil", None),
        ("ftp://example.org", None),
    ],
)
def test_safe_link_cases(url: str, link: str | None) -> None:
    assert safe_link(url) == link
