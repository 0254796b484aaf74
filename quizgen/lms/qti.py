"""Canvas QTI 1.2: a zip Canvas classic quizzes import ("QTI .zip file").

The package: `imsmanifest.xml`, the assessment `<id>/<id>.xml`, Canvas's
`<id>/assessment_meta.xml`, and each image under `images/` as a web resource. Item
types are Canvas's: multiple_choice, multiple_answers, true_false, short_answer,
numerical, fill_in_multiple_blanks (cloze), matching and essay. Canvas classic
quizzes have no ordering question: order questions are reported and left out.

Identifiers are hashes of `<bank>/<question id>`, so they are the same on every
export; the zip has fixed timestamps, so the same bank gives the same bytes.

Canvas's importer is cited in instructure/canvas-lms, gems/plugins/qti_exporter/lib/qti/:
associate_interaction.rb at 5da679e6ef67f7b866ace87d5b286c7ee6e54715.
"""

from __future__ import annotations

import hashlib
import html as std_html
import io
import zipfile
from collections.abc import Iterator, Sequence
from functools import partial
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
from quizgen.lms import ExportOptions, Pair, left_out, zipped
from quizgen.lms.feedback import general_feedback
from quizgen.lms.moodle import image_file
from quizgen.lms.text import clean, html, number, question_ref, text
from quizgen.lms.xml import DECLARATION, Fragment, XmlWriter, attrs, escape_attr

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

_HTML = attrs(texttype="text/html")
_PLAIN = attrs(texttype="text/plain")
_SET = attrs(**{"continue": "No"})
_SHOW = attrs(**{"continue": "Yes"})
_SCORE = {action: attrs(action=action, varname="SCORE") for action in ("Set", "Add")}
_RESPONSE1 = attrs(respident="response1")
_CARDINALITY = {c: attrs(ident="response1", rcardinality=c) for c in ("Single", "Multiple")}
_FEEDBACK = attrs(ident="general_fb")
_DECVAR = attrs(maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
_DISPLAY = attrs(feedbacktype="Response", linkrefid="general_fb")
_DECIMAL = attrs(fibtype="Decimal")
_ANSWER1 = {True: attrs(ident="answer1"), False: attrs(ident="answer1", rshuffle="No")}


def _ident(value: str) -> str:
    """` ident="value"`: the attribute of most elements here, made without `attrs`' dict."""
    return f' ident="{escape_attr(value)}"'


def _mattext(w: XmlWriter, value: str, texttype: str = _HTML) -> None:
    w.leaf_in("material", "mattext", value, texttype)


# The pieces every item repeats, each written once per depth and then copied (see Fragment).


def _label(w: XmlWriter, label_id: str, value: str, texttype: str = _HTML) -> None:
    w.open("response_label", _ident(label_id))
    _mattext(w, value, texttype)
    w.close("response_label")


_LABEL = Fragment(_label, "at")
_PLAIN_LABEL = Fragment(lambda w, label_id, value: _label(w, label_id, value, _PLAIN), "at")
_STEM = Fragment(_mattext, "t")


def _metadata(w: XmlWriter, kind: str, points: str, answer_ids: str, ref_id: str) -> None:
    w.open("itemmetadata")
    w.open("qtimetadata")
    for label, entry in (
        ("question_type", kind),
        ("points_possible", points),
        ("original_answer_ids", answer_ids),
        ("assessment_question_identifierref", ref_id),
    ):
        w.leaves("qtimetadatafield", (("fieldlabel", label), ("fieldentry", entry)))
    w.close("qtimetadata")
    w.close("itemmetadata")


_METADATA = Fragment(_metadata, "tttt")


def _item_feedback(w: XmlWriter, feedback: str) -> None:
    w.open("itemfeedback", _FEEDBACK)
    w.open("flow_mat")
    _mattext(w, feedback)
    w.close("flow_mat")
    w.close("itemfeedback")


_ITEM_FEEDBACK = Fragment(_item_feedback, "t")


def _outcomes(w: XmlWriter, feedback: bool) -> None:
    """The score's declaration and, with feedback, the condition that always shows it."""
    w.leaf_in("outcomes", "decvar", None, _DECVAR)
    if feedback:
        w.open("respcondition", _SHOW)
        w.leaf_in("conditionvar", "other", None)
        w.leaf("displayfeedback", None, _DISPLAY)
        w.close("respcondition")


_OUTCOMES = {feedback: Fragment(lambda w, f=feedback: _outcomes(w, f), "") for feedback in (True, False)}


def _one_value(w: XmlWriter, respident: str, value: str, score: str, action: str) -> None:
    _open_condition(w, action)
    w.leaf("varequal", value, f' respident="{escape_attr(respident)}"')
    _close_condition(w, score, action)


# A condition on one value, as most items score: setting (or adding) a score.
_ONE_VALUE = {
    action: Fragment(lambda w, r, v, score, a=action: _one_value(w, r, v, score, a), "att")
    for action in ("Set", "Add")
}


def _open_condition(rp: XmlWriter, action: str = "Set") -> None:
    """`<respcondition><conditionvar>`: the conditions follow, then `_close_condition`."""
    rp.open("respcondition", _SET if action == "Set" else "")
    rp.open("conditionvar")


def _close_condition(rp: XmlWriter, score: str, action: str = "Set") -> None:
    rp.close("conditionvar")
    rp.leaf("setvar", score, _SCORE[action])
    rp.close("respcondition")


def _varequal(rp: XmlWriter, respident: str, value: str) -> None:
    rp.leaf(
        "varequal",
        value,
        _RESPONSE1 if respident == "response1" else f' respident="{escape_attr(respident)}"',
    )


def _set_score(rp: XmlWriter, respident: str, values: Sequence[str], score: str, action: str = "Set") -> None:
    """A condition that `respident` is any of `values`, setting (or adding) `score`."""
    if len(values) == 1:
        _ONE_VALUE[action].write(rp, respident, values[0], score)
        return
    _open_condition(rp, action)
    for value in values:
        _varequal(rp, respident, value)
    _close_condition(rp, score, action)


def _write_choices(w: XmlWriter, *ids_and_values: str, cardinality: str) -> None:
    w.open("response_lid", _CARDINALITY[cardinality])
    w.open("render_choice")
    for i in range(0, len(ids_and_values), 2):
        _label(w, ids_and_values[i], ids_and_values[i + 1])
    w.close("render_choice")
    w.close("response_lid")


# The choices of an item, one fragment for each cardinality and number of choices (a handful).
_CHOICES: dict[tuple[str, int], Fragment] = {}


def _choices(pres: XmlWriter, labels: Sequence[tuple[str, str]], cardinality: str) -> None:
    key = (cardinality, len(labels))
    fragment = _CHOICES.get(key)
    if fragment is None:
        build = partial(_write_choices, cardinality=cardinality)
        fragment = _CHOICES[key] = Fragment(build, "at" * len(labels))
    fragment.write(pres, *(part for label in labels for part in label))


def stored_image(bank: Bank, q: Question) -> tuple[str, bytes] | None:
    """The question's image as the package holds it: named by its bytes' hash, and the bytes."""
    found = image_file(bank, q)
    if found is None:
        return None
    name, data = found
    return f"{hashlib.sha256(data).hexdigest()[:16]}{PurePosixPath(name).suffix}", data


def _stem(q: Question, image: str | None) -> str:
    """The question's HTML, the image (`image`, a web resource of the package) below it."""
    stem = html(q.prompt)
    if isinstance(q, Numeric) and q.unit:
        stem += f" (answer in {html(q.unit)})"
    if isinstance(q, Cloze):
        stem = _cloze_stem(q)
    if image is not None:
        stem += f'<p><img src="%24IMS-CC-FILEBASE%24/images/{quote(image)}" alt=""></p>'
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


def write_item(w: XmlWriter, bank: Bank, q: Question, image: str | None = None) -> None:
    """One `<item>` as Canvas exports and imports it; `image` is its image's name in the package."""
    ref = question_ref(bank, q)
    item_id = ident(ref)
    w.open("item", f'{_ident(item_id)} title="{escape_attr(clean(q.id))}"')
    # The metadata comes first but lists the answers' ids: the presentation and the
    # response processing are written aside, then put after it.
    pres, rp = XmlWriter(w.depth), XmlWriter(w.depth)
    pres.open("presentation")
    rp.open("resprocessing")
    feedback = _feedback(bank, q)
    answer_ids = _write_body(pres, rp, q, item_id, image, bool(feedback))
    pres.close("presentation")
    rp.close("resprocessing")
    _METADATA.write(w, CANVAS_TYPES[q.kind], number(q.points), ",".join(answer_ids), ident("ref", ref))
    w.extend(pres)
    w.extend(rp)
    if feedback:
        _ITEM_FEEDBACK.write(w, feedback)
    w.close("item")


def _feedback(bank: Bank, q: Question) -> str:
    """The general feedback, after the model answer of an open question."""
    feedback = general_feedback(bank, q)
    if isinstance(q, Open) and q.answer.strip():
        feedback = f"<p>Model answer: {html(q.answer)}</p>" + feedback
    return feedback


def _write_body(
    pres: XmlWriter,
    rp: XmlWriter,
    q: Question,
    item_id: str,
    image: str | None,
    feedback: bool,
) -> list[str]:
    """The presentation's and the response processing's children; returns the answers' ids."""
    answer_ids: list[str] = []
    _STEM.write(pres, _stem(q, image))
    _OUTCOMES[feedback].write(rp)

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
            _open_condition(rp)
            rp.open("and")
            for lid in answer_ids:
                if lid in correct:
                    _varequal(rp, "response1", lid)
                else:
                    rp.open("not")
                    _varequal(rp, "response1", lid)
                    rp.close("not")
            rp.close("and")
            _close_condition(rp, "100")
        else:
            _set_score(rp, "response1", [next(iter(correct))], "100")
    elif isinstance(q, (Short, Numeric, Open)):
        pres.open("response_str", _CARDINALITY["Single"])
        pres.open("render_fib", _DECIMAL if isinstance(q, Numeric) else "")
        pres.leaf(
            "response_label",
            None,
            _ANSWER1[isinstance(q, Numeric)],
        )
        pres.close("render_fib")
        pres.close("response_str")
        if isinstance(q, Short):
            accepted = list(dict.fromkeys(text(a) for a in (q.answer, *q.accept)))
            answer_ids = [f"{item_id}_{i}" for i in range(1, len(accepted) + 1)]
            _set_score(rp, "response1", accepted, "100")
        elif isinstance(q, Numeric):
            answer_ids = [f"{item_id}_1"]
            _open_condition(rp)
            rp.open("or")
            _varequal(rp, "response1", number(q.answer))
            rp.open("and")
            # Exact bounds (E04): 0.7 +- 0.1 is [0.6, 0.8], not float's 0.7999999999999999.
            low, high = number_range(q.answer, q.tolerance)
            rp.leaf("vargte", plain_number(low), _RESPONSE1)
            rp.leaf("varlte", plain_number(high), _RESPONSE1)
            rp.close("and")
            rp.close("or")
            _close_condition(rp, "100")
        else:
            rp.open("respcondition", _SET)
            rp.leaf_in("conditionvar", "other", None)
            rp.close("respcondition")
    elif isinstance(q, Match):
        sides = list(dict.fromkeys(side for _, side in q.pairs))
        side_id = {side: f"{item_id}_r{i}" for i, side in enumerate(sides, start=1)}
        # Every text escaped: the left side is HTML like every other Canvas text; Canvas
        # un-escapes each right side (CGI.unescapeHTML at qti/associate_interaction.rb:106, in
        # ensure_correct_format at :68), so `<Austria>` written as `&lt;Austria&gt;` arrives as typed.
        shown = [(side_id[side], std_html.escape(text(side), quote=False)) for side in sides]
        share = number(round(100 / len(q.pairs), 2))
        for i, (left, match) in enumerate(q.pairs, start=1):
            respident = f"response_{item_id}_l{i}"
            answer_ids.append(f"{item_id}_l{i}")
            pres.open("response_lid", _ident(respident))
            _mattext(pres, html(left))
            pres.open("render_choice")
            for label_id, value in shown:
                _PLAIN_LABEL.write(pres, label_id, value)
            pres.close("render_choice")
            pres.close("response_lid")
            _set_score(rp, respident, [side_id[match]], share, action="Add")
    elif isinstance(q, Cloze):
        deletions, _ = parse_cloze(q.text)
        share = number(round(100 / len(deletions), 2))
        for i, d in enumerate(deletions, start=1):
            blank = f"b{i}"
            pres.open("response_lid", _ident(f"response_{blank}"))
            _mattext(pres, blank, _PLAIN)
            pres.open("render_choice")
            answer_id = f"{item_id}_{blank}"
            answer_ids.append(answer_id)
            pres.open("response_label", f'{_ident(answer_id)} scoring_algorithm="TextInChoices"')
            _mattext(pres, text(d.answer))
            pres.close("response_label")
            pres.close("render_choice")
            pres.close("response_lid")
            _set_score(rp, f"response_{blank}", [answer_id], share, action="Add")
    return answer_ids


# -- the package -------------------------------------------------------------------------------


# A piece of the assessment goes to the compressor every this many items (some 350 kB): small
# enough that little is left to compress after the last item.
_ITEMS_A_PIECE = 100


def assessment_pieces(
    questions: Sequence[Pair], images: Sequence[str | None], assessment_id: str, title: str
) -> Iterator[bytes]:
    """The QTI assessment in pieces, `images[i]` being the image of question i in the package."""
    w = XmlWriter()
    w.open("questestinterop", attrs(xmlns=QTI_NS))
    w.open("assessment", attrs(ident=assessment_id, title=title))
    w.open("qtimetadata")
    w.open("qtimetadatafield")
    w.leaf("fieldlabel", "cc_maxattempts")
    w.leaf("fieldentry", "1")
    w.close("qtimetadatafield")
    w.close("qtimetadata")
    w.open("section", attrs(ident="root_section"))
    yield (DECLARATION + w.take()).encode("utf-8")
    for i, ((bank, q), image) in enumerate(zip(questions, images, strict=True), start=1):
        write_item(w, bank, q, image)
        if i % _ITEMS_A_PIECE == 0:
            yield w.take().encode("utf-8")
    w.close("section")
    w.close("assessment")
    w.close("questestinterop")
    yield (w.take() + "\n").encode("utf-8")


def meta_xml(assessment_id: str, title: str, points: float) -> bytes:
    """Canvas's assessment_meta.xml: the quiz's settings (unpublished, answers shuffled)."""
    w = XmlWriter()
    w.open("quiz", attrs(identifier=assessment_id, xmlns=CANVAS_NS))
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
        w.leaf(tag, value)
    w.close("quiz")
    return w.document()


def manifest_xml(assessment_id: str, title: str, images: Sequence[str]) -> bytes:
    """The IMS content package manifest: the assessment, its meta file and each image."""
    w = XmlWriter()
    w.open("manifest", attrs(identifier=f"{assessment_id}_manifest", xmlns=CP_NS))
    w.open("metadata")
    w.leaf("schema", "IMS Content")
    w.leaf("schemaversion", "1.1.3")
    w.close("metadata")
    w.leaf("organizations")
    w.open("resources")
    meta_id = f"{assessment_id}_meta"
    w.open("resource", attrs(identifier=assessment_id, type="imsqti_xmlv1p2"))
    w.leaf("file", None, attrs(href=f"{assessment_id}/{assessment_id}.xml"))
    w.leaf("dependency", None, attrs(identifierref=meta_id))
    w.close("resource")
    meta_path = f"{assessment_id}/assessment_meta.xml"
    w.open(
        "resource",
        attrs(
            identifier=meta_id,
            type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
            href=meta_path,
        ),
    )
    w.leaf("file", None, attrs(href=meta_path))
    w.close("resource")
    for name in images:
        path = f"images/{quote(name)}"
        w.open("resource", attrs(identifier=ident("image", name), type="webcontent", href=path))
        w.leaf("file", None, attrs(href=path))
        w.close("resource")
    w.close("resources")
    w.close("manifest")
    return w.document()


def render(questions: Sequence[Pair], options: ExportOptions) -> bytes:
    """The QTI zip, byte for byte the same for the same questions and options."""
    title = clean(options.title)
    assessment_id = ident("assessment", *(question_ref(b, q) for b, q in questions))
    found = [stored_image(b, q) for b, q in questions]
    images = {name: data for name, data in filter(None, found)}
    points = sum(q.points for _, q in questions)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zipped.add(zf, "imsmanifest.xml", manifest_xml(assessment_id, title, sorted(images)))
        with zipped.streamed(zf, f"{assessment_id}/{assessment_id}.xml") as write:
            names = [image[0] if image else None for image in found]
            for piece in assessment_pieces(questions, names, assessment_id, title):
                write(piece)
        zipped.add(zf, f"{assessment_id}/assessment_meta.xml", meta_xml(assessment_id, title, points))
        for name in sorted(images):
            zipped.add(zf, f"images/{name}", images[name])
    return out.getvalue()
