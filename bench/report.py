"""The targets, the table and the machine the numbers were taken on."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path
from typing import Any

from bench.measure import Measurement, Target

# -- targets (issue 6) -------------------------------------------------------------------------
READ_SECONDS_MAX = 10.0  # read + check of the largest bank (100,000 questions)
CHECK_BANKS_SECONDS_MAX = 0.3  # check of the project's three banks with their articles (issue 22)
READ_PEAK_MB_MAX = 1024.0  # ... and its peak memory
APKG_RATIO_MAX = 1.5  # .apkg writing: ours / plain genanki
# "As cheap to take in as the obvious alternative": ours / CSV, with 10% for timing noise.
IMPORT_RATIO_MAX = 1.1
QUIZ_SECONDS_MAX = 2.0  # 30 versions x 50 questions plus keys, PDF (issue 19)
HELP_RATIO_MAX = 3.0  # `quizgen --help` / `python -c pass` (issue 19)
SCALING_MAX = 1.5  # time per question at the largest size / at the smallest
# -- targets (issue 11) ------------------------------------------------------------------------
BUILD_PEAK_MB_MAX = 1024.0  # `quizgen build` of 10,000 questions: peak memory
BUILD_SECONDS_MAX = 30.0  # ... and its time (issue 19)
BUILD_TARGET_SIZE = 10_000
EXPORT_RATIO_MAX = 1.5  # each LMS export / the .apkg write of the same bank (issue 21)


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
    for m in measurements:
        if m.key == "check_banks":
            targets.append(
                Target(
                    "check of the project's banks",
                    m.size,
                    f"< {CHECK_BANKS_SECONDS_MAX:g} s",
                    m.seconds,
                    m.seconds < CHECK_BANKS_SECONDS_MAX,
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
        elif m.key == "export":
            ratio = m.ratio or 0.0
            name = f"LMS export {m.extra['format']} / .apkg"
            limit = f"<= {EXPORT_RATIO_MAX:g}x"
            targets.append(Target(name, m.size, limit, ratio, ratio <= EXPORT_RATIO_MAX))
        elif m.key == "quiz":
            targets.append(
                Target(
                    "quiz PDF", m.size, f"< {QUIZ_SECONDS_MAX:g} s", m.seconds, m.seconds < QUIZ_SECONDS_MAX
                )
            )
        elif m.key == "build" and (m.size or 0) >= BUILD_TARGET_SIZE:
            peak = m.extra["peak_mb"]
            limit = f"< {BUILD_PEAK_MB_MAX:.0f} MB"
            targets.append(Target("build peak memory", m.size, limit, peak, peak < BUILD_PEAK_MB_MAX))
            took = f"< {BUILD_SECONDS_MAX:g} s"
            targets.append(Target("build time", m.size, took, m.seconds, m.seconds < BUILD_SECONDS_MAX))
        elif m.key == "grade":
            rate = m.extra["sheets_per_minute"]
            targets.append(Target("sheets read per minute", m.size, "> 200 (OMRChecker)", rate, rate > 200))
        elif m.key == "grade-errors":
            wrong = m.extra["confident_errors"]
            targets.append(Target("confident bubble errors", m.size, "0", float(wrong), wrong == 0))
        elif m.key == "grade-pupils":
            x = m.extra
            rate, wrong, clear = (
                x["pages_per_minute"],
                x["confident_errors"],
                x["clear_marks_to_review_percent"],
            )
            targets.append(Target("pages read per minute, one core", m.size, ">= 600", rate, rate >= 600))
            targets.append(Target("confident errors on pupils' marks", m.size, "0", float(wrong), wrong == 0))
            targets.append(Target("clear marks sent to review, %", m.size, "<= 2", clear, clear <= 2))
        elif m.key == "help":
            ratio = m.ratio if m.ratio is not None else float("inf")
            targets.append(
                Target("quizgen --help", None, f"< {HELP_RATIO_MAX:g}x", ratio, ratio < HELP_RATIO_MAX)
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
    for m in measurements:
        if m.key == "check_banks":
            add(
                f"check of the project's {m.extra['banks']} banks with their articles "
                f"({m.extra['quotes']} quotes)",
                m.size,
                fmt_seconds(m.seconds),
                "—",
                "—",
                target_for("check of the project's banks", m.size),
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
        if m.key == "export":
            left = f", {m.extra['left_out']:,} left out" if m.extra["left_out"] else ""
            add(
                f"LMS export {m.extra['format']} ({m.extra['written']:,} questions{left}) vs .apkg",
                m.size,
                fmt_seconds(m.seconds),
                fmt_seconds(m.baseline_seconds),
                fmt_ratio(m.ratio),
                target_for(f"LMS export {m.extra['format']} / .apkg", m.size),
            )
    for m in measurements:
        if m.key == "build":
            pages = f"{m.extra['pages']:,} PDF pages"
            add(
                f"quizgen build ({pages})",
                m.size,
                fmt_seconds(m.seconds),
                "—",
                "—",
                target_for("build time", m.size),
            )
            shown = f"{fmt_mb(m.extra['peak_mb'])} (largest child {fmt_mb(m.extra['peak_children_mb'])})"
            memory = target_for("build peak memory", m.size)
            add("quizgen build, peak memory", m.size, shown, "—", "—", memory)
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
        elif m.key == "grade":
            add(
                f"`quizgen grade`: {m.size} sheets, 200 dpi PDF "
                f"({m.extra['sheets_per_minute']:.0f} a minute)",
                m.size,
                fmt_seconds(m.seconds),
                "OMRChecker: 200 a minute",
                "—",
                target_for("sheets read per minute", m.size),
            )
        elif m.key == "grade-errors":
            x = m.extra
            add(
                f"bubble reading, degraded pages: {x['confident_errors']} confident errors in "
                f"{x['questions']} questions, {x['reviews']} for review, "
                f"{x['clear_marks_read']}/{x['clear_marks']} clear marks read",
                m.size,
                fmt_seconds(m.seconds),
                "—",
                "—",
                target_for("confident bubble errors", m.size),
            )
        elif m.key == "grade-pupils":
            x = m.extra
            add(
                f"pupils' marks on scanner pages: {x['pages_per_minute']:.0f} pages a minute (one core), "
                f"{x['confident_errors']} confident errors in {x['questions']} questions, "
                f"{x['clear_marks_to_review_percent']:.1f} % of {x['clear_marks']} clear marks to review",
                m.size,
                fmt_seconds(m.seconds),
                "—",
                "—",
                target_for("confident errors on pupils' marks", m.size),
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


def load_average() -> float | None:
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
