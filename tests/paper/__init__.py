"""Tests of the printed quiz. Helpers shared by them: what a reader sees of an HTML page
(our HTML writer's pages, and the Markdown writer's output rendered by markdown-it)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

# Elements that have no end tag: they never contain text, and never open one.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _Texts(HTMLParser):
    """The text inside each element that `wanted(tag, attrs)` picks (nested elements
    included), entities decoded; and every tag of the page."""

    def __init__(self, wanted: Callable[[str, dict[str, str | None]], bool]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.open = ""  # the tag of the element being read
        self.depth = 0  # how many of that tag are open, while inside one
        self.found: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if self.depth:
            self.depth += tag == self.open and tag not in _VOID
        elif self.wanted(tag, dict(attrs)):
            self.found.append("")
            if tag not in _VOID:
                self.open, self.depth = tag, 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == self.open:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data


def _parse(page: str, wanted: Callable[[str, dict[str, str | None]], bool]) -> _Texts:
    parser = _Texts(wanted)
    parser.feed(page)
    return parser


def texts(page: str, cls: str) -> list[str]:
    """The text of every element with the class `cls`."""
    return _parse(page, lambda _, attrs: cls in (attrs.get("class") or "").split()).found


def elements(page: str, tag: str) -> list[str]:
    """The text of every element named `tag`."""
    return _parse(page, lambda name, _: name == tag).found


def tags(page: str) -> set[str]:
    """Every tag the page uses."""
    return set(_parse(page, lambda *_: False).tags)


def seen(text: str) -> str:
    """Bank text as a reader sees it printed: marks gone, straight quotes curly (P22)."""
    from quizgen.paper.document import rich

    return "".join(body for _, body in rich(text))
