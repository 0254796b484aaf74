"""The lock file kept beside a package: per note, a content hash and the mod time it was released with.

Anki's default import updates a note only when the incoming one is strictly newer, so
a note's mod time must rise exactly when its content changes (docs/anki.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError

LOCK_FORMAT = 1
# The newest mod time a lock may hold: Anki keeps a note's mod time in 32 bits (the end of
# quizgen.clock's range); a larger value crashes SQLite or makes Anki refuse the package.
MAX_MOD = 2**32 - 1

# One entry per note GUID (and per note type id), as JSON:
#   {"q": "<bank>/<question>", "type": <note type id>, "hash": "<content hash>", "mod": <seconds>}
# "q" is there for people reading a diff; the writer uses type, hash and mod.
Entry = dict[str, Any]


def lock_path_for(out: Path) -> Path:
    """The lock file kept beside a package: decks/belarus.apkg -> decks/belarus.lock.json."""
    return out.with_name((out.stem if out.suffix else out.name) + ".lock.json")


@dataclass
class Lock:
    notes: dict[str, Entry]
    notetypes: dict[str, Entry]


def read_lock(path: Path) -> Lock:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Lock({}, {})
    except OSError as exc:
        raise QuizgenError(f"cannot read lock file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
        if data.get("quizgen-anki-lock") != LOCK_FORMAT:
            raise ValueError("unknown format")
        lock = Lock(data["notes"], data["notetypes"])
        for section in (lock.notes, lock.notetypes):
            for key, e in section.items():
                if not (
                    type(e["q"]) is str
                    and type(e["type"]) is int
                    and type(e["hash"]) is str
                    and type(e["mod"]) is int
                    and 0 <= e["mod"] <= MAX_MOD
                ):
                    raise ValueError(f"bad entry for {key!r}")
    except RecursionError:
        raise QuizgenError(_damaged(path, "nested too deeply")) from None
    except MemoryError:
        raise QuizgenError(_damaged(path, "too large to read")) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QuizgenError(_damaged(path, str(exc))) from exc
    return lock


def _damaged(path: Path, why: str) -> str:
    return (
        f"{path} is not a quizgen Anki lock file ({why}); restore it from version control, "
        "or delete it to start over (every note then counts as changed once)"
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _lock_lines(entries: dict[str, Entry]) -> list[str]:
    """One JSON line per entry, sorted by key.

    Formatted by hand, because json.dumps takes several times longer on 100,000 small
    objects. GUIDs, hashes and refs never need escaping; should a hand-edited lock hold
    a string that does, the quote count or a backslash gives it away and json.dumps
    formats the entries instead.
    """
    items = sorted(entries.items())
    lines = [
        f'    "{key}": {{"q": "{e["q"]}", "type": {e["type"]}, "hash": "{e["hash"]}", "mod": {e["mod"]}}}'
        for key, e in items
    ]
    text = "".join(lines)
    if text.count('"') == 14 * len(lines) and "\\" not in text and not _CONTROL.search(text):
        return lines
    dumps = json.dumps
    return [
        f"    {dumps(key)}: " + dumps({"q": e["q"], "type": e["type"], "hash": e["hash"], "mod": e["mod"]})
        for key, e in items
    ]


def lock_json(lock: Lock) -> bytes:
    """The lock as JSON, sorted by key, one entry per line so that a diff shows what changed."""

    def section(entries: dict[str, Entry]) -> str:
        lines = _lock_lines(entries)
        return "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"

    return (
        "{\n"
        f'  "quizgen-anki-lock": {LOCK_FORMAT},\n'
        f'  "notetypes": {section(lock.notetypes)},\n'
        f'  "notes": {section(lock.notes)}\n'
        "}\n"
    ).encode()


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def next_mod(prev: Entry | None, digest: str, now: int) -> int:
    """The mod time to release content with: rises exactly when the content changed."""
    if prev is None:
        return now
    if prev["hash"] == digest:
        return int(prev["mod"])
    # Strictly newer than what students may hold, even when the clock is pinned
    # (SOURCE_DATE_EPOCH) or behind the last release.
    return max(now, int(prev["mod"]) + 1)
