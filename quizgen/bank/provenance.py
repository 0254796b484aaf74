"""Provenance: every evidence quote found in the bank's article (QG040-QG043), the
articles read once each, and the quote checks run with --articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.bank.model import Bank
from quizgen.bank.registry import EVIDENCE_CHECKS, _at, _shorten, _visible
from quizgen.bank.text import normalize_quote
from quizgen.diagnostics import Diagnostic, diagnostic

# -- provenance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """A source article, normalised once for matching quotes against it."""

    text: str  # normalised, see `normalize_quote`
    sentences: list[tuple[str, frozenset[str]]]  # (sentence as written, its words)


_WORD = re.compile(r"\w+")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n\s*")  # a blank line
_SENTENCE_END = re.compile(r"(?<=[.!?\"\u201d])\s+")


def _sentences(text: str) -> list[str]:
    """The sentences of an article: paragraphs end at blank lines and are joined across
    line breaks (articles are often hard-wrapped), then split after . ! ? and closing quotes."""
    out: list[str] = []
    for paragraph in _PARAGRAPH_END.split(text):
        joined = " ".join(paragraph.split())
        if joined:
            out.extend(_SENTENCE_END.split(joined))
    return out


@dataclass(frozen=True)
class EvidenceSummary:
    """What provenance covered: the quotes found in their articles, and the articles used."""

    quotes: int = 0
    articles: int = 0
    missing: int = 0  # quotes not found (each an error QG040)


@dataclass
class Articles:
    """The folder of source articles, each read once."""

    folder: Path
    _cache: dict[str, Article | None] = field(default_factory=dict)
    found: int = 0  # quotes found, counted by `check_provenance`
    missing: int = 0
    used: set[str] = field(default_factory=set)

    def summary(self) -> EvidenceSummary:
        return EvidenceSummary(self.found, len(self.used), self.missing)

    def get(self, name: str) -> Article | None:
        """The article called `name` in the folder; None when it is missing or outside it."""
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name: str) -> Article | None:
        path = self.folder / name
        try:
            if not path.resolve().is_relative_to(self.folder.resolve()) or not path.is_file():
                return None
            raw = path.read_text(encoding="utf-8-sig", errors="replace")
        except (OSError, ValueError, RuntimeError):
            # A NUL in the name, a name too long, a symlink loop, a file that cannot be read.
            return None
        return Article(normalize_quote(raw), [(s, _words(s)) for s in _sentences(raw)])


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(normalize_quote(text)))


def closest_passage(quote: str, article: Article) -> str:
    """The sentence of the article sharing most words with `quote` (shortest on a tie);
    '' when no sentence shares a word with it."""
    words = _words(quote)
    best = max(article.sentences, key=lambda s: (len(words & s[1]), -len(s[0])), default=None)
    return best[0] if best is not None and words & best[1] else ""


def check_provenance(bank: Bank, articles: Articles) -> Iterator[Diagnostic]:
    """Every evidence quote must occur in the bank's article."""
    source = bank.source
    if "source" in bank.broken:
        return
    if source is None or not source.file:
        yield _at(
            "QG043",
            bank,
            bank,
            "source" if source else "bank",
            "the bank names no source file, so its evidence cannot be checked",
            "add source: {title: ..., file: <article file name>}",
        )
        return
    article = articles.get(source.file)
    if article is None:
        pos = source.pos("file")
        yield diagnostic(
            "QG041",
            str(bank.path),
            pos.line,
            pos.col,
            f"article '{_visible(source.file)}' not found in {articles.folder}; evidence not checked",
            "check the file name or the --articles folder",
        )
        return
    articles.used.add(source.file)
    for q in (*bank.questions, *bank.unsound):
        if "evidence" in q.broken:
            continue
        if not q.evidence:
            yield _at(
                "QG042",
                bank,
                q,
                "",
                f"question '{q.id}' has no evidence",
                'quote the sentence of the article that supports the answer: evidence: "..."',
            )
        for i, quote in enumerate(q.evidence):
            if normalize_quote(quote) in article.text:
                articles.found += 1
            else:
                articles.missing += 1
                closest = closest_passage(quote, article)
                yield _at(
                    "QG040",
                    bank,
                    q,
                    f"evidence.{i}",
                    f"evidence not found in '{source.file}'",
                    f"the closest passage is: {_shorten(closest)}"
                    if closest
                    else "no sentence of the article shares a word with this quote",
                )
    for q in bank.questions:
        for evidence_check in EVIDENCE_CHECKS:
            yield from evidence_check(bank, q, article)
