"""Item-writing checks (QG101-QG110) and evidence for every part (QG100).

Each check is held to well-written items (nothing may fire) as well as to flawed ones
(the exact message at the exact place). The flawed items are the review's real cases
(/work/shared/reviews/2026-12-banks.md), cut down.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.bank.check import load
from tests.bank.checks import bank_text, seen, write
from tests.conftest import ARTICLES, requires_articles

SOURCE = (
    "bank: lint\ntitle: Lint\ndeck: Lint tests\nsource:\n  {title: New war front, published: 2022-10,\n"
    "  file: 2022-10-putin-deploys-troops-in-belarus.txt}\nquestions:\n"
)
FIRST = 8  # with SOURCE, the first question starts on line 8

# Well-written items of every kind, with evidence for every part, checked against the real article.
GOOD = [
    """
    id: joint-unit-purpose
    type: choice
    prompt: According to British findings, what is the joint military unit mainly?
    choices: [A diversionary tactic, A force to take Kyiv, A peacekeeping mission, A nuclear deterrent]
    answer: A diversionary tactic
    evidence: the joint military unit set up by Moscow is primarily a diversionary tactic
    difficulty: medium
    """,
    """
    id: which-is-not
    type: choice
    prompt: Which of these does the article **not** say about Belarus's army?
    choices: [It is large and modern, It is weak, It has few special forces]
    answer: It is large and modern
    evidence: "the Belarusian army is weak, with only around 15,000 well-trained special forces"
    difficulty: hard
    """,
    """
    id: exile
    type: short
    prompt: In which neighbouring country does the opposition leader live in exile?
    answer: Lithuania
    evidence: who lives in exile in neighboring Lithuania
    difficulty: easy
    """,
    """
    id: months-of-war
    type: numeric
    prompt: How many months had Putin's war lasted at the time of writing?
    answer: 8
    unit: months
    evidence: since the start of Putin's war around eight months ago
    difficulty: medium
    """,
    """
    id: people
    type: match
    prompt: Match each person to their role.
    pairs:
      - [Ivan Tertel, Head of the KGB]
      - [Svetlana Tichanovskaya, Opposition leader in exile]
      - [Viktor Smeyan, Russian deputy commander]
    evidence:
      - The head of the KGB secret service, Ivan Tertel
      - opposition leader Svetlana Tichanovskaya, who lives in exile in neighboring Lithuania
      - as Russian Deputy Commander Viktor Smeyan said on state television
    difficulty: medium
    """,
    """
    id: order-of-events
    type: order
    prompt: Put these in the order they happened.
    items:
      - The 2020 presidential election
      - Russian units march from the Gomel region
      - Thousands of Russian soldiers take up positions in Belarus
    evidence:
      - winner of the 2020 presidential election
      - Russian units marched from the Gomel region in southern Belarus
      - Russian soldiers have taken up positions with tanks and other heavy military equipment in Belarus
    difficulty: medium
    """,
    """
    id: ruler-cloze
    type: cloze
    text: The ruler in Belarus, {{c1::Alexander Lukashenko}}, says he concentrates on {{c2::defense::what}}.
    evidence:
      - "The ruler in Belarus, Alexander Lukashenko, insists that he will not interfere"
      - "but is only concentrating on defense"
    difficulty: easy
    """,
    """
    id: tichanovskaya-views
    type: multi
    prompt: What does Tichanovskaya say? Select all that apply.
    choices:
      - The Kremlin runs Belarusian politics
      - Lukashenko disgraces her country
      - Belarus should join the war against Ukraine
    answer: [The Kremlin runs Belarusian politics, Lukashenko disgraces her country]
    evidence:
      - the Kremlin controls politics in Belarus, emphasizes Tichanovskaya
      - '"Lukashenko is a disgrace to my country," says Tichanovskaya'
    difficulty: medium
    """,
]


def lint(tmp_path: Path, *questions: str, articles: Path | None = ARTICLES) -> list[tuple[str, str]]:
    return seen(write(tmp_path, bank_text(*questions, header=SOURCE)), articles)


@requires_articles
def test_well_written_items_of_every_kind_raise_nothing(tmp_path: Path) -> None:
    assert lint(tmp_path, *GOOD) == []


def test_well_written_items_raise_nothing_without_articles_either(tmp_path: Path) -> None:
    assert lint(tmp_path, *GOOD, articles=None) == []


# -- QG100: evidence for every part ---------------------------------------------------------------


@requires_articles
def test_a_match_pair_no_quote_supports_is_named_at_its_own_line(tmp_path: Path) -> None:
    people = GOOD[4].replace(
        "      - as Russian Deputy Commander Viktor Smeyan said on state television\n", ""
    )
    assert lint(tmp_path, people) == [
        (
            f"{FIRST + 6}:9 QG100 pair 3 'Viktor Smeyan \u2013 Russian deputy commander' "
            "is not supported by any evidence quote",
            "quote the sentence that says it (evidence can be a list); no quote holds: "
            "smeyan, russian, deputy, commander",
        )
    ]


@requires_articles
def test_an_order_item_and_a_multi_answer_without_a_quote(tmp_path: Path) -> None:
    order = GOOD[5].replace("      - winner of the 2020 presidential election\n", "")
    multi = GOOD[7].replace("      - '\"Lukashenko is a disgrace to my country,\" says Tichanovskaya'\n", "")
    found = [p for p, _ in lint(tmp_path, order, multi)]
    assert found == [
        f"{FIRST + 4}:9 QG100 item 1 'The 2020 presidential election' is not supported by any evidence quote",
        f"{FIRST + 18}:52 QG100 the right answer 'Lukashenko disgraces her country' "
        "is not supported by any evidence quote",
    ]


@requires_articles
def test_a_cloze_deletion_is_reported_where_it_is_written(tmp_path: Path) -> None:
    cloze = """
    id: c
    type: cloze
    text: Russian units marched from the {{c1::Gomel}} region, around {{c2::eight}} months ago.
    evidence: Russian units marched from the Gomel region in southern Belarus
    """
    assert lint(tmp_path, cloze) == [
        (
            f"{FIRST + 2}:71 QG100 deletion c2 'eight' is not supported by any evidence quote",
            "quote the sentence that says it (evidence can be a list); no quote holds: 8",
        )
    ]


@requires_articles
def test_a_cloze_deletion_in_a_block_text_is_found_on_its_line(tmp_path: Path) -> None:
    cloze = """
    id: c
    type: cloze
    text: >-
      Russian units marched from the {{c1::Gomel}} region,
      around {{c2::eight}} months ago.
    evidence: Russian units marched from the Gomel region in southern Belarus
    """
    assert [p for p, _ in lint(tmp_path, cloze)] == [
        f"{FIRST + 4}:14 QG100 deletion c2 'eight' is not supported by any evidence quote"
    ]


def test_parts_are_checked_without_articles_too(tmp_path: Path) -> None:
    """A key is compared with the question's own quotes: the article is not needed for that."""
    order = GOOD[5].replace("      - winner of the 2020 presidential election\n", "")
    assert [p for p, _ in lint(tmp_path, order, articles=None)] == [
        f"{FIRST + 4}:9 QG100 item 1 'The 2020 presidential election' is not supported by any evidence quote"
    ]


# -- choices ------------------------------------------------------------------------------------

KARBELEVICH = """
id: karbelevich-purpose
type: choice
prompt: What does Karbelevich say the Russian presence is mainly used for?
choices:
  - Guarding Minsk
  - Training soldiers who are then sent to the front
  - Building airfields
answer: Training soldiers who are then sent to the front
"""


def test_a_key_much_longer_than_every_distractor(tmp_path: Path) -> None:
    assert lint(tmp_path, KARBELEVICH, articles=None) == [
        (
            f"{FIRST + 5}:9 QG101 the right answer is much longer than every wrong one "
            "(48 characters, the longest wrong one 18)",
            "shorten the right answer or make the wrong ones as long and as specific",
        )
    ]


@pytest.mark.parametrize(
    ("key", "fires"),
    [
        ("Training troops for the front", False),  # the review's fix: 29 characters, 4 more than 25
        ("Training troops for the front lines", True),  # 35: 10 more, and 40% more
        ("Defending the border region", False),  # 27: 2 more
    ],
)
def test_key_longest_needs_8_characters_and_a_quarter_more(tmp_path: Path, key: str, fires: bool) -> None:
    question = KARBELEVICH.replace("Training soldiers who are then sent to the front", key).replace(
        "Guarding Minsk", "Guarding the capital city"
    )
    codes = [p.split()[1] for p, _ in lint(tmp_path, question, articles=None)]
    assert ("QG101" in codes) is fires


BANK_OF_SIX = [
    ("In Vilnius", "In Minsk", "In Riga"),
    ("In Belarus", "In Kyiv", "In Rome"),
    ("From Homiel", "From Brest", "From Pinsk"),
    ("Lukashenko", "Tertel", "Smeyan"),
    ("Poland", "Lithuania", "Moldova"),
    ("Ukraine", "Latvia", "Estonia"),
]


# Where each key stands: no pattern in file order (QG113 is not what these tests are about).
_AT = [0, 2, 2, 1, 0, 1]


def _six(rows: list[tuple[str, str, str]]) -> list[str]:
    out = []
    for n, (k, a, b) in enumerate(rows):
        choices = [a, b]
        choices.insert(_AT[n % 6], k)
        out.append(
            f"id: q{n}\ntype: choice\nprompt: Question {n}?\nchoices: [{', '.join(choices)}]\nanswer: {k}"
        )
    return out


def test_the_key_is_the_longest_in_more_than_a_third_of_a_banks_choice_questions(tmp_path: Path) -> None:
    assert lint(tmp_path, *_six(BANK_OF_SIX), articles=None) == [
        (
            "8:3 QG102 the right answer is the longest choice in 4 of 6 choice questions",
            "a student who picks the longest choice scores well; balance lengths in: q0, q1, q2, q3",
        )
    ]


def test_a_third_or_fewer_or_under_six_questions_is_fine(tmp_path: Path) -> None:
    two_of_six = [
        BANK_OF_SIX[0],
        BANK_OF_SIX[1],
        *[(b, a, k) for k, a, b in BANK_OF_SIX[2:4]],
        *BANK_OF_SIX[4:],
    ]
    assert lint(tmp_path, *_six(two_of_six), articles=None) == []
    assert lint(tmp_path, *_six(BANK_OF_SIX[:5]), articles=None) == []


GAME_CHANGER = """
id: game-changer
type: choice
prompt: If supplied in sufficient quantities, what could long-range air-defence missiles be for Ukraine?
choices:
  - A bargaining chip in any future peace talks
  - A potential game changer in the air war
  - A trigger for a wider escalation of the war
answer: A potential game changer in the air war
evidence: "these missiles would be a potential game changer in an air war"
"""


def test_a_key_that_alone_copies_the_evidence(tmp_path: Path) -> None:
    assert lint(tmp_path, GAME_CHANGER, articles=None) == [
        (
            f"{FIRST + 5}:9 QG103 the right answer copies the article ('a potential game changer ...') "
            "and no wrong one does",
            "paraphrase the right answer, or word the wrong ones in the article's style too",
        )
    ]


def test_a_paraphrased_key_or_distractors_in_the_articles_words_are_fine(tmp_path: Path) -> None:
    # The article's words in another order and form: QG100 (lemmas) is satisfied, QG103 (runs
    # of the article's wording) is not tripped. Names and small words never make a copied run.
    paraphrased = GAME_CHANGER.replace(
        "A potential game changer in the air war", "In the air war, potentially the game changer"
    )
    echoed = GAME_CHANGER.replace(
        "A trigger for a wider escalation of the war", "Missiles that would be a deterrent"
    )
    assert lint(tmp_path, paraphrased, articles=None) == []
    assert lint(tmp_path, echoed.replace("id: game-changer", "id: echoed"), articles=None) == []


WEST = """
id: belarus-west
type: choice
prompt: Which describes Belarus's position between the West and Russia?
choices:
  - It was sanctioned by the West
  - It left the union with Russia
  - It joined the Nato alliance
answer: It was sanctioned by the West
"""


def test_a_key_repeating_a_word_of_the_stem(tmp_path: Path) -> None:
    assert lint(tmp_path, WEST, articles=None) == [
        (
            f"{FIRST + 4}:9 QG104 the right answer repeats 'west' from the question, and no wrong one does",
            "reword the right answer, or use the word in a wrong answer too",
        )
    ]


def test_a_stem_word_in_a_distractor_too_or_in_no_choice_is_fine(tmp_path: Path) -> None:
    shared = WEST.replace("It joined the Nato alliance", "It joined the western alliance")
    assert lint(tmp_path, shared, articles=None) == []
    assert lint(tmp_path, WEST.replace("by the West", "by the EU"), articles=None) == []


@pytest.mark.parametrize(
    ("prompt", "word"),
    [("Which country does not border Belarus?", "not"), ("All are neighbours except which?", "except")],
)
def test_a_negative_stem_not_emphasised(tmp_path: Path, prompt: str, word: str) -> None:
    question = f"id: q\ntype: short\nprompt: {prompt}\nanswer: Germany"
    assert lint(tmp_path, question, articles=None) == [
        (
            f"{FIRST + 2}:13 QG106 the question says '{word}' without emphasis",
            f"students overlook negatives: write **{word}** or {word.upper()}, or ask it positively",
        )
    ]


@pytest.mark.parametrize(
    "prompt",
    [
        '"Which country does **not** border Belarus?"',
        "Which country does NOT border Belarus?",
        '"Which country does *not* border Belarus?"',
        "Name at least two neighbours of Belarus.",
        "Which notable leader lives in Vilnius?",  # 'not' inside a word
    ],
)
def test_emphasised_negatives_and_at_least_are_fine(tmp_path: Path, prompt: str) -> None:
    question = f"id: q\ntype: short\nprompt: {prompt}\nanswer: Germany"
    assert lint(tmp_path, question, articles=None) == []


STANCE = """
id: stance
type: choice
prompt: What does Lukashenko insist about the war in Ukraine?
choices:
  - He will stay out of it
  - He will always follow Moscow
  - He will send volunteers
answer: He will stay out of it
"""


def test_an_absolute_word_in_a_distractor_only(tmp_path: Path) -> None:
    assert lint(tmp_path, STANCE, articles=None) == [
        (
            f"{FIRST + 5}:9 QG107 the wrong answer 'He will always follow Moscow' says 'always', "
            "and no right answer does",
            "students learn that absolute answers are usually wrong; remove the word",
        )
    ]


def test_an_absolute_word_in_a_key_too_is_fine(tmp_path: Path) -> None:
    keyed = STANCE.replace("He will stay out of it", "He will only defend Belarus")
    assert lint(tmp_path, keyed, articles=None) == []


def test_an_absolute_word_that_the_evidence_says_is_a_quoted_claim(tmp_path: Path) -> None:
    """A wrong answer may report what someone said in the source's own words."""
    quoted = STANCE + 'evidence: "it was all about protecting Belarus, and he will always follow Moscow"\n'
    # The quote makes that wrong answer true: QG111's, not QG107's.
    assert [p.split()[1] for p, _ in lint(tmp_path, quoted, articles=None)] == ["QG111", "QG100"]


@pytest.mark.parametrize(
    "statement", ["The article, not its sources, calls him a dictator.", "Russia did not attack."]
)
def test_a_true_false_statement_may_say_not(tmp_path: Path, statement: str) -> None:
    question = f"id: q\ntype: truefalse\nprompt: {statement}\nanswer: true"
    assert lint(tmp_path, question, articles=None) == []


def test_a_possessive_does_not_make_a_key_copy_the_evidence(tmp_path: Path) -> None:
    """'Ukraine's territorial integrity' is three words of the article, not four."""
    eu = """
id: eu
type: choice
prompt: What did the EU's statement back?
choices:
  - Ukraine's territorial integrity
  - Belarus's right to neutrality
  - Russia's security guarantees
answer: Ukraine's territorial integrity
evidence: "a statement expressing its support for Ukraine's territorial integrity"
"""
    assert lint(tmp_path, eu, articles=None) == []


# -- across questions -----------------------------------------------------------------------------

EXILE = "id: exile\ntype: short\nprompt: Where does Tichanovskaya live in exile?\nanswer: Lithuania"


def test_a_stem_giving_away_another_answer_is_reported_once_at_the_stem(tmp_path: Path) -> None:
    giver = "id: giver\ntype: truefalse\nprompt: Tichanovskaya lives in Lithuania.\nanswer: true"
    also = "id: also\ntype: short\nprompt: Which Lithuania-based leader won in 2020?\nanswer: Tichanovskaya"
    assert [p for p, _ in lint(tmp_path, EXILE, giver, also, articles=None)] == [
        f"{FIRST + 6}:13 QG108 this gives away the answer of question 'exile': 'Lithuania'",
        f"{FIRST + 2}:13 QG108 this gives away the answer of question 'also': 'Tichanovskaya'",
    ][::-1]


def test_giveaways_across_every_bank_checked_together(tmp_path: Path) -> None:
    """Banks of one deck tree are studied together, and banks checked together can share a quiz."""
    giver = "id: giver\ntype: truefalse\nprompt: Tichanovskaya lives in Lithuania.\nanswer: true"
    first = write(tmp_path, bank_text(EXILE, header=SOURCE.replace("bank: lint", "bank: a")), "a.yaml")
    second = write(tmp_path, bank_text(giver, header=SOURCE.replace("bank: lint", "bank: b")), "b.yaml")
    assert [p for p, _ in seen([first, second])] == [
        f"{FIRST + 2}:13 QG108 this gives away the answer of question 'exile' of {first}: 'Lithuania'"
    ]
    elsewhere = write(tmp_path, bank_text(giver, header=SOURCE.replace("Lint tests", "Other deck")), "c.yaml")
    assert [p for p, _ in seen([first, elsewhere])] == [
        f"{FIRST + 2}:13 QG108 this gives away the answer of question 'exile' of {first}: 'Lithuania'"
    ]
    assert seen(elsewhere) == []


@pytest.mark.parametrize(
    ("prompt", "fires"),
    [
        ("Belarus named the number of 9,000 Russian soldiers.", True),
        ("Belarus named nine thousand Russian soldiers.", True),
        ("Belarus named the number of 19,000 soldiers.", False),
        ("Belarus named a number.", False),
    ],
)
def test_a_numeric_answer_is_matched_as_a_number(tmp_path: Path, prompt: str, fires: bool) -> None:
    numeric = "id: n\ntype: numeric\nprompt: How many soldiers did Belarus name?\nanswer: 9000"
    giver = f"id: giver\ntype: truefalse\nprompt: {prompt}\nanswer: true"
    assert bool(lint(tmp_path, numeric, giver, articles=None)) is fires


def test_a_small_number_counts_only_with_its_unit(tmp_path: Path) -> None:
    numeric = "id: n\ntype: numeric\nprompt: How many regions?\nanswer: 2\nunit: regions"
    phrase = "id: p\ntype: short\nprompt: Which two-word phrase did the Ministry use?\nanswer: criminal acts"
    assert lint(tmp_path, numeric, phrase, articles=None) == []
    says = "id: s\ntype: truefalse\nprompt: Russia claims two regions in full.\nanswer: true"
    assert [p.split()[1] for p, _ in lint(tmp_path, numeric, says, articles=None)] == ["QG108"]


def test_short_common_and_self_shown_answers_are_no_giveaway(tmp_path: Path) -> None:
    short = "id: a\ntype: short\nprompt: Which bloc did Minsk shun?\nanswer: EU"
    common = (
        "id: b\ntype: choice\nprompt: How many joined?\nchoices: [None at all, A few]\nanswer: None at all"
    )
    own = "id: c\ntype: short\nprompt: Kyiv or Minsk, which capital is Belarus's?\nanswer: Minsk"
    giver = "id: g\ntype: truefalse\nprompt: The EU met in Minsk, and none at all came.\nanswer: true"
    assert lint(tmp_path, short, common, own, giver, articles=None) == []


def test_a_hard_question_whose_answer_is_quoted_word_for_word(tmp_path: Path) -> None:
    hard = GOOD[2].replace("difficulty: easy", "difficulty: hard")
    assert lint(tmp_path, hard, articles=None) == [
        (
            f"{FIRST + 5}:17 QG109 a hard question whose answer stands word for word in its evidence",
            "relabel it medium or easy, or ask for something the student must infer or combine",
        )
    ]


def test_a_hard_question_that_combines_or_computes_is_fine(tmp_path: Path) -> None:
    computed = GOOD[3].replace("difficulty: medium", "difficulty: hard").replace("answer: 8", "answer: 2022")
    computed = computed.replace(
        "How many months had Putin's war lasted", "In which year did Putin's war start"
    )
    assert lint(tmp_path, computed, GOOD[1], articles=None) == []


def test_one_name_spelled_two_ways_in_a_deck(tmp_path: Path) -> None:
    one = "id: one\ntype: short\nprompt: What did Viktor Chrenin order?\nanswer: a reinforcement"
    two = "id: two\ntype: short\nprompt: Whom did Shoigu meet besides Khrenin?\nanswer: his counterpart"
    three = "id: three\ntype: short\nprompt: Did Viktor Chrenin speak first?\nanswer: no, he did not"
    assert lint(tmp_path, one, two, three, articles=None) == [
        (
            f"{FIRST + 6}:13 QG110 'Khrenin' is spelled 'Chrenin' elsewhere in this deck",
            f"'Chrenin' 2 times, first in question 'one' ({tmp_path / 'bank.yaml'}:{FIRST + 2}); "
            "spell a name one way everywhere",
        )
    ]


@pytest.mark.parametrize(
    "texts",
    [
        ("Russia and Russian forces", "Russians"),  # one the start of the other
        ("the Ministry of Defence", "a minister and the Minister"),  # also a word in lower case
        ("Minsk and Pinsk", "Pinsk"),  # 5 letters: not compared
        ("Viktor Chrenin (often spelled Khrenin)", "Chrenin"),  # both on purpose
    ],
)
def test_names_that_are_not_two_spellings(tmp_path: Path, texts: tuple[str, str]) -> None:
    questions = [
        f"id: q{n}\ntype: short\nprompt: Who said this about {t}?\nanswer: nobody else"
        for n, t in enumerate(texts)
    ]
    assert lint(tmp_path, *questions, articles=None) == []


def test_warnings_of_new_checks_become_errors_with_strict(tmp_path: Path) -> None:
    path = write(tmp_path, bank_text(STANCE, header=SOURCE))
    assert load([path]).ok
    assert [(d.code, d.severity.value) for d in load([path], strict=True).diagnostics] == [("QG107", "error")]
