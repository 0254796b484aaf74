"""YAML scalars and lists -> Python values, each checked against the kind its field holds.

The base of the bank reader (`nodes.BankReader`): it reports problems where a value is
written and refuses a list or mapping met twice (an alias). A value that cannot be used
raises `_Bad` after its diagnostic is recorded.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, NoReturn

import yaml

from quizgen.bank.model import Pos, Question
from quizgen.bank.spec import FieldSpec, ValueKind
from quizgen.diagnostics import Diagnostic, diagnostic

_TAG = "tag:yaml.org,2002:"
_NULL, _BOOL, _INT, _FLOAT = _TAG + "null", _TAG + "bool", _TAG + "int", _TAG + "float"
_TEXT_TAGS = frozenset({_TAG + "str", _BOOL, _INT, _FLOAT, _TAG + "timestamp"})
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


_new_tuple = tuple.__new__  # Pos(...) runs a Python-level __new__: made a million times


def _pos(node: yaml.Node, line_offset: int = 0) -> Pos:
    mark = node.start_mark
    return _new_tuple(Pos, (mark.line + 1 + line_offset, mark.column + 1))


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


class _Bad(Exception):
    """Internal: a value could not be converted; the diagnostic is already recorded."""


class ValueReader:
    """Reports problems at their place, and converts values of the kinds in spec.py."""

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

    # -- lists and mappings met twice (aliases) ---------------------------------------
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
        if kind is ValueKind.REASONS:
            return self.reasons(f.name, node, where)
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
            # The common case inline (`text` below, without naming the item for a message).
            if isinstance(item, yaml.ScalarNode) and item.tag in _TEXT_TAGS:
                value = item.value.strip()
                if value:
                    out.append(value)
                    continue
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

    def reasons(self, name: str, node: yaml.Node, where: dict[str, Pos]) -> tuple[tuple[str, str], ...]:
        """`accepted:`, a mapping of warning codes to the reason each is accepted."""
        hint = f"write {name}: {{QG104: why this warning does not apply here}}"
        if not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
                self.report("QG014", node, f"'{name}' is empty", hint)
            else:
                self.report("QG012", node, f"'{name}' should be a mapping of codes to reasons", hint)
            raise _Bad
        if not self.fresh(node):
            raise _Bad
        out: list[tuple[str, str]] = []
        ok = True
        for key_node, value_node in node.value:
            code = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if not _CODE.fullmatch(code):
                self.report("QG012", key_node, f"a key of '{name}' should be a code such as QG104", hint)
                ok = False
                continue
            where[f"{name}.{len(out)}"] = _pos(key_node, self.line_offset)
            try:
                reason = self.text(f"{name}.{code}", value_node, "say why the warning does not apply here")
            except _Bad:
                ok = False
                continue
            out.append((code, reason))
        if not ok:
            raise _Bad
        return tuple(out)


_CODE = re.compile(r"QG[0-9]{3}")
