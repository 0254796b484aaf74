"""The checker on a new article (issue 22, "Prove it"): a teacher's good questions on a
public-domain text that is not one of the project's seeds raise nothing, and each planted
flaw is flagged by exactly its rule.

corpus/articles/brooklyn-bridge.txt is written for these tests and dedicated to the public
domain; corpus/good.yaml holds 21 questions of all nine types on it, corpus/more.yaml two
more in the same deck tree. Each flaw is one edit of good.yaml (or more.yaml).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quizgen.bank.check import load

CORPUS = Path(__file__).parent / "corpus"
ARTICLES = CORPUS / "articles"
GOOD = (CORPUS / "good.yaml").read_text(encoding="utf-8")
MORE = (CORPUS / "more.yaml").read_text(encoding="utf-8")


def codes(tmp_path: Path, good: str = GOOD, more: str = MORE, articles: Path | None = ARTICLES) -> list[str]:
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "more.yaml").write_text(more, encoding="utf-8")
    checked = load([tmp_path / "good.yaml", tmp_path / "more.yaml"], articles)
    return [f"{Path(d.path).name}:{d.line} {d.code} {d.message}" for d in checked.diagnostics]


def test_good_questions_on_a_new_article_raise_nothing(tmp_path: Path) -> None:
    assert codes(tmp_path) == []
    assert codes(tmp_path, articles=None) == []
    checked = load([CORPUS / "good.yaml"], ARTICLES, strict=True)
    assert checked.ok and checked.evidence is not None and checked.evidence.missing == 0
    kinds = {q.kind for q in checked.banks[0].questions}
    assert len(checked.banks[0].questions) >= 20 and len(kinds) == 9


def test_checking_the_new_article_bank_is_fast() -> None:
    load([CORPUS / "good.yaml"], ARTICLES)  # the lemmatiser's dictionary is loaded once
    start = time.perf_counter()
    load([CORPUS / "good.yaml", CORPUS / "more.yaml"], ARTICLES)
    assert time.perf_counter() - start < 0.3


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# (name, old text of good.yaml, new text, the one diagnostic expected)
FLAWS = [
    (
        "true distractor",
        "      - He resigned after a quarrel with the city\n",
        "      - A ferry crushed his foot against a piling\n",
        "good.yaml:43 QG111 the wrong answer 'A ferry crushed his foot against a piling' is what"
        " the evidence says",
    ),
    (
        "choice key unsupported",
        "    answer: 24 May 1883\n",
        "    answer: 30 May 1884\n",
        "good.yaml:15 QG100 the right answer '30 May 1884' is not supported by any evidence quote",
    ),
    (
        "short answer unsupported",
        "    answer: Prussia\n    accept: [the Kingdom of Prussia]\n",
        "    answer: Austria\n",
        "good.yaml:54 QG100 the answer 'Austria' is not supported by any evidence quote",
    ),
    (
        "number unsupported",
        "    answer: 5434\n",
        "    answer: 5000\n",
        "good.yaml:143 QG100 the answer 5000 is not supported by any evidence quote",
    ),
    (
        "unit unsupported",
        "    answer: 276\n    unit: feet\n",
        "    answer: 276\n    unit: metres\n",
        "good.yaml:180 QG100 the unit 'metres' of the answer 276 is not supported by any evidence quote",
    ),
    (
        "true statement unsupported",
        "    prompt: The bridge was named a National Historic Landmark in 1964.\n",
        "    prompt: The bridge was named a National Historic Landmark in 1946.\n",
        "good.yaml:192 QG100 the statement (marked true) is not supported by any evidence quote",
    ),
    (
        "false statement the evidence makes true",
        "    prompt: After falling ill in 1872, Washington Roebling kept visiting the building"
        " site every day.\n",
        "    prompt: In 1872 Washington Roebling was struck and could no longer visit the site.\n",
        "good.yaml:84 QG111 the statement marked false is what the evidence says",
    ),
    (
        "multi answer unsupported",
        "      - It measured about 486 metres\n    answer: [It was the world's longest of its kind, "
        "It measured about 486 metres]\n",
        "      - It measured about 468 metres\n    answer: [It was the world's longest of its kind, "
        "It measured about 468 metres]\n",
        "good.yaml:136 QG100 the right answer 'It measured about 468 metres' is not supported by"
        " any evidence quote",
    ),
    (
        "cloze deletion unsupported",
        "{{c2::concrete}}",
        "{{c2::gravel}}",
        "good.yaml:69 QG100 deletion c2 'gravel' is not supported by any evidence quote",
    ),
    (
        "match pair unsupported",
        "      - [P. T. Barnum, led elephants across]\n",
        "      - [P. T. Barnum, designed the towers]\n",
        "good.yaml:97 QG100 pair 4 'P. T. Barnum \u2013 designed the towers' is not supported by"
        " any evidence quote",
    ),
    (
        "order item unsupported",
        "      - A stampede kills twelve people\n",
        "      - A fire closes the bridge for a week\n",
        "good.yaml:111 QG100 item 3 'A fire closes the bridge for a week' is not supported by any"
        " evidence quote",
    ),
    (
        "paraphrase that changes the meaning",
        "      - A rumour that it was collapsing\n    answer: A rumour that it was collapsing\n",
        "      - A rumour that Barnum spread\n    answer: A rumour that Barnum spread\n",
        "good.yaml:164 QG100 the right answer 'A rumour that Barnum spread' is not supported by"
        " any evidence quote",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), [f[1:] for f in FLAWS], ids=[f[0] for f in FLAWS])
def test_each_planted_flaw_is_flagged_by_exactly_its_rule(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert codes(tmp_path, _edit(GOOD, old, new)) == [expected]


def test_a_paraphrase_in_other_words_forms_and_order_passes_both_qg100_and_qg103(tmp_path: Path) -> None:
    """QG100 asks for the article's meaning, QG103 forbids its wording: one text satisfies both."""
    key = "A rumour that it was collapsing"
    copied = _edit(
        GOOD,
        f"      - {key}\n    answer: {key}\n",
        f"      - {(c := 'A rumour that the bridge was collapsing')}\n    answer: {c}\n",
    )
    assert "QG103" in [c.split()[1] for c in codes(tmp_path, copied)]
    assert codes(tmp_path, GOOD) == []  # the paraphrase of good.yaml: reworded, same lemmas


def test_positions_in_a_pattern_are_flagged(tmp_path: Path) -> None:
    multis = "".join(
        f"  - id: m{n}\n    type: multi\n    prompt: Which of these cross the bridge today, list {n}?\n"
        f"    choices: [Cars, Cyclists, Ships, Horses]\n    answer: [Cars, Cyclists]\n"
        '    evidence: "today it carries cars, cyclists and people on foot"\n    difficulty: easy\n'
        for n in range(2)
    )
    more = MORE.replace(
        "    choices: [Ships, Cyclists, Cars, Trains]\n", "    choices: [Cyclists, Cars, Ships, Trains]\n"
    )
    found = codes(tmp_path, more=more + multis)
    assert [f.split()[1] for f in found] == ["QG112"], found
    assert found[0].startswith("more.yaml:11 QG112 the right answers are the first choices in 3 of 3")


def test_a_give_away_across_the_banks_of_one_deck_tree(tmp_path: Path) -> None:
    more = _edit(
        MORE,
        "    prompt: Which two officials crossed the bridge on the day it opened?\n",
        "    prompt: Which two officials crossed the bridge, designed by a man born in Prussia, on"
        " its first day?\n",
    )
    assert codes(tmp_path, more=more) == [
        "more.yaml:13 QG108 this gives away the answer of question 'designer-birthplace' of "
        f"{tmp_path / 'good.yaml'}: 'Prussia'"
    ]
