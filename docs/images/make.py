"""Make every picture of the docs from today's commands, so that none can go stale.

    PYTHONPATH=. python docs/images/make.py            # every picture
    PYTHONPATH=. python docs/images/make.py anki-      # the pictures whose name starts so

Each picture is a list of steps (quizgen commands, as the docs show them, and what a person
does between them, such as filling and scanning a sheet) and one render step: a PDF page
with pypdfium2, a card or an HTML page in headless Chromium at phone (390 px) or desktop
(1000 px) width. The steps run in a scratch folder holding a copy of questions/.

Beside the pictures, inputs.json records per picture a hash of its inputs (this script's
description of it, the banks and the code of the outputs it shows) and of the PNG.
tests/test_docs_images.py fails when a picture's inputs changed since it was made: run this
script again and commit the pictures with inputs.json.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
INPUTS = HERE / "inputs.json"
PHONE, DESKTOP = 390, 1000


# -- what a picture is ---------------------------------------------------------------------


@dataclass(frozen=True)
class Quizgen:
    """A quizgen command line as the docs show it, run in the scratch folder."""

    args: tuple[str, ...]
    ok_codes: tuple[int, ...] = (0,)

    def describe(self) -> str:
        return "quizgen " + " ".join(self.args)

    def run(self, work: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
        done = subprocess.run(
            [sys.executable, "-m", "quizgen", *self.args], cwd=work, env=env, capture_output=True, text=True
        )
        if done.returncode not in self.ok_codes:
            raise SystemExit(f"{self.describe()}: exit {done.returncode}\n{done.stdout}{done.stderr}")


@dataclass(frozen=True)
class FillSheets:
    """Six pupils fill their sheets (tests/grading/synth.py draws the marks) and a scanner makes
    `scans/pupil-N.png` of each at 150 dpi, a little tilted: pupil 1 puts a double mark on the
    first choice question, pupil 5 hands in a blank sheet, pupil 6 answers quiz B on sheet A."""

    sheets: str
    layout: str
    pupils: tuple[tuple[str, str, float], ...] = (
        ("100001", "A", 0.9), ("100002", "B", 0.7), ("100003", "A", 0.6), ("100004", "B", 0.8),
        ("100005", "A", 0.0), ("100006", "A", 0.85),
    )  # fmt: skip

    def describe(self) -> str:
        return f"fill {self.sheets} by {self.pupils} (double mark on 1, 6 answers B on sheet A)"

    def run(self, work: Path) -> None:
        import cv2
        import numpy as np

        from tests.grading import synth

        dpi = 150
        layout = json.loads((work / self.layout).read_text(encoding="utf-8"))
        pages = synth.rasterise((work / self.sheets).read_bytes(), dpi)
        rng = np.random.default_rng(7)
        (work / "scans").mkdir(exist_ok=True)
        for i, (student, version, right) in enumerate(self.pupils):
            index = next(k for k, p in enumerate(layout["pages"]) if p["version"] == version)
            spec, img = layout["pages"][index], pages[index].copy()
            answers = {} if right == 0 else _keyed(layout, "B" if i == 5 else version, right, rng)
            if i == 0:  # a double mark on the first choice question
                q = next(q for q in layout["versions"][0]["questions"] if q["kind"] == "choice")
                answers[q["number"]] = [q["answer"], next(c for c in q["choices"] if c != q["answer"])]
            for b in spec["bubbles"]:
                if b["field"] == "student" and student[b["column"]] == b["value"]:
                    synth.mark(img, b["box"], "solid", dpi, rng)
                elif b["field"] in ("answer", "score") and b["value"] in answers.get(b["question"], []):
                    synth.mark(img, b["box"], "solid" if b["field"] == "answer" else "tickbox", dpi, rng)
            tilted = synth.rotate(img, float(rng.uniform(-3, 3)))
            cv2.imwrite(str(work / "scans" / f"pupil-{i + 1}.png"), tilted)


def _keyed(layout: dict[str, Any], version: str, right: float, rng: Any) -> dict[int, list[str]]:
    """What a pupil who knows `right` of the answers marks, per question number."""
    out: dict[int, list[str]] = {}
    page = next(p for p in layout["pages"] if p["version"] == version)
    for q in next(v["questions"] for v in layout["versions"] if v["version"] == version):
        values = [
            b["value"] for b in page["bubbles"] if b["question"] == q["number"] and b["field"] != "cancel"
        ]
        if q["field"] == "score":
            out[q["number"]] = [values[-1] if rng.random() < right else values[0]]
        elif rng.random() < right:
            out[q["number"]] = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        else:
            out[q["number"]] = [values[int(rng.integers(len(values)))]]
    return out


Step = Quizgen | FillSheets


@dataclass(frozen=True)
class PdfPage:
    """Page `page` (from 0) of a PDF, `width` px wide; `top` keeps that fraction of it."""

    pdf: str
    page: int = 0
    width: int = 800
    top: float = 1.0

    def describe(self) -> str:
        return f"pdf {self.pdf} page {self.page + 1} at {self.width} px, top {self.top}"


@dataclass(frozen=True)
class Card:
    """One side of the card of `ref` (bank/question-id) in the package `apkg`, as Anki renders it."""

    apkg: str
    ref: str
    side: str  # "front" or "back"
    width: int = PHONE
    night: bool = False

    def describe(self) -> str:
        return (
            f"card {self.ref} {self.side} of {self.apkg} at {self.width} px{' night' if self.night else ''}"
        )


@dataclass(frozen=True)
class HtmlPage:
    """An HTML page at `width` px, cut at `height` px (the first screenful)."""

    page: str
    width: int = DESKTOP
    height: int = 900

    def describe(self) -> str:
        return f"html {self.page} at {self.width}x{self.height} px"


Render = PdfPage | Card | HtmlPage


@dataclass(frozen=True)
class Picture:
    """One PNG of docs/images: the steps that make what it shows, the render, and the files
    (banks and code, relative to the repository) whose change makes it stale."""

    name: str
    steps: tuple[Step, ...]
    render: Render
    inputs: tuple[str, ...]
    shown_in: str = ""  # the docs page, for the reader of this list
    extra: dict[str, str] = field(default_factory=dict)


# Code each kind of output comes from (besides the banks): a change there stales its pictures.
BANK_CODE = ("quizgen/bank", "quizgen/select.py", "quizgen/scoring.py")
PAPER = (*BANK_CODE, "quizgen/paper", "quizgen/cli/quiz.py")
ANKI = (*BANK_CODE, "quizgen/anki", "quizgen/cli/anki.py")
GRADING = (*PAPER, "quizgen/grading", "quizgen/cli/grade.py", "tests/grading/synth.py")

QUIZ = Quizgen(("quiz", "questions/", "-n", "10", "-v", "3", "--seed", "3", "-o", "quiz.pdf"))
QUIZ_HTML = Quizgen(("quiz", "questions/putin-visit-minsk.yaml", "-o", "minsk.html"))
DECK = Quizgen(("anki", "questions/", "-o", "decks/belarus.apkg"))
MONDAY = Quizgen(
    ("quiz", "questions/putin-troops-belarus.yaml", "-n", "15", "-v", "2", "--seed", "monday", "--sheets",
     "-o", "monday.pdf")
)  # fmt: skip
SCANNED = FillSheets("monday-sheets.pdf", "monday-layout.json")
GRADE = Quizgen(
    ("grade", "scans/", "--layout", "monday-layout.json", "-o", "results.csv", "--json", "sheets.json",
     "--review", "review/", "--report", "report.html"),
    ok_codes=(0, 1),  # 1: something to review, which the review picture shows
)  # fmt: skip
BANKS = ("questions",)
CHOICE_CARD = "putin-troops-belarus/uk-main-assessment"
APKG = "decks/belarus.apkg"

PICTURES = (
    Picture("print-page.png", (QUIZ,), PdfPage("quiz.pdf"), (*BANKS, *PAPER), "print.md"),
    Picture("print-key.png", (QUIZ,), PdfPage("quiz-key.pdf"), (*BANKS, *PAPER), "print.md"),
    Picture(
        "print-html-phone.png", (QUIZ_HTML,), HtmlPage("minsk.html", PHONE, 844), (*BANKS, *PAPER), "print.md"
    ),
    Picture("anki-card-front.png", (DECK,), Card(APKG, CHOICE_CARD, "front"), (*BANKS, *ANKI), "anki.md"),
    Picture("anki-card-back.png", (DECK,), Card(APKG, CHOICE_CARD, "back"), (*BANKS, *ANKI), "anki.md"),
    Picture(
        "anki-card-back-night.png",
        (DECK,),
        Card(APKG, CHOICE_CARD, "back", night=True),
        (*BANKS, *ANKI),
        "anki.md",
    ),
    Picture(
        "anki-match-back.png",
        (DECK,),
        Card(APKG, "putin-troops-belarus/places-roles", "back"),
        (*BANKS, *ANKI),
        "anki.md",
    ),
    Picture(
        "anki-order-back.png",
        (DECK,),
        Card(APKG, "putin-troops-belarus/events-timeline", "back", width=DESKTOP),
        (*BANKS, *ANKI),
        "anki.md",
    ),
    Picture("grading-sheet.png", (MONDAY,), PdfPage("monday-sheets.pdf"), (*BANKS, *GRADING), "grading.md"),
    Picture(
        "grading-review.png",
        (MONDAY, SCANNED, GRADE),
        PdfPage("review/pupil-1-p1.png", width=620),
        (*BANKS, *GRADING),
        "grading.md",
    ),
    Picture(
        "grading-report.png",
        (MONDAY, SCANNED, GRADE),
        HtmlPage("report.html", DESKTOP, 1000),
        (*BANKS, *GRADING),
        "grading.md",
    ),
)


# -- the inputs hash -----------------------------------------------------------------------


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def inputs_hash(picture: Picture, root: Path = ROOT) -> str:
    """A hash of what `picture` shows: how it is made, and every file it is made from."""
    digest = hashlib.sha256()
    recipe = [step.describe() for step in picture.steps] + [picture.render.describe()]
    digest.update(json.dumps(recipe).encode())
    for name in sorted(picture.inputs):
        for path in _files(root / name):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- rendering -----------------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        raise SystemExit("make.py needs chromium (tests/run.sh installs it)")
    return found


def screenshot(page: Path, out: Path, width: int, height: int) -> None:
    """A headless Chromium screenshot of `page`, `width` x `height` CSS px, no scroll bars."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={profile}", f"--window-size={width},{height}", "--virtual-time-budget=3000",
             f"--screenshot={out}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def trim_bottom(png: Path, margin: int = 16) -> None:
    """Cut the empty rows under the content (a card is shorter than the window)."""
    import cv2
    import numpy as np

    img = cv2.imread(str(png))
    rows = np.where((np.abs(img.astype(int) - img[-1:, :, :].astype(int)).sum(axis=2) > 24).any(axis=1))[0]
    if len(rows):
        cv2.imwrite(str(png), img[: min(len(img), rows[-1] + 1 + margin)], [cv2.IMWRITE_PNG_COMPRESSION, 9])


def card_page(work: Path, card: Card) -> Path:
    """One card side as Anki renders it, wrapped as Anki's reviewer wraps it, in an HTML file."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder = Path(tempfile.mkdtemp(dir=work))
    col = Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(work / card.apkg), options=ImportAnkiPackageOptions()
        )
        col.import_anki_package(request)
        found = [c for c in (col.get_card(cid) for cid in col.find_cards("")) if c.note()["Ref"] == card.ref]
        if not found:
            raise SystemExit(f"{card.describe()}: no such card")
        chosen = found[0]
        side = chosen.question() if card.side == "front" else chosen.answer()
        css = chosen.note_type()["css"]
    finally:
        col.close()
    body = "card card1 nightMode night_mode" if card.night else "card card1"
    page = folder / "card.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width={card.width}"><title>{html.escape(card.ref)}</title><style>{css}</style></head>'
        f'<body class="{body}">{side}</body></html>',
        encoding="utf-8",
    )
    return page


def render(picture: Picture, work: Path, out: Path) -> None:
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    how = picture.render
    if isinstance(how, PdfPage) and how.pdf.endswith(".png"):  # an image a command wrote
        img = cv2.imread(str(work / how.pdf))
        scale = how.width / img.shape[1]
        img = cv2.resize(img, (how.width, round(img.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(out), img[: round(img.shape[0] * how.top)], [cv2.IMWRITE_PNG_COMPRESSION, 9])
    elif isinstance(how, PdfPage):
        doc = pdfium.PdfDocument(str(work / how.pdf))
        page = doc[how.page]
        bitmap = page.render(scale=how.width / page.get_width()).to_numpy()
        doc.close()
        img = np.ascontiguousarray(bitmap[..., :3])
        img = img[: round(img.shape[0] * how.top)]
        cv2.imwrite(str(out), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    elif isinstance(how, Card):
        screenshot(card_page(work, how), out, how.width, 1400)
        trim_bottom(out)
    else:
        screenshot(work / how.page, out, how.width, how.height)


def make(pictures: Sequence[Picture], log: Callable[[str], None] = print) -> None:
    """Run each picture's steps (each distinct step once) and render it; update inputs.json."""
    recorded: dict[str, Any] = json.loads(INPUTS.read_text(encoding="utf-8")) if INPUTS.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "questions", work / "questions")
        done: set[Step] = set()
        for picture in pictures:
            for step in picture.steps:
                if step not in done:
                    log(f"  {step.describe()}")
                    step.run(work)
                    done.add(step)
            out = HERE / picture.name
            render(picture, work, out)
            recorded[picture.name] = {"inputs": inputs_hash(picture), "png": file_hash(out)}
            log(f"{picture.name}: {out.stat().st_size // 1024} KB")
    known = {p.name for p in PICTURES}
    recorded = {k: v for k, v in sorted(recorded.items()) if k in known}
    INPUTS.write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    wanted = sys.argv[1:]
    make([p for p in PICTURES if not wanted or any(p.name.startswith(w) for w in wanted)])
