"""Accepted warnings, as ruff's `noqa` with a reason: per question, per bank, per project.

A question's `accepted:` covers the warnings reported inside it (from its first line to
the next question's), a bank's `accepted:` every warning of that file, and the project's
settings every bank below them: `quizgen.toml` (`[accepted]`) or `pyproject.toml`
(`[tool.quizgen.accepted]`), the nearest one found from the bank's folder upwards, as
ruff finds its settings. Only warnings can be accepted; an accepted code must be one
quizgen has, and an accepted warning that is no longer raised is itself reported (QG034),
so accepts do not outlive the flaw they excuse.
"""

from __future__ import annotations

import bisect
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from quizgen.bank.model import Bank, Located
from quizgen.diagnostics import CODES, Diagnostic, Severity, diagnostic

SETTINGS_FILES = ("quizgen.toml", "pyproject.toml")
# Warnings that only a run with --articles can raise: their accepts are not stale without it.
WITH_ARTICLES_ONLY = frozenset({"QG041", "QG042", "QG043", "QG111"})


@dataclass(frozen=True)
class Accepted:
    """A warning an author accepted, with the reason and where it was accepted."""

    diagnostic: Diagnostic
    reason: str
    by: str  # "question 'id'", "the bank", or the settings file's path


@dataclass(frozen=True)
class Settings:
    """The project's settings: where they were read, and the warnings they accept."""

    path: Path | None = None
    accepted: tuple[tuple[str, str], ...] = ()
    problems: tuple[Diagnostic, ...] = field(default=())


def _problem(path: str, message: str) -> Diagnostic:
    return diagnostic("QG035", path, 1, 1, message, 'write [tool.quizgen.accepted] QG104 = "the reason"')


def _read_settings(path: Path) -> Settings | None:
    """The settings in `path`; None when it is a pyproject.toml without [tool.quizgen]."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(path, (), (_problem(str(path), f"settings cannot be read: {exc}"),))
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "quizgen" not in tool:
            return None
        data = tool["quizgen"]
    if not isinstance(data, dict):
        return Settings(path, (), (_problem(str(path), "[tool.quizgen] should be a table"),))
    table = data.get("accepted", {})
    if not isinstance(table, dict):
        return Settings(path, (), (_problem(str(path), "'accepted' should be a table of codes to reasons"),))
    accepted, problems = [], []
    for code, reason in table.items():
        if not isinstance(reason, str) or not reason.strip():
            problems.append(_problem(str(path), f"accepted {code}: give the reason as text"))
        else:
            accepted.append((str(code), reason.strip()))
    return Settings(path, tuple(accepted), tuple(problems))


@lru_cache(maxsize=256)
def settings_for(folder: Path) -> Settings:
    """The nearest settings from `folder` upwards (none: empty settings)."""
    for place in (folder, *folder.parents):
        for name in SETTINGS_FILES:
            candidate = place / name
            if candidate.is_file():
                found = _read_settings(candidate)
                if found is not None:
                    return found
    return Settings()


def _code_problems(
    shown: str, where: Located, key: str, entries: Iterable[tuple[str, str]]
) -> list[Diagnostic]:
    out = []
    for i, (code, _) in enumerate(entries):
        pos = where.pos(f"{key}.{i}")
        if code not in CODES:
            out.append(diagnostic("QG033", shown, pos.line, pos.col, f"accepted code {code} does not exist"))
        elif CODES[code][0] is not Severity.WARNING:
            out.append(
                diagnostic(
                    "QG033",
                    shown,
                    pos.line,
                    pos.col,
                    f"{code} is an error and cannot be accepted",
                    "fix what it reports; only warnings can be accepted",
                )
            )
    return out


def apply(
    banks: list[Bank], found: list[Diagnostic], *, articles: bool
) -> tuple[list[Diagnostic], list[Accepted]]:
    """Split `found` into what is still reported (with problems of the accepts themselves)
    and the warnings accepted."""
    by_path: dict[str, Bank] = {str(bank.path): bank for bank in banks}
    starts: dict[str, list[tuple[int, int]]] = {}
    owners: dict[str, list[Located]] = {}
    for path, bank in by_path.items():
        questions = sorted((*bank.questions, *bank.unsound), key=lambda q: q.pos())
        starts[path] = [(q.pos().line, n) for n, q in enumerate(questions)]
        owners[path] = list(questions)
    settings_of = {path: _bank_settings(bank) for path, bank in by_path.items()}  # not per warning
    kept: list[Diagnostic] = []
    accepted: list[Accepted] = []
    used: set[tuple[int, str]] = set()  # (id of the object that accepts, code)
    for d in found:
        source = by_path.get(d.path)
        if d.severity is not Severity.WARNING or source is None:
            kept.append(d)
            continue
        entry = _owner(source, starts[d.path], owners[d.path], d, settings_of[d.path])
        if entry is None:
            kept.append(d)
            continue
        owner, reason, by = entry
        used.add((id(owner), d.code))
        accepted.append(Accepted(d, reason, by))
    for bank in banks:
        shown = str(bank.path)
        kept.extend(_code_problems(shown, bank, "accepted", bank.accepted))
        for q in (*bank.questions, *bank.unsound):
            kept.extend(_code_problems(shown, q, "accepted", q.accepted))
            for i, (code, _) in enumerate(q.accepted):
                stale = (id(q), code) not in used and code in CODES and CODES[code][0] is Severity.WARNING
                if stale and (articles or code not in WITH_ARTICLES_ONLY):
                    pos = q.pos(f"accepted.{i}")
                    kept.append(
                        diagnostic(
                            "QG034",
                            shown,
                            pos.line,
                            pos.col,
                            f"{code} is accepted here but not raised",
                            "remove the accept: the warning it excused is gone",
                        )
                    )
    for settings in {_bank_settings(b) for b in banks}:
        kept.extend(settings.problems)
        if settings.path is not None:
            for code, _ in settings.accepted:
                if code not in CODES or CODES[code][0] is not Severity.WARNING:
                    kept.append(
                        diagnostic(
                            "QG033", str(settings.path), 1, 1, f"accepted {code} is not a warning code"
                        )
                    )
    return kept, accepted


def _owner(
    bank: Bank, starts: list[tuple[int, int]], questions: list[Located], d: Diagnostic, settings: Settings
) -> tuple[object, str, str] | None:
    """Who accepts `d`: the question it is in, else its bank, else the project; None if no one."""
    n = bisect.bisect_right(starts, (d.line, len(starts))) - 1
    if n >= 0:
        q = questions[starts[n][1]]
        for code, reason in getattr(q, "accepted", ()):
            if code == d.code:
                return q, reason, f"question '{getattr(q, 'id', '')}'"
    for code, reason in bank.accepted:
        if code == d.code:
            return bank, reason, "the bank"
    for code, reason in settings.accepted:
        if code == d.code:
            return settings, reason, str(settings.path)
    return None


_FOLDERS: dict[Path, Path] = {}  # a bank's folder -> the same, resolved (once, not per warning)


def forget_settings() -> None:
    """Read settings afresh: `load` calls this first, so a settings file edited (or a working
    folder changed) between two loads in one process is seen."""
    _FOLDERS.clear()
    settings_for.cache_clear()


def _bank_settings(bank: Bank) -> Settings:
    folder = _FOLDERS.get(bank.folder)
    if folder is None:
        folder = _FOLDERS.setdefault(bank.folder, bank.folder.resolve())
    return settings_for(folder)
