"""One small XML writer for the Moodle XML and QTI exports: indented XML written straight to
strings, byte for byte what `ET.indent` + `ET.tostring` write for the same tree, without
building the tree. A 10,000-question export is some 400,000 elements: making each one an
ElementTree node and walking them again cost more than all the rest of the export.

The documents here are plain: tags without namespaces, no tails, and an element holds either
text or children (`xmlns` is an ordinary attribute). An element with neither is written
`<tag />`, as ElementTree writes it. Texts can be written as given (CDATA, which ElementTree
cannot write).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable

# Most texts and attributes need no escaping: one regex search is cheaper than three replaces.
_TEXT_SPECIAL = re.compile("[&<>]").search
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]').search

DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"


def escape_text(value: str) -> str:
    """`value` as XML character data, escaped as ElementTree escapes it."""
    if not _TEXT_SPECIAL(value):
        return value
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def escape_attr(value: str) -> str:
    """`value` as a double-quoted attribute value, escaped as ElementTree escapes it."""
    if not _ATTR_SPECIAL(value):
        return value
    value = escape_text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\n" in value or "\r" in value or "\t" in value:
        value = value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#09;")
    return value


def attrs(**values: str) -> str:
    """Attributes in the order given, each ` name="value"`: what goes after a tag's name.
    Fixed ones are worth making once, at import (`_HTML = attrs(format="html")`)."""
    return "".join(f' {name}="{escape_attr(value)}"' for name, value in values.items())


# The line break and indent before an element at each depth (the root has none): deep
# enough for every document here, which nest at most a dozen levels.
_PADS = ("", *("\n" + "  " * depth for depth in range(1, 64)))


class XmlWriter:
    """Appends an indented document, element by element, in document order.

    `open` and `close` bracket an element's children (an element closed with none is
    written `<tag />`); `leaf` writes an element holding only text. A writer started at
    `depth` writes a part of a document that `extend` puts into another writer at that depth.
    """

    __slots__ = ("_depth", "_opened", "_parts")

    def __init__(self, depth: int = 0) -> None:
        self._parts: list[str] = []
        self._depth = depth
        self._opened = -1  # len(_parts) right after the last open, until something follows it

    @property
    def depth(self) -> int:
        """How deep the next element goes: 0 for the root, 1 for its children."""
        return self._depth

    def open(self, tag: str, attributes: str = "") -> None:
        """Start `<tag attributes>`; its children follow, then `close(tag)`."""
        parts = self._parts
        parts.append(f"{_PADS[self._depth]}<{tag}{attributes}>")
        self._opened = len(parts)
        self._depth += 1

    def close(self, tag: str) -> None:
        """End the element `open` started last."""
        self._depth -= 1
        parts = self._parts
        if self._opened == len(parts):
            parts[-1] = parts[-1][:-1] + " />"
        else:
            parts.append(f"{_PADS[self._depth] or chr(10)}</{tag}>")
        self._opened = -1

    def leaf(self, tag: str, value: str | None = None, attributes: str = "") -> None:
        """`<tag attributes>value</tag>`, `value` escaped; `<tag attributes />` without one."""
        pad = _PADS[self._depth]
        if value:
            self._parts.append(f"{pad}<{tag}{attributes}>{escape_text(value)}</{tag}>")
        else:
            self._parts.append(f"{pad}<{tag}{attributes} />")

    def raw_leaf(self, tag: str, body: str, attributes: str = "") -> None:
        """`<tag attributes>body</tag>` with `body` written as given (already XML: CDATA)."""
        self._parts.append(f"{_PADS[self._depth]}<{tag}{attributes}>{body}</{tag}>")

    def leaf_in(
        self,
        outer: str,
        tag: str,
        value: str | None,
        attributes: str = "",
        *,
        outer_attributes: str = "",
        raw: bool = False,
    ) -> None:
        """`<outer><tag attributes>value</tag></outer>`, an element whose one child holds only
        text (written as given when `raw`): as `open`, `leaf`, `close`, in one piece."""
        pad = _PADS[self._depth]
        if not value:
            body = f"<{tag}{attributes} />"
        else:
            body = f"<{tag}{attributes}>{value if raw else escape_text(value)}</{tag}>"
        self._parts.append(
            f"{pad}<{outer}{outer_attributes}>{_PADS[self._depth + 1]}{body}{pad or chr(10)}</{outer}>"
        )

    def leaves(self, outer: str, children: Iterable[tuple[str, str]]) -> None:
        """`<outer>` holding one element of text per (tag, value) of `children`, in one piece."""
        pad, inner = _PADS[self._depth], _PADS[self._depth + 1]
        body = "".join(
            f"{inner}<{tag}>{escape_text(value)}</{tag}>" if value else f"{inner}<{tag} />"
            for tag, value in children
        )
        self._parts.append(f"{pad}<{outer}>{body}{pad or chr(10)}</{outer}>" if body else f"{pad}<{outer} />")

    def extend(self, other: XmlWriter) -> None:
        """What `other` wrote (started at this writer's depth), as if written here."""
        self._parts += other._parts
        self._opened = -1

    def take(self) -> str:
        """What was written since the last `take`, to pass on while writing goes on (an
        element just opened stays, so that it can still be closed as `<tag />`)."""
        parts = self._parts
        keep = 1 if self._opened == len(parts) else 0
        taken = "".join(parts[: len(parts) - keep])
        del parts[: len(parts) - keep]
        self._opened = len(parts) if keep else -1
        return taken

    def document(self) -> bytes:
        """The document: declaration, what was written from depth 0, a final line break."""
        return (DECLARATION + "".join(self._parts) + "\n").encode("utf-8")


class Fragment:
    """A piece of a document that recurs with other values (a QTI choice with its text),
    written once and then copied with the values put in: one string instead of a call per
    element.

    `build(w, *values)` writes the piece with XmlWriter calls; `kinds` says, for each value,
    whether it goes into a text ("t") or an attribute ("a"), so that it is escaped as there.
    For each depth, the piece is built once with placeholders for the values. `build` may
    use its values only as texts and attributes (never look at them): then the copy is what
    `build` writes. A piece with an empty value is built afresh, since an empty text makes
    `<tag />` (an empty attribute would not need it, but it is as right and simpler).
    """

    __slots__ = ("_build", "_escapes", "_templates")

    def __init__(self, build: Callable[..., None], kinds: str) -> None:
        self._build = build
        self._escapes = [escape_text if kind == "t" else escape_attr for kind in kinds]
        self._templates: dict[int, str] = {}

    def _template(self, depth: int) -> str:
        marks = [f"\x00{i}\x00" for i in range(len(self._escapes))]
        w = XmlWriter(depth)
        self._build(w, *marks)
        written = "".join(w._parts).replace("{", "{{").replace("}", "}}")
        for i, mark in enumerate(marks):
            written = written.replace(mark, f"{{{i}}}")
        if "\x00" in written:
            raise ValueError("a Fragment's build changed a value instead of writing it")
        self._templates[depth] = written
        return written

    def write(self, w: XmlWriter, *values: str) -> None:
        """What `build(w, *values)` writes."""
        if "" in values:  # an empty text is `<tag />`
            self._build(w, *values)
            return
        template = self._templates.get(w._depth) or self._template(w._depth)
        w._parts.append(template.format(*map(operator.call, self._escapes, values)))
