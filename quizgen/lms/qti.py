"""Canvas QTI 1.2: a zip Canvas classic quizzes import ("QTI .zip file").

The package: `imsmanifest.xml`, the assessment `<id>/<id>.xml`, Canvas's
`<id>/assessment_meta.xml`, and each image under `images/` as a web resource. Item
types are Canvas's: multiple_choice, multiple_answers, true_false, short_answer,
numerical, fill_in_multiple_blanks (cloze), matching and essay. Canvas classic
quizzes have no ordering question: order questions are reported and left out.

Identifiers are hashes of `<bank>/<question id>`, so they are the same on every
export; the zip has fixed timestamps, so the same bank gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html as std_html
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

from quizgen.bank.model import (
    Bank,
    Choice,
    Cloze,
    Match,
    Multi,
    Numeric,
    Open,
    Order,
    Question,
    Short,
    TrueFalse,
)
from quizgen.bank.numbers import number_range, plain_number
from quizgen.bank.text import parse_cloze
from quizgen.diagnostics import Diagnostic
from quizgen.lms import ExportOptions, Pair, left_out
from quizgen.lms.feedback import general_feedback
from quizgen.lms.moodle import image_file
from quizgen.lms.text import clean, html, number, question_ref, text
from quizgen.lms.xml import serialize

SUFFIX = ".zip"
FORMAT = "qti"

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"

CANVAS_TYPES = {
    "choice": "multiple_choice_question",
    "multi": "multiple_answers_question",
    "truefalse": "true_false_question",
    "short": "short_answer_question",
    "numeric": "numerical_question",
    "cloze": "fill_in_multiple_blanks_question",
    "match": "matching_question",
    "open": "essay_question",
}

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def check(bank: Bank, q: Question, options: ExportOptions) -> Iterator[Diagnostic]:
    """What a Canvas classic quiz cannot carry: an ordering question."""
    if isinstance(q, Order):
        yield left_out(
            "QG200",
            FORMAT,
            bank,
            q,
            "type",
            "an ordering question (Canvas classic quizzes have no ordering type)",
            "export to Moodle XML, or leave order questions out with --types",
        )


def ident(*parts: str) -> str:
    """A stable QTI identifier from `parts` (Canvas wants letters, digits and '_')."""
    return "qg_" + hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:24]


def no_blanks(html_text: str) -> str:
    """HTML in which Canvas cannot take a `[word]` typed in a bank for one of its blanks."""
    return html_text.replace("[", "&#91;").replace("]", "&#93;")


# -- items -------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if value is not None:
        el.text = value
    return el


def _mattext(parent: ET.Element, value: str, texttype: str = "text/html") -> None:
    _sub(_sub(parent, "material"), "mattext", value, texttype=texttype)


def _metadata(item: ET.Element, fields: Sequence[tuple[str, str]]) -> None:
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        f = _sub(meta, "qtimetadatafield")
        _sub(f, "fieldlabel", label)
        _sub(f, "fieldentry", entry)


def _set_score(rp: ET.Element, conditions: list[ET.Element], score: str, action: str = "Set") -> None:
    cond = _sub(rp, "respcondition", **({"continue": "No"} if action == "Set" else {}))
    var = _sub(cond, "conditionvar")
    var.extend(conditions)
    _sub(cond, "setvar", score, action=action, varname="SCORE")


def _varequal(respident: str, value: str) -> ET.Element:
    el = ET.Element("varequal", respident=respident)
    el.text = value
    return el


def _choices(pres: ET.Element, labels: Sequence[tuple[str, str]], cardinality: str) -> None:
    lid = _sub(pres, "response_lid", ident="response1", rcardinality=cardinality)
    rc = _sub(lid, "render_choice")
    for label_id, value in labels:
        _mattext(_sub(rc, "response_label", ident=label_id), value)


def _stem(bank: Bank, q: Question, images: dict[str, bytes]) -> str:
    """The question's HTML, the image (as a web resource of the package) below it."""
    stem = html(q.prompt)
    if isinstance(q, Numeric) and q.unit:
        stem += f" (answer in {html(q.unit)})"
    if isinstance(q, Cloze):
        stem = _cloze_stem(q)
    found = image_file(bank, q)
    if found is not None:
        name, data = found
        stored = f"{hashlib.sha256(data).hexdigest()[:16]}{PurePosixPath(name).suffix}"
        images[stored] = data
        stem += f'<p><img src="%24IMS-CC-FILEBASE%24/images/{quote(stored)}" alt=""></p>'
    return stem


def _cloze_stem(q: Cloze) -> str:
    deletions, _ = parse_cloze(q.text)
    out, pos = [], 0
    for i, d in enumerate(deletions, start=1):
        out.append(no_blanks(html(q.text[pos : d.start])))
        out.append(f"[b{i}]")
        if d.hint:
            out.append(f" ({no_blanks(html(d.hint))})")
        pos = d.end
    out.append(no_blanks(html(q.text[pos:])))
    body = "".join(out)
    return f"<p>{no_blanks(html(q.prompt))}</p><p>{body}</p>" if q.prompt.strip() else body


def item_element(bank: Bank, q: Question, images: dict[str, bytes]) -> ET.Element:
    """One `<item>` as Canvas exports and imports it."""
    ref = question_ref(bank, q)
    item_id = ident(ref)
    item = ET.Element("item", ident=item_id, title=clean(q.id))
    answer_ids: list[str] = []
    pres = ET.Element("presentation")
    _mattext(pres, _stem(bank, q, images))
    rp = ET.Element("resprocessing")
    outcomes = _sub(rp, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedback = general_feedback(bank, q)
    if isinstance(q, Open) and q.answer.strip():
        feedback = f"<p>Model answer: {html(q.answer)}</p>" + feedback
    if feedback:
        show = _sub(rp, "respcondition", **{"continue": "Yes"})
        _sub(_sub(show, "conditionvar"), "other")
        _sub(show, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")

    if isinstance(q, (Choice, Multi, TrueFalse)):
        if isinstance(q, TrueFalse):
            labels = [("true", "True"), ("false", "False")]
            correct = {"true" if q.answer else "false"}
        else:
            labels = [(f"{item_id}_{i}", html(c)) for i, c in enumerate(q.choices, start=1)]
            right = (q.answer,) if isinstance(q, Choice) else q.answers
            correct = {lid for (lid, _), c in zip(labels, q.choices, strict=True) if c in right}
        answer_ids = [lid for lid, _ in labels]
        _choices(pres, labels, "Multiple" if isinstance(q, Multi) else "Single")
        if isinstance(q, Multi):
            both = ET.Element("and")
            for lid in answer_ids:
                if lid in correct:
                    both.append(_varequal("response1", lid))
                else:
                    _sub(both, "not").append(_varequal("response1", lid))
            _set_score(rp, [both], "100")
        else:
            _set_score(rp, [_varequal("response1", next(iter(correct)))], "100")
    elif isinstance(q, (Short, Numeric, Open)):
        rs = _sub(pres, "response_str", ident="response1", rcardinality="Single")
        fib = _sub(rs, "render_fib", **({"fibtype": "Decimal"} if isinstance(q, Numeric) else {}))
        _sub(fib, "response_label", ident="answer1", **({} if isinstance(q, Numeric) else {"rshuffle": "No"}))
        if isinstance(q, Short):
            accepted = list(dict.fromkeys(text(a) for a in (q.answer, *q.accept)))
            answer_ids = [f"{item_id}_{i}" for i in range(1, len(accepted) + 1)]
            _set_score(rp, [_varequal("response1", a) for a in accepted], "100")
        elif isinstance(q, Numeric):
            answer_ids = [f"{item_id}_1"]
            either = ET.Element("or")
            either.append(_varequal("response1", number(q.answer)))
            within = _sub(either, "and")
            # Exact bounds (E04): 0.7 +- 0.1 is [0.6, 0.8], not float's 0.7999999999999999.
            low, high = number_range(q.answer, q.tolerance)
            _sub(within, "vargte", plain_number(low), respident="response1")
            _sub(within, "varlte", plain_number(high), respident="response1")
            _set_score(rp, [either], "100")
        else:
            cond = _sub(rp, "respcondition", **{"continue": "No"})
            _sub(_sub(cond, "conditionvar"), "other")
    elif isinstance(q, Match):
        sides = list(dict.fromkeys(side for _, side in q.pairs))
        side_id = {side: f"{item_id}_r{i}" for i, side in enumerate(sides, start=1)}
        share = number(round(100 / len(q.pairs), 2))
        for i, (left, match) in enumerate(q.pairs, start=1):
            respident = f"response_{item_id}_l{i}"
            answer_ids.append(f"{item_id}_l{i}")
            pair = _sub(pres, "response_lid", ident=respident)
            # Every text escaped: the left side is HTML like every other Canvas text; Canvas
            # un-escapes each right side (CGI.unescapeHTML in qti/associate_interaction.rb,
            # ensure_correct_format), so `<Austria>` written as `&lt;Austria&gt;` arrives as typed.
            _mattext(pair, html(left))
            options = _sub(pair, "render_choice")
            for side in sides:
                label = _sub(options, "response_label", ident=side_id[side])
                _mattext(label, std_html.escape(text(side), quote=False), "text/plain")
            _set_score(rp, [_varequal(respident, side_id[match])], share, action="Add")
    elif isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        share = number(round(100 / len(deletions), 2))
        for i, d in enumerate(deletions, start=1):
            blank = f"b{i}"
            gap = _sub(pres, "response_lid", ident=f"response_{blank}")
            _mattext(gap, blank, "text/plain")
            fills = _sub(gap, "render_choice")
            answer_id = f"{item_id}_{blank}"
            answer_ids.append(answer_id)
            _mattext(
                _sub(fills, "response_label", ident=answer_id, scoring_algorithm="TextInChoices"),
                text(d.answer),
            )
            _set_score(rp, [_varequal(f"response_{blank}", answer_id)], share, action="Add")

    _metadata(
        item,
        [
            ("question_type", CANVAS_TYPES[q.kind]),
            ("points_possible", number(q.points)),
            ("original_answer_ids", ",".join(answer_ids)),
            ("assessment_question_identifierref", ident("ref", ref)),
        ],
    )
    item.append(pres)
    item.append(rp)
    if feedback:
        fb = _sub(item, "itemfeedback", ident="general_fb")
        _mattext(_sub(fb, "flow_mat"), feedback)
    return item


# -- the package -------------------------------------------------------------------------------


def _xml(root: ET.Element) -> bytes:
    return serialize(root)


def assessment_xml(
    questions: Sequence[Pair], assessment_id: str, title: str
) -> tuple[bytes, dict[str, bytes]]:
    """The QTI assessment and the images its items show."""
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    assessment = _sub(root, "assessment", ident=assessment_id, title=title)
    meta = _sub(_sub(assessment, "qtimetadata"), "qtimetadatafield")
    _sub(meta, "fieldlabel", "cc_maxattempts")
    _sub(meta, "fieldentry", "1")
    section = _sub(assessment, "section", ident="root_section")
    images: dict[str, bytes] = {}
    for bank, q in questions:
        section.append(item_element(bank, q, images))
    return _xml(root), images


def meta_xml(assessment_id: str, title: str, points: float) -> bytes:
    """Canvas's assessment_meta.xml: the quiz's settings (unpublished, answers shuffled)."""
    root = ET.Element("quiz", identifier=assessment_id, xmlns=CANVAS_NS)
    for tag, value in (
        ("title", title),
        ("description", ""),
        ("shuffle_answers", "true"),
        ("scoring_policy", "keep_highest"),
        ("hide_results", ""),
        ("quiz_type", "assignment"),
        ("points_possible", number(points)),
        ("show_correct_answers", "true"),
        ("allowed_attempts", "1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
    ):
        _sub(root, tag, value)
    return _xml(root)


def manifest_xml(assessment_id: str, title: str, images: Sequence[str]) -> bytes:
    """The IMS content package manifest: the assessment, its meta file and each image."""
    root = ET.Element("manifest", identifier=f"{assessment_id}_manifest", xmlns=CP_NS)
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    meta_id = f"{assessment_id}_meta"
    res = _sub(resources, "resource", identifier=assessment_id, type="imsqti_xmlv1p2")
    _sub(res, "file", href=f"{assessment_id}/{assessment_id}.xml")
    _sub(res, "dependency", identifierref=meta_id)
    meta_res = _sub(
        resources,
        "resource",
        identifier=meta_id,
        type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
        href=f"{assessment_id}/assessment_meta.xml",
    )
    _sub(meta_res, "file", href=f"{assessment_id}/assessment_meta.xml")
    for name in images:
        path = f"images/{quote(name)}"
        img = _sub(resources, "resource", identifier=ident("image", name), type="webcontent", href=path)
        _sub(img, "file", href=path)
    return _xml(root)


def render(questions: Sequence[Pair], options: ExportOptions) -> bytes:
    """The QTI zip, byte for byte the same for the same questions and options."""
    title = clean(options.title)
    assessment_id = ident("assessment", *(question_ref(b, q) for b, q in questions))
    assessment, images = assessment_xml(questions, assessment_id, title)
    files = {
        "imsmanifest.xml": manifest_xml(assessment_id, title, sorted(images)),
        f"{assessment_id}/{assessment_id}.xml": assessment,
        f"{assessment_id}/assessment_meta.xml": meta_xml(
            assessment_id, title, sum(q.points for _, q in questions)
        ),
        **{f"images/{name}": images[name] for name in sorted(images)},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()
