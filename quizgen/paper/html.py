"""HTML quizzes and answer keys: one self-contained file each, ready to print from a browser.

Jinja2 with autoescape on renders the same document as the PDF (quizgen.paper.document).
Bank text reaches the page only through the `rich` filter, which escapes every run
before wrapping it in <strong>/<em>/<code>: `<script>` in a question prints as text.
Images are embedded as data: URIs so the file can be mailed or moved on its own.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.bank.text import safe_link
from quizgen.output import write_set
from quizgen.paper.document import Json, document, key_path
from quizgen.select import Quiz

if TYPE_CHECKING:
    import jinja2

SUFFIX = ".html"

_TAGS = {"b": "strong", "i": "em", "code": "code"}

# What a browser may show from a data: URI in an <img>; other files are left as a link.
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


def render_files(
    quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True, timestamp: int | None = None
) -> dict[Path, bytes]:
    """The HTML of all versions of `quiz` for `out` and, when `key`, the answer key beside it.

    `timestamp` is accepted for the common writer interface: the HTML carries no date.
    """
    doc = document(quiz, paper=paper, image=data_uri)
    files = {out: render(doc, "quiz").encode("utf-8")}
    if key:
        files[key_path(out)] = render(doc, "key").encode("utf-8")
    return files


def write(
    quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True, timestamp: int | None = None
) -> list[Path]:
    """Write all versions of `quiz` to `out` (HTML) and, when `key`, the answer key beside it.

    Both files are rendered, then written as one set. Returns the paths written.
    """
    return write_set(render_files(quiz, out, paper=paper, key=key, timestamp=timestamp))


def render(doc: Json, part: str = "quiz") -> str:
    """The HTML text of the quiz ("quiz") or of its key ("key")."""
    return _environment().get_template(f"{part}.html.j2").render(doc=doc)


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("quizgen.paper", "templates"),
        autoescape=True,  # every {{ }} is escaped; bank text is never trusted markup
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests, not a quiz
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["rich"] = rich
    env.filters["web_link"] = safe_link  # links only for http(s), even if a document held another
    return env


def rich(runs: Sequence[Sequence[str]]) -> Any:
    """JSON runs as safe HTML: each run escaped, then wrapped in its tag."""
    from markupsafe import Markup, escape

    parts: list[str] = []
    for style, text in runs:
        body = str(escape(text))
        tag = _TAGS.get(style)
        parts.append(f"<{tag}>{body}</{tag}>" if tag else body)
    return Markup("".join(parts))


def data_uri(path: Path) -> str:
    """An image file as a data: URI, so the HTML file carries its pictures."""
    mime = _IMAGE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{mime or 'application/octet-stream'};base64,{payload}"
