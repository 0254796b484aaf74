"""Workers: each measurement in a fresh Python process (`python bench/workers.py TASK ARGS`).

This file imports nothing from bench/: it runs as a script, with only quizgen importable.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The fixed "now" given to the Anki writer: the same ids and bytes on every run.
TIMESTAMP = 1_700_000_000.0


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


def task_check_banks(args: dict[str, Any]) -> dict[str, Any]:
    """`check` of the project's banks with their articles: `load(banks, articles)`, the
    lemmatiser's dictionary loaded before the clock (one run of the same process earlier)."""
    from quizgen.bank.check import load

    banks, articles = [Path(p) for p in args["banks"]], Path(args["articles"])
    load(banks, articles)  # imports, the lemmatiser's dictionary
    runs = []
    for _ in range(int(args.get("repeat", 5))):
        start = time.perf_counter()
        checked = load(banks, articles)
        runs.append(time.perf_counter() - start)
    return {
        "seconds": sorted(runs)[len(runs) // 2],
        "runs": runs,
        **_peak_mb(),
        "questions": sum(len(b.questions) for b in checked.banks),
        "banks": len(checked.banks),
        "quotes": checked.evidence.quotes if checked.evidence else 0,
        "diagnostics": len(checked.diagnostics),
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


def task_export(args: dict[str, Any]) -> dict[str, Any]:
    """`quizgen.lms.export` to one format (checks and rendering) and writing the file; the bank
    is loaded and the format's module imported before the clock starts, as for the .apkg
    (whose modules `from quizgen import anki` imports)."""
    from quizgen.bank.check import load
    from quizgen.lms import export, writer
    from quizgen.output import write_all
    from quizgen.select import Filter, select

    questions = select(load([Path(args["bank"])]).banks, Filter())
    writer(args["format"])  # export() imports it on first use
    out = Path(args["out"])
    start = time.perf_counter()
    result = export(questions, args["format"])
    assert result.data is not None
    write_all({out: result.data})
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "written": result.written,
        "left_out": len(questions) - result.written,
        "bytes": out.stat().st_size,
    }


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
    """A fresh collection as a student's profile has it: with its media database.

    Anki makes a profile's media database (collection.media.db2) on its first use, and
    the first .apkg import of a profile is such a use: 11 of the 21 fsyncs of importing
    a one-note package into a bare collection were that file being created (strace),
    5 ms of a 14 ms import, and a CSV import never opens it. A profile that has ever
    imported a deck, synced or added a picture has it already, so it is made here,
    before the clock, like the collection itself.
    """
    from anki.collection import Collection

    Path(folder).mkdir(parents=True, exist_ok=True)
    col = Collection(str(Path(folder) / "collection.anki2"))
    col.media.check()  # opens, and so creates, the media database; nothing to check yet
    return col


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


def task_build(args: dict[str, Any]) -> dict[str, Any]:
    """`quizgen build BANK --out OUT` as a user runs it (in this process, so the clock and the
    peak memory are the command's own: reading, checking, the deck, every PDF and writing them).

    The PDF pieces of a big bank are laid out in child processes; their peak counts too.
    """
    from quizgen.cli import app

    os.environ["SOURCE_DATE_EPOCH"] = str(int(TIMESTAMP))
    start = time.perf_counter()
    try:
        app(["build", args["bank"], "--out", args["out"], "--quiet"], standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover - a failed build is a failed measurement
        if exc.code:
            raise
    seconds = time.perf_counter() - start
    written = sorted(Path(args["out"]).iterdir())
    result: dict[str, Any] = {
        "seconds": seconds,
        **_peak_mb(),
        "files": [p.name for p in written],
        "bytes": sum(p.stat().st_size for p in written),
    }
    try:  # page counts, after the clock stopped
        from pypdf import PdfReader

        result["pages"] = sum(len(PdfReader(p).pages) for p in written if p.suffix == ".pdf")
    except ImportError:  # pragma: no cover
        pass
    return result


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": task_build,
    "read": task_read,
    "check_banks": task_check_banks,
    "apkg": task_apkg,
    "genanki": task_genanki,
    "import-apkg": task_import_apkg,
    "import-csv": task_import_csv,
    "quiz": task_quiz,
    "export": task_export,
}


def run_worker(task: str, args: dict[str, Any], *, sample_memory: bool = False) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return what it measured.

    With `sample_memory`, the memory of the worker and its child processes is sampled
    while it runs (see `_tree_pss_kb`) and the highest total is added as `sampled_pss_mb`.
    Sampling costs CPU, so runs whose time counts are never sampled.
    """
    command = [sys.executable, str(Path(__file__).resolve()), task, json.dumps(args)]
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


if __name__ == "__main__":
    # A worker process: `python bench/workers.py TASK ARGS` prints what TASK measured as JSON.
    print(json.dumps(TASKS[sys.argv[1]](json.loads(sys.argv[2]))))
