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

from quizgen.bank.numbers import format_number
from quizgen.grading.score import Review, Sheet

Json = dict[str, Any]

TOP_SHARE = 0.27  # the classic upper group of item analysis (Kelley)
MIN_TOP = 3
LOW_DISCRIMINATION = 0.15
# Below this many sheets a point-biserial correlation moves by +-0.3 with one pupil more or
# less, so the report says the figures are rough (a common rule of thumb of item analysis).
SMALL_CLASS = 20
PROMPT_CHARS = 160


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
    numbers: str = ""  # where it is on each version's paper: "A: Q5 · B: Q7"
    prompt: str = ""
    answered: int = 0  # sheets with a score for it
    pending: int = 0  # sheets where it is under review
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
            qid, q0["kind"], q0.get("source", ""), float(q0["points"]), ", ".join(keyed), keyed=keyed,
            numbers=" \u00b7 ".join(f"{v}: Q{qs[qid]['number']}" for v, qs in by_version.items()
                                    if qid in qs),
            prompt=_short(str(q0.get("prompt", ""))),
        )  # fmt: skip
        if q0["kind"] in ("match", "order", "cloze") and len(by_version) > 1:
            item.key = f"{item.key} (version {layout['versions'][0]['version']}'s letters)"
        if q0["kind"] in ("choice", "multi", "truefalse"):
            texts = list(q0["choices"].values()) if "choices" in q0 else ["True", "False"]
            item.choices = dict.fromkeys(texts, 0)
        scores, rests, picks = [], [], []
        for sheet in sheets:
            q = by_version[sheet.version][qid]
            got = sheet.points.get(q["number"])
            if got is None:
                item.pending += 1
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
                chose = "all" if counts[best] == size else str(counts[best])
                keyed = counts.get(key, 0)
                flags.append(
                    f"key may be wrong: {chose} of the {size} strongest students chose \u201c{best}\u201d, "
                    f"{'none' if keyed == 0 else keyed} the key \u201c{key}\u201d"
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


def _short(text: str) -> str:
    """A prompt on one line, cut at a word near PROMPT_CHARS."""
    flat = " ".join(text.split())
    if len(flat) <= PROMPT_CHARS:
        return flat
    return flat[:PROMPT_CHARS].rsplit(" ", 1)[0] + " \u2026"


def points_text(value: float) -> str:
    """Points as a teacher writes them: "1 point", "2.5 points"."""
    return f"{format_number(round(value, 2))} point{'' if value == 1 else 's'}"


def students(sheets: Sequence[Sheet]) -> list[Json]:
    """Each sheet's score, best first; a sheet with a problem says so in words."""
    rows = [
        {
            "student": s.student or "?",
            "version": s.version + (f" (sheet {s.printed})" if s.printed else ""),
            "score": f"{format_number(round(s.score, 2))}/{format_number(round(s.max, 2))}",
            "percent": 100 * s.score / s.max if s.max else 0.0,
            "pending": s.pending,
            "problems": [r.reason for r in s.problems],
            "where": f"{s.pages[0].file} page {s.pages[0].index}",
        }
        for s in sheets
    ]
    return sorted(rows, key=lambda r: (not r["problems"], -r["percent"], r["student"]))


@cache
def _template() -> str:
    return resources.files("quizgen.grading").joinpath("templates", "report.html.j2").read_text("utf-8")


def render_report(sheets: Sequence[Sheet], layout: Json, loose: Sequence[Review] = ()) -> str:
    """The item analysis as one self-contained HTML page (Jinja2, autoescaped).

    It opens with what is wrong before any figure: sheet problems (a blank sheet, a number
    on two sheets, a missing page, a mixed-up version, an unreadable page) and the items
    under review, so that no score is read as final while a doubt is open.
    """
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["points"] = points_text
    items = analyse(sheets, layout)
    rows = students(sheets)
    mean = sum(r["percent"] for r in rows) / len(rows) if rows else 0.0
    owner = {(p.file, p.index): s for s in sheets for p in s.pages}
    problems = [
        {
            "where": f"{r.file} page {r.index}",
            "student": _who(owner.get((r.file, r.index))),
            "reason": r.reason,
        }
        for r in sorted([r for s in sheets for r in s.problems] + list(loose), key=Review.sort_key)
    ]
    reviews = [
        {"where": f"{r.file} page {r.index}", "student": _who(owner.get((r.file, r.index))),
         "question": r.question, "reason": r.reason}
        for r in sorted((r for s in sheets for r in s.reviews if r.question), key=Review.sort_key)
    ]  # fmt: skip
    return env.from_string(_template()).render(
        title=layout.get("title") or "Quiz", quiz=layout["quiz"], items=items, students=rows, mean=mean,
        flagged=sum(1 for i in items if i.flags), problems=problems, reviews=reviews,
        small=len(sheets) < SMALL_CLASS, small_class=SMALL_CLASS,
    )  # fmt: skip


def _who(sheet: Sheet | None) -> str:
    if sheet is None:
        return "not read"
    return f"student {sheet.student or '?'}, version {sheet.version}"
