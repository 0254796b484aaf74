"""Read bank files: YAML -> `Bank` objects, plus the structural problems found on the way.

The file is composed into YAML nodes (which carry line and column) by PyYAML's C
parser where present, never constructed into Python objects by PyYAML: that keeps
every position, lets us reject duplicate keys (PyYAML keeps the last one silently),
takes scalars as written (`answer: no` in a short question is the text "no"), and
never expands aliases, so an alias bomb costs nothing. A question with a structural
problem is reported and left out of the model; later stages see only sound objects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml

from quizgen.bank import slices
from quizgen.bank.memory import gc_paused
from quizgen.bank.model import Bank
from quizgen.bank.nodes import LOADER, BankReader, alias_problems
from quizgen.diagnostics import Diagnostic, diagnostic
from quizgen.inputs import Found, find_inputs

BANK_SUFFIXES = (".yaml", ".yml")


def find_bank_files(paths: Iterable[Path]) -> Found:
    """Expand folders to the `*.yaml`/`*.yml` files below them (any case of the suffix),
    sorted; with the names that do not exist and every bank-named entry passed over (a
    broken link, a FIFO) and why. Other files beside banks (README.md) are not banks."""
    return find_inputs(paths, BANK_SUFFIXES)


def read_bank(
    path: Path, data: bytes | None = None, *, helped: bool = False
) -> tuple[Bank | None, list[Diagnostic]]:
    """Read one bank file. Returns the bank (None if unusable) and every problem found.

    `helped`: a large bank's last questions may be checked by a child process meanwhile
    (helper.py); only for a caller that then runs the checks (`check.load`)."""
    with gc_paused():
        return _read_bank(path, data, helped)


def _read_bank(path: Path, data: bytes | None, helped: bool) -> tuple[Bank | None, list[Diagnostic]]:
    shown = str(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, [diagnostic("QG006", shown, 1, 1, f"cannot read file: {exc.strerror}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The offsets are in the bytes that were decoded: after the BOM, when there is one.
        body = exc.object
        line = body.count(b"\n", 0, exc.start) + 1
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        # Editors count characters, not bytes; all before the first bad byte is UTF-8.
        col = len(body[line_start : exc.start].decode("utf-8")) + 1
        return None, [
            diagnostic(
                "QG001",
                shown,
                line,
                col,
                f"file is not valid UTF-8 (byte 0x{body[exc.start]:02x})",
                "save the file as UTF-8 (most editors offer it under 'Save with encoding')",
            )
        ]
    if len(text) >= slices.SLICED_MIN_CHARS:
        del data  # the text alone from here on (a child forked to help copies less)
        sliced = slices.read_in_slices(shown, path, text, helped)
        if sliced is not None:
            return sliced
    try:
        root = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(shown, exc, text)]
    except yaml.reader.ReaderError as exc:
        return None, [_reader_error(shown, exc, text)]
    except yaml.YAMLError as exc:  # unmarked errors other than reader errors are rare
        return None, [diagnostic("QG002", shown, 1, 1, "YAML error: " + " ".join(str(exc).split()))]
    reader = BankReader(shown, path)
    bank = reader.bank(root)
    return bank, reader.diagnostics + alias_problems(shown, text, reader.reused)


def read_banks(paths: Iterable[Path], *, helped: bool = False) -> tuple[list[Bank], list[Diagnostic]]:
    """Read many bank files; the banks that could be read and all problems (`helped`: see `read_bank`)."""
    banks: list[Bank] = []
    problems: list[Diagnostic] = []
    for path in paths:
        bank, found = read_bank(path, helped=helped)
        problems.extend(found)
        if bank is not None:
            banks.append(bank)
    return banks, problems


def _yaml_error(shown: str, exc: yaml.MarkedYAMLError, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "syntax error"
    context = exc.context or ""
    source_line = text.split("\n", line)[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    if "\t" in indent or "tab" in problem:
        tab_col = indent.index("\t") + 1 if "\t" in indent else col
        return diagnostic(
            "QG002",
            shown,
            line,
            tab_col,
            "tab character in indentation",
            "YAML indents with spaces only; replace the tab with spaces",
        )
    if "quoted scalar" in context and "end of stream" in problem and exc.context_mark:
        opened = exc.context_mark
        return diagnostic(
            "QG002",
            shown,
            opened.line + 1,
            opened.column + 1,
            "YAML syntax error: the quote opened here is never closed",
            "close the quote at the end of the text",
        )
    left_open = _quote_left_open(text, line)
    if left_open is not None:
        # The quote ran on to the next quote in the file, and the parser stumbled later.
        return diagnostic(
            "QG002",
            shown,
            left_open[0],
            left_open[1],
            "YAML syntax error: the quote opened here is not closed on its line "
            f"(YAML read on to line {line})",
            "close the quote at the end of the text, or write the text without quotes",
        )
    if "block" in context and "expected" in problem and mark is not None:
        slip = _indentation_hint(text, line)
        if slip:
            return diagnostic("QG002", shown, line, col, f"YAML syntax error: {slip[0]}", slip[1])
    message = f"YAML syntax error: {context}, {problem}" if context else f"YAML syntax error: {problem}"
    hint = ""
    if "expected a single document" in message:
        hint = "a bank is one YAML document; remove the extra '---'"
    elif "mapping values are not allowed" in problem:
        hint = 'a value containing ": " must be quoted, e.g. prompt: "Who said: ...?"'
    return diagnostic("QG002", shown, line, col, message, hint)


_QUOTE_START = re.compile(r"""^\s*(?:-\s+)?(?:[\w-]+\s*:\s+)?(?:-\s+)?(["'])""")


def _quote_left_open(text: str, error_line: int) -> tuple[int, int] | None:
    """The (line, col) of a quoted value that does not close on its own line and whose
    closing quote is followed by more text: a quote left open, which YAML closes at the
    next quote in the file. None when no line before `error_line` looks like that."""
    lines = text.split("\n")[: max(error_line, 1)]
    i = 0
    while i < len(lines):
        m = _QUOTE_START.match(lines[i])
        if not m:
            i += 1
            continue
        quote, start = m.group(1), m.end(1)
        j, pos = i, start
        while j < len(lines):  # find the closing quote, line by line
            close = _closing_quote(lines[j], pos, quote)
            if close is not None:
                break
            j, pos = j + 1, 0
        else:
            return (i + 1, start) if j > i else None
        rest = lines[j][close + 1 :].split(" #")[0].strip()
        if j > i and rest:
            return i + 1, start
        i = j + 1
    return None


def _closing_quote(line: str, pos: int, quote: str) -> int | None:
    k = pos
    while k < len(line):
        ch = line[k]
        if quote == '"' and ch == "\\":
            k += 2
            continue
        if ch == quote:
            if quote == "'" and line[k + 1 : k + 2] == "'":  # '' is a quote inside '...'
                k += 2
                continue
            return k
        k += 1
    return None


def _indentation_hint(text: str, line: int) -> tuple[str, str] | None:
    """When the line YAML stopped at is indented unlike its neighbours, say so."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    here = lines[line - 1]
    indent = len(here) - len(here.lstrip(" "))
    before = [ln for ln in lines[: line - 1] if ln.strip() and not ln.lstrip().startswith("#")]
    if not before:
        return None
    previous = before[-1]
    prev_indent = len(previous) - len(previous.lstrip(" "))
    if here.lstrip().startswith("- ") == previous.lstrip().startswith("- ") and indent != prev_indent:
        return (
            f"this line is indented {indent} spaces, the line above {prev_indent}",
            "items of one list, or keys of one mapping, start at the same column",
        )
    return None


def _reader_error(shown: str, exc: yaml.reader.ReaderError, text: str) -> Diagnostic:
    """A character YAML does not allow (a control character), at its line and column."""
    position = exc.position
    if exc.encoding != "unicode":
        # LibYAML reads the text as UTF-8 and counts bytes; editors count characters.
        position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    character = exc.character
    if isinstance(character, int):
        code = f"#x{character:04x}"
        control = unicodedata.category(chr(character)) == "Cc"
    else:  # bytes that are not text: not met with text already decoded, but typed as possible
        code, control = repr(character), False
    message = "control characters are not allowed" if control else "this character is not allowed"
    return diagnostic(
        "QG002",
        shown,
        line,
        col,
        f"YAML syntax error: {message} ({code})",
        "delete the invisible character (copy and paste often brings one along)",
    )
