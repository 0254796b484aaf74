"""Select: filters, sampling, and the versions of a quiz — all a pure function of the seed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank.model import Bank, Choice, Match, Multi, Order, Question, TrueFalse
from quizgen.bank.text import plain
from quizgen.select import (
    SECTION_ORDER,
    Filter,
    QuizSettings,
    answer_key,
    build_quiz,
    letter,
    sample,
    select,
)
from tests.conftest import QUESTIONS, load_ok


@pytest.fixture(scope="module")
def real_banks() -> list[Bank]:
    """The project's own banks: every kind of question, ~70 of them."""
    return load_ok(*sorted(QUESTIONS.glob("*.yaml"))).banks


def bank_of(*questions: Question, tags: tuple[str, ...] = ()) -> Bank:
    return Bank(id="mem", title="In memory", path=Path("mem.yaml"), questions=questions, tags=tags)


def choice(i: int, n: int = 4, answer: int = 0, **kw: object) -> Choice:
    options = tuple(f"q{i} option {j}" for j in range(n))
    return Choice(id=f"q{i}", prompt=f"Question {i}?", choices=options, answer=options[answer], **kw)  # type: ignore[arg-type]


# -- letters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"), [(0, "A"), (3, "D"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ")]
)
def test_letter(index: int, expected: str) -> None:
    assert letter(index) == expected


# -- filters -------------------------------------------------------------------------------------


def test_no_filter_takes_every_question_in_file_order(real_banks: list[Bank]) -> None:
    pool = select(real_banks)
    assert [q.id for _, q in pool] == [q.id for b in real_banks for q in b.questions]


def test_filter_by_type(real_banks: list[Bank]) -> None:
    pool = select(real_banks, Filter(types=frozenset({"match", "order"})))
    assert pool
    assert {q.kind for _, q in pool} == {"match", "order"}
    assert len(pool) == sum(q.kind in ("match", "order") for b in real_banks for q in b.questions)


def test_filter_by_difficulty(real_banks: list[Bank]) -> None:
    pool = select(real_banks, Filter(difficulties=frozenset({"hard"})))
    assert pool
    assert all(q.difficulty == "hard" for _, q in pool)


def test_filter_by_tag_counts_the_banks_tags_too() -> None:
    a = choice(1, tags=("nato",))
    b = choice(2)
    bank = bank_of(a, b, tags=("belarus",))
    assert [q.id for _, q in select([bank], Filter(tags=frozenset({"nato"})))] == ["q1"]
    assert [q.id for _, q in select([bank], Filter(tags=frozenset({"belarus"})))] == ["q1", "q2"]
    assert select([bank], Filter(tags=frozenset({"nothing"}))) == []


def test_filters_combine_with_and(real_banks: list[Bank]) -> None:
    flt = Filter(types=frozenset({"choice"}), difficulties=frozenset({"easy"}))
    pool = select(real_banks, flt)
    assert pool
    assert all(q.kind == "choice" and q.difficulty == "easy" for _, q in pool)


# -- sampling ------------------------------------------------------------------------------------


def test_sample_keeps_pool_order_and_is_seeded(real_banks: list[Bank]) -> None:
    pool = select(real_banks)
    chosen = sample(pool, 20, "monday")
    assert len(chosen) == 20
    positions = [pool.index(pair) for pair in chosen]
    assert positions == sorted(positions)
    assert sample(pool, 20, "monday") == chosen
    assert sample(pool, 20, "tuesday") != chosen


def test_sample_all_when_count_is_none_or_too_big(real_banks: list[Bank]) -> None:
    pool = select(real_banks)
    assert sample(pool, None, "x") == pool
    assert sample(pool, len(pool) + 5, "x") == pool


def test_every_version_has_the_same_questions(real_banks: list[Bank]) -> None:
    quiz = build_quiz(select(real_banks), QuizSettings(count=25, seed="s", versions=4))
    ids = [sorted(item.question.id for item in v.items) for v in quiz.versions]
    assert all(x == ids[0] for x in ids)
    assert [v.letter for v in quiz.versions] == ["A", "B", "C", "D"]
    assert all([item.number for item in v.items] == list(range(1, 26)) for v in quiz.versions)


# -- determinism and versions --------------------------------------------------------------------


def test_same_seed_same_quiz(real_banks: list[Bank]) -> None:
    settings_ = QuizSettings(count=30, seed="monday", versions=3)
    assert build_quiz(select(real_banks), settings_) == build_quiz(select(real_banks), settings_)


def test_adding_versions_never_changes_the_earlier_ones(real_banks: list[Bank]) -> None:
    two = build_quiz(select(real_banks), QuizSettings(count=30, seed="m", versions=2))
    five = build_quiz(select(real_banks), QuizSettings(count=30, seed="m", versions=5))
    assert five.versions[:2] == two.versions


def test_versions_differ(real_banks: list[Bank]) -> None:
    quiz = build_quiz(select(real_banks), QuizSettings(count=30, seed="m", versions=3))
    layouts = {tuple((item.question.id, item.shown) for item in v.items) for v in quiz.versions}
    assert len(layouts) == 3
    orders = {tuple(item.question.id for item in v.items) for v in quiz.versions}
    assert len(orders) == 3, "the question order itself differs between versions"


def test_different_seeds_differ(real_banks: list[Bank]) -> None:
    a = build_quiz(select(real_banks), QuizSettings(count=30, seed="a"))
    b = build_quiz(select(real_banks), QuizSettings(count=30, seed="b"))
    assert a.versions != b.versions


def test_shuffled_quiz_is_grouped_by_kind_in_section_order(real_banks: list[Bank]) -> None:
    quiz = build_quiz(select(real_banks), QuizSettings(seed="x", versions=2))
    for v in quiz.versions:
        kinds = [SECTION_ORDER.index(item.question.kind) for item in v.items]
        assert kinds == sorted(kinds)


def test_no_shuffle_keeps_the_bank_order_and_choices(real_banks: list[Bank]) -> None:
    pool = select(real_banks)
    quiz = build_quiz(pool, QuizSettings(seed="x", versions=2, shuffle=False))
    for v in quiz.versions:
        assert [item.question for item in v.items] == [q for _, q in pool]
        for item in v.items:
            if isinstance(item.question, (Choice, Multi)):
                assert item.shown == item.question.choices


def test_pinned_choices_stay_in_place() -> None:
    pinned = Choice(
        id="pinned",
        prompt="Which?",
        choices=("One", "Two", "Both of the above"),
        answer="Both of the above",
        shuffle=False,
    )
    quiz = build_quiz(select([bank_of(pinned, choice(1), choice(2))]), QuizSettings(seed="p", versions=6))
    for v in quiz.versions:
        (item,) = [i for i in v.items if i.question.id == "pinned"]
        assert item.shown == pinned.choices
        assert item.key == "C"


# -- order and match never give the answer away --------------------------------------------------


def test_order_and_match_are_never_printed_in_the_right_order(real_banks: list[Bank]) -> None:
    pool = select(real_banks, Filter(types=frozenset({"order", "match"})))
    for seed in range(40):
        quiz = build_quiz(pool, QuizSettings(seed=str(seed), versions=3))
        for v in quiz.versions:
            for item in v.items:
                q = item.question
                right = tuple(r for _, r in q.pairs) if isinstance(q, Match) else q.items  # type: ignore[attr-defined]
                assert item.shown != right, (seed, v.letter, q.id)
                assert sorted(item.shown) == sorted(right)


def test_even_two_items_are_swapped() -> None:
    two = Match(id="two", prompt="Match.", pairs=(("a", "1"), ("b", "2")))
    three = Order(id="three", prompt="Order.", items=("x", "y", "z"))
    for seed in range(20):
        quiz = build_quiz(select([bank_of(two, three)]), QuizSettings(seed=str(seed)))
        shown = {item.question.id: item.shown for item in quiz.versions[0].items}
        assert shown["two"] == ("2", "1")
        assert shown["three"] != ("x", "y", "z")


# -- the key -------------------------------------------------------------------------------------


def expected_key(q: Question, shown: tuple[str, ...]) -> str:
    """The key, worked out again here from what is printed, for the kinds with letters."""
    if isinstance(q, Choice):
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[shown.index(q.answer)]
    if isinstance(q, Multi):
        return ", ".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i, c in enumerate(shown) if c in q.answers)
    if isinstance(q, TrueFalse):
        return "True" if q.answer else "False"
    if isinstance(q, Match):
        where = {text: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i, text in enumerate(shown)}
        return ", ".join(f"{n}\u2013{where[r]}" for n, (_, r) in enumerate(q.pairs, start=1))
    if isinstance(q, Order):
        return " ".join(str(q.items.index(text) + 1) for text in shown)
    return answer_key(q, shown)


def test_answer_key_by_kind(all_types: Path) -> None:
    (bank,) = load_ok(all_types).banks
    quiz = build_quiz(select([bank]), QuizSettings(seed="k"))
    keys = {item.question.kind: item.key for item in quiz.versions[0].items}
    assert keys["truefalse"] == "False"
    assert keys["short"] == "Lithuania"
    assert keys["numeric"] == "9,000 soldiers"  # a quantity with a unit reads like the article
    assert keys["cloze"] == "1.\u00a0Gomel; 2.\u00a0Ukraine"  # each number tied to its answer (P14)
    assert keys["open"] == "see full key"
    for item in quiz.versions[0].items:
        assert item.key == expected_key(item.question, item.shown)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.text(max_size=12),
    count=st.integers(min_value=5, max_value=71),
    versions=st.integers(min_value=1, max_value=4),
)
def test_keys_match_items_and_letters_are_balanced(
    real_banks: list[Bank], seed: str, count: int, versions: int
) -> None:
    quiz = build_quiz(select(real_banks), QuizSettings(count=count, seed=seed, versions=versions))
    for v in quiz.versions:
        for item in v.items:
            assert item.key == expected_key(item.question, item.shown), (seed, v.letter, item.number)
        positions = Counter(
            item.shown.index(item.question.answer)
            for item in v.items
            if isinstance(item.question, Choice) and len(item.shown) == 4
        )
        if positions:
            counts = [positions[i] for i in range(4)]
            assert max(counts) - min(counts) <= 1, (seed, v.letter, counts)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.sampled_from([2, 3, 4, 4, 5]), min_size=4, max_size=30),
    seed=st.text(max_size=8),
)
def test_letters_are_balanced_for_each_number_of_choices(sizes: list[int], seed: str) -> None:
    """Mixing 2- and 4-choice questions must not push the 4-choice answers to C and D."""
    bank = bank_of(*(choice(i, n, answer=i % n) for i, n in enumerate(sizes)))
    quiz = build_quiz(select([bank]), QuizSettings(seed=seed, versions=2))
    for v in quiz.versions:
        by_size: dict[int, Counter[int]] = {}
        for item in v.items:
            q = item.question
            assert isinstance(q, Choice)
            by_size.setdefault(len(q.choices), Counter())[item.shown.index(q.answer)] += 1
        for n, positions in by_size.items():
            counts = [positions[i] for i in range(n)]
            assert max(counts) - min(counts) <= 1, (n, counts)


def test_choice_text_is_untouched_by_shuffling(real_banks: list[Bank]) -> None:
    quiz = build_quiz(select(real_banks), QuizSettings(seed="t", versions=2))
    for v in quiz.versions:
        for item in v.items:
            q = item.question
            if isinstance(q, (Choice, Multi)):
                assert sorted(item.shown) == sorted(q.choices)
                assert all(plain(c) for c in item.shown)


# -- giveaways ------------------------------------------------------------------------------------


def _giveaway_bank(tmp_path: Path) -> Path:
    path = tmp_path / "giveaway.yaml"
    path.write_text(
        "bank: give\ntitle: Give\nquestions:\n"
        "  - {id: exile, type: short, prompt: Where does Tichanovskaya live in exile?, answer: Lithuania}\n"
        "  - {id: giver, type: truefalse, prompt: Tichanovskaya lives in Lithuania., answer: true}\n"
        "  - {id: other, type: short, prompt: Who rules Belarus?, answer: Lukashenko}\n"
        "  - {id: giver-too, type: truefalse, prompt: Lukashenko rules Belarus., answer: true}\n",
        encoding="utf-8",
    )
    return path


def test_without_giveaways_leaves_out_one_of_each_pair_in_pool_order(tmp_path: Path) -> None:
    from quizgen.select import without_giveaways

    pool = select(load_ok(_giveaway_bank(tmp_path)).banks)
    kept, left_out = without_giveaways(pool)
    assert [q.id for _, q in kept] == ["exile", "other"]
    assert [q.id for _, q in left_out] == ["giver", "giver-too"]
    assert without_giveaways(list(reversed(pool)))[1] == [pool[2], pool[0]]  # the order decides
    assert without_giveaways(kept) == (kept, [])


def test_quiz_says_what_it_left_out(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizgen.cli import app

    out = tmp_path / "quiz.md"
    result = CliRunner().invoke(app, ["quiz", str(_giveaway_bank(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "note: left out 2 questions that would give away others' answers: give/giver, give/giver-too\n"
        in (result.stderr)
    )
    quiz = out.read_text(encoding="utf-8")
    assert (
        "Where does Tichanovskaya live in exile?" in quiz and "Tichanovskaya lives in Lithuania." not in quiz
    )
    too_many = CliRunner().invoke(app, ["quiz", str(_giveaway_bank(tmp_path)), "-n", "3", "-o", str(out)])
    assert too_many.exit_code == 2
    assert "--count 3, but only 2 questions match; ask for fewer" in too_many.stderr
