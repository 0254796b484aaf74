"""The tree shows the pipeline, and imports flow one way (docs/design.md, "What each part owns")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quizgen"
WRITERS = ("quizgen.anki", "quizgen.paper", "quizgen.lms", "quizgen.grading")
# The reader and the checker: what a writer must never need (it takes the model).
READER = tuple(
    f"quizgen.bank.{name}"
    for name in (
        "read", "nodes", "values", "slices", "check", "registry", "questions", "limits", "banks",
        "provenance", "lint", "keys", "across", "patterns", "accept",
    )
)  # fmt: skip
HEAVY = ("genanki", "typst", "jinja2", "cv2", "lxml", "pypdfium2", "anki", "yaml")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: the package uses absolute imports only"
            base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offending(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in MODULES.items()
        if within(module, importers)
        for name in names
        if within(name, forbidden)
    )


def test_every_stage_has_its_folder() -> None:
    for stage in ("bank", "anki", "paper", "lms", "grading"):
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


def test_bank_imports_no_writer_select_or_cli() -> None:
    assert offending(("quizgen.bank",), (*WRITERS, "quizgen.select", "quizgen.cli", "quizgen.build")) == []


def test_writers_never_import_the_reader_or_the_checker() -> None:
    assert offending(WRITERS, READER) == []


def test_writers_do_not_import_each_other_or_the_cli() -> None:
    for writer in WRITERS:
        others = tuple(w for w in WRITERS if w != writer)
        assert offending((writer,), (*others, "quizgen.cli", "quizgen.build")) == [], writer


def test_only_the_cli_imports_typer() -> None:
    users = sorted(m for m, names in MODULES.items() if any(within(n, ("typer", "rich")) for n in names))
    assert users and all(within(m, ("quizgen.cli",)) for m in users), users


def test_no_stage_imports_the_cli() -> None:
    """The command line sits on top: a stage that imported it would tie the library to Typer."""
    stages = (*WRITERS, "quizgen.bank", "quizgen.select", "quizgen.build", "quizgen.output")
    assert offending(stages, ("quizgen.cli",)) == []


def test_each_command_has_its_module() -> None:
    from quizgen.cli import app

    names = {command.name or command.callback.__name__ for command in app.registered_commands}  # type: ignore[union-attr]
    modules = {p.stem for p in (PACKAGE / "cli").glob("*.py")}
    assert names <= modules, sorted(names - modules)


def test_no_module_is_over_600_lines() -> None:
    """A module a reader can hold in mind; split by rule family or concern past that."""
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert [f"{p.relative_to(PACKAGE.parent)}: {n}" for p, n in sizes.items() if n > 600] == []


def test_at_most_ten_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top


def test_the_layout_is_the_one_docs_design_shows() -> None:
    design = (PACKAGE.parent / "docs" / "design.md").read_text(encoding="utf-8")
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" or path.name == "__main__.py":
            continue
        assert path.name in design, f"{path.relative_to(PACKAGE.parent)} is not in docs/design.md's tree"


@pytest.mark.parametrize("command", [["--help"], ["check", "--help"], ["quiz", "--help"]])
def test_help_imports_no_heavy_library(command: list[str]) -> None:
    """`quizgen --help` stays fast: the CLI imports the heavy libraries only inside commands."""
    code = (
        "import sys\nfrom quizgen.cli import main\nsys.argv = ['quizgen', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LOADED []"
