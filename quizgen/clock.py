"""The time every output is stamped with: read once, at the edge, and passed in.

Two rules (docs/design.md, "Timestamps"):

- `SOURCE_DATE_EPOCH`, when set, pins every time: the mod time of new and edited Anki
  notes, the package's own time and the PDF's date. It must be a whole number of
  seconds in the range every output can carry (see EARLIEST and LATEST).
- Without it, an output's time comes from its content, so that rebuilding an unchanged
  checkout gives the same bytes: the package takes the newest mod time in its lock file
  (after this build's changes: an edited note gets the real clock, so students get the
  edit), and a printed quiz takes the newest `published` date of its banks' sources.
  Only new and edited notes ever see the real clock.

Nothing here reads the environment or the clock: the CLI passes both in.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass

from quizgen.bank.model import Bank

# 1980-01-01T00:00:00Z: a zip entry (the .apkg) cannot hold an earlier date.
EARLIEST = 315_532_800
# 2106-02-07T06:28:15Z: the last second of Anki's 32-bit note modification times (a zip
# entry reaches 2107, a Typst/PDF date 9999, so this bound serves every writer).
LATEST = 2**32 - 1

_DIGITS = re.compile(r"[0-9]+")
_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class EpochError(ValueError):
    """SOURCE_DATE_EPOCH is not a time quizgen can use; the message says why."""


def parse_epoch(value: str | None) -> int | None:
    """SOURCE_DATE_EPOCH as seconds, or None when it is unset or empty.

    Only plain ASCII digits: `+17e8`, `1_700_000_000`, `-5` and other digits are refused,
    so every command reads the same value the same way.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        raise EpochError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {text!r}")
    if len(text) > 24 or not EARLIEST <= int(text) <= LATEST:
        raise EpochError(
            f"SOURCE_DATE_EPOCH {text if len(text) <= 24 else text[:24] + '...'} is out of range; "
            f"use a time from {EARLIEST} (1980-01-01) to {LATEST} (2106-02-07)"
        )
    return int(text)


@dataclass(frozen=True)
class Clock:
    """What a command knows about time: "now", and whether SOURCE_DATE_EPOCH pinned it."""

    now: int  # the mod time of new and edited notes
    pinned: bool = False

    def stamp(self, content_time: int) -> int:
        """The time of an output whose content dates from `content_time`."""
        return self.now if self.pinned else content_time


def clock(source_date_epoch: str | None, real_now: float) -> Clock:
    """The clock of one command run. Raises EpochError for a bad SOURCE_DATE_EPOCH."""
    epoch = parse_epoch(source_date_epoch)
    if epoch is not None:
        return Clock(epoch, pinned=True)
    return Clock(min(max(int(real_now), EARLIEST), LATEST))


def published_time(banks: Iterable[Bank]) -> int:
    """The content date of a printed quiz: the newest `published` date of its banks'
    sources (midnight UTC, the first of the month or year when no day is given), else
    EARLIEST. A date that is not YYYY, YYYY-MM or YYYY-MM-DD is skipped."""
    times = [EARLIEST]
    for bank in banks:
        m = _PUBLISHED.fullmatch(bank.source.published.strip()) if bank.source else None
        if m is None:
            continue
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        if year >= 1970 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            times.append(calendar.timegm((year, month, day, 0, 0, 0)))
    return min(max(times), LATEST)
