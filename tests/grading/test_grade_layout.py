"""A hand-edited layout file is a list of messages naming each part, never a traceback (G05)."""

from __future__ import annotations

import copy
import json
import math
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quizgen.grading.layoutfile import LayoutError, load_layout
from quizgen.grading.report import render_report
from quizgen.grading.score import assemble, results_csv
from tests.grading.conftest import Printed
from tests.grading.test_score import page, perfect

Json = dict[str, Any]
Edit = Callable[[Json], Any]


def _first_choice(d: Json) -> Json:
    return next(q for q in d["versions"][0]["questions"] if q["kind"] == "choice")


def _student_bubble(d: Json) -> Json:
    return next(b for b in d["pages"][0]["bubbles"] if b["field"] == "student")


def _drop_question(d: Json) -> None:
    q = _first_choice(d)
    d["versions"][0]["questions"].remove(q)


# (what the teacher did, the edit, the first line quizgen prints after the file name)
EDITS: list[tuple[str, Edit, str]] = [
    ("no markers", lambda d: d.pop("markers"), 'layout: "markers" is missing'),
    ("no pages", lambda d: d.pop("pages"), 'layout: "pages" is missing'),
    ("no versions", lambda d: d.pop("versions"), 'layout: "versions" is missing'),
    ("no qr_box", lambda d: d.pop("qr_box"), 'layout: "qr_box" is missing'),
    ("no quiz", lambda d: d.pop("quiz"), 'layout: "quiz" is missing'),
    ("versions: []", lambda d: d.update(versions=[]), "versions: should hold 1 to 100 entries, not 0"),
    ("size 1e7 x 1e7", lambda d: d["pages"][0].update(size=[1e7, 1e7]),
     "pages[0].size[0]: should be from 72 to 2000, not 10000000.0"),
    ("size ['a', 'b']", lambda d: d["pages"][0].update(size=["a", "b"]),
     "pages[0].size[0]: should be a number, not 'a'"),
    ("a box of 2 numbers", lambda d: d["markers"][0].update(box=[1, 2]),
     "markers[0].box: a box should be 4 numbers [x0, y0, x1, y1], not [1, 2]"),
    ("qr_box upside down", lambda d: d.update(qr_box=[*d["qr_box"][2:], *d["qr_box"][:2]]),
     "qr_box: a box's corners should be top-left then bottom-right, not "),
    ("student_digits 10**9", lambda d: d.update(student_digits=10**9),
     "student_digits: should be from 1 to 12, not 1000000000"),
    ("student_digits 'six'", lambda d: d.update(student_digits="six"),
     "student_digits: should be a whole number, not 'six'"),
    ("student_digits -1", lambda d: d.update(student_digits=-1),
     "student_digits: should be from 1 to 12, not -1"),
    ("scoring.multi 'bogus'", lambda d: d["scoring"].update(multi="bogus"),
     "scoring.multi: should be one of all-or-nothing, per-option, not 'bogus'"),
    ("scoring: []", lambda d: d.update(scoring=[]), "scoring: should be an object {...}, not []"),
    ("points 'lots'", lambda d: _first_choice(d).update(points="lots"),
     "versions[0].questions[0].points: should be a number, not 'lots'"),
    ("a question missing", _drop_question, "pages[0].rows["),
    ("pages: 10**8", lambda d: d["versions"][0].update(pages=10**8),
     "versions[0].pages: should be from 1 to 64, not 100000000"),
    ("column 10**6", lambda d: _student_bubble(d).update(column=10**6),
     "pages[0].bubbles[0].column: should be from 0 to 5, not 1000000"),
    ("points true", lambda d: _first_choice(d).update(points=True),
     "versions[0].questions[0].points: should be a number, not True"),
    ("an answer not among the choices", lambda d: _first_choice(d).update(answer="Z"),
     "versions[0].questions[0].answer: should be a letter of its choices"),
    ("two markers of one id", lambda d: d["markers"][1].update(id=0),
     "markers: two markers have the same id"),
]  # fmt: skip


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "layout.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_printed_layout_passes(printed: Printed, tmp_path: Path) -> None:
    assert load_layout(_write(tmp_path, printed.layout)) == printed.layout


@pytest.mark.parametrize(("what", "edit", "message"), EDITS, ids=[e[0] for e in EDITS])
def test_each_edit_is_a_message_naming_the_part(
    printed: Printed, tmp_path: Path, what: str, edit: Edit, message: str
) -> None:
    data = copy.deepcopy(printed.layout)
    choice = data["versions"][0]["questions"].index(_first_choice(data))
    message = message.replace("questions[0]", f"questions[{choice}]")
    edit(data)
    path = _write(tmp_path, data)
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{path}: {message}"), lines
    assert lines[-1].startswith("    hint: pass the <name>-layout.json that `quizgen quiz --sheets` wrote")
    assert len(lines) <= 22  # at most 20 problems listed, then "and N more", then the hint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "not a layout file (lists or objects nested too deep)"),
        ('{"format": ' + "9" * 5000 + "}", "not a layout file (Exceeds the limit (4300 digits)"),
        ('{"points": NaN}', "not a layout file (NaN is not a number a layout can hold)"),
        ("\xff\xfe", "not a layout file (not UTF-8 text)"),
    ],
    ids=["100,000 nested lists", "a 5,000-digit number", "NaN", "not UTF-8"],
)
def test_json_that_python_cannot_hold_is_a_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "layout.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert str(caught.value).startswith(f"{path}:1:1: {message}")


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _nodes(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:6]):  # the first few entries of each list are enough
            out += _nodes(v, (*path, i))
    return out


REPLACEMENTS: list[Any] = [None, "x", -1, 0, 10**9, 1e300, [], {}, True, [1, 2, 3, 4], "", 2.5]


def test_any_edit_anywhere_is_a_message_or_a_layout_that_scores(printed: Printed, tmp_path: Path) -> None:
    """300 random edits (a part removed or replaced by another type or size): each one either is
    refused with a message, or the layout scores a sheet with finite numbers."""
    rng = random.Random(int(os.environ.get("QG_SEED", "20")))
    nodes = [n for n in _nodes(printed.layout) if n]
    marks = perfect(printed, "A")
    for _ in range(300):
        data = copy.deepcopy(printed.layout)
        where = rng.choice(nodes)
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and rng.random() < 0.3:
            del parent[where[-1]]
        else:
            parent[where[-1]] = rng.choice(REPLACEMENTS)
        path = _write(tmp_path, data)
        try:
            layout = load_layout(path)
        except LayoutError as exc:
            assert str(exc).startswith(f"{path}"), exc
            continue
        probe = Printed(printed.quiz, layout, printed.pdf, printed.bank)
        try:
            scan = page(probe, "A", "123456", marks)
        except (StopIteration, KeyError, TypeError):
            continue  # the test's own page builder needs version A's first page; grading does not
        sheets, _ = assemble([scan], layout)
        assert all(math.isfinite(s.score) and math.isfinite(s.max) for s in sheets), where
        results_csv(sheets, layout)
        render_report(sheets, layout)
