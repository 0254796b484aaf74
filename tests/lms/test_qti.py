"""The Canvas QTI package read back with qti2latex's QTI reader (and its whole conversion
to LaTeX through pandoc), and with lxml by Canvas's and text2qti's conventions.

Canvas's importer is cited in instructure/canvas-lms, gems/plugins/qti_exporter/lib/qti/:
associate_interaction.rb at 5da679e6ef67f7b866ace87d5b286c7ee6e54715 and
numeric_interaction.rb at 891bca30a891d527298b90df71c19956472a2a34."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from quizgen.bank.model import Bank, Choice, Cloze, Match, Multi, Numeric, Open, Question, Short, TrueFalse
from quizgen.bank.numbers import number_range
from quizgen.bank.text import parse_cloze
from quizgen.lms import ExportOptions
from quizgen.lms.feedback import general_feedback
from quizgen.lms.qti import CANVAS_TYPES
from quizgen.lms.text import html, number, text
from tests.conftest import GOOD
from tests.lms.conftest import ALL_BANKS, exported, need_pandoc

etree = pytest.importorskip("lxml.etree")
qti2latex = pytest.importorskip("qti2latex")


def _package(*paths: Path) -> tuple[zipfile.ZipFile, list[tuple[Bank, Question]], bytes]:
    result, kept = exported("qti", *paths, options=ExportOptions(title="Belarus <quiz> & co"))
    assert result.data is not None
    return zipfile.ZipFile(io.BytesIO(result.data)), kept, result.data


def _items(zf: zipfile.ZipFile) -> list[Any]:
    (name,) = [
        n
        for n in zf.namelist()
        if n.endswith(".xml") and not n.endswith(("imsmanifest.xml", "assessment_meta.xml"))
    ]
    root = etree.fromstring(zf.read(name))
    return [el for el in root.iter() if etree.QName(el).localname == "item"]


def _local(el: Any, name: str) -> list[Any]:
    return [e for e in el.iter() if etree.QName(e).localname == name]


def test_the_package_has_the_files_canvas_expects() -> None:
    zf, kept, _ = _package(*ALL_BANKS)
    names = zf.namelist()
    assert names[0] == "imsmanifest.xml"
    manifest = etree.fromstring(zf.read("imsmanifest.xml"))
    hrefs = [f.get("href") for f in _local(manifest, "file")]
    assert sorted(hrefs) == sorted(n for n in names if n != "imsmanifest.xml")
    types = {r.get("type") for r in _local(manifest, "resource")}
    assert "imsqti_xmlv1p2" in types
    meta = etree.fromstring(zf.read(next(n for n in names if n.endswith("assessment_meta.xml"))))
    assert _local(meta, "title")[0].text == "Belarus <quiz> & co"
    assert float(_local(meta, "points_possible")[0].text) == sum(q.points for _, q in kept)


def test_qti2latex_reads_each_items_type_points_and_correct_answers() -> None:
    zf, kept, _ = _package(*ALL_BANKS)
    items = _items(zf)
    assert len(items) == len(kept)
    for item, (bank, q) in zip(items, kept, strict=True):
        meta = qti2latex.get_qti_metadata(item)
        assert qti2latex.guess_type(meta, item) == CANVAS_TYPES[q.kind]
        assert float(meta["points_possible"]) == q.points
        correct = qti2latex.get_correct_idents(item)
        choices = dict(qti2latex.get_choices(item))
        if isinstance(q, (Choice, Multi)):
            assert list(choices.values()) == [html(c) for c in q.choices]
            right = {q.answer} if isinstance(q, Choice) else set(q.answers)
            assert {choices[i] for i in correct} == {html(c) for c in right}
        elif isinstance(q, TrueFalse):
            assert list(choices.values()) == ["True", "False"]
            assert {choices[i] for i in correct} == {"True" if q.answer else "False"}
        elif isinstance(q, Short):
            assert correct == {text(a) for a in (q.answer, *q.accept)}
        elif isinstance(q, Numeric):
            assert correct == {number(q.answer)}
            (low,) = _local(item, "vargte")
            (high,) = _local(item, "varlte")
            assert (Decimal(low.text), Decimal(high.text)) == number_range(q.answer, q.tolerance)
        if not isinstance(q, Cloze):
            stem = qti2latex.get_item_stem(item)
            assert stem.startswith(html(q.prompt))
        feedback = general_feedback(bank, q)
        if isinstance(q, Open) and q.answer:
            feedback = f"<p>Model answer: {html(q.answer)}</p>" + feedback
        got = [t.text for fb in _local(item, "itemfeedback") for t in _local(fb, "mattext")]
        assert got == ([feedback] if feedback else [])


def test_matching_and_blanks_follow_canvas_conventions() -> None:
    zf, kept, _ = _package(*ALL_BANKS)
    for item, (_, q) in zip(_items(zf), kept, strict=True):
        if not isinstance(q, (Match, Cloze)):
            continue
        lids = _local(item, "response_lid")
        answers = {v.get("respident"): v.text for v in _local(item, "varequal")}
        labels = {lab.get("ident"): _local(lab, "mattext")[0].text for lab in _local(item, "response_label")}
        if isinstance(q, Match):
            assert [_local(lid, "mattext")[0].text for lid in lids] == [html(left) for left, _ in q.pairs]
            # Canvas un-escapes each right side (qti/associate_interaction.rb:106, in
            # ensure_correct_format at :68).
            assert [unescape(labels[answers[lid.get("ident")]]) for lid in lids] == [
                text(right) for _, right in q.pairs
            ]
        else:
            deletions, _ = parse_cloze(q.text)
            stem = qti2latex.get_item_stem(item)
            for i, d in enumerate(deletions, start=1):
                assert f"[b{i}]" in stem
                assert labels[answers[f"response_b{i}"]] == text(d.answer)
            assert len(lids) == len(deletions)
        scores = [float(s.text) for s in _local(item, "setvar")]
        assert sum(scores) == pytest.approx(100, abs=0.05)


def test_a_bracket_or_script_typed_in_a_bank_is_text_in_canvas() -> None:
    zf, kept, _ = _package(*ALL_BANKS)
    item = next(i for i, (_, q) in zip(_items(zf), kept, strict=True) if q.id == "one-blank")
    stem = qti2latex.get_item_stem(item)
    assert "&#91;b1&#93;" in stem and stem.count("[b1]") == 1
    texts = [t.text or "" for it in _items(zf) for t in _local(it, "mattext")]
    assert any("&lt;script&gt;" in t for t in texts)
    assert not any("<script" in t for t in texts)


def test_order_is_reported_at_its_line(all_types: Path) -> None:
    result, kept = exported("qti", all_types)
    assert [(d.line, d.col, d.code) for d in result.diagnostics] == [(69, 11, "QG200")]
    assert "Canvas classic quizzes have no ordering type" in result.diagnostics[0].message
    assert "timeline" not in {q.id for _, q in kept}


def test_qti2latex_converts_the_whole_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_pandoc()
    from click.testing import CliRunner

    _, kept, data = _package(GOOD / "all-types.yaml")
    (tmp_path / "quiz.zip").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(qti2latex.main, ["quiz.zip", "-o", "quiz.tex", "--answer-key"])
    assert run.exit_code == 0, run.output
    tex = (tmp_path / "quiz-answerkey.tex").read_text(encoding="utf-8")
    assert tex.count("\\question[") == len(kept)
    assert "\\CorrectChoice A diversionary tactic" in tex
    assert "Lithuania" in tex and "9000" in tex


def test_tolerance_bounds_are_exact(write_bank: Any) -> None:
    """E04: 0.7 +- 0.1 accepts 0.8 in Canvas (vargte/varlte compare the typed number: a range
    answer, qti/numeric_interaction.rb:97, its bounds read at :100 and :103)."""
    bank = write_bank(
        """
        bank: bounds
        title: Bounds
        questions:
          - id: point-seven
            type: numeric
            prompt: How much?
            answer: 0.7
            tolerance: 0.1
          - id: third
            type: numeric
            prompt: And this?
            answer: 0.3
            tolerance: 0.6
        """
    )
    zf, _, _ = _package(bank)
    bounds = [(_local(i, "vargte")[0].text, _local(i, "varlte")[0].text) for i in _items(zf)]
    assert bounds == [("0.6", "0.8"), ("-0.3", "0.9")]
