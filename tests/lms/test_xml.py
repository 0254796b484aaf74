"""The LMS XML writer: what ElementTree writes for the same tree, and fragments that copy it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.lms.xml import Fragment, XmlWriter, attrs

_VALUES = st.sampled_from(["", "a", "a & b", "<x>", '"q"', "{0}", "}{", "l1\nl2", "\t", "]]>", "é"])


def _build(w: XmlWriter, label_id: str, value: str, note: str) -> None:
    w.open("label", attrs(ident=label_id))
    w.leaf_in("material", "mattext", value, attrs(texttype="text/html"))
    w.leaves("pair", (("left", value), ("right", note)))
    w.open("empty")
    w.close("empty")
    w.close("label")


def _tree(label_id: str, value: str, note: str) -> bytes:
    root = ET.Element("root")
    label = ET.SubElement(root, "label", ident=label_id)
    ET.SubElement(ET.SubElement(label, "material"), "mattext", texttype="text/html").text = value
    pair = ET.SubElement(label, "pair")
    ET.SubElement(pair, "left").text = value
    ET.SubElement(pair, "right").text = note
    ET.SubElement(label, "empty")
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


_FRAGMENT = Fragment(_build, "att")


@given(_VALUES, _VALUES, _VALUES)
def test_writer_and_fragment_write_what_elementtree_writes(label_id: str, value: str, note: str) -> None:
    direct, copied = XmlWriter(), XmlWriter()
    for w, write in ((direct, _build), (copied, _FRAGMENT.write)):
        w.open("root")
        write(w, label_id, value, note)
        w.close("root")
    expected = _tree(label_id, value, note)
    assert direct.document() == expected
    assert copied.document() == expected


def test_a_fragment_whose_build_changes_a_value_is_refused() -> None:
    cut = Fragment(lambda w, value: w.leaf("a", value[1:]), "t")
    with pytest.raises(ValueError, match="changed a value"):
        cut.write(XmlWriter(), "xy")


def test_what_is_taken_piece_by_piece_is_the_document() -> None:
    whole, pieces = XmlWriter(), XmlWriter()
    taken = []
    for w in (whole, pieces):
        w.open("root")
        for i in range(3):
            w.open("empty")
            if w is pieces:
                taken.append(pieces.take())  # just after an open: it must still close as <empty />
            w.close("empty")
            w.leaf("n", str(i))
        w.close("root")
    taken.append(pieces.take())
    assert ("<?xml version='1.0' encoding='UTF-8'?>\n" + "".join(taken) + "\n").encode() == whole.document()
    assert b"<empty />" in whole.document()
