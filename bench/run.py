#!/usr/bin/env python3
"""quizgen's benchmark: speed at scale, side by side with what a user could do instead.

Run it from the project root, in the environment quizgen is installed in (it needs the
`test` extra too: the real `anki` library):

    python bench/run.py                   # 1,000 / 10,000 / 100,000 questions: a few minutes
    python bench/run.py --smoke           # tiny sizes, well under a minute (what CI runs)
    python bench/run.py --sizes 1000,10000 --import-sizes 1000 --json /tmp/bench.json

It generates synthetic banks (all nine question types, realistic text lengths; seeded,
so every run reads the same bytes) in a temporary folder and measures, with the same
inputs:

- read + check (`quizgen.bank.check.load`): time and peak memory;
- `.apkg` writing (`quizgen.anki.write_deck`) against a plain genanki script writing the
  same notes;
- importing our `.apkg` into a fresh collection of the real Anki library against Anki's
  own CSV import of the same notes;
- a quiz of 30 versions x 50 questions with its key, as PDF;
- `quizgen --help` start-up against `python -c pass`.

Every measurement runs in a fresh Python process (this script, started again with
`--worker`), so a process's peak memory is its own and each side pays its own imports
and caches alike. Several runs of one measurement (`--repeat`) report the median.
It prints a Markdown table and writes the results as JSON (and the table beside it as
`.md`). Missing a target is reported, not an error: the exit status is 0 whenever every
measurement could be taken.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

FULL_SIZES = (1_000, 10_000, 100_000)
SMOKE_SIZES = (45, 90)

QUIZ_VERSIONS, QUIZ_COUNT = 30, 50
SMOKE_QUIZ_VERSIONS, SMOKE_QUIZ_COUNT = 3, 10
HELP_RUNS = 10

# The fixed "now" given to the Anki writer: the same ids and bytes on every run.
TIMESTAMP = 1_700_000_000.0

# -- targets (issue 6) -------------------------------------------------------------------------
READ_SECONDS_MAX = 10.0  # read + check of the largest bank (100,000 questions)
READ_PEAK_MB_MAX = 1024.0  # ... and its peak memory
APKG_RATIO_MAX = 1.5  # .apkg writing: ours / plain genanki
# "As cheap to take in as the obvious alternative": ours / CSV, with 10% for timing noise.
IMPORT_RATIO_MAX = 1.1
QUIZ_SECONDS_MAX = 5.0  # 30 versions x 50 questions plus keys, PDF
HELP_SECONDS_MAX = 0.3  # `quizgen --help`
SCALING_MAX = 1.5  # time per question at the largest size / at the smallest


# ==============================================================================================
# Synthetic banks
# ==============================================================================================

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


# ==============================================================================================
# Workers: one measurement each, in a fresh process
# ==============================================================================================


def _peak_mb() -> dict[str, float]:
    """Peak resident memory of this process and of the largest child it waited for, in MB.

    This process's own peak is VmHWM, not ru_maxrss: Linux carries ru_maxrss over an
    exec, so a worker would report the benchmark driver's memory as its own.
    """
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        found = re.search(r"^VmHWM:\s*(\d+) kB", status, re.M)
        if found:
            own = int(found.group(1)) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    # quizgen reads in one process; any child it ever forks would count here too (an upper bound).
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mb": own + children, "peak_self_mb": own, "peak_children_mb": children}


def task_read(args: dict[str, Any]) -> dict[str, Any]:
    """read + check: `load([bank])`; module imports are done before the clock starts."""
    from quizgen.bank.check import load

    start = time.perf_counter()
    checked = load([Path(args["bank"])])
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        **_peak_mb(),
        "ok": checked.ok,
        "questions": sum(len(b.questions) for b in checked.banks),
        "diagnostics": len(checked.diagnostics),
        "problems": [d.format_text() for d in checked.diagnostics[:5]],
    }


def task_apkg(args: dict[str, Any]) -> dict[str, Any]:
    """Our .apkg: `write_deck` alone (lock file included); the bank is loaded before the clock starts."""
    from quizgen import anki
    from quizgen.bank.check import load
    from quizgen.select import Filter, select

    questions = select(load([Path(args["bank"])]).banks, Filter())
    out = Path(args["out"])
    start = time.perf_counter()
    summary = anki.write_deck(questions, out, timestamp=TIMESTAMP)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "notes": summary.notes, "cards": summary.cards, "bytes": out.stat().st_size}


def task_genanki(args: dict[str, Any]) -> dict[str, Any]:
    """The plain genanki script a user would write, fed the field strings of our notes.

    Reading the notes' JSON and importing genanki happen before the clock starts.
    """
    import genanki

    data = json.loads(Path(args["notes"]).read_text(encoding="utf-8"))
    out = Path(args["out"])
    start = time.perf_counter()
    models = {
        m["id"]: genanki.Model(
            m["id"],
            m["name"],
            fields=[{"name": name} for name in m["fields"]],
            templates=m["templates"],
            css=m["css"],
            model_type=genanki.Model.CLOZE if m["cloze"] else genanki.Model.FRONT_BACK,
        )
        for m in data["models"]
    }
    decks = {d["id"]: genanki.Deck(d["id"], d["name"]) for d in data["decks"]}
    for model_id, deck, fields, tags in data["notes"]:
        decks[deck].add_note(genanki.Note(model=models[model_id], fields=fields, tags=tags))
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=TIMESTAMP)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "notes": len(data["notes"]), "bytes": out.stat().st_size}


def _collection(folder: str) -> Any:
    from anki.collection import Collection

    Path(folder).mkdir(parents=True, exist_ok=True)
    return Collection(str(Path(folder) / "collection.anki2"))


def task_import_apkg(args: dict[str, Any]) -> dict[str, Any]:
    """Import our .apkg into a fresh collection with the default options (collection made before)."""
    from anki.collection import ImportAnkiPackageRequest

    col = _collection(args["folder"])
    try:
        start = time.perf_counter()
        col.import_anki_package(ImportAnkiPackageRequest(package_path=args["package"]))
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "notes": col.note_count(), "cards": col.card_count()}
    finally:
        col.close()


def task_import_csv(args: dict[str, Any]) -> dict[str, Any]:
    """Anki's own CSV import of the same notes (reading the CSV's metadata included)."""
    from anki.collection import ImportCsvRequest

    col = _collection(args["folder"])
    try:
        start = time.perf_counter()
        metadata = col.get_csv_metadata(args["csv"], None)
        col.import_csv(ImportCsvRequest(path=args["csv"], metadata=metadata))
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "notes": col.note_count(), "cards": col.card_count()}
    finally:
        col.close()


def task_quiz(args: dict[str, Any]) -> dict[str, Any]:
    """`build_quiz` + `pdf.write` (quiz and key), Typst's first use included; the bank is loaded before."""
    from quizgen.bank.check import load
    from quizgen.paper import pdf
    from quizgen.select import Filter, QuizSettings, build_quiz, select

    pool = select(load([Path(args["bank"])]).banks, Filter())
    settings = QuizSettings(
        title="Benchmark quiz",
        instructions="Answer every question.",
        count=args["count"],
        seed="bench",
        versions=args["versions"],
        shuffle=True,
    )
    start = time.perf_counter()
    quiz = build_quiz(pool, settings)
    built = time.perf_counter()
    written = pdf.write(quiz, Path(args["out"]), paper="a4", key=True)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {
        "seconds": seconds,
        "build_quiz_seconds": built - start,
        "pdf_seconds": seconds - (built - start),
        "files": [p.name for p in written],
        "bytes": sum(p.stat().st_size for p in written),
    }
    try:  # page counts, when pypdf (a test extra) is there; after the clock stopped
        from pypdf import PdfReader

        result["pages"] = [len(PdfReader(p).pages) for p in written]
    except ImportError:  # pragma: no cover
        pass
    return result


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "read": task_read,
    "apkg": task_apkg,
    "genanki": task_genanki,
    "import-apkg": task_import_apkg,
    "import-csv": task_import_csv,
    "quiz": task_quiz,
}


def run_worker(task: str, args: dict[str, Any], *, sample_memory: bool = False) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return what it measured.

    With `sample_memory`, the memory of the worker and its child processes is sampled
    while it runs (see `_tree_pss_kb`) and the highest total is added as `sampled_pss_mb`.
    Sampling costs CPU, so runs whose time counts are never sampled.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", task, json.dumps(args)]
    # Start every measurement with no dirty pages pending: the plain genanki package is a
    # 140 MB file, and its writeback otherwise throttles whatever writes next (measured:
    # our 100,000-note deck took 5.4 s right after it, 3.7 s on a quiet disk).
    if hasattr(os, "sync"):
        os.sync()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        peak_kb = 0
        while proc.poll() is None:
            if sample_memory:
                peak_kb = max(peak_kb, _tree_pss_kb(proc.pid))
            time.sleep(0.1 if sample_memory else 0.01)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"worker '{task}' failed (exit {proc.returncode}):\n{stderr[-4000:]}")
    lines = stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"worker '{task}' printed nothing:\n{stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if sample_memory:
        result["sampled_pss_mb"] = peak_kb / 1024 if peak_kb else None
    return result


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size of `pid` and all its descendants, in kB (0 where /proc has no such data).

    PSS shares each page among the processes mapping it, so the total is the memory the
    whole tree really holds: a forked helper's pages shared with its parent count once.
    """
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total


# ==============================================================================================
# What the baselines are fed: our notes, read back from our package
# ==============================================================================================

_CLOZE_FIELD = re.compile(r"\{\{cloze:([^}]+)\}\}")
_FIELD_REF = re.compile(r"\{\{[#^]?([^}#^/]+)\}\}")


def read_package(apkg: Path, folder: Path) -> dict[str, Any]:
    """The note types, decks and notes (fields and tags) inside an .apkg, and its card count."""
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "collection.anki2"
    with zipfile.ZipFile(apkg) as zf:
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in zf.namelist())
        db_path.write_bytes(zf.read(name))
    conn = sqlite3.connect(db_path)
    try:
        models_json, decks_json = conn.execute("select models, decks from col").fetchone()
        rows = conn.execute(
            "select n.mid, (select c.did from cards c where c.nid = n.id order by c.ord limit 1),"
            " n.flds, n.tags from notes n order by n.id"
        ).fetchall()
        cards = conn.execute("select count(*) from cards").fetchone()[0]
    finally:
        conn.close()
    db_path.unlink()
    used_models = {mid for mid, _, _, _ in rows}
    used_decks = {did for _, did, _, _ in rows}
    models = [
        {
            "id": int(m["id"]),
            "name": m["name"],
            "fields": [f["name"] for f in sorted(m["flds"], key=lambda f: f["ord"])],
            "templates": [
                {"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]}
                for t in sorted(m["tmpls"], key=lambda t: t["ord"])
            ],
            "css": m.get("css", ""),
            "cloze": m.get("type", 0) == 1,
        }
        for m in json.loads(models_json).values()
        if int(m["id"]) in used_models
    ]
    decks = [
        {"id": int(d["id"]), "name": d["name"]}
        for d in json.loads(decks_json).values()
        if int(d["id"]) in used_decks
    ]
    notes = [[mid, did, flds.split("\x1f"), tags.split()] for mid, did, flds, tags in rows]
    return {"models": models, "decks": decks, "notes": notes, "cards": cards}


def write_csv(package: dict[str, Any], out: Path) -> int:
    """The same notes as Anki's CSV import takes them: Basic (Front, Back) or Cloze (Text, Back Extra).

    The front is what the card's front shows (the fields its template names); every other
    non-empty field goes on the back. Deck and tags travel in their own columns.
    Returns the number of rows.
    """
    layout: dict[int, tuple[str, list[int], list[int]]] = {}
    for m in package["models"]:
        names: list[str] = m["fields"]
        qfmt = m["templates"][0]["qfmt"]
        if m["cloze"]:
            match = _CLOZE_FIELD.search(qfmt)
            front_names = {match.group(1).strip()} if match else {names[0]}
            notetype = "Cloze"
        else:
            front_names = {ref.strip() for ref in _FIELD_REF.findall(qfmt)} & set(names) or {names[0]}
            notetype = "Basic"
        front = [i for i, name in enumerate(names) if name in front_names]
        back = [i for i in range(len(names)) if i not in front]
        layout[m["id"]] = (notetype, front, back)
    deck_names = {d["id"]: d["name"] for d in package["decks"]}
    with out.open("w", encoding="utf-8", newline="") as f:
        f.write("#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n")
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        for model_id, deck, fields, tags in package["notes"]:
            notetype, front, back = layout[model_id]
            writer.writerow(
                [
                    notetype,
                    deck_names[deck],
                    "<br>".join(fields[i] for i in front if fields[i]),
                    "<br>".join(fields[i] for i in back if fields[i]),
                    " ".join(tags),
                ]
            )
    return len(package["notes"])


# ==============================================================================================
# Measuring
# ==============================================================================================


@dataclass
class Measurement:
    """One row of results: our time (median of runs), and the baseline's when there is one."""

    key: str  # read, apkg, import, quiz, help
    name: str
    size: int | None
    seconds: float
    runs: list[float]
    baseline_name: str = ""
    baseline_seconds: float | None = None
    baseline_runs: list[float] = field(default_factory=list)
    includes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.baseline_seconds if self.baseline_seconds else None

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "size": self.size,
            "seconds": self.seconds,
            "runs": self.runs,
            "baseline": self.baseline_name or None,
            "baseline_seconds": self.baseline_seconds,
            "baseline_runs": self.baseline_runs,
            "ratio": self.ratio,
            "includes": self.includes,
            **self.extra,
        }


@dataclass
class Target:
    """A target of the issue, and whether this run met it."""

    name: str
    size: int | None
    limit: str
    value: float | None
    ok: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "target": self.limit,
            "value": self.value,
            "ok": self.ok,
        }


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def measure_read(bank: BankInfo, repeat: int) -> Measurement:
    """read + check of one bank, `repeat` timed runs and one with its memory sampled.

    Fails loudly when the bank does not check clean.
    """
    results = [run_worker("read", {"bank": str(bank.path)}) for _ in range(repeat)]
    sampled = run_worker("read", {"bank": str(bank.path)}, sample_memory=True)
    first = results[0]
    if not first["ok"] or first["questions"] != bank.size:
        problems = "\n".join(first["problems"])
        raise RuntimeError(f"the generated {bank.size}-question bank does not check clean:\n{problems}")
    runs = [r["seconds"] for r in results]
    peak = max(results, key=lambda r: r["peak_mb"])
    return Measurement(
        "read",
        "read + check",
        bank.size,
        _median(runs),
        runs,
        includes="quizgen.bank.check.load([bank]) in a fresh process; module imports excluded. Peak "
        "memory: the process's peak RSS (VmHWM, plus any child process's), the figure the target is "
        "checked against; and, in an extra untimed run, the highest PSS sampled every 0.1 s",
        extra={
            "peak_mb": peak["peak_mb"],
            "sampled_pss_mb": sampled.get("sampled_pss_mb"),
            "peak_self_mb": peak["peak_self_mb"],
            "peak_children_mb": peak["peak_children_mb"],
            "diagnostics": first["diagnostics"],
            "bank_mb": bank.megabytes,
        },
    )


def measure_apkg(bank: BankInfo, work: Path, repeat: int) -> tuple[Measurement, Path, Path, dict[str, Any]]:
    """Our .apkg against plain genanki writing the same notes, runs interleaved.

    Returns the measurement, both first packages (ours, genanki's) and our notes as read back.
    """
    folder = work / f"apkg-{bank.size}"
    ours_runs: list[float] = []
    base_runs: list[float] = []
    package_path = folder / "ours-0" / "deck.apkg"
    package: dict[str, Any] = {}
    notes_json = folder / "notes.json"
    ours_first: dict[str, Any] = {}
    base_first: dict[str, Any] = {}
    for i in range(repeat):
        out = folder / f"ours-{i}" / "deck.apkg"
        out.parent.mkdir(parents=True, exist_ok=True)
        result = run_worker("apkg", {"bank": str(bank.path), "out": str(out)})
        ours_runs.append(result["seconds"])
        if i == 0:
            ours_first = result
            package = read_package(package_path, folder / "extract")
            notes_json.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
        base_out = folder / f"genanki-{i}.apkg"
        base = run_worker("genanki", {"notes": str(notes_json), "out": str(base_out)})
        base_runs.append(base["seconds"])
        if i == 0:
            base_first = base
            counted = read_package(base_out, folder / "extract-baseline")
            if (len(counted["notes"]), counted["cards"]) != (len(package["notes"]), package["cards"]):
                raise RuntimeError(
                    f"plain genanki made {len(counted['notes'])} notes / {counted['cards']} cards, "
                    f"ours {len(package['notes'])} / {package['cards']}"
                )
        if i > 0:
            shutil.rmtree(out.parent)
            base_out.unlink()
    measurement = Measurement(
        "apkg",
        ".apkg writing",
        bank.size,
        _median(ours_runs),
        ours_runs,
        baseline_name="plain genanki script",
        baseline_seconds=_median(base_runs),
        baseline_runs=base_runs,
        includes="ours: quizgen.anki.write_deck (fields, lock file, package); baseline: genanki "
        "Model/Deck/Note + Package.write_to_file of the same note types and field strings; "
        "bank loading and imports excluded",
        extra={
            "notes": ours_first["notes"],
            "cards": package["cards"],
            "apkg_mb": ours_first["bytes"] / 1e6,
            "baseline_apkg_mb": base_first["bytes"] / 1e6,
        },
    )
    return measurement, package_path, folder / "genanki-0.apkg", package


def measure_import(
    size: int, package_path: Path, genanki_path: Path, package: dict[str, Any], work: Path, repeat: int
) -> Measurement:
    """Our .apkg into a fresh Anki collection against Anki's CSV import of the same notes.

    The plain genanki package is imported too, as a reference: what any .apkg costs.
    """
    folder = work / f"import-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "notes.csv"
    write_csv(package, csv_path)
    runs: dict[str, list[float]] = {"ours": [], "csv": [], "genanki": []}
    first: dict[str, dict[str, Any]] = {}
    for i in range(repeat):
        for name, task, args in (
            ("ours", "import-apkg", {"package": str(package_path)}),
            ("csv", "import-csv", {"csv": str(csv_path)}),
            ("genanki", "import-apkg", {"package": str(genanki_path)}),
        ):
            target = folder / f"{name}-{i}"
            result = run_worker(task, {**args, "folder": str(target)})
            runs[name].append(result["seconds"])
            first.setdefault(name, result)
            shutil.rmtree(target)
    expected = len(package["notes"])
    taken = {name: result["notes"] for name, result in first.items()}
    if set(taken.values()) != {expected}:
        raise RuntimeError(f"Anki took in {taken} notes; {expected} were written")
    ours_runs, base_runs = runs["ours"], runs["csv"]
    ours_first, base_first = first["ours"], first["csv"]
    return Measurement(
        "import",
        "Anki import",
        size,
        _median(ours_runs),
        ours_runs,
        baseline_name="Anki CSV import",
        baseline_seconds=_median(base_runs),
        baseline_runs=base_runs,
        includes="ours: Collection.import_anki_package (default options) into a fresh collection; "
        "baseline: Collection.get_csv_metadata + import_csv of the same notes (Basic/Cloze, deck and "
        "tags columns); making the collection excluded. Reference: the plain genanki .apkg imported "
        "the same way",
        extra={
            "notes": expected,
            "cards": ours_first["cards"],
            "baseline_cards": base_first["cards"],
            "csv_mb": csv_path.stat().st_size / 1e6,
            "genanki_apkg_seconds": _median(runs["genanki"]),
            "genanki_apkg_runs": runs["genanki"],
        },
    )


def measure_quiz(bank: BankInfo, work: Path, versions: int, count: int, repeat: int) -> Measurement:
    """A quiz of `versions` x `count` questions plus keys, as PDF."""
    folder = work / "quiz"
    results = []
    for i in range(repeat):
        out = folder / f"run-{i}" / "quiz.pdf"
        out.parent.mkdir(parents=True, exist_ok=True)
        args = {"bank": str(bank.path), "out": str(out), "versions": versions, "count": count}
        results.append(run_worker("quiz", args))
    runs = [r["seconds"] for r in results]
    first = results[0]
    return Measurement(
        "quiz",
        f"quiz PDF, {versions} versions x {count} questions + keys",
        bank.size,
        _median(runs),
        runs,
        includes="select.build_quiz + pdf.write (quiz and key, A4) in a fresh process, Typst's first "
        f"use included; loading the {bank.size:,}-question bank excluded",
        extra={
            "versions": versions,
            "questions": count,
            "build_quiz_seconds": _median([r["build_quiz_seconds"] for r in results]),
            "pdf_seconds": _median([r["pdf_seconds"] for r in results]),
            "pages": first.get("pages"),
            "pdf_mb": first["bytes"] / 1e6,
        },
    )


def quizgen_command() -> list[str]:
    """The installed `quizgen` console script (beside this Python), else `python -m quizgen`."""
    script = Path(sys.executable).parent / "quizgen"
    if script.is_file():
        return [str(script)]
    found = shutil.which("quizgen")
    return [found] if found else [sys.executable, "-m", "quizgen"]


def _wall_times(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def measure_help(runs: int) -> Measurement:
    """`quizgen --help` start-up against `python -c pass`: wall time of the whole process."""
    command = [*quizgen_command(), "--help"]
    ours = _wall_times(command, runs)
    base = _wall_times([sys.executable, "-c", "pass"], runs)
    return Measurement(
        "help",
        "`quizgen --help` start-up",
        None,
        _median(ours),
        ours,
        baseline_name="python -c pass",
        baseline_seconds=_median(base),
        baseline_runs=base,
        includes=f"wall time of the whole process, median of {runs} after one warm-up run",
        extra={"command": command, "difference_seconds": _median(ours) - _median(base)},
    )


# ==============================================================================================
# Targets, table, machine
# ==============================================================================================


def evaluate(measurements: list[Measurement]) -> list[Target]:
    """Each target of the issue against this run's numbers."""
    targets: list[Target] = []
    reads = sorted((m for m in measurements if m.key == "read"), key=lambda m: m.size or 0)
    apkgs = sorted((m for m in measurements if m.key == "apkg"), key=lambda m: m.size or 0)
    if reads:
        big = reads[-1]
        targets.append(
            Target(
                "read + check time",
                big.size,
                f"< {READ_SECONDS_MAX:g} s",
                big.seconds,
                big.seconds < READ_SECONDS_MAX,
            )
        )
        peak = big.extra["peak_mb"]
        targets.append(
            Target(
                "read + check peak memory",
                big.size,
                f"< {READ_PEAK_MB_MAX:g} MB",
                peak,
                peak < READ_PEAK_MB_MAX,
            )
        )
    for key, rows in (("read + check", reads), (".apkg writing", apkgs)):
        if len(rows) >= 2:
            ratio = scaling(rows[0], rows[-1])
            targets.append(
                Target(
                    f"{key}: time per question vs {rows[0].size:,}",
                    rows[-1].size,
                    f"<= {SCALING_MAX:g}x",
                    ratio,
                    ratio <= SCALING_MAX,
                )
            )
    for m in apkgs:
        ratio = m.ratio or 0.0
        targets.append(
            Target(
                ".apkg writing / plain genanki",
                m.size,
                f"<= {APKG_RATIO_MAX:g}x",
                ratio,
                ratio <= APKG_RATIO_MAX,
            )
        )
    for m in measurements:
        if m.key == "import":
            ratio = m.ratio or 0.0
            targets.append(
                Target(
                    "Anki import / CSV import",
                    m.size,
                    f"<= {IMPORT_RATIO_MAX:g}x",
                    ratio,
                    ratio <= IMPORT_RATIO_MAX,
                )
            )
        elif m.key == "quiz":
            targets.append(
                Target(
                    "quiz PDF", m.size, f"< {QUIZ_SECONDS_MAX:g} s", m.seconds, m.seconds < QUIZ_SECONDS_MAX
                )
            )
        elif m.key == "help":
            targets.append(
                Target(
                    "quizgen --help",
                    None,
                    f"< {HELP_SECONDS_MAX:g} s",
                    m.seconds,
                    m.seconds < HELP_SECONDS_MAX,
                )
            )
    return targets


def scaling(small: Measurement, large: Measurement) -> float:
    """Time per question at the large size over time per question at the small one."""
    assert small.size and large.size
    return (large.seconds / large.size) / (small.seconds / small.size)


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def fmt_per_question(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs/q"


def fmt_mb(megabytes: float) -> str:
    return f"{megabytes:,.0f} MB" if megabytes >= 10 else f"{megabytes:.2g} MB"


def fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}x"


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("yes" if flag else "**NO**")


def table(measurements: list[Measurement], targets: list[Target]) -> str:
    """The results as a Markdown table: measurement, size, time, baseline, ratio, target, ok."""

    def target_for(name: str, size: int | None) -> Target | None:
        return next((t for t in targets if t.name == name and t.size == size), None)

    rows: list[list[str]] = []

    def add(
        name: str,
        size: int | None,
        time_: str,
        baseline: str,
        ratio: str,
        target: Target | None,
        limit: str = "",
    ) -> None:
        rows.append(
            [
                name,
                f"{size:,}" if size else "—",
                time_,
                baseline,
                ratio,
                target.limit if target else (limit or "—"),
                _ok(target.ok if target else None),
            ]
        )

    reads = sorted((m for m in measurements if m.key == "read"), key=lambda m: m.size or 0)
    apkgs = sorted((m for m in measurements if m.key == "apkg"), key=lambda m: m.size or 0)
    for m in reads:
        timing = target_for("read + check time", m.size)
        memory = target_for("read + check peak memory", m.size)
        add(
            f"read + check ({fmt_mb(m.extra['bank_mb'])} of YAML)",
            m.size,
            fmt_seconds(m.seconds),
            "—",
            "—",
            timing,
        )
        pss = m.extra.get("sampled_pss_mb")
        shown = f"{fmt_mb(m.extra['peak_mb'])}" + (f" (sampled PSS {fmt_mb(pss)})" if pss else "")
        add("read + check, peak memory", m.size, shown, "—", "—", memory)
    if len(reads) >= 2:
        t = target_for(f"read + check: time per question vs {reads[0].size:,}", reads[-1].size)
        add(
            "read + check, time per question",
            reads[-1].size,
            fmt_per_question(reads[-1].seconds / (reads[-1].size or 1)),
            f"{fmt_per_question(reads[0].seconds / (reads[0].size or 1))} at {reads[0].size:,}",
            fmt_ratio(scaling(reads[0], reads[-1])),
            t,
        )
    for m in apkgs:
        add(
            f".apkg writing ({m.extra['notes']:,} notes, {m.extra['cards']:,} cards) vs plain genanki",
            m.size,
            fmt_seconds(m.seconds),
            fmt_seconds(m.baseline_seconds),
            fmt_ratio(m.ratio),
            target_for(".apkg writing / plain genanki", m.size),
        )
    if len(apkgs) >= 2:
        t = target_for(f".apkg writing: time per question vs {apkgs[0].size:,}", apkgs[-1].size)
        add(
            ".apkg writing, time per question",
            apkgs[-1].size,
            fmt_per_question(apkgs[-1].seconds / (apkgs[-1].size or 1)),
            f"{fmt_per_question(apkgs[0].seconds / (apkgs[0].size or 1))} at {apkgs[0].size:,}",
            fmt_ratio(scaling(apkgs[0], apkgs[-1])),
            t,
        )
    for m in measurements:
        if m.key == "import":
            csv_seconds = m.baseline_seconds or 1.0
            add(
                "Anki import of our .apkg vs Anki CSV import",
                m.size,
                fmt_seconds(m.seconds),
                fmt_seconds(csv_seconds),
                fmt_ratio(m.ratio),
                target_for("Anki import / CSV import", m.size),
            )
            reference = m.extra["genanki_apkg_seconds"]
            add(
                "(reference) Anki import of the plain genanki .apkg vs CSV",
                m.size,
                fmt_seconds(reference),
                fmt_seconds(csv_seconds),
                fmt_ratio(reference / csv_seconds),
                None,
            )
    for m in measurements:
        if m.key == "quiz":
            pages = m.extra.get("pages")
            shown = f" ({' + '.join(map(str, pages))} pages)" if pages else ""
            add(
                f"quiz PDF: {m.extra['versions']} versions x {m.extra['questions']} questions + key{shown}",
                None,
                fmt_seconds(m.seconds),
                "—",
                "—",
                target_for("quiz PDF", m.size),
            )
        elif m.key == "help":
            add(
                "`quizgen --help` vs `python -c pass`",
                None,
                fmt_seconds(m.seconds),
                fmt_seconds(m.baseline_seconds),
                fmt_ratio(m.ratio),
                target_for("quizgen --help", None),
            )
    header = ["measurement", "size", "time", "baseline", "ratio", "target", "ok"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["--:"] * 4 + ["---", ":-:"]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """The machine and software the numbers were taken on."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        "cpu_model": "",
        "memory_gb": None,
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["cpu_model"] = found.group(1).strip() if found else platform.processor()
    except OSError:
        info["cpu_model"] = platform.processor()
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
        if found:
            info["memory_gb"] = round(int(found.group(1)) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def _load_average() -> float | None:
    """The 1-minute load average: other work on the machine makes timings noisy."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - not on every OS
        return None


def versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in ("quizgen", "genanki", "anki", "typst", "pyyaml", "typer"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def describe_machine(info: dict[str, Any], vers: dict[str, str | None]) -> str:
    cpu = info["cpu_model"] or "unknown CPU"
    memory = f", {info['memory_gb']:g} GB RAM" if info.get("memory_gb") else ""
    software = ", ".join(f"{k} {v}" for k, v in vers.items() if v)
    return (
        f"{cpu}, {info['cpu_count']} cores{memory}; {info['platform']}; Python {info['python']}; {software}"
    )


# ==============================================================================================
# Main
# ==============================================================================================


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc
    if not sizes or sizes[0] < 9:
        raise argparse.ArgumentTypeError("sizes must be 9 or more (one question of every type)")
    return sizes


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/run.py",
        description="Benchmark quizgen against plain genanki, Anki's CSV import and bare Python.",
    )
    parser.add_argument("--sizes", type=_sizes, help="bank sizes (default 1000,10000,100000)")
    parser.add_argument(
        "--import-sizes",
        type=_sizes,
        help="sizes to import into Anki, a subset of --sizes (default: all of them)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="where to write the results (default bench/results/latest.json; the table goes beside it, .md)",
    )
    parser.add_argument("--repeat", type=int, help="runs per measurement, median reported (default 5)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, a 3 x 10 quiz, one run each: checks the benchmark works (CI)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    parser.add_argument("--worker", nargs=2, metavar=("TASK", "ARGS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return args
    smoke = args.smoke
    args.sizes = args.sizes or list(SMOKE_SIZES if smoke else FULL_SIZES)
    if args.import_sizes is None:
        args.import_sizes = list(args.sizes)
    unknown = sorted(set(args.import_sizes) - set(args.sizes))
    if unknown:
        parser.error(f"--import-sizes {unknown} are not among --sizes {args.sizes}")
    args.repeat = args.repeat or (1 if smoke else 5)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    args.json = args.json or RESULTS / ("smoke.json" if smoke else "latest.json")
    args.quiz_versions, args.quiz_count = (
        (SMOKE_QUIZ_VERSIONS, SMOKE_QUIZ_COUNT) if smoke else (QUIZ_VERSIONS, QUIZ_COUNT)
    )
    args.help_runs = 3 if smoke else HELP_RUNS
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        task, raw = args.worker
        print(json.dumps(TASKS[task](json.loads(raw))))
        return 0

    started = time.perf_counter()
    info, vers = machine(), versions()
    _say(f"machine: {describe_machine(info, vers)}")
    load_before = _load_average()
    if load_before is not None and load_before > 0.5:
        _say(f"warning: the machine is busy (load average {load_before:.2f}); timings will be noisy")
    work = Path(tempfile.mkdtemp(prefix="quizgen-bench-"))
    measurements: list[Measurement] = []
    banks: dict[int, BankInfo] = {}
    try:
        for size in args.sizes:
            bank = banks[size] = write_bank(size, work / f"bank-{size}.yaml")
            _say(f"bank {size:,}: {fmt_mb(bank.megabytes)}, {bank.kinds}")
        for size in args.sizes:
            m = measure_read(banks[size], args.repeat)
            measurements.append(m)
            _say(f"read + check {size:,}: {fmt_seconds(m.seconds)}, peak {m.extra['peak_mb']:.0f} MB")
        packages: dict[int, tuple[Path, Path, dict[str, Any]]] = {}
        for size in args.sizes:
            m, path, genanki_path, package = measure_apkg(banks[size], work, args.repeat)
            measurements.append(m)
            packages[size] = (path, genanki_path, package)
            _say(f".apkg {size:,}: {fmt_seconds(m.seconds)} vs genanki {fmt_seconds(m.baseline_seconds)}")
        for size in args.import_sizes:
            path, genanki_path, package = packages[size]
            m = measure_import(size, path, genanki_path, package, work, args.repeat)
            measurements.append(m)
            _say(f"import {size:,}: {fmt_seconds(m.seconds)} vs CSV {fmt_seconds(m.baseline_seconds)}")
        quiz_bank = next((banks[s] for s in args.sizes if s >= args.quiz_count), banks[args.sizes[-1]])
        m = measure_quiz(quiz_bank, work, args.quiz_versions, args.quiz_count, args.repeat)
        measurements.append(m)
        _say(f"quiz: {fmt_seconds(m.seconds)}")
        m = measure_help(args.help_runs)
        measurements.append(m)
        _say(f"--help: {fmt_seconds(m.seconds)} vs python -c pass {fmt_seconds(m.baseline_seconds)}")
    finally:
        if args.keep:
            _say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    targets = evaluate(measurements)
    notes = []
    skipped = [s for s in args.sizes if s not in args.import_sizes]
    if skipped:
        notes.append(
            f"Anki imports measured at {', '.join(f'{s:,}' for s in args.import_sizes)} questions only, "
            f"not at {', '.join(f'{s:,}' for s in skipped)} (--import-sizes)."
        )
    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    text = table(measurements, targets)
    described = describe_machine(info, vers)
    results = {
        "date": when.isoformat(),
        "command": " ".join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "smoke": args.smoke,
        "repeat": args.repeat,
        "machine": info,
        "versions": vers,
        "banks": [
            {"size": b.size, "bytes": b.bytes, "megabytes": round(b.megabytes, 2), "kinds": b.kinds}
            for b in banks.values()
        ],
        "measurements": [m.as_json() for m in measurements],
        "targets": [t.as_json() for t in targets],
        "all_targets_met": all(t.ok for t in targets),
        "notes": notes,
        "load_average": {"before": load_before, "after": _load_average()},
        "total_seconds": time.perf_counter() - started,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = render_markdown(text, described, when, args, measurements, notes, list(banks.values()))
    args.json.with_suffix(".md").write_text(markdown, encoding="utf-8")

    print(text)
    print()
    for line in notes:
        print(line)
    missed = [t for t in targets if not t.ok]
    for t in missed:
        size = f" at {t.size:,}" if t.size else ""
        print(f"MISSED: {t.name}{size}: {t.value:.3g} (target {t.limit})")
    print(f"Machine: {described}")
    print(f"Results: {args.json} and {args.json.with_suffix('.md')}")
    return 0


def render_markdown(
    text: str,
    described: str,
    when: dt.datetime,
    args: argparse.Namespace,
    measurements: list[Measurement],
    notes: list[str],
    banks: list[BankInfo],
) -> str:
    """The table with the machine and what every number includes: what the README shows."""
    sizes = ", ".join(f"{s:,}" for s in args.sizes)
    largest = max(banks, key=lambda b: b.size)
    out = [
        f"Measured {when:%Y-%m-%d} on {described}.",
        "",
        f"Synthetic banks of {sizes} questions, all nine types ({largest.bytes / largest.size:.0f} bytes "
        f"of YAML per question: {fmt_mb(largest.megabytes)} for {largest.size:,}); median of "
        f"{args.repeat} run(s), each in a fresh process.",
        "",
        text,
        "",
        "What each number includes:",
        "",
    ]
    seen: set[str] = set()
    for m in measurements:
        if m.key not in seen:
            seen.add(m.key)
            out.append(f"- **{m.name}**: {m.includes}.")
    out += ["", *notes] if notes else []
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
