"""Diagnostics: every problem any stage finds, as a plain sortable value.

Stages never raise for a user's mistake; they yield `Diagnostic`s. The CLI formats them.
Codes are stable: once released a code keeps its meaning forever (docs/diagnostics.md
lists each one, and a test keeps that page and `CODES` in step).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a bank, pointing at the place an author must edit."""

    path: str
    line: int  # 1-based, as editors show it
    col: int  # 1-based
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def format_text(self) -> str:
        """`path:line:col: error QG012 message` and, when there is one, an indented hint.

        Control characters from a bank (ESC, CR, ...) are shown escaped (`terminal_safe`),
        so a bank cannot clear the screen or forge a line; a hint's own line breaks are
        kept, indented under it.
        """
        where = f"{terminal_safe(self.path)}:{self.line}:{self.col}"
        head = f"{where}: {self.severity.value}: {terminal_safe(self.message)} [{self.code}]"
        if not self.hint:
            return head
        hint = "\n    ".join(terminal_safe(line) for line in self.hint.split("\n"))
        return f"{head}\n    hint: {hint}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command, so problems show up on the pull request."""
        text = f"{self.message} ({self.hint})" if self.hint else self.message
        text = terminal_safe(text, keep="\n").replace("%", "%25").replace("\n", "%0A")
        return (
            f"::{self.severity.value} file={_github_property(terminal_safe(self.path))},line={self.line},"
            f"col={self.col},title={_github_property(self.code)}::{text}"
        )

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["column"] = data.pop("col")
        return data


# C0 and C1 control characters, DEL, the Unicode bidirectional controls (which reorder what
# a terminal shows), line and paragraph separators, and lone surrogates (bytes of a file
# name or argument that are not UTF-8, as Python keeps them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\e"}
    if ch in named:
        return named[ch]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str, keep: str = "") -> str:
    """`text` with every control character escaped (ESC as \\e, CR as \\r, NUL as \\x00,
    U+202E as \\u202e), so that printing it to a terminal shows it and does nothing else.
    Characters in `keep` are left as they are."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escaped(m), text)


def _github_property(value: str) -> str:
    """A property of a workflow command (`file=`, `title=`): ',' and ':' end it, so escape them too."""
    return (
        value.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


# code -> (default severity, short title used in docs/diagnostics.md)
CODES: dict[str, tuple[Severity, str]] = {
    # reading the file
    "QG001": (Severity.ERROR, "file is not valid UTF-8"),
    "QG002": (Severity.ERROR, "YAML syntax error"),
    "QG003": (Severity.ERROR, "top level is not a mapping"),
    "QG004": (Severity.ERROR, "duplicate key in a mapping"),
    "QG005": (Severity.ERROR, "a list or mapping reused through a YAML alias"),
    "QG006": (Severity.ERROR, "file cannot be read"),
    "QG007": (Severity.WARNING, "entry of a bank folder passed over"),
    # structure
    "QG010": (Severity.ERROR, "missing required key"),
    "QG011": (Severity.ERROR, "unknown key"),
    "QG012": (Severity.ERROR, "value has the wrong type"),
    "QG013": (Severity.ERROR, "unknown question type"),
    "QG014": (Severity.ERROR, "empty text"),
    "QG015": (Severity.ERROR, "id is not a slug"),
    "QG016": (Severity.ERROR, "unknown difficulty"),
    "QG017": (Severity.ERROR, "negative or non-finite number"),
    "QG018": (Severity.ERROR, "tag contains a space"),
    "QG019": (Severity.ERROR, "malformed deck name"),
    # meaning
    "QG020": (Severity.ERROR, "answer is not one of the choices"),
    "QG021": (Severity.ERROR, "duplicate choice"),
    "QG022": (Severity.ERROR, "wrong number of choices"),
    "QG023": (Severity.ERROR, "duplicate question id in a bank"),
    "QG024": (Severity.ERROR, "duplicate bank id across files"),
    "QG025": (Severity.ERROR, "cloze has no deletion"),
    "QG026": (Severity.ERROR, "malformed cloze deletion"),
    "QG027": (Severity.ERROR, "match needs 2 or more pairs"),
    "QG028": (Severity.ERROR, "repeated side in a match"),
    "QG029": (Severity.ERROR, "order needs 3 or more distinct items"),
    "QG030": (Severity.ERROR, "duplicate answer in a multi question"),
    "QG031": (Severity.ERROR, "image path leaves the bank's folder"),
    "QG032": (Severity.ERROR, "image file does not exist"),
    # accepted warnings
    "QG033": (Severity.ERROR, "accepted code is unknown or an error"),
    "QG034": (Severity.WARNING, "accepted warning is not raised"),
    "QG035": (Severity.ERROR, "project settings cannot be used"),
    # provenance
    "QG040": (Severity.ERROR, "evidence not found in the article"),
    "QG041": (Severity.WARNING, "article file not found"),
    "QG042": (Severity.WARNING, "question has no evidence"),
    "QG043": (Severity.WARNING, "bank names no source file"),
    # item-writing lint
    "QG050": (Severity.WARNING, "same prompt twice in a bank"),
    "QG051": (Severity.WARNING, "'all/none of the above' choice"),
    "QG052": (Severity.WARNING, "every choice is a correct answer"),
    # what the outputs can carry (Anki's limits, bounded printing, nothing live)
    "QG070": (Severity.ERROR, "deck nested deeper than Anki allows"),
    "QG071": (Severity.ERROR, "tag has an empty part"),
    "QG072": (Severity.WARNING, "names that Anki takes for one"),
    "QG073": (Severity.WARNING, "deck is Anki's Default deck"),
    "QG074": (Severity.ERROR, "control character in text"),
    "QG075": (Severity.ERROR, "more writing lines than a page holds"),
    "QG076": (Severity.ERROR, "text too long"),
    "QG077": (Severity.WARNING, "source url is not a web link"),
    # evidence for every part, and item-writing checks (Haladyna, Downing & Rodriguez 2002)
    "QG100": (Severity.WARNING, "a part of the question is not supported by its evidence"),
    "QG101": (Severity.WARNING, "the right answer is much the longest choice"),
    "QG102": (Severity.WARNING, "the right answer is the longest choice too often in a bank"),
    "QG103": (Severity.WARNING, "the right answer alone copies the evidence word for word"),
    "QG104": (Severity.WARNING, "the right answer repeats a word of the question"),
    "QG105": (Severity.WARNING, "'all of the above' or 'none of the above' choice"),
    "QG106": (Severity.WARNING, "negative word in the question not emphasised"),
    "QG107": (Severity.WARNING, "absolute word only in wrong answers"),
    "QG108": (Severity.WARNING, "a question gives away another question's answer"),
    "QG109": (Severity.WARNING, "hard question whose answer is in its evidence word for word"),
    "QG110": (Severity.WARNING, "one name spelled two ways in a deck"),
    "QG111": (Severity.WARNING, "a wrong answer that the evidence asserts"),
    "QG112": (Severity.WARNING, "the right answers of multi questions written first"),
    "QG113": (Severity.WARNING, "the right answers' positions follow a pattern in file order"),
    "QG114": (Severity.WARNING, "the right answer is the shortest choice too often in a bank"),
    # what an export format cannot carry (the question is left out of that export)
    "QG200": (Severity.WARNING, "question type not carried by the export format"),
    "QG201": (Severity.WARNING, "image not carried by the export format"),
    "QG202": (Severity.WARNING, "cloze blanks not carried by the export format"),
    "QG203": (Severity.WARNING, "grades outside Moodle's grade list"),
    "QG204": (Severity.WARNING, "matching with fewer than three pairs for Moodle"),
    "QG205": (Severity.WARNING, "line break in a flashcard CSV"),
    "QG206": (Severity.WARNING, "id longer than Moodle's idnumber"),
    "QG207": (Severity.WARNING, "property not carried by the export format"),
    "QG208": (Severity.WARNING, "answer text the platform's importer would misread"),
}


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text) if not text.isascii() else False


def diagnostic(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """Build a diagnostic with the severity its code is registered with."""
    return Diagnostic(path, line, col, CODES[code][0], code, message, hint)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def promote_warnings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`--strict`: every warning becomes an error."""
    return [
        d
        if d.severity is Severity.ERROR
        else Diagnostic(d.path, d.line, d.col, Severity.ERROR, d.code, d.message, d.hint)
        for d in diagnostics
    ]


def render(diagnostics: list[Diagnostic], fmt: str) -> str:
    """Format diagnostics as `text`, `json` or `github`."""
    if fmt == "json":
        text = json.dumps([d.as_json() for d in diagnostics], indent=2, ensure_ascii=False)
        # A lone surrogate (a file name that is not UTF-8) cannot be printed as UTF-8:
        # JSON's \\udcXX escape says the same thing in ASCII.
        return json.dumps([d.as_json() for d in diagnostics], indent=2) if _has_surrogate(text) else text
    if fmt == "github":
        return "\n".join(d.format_github() for d in diagnostics)
    return "\n".join(d.format_text() for d in diagnostics)
