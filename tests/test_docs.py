"""Documentation that drifts is a bug: these tests hold the docs to the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from quizgen.bank.check import load
from quizgen.bank.model import QUESTION_KINDS
from quizgen.bank.schema import bank_schema
from quizgen.bank.spec import BANK_FIELDS, COMMON_FIELDS, KIND_FIELDS, SOURCE_FIELDS
from quizgen.diagnostics import CODES

DOCS = Path(__file__).parent.parent / "docs"
README = Path(__file__).parent.parent / "README.md"
FORMAT = (DOCS / "format.md").read_text(encoding="utf-8")
HEADER = "bank: docs-example\ntitle: Docs example\nquestions:\n"


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, re.S)


def as_bank(block: str) -> str:
    """A whole bank as it is; a list of questions inside a minimal bank."""
    if block.lstrip().startswith("- id:"):
        return HEADER + "".join(f"  {line}\n" for line in block.splitlines())
    return block


EXAMPLES = [b for b in yaml_blocks(FORMAT) if "id:" in b]


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_every_example_in_the_format_docs_checks_clean(tmp_path: Path, block: str) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(as_bank(block), encoding="utf-8")
    checked = load([path])
    assert checked.diagnostics == []
    assert checked.banks and checked.banks[0].questions


def test_every_question_type_has_a_documented_example(tmp_path: Path) -> None:
    kinds = set()
    for i, block in enumerate(EXAMPLES):
        path = tmp_path / f"e{i}.yaml"
        path.write_text(as_bank(block), encoding="utf-8")
        kinds |= {q.kind for b in load([path]).banks for q in b.questions}
    assert kinds == set(QUESTION_KINDS)


def test_every_key_of_the_format_is_documented() -> None:
    keys = {f.name for f in BANK_FIELDS + SOURCE_FIELDS + COMMON_FIELDS}
    keys |= {f.name for fields in KIND_FIELDS.values() for f in fields}
    missing = sorted(k for k in keys if f"`{k}`" not in FORMAT)
    assert missing == []


def test_every_diagnostic_code_is_documented_with_its_title() -> None:
    page = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| \[(QG\d{3})\]\(#qg\d{3}\) \| \w+ \| (.+?) \|$", page, re.M))
    assert documented == {code: title for code, (_, title) in CODES.items()}
    headings = re.findall(r"^## (QG\d{3})$", page, re.M)
    assert headings == list(CODES)


def test_the_shipped_schema_is_current() -> None:
    shipped = json.loads((DOCS / "bank.schema.json").read_text(encoding="utf-8"))
    assert shipped == bank_schema(), "run: quizgen schema > docs/bank.schema.json"


def test_the_schema_accepts_the_documented_bank_and_rejects_a_typo() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    whole = next(b for b in EXAMPLES if b.startswith("bank:"))
    data = yaml.safe_load(whole)
    jsonschema.validate(data, bank_schema())
    data["questions"][0]["anwser"] = data["questions"][0].pop("answer")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, bank_schema())


def test_every_command_is_documented_in_the_readme() -> None:
    from quizgen.cli import app

    readme = README.read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert f"quizgen {name}" in readme, f"README does not show 'quizgen {name}'"
