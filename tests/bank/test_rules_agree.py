"""Issue 22, item 2: QG100 (the key says what a quote says) and QG103 (the key alone copies the
quote's wording) can always both be satisfied: the same words in another order pass both."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizgen.bank import evidence as ev
from quizgen.bank.lint import _copied_run

ARTICLE = (Path(__file__).parent / "corpus" / "articles" / "brooklyn-bridge.txt").read_text(encoding="utf-8")
SENTENCES = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(ARTICLE.split())) if len(s.split()) >= 6]


@st.composite
def copied_keys(draw: st.DrawFn) -> tuple[str, str]:
    """A quote, and a key copied from it: a run of 4 to 9 of its words."""
    quote = draw(st.sampled_from(SENTENCES))
    words = quote.rstrip(".!?").split()
    size = draw(st.integers(min_value=4, max_value=min(9, len(words))))
    start = draw(st.integers(min_value=0, max_value=len(words) - size))
    return quote, " ".join(words[start : start + size])


SCALES = {"hundred", "thousand", "million", "billion"}


def reordered(key: str) -> str:
    """The key's words back to front, a number kept whole ("15 million" stays "15 million")."""
    chunks: list[list[str]] = []
    for word in key.split():
        if chunks and word.lower().strip(",") in SCALES:
            chunks[-1].append(word)
        else:
            chunks.append([word])
    return " ".join(" ".join(chunk) for chunk in reversed(chunks))


@settings(max_examples=300, deadline=None)
@given(copied_keys())
def test_a_copied_key_reordered_satisfies_both_rules(case: tuple[str, str]) -> None:
    quote, key = case
    quoted = " ".join(ev.tokens(quote))
    numbers = {w for w in ev.tokens(quote) if ev.is_number(w)}
    assume({w for w in ev.tokens(key) if ev.is_number(w)} <= numbers)  # no number cut in two
    assert ev.supported(key, [quote])  # a copy says what the quote says
    other = reordered(key)
    assert ev.supported(other, [quote]), other  # so do the same words in another order
    assert _copied_run(other, quoted) == "", other  # and they copy no run of its wording
