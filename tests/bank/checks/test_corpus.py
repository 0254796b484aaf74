"""The corpus of broken banks: one file per failure mode in tests/bank/bad/.

Each file is mapped to the exact list of problems a user sees ("line:col CODE message"),
the whole list, so no extra or missing diagnostic can slip through. Hints are asserted
in the per-family tests beside this file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quizgen.bank.check import load
from quizgen.diagnostics import CODES
from tests.conftest import ARTICLES, BAD, diagnostics_of, requires_articles

REUSED = "this list or mapping is reused through a YAML alias (*name); quizgen does not expand aliases"

# Each file checked on its own, without --articles.
CORPUS: dict[str, list[str]] = {
    # -- reading the file ---------------------------------------------------------------------
    "not-utf8.yaml": ["3:11 QG001 file is not valid UTF-8 (byte 0xe9)"],
    "tab-indent.yaml": ["6:1 QG002 tab character in indentation"],
    "colon-in-text.yaml": ["7:21 QG002 YAML syntax error: mapping values are not allowed in this context"],
    "unclosed-quote.yaml": ["7:13 QG002 YAML syntax error: the quote opened here is never closed"],
    # The quote runs on to the next one in the file; the error names where it opened.
    "unclosed-quote-mid-file.yaml": [
        "7:13 QG002 YAML syntax error: the quote opened here is not closed on its line "
        "(YAML read on to line 11)"
    ],
    "choice-indented-less.yaml": [
        "11:6 QG002 YAML syntax error: this line is indented 5 spaces, the line above 6"
    ],
    "choice-indented-deeper.yaml": [
        "9:6 QG022 1 choice: the list was read as one text, because a '- ' line below the first "
        "is indented more than the first",
        "12:13 QG020 answer 'Pulling troops back' is not one of the choices",
    ],
    "multiple-documents.yaml": [
        "9:1 QG002 YAML syntax error: expected a single document in the stream, but found another document"
    ],
    "top-level-list.yaml": ["2:1 QG003 the top level should be a mapping of keys, not a list"],
    "top-level-scalar.yaml": ["2:1 QG003 the top level should be a mapping of keys, not text"],
    "empty-file.yaml": ["1:1 QG003 the file is empty"],
    "duplicate-key.yaml": ["9:5 QG004 duplicate key 'answer' in a short question"],
    "alias-reused.yaml": [f"10:5 QG005 {REUSED}"],
    "alias-bomb.yaml": [
        line
        for n in range(1, 10)
        for line in (
            [f"{5 + n}:5 QG012 'tags[{n}]' should be text, not a list"]
            # lol1..lol8 are each reused through aliases: one report per list, at its first alias
            + ([f"{5 + n}:12 QG005 {REUSED}"] if n > 1 else [])
        )
    ],
    # -- structure ----------------------------------------------------------------------------
    "missing-key.yaml": ["5:5 QG010 question 'joint-unit-purpose' (choice) is missing 'answer'"],
    "missing-type.yaml": ["5:5 QG010 question 'exile-country' is missing 'type'"],
    "missing-bank-title.yaml": ["2:1 QG010 the bank is missing 'title'"],
    "source-missing-title.yaml": ["5:3 QG010 the source is missing 'title'"],
    "unknown-key.yaml": [
        "5:5 QG010 question 'exile-country' (short) is missing 'answer'",
        "8:5 QG011 unknown key 'anwser' in a short question",
    ],
    "key-of-another-type.yaml": ["8:5 QG011 unknown key 'choices' in a short question"],
    "prompt-not-text.yaml": ["7:13 QG012 'prompt' should be text, not a list"],
    "choices-not-a-list.yaml": ["8:14 QG012 'choices' should be a list of text, not text"],
    "truefalse-answer-not-bool.yaml": ["8:13 QG012 'answer' should be true or false, not text"],
    "shuffle-not-bool.yaml": ["10:14 QG012 'shuffle' should be true or false, not text"],
    "numeric-answer-not-a-number.yaml": ["8:13 QG012 'answer' should be a number, not text"],
    "tolerance-not-a-number.yaml": ["9:16 QG012 'tolerance' should be a number, not text"],
    "questions-not-a-list.yaml": ["5:3 QG012 'questions' should be a list, not a mapping"],
    "question-not-a-mapping.yaml": ["5:5 QG012 a question should be a mapping of keys, not text"],
    "match-bad-pair.yaml": ["10:9 QG012 pair 2 of 'pairs' should be [left, right]"],
    "unknown-type.yaml": ["6:11 QG013 unknown question type 'multiple'"],
    "empty-text.yaml": ["7:13 QG014 'prompt' is empty"],
    "evidence-empty-list.yaml": ["9:15 QG014 'evidence' is an empty list"],
    "id-not-slug.yaml": ["5:9 QG015 question id 'Exile_Country' is not a slug"],
    "bank-id-not-slug.yaml": ["2:7 QG015 bank id 'Putin troops Belarus' is not a slug"],
    "unknown-difficulty.yaml": ["9:17 QG016 unknown difficulty 'Easy'"],
    "negative-points.yaml": ["9:13 QG017 points cannot be negative (-2)"],
    "points-not-finite.yaml": ["9:13 QG017 'points' must be a finite number, not .inf"],
    "negative-tolerance.yaml": ["9:16 QG017 tolerance cannot be negative (-100)"],
    "tag-with-space.yaml": ["4:17 QG018 tag 'war in ukraine' contains a space"],
    "deck-empty-part.yaml": ["4:7 QG019 deck name 'Belarus and the war::' has an empty part"],
    "tagged-values.yaml": [
        "8:13 QG012 'answer' should be true or false, not 'maybe'",  # not False (red-team 29)
        "12:13 QG012 'answer' should be a number, not 'abc'",  # not "too large a number"
        "16:13 QG012 'answer' should be a number, not 'abc'",
    ],
    "alias-after-colon.yaml": [f"4:64 QG005 {REUSED}"],  # was no message at all (red-team 24)
    # -- what the outputs can carry (red-team 13, 16, 21, 28, 30) -----------------------------
    "cloze-number-too-large.yaml": [
        "7:11 QG026 malformed cloze deletion: c65537 is beyond c65,536, the highest number Anki can carry",
        "10:11 QG026 malformed cloze deletion: c999999999999... (23 digits) is beyond c65,536, "
        "the highest number Anki can carry",
    ],
    "deck-too-deep.yaml": [
        "4:7 QG070 deck name 'a::b::c::d::e::f::g::h::i::j::k::l' is 12 levels deep; "
        "Anki refuses a package with decks over 11 levels"
    ],
    "title-deck-problems.yaml": [
        "3:8 QG019 the deck made from the title, 'Quizgen::b::c::d::e::f::g::h::i::j::k::', "
        "has an empty part",
        "3:8 QG070 the deck made from the title, 'Quizgen::b::c::d::e::f::g::h::i::j::k::', is 12 levels "
        "deep; Anki refuses a package with decks over 11 levels",
    ],
    "tag-empty-part.yaml": [
        "4:8 QG071 tag 'belarus::' has an empty part",
        "4:21 QG071 tag '::war' has an empty part",
    ],
    "names-anki-merges.yaml": [
        "10:12 QG072 tag 'belarus' differs from 'Belarus' only in case",
        "10:21 QG072 tag 'cafe\u0301' differs from 'caf\u00e9' only in Unicode form "
        "(one has letters written with combining accents)",
    ],
    "deck-default.yaml": ["4:7 QG073 deck name 'Default' is Anki's own 'Default' deck"],
    "control-character.yaml": [
        "7:13 QG074 'prompt' holds the control character \\x00",
        "9:12 QG074 'tags' holds the control character \\x7f",
    ],
    "lines-too-many.yaml": ["8:12 QG075 lines: 100,000,000 is more than the 100 a printed question can have"],
    "text-too-long.yaml": ["7:13 QG076 'prompt' is 10,001 characters long; a text can have 10,000"],
    "source-url-javascript.yaml": [
        "6:8 QG077 source url 'javascript:document.documentElement.setAttribute('data-pwned','1')//' "
        "is not a web link (http:// or https://); it is left out of every output"
    ],
    # -- meaning ------------------------------------------------------------------------------
    "answer-not-a-choice.yaml": ["9:13 QG020 answer 'A diversion tactic' is not one of the choices"],
    "answer-wrong-case.yaml": ["9:13 QG020 answer 'a Diversionary Tactic' is not one of the choices"],
    "multi-answer-not-a-choice.yaml": [
        "14:9 QG020 answer 'The opposition militarising abroad' is not one of the choices"
    ],
    "duplicate-choice.yaml": ["11:9 QG021 choice 'Lithuania' appears twice"],
    "too-many-choices.yaml": ["8:14 QG022 27 choices; a question needs 2 to 26"],
    "duplicate-question-id.yaml": ["9:9 QG023 question id 'exile-country' is used twice in this bank"],
    "cloze-no-deletion.yaml": ["7:11 QG025 cloze text has no deletion"],
    "cloze-malformed.yaml": [
        "7:11 QG026 malformed cloze deletion: '{{c1:Gomel}}' is not a deletion like {{c1::answer}}"
    ],
    "cloze-unbalanced.yaml": [
        "7:11 QG026 malformed cloze deletion: unbalanced '{{' or '}}' outside a deletion"
    ],
    "match-one-pair.yaml": ["9:7 QG027 1 pair; a match needs 2 or more"],
    "match-repeated-left.yaml": ["11:9 QG028 left side 'Ivan Tertel' appears twice"],
    "order-two-items.yaml": ["9:7 QG029 2 items; an order question needs 3 or more"],
    "order-repeated-item.yaml": ["11:9 QG029 item 'The 2020 presidential election' appears twice"],
    "multi-duplicate-answer.yaml": ["9:26 QG030 answer 'Volunteers' is listed twice"],
    "image-escapes.yaml": ["9:12 QG031 image path '../../etc/passwd' leaves the bank's folder"],
    "image-absolute.yaml": ["9:12 QG031 image path '/etc/passwd' is absolute"],
    "image-missing.yaml": ["9:12 QG032 image file 'images/map-of-lithuania.png' does not exist"],
    # -- item-writing lint (warnings) -----------------------------------------------------------
    "same-prompt-twice.yaml": ["11:13 QG050 the same prompt is asked twice in this bank"],
    # "All of the above" is QG105 (pinned or not); QG051 keeps to other order-bound choices.
    "all-of-the-above.yaml": ["8:34 QG105 'All of the above' is an 'all of the above' choice"],
    "both-of-these.yaml": ["8:34 QG051 'Both of these' depends on the order of the choices"],
    "every-choice-correct.yaml": ["9:13 QG052 every choice is a correct answer"],
    # -- item-writing checks (Haladyna et al. 2002), QG101-QG110 ---------------------------------
    "key-longest.yaml": [
        "10:9 QG101 the right answer is much longer than every wrong one "
        "(48 characters, the longest wrong one 22)"
    ],
    "key-longest-bank.yaml": ["5:3 QG102 the right answer is the longest choice in 6 of 6 choice questions"],
    "key-shortest-bank.yaml": [
        "5:3 QG114 the right answer is the shortest choice in 5 of 6 choice questions"
    ],
    "true-distractor.yaml": [
        "11:9 QG111 the wrong answer 'He designed the towers and then fell ill' is what the evidence says"
    ],
    "multi-keys-first.yaml": ["5:3 QG112 the right answers are the first choices in 3 of 3 multi questions"],
    "key-positions.yaml": [
        "5:3 QG113 the right answers of the 7 choice questions step one letter down from one question "
        "to the next (A, B, C, D, A, ...)"
    ],
    "accepted-unknown.yaml": [
        "10:7 QG033 accepted code QG999 does not exist",
        "11:7 QG033 QG020 is an error and cannot be accepted",
    ],
    "accepted-stale.yaml": ["11:7 QG034 QG100 is accepted here but not raised"],
    "key-verbatim.yaml": [
        "10:9 QG103 the right answer copies the article ('a potential game changer ...') "
        "and no wrong one does"
    ],
    "stem-clue.yaml": ["9:9 QG104 the right answer repeats 'west' from the question, and no wrong one does"],
    "negative-stem.yaml": ["7:13 QG106 the question says 'not' without emphasis"],
    "absolute-distractor.yaml": [
        "10:9 QG107 the wrong answer 'He will always follow Moscow' says 'always', and no right answer does"
    ],
    "giveaway.yaml": ["12:15 QG108 this gives away the answer of question 'exile-country': 'Lithuania'"],
    "hard-verbatim.yaml": ["10:17 QG109 a hard question whose answer stands word for word in its evidence"],
    "name-two-spellings.yaml": ["7:13 QG110 'Chrenin' is spelled 'Khrenin' elsewhere in this deck"],
}

# Checked with --articles. `{articles}` stands for the folder given.
WITH_ARTICLES: dict[str, list[str]] = {
    "evidence-not-found.yaml": [
        "13:15 QG040 evidence not found in '2022-10-putin-deploys-troops-in-belarus.txt'"
    ],
    "article-missing.yaml": [
        "6:9 QG041 article '2099-01-an-article-nobody-saved.txt' not found in {articles}; "
        "evidence not checked"
    ],
    "no-evidence.yaml": ["8:5 QG042 question 'joint-unit-purpose' has no evidence"],
    "no-source-file.yaml": ["5:3 QG043 the bank names no source file, so its evidence cannot be checked"],
    "part-not-supported.yaml": [
        "13:9 QG100 pair 2 'Viktor Chrenin \u2013 defence minister' is not supported by any evidence quote"
    ],
}
NEEDS_REAL_ARTICLE = {"evidence-not-found.yaml", "no-evidence.yaml", "part-not-supported.yaml"}

# Checked together: the problem is between the files.
TOGETHER = ("duplicate-bank-id-a.yaml", "duplicate-bank-id-b.yaml")

# Files whose expected list is right while quizgen is still wrong: name -> "bug: ...".
# Each becomes a strict xfail, so the entry must go as soon as the bug is fixed.
# (Empty now: the tab, unclosed quote, second document, alias and QG043 position bugs this
# corpus found have been fixed.)
KNOWN_BUGS: dict[str, str] = {}


def _case(name: str, expected: list[str], **marks: object) -> object:
    bug = KNOWN_BUGS.get(name)
    applied = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    if marks.get("needs_articles"):
        applied.append(requires_articles)
    return pytest.param(name, expected, marks=applied, id=name.removesuffix(".yaml"))


@pytest.mark.parametrize(("name", "expected"), [_case(n, e) for n, e in CORPUS.items()])
def test_broken_bank_gives_exactly_these_diagnostics(name: str, expected: list[str]) -> None:
    assert diagnostics_of(BAD / name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [_case(n, e, needs_articles=n in NEEDS_REAL_ARTICLE) for n, e in WITH_ARTICLES.items()],
)
def test_broken_bank_with_articles_gives_exactly_these_diagnostics(name: str, expected: list[str]) -> None:
    # Banks that do not need the real article are checked against a folder without it.
    articles = ARTICLES if name in NEEDS_REAL_ARTICLE else BAD
    wanted = [line.format(articles=articles) for line in expected]
    assert diagnostics_of(BAD / name, articles) == wanted


# Checks of a key against its own quotes need no article: these say the same without one.
QUOTES_ONLY = {"part-not-supported.yaml"}


def test_without_articles_provenance_banks_are_clean() -> None:
    for name in WITH_ARTICLES:
        assert diagnostics_of(BAD / name) == (WITH_ARTICLES[name] if name in QUOTES_ONLY else []), name


def test_duplicate_bank_ids_across_files() -> None:
    first, second = (BAD / name for name in TOGETHER)
    checked = load([first, second])
    assert [(Path(d.path).name, d.line, d.col, d.code, d.message) for d in checked.diagnostics] == [
        (second.name, 2, 7, "QG024", f"bank id 'belarus' is also used by {first}"),
    ]
    # Each file on its own is fine.
    assert diagnostics_of(first) == diagnostics_of(second) == []


def test_every_file_in_the_corpus_has_an_entry() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.is_file()}
    covered = set(CORPUS) | set(WITH_ARTICLES) | set(TOGETHER)
    assert sorted(on_disk - covered) == [], "corpus files without an expected list"
    assert sorted(covered - on_disk) == [], "expected lists without a corpus file"


def test_known_bugs_name_corpus_entries() -> None:
    assert set(KNOWN_BUGS) <= set(CORPUS) | set(WITH_ARTICLES)


def test_the_corpus_is_large_enough() -> None:
    assert len(list(BAD.glob("*.yaml"))) >= 35


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_corpus_file_starts_with_a_comment_naming_its_failure(path: Path) -> None:
    first_line = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first_line.startswith(f"# {path.stem}: "), first_line


# Codes no file of the corpus can trigger, each with the reason.
UNTRIGGERABLE: dict[str, str] = {
    "QG006": "a corpus file can always be read; test_read.py covers it with a folder named *.yaml",
    "QG007": "a folder's FIFO or dangling link is no corpus file; tests/test_inputs.py makes them",
    "QG035": "project settings apply to a whole folder; tests/bank/checks/test_accepted.py writes them",
}


@requires_articles
def test_every_error_code_is_triggered_by_some_corpus_file() -> None:
    found: set[str] = set()
    for name in CORPUS:
        found |= {d.code for d in load([BAD / name]).diagnostics}
    for name in WITH_ARTICLES:
        articles = ARTICLES if name in NEEDS_REAL_ARTICLE else BAD
        found |= {d.code for d in load([BAD / name], articles).diagnostics}
    found |= {d.code for d in load([BAD / name for name in TOGETHER]).diagnostics}
    # QG2xx are what an export format cannot carry: tests/lms/test_codes.py triggers each.
    bank_codes = {code for code in CODES if not code.startswith("QG2")}
    assert sorted(bank_codes - found - set(UNTRIGGERABLE)) == []
    assert sorted(set(UNTRIGGERABLE) & found) == [], "an 'untriggerable' code is triggered"


def test_alias_bomb_loads_in_bounded_time_and_is_an_error() -> None:
    start = time.perf_counter()
    checked = load([BAD / "alias-bomb.yaml"])
    elapsed = time.perf_counter() - start
    assert elapsed < 2, f"loading the alias bomb took {elapsed:.1f} s"
    assert not checked.ok
    assert len(checked.diagnostics) < 50
