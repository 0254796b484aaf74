"""PDF quizzes and answer keys, laid out by Typst (the `typst` package, no external tool).

The template (templates/quiz.typ) ships in the package; the quiz goes to it as JSON
through `sys_inputs`, so bank text is data to Typst and never markup. Output is
reproducible: only the fonts embedded in Typst are used (never the machine's), and
the PDF's date is the `timestamp` the caller passes (quizgen.clock: SOURCE_DATE_EPOCH,
else the newest `published` date of the quiz's banks), never the clock.
"""

from __future__ import annotations

import io
import json
import queue
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from quizgen.clock import EARLIEST, LATEST, published_time
from quizgen.errors import RenderError
from quizgen.output import write_set
from quizgen.paper import piece
from quizgen.paper.document import Json, document, key_path
from quizgen.paper.piece import template
from quizgen.select import Item, Quiz, Version

if TYPE_CHECKING:
    from pypdf import PdfReader

SUFFIX = ".pdf"

PARTS = ("quiz", "key")


def render_files(
    quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True, timestamp: int | None = None
) -> dict[Path, bytes]:
    """The PDF of all versions of `quiz` for `out` and, when `key`, the answer key beside it.

    `timestamp` is the PDFs' date (default: `quizgen.clock.published_time` of the banks).
    Raises RenderError (naming the question) if Typst fails.
    """
    parts = PARTS if key else PARTS[:1]
    rendered = render(quiz, paper=paper, parts=parts, timestamp=timestamp)
    targets = [out, key_path(out)][: len(parts)]
    return dict(zip(targets, rendered, strict=True))


def write(
    quiz: Quiz, out: Path, *, paper: str = "a4", key: bool = True, timestamp: int | None = None
) -> list[Path]:
    """Write all versions of `quiz` to `out` (PDF) and, when `key`, the answer key beside it.

    Both files are rendered, then written as one set: a Typst error writes nothing.
    Returns the paths written.
    """
    return write_set(render_files(quiz, out, paper=paper, key=key, timestamp=timestamp))


def render(
    quiz: Quiz,
    *,
    paper: str = "a4",
    parts: tuple[str, ...] = PARTS,
    blame: bool = True,
    timestamp: int | None = None,
) -> list[bytes]:
    """The PDF bytes of each of `parts` ("quiz", "key") of `quiz`, dated `timestamp`.

    Raises RenderError if Typst fails; with `blame`, the message names the question.
    """
    date = published_time(quiz.banks) if timestamp is None else timestamp
    if not EARLIEST <= date <= LATEST:
        raise ValueError(f"timestamp {date} is outside {EARLIEST}..{LATEST} (see quizgen.clock)")
    with tempfile.TemporaryDirectory(prefix="quizgen-typst-") as tmp:
        root = Path(tmp)
        doc = document(quiz, paper=paper, image=ImageCopier(root))

        slots = threading.Semaphore(CHILDREN)

        def one(part: str) -> bytes:
            try:
                return _render_part(doc, root, part, date, slots)
            except RenderError as exc:
                if not blame:
                    raise
                raise RenderError(_blame(quiz, paper, str(exc), part)) from None

        # The quiz and the key are laid out side by side. A document that fits is one
        # compile in this process: Typst used every core for one once (each part was a page
        # run of its own, laid out in parallel), and one after the other was faster; with
        # one page run a compile keeps to about 1.5 cores, and side by side the 30 x 50
        # class set took 1.79-1.94 s against 2.08-2.15 s (min, median of 5 on 2 cores).
        # Pieces compile in child processes, one at a time within a printed part (each
        # piece's page numbers follow from the one before); Typst keeps to about one core
        # in a child, so the parts' chains, the quiz's and the key's, run side by side
        # (measured 1.8x on 2 cores), CHILDREN at a time.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            return list(pool.map(one, parts))


# Printed questions in one Typst compile in this process. Typst needs about 0.2 MB per
# printed question and keeps it until its process ends, so a bigger document is laid out
# in pieces, each in a child process, and the pieces are joined (docs/print.md, "Big
# quizzes"). 1,600 lets a class set (30 versions of 50 questions) compile at once.
ONE_COMPILE_MAX = 1600
# Printed questions per piece. Typst's time per question grows with the document: measured
# on a 10,000-question bank, a piece of 1,600 took 1.48 s and one of 400 took 0.25 s (0.93
# and 0.63 ms a question; at 100 the child's start-up dominates). A piece of 400 also keeps
# a child near 100 MB, so the quiz's and the key's children can run at the same time.
PIECE_QUESTIONS = 400


# Child compiles at a time, over every part and chain of one render: the quiz's and the
# key's children have always run side by side, and two pieces of 400 keep a build under
# 1 GB (the largest child measured 361 MB).
CHILDREN = 2


def _render_part(doc: Json, root: Path, part: str, timestamp: int, slots: threading.Semaphore) -> bytes:
    if len(split(doc, part, ONE_COMPILE_MAX)) == 1:
        return _compile(json.dumps(doc, ensure_ascii=False), root, part, timestamp)
    chains = _chains(split(doc, part, PIECE_QUESTIONS))
    # Each printed part (a version, the key's grid, a version's key) restarts its page
    # numbers, so its pieces depend only on one another: the parts' chains run side by
    # side, `slots` children at a time. One chain per part (quiz, key) left a core idle
    # whenever one was ahead: a 10,000-question build took 34.1 s, 2.4 s of it the key's
    # chain alone after the quiz's had finished (31.6 s with a chain per printed part).
    # Each piece is joined on as soon as those before it are (in this thread, while the
    # children lay out the next): the key's 2,000 pages, joined after its last piece, kept
    # the build waiting 1.5 s with both cores idle but one.
    from concurrent.futures import ThreadPoolExecutor

    feeds: list[queue.SimpleQueue[PdfReader | None]] = [queue.SimpleQueue() for _ in chains]
    stop = threading.Event()
    joined = _Joined()
    with ThreadPoolExecutor(max_workers=len(chains)) as pool:
        runs = [
            pool.submit(_compile_chain, chain, root, part, timestamp, slots, feed, stop)
            for chain, feed in zip(chains, feeds, strict=True)
        ]
        try:
            for run, feed in zip(runs, feeds, strict=True):
                while (reader := feed.get()) is not None:
                    joined.add(reader)
                run.result()  # the chain's RenderError, if it failed
        finally:
            stop.set()
    return joined.pdf()


def _chains(pieces: list[Json]) -> list[list[Json]]:
    """`pieces` in runs that each hold one printed part: a new run at each piece that starts one."""
    chains: list[list[Json]] = []
    for one in pieces:
        starts = one["versions"][0]["starts"] if one["versions"] else one["key_head"]
        if starts or not chains:
            chains.append([])
        chains[-1].append(one)
    return chains


def _compile_chain(
    chain: list[Json],
    root: Path,
    part: str,
    timestamp: int,
    slots: threading.Semaphore,
    feed: queue.SimpleQueue[PdfReader | None],
    stop: threading.Event,
) -> None:
    """Lay out the pieces of one printed part in order, each numbered on from the one before,
    and put each on `feed`, then None (also when one fails, or when `stop` is set).

    A piece's `page_offset` is the pages before it in its part, not in the joined file: a
    double-sided part ends padded to an even page, so every part starts after an even
    number of pages and the padding comes out the same.
    """
    pages = 0
    try:
        for one in chain:
            if stop.is_set():
                return
            one["first_page"] = pages + 1
            one["page_offset"] = pages
            data = json.dumps(one, ensure_ascii=False)
            with slots:
                pdf = _compile_piece(data, root, part, timestamp)
            reader = _read(pdf)
            pages += len(reader.pages)
            feed.put(reader)
    finally:
        feed.put(None)


# A table of the key's answer grid costs Typst about as much as this many printed questions.
TABLE_COST = 4


def split(doc: Json, part: str, size: int) -> list[Json]:
    """`doc` in pieces that cost Typst at most about `size` printed questions each.

    A document that fits is one piece, itself. Otherwise each piece is a run of one
    printed part: the key's answer grid first (its title in the first piece, the marking
    notes in the last), then each version's questions (none in a grid-only key). A piece
    says whether it starts its part (the quiz's head, page 1) and ends it (its last
    page), and each section whether its heading is in it.
    """
    with_questions = part == "quiz" or doc.get("key_layout", "full") == "full"
    printed = [q for v in doc["versions"] for s in v["sections"] for q in s["questions"]]
    questions = len(printed) if with_questions else 0
    grid = doc["grid"] if part == "key" else []
    if questions + TABLE_COST * len(grid) <= size:
        return [doc]
    base = {**doc, "letters": [v["letter"] for v in doc["versions"]], "piece": True, "grid": []}
    pieces: list[Json] = []
    if part == "key":
        per_piece = max(1, size // TABLE_COST)
        starts = range(0, max(len(grid), 1), per_piece)
        pieces += [
            {
                **base,
                "versions": [],
                "grid": grid[start : start + per_piece],
                "key_head": start == 0,
                "key_notes": start == starts[-1],
            }
            for start in starts
        ]
    for ver in doc["versions"] if with_questions else []:
        runs: list[list[Json]] = [[]]
        room = size
        for section in ver["sections"]:
            questions_left = section["questions"]
            start = 0
            while True:
                if room == 0:
                    runs.append([])
                    room = size
                take = questions_left[start : start + room]
                runs[-1].append({**section, "questions": take, "head": start == 0})
                start += len(take)
                room -= len(take)
                if start >= len(questions_left):
                    break
        for n, sections in enumerate(runs):
            fragment = {**ver, "sections": sections, "starts": n == 0, "ends": n == len(runs) - 1}
            pieces.append({**base, "versions": [fragment]})
    return pieces


def _compile_piece(data: str, root: Path, part: str, timestamp: int) -> bytes:
    try:
        return piece.compile_in_child(data, root, part, timestamp)
    except piece.CompileFailed as exc:
        raise RenderError(str(exc)) from None


def _read(pdf: bytes) -> PdfReader:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


class _Joined:
    """One PDF of the pieces' pages, in the order added, with the first piece's title and dates."""

    def __init__(self) -> None:
        from pypdf import PdfWriter

        self.writer = PdfWriter()
        self.first: PdfReader | None = None

    def add(self, reader: PdfReader) -> None:
        self.writer.append(reader, import_outline=False)
        if self.first is None:
            self.first = reader

    def pdf(self) -> bytes:
        info = self.first.metadata if self.first else None
        if info:
            self.writer.add_metadata({key: value for key, value in info.items() if key != "/Producer"})
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()


class ImageCopier:
    """Copies each image into the Typst root and names it there.

    Typst reads files only below its root. Copying the few images a quiz prints into
    a private root (rather than widening the root to the banks' folders) keeps Typst
    away from every other file on the machine.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        name = self.names.get(path)
        if name is None:
            name = f"/images/{len(self.names)}{path.suffix.lower()}"
            target = self.root / name.lstrip("/")
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, target)
            self.names[path] = name
        return name


def _compile(data: str, root: Path, part: str, timestamp: int) -> bytes:
    try:
        return piece.compile_pdf(template(), data, root, part, timestamp=timestamp)
    except piece.CompileFailed as exc:
        raise RenderError(str(exc)) from None


def _fails(quiz: Quiz, paper: str, part: str) -> bool:
    try:
        render(quiz, paper=paper, parts=(part,), blame=False)
    except RenderError:
        return True
    return False


def _blame(quiz: Quiz, paper: str, message: str, part: str) -> str:
    """Find the question Typst fails on in `part` by bisection, and say which it is.

    Halving the questions costs about two compiles of the whole quiz in all (n/2 + n/4 +
    ...), where printing each question alone cost one compile per question: minutes for
    one bad image in a big bank. Only runs after a failure, so a good quiz never pays for
    it. When even a quiz without questions fails, the fault is quizgen's template.
    """
    if quiz.versions:
        first = quiz.versions[0]

        def fails(items: Sequence[Item]) -> bool:
            numbered = tuple(replace(item, number=n) for n, item in enumerate(items, start=1))
            return _fails(replace(quiz, versions=(Version(first.letter, numbered),)), paper, part)

        suspects: Sequence[Item] = first.items
        if not fails(()):
            while len(suspects) > 1:
                half = suspects[: len(suspects) // 2]
                suspects = half if fails(half) else suspects[len(suspects) // 2 :]
            if suspects and fails(suspects):
                q = suspects[0].question
                pos = q.pos("image") if q.image and "image" in message else q.pos()
                bank = suspects[0].bank.path
                return f"{bank}:{pos.line}:{pos.col}: cannot print question '{q.id}': {message}"
    return f"cannot print the quiz (a bug in quizgen's template?): {message}"


__all__ = ["SUFFIX", "key_path", "render", "render_files", "write"]
