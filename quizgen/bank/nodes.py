"""YAML nodes -> the model: the walk over a composed bank that builds `Bank` and its questions.

Every value is checked against the format's table (spec.py) where it is written, so a
problem is reported at its own line:col and the question it spoils is left out.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from quizgen.bank.model import QUESTION_KINDS, Bank, Pos, Question, Source
from quizgen.bank.spec import BANK_FIELDS, SOURCE_FIELDS, FieldSpec, ValueKind, question_fields
from quizgen.diagnostics import Diagnostic, diagnostic

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_NULL, _BOOL, _INT, _FLOAT = _TAG + "null", _TAG + "bool", _TAG + "int", _TAG + "float"
_TEXT_TAGS = frozenset({_TAG + "str", _BOOL, _INT, _FLOAT, _TAG + "timestamp"})
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})

_FIELDS_BY_KIND: dict[str, dict[str, FieldSpec]] = {
    kind: {f.name: f for f in question_fields(kind)} for kind in QUESTION_KINDS
}
_ANY_QUESTION_KEY = frozenset(name for fields in _FIELDS_BY_KIND.values() for name in fields)


def _pos(node: yaml.Node, line_offset: int = 0) -> Pos:
    mark = node.start_mark
    return Pos(mark.line + 1 + line_offset, mark.column + 1)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "nothing"
    if node.tag in (_INT, _FLOAT):
        return "a number"
    if node.tag == _BOOL:
        return f"'{node.value}' (true/false)"
    if node.tag not in _TEXT_TAGS:
        return f"a value tagged '{_shown_tag(node.tag)}'"
    return "text"


def _shown_tag(tag: str) -> str:
    """A tag as it is written in YAML: `!!binary` for YAML's own, `!country` for others."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _example(name: str) -> str:
    """Example numbers that fit the field a hint is about: points are not 9000."""
    return {"points": "1 or 2.5", "tolerance": "0.5 or 2", "lines": "4"}.get(name, "9000 or 2.5")


def _tag_hint(node: yaml.Node) -> str:
    """The hint for a scalar with a tag quizgen does not read, else ''."""
    if isinstance(node, yaml.ScalarNode) and node.tag not in _TEXT_TAGS and node.tag != _NULL:
        return f"remove the tag '{_shown_tag(node.tag)}'"
    return ""


# Numbers as YAML 1.2 (core schema) writes them, for plain scalars YAML 1.1 calls text.
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_YAML12_NUMBER = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A hint naming the closest option, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class _Bad(Exception):
    """Internal: a value could not be converted; the diagnostic is already recorded."""


@dataclass
class _Fields:
    """The keys of one mapping node, after duplicate detection."""

    values: dict[str, yaml.Node]
    keys: dict[str, yaml.Node]


class BankReader:
    def __init__(self, shown: str, path: Path) -> None:
        self.shown = shown
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.line_offset = 0  # lines before the text being composed (see `_read_in_slices`)
        self.unsound: list[Question] = []
        # Ids of list and mapping nodes already walked: seeing one again means an alias.
        self._seen: set[int] = set()
        # True once a node was met again: the reader must then report the alias (QG005).
        self.reused = False

    # -- reporting -----------------------------------------------------------------------
    def report(self, code: str, node_or_pos: yaml.Node | Pos, message: str, hint: str = "") -> None:
        pos = node_or_pos if isinstance(node_or_pos, Pos) else _pos(node_or_pos, self.line_offset)
        self.diagnostics.append(diagnostic(code, self.shown, pos.line, pos.col, message, hint))

    # -- structure -----------------------------------------------------------------------
    def forget_walked(self) -> None:
        self._seen.clear()

    def fresh(self, node: yaml.Node) -> bool:
        """False when `node` was already walked: it is reused through an alias.

        Walking it again could multiply work (an alias bomb); `alias_problems` reports it.
        """
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return True
        if id(node) in self._seen:
            self.reused = True
            return False
        self._seen.add(id(node))
        return True

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

    # -- values --------------------------------------------------------------------------
    def value(self, f: FieldSpec, node: yaml.Node, where: dict[str, Pos]) -> Any:
        where[f.name] = _pos(node, self.line_offset)
        kind = f.kind
        if kind is ValueKind.TEXT:
            return self.text(f.name, node)
        if kind is ValueKind.TEXTS:
            return self.texts(f.name, node, where)
        if kind is ValueKind.TEXT_OR_TEXTS:
            if isinstance(node, yaml.SequenceNode):
                return self.texts(f.name, node, where, min_items=1)
            return (self.text(f.name, node),)
        if kind is ValueKind.NUMBER:
            return self.number(f.name, node)
        if kind is ValueKind.INT:
            value = self.number(f.name, node)
            if not float(value).is_integer():
                self.report("QG012", node, f"'{f.name}' should be a whole number, not {value}")
                raise _Bad
            return int(value)
        if kind is ValueKind.BOOL:
            # A `!!bool` tag can be put on any text (`!!bool maybe`): only YAML's spellings count.
            if (
                isinstance(node, yaml.ScalarNode)
                and node.tag == _BOOL
                and node.value.lower() in _TRUE | _FALSE
            ):
                return node.value.lower() in _TRUE
            shown = (
                f"'{node.value}'"
                if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL
                else _describe(node)
            )
            self.report(
                "QG012",
                node,
                f"'{f.name}' should be true or false, not {shown}",
                "write true or false without quotes",
            )
            raise _Bad
        if kind is ValueKind.PAIRS:
            return self.pairs(f.name, node, where)
        raise AssertionError(f"no reader for {kind}")  # pragma: no cover - table is fixed

    def text(self, name: str, node: yaml.Node, empty_hint: str = "write the text or remove the key") -> str:
        if isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS:
            value = node.value.strip()
            if value:
                return str(value)
        if isinstance(node, yaml.ScalarNode) and (node.tag == _NULL or not node.value.strip()):
            self.report("QG014", node, f"'{name}' is empty", empty_hint)
            raise _Bad
        hint = _tag_hint(node)
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            hint = "text containing ': ' must be quoted"
        elif isinstance(node, yaml.SequenceNode):
            hint = "text containing '[' or ',' at the start must be quoted"
        self.report("QG012", node, f"'{name}' should be text, not {_describe(node)}", hint)
        raise _Bad

    def texts(self, name: str, node: yaml.Node, where: dict[str, Pos], min_items: int = 0) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            hint = f"write a list: {name}: [first, second]"
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
                # `choices:` with nothing after it (or `~`): empty, like `prompt:` with nothing.
                self.report("QG014", node, f"'{name}' is empty", hint)
                raise _Bad
            if isinstance(node, yaml.ScalarNode):
                hint = _tag_hint(node) or f"write a list: {name}: [{node.value}]"
            self.report("QG012", node, f"'{name}' should be a list of text, not {_describe(node)}", hint)
            raise _Bad
        if not self.fresh(node):
            raise _Bad
        if len(node.value) < min_items:
            self.report("QG014", node, f"'{name}' is an empty list")
            raise _Bad
        out: list[str] = []
        ok = True
        for i, item in enumerate(node.value):
            where[f"{name}.{i}"] = _pos(item, self.line_offset)
            try:
                out.append(self.text(f"{name}[{i + 1}]", item, "write the text or remove the item"))
            except _Bad:
                ok = False
        if not ok:
            raise _Bad
        return tuple(out)

    def number(self, name: str, node: yaml.Node) -> float:
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT):
            raw = node.value.replace("_", "")
            try:
                value: float = int(raw, 0) if node.tag == _INT else float(raw)
                if math.isfinite(value):
                    return value
            except (ValueError, OverflowError):
                pass
            return self.odd_number(name, node, raw)
        if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "str" and not node.style:
            # Unquoted, but text to YAML 1.1: `9e3` (no dot, no exponent sign), `09`, `0o17`.
            # YAML 1.2 and every reader of it take these as numbers; so does quizgen.
            written = node.value
            if _YAML12_NUMBER.fullmatch(written):
                if _DECIMAL.fullmatch(written):
                    return self.finite(name, node, self.decimal(name, node, written))
                value = int(written, 0) if written[:2] in ("0o", "0x") else float(written)
                return self.finite(name, node, value)
        hint = _tag_hint(node)
        if not hint and isinstance(node, yaml.ScalarNode) and node.tag != _NULL:
            cleaned = node.value.replace(",", "").replace(" ", "")
            if _YAML12_NUMBER.fullmatch(cleaned):
                hint = f"write the number without quotes or separators: {cleaned}"
            else:
                hint = f"write a number such as {_example(name)}"
        self.report("QG012", node, f"'{name}' should be a number, not {_describe(node)}", hint)
        raise _Bad

    def finite(self, name: str, node: yaml.ScalarNode, value: float) -> float:
        try:
            if math.isfinite(value):
                return value
        except OverflowError:  # an int beyond the range of a float
            self.too_large(name, node)
        if node.value.lstrip("+-").lower() not in (".inf", ".nan"):
            self.too_large(name, node)  # 1e400: beyond the range of a float
        self.report("QG017", node, f"'{name}' must be a finite number, not {node.value}")
        raise _Bad

    def too_large(self, name: str, node: yaml.ScalarNode) -> NoReturn:
        written = node.value
        if len(written) > 24:
            unsigned = written.lstrip("+-")
            written = f"{len(unsigned)} digits" if unsigned.isdigit() else f"{len(written)} characters long"
        self.report("QG017", node, f"'{name}' is too large a number ({written})")
        raise _Bad

    def odd_number(self, name: str, node: yaml.ScalarNode, raw: str) -> float:
        """The error branch of `number`: a YAML 1.1 number not finite or not read as written."""
        if ":" in raw:  # YAML 1.1 base 60 (1:30 is 90): surely a time, not a number
            self.report(
                "QG012",
                node,
                f"'{name}' should be a number, not {node.value}",
                f"write a number such as {_example(name)}",
            )
            raise _Bad
        if node.tag == _INT and _DECIMAL.fullmatch(raw):
            # A leading zero (007) is decimal, as in YAML 1.2, not YAML 1.1's octal.
            return self.finite(name, node, self.decimal(name, node, raw))
        try:
            value: float = int(raw, 0) if node.tag == _INT else float(raw)
        except ValueError:
            if raw.lstrip("+-").lower() not in (".inf", ".nan", "inf", "nan"):
                # A tag put on text (`!!float abc`): not a number at all, whatever its size.
                self.report(
                    "QG012",
                    node,
                    f"'{name}' should be a number, not '{node.value}'",
                    f"remove the tag '{_shown_tag(node.tag)}' and write a number such as 9000 or 2.5",
                )
                raise _Bad from None
            value = float("nan")  # .inf, .nan
        return self.finite(name, node, value)

    def decimal(self, name: str, node: yaml.ScalarNode, raw: str) -> int:
        try:
            return int(raw, 10)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            self.too_large(name, node)

    def pairs(self, name: str, node: yaml.Node, where: dict[str, Pos]) -> tuple[tuple[str, str], ...]:
        hint = f"write {name}: [[left, right], [left, right]]"
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
                self.report("QG014", node, f"'{name}' is empty", hint)
            else:
                self.report("QG012", node, f"'{name}' should be a list of [left, right] pairs", hint)
            raise _Bad
        if not self.fresh(node):
            raise _Bad
        out: list[tuple[str, str]] = []
        ok = True
        for i, item in enumerate(node.value):
            where[f"{name}.{i}"] = _pos(item, self.line_offset)
            if not isinstance(item, yaml.SequenceNode) or len(item.value) != 2:
                self.report("QG012", item, f"pair {i + 1} of '{name}' should be [left, right]", hint)
                ok = False
                continue
            if not self.fresh(item):
                ok = False
                continue
            try:
                left = self.text(f"{name}[{i + 1}] left", item.value[0], "write the text")
                right = self.text(f"{name}[{i + 1}] right", item.value[1], "write the text")
                out.append((left, right))
            except _Bad:
                ok = False
        if not ok:
            raise _Bad
        return tuple(out)

    def fill(
        self, fields: _Fields, spec: dict[str, FieldSpec], where: dict[str, Pos]
    ) -> tuple[dict[str, Any], set[str]]:
        """Convert every known key: the usable values, and the attributes whose value was not."""
        out: dict[str, Any] = {}
        broken: set[str] = set()
        for key, node in fields.values.items():
            f = spec.get(key)
            if f is None or f.kind in (ValueKind.MAPPING, ValueKind.QUESTIONS):
                continue
            try:
                out[f.attribute] = self.value(f, node, where)
            except _Bad:
                broken.add(f.attribute)
        return out, broken

    # -- objects -------------------------------------------------------------------------
    def bank(self, root: yaml.Node | None, questions: tuple[Question, ...] | None = None) -> Bank | None:
        """The bank at `root`; `questions`, when given, were read separately (see `_read_in_slices`)."""
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
            where["questions"] = _pos(fields.values["questions"], self.line_offset)
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
        type_node = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "type"), None
        )
        label = _question_label(node)
        if type_node is None:
            self.report("QG010", node, f"{label} is missing 'type'", "type: " + " | ".join(QUESTION_KINDS))
            return None
        if not isinstance(type_node, yaml.ScalarNode) or type_node.value not in QUESTION_KINDS:
            self.unknown_type(type_node)
            return None
        kind = type_node.value
        spec = _FIELDS_BY_KIND[kind]
        fields = self.mapping(node, f"a {kind} question", spec)
        complete = self.required(fields, node, f"{label} ({kind})", spec)
        where: dict[str, Pos] = {"": _pos(node, self.line_offset)}
        values, broken = self.fill(fields, spec, where)
        if broken or not complete:
            broken |= self.placeholders(values, fields, spec)
        del values["type"]
        question = QUESTION_KINDS[kind](where=where, broken=frozenset(broken), **values)
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
