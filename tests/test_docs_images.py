"""The docs' pictures are what today's commands print (issue 23, D1-D4): docs/images/make.py
makes each one from its commands, and records a hash of its inputs (the banks, the code of the
output it shows, its own recipe) in docs/images/inputs.json. A picture whose inputs changed
since it was made is stale: rebuild with `PYTHONPATH=. python docs/images/make.py`."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parent.parent
IMAGES = ROOT / "docs" / "images"


def load_make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_images_make", IMAGES / "make.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


make = load_make()
RECORDED = json.loads((IMAGES / "inputs.json").read_text(encoding="utf-8"))
REBUILD = "stale: run PYTHONPATH=. python docs/images/make.py and commit docs/images/"


@pytest.mark.parametrize("picture", make.PICTURES, ids=[p.name for p in make.PICTURES])
def test_no_picture_is_older_than_what_it_shows(picture: ModuleType) -> None:
    assert picture.name in RECORDED, f"{picture.name} was never made: {REBUILD}"
    assert RECORDED[picture.name]["inputs"] == make.inputs_hash(picture), f"{picture.name} is {REBUILD}"


@pytest.mark.parametrize("picture", make.PICTURES, ids=[p.name for p in make.PICTURES])
def test_each_picture_is_the_one_make_wrote(picture: ModuleType) -> None:
    """A picture edited or replaced by hand is not what the commands print."""
    path = IMAGES / picture.name
    assert path.exists() and path.stat().st_size < 200_000, picture.name
    assert RECORDED[picture.name]["png"] == make.file_hash(path), f"{picture.name} was not made by make.py"


def test_every_picture_the_docs_show_is_made_by_the_script() -> None:
    shown = {
        name
        for page in (ROOT / "docs").glob("*.md")
        for name in re.findall(r"\]\(images/([^)]+\.png)\)", page.read_text(encoding="utf-8"))
    }
    made = {p.name for p in make.PICTURES}
    assert shown and shown <= made
    assert {p.name for p in IMAGES.glob("*.png")} == made  # no orphan pictures either
    assert set(RECORDED) == made


def test_each_input_names_a_file_or_folder_that_exists() -> None:
    for picture in make.PICTURES:
        for name in picture.inputs:
            assert (ROOT / name).exists(), f"{picture.name}: {name}"


def test_the_hash_sees_a_change_in_a_bank(tmp_path: Path) -> None:
    """The staleness test can fail: one character of a bank changes every picture's hash."""
    for name in ("questions", "quizgen", "tests/grading/synth.py"):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, target)
    picture = make.PICTURES[0]
    before = make.inputs_hash(picture, tmp_path)
    bank = tmp_path / "questions" / "putin-visit-minsk.yaml"
    bank.write_text(bank.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert make.inputs_hash(picture, tmp_path) != before
