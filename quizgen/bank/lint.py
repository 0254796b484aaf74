"""Item-writing checks: warnings for flaws that let a test-wise student answer without reading.

Each check enforces one guideline of Haladyna, Downing & Rodriguez (2002), "A review of
multiple-choice item-writing guidelines for classroom assessment"; docs/diagnostics.md
cites it beside the code. These look at one question (and QG102 at one bank); evidence
for every part is in `keys`, the checks across questions in `across`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from quizgen.bank import evidence as ev
from quizgen.bank.model import Bank, Choice, Cloze, Match, Multi, Numeric, Order, Question, Short
from quizgen.bank.registry import (
    ALL_NONE,
    BANK_CHECKS,
    _at,
    _shorten,
    question_check,
)
from quizgen.bank.text import parse_cloze, runs
from quizgen.diagnostics import Diagnostic

# -- choices -------------------------------------------------------------------------------


def _keys(q: Choice | Multi) -> list[tuple[int, str]]:
    wanted = {q.answer} if isinstance(q, Choice) else set(q.answers)
    return [(i, c) for i, c in enumerate(q.choices) if c in wanted]


def _distractors(q: Choice | Multi) -> list[str]:
    wanted = {q.answer} if isinstance(q, Choice) else set(q.answers)
    return [c for c in q.choices if c not in wanted]


def _length(text: str) -> int:
    return len(ev.visible(text).strip())


LONGER_BY = 0.25  # of the longest distractor's length
LONGER_BY_CHARS = 8


@question_check(Choice, Multi, reads=("choices", "answer", "answers"))
def check_key_longest(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG101: a key clearly longer than every distractor."""
    assert isinstance(q, (Choice, Multi))
    distractors = _distractors(q)
    if not distractors:
        return
    longest = max(_length(d) for d in distractors)
    for i, key in _keys(q):
        size = _length(key)
        if size - longest >= max(LONGER_BY * longest, LONGER_BY_CHARS):
            yield _at(
                "QG101",
                bank,
                q,
                f"choices.{i}",
                f"the right answer is much longer than every wrong one ({size} characters, "
                f"the longest wrong one {longest})",
                "shorten the right answer or make the wrong ones as long and as specific",
            )


def check_key_longest_bank(bank: Bank) -> Iterator[Diagnostic]:
    """QG102: in a bank's choice questions the key is too often the longest option."""
    choice = [q for q in bank.questions if isinstance(q, Choice) and q.answer in q.choices]
    if len(choice) < 6:
        return
    longest = [q for q in choice if all(_length(q.answer) > _length(c) for c in q.choices if c != q.answer)]
    if len(longest) * 3 > len(choice):
        ids = ", ".join(q.id for q in longest)
        yield _at(
            "QG102",
            bank,
            bank,
            "questions",
            f"the right answer is the longest choice in {len(longest)} of {len(choice)} choice questions",
            f"a student who picks the longest choice scores well; balance lengths in: {_shorten(ids, 200)}",
        )


@question_check(Choice, Multi, reads=("choices", "answer", "answers", "evidence"))
def check_key_verbatim(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG103: the key copies the evidence word for word while no distractor echoes it."""
    assert isinstance(q, (Choice, Multi))
    if not q.evidence:
        return
    # The quotes as one string of words: a run is found by a substring search in C.
    quoted = " | ".join(" ".join(ev.tokens(quote)) for quote in q.evidence)
    copied = [(i, run) for i, key in _keys(q) if (run := _copied_run(key, quoted))]
    if not copied or any(_shared_run(ev.tokens(d), quoted, 3) for d in _distractors(q)):
        return
    for i, run in copied:
        if run:
            yield _at(
                "QG103",
                bank,
                q,
                f"choices.{i}",
                f"the right answer copies the article ('{run} ...') and no wrong one does",
                "paraphrase the right answer, or word the wrong ones in the article's style too",
            )


def _copied_run(key: str, quoted: str) -> str:
    """The first run of 4 words of `key` that stands in `quoted` and holds 2 or more content
    words that are not names, or ''.

    QG103 is about the article's wording (form), QG100 about what the key says (lemmas,
    names and numbers, in any order): a name or a number must be written as the article
    writes it, so runs of names, numbers and small words never count, and the same words
    in another order or form ("began deploying" for "the deployment began") always pass.
    """
    words = ev.tokens(key)
    named = {w for run in ev.names(key) for w in run}
    padded = f" {quoted} "
    for i in range(len(words) - 3):
        run = words[i : i + 4]
        if sum(ev.is_content(w) and w not in named for w in run) >= 2 and f" {' '.join(run)} " in padded:
            return " ".join(run)
    return ""


def _shared_run(words: tuple[str, ...], quoted: str, n: int) -> str:
    """The first run of `n` of `words` that stands in `quoted` (words joined by spaces), or ''."""
    padded = f" {quoted} "
    for i in range(len(words) - n + 1):
        run = " ".join(words[i : i + n])
        if f" {run} " in padded:
            return run
    return ""


@question_check(Choice, Multi, reads=("prompt", "choices", "answer", "answers"))
def check_stem_clue(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG104: a content word of the key appears in the stem and in no distractor."""
    assert isinstance(q, (Choice, Multi))
    folded = ev.fold(q.prompt)
    candidates = [
        (i, key) for i, key in _keys(q) if any(w[:4] in folded for w in ev.tokens(key) if ev.is_content(w))
    ]
    if not candidates:  # the quick test: no content word of a key is even a substring of the stem
        return
    stem = ev.Quote.of(q.prompt).keys
    others = ev.Quote.of(" \n ".join(_distractors(q))).keys
    for i, key in candidates:
        clues = [
            w for w in ev.tokens(key) if ev.is_content(w) and ev.key(w) in stem and ev.key(w) not in others
        ]
        if clues:
            yield _at(
                "QG104",
                bank,
                q,
                f"choices.{i}",
                f"the right answer repeats '{clues[0]}' from the question, and no wrong one does",
                "reword the right answer, or use the word in a wrong answer too",
            )


@question_check(Choice, Multi, reads=("choices",))
def check_all_none(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG105: an 'all of the above' or 'none of the above' choice, pinned or not."""
    assert isinstance(q, (Choice, Multi))
    for i, choice in enumerate(q.choices):
        m = ALL_NONE.search(ev.visible(choice))
        if m:
            yield _at(
                "QG105",
                bank,
                q,
                f"choices.{i}",
                f"'{choice}' is an '{m.group().lower()}' choice",
                "a student who spots two right choices (or one wrong one) needs nothing else; "
                "write a choice that stands alone",
            )


_NEGATIVE = re.compile(r"\b(not|except|never|least)\b", re.I)
_AT_LEAST = re.compile(r"\bat\s+least\b", re.I)


@question_check(Choice, Multi, Short, Numeric, Match, Order, reads=("prompt",))
def check_negative_stem(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG106: a negative word in a question's stem that is not emphasised.

    Not in a true/false statement or an essay prompt: the guideline is about the student who
    misses the NOT in "which is not ...?"; a statement to judge may well say "not"."""
    if not _NEGATIVE.search(q.prompt):
        return
    for style, text in runs(q.prompt):
        if style in ("b", "i"):
            continue
        for m in _NEGATIVE.finditer(_AT_LEAST.sub(lambda a: " " * len(a.group()), text)):
            word = m.group()
            if len(word) > 1 and word.isupper():
                continue
            yield _at(
                "QG106",
                bank,
                q,
                "prompt",
                f"the question says '{word}' without emphasis",
                f"students overlook negatives: write **{word}** or {word.upper()}, or ask it positively",
            )
            return


_ABSOLUTE = re.compile(r"\b(always|never|all|none|only|every|completely|entirely)\b", re.I)


@question_check(Choice, Multi, reads=("choices", "answer", "answers"))
def check_absolute_distractor(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG107: absolute words in wrong answers only."""
    assert isinstance(q, (Choice, Multi))
    if any(_ABSOLUTE.search(ev.visible(key)) for _, key in _keys(q)):
        return
    wanted = {q.answer} if isinstance(q, Choice) else set(q.answers)
    # A word the evidence itself uses is the source's, not a writer's cue: a wrong answer that
    # reports someone's claim ("Chrenin: it is all about protecting Belarus") may quote it.
    quoted = {w.lower() for e in q.evidence for w in _ABSOLUTE.findall(e)}
    for i, choice in enumerate(q.choices):
        # "All of the above" is QG105's: one flaw, one warning.
        m = _ABSOLUTE.search(ALL_NONE.sub(" ", ev.visible(choice))) if choice not in wanted else None
        if m and m.group().lower() not in quoted:
            yield _at(
                "QG107",
                bank,
                q,
                f"choices.{i}",
                f"the wrong answer '{choice}' says '{m.group()}', and no right answer does",
                "students learn that absolute answers are usually wrong; remove the word",
            )


@question_check(reads=("difficulty", "evidence", "answer", "text"))
def check_hard_verbatim(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG109: a `hard` question whose answer is written word for word in its evidence."""
    if q.difficulty != "hard" or not q.evidence:
        return
    if isinstance(q, (Choice, Short)):
        wanted = [q.answer]
    elif isinstance(q, Numeric):
        wanted = [ev.number_text(q.answer)]
    elif isinstance(q, Cloze):
        wanted = [d.answer for d in parse_cloze(q.text)[0]]
    else:
        return
    quoted = [ev.tokens(quote) for quote in q.evidence]
    answers = [ev.tokens(a) for a in wanted]
    if answers and all(a and any(ev.contains_run(words, a) for words in quoted) for a in answers):
        yield _at(
            "QG109",
            bank,
            q,
            "difficulty",
            "a hard question whose answer stands word for word in its evidence",
            "relabel it medium or easy, or ask for something the student must infer or combine",
        )


BANK_CHECKS.append(check_key_longest_bank)
