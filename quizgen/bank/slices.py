"""Large banks read a slice of questions at a time, so memory stays near the model's own size."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from quizgen.bank import helper
from quizgen.bank.evidence import forget_texts
from quizgen.bank.model import Bank, Pos, Question
from quizgen.bank.nodes import LOADER, BankReader, alias_problems
from quizgen.bank.registry import question_diagnostics
from quizgen.diagnostics import Diagnostic

# -- large files ---------------------------------------------------------------------------
# The YAML node tree of a bank takes about three times the memory of the model built from
# it, so a large bank's question list is composed a slice at a time and each slice's
# nodes are dropped once its questions are built. The split is textual: in a block list
# each item starts with `- ` at the list's own indentation, and no line of an item's
# content can start there. Whatever the split cannot vouch for (a flow-style list, an
# alias to an anchor in another slice, a YAML error in a slice) falls back to reading the
# whole file at once, so results and diagnostics are always those of the plain reader. An
# `&` in text (`R &D`) does not: anchors are found by the parser, not guessed from the text.

SLICED_MIN_CHARS = 2_000_000
QUESTIONS_PER_SLICE = 2_000
_QUESTIONS_KEY = re.compile(r"^questions:[ \t]*(?:#.*)?$", re.M)
_FIRST_ITEM = re.compile(r"\n(?:[ \t]*(?:#.*)?\n)*( *)- ")
_TOP_LEVEL = re.compile(r"^[^\s#]", re.M)


def read_in_slices(
    shown: str, path: Path, text: str, helped: bool = False
) -> tuple[Bank | None, list[Diagnostic]] | None:
    """The bank in `text` read a slice of questions at a time; None when the split cannot be
    trusted (read the whole file instead). `helped`: let a child process check the questions
    of the last slices meanwhile (helper.py; `check.load` waits for it)."""
    key = _QUESTIONS_KEY.search(text)
    if key is None:
        return None
    first = _FIRST_ITEM.match(text, key.end())
    if first is None:
        return None
    end_match = _TOP_LEVEL.search(text, first.end())
    end = end_match.start() if end_match else len(text)
    starts = [m.start() for m in re.compile(rf"^{first.group(1)}- ", re.M).finditer(text, key.end(), end)]
    # Keep the header's line numbers: the list becomes `[]` followed by as many newlines.
    header = text[: key.end()] + " []" + "\n" * text.count("\n", key.end(), end) + text[end:]
    try:
        root = yaml.compose(header, Loader=LOADER)
    except yaml.YAMLError:
        return None
    if root is None:  # an empty document: nothing to slice
        return None
    header_aliases = alias_problems(shown, header, reused=False)
    # The split is only trusted when the header really has our placeholder as `questions`.
    line = text.count("\n", 0, key.start())
    placeholder = [
        v
        for k, v in (root.value if isinstance(root, yaml.MappingNode) else ())
        if isinstance(k, yaml.ScalarNode) and k.value == "questions" and k.start_mark.line == line
    ]
    if len(placeholder) != 1 or not isinstance(placeholder[0], yaml.SequenceNode) or placeholder[0].value:
        return None
    bounds = [*starts[::QUESTIONS_PER_SLICE], end]
    # Where the plain reader puts the list: its first item (checks of the bank point there).
    at = Pos(text.count("\n", 0, starts[0]) + 1, len(first.group(1)) + 1) if starts else None
    child = _start_helper(shown, path, text, root, bounds, at) if helped else None
    read = _read_all(shown, path, text, root, bounds, at)
    if child is not None:
        if read is None or read[0] is None:
            child.cancel()
        else:
            helper.register(read[0], child)
    if read is None:
        return None
    bank, found, aliases = read
    return bank, found + header_aliases + aliases


@dataclass(frozen=True)
class _Slice:
    text: str
    questions: tuple[Question, ...]
    unsound: list[Question]  # the questions of the slice left out of the model
    lines_before: int  # in the file, before the slice


class _Unsliceable(Exception):
    """A slice that cannot be read alone: the whole file is read instead."""


def _read_slices(reader: BankReader, text: str, bounds: list[int], first: int = 0) -> Iterator[_Slice]:
    """The slices between `bounds`, from the `first`, each read by `reader`. Raises
    `_Unsliceable` at a slice that cannot be read alone."""
    lines_before, counted = text.count("\n", 0, bounds[first]), bounds[first]
    for a, b in itertools.pairwise(bounds[first:]):
        try:  # an alias to an anchor of another slice is "undefined" here: read the whole file
            node = yaml.compose(text[a:b], Loader=LOADER)
        except yaml.YAMLError:
            raise _Unsliceable from None
        if not isinstance(node, yaml.SequenceNode):
            raise _Unsliceable
        lines_before += text.count("\n", counted, a)  # each slice counts only its own lines
        counted = a
        reader.line_offset = lines_before
        reader.forget_walked()  # ids of freed nodes get reused; aliases never leave a slice
        reader.reused = False
        unsound = len(reader.unsound)
        questions = reader.questions(node, {})
        del node  # a slice's nodes are freed before the next slice is composed
        yield _Slice(text[a:b], questions, reader.unsound[unsound:], lines_before)


def _read_all(
    shown: str, path: Path, text: str, root: yaml.Node, bounds: list[int], at: Pos | None
) -> tuple[Bank | None, list[Diagnostic], list[Diagnostic]] | None:
    """The bank, the reader's diagnostics and its aliases' (QG005); None: read the whole file."""
    reader = BankReader(shown, path)
    questions: list[Question] = []
    aliases: list[Diagnostic] = []
    try:
        for piece in _read_slices(reader, text, bounds):
            questions.extend(piece.questions)
            aliases += alias_problems(shown, piece.text, reader.reused, piece.lines_before)
    except _Unsliceable:
        return None
    reader.line_offset = 0
    bank = reader.bank(root, questions=tuple(questions), questions_at=at)
    return bank, reader.diagnostics, aliases


def _start_helper(
    shown: str, path: Path, text: str, root: yaml.Node, bounds: list[int], at: Pos | None
) -> helper.Helper | None:
    """A child checking the questions of the last slices, or None (too few slices, no fork)."""
    share = helper.helper_slices(len(bounds) - 1)
    if not share:
        return None
    skipped = len(bounds) - 1 - share  # the slices this process checks

    def work() -> list[Diagnostic]:
        reader = BankReader(shown, path)
        header = reader.bank(root, questions=(), questions_at=at)
        if header is None:
            raise _Unsliceable
        found: list[Diagnostic] = []
        for piece in _read_slices(reader, text, bounds, skipped):
            found += question_diagnostics(header, piece.questions, piece.unsound)
            forget_texts()  # this process's memory counts too: keep one slice's texts
        return found

    return helper.start(work, text.count("\n", 0, bounds[skipped]) + 1)
