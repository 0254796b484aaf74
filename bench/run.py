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

Every measurement runs in a fresh Python process (`bench/workers.py`), so a process's peak
memory is its own and each side pays its own imports
and caches alike. Several runs of one measurement (`--repeat`) report the median.
It prints a Markdown table and writes the results as JSON (and the table beside it as
`.md`). Missing a target is reported, not an error: the exit status is 0 whenever every
measurement could be taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# `python bench/run.py` puts bench/ on the path, not the project root that holds it.
if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import BankInfo, write_bank
from bench.grading import measure_grade_errors, measure_grade_speed, measure_pupil_marks
from bench.measure import (
    Measurement,
    measure_apkg,
    measure_build,
    measure_check_banks,
    measure_export,
    measure_help,
    measure_import,
    measure_quiz,
    measure_read,
    say,
)
from bench.report import (
    describe_machine,
    evaluate,
    fmt_mb,
    fmt_seconds,
    load_average,
    machine,
    table,
    versions,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # the project: questions/ and, beside it, ../shared/articles
RESULTS = HERE / "results"

FULL_SIZES = (1_000, 10_000, 100_000)
SMOKE_SIZES = (45, 90)
GRADE_SHEETS = 60  # one class set and a half in one scanner PDF
GRADE_PAGES = 48  # degraded pages: every degradation four times

QUIZ_VERSIONS, QUIZ_COUNT = 30, 50
SMOKE_QUIZ_VERSIONS, SMOKE_QUIZ_COUNT = 3, 10
HELP_RUNS = 10
EXPORT_MAX = 10_000  # LMS exports are measured up to this size (the issue asks for 10,000)
BUILD_MAX = 10_000  # `quizgen build` is measured up to this size (issue 11 asks for 1,000 and 10,000)
BUILD_REPEAT_MAX = 3  # a 10,000-question build takes a minute or more: at most this many runs


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
    args = parser.parse_args(argv)
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
    args.grade_sheets, args.grade_pages = (4, 3) if smoke else (GRADE_SHEETS, GRADE_PAGES)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    started = time.perf_counter()
    info, vers = machine(), versions()
    say(f"machine: {describe_machine(info, vers)}")
    load_before = load_average()
    if load_before is not None and load_before > 0.5:
        say(f"warning: the machine is busy (load average {load_before:.2f}); timings will be noisy")
    work = Path(tempfile.mkdtemp(prefix="quizgen-bench-"))
    measurements: list[Measurement] = []
    banks: dict[int, BankInfo] = {}
    try:
        for size in args.sizes:
            bank = banks[size] = write_bank(size, work / f"bank-{size}.yaml")
            say(f"bank {size:,}: {fmt_mb(bank.megabytes)}, {bank.kinds}")
        for size in args.sizes:
            m = measure_read(banks[size], args.repeat)
            measurements.append(m)
            say(f"read + check {size:,}: {fmt_seconds(m.seconds)}, peak {m.extra['peak_mb']:.0f} MB")
        questions = sorted((ROOT / "questions").glob("*.yaml"))
        articles = ROOT.parent / "shared" / "articles"
        if questions and articles.is_dir():
            m = measure_check_banks(questions, articles, args.repeat)
            measurements.append(m)
            say(f"check of the project's banks ({m.size} questions): {fmt_seconds(m.seconds)}")
        packages: dict[int, tuple[Path, Path, dict[str, Any]]] = {}
        for size in args.sizes:
            m, path, genanki_path, package = measure_apkg(banks[size], work, args.repeat)
            measurements.append(m)
            packages[size] = (path, genanki_path, package)
            say(f".apkg {size:,}: {fmt_seconds(m.seconds)} vs genanki {fmt_seconds(m.baseline_seconds)}")
        apkg_rows = {m.size: m for m in measurements if m.key == "apkg"}
        for size in args.sizes:
            if size > EXPORT_MAX:
                continue
            for m in measure_export(banks[size], apkg_rows[size], work, args.repeat):
                measurements.append(m)
                say(f"{m.name} {size:,}: {fmt_seconds(m.seconds)} ({m.ratio:.2f} x the .apkg)")
        for size in args.import_sizes:
            path, genanki_path, package = packages[size]
            m = measure_import(size, path, genanki_path, package, work, args.repeat)
            measurements.append(m)
            say(f"import {size:,}: {fmt_seconds(m.seconds)} vs CSV {fmt_seconds(m.baseline_seconds)}")
        for size in args.sizes:
            if size > BUILD_MAX:
                continue
            m = measure_build(banks[size], work, min(args.repeat, BUILD_REPEAT_MAX))
            measurements.append(m)
            say(f"build {size:,}: {fmt_seconds(m.seconds)}, peak {m.extra['peak_mb']:.0f} MB")
        quiz_bank = next((banks[s] for s in args.sizes if s >= args.quiz_count), banks[args.sizes[-1]])
        m = measure_quiz(quiz_bank, work, args.quiz_versions, args.quiz_count, args.repeat)
        measurements.append(m)
        say(f"quiz: {fmt_seconds(m.seconds)}")
        m = measure_help(args.help_runs)
        measurements.append(m)
        say(f"--help: {fmt_seconds(m.seconds)} vs python -c pass {fmt_seconds(m.baseline_seconds)}")
        m = measure_grade_speed(work, args.grade_sheets, args.repeat)
        measurements.append(m)
        say(f"grade: {m.extra['sheets_per_minute']:.0f} sheets a minute")
        m = measure_grade_errors(args.grade_pages)
        measurements.append(m)
        say(f"grade errors: {m.extra['confident_errors']} of {m.extra['questions']} questions")
        m = measure_pupil_marks(args.grade_pages)
        measurements.append(m)
        say(
            f"pupils' marks: {m.extra['pages_per_minute']:.0f} pages a minute, "
            f"{m.extra['clear_marks_to_review_percent']:.1f} % clear marks to review, "
            f"{m.extra['confident_errors']} confident errors"
        )
    finally:
        if args.keep:
            say(f"kept {work}")
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
        "load_average": {"before": load_before, "after": load_average()},
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
