"""Large banks read a slice of questions at a time, so memory stays near the model's own size."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import yaml

from quizgen.bank.model import Bank, Pos, Question
from quizgen.bank.nodes import LOADER, BankReader, alias_problems
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


def read_in_slices(shown: str, path: Path, text: str) -> tuple[Bank | None, list[Diagnostic]] | None:
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
    reader = BankReader(shown, path)
    questions: list[Question] = []
    bounds = [*starts[::QUESTIONS_PER_SLICE], end]
    aliases: list[Diagnostic] = []
    lines_before, counted = 0, 0  # lines before `counted`: each slice counts only its own
    for a, b in itertools.pairwise(bounds):
        try:  # an alias to an anchor of another slice is "undefined" here: read the whole file
            node = yaml.compose(text[a:b], Loader=LOADER)
        except yaml.YAMLError:
            return None
        if not isinstance(node, yaml.SequenceNode):
            return None
        lines_before += text.count("\n", counted, a)
        counted = a
        reader.line_offset = lines_before
        reader.forget_walked()  # ids of freed nodes get reused; aliases never leave a slice
        reader.reused = False
        questions.extend(reader.questions(node, {}))
        aliases += alias_problems(shown, text[a:b], reader.reused, reader.line_offset)
    reader.line_offset = 0
    # Where the plain reader puts the list: its first item (checks of the bank point there).
    at = Pos(text.count("\n", 0, starts[0]) + 1, len(first.group(1)) + 1) if starts else None
    bank = reader.bank(root, questions=tuple(questions), questions_at=at)
    return bank, reader.diagnostics + header_aliases + aliases
