"""The LMS text helpers: their shortcut for texts without marks gives what the full path gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.text import plain, to_html
from quizgen.lms.text import clean, html, text

# Pieces that exercise every branch: the three marks, escapes, HTML specials, line breaks,
# control characters (dropped by clean) and plain words.
_PIECES = st.sampled_from(["*", "**", "`", "\\", "\\*", "&", "<", ">", "\n", "\x00", "\x0b", "é", " ", "ab"])
_TEXTS = st.lists(_PIECES | st.text(max_size=4), max_size=12).map("".join)


@given(_TEXTS)
def test_html_is_the_bank_html_of_the_clean_text(value: str) -> None:
    assert html(value) == to_html(clean(value))


@given(_TEXTS)
def test_text_is_the_plain_text_of_the_clean_text(value: str) -> None:
    assert text(value) == plain(clean(value))


def test_a_text_without_marks_is_returned_as_it_is() -> None:
    words = "Lukashenko's troops, 9000 of them"
    assert html(words) is words
    assert text(words) is words
    assert html("a & <b>") == "a &amp; &lt;b&gt;"
    assert text("**bold** and *it*") == "bold and it"
