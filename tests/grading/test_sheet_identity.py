"""A sheet's identity: its QR code says the quiz, the paper and the layout it was printed with,
so a sheet printed with other sheet options is refused by name, never read with the wrong boxes."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from quizgen.grading import sheet
from tests.cli.test_cli import run
from tests.grading import synth
from tests.grading.bank import write as write_bank

HINT = (
    "grade it with the layout written with it "
    "(the <name>-layout.json of the same `quizgen quiz --sheets` run)"
)


def print_quiz(folder: Path, bank: Path, *options: str) -> dict:
    folder.mkdir(exist_ok=True)
    code, out = run(
        "quiz", str(bank), "-v", "2", "--seed", "mon", "--sheets", "-o", str(folder / "q.pdf"), *options
    )
    assert code == 0, out
    return json.loads((folder / "q-layout.json").read_text())


@pytest.fixture(scope="module")
def prints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """One quiz printed four ways: A4, Letter, 8 student digits, with numeric digit grids."""
    root = tmp_path_factory.mktemp("identity")
    bank = write_bank(root)
    ways = {"a4": (), "letter": ("--paper", "letter"), "digits8": ("--student-digits", "8"),
            "grids": ("--numeric-grids",)}  # fmt: skip
    return {name: (root / name, print_quiz(root / name, bank, *opts)) for name, opts in ways.items()}


def test_the_qr_code_says_paper_student_digits_grids_and_geometry(
    prints: dict[str, tuple[Path, dict]],
) -> None:
    ids = {name: layout["quiz"] for name, (_, layout) in prints.items()}
    assert len(set(ids.values())) == 1, "sheet options do not change the quiz id"
    for name, (folder, layout) in prints.items():
        image = synth.rasterise((folder / "q-sheets.pdf").read_bytes(), 150)[0]
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)  # any QR reader
        words = text.split()
        assert words[:4] == ["QG2", ids[name], "A", "1"], text
        assert words[4] == {"letter": "LT"}.get(name, "A4")
        assert words[5] == {"digits8": "D8", "grids": "D6G"}.get(name, "D6")
        assert words[6] == layout["fingerprint"] == sheet.layout_fingerprint(layout)
    assert len({layout["fingerprint"] for _, layout in prints.values()}) == 4


@pytest.mark.parametrize(
    ("printed_as", "graded_with", "message"),
    [
        ("letter", "a4", "this sheet was printed on Letter paper; the layout is for A4 paper: "),
        ("a4", "letter", "this sheet was printed on A4 paper; the layout is for Letter paper: "),
        ("digits8", "a4", "this sheet was printed with 8 student-number digits; "
                          "the layout is for 6 student-number digits: "),
        ("a4", "grids", "this sheet was printed without numeric digit grids; "
                        "the layout is for numeric digit grids: "),
    ],
)  # fmt: skip
def test_a_sheet_printed_with_other_options_is_refused_by_name(
    prints: dict[str, tuple[Path, dict]], printed_as: str, graded_with: str, message: str, tmp_path: Path
) -> None:
    folder, _ = prints[printed_as]
    scan = tmp_path / "s.png"
    cv2.imwrite(str(scan), synth.rasterise((folder / "q-sheets.pdf").read_bytes(), 150)[0])
    layout = prints[graded_with][0] / "q-layout.json"
    code, output = run("grade", str(scan), "-l", str(layout), "-o", str(tmp_path / "r.csv"))
    assert code == 1, output
    assert f"problem: {scan} page 1: {message}{HINT}" in output, output


def test_a_moved_box_is_another_geometry(prints: dict[str, tuple[Path, dict]]) -> None:
    _, layout = prints["a4"]
    qr = layout["pages"][0]["qr"]
    assert sheet.identity_mismatch(qr, layout) is None
    moved = json.loads(json.dumps(layout))
    box = moved["pages"][0]["bubbles"][0]["box"]
    box[0] += 1.0
    box[2] += 1.0
    assert sheet.identity_mismatch(qr, moved) == (
        f"this sheet was printed with another geometry (fingerprint {layout['fingerprint']}); "
        f"the layout is for the geometry {sheet.layout_fingerprint(moved)}: {HINT}"
    )
    # sheets printed before the QR code carried the layout are checked by quiz id alone
    assert sheet.identity_mismatch(f"QG1 {layout['quiz']} A 1", moved) is None
    assert sheet.identity_mismatch("QG1 0000000000 A 1", moved) == (
        f"a sheet of another quiz (0000000000; this layout is quiz {layout['quiz']})"
    )


def test_a_bank_fix_of_a_key_keeps_the_quiz_id_and_the_geometry(
    prints: dict[str, tuple[Path, dict]], tmp_path: Path
) -> None:
    """R4: the teacher fixes a key in the bank and prints again: the scans of the first print
    are still this quiz's (the quiz id and the QR code are the same)."""
    folder, layout = prints["grids"]
    bank = (folder.parent / "grading.yaml").read_text()
    # a true/false key and a numeric key corrected; the paper prints the same
    fixed = bank.replace("answer: true", "answer: false", 1)
    numeric = next(q for v in layout["versions"] for q in v["questions"] if q["kind"] == "numeric")
    fixed = fixed.replace(f"answer: {numeric['answer']:g}\n", f"answer: {numeric['answer'] * 50 + 7:g}\n", 1)
    assert fixed.count("\n") == bank.count("\n") and fixed != bank
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "grading.yaml").write_text(fixed)
    again = print_quiz(tmp_path / "q", tmp_path / "b" / "grading.yaml", "--numeric-grids")
    assert again["quiz"] == layout["quiz"]
    assert [p["qr"] for p in again["pages"]] == [p["qr"] for p in layout["pages"]]
    assert again["versions"] != layout["versions"], "the keys did change"
