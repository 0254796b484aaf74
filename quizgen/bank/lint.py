"""Item-writing checks: warnings for flaws that let a test-wise student answer without reading.

Each check enforces one guideline of Haladyna, Downing & Rodriguez (2002), "A review of
multiple-choice item-writing guidelines for classroom assessment"; docs/diagnostics.md
cites it beside the code. Registered like the checks in `check` (importing this module
registers them; `quizgen.bank` does). Also here: evidence for every part of a question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from quizgen.bank import evidence as ev
from quizgen.bank import giveaway
from quizgen.bank.model import Bank, Choice, Cloze, Match, Multi, Numeric, Open, Order, Pos, Question, Short
from quizgen.bank.registry import (
    ALL_NONE,
    BANK_CHECKS,
    CORPUS_CHECKS,
    EVIDENCE_CHECKS,
    _at,
    _count,
    _shorten,
    question_check,
)
from quizgen.bank.text import parse_cloze, runs
from quizgen.diagnostics import Diagnostic, diagnostic

# -- evidence for every part ---------------------------------------------------------------


def parts(q: Question) -> list[ev.Part]:
    """The parts of a multi-part question, each of which a quote must support."""
    if isinstance(q, Match):
        return [
            ev.Part(f"pair {i + 1} '{left} \u2013 {right}'", right, f"pairs.{i}", extra_names=left)
            for i, (left, right) in enumerate(q.pairs)
        ]
    if isinstance(q, Order):
        return [ev.Part(f"item {i + 1} '{item}'", item, f"items.{i}") for i, item in enumerate(q.items)]
    if isinstance(q, Cloze):
        return [
            ev.Part(f"deletion c{d.number} '{d.answer}'", d.answer, f"text@{n}")
            for n, d in enumerate(parse_cloze(q.text)[0])
        ]
    if isinstance(q, Multi):
        key = "answer" if len(q.answers) == 1 else "answer.{}"
        return [ev.Part(f"answer '{a}'", a, key.format(i)) for i, a in enumerate(q.answers)]
    return []


def _missing(part: ev.Part, quotes: Sequence[str]) -> str:
    """What the closest quote lacks, in the part's own words."""
    need = ev.needs(part.text, part.extra_names, part.first_counts)
    best = max((ev.Quote.of(q) for q in quotes), key=lambda qt: _score(qt, need))
    written = ev.tokens(f"{part.extra_names} {part.text}")
    lacking = [w for w in dict.fromkeys(written) if _needed(w, need) and ev.key(w) not in best.keys]
    return ", ".join(lacking[:6])


def _score(quote: ev.Quote, need: ev.Needs) -> int:
    return len(need.numbers & quote.numbers) + len(need.names & quote.keys) + len(need.words & quote.keys)


def _needed(word: str, need: ev.Needs) -> bool:
    k = ev.key(word)
    return k in need.numbers or k in need.names or k in need.words


def check_parts(bank: Bank, q: Question) -> Iterator[Diagnostic]:
    """QG100: every part is supported by one of the question's quotes."""
    if not q.evidence:
        return
    for part in parts(q):
        if ev.supported(part.text, q.evidence, part.extra_names, part.first_counts):
            continue
        lacking = _missing(part, q.evidence)
        pos = _part_pos(bank, q, part.where)
        yield diagnostic(
            "QG100",
            str(bank.path),
            pos.line,
            pos.col,
            f"{part.label} is not supported by any evidence quote",
            f"quote the sentence that says it (evidence can be a list); no quote holds: {lacking}"
            if lacking
            else "quote the sentence that says it (evidence can be a list)",
        )


EVIDENCE_CHECKS.append(check_parts)


def _part_pos(bank: Bank, q: Question, where: str) -> Pos:
    """Where a part was written. A cloze deletion (`text@N`) is found in the file itself: the
    reader keeps only where the text starts, and deletions are rarely unsupported."""
    if not where.startswith("text@"):
        return q.pos(where)
    start = q.pos("text")
    number = int(where.removeprefix("text@"))
    lines = _lines(bank.path)
    seen = 0
    for row in range(start.line - 1, len(lines)):
        line = lines[row]
        col = start.col - 1 if row == start.line - 1 else 0
        while (found := line.find("{{", col)) >= 0:
            if seen == number:
                return Pos(row + 1, found + 1)
            seen += 1
            col = found + 2
    return start


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


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
    copied = [(i, run) for i, key in _keys(q) if (run := _shared_run(ev.tokens(key), quoted, 4))]
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


# -- across questions ----------------------------------------------------------------------


def deck_groups(banks: list[Bank]) -> list[list[Bank]]:
    """Banks that end up in one Anki package (one top-level deck), in order."""
    groups: dict[str, list[Bank]] = defaultdict(list)
    for bank in banks:
        groups[bank.deck_name.split("::")[0].strip()].append(bank)
    return list(groups.values())


def check_giveaways(banks: list[Bank]) -> Iterator[Diagnostic]:
    """QG108: a question whose stem or choices show another question's answer (one report per answer)."""
    for group in deck_groups(banks):
        pool = [(bank, q) for bank in group for q in bank.questions]
        reported: set[tuple[int, str]] = set()
        for g in giveaway.find([q for _, q in pool], givers_per_answer=2):
            if (g.taker, g.answer) in reported:
                continue
            reported.add((g.taker, g.answer))
            (giver_bank, giver), (taker_bank, taker) = pool[g.giver], pool[g.taker]
            other = f"question '{taker.id}'"
            if taker_bank is not giver_bank:
                other += f" of {taker_bank.path}"
            yield _at(
                "QG108",
                giver_bank,
                giver,
                g.where,
                f"this gives away the answer of {other}: '{g.answer}'",
                f"{taker.id} is on line {taker.pos().line}; reword one of them "
                "(quizgen quiz never prints both on one paper)",
            )


NAME_MIN = 5
NAME_DISTANCE = 2
NAME_MAX = 40  # letters: a longer capitalised word is no name (the longest place names have 30-odd)
CROWD = 8  # names sharing one deletion: more is a list of codes or ids, not one name misspelt


def _authored(q: Question) -> Iterator[tuple[str, str, bool]]:
    """(where, text, first word counts) of what the author wrote; evidence is the article's spelling."""
    for key in ("prompt", "explanation"):
        yield key, getattr(q, key), False
    if isinstance(q, (Choice, Multi)):
        yield from ((f"choices.{i}", c, False) for i, c in enumerate(q.choices))
    if isinstance(q, Short):  # not `accept`: other spellings are what it is for
        yield "answer", q.answer, False
    if isinstance(q, Match):
        for i, (left, right) in enumerate(q.pairs):
            yield f"pairs.{i}", left, True
            yield f"pairs.{i}", right, False
    if isinstance(q, Order):
        yield from ((f"items.{i}", item, False) for i, item in enumerate(q.items))
    if isinstance(q, Cloze):
        yield "text", q.text, False
    text = getattr(q, "answer", "")
    if isinstance(text, str) and not isinstance(q, (Choice, Short)):
        yield "answer", text, False  # an open question's model answer


def _allowed(a: str, b: str) -> int:
    """How many letters two spellings of one name may differ in: one per 6 letters, at most 2.

    A letter in five is as often another place (Minsk / Pinsk) as another spelling, so
    names of 5 letters are not compared; Chrenin / Khrenin (7) are.
    """
    return min(NAME_DISTANCE, min(len(a), len(b)) // 6)


def _deletes(word: str, depth: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def check_name_spelling(banks: list[Bank]) -> Iterator[Diagnostic]:
    """QG110: one name spelled two ways (edit distance 1-2) in the banks of one deck.

    Spellings are counted per question. A question that writes both spellings ("Chrenin
    (often spelled Khrenin)") names the variant on purpose: its spellings do not count.
    """
    for group in deck_groups(banks):
        seen: dict[str, list[tuple[int, Bank, Question, str]]] = defaultdict(list)
        words_seen: set[str] = set()  # words of 5+ letters; those in lower case are words, not names
        number = 0
        for bank in group:
            for q in bank.questions:
                number += 1
                authored = _authored_texts(q)
                texts = [t for t, _ in authored]
                words_seen.update(_WORD5.findall("\n".join([*q.evidence, *texts])))
                for written in _names_of(authored):
                    seen[written.casefold()].append((number, bank, q, written))
        lowercase = {w for w in words_seen if w[0].islower()}  # once per word, not per use
        index: dict[str, set[str]] = defaultdict(set)
        for name in seen.keys() - lowercase:
            # Only as many deletions as the name may differ by (C02: a 2,400-letter "name"
            # has 2.9 million two-letter deletions), and none for a word longer than any name.
            depth = min(NAME_DISTANCE, len(name) // 6)
            if depth and len(name) <= NAME_MAX:
                for variant in _deletes(name, depth):
                    index[variant].add(name)
        # A crowd of names one deletion apart is no misspelling of one name, and comparing
        # all of them with each other is what made the check quadratic (C01).
        pairs = {
            (a, b)
            for names in index.values()
            if 1 < len(names) <= CROWD
            for a in names
            for b in names
            if a < b and not (a.startswith(b) or b.startswith(a))
        }
        for a, b in sorted(pairs):
            if not 1 <= ev.edit_distance(a, b, NAME_DISTANCE) <= _allowed(a, b):
                continue
            both = {n for n, *_ in seen[a]} & {n for n, *_ in seen[b]}
            uses = {n: [o for o in seen[n] if o[0] not in both] for n in (a, b)}
            if not uses[a] or not uses[b]:
                continue
            rare, common = sorted((a, b), key=lambda n: (len(uses[n]), n))
            _, bank, q, written = uses[rare][0]
            _, other_bank, other_q, other_written = uses[common][0]
            yield _at(
                "QG110",
                bank,
                q,
                _field_of(q, written),
                f"'{written}' is spelled '{other_written}' elsewhere in this deck",
                f"'{other_written}' {_count(len(uses[common]), 'time')}, first in question '{other_q.id}' "
                f"({other_bank.path}:{other_q.pos(_field_of(other_q, other_written)).line}); "
                "spell a name one way everywhere",
            )


def _authored_texts(q: Question) -> list[tuple[str, bool]]:
    """The texts of `_authored(q)` and whether their first word counts, without their keys."""
    out = [(q.prompt, False), (q.explanation, False)]
    if isinstance(q, (Choice, Multi)):
        out.extend((c, False) for c in q.choices)
    elif isinstance(q, Short):
        out.append((q.answer, False))
    elif isinstance(q, Match):
        out.extend((side, n == 0) for pair in q.pairs for n, side in enumerate(pair))
    elif isinstance(q, Order):
        out.extend((item, False) for item in q.items)
    elif isinstance(q, Cloze):
        out.append((q.text, False))
    elif isinstance(q, Open):
        out.append((q.answer, False))
    return out


def _names_of(authored: list[tuple[str, bool]]) -> set[str]:
    """The capitalised words of 5+ letters of a question's texts, but the first word of each
    text (of a match's left side too: there every capitalised word is a name)."""
    plain_texts = ev.visible("\n" + "\n".join(t for t, first in authored if not first))
    found = {name for start, name in _CAPITALISED_AFTER.findall(plain_texts) if not start}
    lefts = [t for t, first in authored if first]
    if lefts:
        found.update(_CAPITALISED.findall(ev.visible("\n".join(lefts))))
    return found


def _field_of(q: Question, written: str) -> str:
    """The first field of `q` that writes `written`, for the report."""
    return next((where for where, text, _ in _authored(q) if written in text), "")


_WORD5 = re.compile(r"[^\W\d_]{5,}")
_NAME = r"([A-Z\u00c0-\u00de\u0410-\u042f][^\W\d_]{4,})(?![^\W\d_])"
_CAPITALISED_AFTER = re.compile(r"(\n[ \t]*)?(?<![\w'\u2019])" + _NAME)  # group 1: a text's start
_CAPITALISED = re.compile(r"(?<![\w'\u2019])" + _NAME)


BANK_CHECKS.append(check_key_longest_bank)
CORPUS_CHECKS.extend([check_giveaways, check_name_spelling])
