"""Measurements: each runs workers, ours and the baseline's side by side, and returns a row."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import BankInfo
from bench.workers import read_package, run_worker, write_csv


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


def say(message: str) -> None:
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


def measure_check_banks(banks: list[Path], articles: Path, repeat: int) -> Measurement:
    """`check` of the project's banks (questions/) with their articles, in one fresh process."""
    result = run_worker(
        "check_banks", {"banks": [str(b) for b in banks], "articles": str(articles), "repeat": repeat}
    )
    return Measurement(
        "check_banks",
        "check of the project's banks with their articles",
        result["questions"],
        result["seconds"],
        result["runs"],
        includes="quizgen.bank.check.load(questions/*.yaml, articles) after one untimed run in the same "
        "process (imports, the lemmatiser's dictionary); median of the timed runs",
        extra={"banks": result["banks"], "quotes": result["quotes"], "diagnostics": result["diagnostics"]},
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


EXPORT_SUFFIXES = {"moodle": ".xml", "gift": ".gift.txt", "qti": ".zip", "csv": ".csv"}


def measure_export(bank: BankInfo, apkg: Measurement, work: Path, repeat: int) -> list[Measurement]:
    """Each LMS export of the bank, against writing the same questions as .apkg (`apkg`)."""
    rows = []
    for fmt, suffix in EXPORT_SUFFIXES.items():
        runs: list[float] = []
        first: dict[str, Any] = {}
        for i in range(repeat):
            out = work / f"export-{bank.size}" / f"{fmt}-{i}{suffix}"
            result = run_worker("export", {"bank": str(bank.path), "out": str(out), "format": fmt})
            runs.append(result["seconds"])
            first = first or result
        rows.append(
            Measurement(
                "export",
                f"export {fmt}",
                bank.size,
                _median(runs),
                runs,
                baseline_name=".apkg writing",
                baseline_seconds=apkg.seconds,
                baseline_runs=apkg.runs,
                includes="quizgen.lms.export (per-format checks, rendering) and writing the file; bank "
                "loading and imports excluded; baseline: the .apkg writing of the same bank",
                extra={
                    "format": fmt,
                    "written": first["written"],
                    "left_out": first["left_out"],
                    "file_mb": first["bytes"] / 1e6,
                },
            )
        )
    return rows


# An import of 1,000 notes is over in about 60 ms, several of them fsyncs that take as long as
# the (shared) disk makes them: two runs of the benchmark on the same code put our import at
# 1.11x and 1.55x the CSV import (medians of 3 runs). Imports this small get at least this
# many runs (about 15 s in all), unless a single run was asked for (--smoke).
SHORT_IMPORT_MAX = 1_000
SHORT_IMPORT_RUNS = 11


def import_runs(size: int, repeat: int) -> int:
    """How many runs an import of `size` notes gets when `repeat` were asked for."""
    return max(repeat, SHORT_IMPORT_RUNS) if repeat > 1 and size <= SHORT_IMPORT_MAX else repeat


# Above this an fsync is slowed by other work on the disk (here 0.1-0.6 ms when quiet, 4 ms
# while other processes wrote).
QUIET_FSYNC_MS = 1.0


def fsync_ms(folder: Path, count: int = 5) -> float:
    """How long an fsync of a small file in `folder` takes now, in ms (median of `count`).

    Importing an .apkg makes Anki fsync about ten times (its copy of the package's collection
    is switched to WAL, upgraded to schema 18 and checkpointed; counted with strace), a CSV
    import once, so at small sizes their ratio follows the disk. Recorded beside the times.
    """
    probe = folder / "fsync-probe"
    times = []
    fd = os.open(probe, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        for _ in range(count):
            os.pwrite(fd, bytes(4096), 0)
            start = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(fd)
        probe.unlink()
    return _median(times)


def measure_import(
    size: int, package_path: Path, genanki_path: Path, package: dict[str, Any], work: Path, repeat: int
) -> Measurement:
    """Our .apkg into a fresh Anki collection against Anki's CSV import of the same notes.

    The plain genanki package is imported too, as a reference: what any .apkg costs. The
    three alternate run by run, so a busy spell of the machine slows all three alike.
    """
    folder = work / f"import-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "notes.csv"
    write_csv(package, csv_path)
    runs: dict[str, list[float]] = {"ours": [], "csv": [], "genanki": []}
    first: dict[str, dict[str, Any]] = {}
    fsyncs: list[float] = []
    for i in range(import_runs(size, repeat)):
        fsyncs.append(fsync_ms(folder))
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
    if _median(fsyncs) > QUIET_FSYNC_MS:
        say(
            f"warning: an fsync takes {_median(fsyncs):.1f} ms on this disk now; the .apkg import"
            " does about ten to the CSV import's one, so its ratio at small sizes will be high"
        )
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
        "tags columns); making the collection and its media database excluded. Reference: the plain "
        "genanki .apkg imported the same way",
        extra={
            "notes": expected,
            # ours / CSV within each round, their median: another view of the same runs that
            # a slow spell of the machine hits less (both sides of a round share it)
            "paired_ratio": _median([a / b for a, b in zip(ours_runs, base_runs, strict=True)]),
            "fsync_ms": _median(fsyncs),
            "fsync_ms_runs": fsyncs,
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


def measure_build(bank: BankInfo, work: Path, repeat: int) -> Measurement:
    """`quizgen build` of one bank: the deck and its lock, a 2-version quiz and key as PDF."""
    folder = work / f"build-{bank.size}"
    results = []
    for i in range(repeat):
        out = folder / f"run-{i}"
        results.append(run_worker("build", {"bank": str(bank.path), "out": str(out)}))
    runs = [r["seconds"] for r in results]
    peak = max(results, key=lambda r: r["peak_mb"])
    return Measurement(
        "build",
        "quizgen build",
        bank.size,
        _median(runs),
        runs,
        includes="the whole `quizgen build BANK --out DIR` in a fresh process: read, check, the .apkg and "
        "its lock, a quiz in 2 versions and its key as PDF, all written as one set; module imports "
        "excluded. Peak memory: the process's peak RSS (VmHWM) plus the largest child's (the PDF "
        "pieces of a big bank are laid out one at a time in child processes), an upper bound",
        extra={
            "peak_mb": peak["peak_mb"],
            "peak_self_mb": peak["peak_self_mb"],
            "peak_children_mb": peak["peak_children_mb"],
            "pages": results[0].get("pages"),
            "output_mb": results[0]["bytes"] / 1e6,
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
