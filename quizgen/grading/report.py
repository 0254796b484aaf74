"""Item analysis: which questions worked, as numbers (pure functions) and as an HTML page.

For each question, across every version (versions reorder questions and choices, so
answers are compared by the choice's text, not its letter):

- share correct: the mean score as a share of the question's points;
- discrimination: the point-biserial correlation of the question's score with the rest
  of the test (the total without this question), so a question does not correlate with
  itself; near 0 or below, the question does not tell strong students from weak ones;
- how often each choice was marked;
- a suspected wrong key: in the top group (the best 27% by rest score, at least 3 students)
  more students chose one other choice than the key.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from quizgen.grading.score import Sheet

Json = dict[str, Any]

TOP_SHARE = 0.27  # the classic upper group of item analysis (Kelley)
MIN_TOP = 3
LOW_DISCRIMINATION = 0.15


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation of two series, or None when either does not vary (or is too short)."""
    n = len(xs)
    if n < 3 or n != len(ys):
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


@dataclass
class ItemStats:
    """What the item analysis says about one question."""

    id: str
    kind: str
    source: str
    points: float
    key: str  # the keyed answer in words (choice text, True/False, or the key's text)
    answered: int = 0  # sheets with a score for it
    share_correct: float | None = None
    discrimination: float | None = None
    choices: dict[str, int] = field(default_factory=dict)  # choice text -> times marked
    keyed: list[str] = field(default_factory=list)  # the keyed choices' texts
    blank: int = 0
    flags: list[str] = field(default_factory=list)


def _chosen(question: Json, answer: str) -> list[str]:
    """The texts of the choices an answer marks."""
    if question["kind"] == "truefalse":
        return [{"T": "True", "F": "False"}[a] for a in answer if a in "TF"]
    choices = question.get("choices", {})
    return [choices[a] for a in answer if a in choices]


def _key_texts(question: Json) -> list[str]:
    answer = question["answer"]
    if question["kind"] == "truefalse":
        return ["True" if answer == "T" else "False"]
    if question["kind"] in ("choice", "multi"):
        letters = answer if isinstance(answer, list) else [answer]
        return [question["choices"][a] for a in letters]
    return [str(question.get("key", ""))]


def analyse(sheets: Sequence[Sheet], layout: Json) -> list[ItemStats]:
    """The item statistics of every question, in the first version's order."""
    by_version = {v["version"]: {q["id"]: q for q in v["questions"]} for v in layout["versions"]}
    first = layout["versions"][0]["questions"] if layout["versions"] else []
    stats: list[ItemStats] = []
    for q0 in first:
        qid = q0["id"]
        keyed = _key_texts(q0)
        item = ItemStats(
            qid, q0["kind"], q0.get("source", ""), float(q0["points"]), ", ".join(keyed), keyed=keyed
        )
        if q0["kind"] in ("choice", "multi", "truefalse"):
            texts = list(q0["choices"].values()) if "choices" in q0 else ["True", "False"]
            item.choices = dict.fromkeys(texts, 0)
        scores, rests, picks = [], [], []
        for sheet in sheets:
            q = by_version[sheet.version][qid]
            got = sheet.points.get(q["number"])
            if got is None:
                continue
            scores.append(got / item.points if item.points else 0.0)
            rests.append(sheet.score - got)
            answer = sheet.answers.get(q["number"]) or ""
            chosen = _chosen(q, answer) if item.choices else []
            picks.append(chosen)
            for text in chosen:
                item.choices[text] = item.choices.get(text, 0) + 1
            if item.choices and not chosen:
                item.blank += 1
        item.answered = len(scores)
        if scores:
            item.share_correct = sum(scores) / len(scores)
        item.discrimination = pearson(scores, rests)
        item.flags = _flags(item, q0, rests, picks)
        stats.append(item)
    return stats


def _flags(item: ItemStats, question: Json, rests: list[float], picks: list[list[str]]) -> list[str]:
    flags = []
    if question["kind"] in ("choice", "truefalse") and len(rests) >= MIN_TOP:
        size = max(MIN_TOP, round(len(rests) * TOP_SHARE))
        top = sorted(range(len(rests)), key=lambda i: -rests[i])[:size]
        counts: dict[str, int] = {}
        for i in top:
            for text in picks[i]:
                counts[text] = counts.get(text, 0) + 1
        key = _key_texts(question)[0]
        if counts:
            best = max(counts, key=lambda t: (counts[t], t == key))
            if best != key and counts[best] > counts.get(key, 0):
                flags.append(
                    f"key may be wrong: {counts[best]} of the top {size} students chose \u201c{best}\u201d, "
                    f"{counts.get(key, 0)} the key \u201c{key}\u201d"
                )
    if item.discrimination is not None and item.discrimination < 0:
        flags.append(f"negative discrimination ({item.discrimination:.2f}): weaker students did better on it")
    elif item.discrimination is not None and item.discrimination < LOW_DISCRIMINATION:
        flags.append(
            f"low discrimination ({item.discrimination:.2f}): strong and weak students do about as well"
        )
    if item.share_correct is not None and item.answered >= MIN_TOP:
        if item.share_correct >= 0.95:
            flags.append("almost everyone got it right")
        elif item.share_correct <= 0.2:
            flags.append("almost nobody got it right")
    return flags


def students(sheets: Sequence[Sheet]) -> list[Json]:
    """Each sheet's score, best first."""
    rows = [
        {
            "student": s.student or "?",
            "version": s.version,
            "score": round(s.score, 2),
            "max": round(s.max, 2),
            "percent": 100 * s.score / s.max if s.max else 0.0,
            "pending": s.pending,
        }
        for s in sheets
    ]
    return sorted(rows, key=lambda r: (-r["percent"], r["student"]))


@cache
def _template() -> str:
    return resources.files("quizgen.grading").joinpath("templates", "report.html.j2").read_text("utf-8")


def render_report(sheets: Sequence[Sheet], layout: Json) -> str:
    """The item analysis as one self-contained HTML page (Jinja2, autoescaped)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    items = analyse(sheets, layout)
    rows = students(sheets)
    mean = sum(r["percent"] for r in rows) / len(rows) if rows else 0.0
    return env.from_string(_template()).render(
        title=layout["title"], quiz=layout["quiz"], items=items, students=rows, mean=mean,
        flagged=sum(1 for i in items if i.flags),
    )  # fmt: skip
