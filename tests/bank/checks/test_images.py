"""Images: a path inside the bank's folder, to a file that exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bank.checks import bank_text, seen, write

ESCAPES_HINT = "keep images in the bank's folder or below it"
ABSOLUTE_HINT = "give the path relative to the bank's folder, e.g. images/map.png"


def with_image(image: str) -> str:
    # The image is on line 8, its value at column 12.
    return bank_text(f"id: q\ntype: short\nprompt: p\nanswer: a\nimage: {image}")


@pytest.fixture
def bank_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "map.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n")
    return folder


@pytest.mark.parametrize("image", ["images/map.png", "./images/map.png", "images/../images/map.png"])
def test_an_image_beside_the_bank_is_fine(bank_folder: Path, image: str) -> None:
    assert seen(write(bank_folder, with_image(image))) == []


@pytest.mark.parametrize(
    "image", ["../outside.png", "../../etc/passwd", "images/../../outside.png", "images/../.."]
)
def test_an_image_path_that_leaves_the_folder(bank_folder: Path, image: str) -> None:
    assert seen(write(bank_folder, with_image(image))) == [
        (f"8:12 QG031 image path '{image}' leaves the bank's folder", ESCAPES_HINT)
    ]


@pytest.mark.parametrize("image", ["/etc/passwd", "'C:\\images\\map.png'", "'\\\\server\\share\\map.png'"])
def test_an_absolute_image_path(bank_folder: Path, image: str) -> None:
    shown = image.strip("'")
    assert seen(write(bank_folder, with_image(image))) == [
        (f"8:12 QG031 image path '{shown}' is absolute", ABSOLUTE_HINT)
    ]


def test_a_symlink_that_leads_out_of_the_folder(bank_folder: Path) -> None:
    (bank_folder / "images" / "link.png").symlink_to(bank_folder.parent / "outside.png")
    assert seen(write(bank_folder, with_image("images/link.png"))) == [
        ("8:12 QG031 image path 'images/link.png' leaves the bank's folder", ESCAPES_HINT)
    ]


def test_a_missing_image(bank_folder: Path) -> None:
    assert seen(write(bank_folder, with_image("images/belarus.png"))) == [
        (
            "8:12 QG032 image file 'images/belarus.png' does not exist",
            f"looked for {bank_folder.resolve() / 'images' / 'belarus.png'}",
        )
    ]


def test_a_folder_is_not_an_image(bank_folder: Path) -> None:
    assert [m for m, _ in seen(write(bank_folder, with_image("images")))] == [
        "8:12 QG032 image file 'images' does not exist"
    ]


def test_an_image_path_with_a_nul_is_a_diagnostic_not_a_crash(bank_folder: Path) -> None:
    found = seen(write(bank_folder, with_image('"images/map\\0.png"')))
    assert [m.split(" ")[1] for m, _ in found] == ["QG032"]


def test_an_overlong_image_name_is_a_diagnostic_not_a_crash(bank_folder: Path) -> None:
    image = "images/" + "m" * 300 + ".png"
    assert seen(write(bank_folder, with_image(image))) == [
        (
            f"8:12 QG032 image file '{image}' does not exist",
            f"looked for {bank_folder.resolve() / image}",
        )
    ]
