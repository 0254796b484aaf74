"""Nothing from a bank is live on a card, and no lock file makes a traceback; proved with the
real Anki: a card is rendered (`card.question()`, `card.answer()`) and its audio tags read."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from anki.collection import Collection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.anki import lock_path_for, source_html
from quizgen.anki.fields import WORD_JOINER, neutralise
from quizgen.bank.model import Source
from quizgen.errors import QuizgenError
from tests.anki.test_anki import T0, build, import_into, new_collection, note_id, visible

__all__ = ["new_collection"]  # the fixture, imported for these tests

PAYLOAD = r"Play [sound:alarm.mp3], [latex]\input{/etc/passwd}[/latex], [$]x[/$], [$$]y[/$$], \(x^2\), \[y\]."


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def hostile_bank(folder: Path, text: str) -> Path:
    """A bank with `text` in every text field a card shows."""
    t = _yaml(text)
    path = folder / "hostile.yaml"
    path.write_text(
        f"""bank: hostile
title: Hostile
source: {{title: {t}, published: 2022-10, url: "https://example.org/[sound:alarm.mp3]"}}
questions:
  - {{id: short, type: short, prompt: {t}, answer: {t}, accept: [{t}], explanation: {t}, evidence: {t}}}
  - {{id: choice, type: choice, prompt: {t}, choices: [{t}, other], answer: {t}}}
  - {{id: cloze, type: cloze, text: {_yaml("Cloze " + text + " {{c1::" + text + "::" + text + "}}")}}}
  - {{id: match, type: match, prompt: {t}, pairs: [[{t}, right], [left, {t}]]}}
  - {{id: order, type: order, prompt: {t}, items: [{t}, two, three]}}
  - {{id: numeric, type: numeric, prompt: {t}, answer: 3, unit: {t}}}
""",
        encoding="utf-8",
    )
    return path


def rendered_sides(col: Collection, question: str) -> list[str]:
    sides = []
    for card in col.get_note(note_id(col, "hostile", question)).cards():
        assert card.question_av_tags() == [] and card.answer_av_tags() == []
        sides += [card.question(), card.answer()]
    return sides


def test_anki_markup_from_a_bank_shows_as_text_and_does_nothing(
    tmp_path: Path, new_collection: Callable[[str], Collection]
) -> None:
    out = tmp_path / "d.apkg"
    build(out, hostile_bank(tmp_path, PAYLOAD))
    col = new_collection("student")
    import_into(col, out)
    for question in ("short", "choice", "cloze", "match", "order", "numeric"):
        for side in rendered_sides(col, question):
            assert "[anki:play" not in side and "class=latex" not in side and "latex-" not in side
            assert "\\(" not in side and "\\[" not in side  # no MathJax delimiter in the page
            assert PAYLOAD in visible(side).replace(WORD_JOINER, "")  # the student reads it all
    assert "LaTeX image generation" not in "".join(rendered_sides(col, "short"))
    (card,) = col.get_note(note_id(col, "hostile", "short")).cards()
    assert 'href="https://example.org/&#91;sound:alarm.mp3]"' in card.answer()  # the link still works


_MARKUP = st.sampled_from(
    ["[sound:x.mp3]", "[latex]a[/latex]", "[$]b[/$]", "[$$]c[/$$]", "\\(", "\\)", "\\[", "\\]"]
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        _MARKUP | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=5),
        min_size=1,
        max_size=6,
    )
)
def test_any_text_with_anki_markup_renders_literally(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str]
) -> None:
    text = "".join(parts).replace("*", "").replace("`", "").strip() or "x"
    folder = tmp_path_factory.mktemp("bank")
    path = folder / "b.yaml"
    path.write_text(
        "bank: hostile\ntitle: T\nquestions:\n"
        f"  - {{id: short, type: short, prompt: {_yaml(text)}, answer: a}}\n",
        encoding="utf-8",
    )
    build(folder / "d.apkg", path)
    col = Collection(str(folder / "c.anki2"))
    try:
        import_into(col, folder / "d.apkg")
        (card,) = col.get_note(note_id(col, "hostile", "short")).cards()
        assert card.question_av_tags() == [] and card.answer_av_tags() == []
        front = card.question()
        assert "class=latex" not in front and "\\(" not in front and "\\[" not in front
        # Shown as written: the bank's own `\\` escape aside, the same characters in order.
        shown = visible(front).replace(WORD_JOINER, "")
        assert " ".join(text.replace("\\\\", "\\").split()) in shown
    finally:
        col.close()


def test_neutralise_leaves_ordinary_brackets_and_backslashes() -> None:
    assert neutralise("[1] a\\b [soundtrack] [$5]") == "[1] a\\b [soundtrack] [$5]"
    assert neutralise("[SOUND:x] [/LaTeX]") == "&#91;SOUND:x] &#91;/LaTeX]"


# -- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:x",
        'https://ok.org/"onmouseover="alert(1)',
        "https://",
        "//evil.org",
    ],
)
def test_the_source_field_links_only_web_urls(url: str) -> None:
    field = source_html(Source(title="The article", url=url))
    assert field == "<cite>The article</cite>"


# -- lock files ---------------------------------------------------------------------------------

DAMAGED = "is not a quizgen Anki lock file"
RESTORE = (
    "restore it from version control, or delete it to start over (every note then counts as changed once)"
)


def _lock(tmp_path: Path, all_types: Path) -> tuple[Path, dict[str, dict[str, dict[str, object]]]]:
    out = tmp_path / "d.apkg"
    build(out, all_types)
    return out, json.loads(lock_path_for(out).read_text(encoding="utf-8"))


@pytest.mark.parametrize("mod", [2**32, 2**63 - 1, 10**20, -1])
@pytest.mark.parametrize("section", ["notes", "notetypes"])
def test_a_mod_time_anki_cannot_hold_is_a_damaged_lock(
    tmp_path: Path, all_types: Path, mod: int, section: str
) -> None:
    out, lock = _lock(tmp_path, all_types)
    key = next(iter(lock[section]))
    lock[section][key]["mod"] = mod
    lock_path_for(out).write_text(json.dumps(lock), encoding="utf-8")
    with pytest.raises(QuizgenError) as caught:
        build(out, all_types, timestamp=T0 + 1)
    assert str(caught.value) == f"{lock_path_for(out)} {DAMAGED} (bad entry for {key!r}); {RESTORE}"


def test_a_deeply_nested_lock_is_a_damaged_lock(tmp_path: Path, all_types: Path) -> None:
    out = tmp_path / "d.apkg"
    lock_path_for(out).write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(QuizgenError) as caught:
        build(out, all_types)
    assert str(caught.value) == f"{lock_path_for(out)} {DAMAGED} (nested too deeply); {RESTORE}"
    assert not out.exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(max_size=200)
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    ).map(lambda v: json.dumps({"quizgen-anki-lock": 1, "notes": v, "notetypes": {}}).encode())
)
def test_any_lock_file_builds_or_gives_the_damaged_lock_message(
    tmp_path_factory: pytest.TempPathFactory, all_types: Path, data: bytes
) -> None:
    out = tmp_path_factory.mktemp("lock") / "d.apkg"
    lock_path_for(out).write_bytes(data)
    try:
        build(out, all_types)
    except QuizgenError as exc:
        assert re.fullmatch(rf".* {DAMAGED} \(.*\); {re.escape(RESTORE)}", str(exc), re.S)
    else:
        assert out.exists()
