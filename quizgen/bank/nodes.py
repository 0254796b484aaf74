"""YAML nodes -> the model: the walk over a composed bank that builds `Bank` and its questions.

Every value is checked against the format's table (spec.py) where it is written, so a
problem is reported at its own line:col and the question it spoils is left out.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from quizgen.bank.model import QUESTION_KINDS, Bank, Pos, Question, Source
from quizgen.bank.spec import BANK_FIELDS, SOURCE_FIELDS, FieldSpec, ValueKind, question_fields
from quizgen.bank.values import _NULL, _TEXT_TAGS, ValueReader, _Bad, _describe, _pos, _tag_hint
from quizgen.diagnostics import Diagnostic, diagnostic

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT: dict[Any, list[tuple[str, Any]]] = _BASE_LOADER.yaml_implicit_resolvers
# The implicit resolvers a plain scalar is tried against, by its first character ('' for an
# empty scalar), those for any character (None) appended: what `Resolver.resolve` looks up
# and concatenates for every scalar, done once.
_BY_FIRST = {first: [*rs, *_IMPLICIT.get(None, [])] for first, rs in _IMPLICIT.items() if first is not None}
_ANY_FIRST = list(_IMPLICIT.get(None, []))


class _Loader(_BASE_LOADER):  # type: ignore[misc]
    """PyYAML's safe loader with its per-node resolver hooks made cheap.

    The composer calls `descend_resolver`, `resolve` and `ascend_resolver` in Python for
    every node (millions in a large bank). The safe loader has no path resolvers, so the
    first and last do nothing, and `resolve` gives the tags `Resolver.resolve` gives.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _BY_FIRST.get(value[:1], _ANY_FIRST):
                    if regexp.match(value):
                        return str(tag)
            return str(self.DEFAULT_SCALAR_TAG)
        if kind is yaml.SequenceNode:
            return str(self.DEFAULT_SEQUENCE_TAG)
        return str(self.DEFAULT_MAPPING_TAG)


# Any path resolvers (none in the safe loader) would need the hooks above: keep PyYAML's then.
LOADER: Any = _BASE_LOADER if _BASE_LOADER.yaml_path_resolvers else _Loader

_FIELDS_BY_KIND: dict[str, dict[str, FieldSpec]] = {
    kind: {f.name: f for f in question_fields(kind)} for kind in QUESTION_KINDS
}
_ANY_QUESTION_KEY = frozenset(name for fields in _FIELDS_BY_KIND.values() for name in fields)
_REQUIRED_BY_KIND = {
    kind: [f.name for f in fields.values() if f.required] for kind, fields in _FIELDS_BY_KIND.items()
}
_SOUND: frozenset[str] = frozenset()
_NOT_VALUES = frozenset({ValueKind.MAPPING, ValueKind.QUESTIONS})  # read by their own methods


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A hint naming the closest option, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass
class _Fields:
    """The keys of one mapping node, after duplicate detection."""

    values: dict[str, yaml.Node]
    keys: dict[str, yaml.Node]


class BankReader(ValueReader):
    """The walk over a composed bank: mappings, required keys, the bank, its source and questions."""

    def mapping(self, node: yaml.MappingNode, what: str, allowed: dict[str, FieldSpec]) -> _Fields:
        values: dict[str, yaml.Node] = {}
        keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report("QG012", key_node, f"a key in {what} must be a plain word")
                continue
            key = key_node.value
            if key in keys:
                first = _pos(keys[key], self.line_offset)
                self.report(
                    "QG004",
                    key_node,
                    f"duplicate key '{key}' in {what}",
                    f"'{key}' is already set on line {first.line}; keep one of them",
                )
                continue
            keys[key] = key_node
            values[key] = value_node
            if key not in allowed:
                self.unknown_key(key_node, key, what, allowed)
        return _Fields(values, keys)

    def unknown_key(self, node: yaml.Node, key: str, what: str, allowed: dict[str, FieldSpec]) -> None:
        hint = did_you_mean(key, allowed)
        if not hint and key in _ANY_QUESTION_KEY and what.startswith("a "):
            hint = f"'{key}' belongs to another type of question"
        if not hint:
            hint = "allowed here: " + ", ".join(allowed)
        self.report("QG011", node, f"unknown key '{key}' in {what}", hint)

    def required(self, fields: _Fields, owner: yaml.Node, what: str, spec: dict[str, FieldSpec]) -> bool:
        ok = True
        for f in spec.values():
            if f.required and f.name not in fields.values:
                ok = False
                self.report("QG010", owner, f"{what} is missing '{f.name}'", _missing_hint(f))
        return ok

    def fill(
        self, fields: _Fields, spec: dict[str, FieldSpec], where: dict[str, Pos]
    ) -> tuple[dict[str, Any], set[str]]:
        """Convert every known key: the usable values, and the attributes whose value was not."""
        out: dict[str, Any] = {}
        broken: set[str] = set()
        for key, node in fields.values.items():
            f = spec.get(key)
            if f is None or f.kind in _NOT_VALUES:
                continue
            try:
                out[f.attribute] = self.value(f, node, where)
            except _Bad:
                broken.add(f.attribute)
        return out, broken

    # -- objects -------------------------------------------------------------------------
    def bank(
        self,
        root: yaml.Node | None,
        questions: tuple[Question, ...] | None = None,
        questions_at: Pos | None = None,
    ) -> Bank | None:
        """The bank at `root`; `questions`, when given, were read separately (see `_read_in_slices`)
        from the list that starts at `questions_at`."""
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL and not root.value):
            # No document at all, or one with nothing in it (a lone '---').
            self.report("QG003", Pos(1, 1), "the file is empty", "a bank starts with 'bank: <id>'")
            return None
        if not isinstance(root, yaml.MappingNode):
            self.report(
                "QG003",
                root,
                f"the top level should be a mapping of keys, not {_describe(root)}",
                "a bank starts with 'bank: <id>', 'title: ...' and 'questions:'",
            )
            return None
        self.fresh(root)
        spec = {f.name: f for f in BANK_FIELDS}
        fields = self.mapping(root, "the bank", spec)
        self.required(fields, root, "the bank", spec)
        where: dict[str, Pos] = {"": _pos(root, self.line_offset)}
        values, broken = self.fill(fields, spec, where)
        source = None
        if "source" in fields.values:
            where["source"] = _pos(fields.values["source"], self.line_offset)
            source = self.source(fields.values["source"])
        if questions is None:
            questions = self.questions(fields.values.get("questions"), where)
        elif "questions" in fields.values:
            where["questions"] = questions_at or _pos(fields.values["questions"], self.line_offset)
        broken |= self.placeholders(values, fields, spec)
        if "source" in fields.values and source is None:
            broken.add("source")
        return Bank(
            path=self.path,
            questions=questions,
            source=source,
            where=where,
            broken=frozenset(broken),
            unsound=tuple(self.unsound),
            **values,
        )

    def source(self, node: yaml.Node) -> Source | None:
        if not isinstance(node, yaml.MappingNode):
            self.report(
                "QG012",
                node,
                f"'source' should be a mapping, not {_describe(node)}",
                "write source: {title: ..., file: ..., published: YYYY-MM}",
            )
            return None
        if not self.fresh(node):
            return None
        spec = {f.name: f for f in SOURCE_FIELDS}
        fields = self.mapping(node, "the source", spec)
        complete = self.required(fields, node, "the source", spec)
        where: dict[str, Pos] = {"": _pos(node, self.line_offset)}
        values, broken = self.fill(fields, spec, where)
        if broken or not complete:
            return None
        return Source(where=where, **values)

    def questions(self, node: yaml.Node | None, bank_where: dict[str, Pos]) -> tuple[Question, ...]:
        if node is None:
            return ()
        bank_where["questions"] = _pos(node, self.line_offset)
        if not isinstance(node, yaml.SequenceNode):
            self.report(
                "QG012",
                node,
                f"'questions' should be a list, not {_describe(node)}",
                "start each question with '- id: ...'",
            )
            return ()
        if not self.fresh(node):
            return ()
        out: list[Question] = []
        for item in node.value:
            question = self.question(item)
            if question is not None:
                out.append(question)
        return tuple(out)

    def question(self, node: yaml.Node) -> Question | None:
        if not isinstance(node, yaml.MappingNode):
            self.report(
                "QG012",
                node,
                f"a question should be a mapping of keys, not {_describe(node)}",
                "start each question with '- id: ...' and indent its keys below",
            )
            return None
        if not self.fresh(node):
            return None
        type_node = None
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "type":
                type_node = v
                break
        if type_node is None:
            label = _question_label(node)
            self.report("QG010", node, f"{label} is missing 'type'", "type: " + " | ".join(QUESTION_KINDS))
            return None
        if not isinstance(type_node, yaml.ScalarNode) or type_node.value not in QUESTION_KINDS:
            self.unknown_type(type_node)
            return None
        kind = type_node.value
        spec = _FIELDS_BY_KIND[kind]
        fields = self.mapping(node, f"a {kind} question", spec)
        # The label (and the message) only for a question that misses a key.
        complete = all(name in fields.values for name in _REQUIRED_BY_KIND[kind]) or self.required(
            fields, node, f"{_question_label(node)} ({kind})", spec
        )
        where: dict[str, Pos] = {"": _pos(node, self.line_offset)}
        values, broken = self.fill(fields, spec, where)
        if broken or not complete:
            broken |= self.placeholders(values, fields, spec)
        del values["type"]
        question = QUESTION_KINDS[kind](where=where, broken=frozenset(broken) if broken else _SOUND, **values)
        if broken:
            self.unsound.append(question)
            return None
        return question

    @staticmethod
    def placeholders(values: dict[str, Any], fields: _Fields, spec: dict[str, FieldSpec]) -> set[str]:
        """Fill missing or unusable required values with placeholders; the attributes filled."""
        filled = set()
        for f in spec.values():
            missing = f.attribute not in values and (f.required or f.name in fields.values)
            if missing and f.kind in _PLACEHOLDERS:
                values[f.attribute] = _PLACEHOLDERS[f.kind]
                filled.add(f.attribute)
        return filled

    def unknown_type(self, node: yaml.Node) -> None:
        kinds = "one of: " + ", ".join(QUESTION_KINDS)
        if not isinstance(node, yaml.ScalarNode):
            with contextlib.suppress(_Bad):
                self.text("type", node)  # reports a list or mapping as a value of the wrong type
        elif node.tag not in _TEXT_TAGS and node.tag != _NULL:
            self.report("QG012", node, f"'type' should be text, not {_describe(node)}", _tag_hint(node))
        elif not node.value.strip():
            self.report("QG014", node, "'type' is empty", kinds)
        else:
            self.report(
                "QG013",
                node,
                f"unknown question type '{node.value}'",
                did_you_mean(node.value, QUESTION_KINDS) or kinds,
            )


_PLACEHOLDERS: dict[ValueKind, Any] = {
    ValueKind.TEXT: "",
    ValueKind.TEXTS: (),
    ValueKind.TEXT_OR_TEXTS: (),
    ValueKind.NUMBER: 0,
    ValueKind.INT: 0,
    ValueKind.BOOL: False,
    ValueKind.PAIRS: (),
    ValueKind.REASONS: (),
}


def _question_label(node: yaml.MappingNode) -> str:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
            return f"question '{v.value}'"
    return "the question"


def _missing_hint(f: FieldSpec) -> str:
    examples = {
        ValueKind.TEXT: f"{f.name}: ...",
        ValueKind.TEXTS: f"{f.name}: [first, second]",
        ValueKind.TEXT_OR_TEXTS: f"{f.name}: ...",
        ValueKind.NUMBER: f"{f.name}: 1",
        ValueKind.INT: f"{f.name}: 4",
        ValueKind.BOOL: f"{f.name}: true",
        ValueKind.PAIRS: f"{f.name}: [[left, right], [left, right]]",
        ValueKind.REASONS: f"{f.name}: {{QG104: why it does not apply}}",
        ValueKind.MAPPING: f"{f.name}: {{title: ...}}",
        ValueKind.QUESTIONS: f"{f.name}:\n      - id: first-question",
    }
    return f"add {examples[f.kind]}  ({f.doc})" if f.doc else f"add {examples[f.kind]}"


# An anchor can follow a space, a flow indicator or the ':' of a flow key (`"choices":&c`).
_ANCHOR = re.compile(r"(?:^|[\s\[{,:])&[^\s\[\]{},]", re.M)


def alias_problems(shown: str, text: str, reused: bool, line_offset: int = 0) -> list[Diagnostic]:
    """QG005 at the first alias of each list or mapping that is used again through an alias.

    Composed nodes do not say where an alias was written (it is the anchored node itself),
    so the parser's events are scanned for the aliases: always when the reader met a node
    twice (`reused`), else only when the text may hold an anchor at all. `line_offset`
    counts the lines before `text` in its file.
    """
    if not reused and ("&" not in text or _ANCHOR.search(text) is None):
        return []
    anchored: set[str] = set()
    found: list[Diagnostic] = []
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) and event.anchor:
            anchored.add(event.anchor)
        elif isinstance(event, yaml.AliasEvent) and event.anchor in anchored:
            anchored.discard(event.anchor)  # one report per reused value
            line, col = (
                (event.start_mark.line + 1 + line_offset, event.start_mark.column + 1)
                if event.start_mark
                else (1 + line_offset, 1)
            )
            found.append(
                diagnostic(
                    "QG005",
                    shown,
                    line,
                    col,
                    "this list or mapping is reused through a YAML alias (*name); "
                    "quizgen does not expand aliases",
                    f"write the value of '&{event.anchor}' out in full where it is used",
                )
            )
    return found
