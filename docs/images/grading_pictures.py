"""Make docs/images/grading-review.png and grading-report.png from today's quizgen.

Runs the docs' own example (docs/grading.md): the quiz of questions/putin-troops-belarus.yaml
with its sheets, six pupils' sheets filled with tests/grading/synth.py (one with a double
mark, one blank, one on the wrong version's sheet), `quizgen grade` with --review and
--report, then a crop of one review picture and a Chromium screenshot of the report.

    PYTHONPATH=$PWD python docs/images/grading_pictures.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "images"


def quizgen(*args: str, cwd: Path = ROOT) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)


def keyed(
    layout: dict[str, Any], version: str, right: float, rng: np.random.Generator
) -> dict[int, list[str]]:
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


def main() -> None:
    from tests.grading import synth

    work = Path(tempfile.mkdtemp(prefix="quizgen-pictures-"))
    quizgen("quiz", "questions/putin-troops-belarus.yaml", "-n", "15", "-v", "2", "--seed", "monday",
            "--sheets", "-o", str(work / "monday.pdf"))  # fmt: skip
    import json

    layout = json.loads((work / "monday-layout.json").read_text())
    pages = synth.rasterise((work / "monday-sheets.pdf").read_bytes(), 150)
    rng = np.random.default_rng(7)
    scans = work / "scans"
    scans.mkdir()
    pupils = [("100001", "A", 0.9), ("100002", "B", 0.7), ("100003", "A", 0.6), ("100004", "B", 0.8),
              ("100005", "A", 0.0), ("100006", "A", 0.85)]  # fmt: skip
    for i, (student, version, right) in enumerate(pupils):
        index = next(k for k, p in enumerate(layout["pages"]) if p["version"] == version)
        spec, img = layout["pages"][index], pages[index].copy()
        answers = {} if right == 0 else keyed(layout, "B" if i == 5 else version, right, rng)
        if i == 0:  # a double mark on the first choice question
            q = next(q for q in layout["versions"][0]["questions"] if q["kind"] == "choice")
            answers[q["number"]] = [q["answer"], next(c for c in q["choices"] if c != q["answer"])]
        for b in spec["bubbles"]:
            if b["field"] == "student" and student[b["column"]] == b["value"]:
                synth.mark(img, b["box"], "solid", 150, rng)
            elif b["field"] in ("answer", "score") and b["value"] in answers.get(b["question"], []):
                synth.mark(img, b["box"], "solid" if b["field"] == "answer" else "tickbox", 150, rng)
        cv2.imwrite(str(scans / f"pupil-{i + 1}.png"), synth.rotate(img, float(rng.uniform(-3, 3))))
    quizgen("grade", "scans", "--layout", "monday-layout.json", "-o", "results.csv", "--review", "review",
            "--report", "report.html", cwd=work)  # fmt: skip
    review = cv2.imread(str(work / "review" / "pupil-1-p1.png"))
    h, w = review.shape[:2]
    small = cv2.resize(review, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(OUT / "grading-review.png"), small, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1000,1500", f"--screenshot={OUT / 'grading-report.png'}",
                    (work / "report.html").as_uri()], check=True, capture_output=True)  # fmt: skip
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
