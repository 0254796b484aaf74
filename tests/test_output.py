"""Outputs as a set: every command writes all its files or none (docs/outputs.md).

Each red-team finding of 2026-12 about outputs has a test here that reproduces it, and
the property itself is tested broadly: for every command, a disk failure at each
file-system step in turn leaves the previous files byte- and mode-identical.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from quizgen import output
from quizgen.anki import package, write_deck
from quizgen.bank.check import load
from quizgen.cli import app
from quizgen.errors import OutputError
from quizgen.select import select
from tests.conftest import GOOD
from tests.paper.test_pdf import png

runner = CliRunner()
REPO = Path(__file__).parent.parent
T0 = 1_700_000_000.0
EDIT = ("According to British intelligence, what", "According to London, what")


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


Snapshot = dict[str, tuple[bytes, int, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file in `folder`, hidden ones too, with its bytes, mode and owner."""
    files: Snapshot = {}
    for path in sorted(folder.iterdir()):
        st = path.lstat()
        files[path.name] = (path.read_bytes() if stat.S_ISREG(st.st_mode) else b"", st.st_mode, st.st_uid)
    return files


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A copy of the all-types bank that a test can edit."""
    path = tmp_path / "src" / "bank.yaml"
    path.parent.mkdir()
    shutil.copyfile(GOOD / "all-types.yaml", path)
    shutil.copyfile(GOOD / "quizgen.toml", path.parent / "quizgen.toml")  # its accepted warnings
    return path


def edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert EDIT[0] in text
    path.write_text(text.replace(*EDIT), encoding="utf-8")


class FailAt:
    """Make the k-th low-level file-system step of quizgen.output fail with ENOSPC."""

    STEPS = ("_write_temp", "_link", "_replace", "_unlink")

    def __init__(self, monkeypatch: pytest.MonkeyPatch, k: int) -> None:
        self.k = k
        self.calls = 0
        for name in self.STEPS:
            monkeypatch.setattr(output, name, self._counted(getattr(output, name)))

    def _counted(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.k:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return step


COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "anki": lambda bank, out: ["anki", str(bank), "-o", str(out / "deck.apkg")],
    "quiz-pdf": lambda bank, out: ["quiz", str(bank), "-o", str(out / "q.pdf"), "-v", "2"],
    "quiz-html": lambda bank, out: ["quiz", str(bank), "-o", str(out / "q.html")],
    "quiz-md": lambda bank, out: ["quiz", str(bank), "-o", str(out / "q.md")],
    "build": lambda bank, out: ["build", str(bank), "--out", str(out)],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_disk_failure_at_any_write_leaves_the_previous_set(
    command: str, bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    args = COMMANDS[command](bank, out)
    assert run(*args)[0] == 0
    for path in out.iterdir():
        path.chmod(0o640)  # a mode of the teacher's choosing, which a failed run must keep too
    before = snapshot(out)
    edit(bank)
    k = 1
    while True:
        with monkeypatch.context() as patch:
            fault = FailAt(patch, k)
            code, said = run(*args)
        if fault.calls < k:  # every step ran and none failed: the new set is written
            assert code == 0, said
            break
        if code == 0:
            # Only a left-over backup failed to go: the new set stands, complete.
            assert "No space left" not in said
        else:
            assert code == 1, said
            assert "No space left on device" in said and "Traceback" not in said
            assert snapshot(out) == before, f"step {k} of {fault.calls} changed the files"
        k += 1
    assert k > 6  # the set really went through temp files, backups, a journal and renames
    after = snapshot(out)
    assert after.keys() == before.keys()
    assert all(after[name][0] != before[name][0] for name in after if not name.endswith(".lock.json"))
    assert {mode for _, mode, _ in after.values()} == {stat.S_IFREG | 0o640}


# -- finding 1: a failed quiz left the new quiz beside the old key ------------------------------


def test_a_key_that_cannot_be_written_keeps_the_old_quiz(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("quiz", str(bank), "-o", str(out / "quiz.md"), "-n", "3", "--seed", "monday")[0] == 0
    before = snapshot(out)
    FailAt(monkeypatch, 2)  # the key's temporary file: the disk is full
    code, said = run("quiz", str(bank), "-o", str(out / "quiz.md"), "-v", "2", "--seed", "tuesday")
    assert code == 1
    assert f"quizgen: error: cannot write {out / 'quiz-key.md'}: No space left on device" in said
    assert snapshot(out) == before


def test_a_long_output_name_writes_the_quiz_and_its_key(bank: Path, tmp_path: Path) -> None:
    name = "x" * 236 + ".md"  # its key's name is 240 bytes: legal, though a temp name adds more
    code, said = run("quiz", str(bank), "-o", str(tmp_path / name))
    assert code == 0, said
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["x" * 236 + "-key.md", name]


# -- finding 2: -o /dev/null replaced the device -------------------------------------------------


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def unix_socket(path: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def null_device(path: Path) -> Path:
    if os.geteuid() != 0:  # CI runs as root, as the red team did
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (null_device, "a character device"),
        (fifo, "a named pipe (FIFO)"),
        (unix_socket, "a socket"),
        (Path.mkdir, "a folder"),
    ],
)
def test_an_output_that_is_not_a_regular_file_is_refused(
    make: Callable[[Path], Any], kind: str, bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # socket paths must be short
    target = Path("null")
    make(target)
    st = target.lstat()
    code, said = run("quiz", str(bank), "-o", "null", "--format", "md", "--no-key")
    assert code == 2
    assert f"quizgen: error: null is {kind}, not a regular file; quizgen only replaces regular files" in said
    assert (target.lstat().st_mode, target.lstat().st_ino) == (st.st_mode, st.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "src"]


def test_a_key_that_would_replace_a_device_stops_the_quiz_too(bank: Path, tmp_path: Path) -> None:
    fifo(tmp_path / "full-key.md")
    code, said = run("quiz", str(bank), "-o", str(tmp_path / "full.md"))
    assert code == 2
    assert "full-key.md is a named pipe (FIFO), not a regular file" in said
    assert not (tmp_path / "full.md").exists()


# -- finding 4: a build failing halfway had rewritten the deck, the lock and earlier quizzes ----

PICTURES = """\
bank: pictures
title: Pictures
deck: Quizgen tests::Pictures
questions:
  - id: the-map
    type: short
    prompt: What does the map show?
    answer: Belarus
    image: map.png
"""


def test_a_build_that_fails_in_its_last_bank_changes_nothing(bank: Path, tmp_path: Path) -> None:
    (bank.parent / "z-pictures.yaml").write_text(PICTURES, encoding="utf-8")
    (bank.parent / "map.png").write_bytes(png(40, 20))
    out = tmp_path / "decks"
    assert run("build", str(bank.parent), "--out", str(out))[0] == 0
    before = snapshot(out)
    assert len(before) == 6  # quizgen-tests.apkg, its lock, and a quiz and a key per bank
    edit(bank)
    (bank.parent / "map.png").write_bytes(b"this is not a PNG")  # passes check; only Typst refuses it
    code, said = run("build", str(bank.parent), "--out", str(out))
    assert code == 1
    assert "z-pictures.yaml:9:12: cannot print question 'the-map'" in said
    assert snapshot(out) == before


# -- finding 5: anki exited 1 but had replaced the package ---------------------------------------


def test_a_lock_file_that_cannot_be_written_keeps_the_old_package(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "small"
    assert run("anki", str(bank), "-o", str(out / "d.apkg"))[0] == 0
    before = snapshot(out)
    edit(bank)
    FailAt(monkeypatch, 2)  # the package's temporary file is written; the lock's fills the disk
    code, said = run("anki", str(bank), "-o", str(out / "d.apkg"))
    assert code == 1
    assert f"cannot write {out / 'd.lock.json'}: No space left on device" in said
    assert "wrote" not in said
    assert snapshot(out) == before


# -- finding 8: concurrent runs could pair one package with another run's lock -------------------


def test_a_second_run_waits_for_the_first_from_reading_the_lock_to_writing(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load([bank]).banks
    edit(bank)
    second = load([bank]).banks
    out = tmp_path / "decks" / "d.apkg"
    first_read, go = threading.Event(), threading.Event()
    real_read = package.read_lock

    def read_lock(path: Path) -> Any:
        lock = real_read(path)
        if threading.current_thread().name == "first":
            first_read.set()
            assert go.wait(10)
        return lock

    monkeypatch.setattr(package, "read_lock", read_lock)
    runs = {
        name: threading.Thread(
            target=write_deck, args=(select(banks), out), kwargs={"timestamp": T0}, name=name
        )
        for name, banks in (("first", first), ("second", second))
    }
    runs["first"].start()
    assert first_read.wait(10)
    runs["second"].start()
    time.sleep(0.5)
    assert runs["second"].is_alive(), "the second run wrote while the first held the folder"
    assert not out.exists()
    go.set()
    for thread in runs.values():
        thread.join(20)
    # The second run read the first one's lock file: the pair on disk agrees, so the same
    # bank rebuilt is "0 changed", and the edit really arrived (1 changed against the first).
    assert write_deck(select(second), out, timestamp=T0).changed == 0


def test_a_waiting_run_says_whom_it_waits_for(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "quizgen", "anki", str(bank), "-o", str(out / "d.apkg")]
    with output.OutputSet([out / "d.apkg"]):
        waiting = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=env)
        assert waiting.stderr is not None
        line = waiting.stderr.readline()
        assert line == f"waiting for another quizgen run writing {out}/ (pid {os.getpid()})...\n"
        assert waiting.poll() is None
    assert waiting.wait(30) == 0
    assert f"wrote {out / 'd.apkg'}" in waiting.stderr.read()
    assert sorted(p.name for p in out.iterdir()) == ["d.apkg", "d.lock.json"]


# -- finding 9: a rebuild reset the mode and owner; symlinks were replaced -----------------------


def test_a_rebuilt_file_keeps_its_mode_and_owner(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("quiz", str(bank), "-o", str(out / "quiz.md"))[0] == 0
    key = out / "quiz-key.md"
    key.chmod(0o600)
    owner = 65534 if os.geteuid() == 0 else os.geteuid()  # root can give the key to nobody
    os.chown(key, owner, owner)
    edit(bank)
    assert run("quiz", str(bank), "-o", str(out / "quiz.md"))[0] == 0
    st = key.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, owner, owner)
    assert "London" in key.read_text(encoding="utf-8")  # and it is the new key


def test_a_symlinked_output_is_refused_and_left_alone(bank: Path, tmp_path: Path) -> None:
    (tmp_path / "pub").mkdir()
    real = tmp_path / "pub" / "real.apkg"
    real.write_bytes(b"the published deck")
    link = tmp_path / "deck.apkg"
    link.symlink_to(real)
    code, said = run("anki", str(bank), "-o", str(link))
    assert code == 2
    assert f"quizgen: error: {link} is a symbolic link (to {real}); quizgen replaces files" in said
    assert link.is_symlink() and real.read_bytes() == b"the published deck"


def test_a_symlinked_output_folder_is_followed(bank: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "decks").symlink_to(tmp_path / "real")
    assert run("anki", str(bank), "-o", str(tmp_path / "decks" / "d.apkg"))[0] == 0
    assert (tmp_path / "decks").is_symlink()
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["d.apkg", "d.lock.json"]


# -- finding 10: quiz -o onto the input bank overwrote it ----------------------------------------


def test_an_output_that_is_the_input_bank_is_refused(bank: Path) -> None:
    original = bank.read_bytes()
    code, said = run("quiz", str(bank), "-o", str(bank), "--format", "md")
    assert code == 2
    assert f"quizgen: error: {bank} is the input {bank}; writing it would destroy the input" in said
    assert bank.read_bytes() == original


def test_a_key_path_that_is_an_input_is_refused(bank: Path, tmp_path: Path) -> None:
    other = bank.parent / "quiz-key.yaml"
    os.link(bank, other)  # the same file under a second name: still the input
    code, said = run("quiz", str(other), "-o", str(bank.parent / "quiz.yaml"), "--format", "md")
    assert code == 2
    assert f"{other} is the input" in said
    assert not (bank.parent / "quiz.yaml").exists()


def test_an_output_that_is_an_image_of_the_bank_is_refused(bank: Path, tmp_path: Path) -> None:
    pictures = bank.parent / "pictures.yaml"
    pictures.write_text(PICTURES, encoding="utf-8")
    (bank.parent / "map.png").write_bytes(png(4, 4))
    code, said = run("quiz", str(pictures), "-o", str(bank.parent / "map.png"), "--format", "md", "--no-key")
    assert code == 2 and "is the input" in said


# -- stale files and a killed run ----------------------------------------------------------------


def test_stale_temporary_files_are_removed_by_the_next_run(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = (".quizgen-tmp-1-abcd1234-d.apkg", ".quizgen-old-1-abcd1234-d.lock.json", ".d.apkg.k2j4h5g6.tmp")
    for name in stale:
        (out / name).write_bytes(b"left by a killed run")
    (out / ".notes.tmp").write_bytes(b"not ours")
    assert run("anki", str(bank), "-o", str(out / "d.apkg"))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [".notes.tmp", "d.apkg", "d.lock.json"]


KILL_AT_SECOND_RENAME = """
import os, signal, sys
from quizgen import output
from quizgen.cli import main
real, calls = output._replace, []
def replace(src, dst):
    if not src.name.startswith(output.TEMP_PREFIX) or "journal" in src.name:
        return real(src, dst)
    calls.append(dst)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
output._replace = replace
sys.argv = ["quizgen"] + sys.argv[1:]
main()
"""


def test_a_run_killed_between_two_renames_is_rolled_back_by_the_next(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("quiz", str(bank), "-o", str(out / "q.md"))[0] == 0
    before = snapshot(out)
    edit(bank)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_SECOND_RENAME, "quiz", str(bank), "-o", str(out / "q.md")], env=env
    )
    assert killed.returncode == -9
    left = snapshot(out)
    assert output.JOURNAL_NAME in left
    assert left["q.md"] != before["q.md"] and left["q-key.md"] == before["q-key.md"]  # a mix, for now
    with output.OutputSet([out / "q.md"]):  # what every run does first: restore, clean
        assert snapshot(out) == {**before, output.LOCK_NAME: snapshot(out)[output.LOCK_NAME]}
    assert snapshot(out) == before
    assert run("quiz", str(bank), "-o", str(out / "q.md"))[0] == 0
    assert sorted(snapshot(out)) == ["q-key.md", "q.md"]
    assert "London" in (out / "q.md").read_text(encoding="utf-8")


def test_the_output_set_refuses_a_path_it_was_not_given(tmp_path: Path) -> None:
    with output.OutputSet([tmp_path / "a.md"]) as out, pytest.raises(ValueError, match="not a target"):
        out.add(tmp_path / "b.md", b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_build_killed_at_random_points_leaves_the_old_set_or_the_new(bank: Path, tmp_path: Path) -> None:
    """SIGKILL `build` 25 times at random moments: the files are always one whole set.

    A kill during the few renames leaves a journal; the next run (here: the OutputSet
    every run opens first) restores the old set from it. The state is never a mix.
    """
    out, kept = tmp_path / "decks", tmp_path / "old"
    args = [sys.executable, "-m", "quizgen", "build", str(bank), "--out", str(out), "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(args, env=env, check=True)
    old = snapshot(out)
    shutil.copytree(out, kept)
    edit(bank)
    started = time.monotonic()
    subprocess.run(args, env=env, check=True)
    took = time.monotonic() - started
    new = snapshot(out)
    assert old.keys() == new.keys() and old != new
    rng = random.Random(11)
    outcomes = []
    for attempt in range(25):
        shutil.rmtree(out)
        shutil.copytree(kept, out)
        victim = subprocess.Popen(args, env=env)
        time.sleep(rng.uniform(0.2, 1.1) * took)
        victim.kill()
        victim.wait()
        if (out / output.JOURNAL_NAME).exists():
            outcomes.append("journal")
            with output.OutputSet([out / name for name in old]):
                pass
        visible = {name: v for name, v in snapshot(out).items() if not name.startswith(".")}
        assert visible in (old, new), f"kill {attempt} after {took:.1f}s left a mix"
        outcomes.append("old" if visible == old else "new")
        if attempt % 5 == 4:  # the next run recovers: the new set, and nothing stale beside it
            subprocess.run(args, env=env, check=True)
            assert snapshot(out) == new
    assert "old" in outcomes


def test_a_refused_target_is_refused_at_once_without_waiting_or_a_lock_file(
    bank: Path, tmp_path: Path
) -> None:
    fifo(tmp_path / "pipe.md")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "quizgen", "quiz", str(bank), "-o", str(tmp_path / "pipe.md"), "--no-key"]
    with output.OutputSet([tmp_path / "other.md"]):  # another run holds the folder
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "waiting" not in done.stderr and "is a named pipe (FIFO)" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.md", "src"]


KILL_IN_A_TWO_FOLDER_COMMIT = """
import os, signal, sys
from pathlib import Path
from quizgen import output
first, second, at = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_unlink, real_quiet = output._unlink, output._unlink_quietly
def unlink(path, missing_ok=False):
    if at == "before-commit" and path.name == output.JOURNAL_NAME:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_unlink(path, missing_ok)
def unlink_quietly(path):
    if at == "after-commit" and path.name == output.JOURNAL_NAME:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_quiet(path)
output._unlink, output._unlink_quietly = unlink, unlink_quietly
with output.OutputSet([first, second]) as out:
    out.add(first, b"new results")
    out.add(second, b"new review image")
    out.commit()
"""


@pytest.mark.parametrize(("at", "expected"), [("before-commit", b"old"), ("after-commit", b"new")])
def test_a_set_across_two_folders_recovers_whole_from_either_folder(
    tmp_path: Path, at: str, expected: bytes
) -> None:
    """O01: killed between two folders' journals, the set comes back old or new, never a mix,
    whichever folder the next run touches."""
    for recover_in in ("a", "b"):
        base = tmp_path / f"{at}-{recover_in}"
        first, second = base / "a" / "results.csv", base / "b" / "s-p1.png"
        for path, old in ((first, b"old results"), (second, b"old review image")):
            path.parent.mkdir(parents=True)
            path.write_bytes(old)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        code = [sys.executable, "-c", KILL_IN_A_TWO_FOLDER_COMMIT, str(first), str(second), at]
        assert subprocess.run(code, env=env).returncode == -9
        touched = first if recover_in == "a" else second
        with output.OutputSet([touched]):
            pass
        assert first.read_bytes().startswith(expected) and second.read_bytes().startswith(expected)
        for path in (first, second):  # no stray visible file; the touched folder is tidy
            names = sorted(p.name for p in path.parent.iterdir())
            assert [n for n in names if not n.startswith(".quizgen")] == [path.name]
        assert sorted(p.name for p in touched.parent.iterdir()) == [touched.name]


def test_a_lock_that_cannot_be_written_leaves_no_lock_file_nor_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """O02: 'cannot lock out/.quizgen.lock: File too large' left the lock file and new/ behind."""

    def too_large(fd: int, data: bytes, offset: int) -> int:
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr(output.os, "pwrite", too_large)
    target = tmp_path / "new" / "deeper" / "q.md"
    refused = r"cannot lock .*/new/deeper/\.quizgen\.lock: File too large"
    with pytest.raises(OutputError, match=refused), output.OutputSet([target]):
        pass
    assert list(tmp_path.iterdir()) == []
    existing = tmp_path / "out"
    existing.mkdir()
    with pytest.raises(OutputError), output.OutputSet([existing / "q.md"]):
        pass
    assert list(existing.iterdir()) == []
