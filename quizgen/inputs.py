"""The files a command reads, found in the paths it was given, with every entry it passes
over and why: a broken link, a FIFO (which would hang a read), a folder named like a file.

Banks and scans are found the same way; only the suffixes differ. Nothing is skipped
without a word: what is passed over comes back as `Skipped`, and the command prints it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Skipped:
    """An entry of a folder (or a named path) that is not read, and why in a user's words."""

    path: Path
    reason: str

    def text(self) -> str:
        return f"skipped {self.path}: {self.reason}"


@dataclass
class Found:
    """The files to read, the names that do not exist, and what was passed over."""

    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def find_inputs(paths: Iterable[Path], suffixes: tuple[str, ...], *, others: str | None = None) -> Found:
    """Expand folders to the files below them whose suffix (any case) is one of `suffixes`,
    sorted; a file named directly is taken whatever its suffix.

    `others`, when given, is the reason reported for files of another suffix in a folder
    (a scans folder's photo.heic); without it they are passed over quietly, as a bank
    folder's README.md is. Hidden entries (.git, .DS_Store) are always passed over quietly.
    One file named twice (`x.yaml` and `./x.yaml`) is read once.
    """
    found = Found()
    for path in paths:
        kind = _kind(path)
        if kind == "folder":
            for entry in _walk(path, found):
                _take(entry, suffixes, others, found, named=False)
        elif kind == "missing":
            found.missing.append(str(path))
        else:
            _take(path, suffixes, others, found, named=True)
    unique: dict[Path, Path] = {}
    for file in found.files:
        unique.setdefault(_resolved(file), file)
    found.files = list(unique.values())
    return found


def _kind(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "broken link" if path.is_symlink() else "missing"
    except OSError:
        return "unreadable"
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "special"


_REASONS = {
    "broken link": "a symbolic link to a file that does not exist",
    "unreadable": "cannot be looked at",
    "special": "not a regular file (a FIFO, socket or device), so it is not read",
    "folder": "a folder, not a file",
}


def _take(path: Path, suffixes: tuple[str, ...], others: str | None, found: Found, *, named: bool) -> None:
    wanted = named or path.suffix.lower() in suffixes
    if not wanted:
        if others is not None and not path.name.startswith("."):
            found.skipped.append(Skipped(path, others))
        return
    kind = _kind(path)
    if kind == "file":
        if os.access(path, os.R_OK):
            found.files.append(path)
        else:
            found.skipped.append(Skipped(path, "cannot be read: permission denied"))
    elif kind == "unreadable":
        found.skipped.append(Skipped(path, _why_unreadable(path)))
    else:
        found.skipped.append(Skipped(path, _REASONS.get(kind, "not a file")))


def _why_unreadable(path: Path) -> str:
    """The system's reason a path cannot be looked at (a name too long, a link loop, no
    permission), not a guess at one."""
    try:
        path.stat()
    except OSError as exc:
        return f"cannot be looked at: {(exc.strerror or str(exc)).lower()}"
    return _REASONS["unreadable"]  # it can now: it changed between two looks


def _walk(folder: Path, found: Found) -> Iterator[Path]:
    """Every entry below `folder`, sorted, following links to folders but never in a loop."""
    seen: set[Path] = set()

    def visit(here: Path) -> Iterator[Path]:
        real = _resolved(here)
        if real in seen:
            found.skipped.append(Skipped(here, "a link back to a folder already searched"))
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            found.skipped.append(Skipped(here, f"cannot be listed: {exc.strerror or exc}"))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if _kind(path) == "folder":
                yield from visit(path)
            else:
                yield path

    return visit(folder)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: keep the name as given
        return path
