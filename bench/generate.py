"""Synthetic banks for the benchmark: all nine question types, realistic text lengths, seeded."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_WORDS = """
the a of in on to from with by for about after before during against between under over
army troops soldiers unit units brigade border front war peace talks treaty sanctions
government minister president opposition regime election protest protests exile prison
capital city region village river forest road railway airfield base bases depot
Russian Belarusian Ukrainian Polish Lithuanian European western eastern northern southern
Minsk Kyiv Moscow Gomel Brest Hrodna Vitsebsk Mahilioŭ Vilnius Warsaw Homieĺ Pinsk Mazyr
Lukashenko Lukashenko's Putin Tsikhanouskaya Tichanovskaya Zelensky Schraibman Karbalevich Tertel Chrenin
announced reported claimed denied confirmed warned insisted said feared expected planned
deployed moved sent stationed trained joined formed crossed attacked defended occupied
military political economic nuclear joint combat-ready diversionary defensive strategic
intelligence analysts observers experts journalists volunteers partisans saboteurs officials
weapons missiles tanks drones aircraft helicopters artillery ammunition equipment fuel
thousand hundreds dozens several many few most some every each other another whole
spring summer autumn winter February March October November morning night week month year
country countries state states alliance NATO Kremlin KGB parliament court media newspaper
because although while since when where which who whom whose that this these those
independent sovereign neutral allied hostile frightened uncertain decisive limited broad
support pressure threat risk danger attack defence invasion mobilisation exercise exercises
""".split()  # noqa: SIM905 - a word list reads better as text

_TAGS = ("military", "politics", "economy", "history", "people", "places", "dates", "sanctions")
_UNITS = ("soldiers", "km", "tanks", "days", "percent", "aircraft", "people", "")
_DIFFICULTIES = ("easy", "medium", "hard")

# Share of each type in a bank, in percent: mostly choice, short, true/false and cloze,
# as teachers write them; a few of the longer kinds.
KIND_SHARES: tuple[tuple[str, int], ...] = (
    ("choice", 30),
    ("short", 15),
    ("truefalse", 12),
    ("cloze", 12),
    ("multi", 8),
    ("numeric", 7),
    ("match", 6),
    ("order", 5),
    ("open", 5),
)

# How often the optional keys are present.
P_EXPLANATION = 0.35
P_EVIDENCE = 0.4
P_DIFFICULTY = 0.7
P_POINTS = 0.15
P_TAGS = 0.2


def _q(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _TextMaker:
    """Sentences of random words with a bit of what real bank text has: commas, quotes, emphasis."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, lo: int, hi: int) -> str:
        """Words joined by spaces, between `lo` and about `hi` characters long."""
        rng = self.rng
        target = rng.randint(lo, hi)
        out: list[str] = []
        length = -1
        while length < target:
            word = rng.choice(_WORDS)
            length += len(word) + 1
            out.append(word)
        return " ".join(out)

    def sentence(self, lo: int, hi: int, end: str = ".") -> str:
        """A sentence of `lo`..`hi` characters with occasional punctuation and inline marks."""
        rng = self.rng
        words = self.words(lo, hi - len(end)).split(" ")
        for i in range(1, len(words) - 1):
            roll = rng.random()
            if roll < 0.06:
                words[i] += ","
            elif roll < 0.08:
                words[i] = f'"{words[i]}"'
            elif roll < 0.09:
                words[i] = f"**{words[i]}**"
            elif roll < 0.10:
                words[i] += ":"
        text = " ".join(words)
        return text[0].upper() + text[1:] + end

    def distinct(self, count: int, lo: int, hi: int) -> list[str]:
        """`count` different phrases (choices, items, sides of a match)."""
        seen: dict[str, None] = {}
        while len(seen) < count:
            phrase = self.words(lo, hi)
            seen[phrase[0].upper() + phrase[1:]] = None
        return list(seen)


def _kind_sequence(count: int, rng: random.Random) -> list[str]:
    """The type of each question: one of every type first, then the shares above, shuffled."""
    pattern = [kind for kind, share in KIND_SHARES for _ in range(share)]
    kinds = [kind for kind, _ in KIND_SHARES][:count]
    while len(kinds) < count:
        block = pattern[:]
        rng.shuffle(block)
        kinds.extend(block[: count - len(kinds)])
    return kinds


def _question_lines(kind: str, number: int, tm: _TextMaker, prompts: set[str]) -> list[str]:
    """The YAML lines of one question of `kind` (indented for the `questions:` list)."""
    rng = tm.rng
    lines = [f"  - id: {kind}-{number:06d}", f"    type: {kind}"]

    def prompt(end: str = "?") -> str:
        while True:
            text = tm.sentence(60, 120, end)
            if text not in prompts:
                prompts.add(text)
                return text

    if kind == "choice":
        choices = tm.distinct(rng.choice((3, 4, 4, 4, 5)), 15, 40)
        lines += [
            f"    prompt: {_q(prompt())}",
            f"    choices: [{', '.join(_q(c) for c in choices)}]",
            f"    answer: {_q(rng.choice(choices))}",
        ]
    elif kind == "multi":
        choices = tm.distinct(rng.choice((4, 5)), 15, 40)
        answers = rng.sample(choices, rng.randint(1, len(choices) - 1))
        lines += [f"    prompt: {_q(prompt())}", "    choices:"]
        lines += [f"      - {_q(c)}" for c in choices]
        lines.append(f"    answer: [{', '.join(_q(a) for a in answers)}]")
    elif kind == "truefalse":
        lines += [f"    prompt: {_q(prompt('.'))}", f"    answer: {rng.choice(('true', 'false'))}"]
    elif kind == "short":
        lines += [f"    prompt: {_q(prompt())}", f"    answer: {_q(tm.words(5, 25))}"]
        if rng.random() < 0.3:
            lines.append(f"    accept: [{', '.join(_q(tm.words(5, 25)) for _ in range(rng.randint(1, 2)))}]")
    elif kind == "numeric":
        lines += [f"    prompt: {_q(prompt())}", f"    answer: {rng.choice((rng.randint(1, 100_000), 2.5))}"]
        if rng.random() < 0.3:
            lines.append(f"    tolerance: {rng.randint(1, 50)}")
        unit = rng.choice(_UNITS)
        if unit:
            lines.append(f"    unit: {unit}")
    elif kind == "cloze":
        parts = [tm.sentence(25, 50, "")]
        for n in range(1, rng.randint(1, 3) + 1):
            hint = f"::{rng.choice(_WORDS)}" if rng.random() < 0.2 else ""
            parts.append(f"{{{{c{n}::{rng.choice(_WORDS)}{hint}}}}}")
            parts.append(tm.words(15, 35))
        text = " ".join(parts) + "."
        while text in prompts:
            text = tm.sentence(10, 20, "") + " " + text
        prompts.add(text)
        lines.append(f"    text: {_q(text)}")
    elif kind == "match":
        count = rng.randint(3, 5)
        lefts, rights = tm.distinct(count, 10, 25), tm.distinct(count, 15, 35)
        lines += [f"    prompt: {_q(prompt('.'))}", "    pairs:"]
        lines += [f"      - [{_q(left)}, {_q(right)}]" for left, right in zip(lefts, rights, strict=True)]
    elif kind == "order":
        lines += [f"    prompt: {_q(prompt('.'))}", "    items:"]
        lines += [f"      - {_q(item)}" for item in tm.distinct(rng.randint(3, 5), 20, 40)]
    elif kind == "open":
        lines += [f"    prompt: {_q(prompt())}", f"    answer: {_q(tm.sentence(100, 200))}"]
        lines.append(f"    lines: {rng.randint(4, 8)}")
    else:  # pragma: no cover - KIND_SHARES names every kind
        raise ValueError(kind)

    if rng.random() < P_EXPLANATION:
        lines.append(f"    explanation: {_q(tm.sentence(80, 120))}")
    if rng.random() < P_EVIDENCE:
        lines.append(f"    evidence: {_q(tm.words(60, 100))}")
    if rng.random() < P_DIFFICULTY:
        lines.append(f"    difficulty: {rng.choice(_DIFFICULTIES)}")
    if rng.random() < P_POINTS:
        lines.append(f"    points: {rng.randint(2, 4)}")
    if rng.random() < P_TAGS:
        lines.append(f"    tags: [{', '.join(rng.sample(_TAGS, rng.randint(1, 2)))}]")
    return lines


@dataclass(frozen=True)
class BankInfo:
    """A generated bank file."""

    size: int
    path: Path
    bytes: int
    kinds: dict[str, int]

    @property
    def megabytes(self) -> float:
        return self.bytes / 1e6


def write_bank(size: int, path: Path, seed: int = 6) -> BankInfo:
    """Write a synthetic bank of `size` questions to `path`; the same bytes for the same arguments."""
    rng = random.Random(f"quizgen-bench:{seed}:{size}")
    tm = _TextMaker(rng)
    kinds = _kind_sequence(size, rng)
    prompts: set[str] = set()
    head = [
        f"# Synthetic bank of {size} questions, written by bench/run.py (seed {seed}).",
        f"bank: bench-{size}",
        f"title: {_q(f'Benchmark bank ({size} questions)')}",
        "source:",
        f"  title: {_q('War in Ukraine: a synthetic article for the benchmark')}",
        "  file: bench-article.txt",
        "  published: 2022-10",
        f"deck: {_q(f'Quizgen bench::{size} questions')}",
        "tags: [bench, synthetic]",
        "questions:",
    ]
    chunks = ["\n".join(head)]
    for number, kind in enumerate(kinds, start=1):
        chunks.append("\n".join(_question_lines(kind, number, tm, prompts)))
    data = ("\n".join(chunks) + "\n").encode("utf-8")
    path.write_bytes(data)
    return BankInfo(size, path, len(data), dict(Counter(kinds)))
