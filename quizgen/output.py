"""Writing a command's files as one set: all of them or none, never a mix (docs/outputs.md).

A command names its targets first, then renders, then commits:

    with OutputSet([quiz, key], inputs=banks) as out:   # checked and locked here
        out.add(quiz, render_quiz())                   # a temporary file beside each target
        out.add(key, render_key())
        out.commit()                                   # all renamed into place, or none

- Every target must be a regular file or absent: devices, FIFOs, sockets, folders and
  symbolic links are refused, and so is a target that is one of the inputs.
- An advisory lock (`fcntl.flock` on `.quizgen.lock` in the output folder) makes two
  runs on one folder wait for each other, from the check to the commit, so an Anki
  package is never paired with another run's lock file.
- Each temporary file is fsynced and carries the old file's mode (and owner, where
  allowed). Before the renames, every old file gets a backup (a hard link) and a
  journal names them; a failed rename puts the backups back. A run killed during the
  renames leaves the journal: the next run on that folder restores the previous set,
  then removes stale temporary files.
- A set that spans folders (grade's results.csv and its review images) has one commit
  point: the journal of its first folder. Every folder's journal names the set and that
  folder; recovery anywhere restores the whole set while the first journal stands, and
  only forgets its own journal once that one is gone (the set was committed).

Writers only render bytes; all file-system policy is here.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from quizgen.errors import OutputError, TargetRefused

LOCK_NAME = ".quizgen.lock"
JOURNAL_NAME = ".quizgen-journal"
TEMP_PREFIX = ".quizgen-tmp-"
BACKUP_PREFIX = ".quizgen-old-"

Notify = Callable[[str], None]


@dataclass(frozen=True)
class _Entry:
    """One target of a set and the files that stand in for it while it is written."""

    target: Path  # as the user named it (for messages)
    real: Path  # the folder resolved, the name kept
    temp: Path | None = None
    backup: Path | None = None  # a hard link to the old file, once made


class OutputSet:
    """The files one command writes, written together or not at all."""

    def __init__(
        self, targets: Iterable[Path], *, inputs: Iterable[Path] = (), on_wait: Notify | None = None
    ):
        self._targets = list(dict.fromkeys(targets))
        self._inputs = list(inputs)
        self._on_wait = on_wait
        self._entries: dict[Path, _Entry] = {}
        self._locks: list[_Held] = []
        self._folders: list[Path] = []
        self._done = False  # committed or discarded: nothing left to clean up
        self._committed = False

    # -- claiming -----------------------------------------------------------------------------

    def __enter__(self) -> OutputSet:
        entries = {t: _Entry(t, _real(t)) for t in self._targets}
        folders = sorted({e.real.parent for e in entries.values()})
        # Once before the lock, so that `-o /dev/null` is refused without even a lock file
        # in /dev, and again under it, where no other quizgen run can change the answer.
        check_targets(entries.values(), self._inputs)
        try:
            for folder in folders:
                first = next(e.target for e in entries.values() if e.real.parent == folder)
                self._locks.append(_lock(folder, first, self._on_wait))
                self._folders.append(folder)
                recover(folder, [e.real.name for e in entries.values() if e.real.parent == folder])
            check_targets(entries.values(), self._inputs)
        except BaseException:
            self._release()
            raise
        self._entries = entries
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self._done:
                self._discard()
        finally:
            self._release()

    # -- writing ------------------------------------------------------------------------------

    def add(self, target: Path, data: bytes) -> None:
        """Write `data` to a temporary file beside `target` (named when the set was made)."""
        entry = self._entries.get(target)
        if entry is None:
            raise ValueError(f"{target} is not a target of this output set")
        if entry.temp is not None:
            raise ValueError(f"{target} was already added")
        temp = _temp_name(entry.real)
        try:
            _write_temp(temp, data, _existing(entry.real))
        except OSError as exc:
            _unlink_quietly(temp)
            raise OutputError(f"cannot write {target}: {_reason(exc)}") from exc
        self._entries[target] = _Entry(entry.target, entry.real, temp=temp)

    def commit(self) -> list[Path]:
        """Rename every temporary file over its target; on any failure restore the previous set.

        Every target must have been added. Returns the targets, as named.
        """
        missing = [str(e.target) for e in self._entries.values() if e.temp is None]
        if missing:
            raise ValueError(f"nothing was added for {', '.join(missing)}")
        for e in list(self._entries.values()):
            try:
                self._entries[e.target] = _with_backup(e)
            except OSError as exc:
                self._discard()
                raise OutputError(f"cannot write {e.target}: {_reason(exc)}") from exc
        entries = list(self._entries.values())
        # Only targets renamed so far need undoing; a journal per folder names them all
        # for a run that is killed before the last rename.
        renamed: list[_Entry] = []
        try:
            set_id = secrets.token_hex(8)
            for folder in self._folders:
                _write_journal(folder, [e for e in entries if e.real.parent == folder], set_id, self._folders)
            for e in entries:
                assert e.temp is not None
                _replace(e.temp, e.real)
                renamed.append(e)
            for folder in self._folders:
                _fsync_folder(folder)
            # The commit point: the first folder's journal. Once it is gone the new set
            # stands in every folder; the other journals are only tidied after it.
            _unlink(self._folders[0] / JOURNAL_NAME)
            _fsync_folder(self._folders[0])
        except BaseException as exc:
            # A disk error, or Ctrl-C in the middle of the renames: put the old set back.
            failed = next((e for e in entries if e not in renamed), entries[-1])
            self._rollback(renamed)
            if not isinstance(exc, OSError):
                raise
            message = f"cannot write {failed.target}: {_reason(exc)}; the previous files are kept"
            raise OutputError(message) from exc
        for folder in self._folders[1:]:
            _unlink_quietly(folder / JOURNAL_NAME)
        self._done = self._committed = True
        for e in entries:
            if e.backup is not None:
                _unlink_quietly(e.backup)  # left over, a stale backup is removed by the next run
        return [e.target for e in entries]

    def _rollback(self, renamed: list[_Entry]) -> None:
        try:
            for e in reversed(renamed):
                _restore(e.real, e.backup)
            for folder in reversed(self._folders):  # the first (the commit point) last
                _unlink(folder / JOURNAL_NAME, missing_ok=True)
        except OSError as exc:
            # The journal stays: the next run on the folder finishes restoring.
            shown = ", ".join(str(f) for f in self._folders)
            raise OutputError(
                f"cannot restore the previous files ({_reason(exc)}); "
                f"the next quizgen run on {shown} restores them"
            ) from exc
        finally:
            self._done = True
            self._discard()

    def _discard(self) -> None:
        for e in self._entries.values():
            for path in (e.temp, e.backup):
                if path is not None:
                    _unlink_quietly(path)

    def _release(self) -> None:
        for held in reversed(self._locks):
            _unlock(held, committed=self._committed)
        self._locks.clear()


def write_set(
    files: Mapping[Path, bytes], *, inputs: Iterable[Path] = (), on_wait: Notify | None = None
) -> list[Path]:
    """Write already-rendered files as one set (see OutputSet); returns the paths written."""
    with OutputSet(files, inputs=inputs, on_wait=on_wait) as out:
        for path, data in files.items():
            out.add(path, data)
        return out.commit()


# -- checking targets ---------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def check_targets(entries: Iterable[_Entry], inputs: Iterable[Path]) -> None:
    """Refuse targets quizgen must not replace: anything but a regular file, or an input."""
    known: dict[tuple[int, int], Path] = {}
    for path in inputs:
        try:
            st = os.stat(path)
        except OSError:
            continue
        known[(st.st_dev, st.st_ino)] = path
    problems: list[str] = []
    seen: dict[Path, Path] = {}
    for e in entries:
        if e.real in seen:
            problems.append(f"{e.target} is named twice (also as {seen[e.real]})")
            continue
        seen[e.real] = e.target
        try:
            st = os.lstat(e.real)
        except OSError:
            continue  # absent, or its folder is not one: writing says so (exit 1, not a refusal)
        kind = next((name for test, name in _KINDS if test(st.st_mode)), None)
        if kind == "a symbolic link":
            problems.append(
                f"{e.target} is a symbolic link (to {os.readlink(e.real)}); quizgen replaces files and "
                "would break the link: write to the file it points to"
            )
        elif kind is not None:
            problems.append(f"{e.target} is {kind}, not a regular file; quizgen only replaces regular files")
        elif (st.st_dev, st.st_ino) in known:
            problems.append(
                f"{e.target} is the input {known[(st.st_dev, st.st_ino)]}; writing it would destroy "
                "the input: choose another output name"
            )
    if problems:
        raise TargetRefused("\n".join(problems))


def _real(target: Path) -> Path:
    """The target with its folder resolved (folder symlinks are fine), its own name kept."""
    return Path(os.path.realpath(target.parent or ".")) / target.name


def _existing(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


# -- the lock and the journal -------------------------------------------------------------------


@dataclass(frozen=True)
class _Held:
    fd: int
    path: Path
    created_folder: bool
    made: list[Path]  # the folders made for this lock, deepest first


def _lock(folder: Path, first: Path, on_wait: Notify | None) -> _Held:
    """Take the folder's advisory lock, waiting (and saying so, once) while another run holds it.

    The holder removes the lock file when it is done, so a waiter checks, once it has the
    lock, that the file it locked is still the one in the folder, and tries again if not.
    """
    shown = str(first.parent)
    told = False
    while True:
        made = _missing_folders(folder)
        path = folder / LOCK_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise OutputError(f"cannot write {first}: {shown} is not a folder") from exc
        except OSError as exc:
            _remove_folders(made)
            raise OutputError(f"cannot write {first}: {_reason(exc)}") from exc
        try:
            fd, own = _open_lock(path)
        except OSError as exc:
            _remove_folders(made)
            raise OutputError(f"cannot write {first}: {_reason(exc)}") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None and not told:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                    on_wait(f"waiting for another quizgen run writing {shown.rstrip('/')}/ (pid {holder})...")
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            if not _same_file(fd, path):
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:
            # O02: leave nothing behind that this run made: the lock file (when it was ours
            # to make, or is ours now that we hold it) and the folders made for it.
            if own or _holds(fd):
                _unlink_quietly(path)
            os.close(fd)
            _remove_folders(made)
            raise OutputError(f"cannot lock {path}: {_reason(exc)}") from exc
        return _Held(fd, path, bool(made), made)


def _open_lock(path: Path) -> tuple[int, bool]:
    """Open the lock file, making it if there is none; says whether this call made it."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), True
    except FileExistsError:
        return os.open(path, os.O_RDWR | os.O_CLOEXEC), False


def _holds(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _missing_folders(folder: Path) -> list[Path]:
    """The folders `mkdir -p folder` would make, deepest first."""
    made: list[Path] = []
    here = folder
    while not here.exists() and here != here.parent:
        made.append(here)
        here = here.parent
    return made


def _remove_folders(made: list[Path]) -> None:
    for folder in made:  # deepest first; one that is not empty now belongs to someone else
        with contextlib.suppress(OSError):
            folder.rmdir()


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _unlock(held: _Held, committed: bool) -> None:
    """Remove the lock file (while still holding it) and release; leave no folder we made for nothing."""
    try:
        _unlink_quietly(held.path)
        if held.created_folder and not committed:
            _remove_folders(held.made)  # one that is not empty holds something else now
    finally:
        os.close(held.fd)  # closing the descriptor releases the flock


def recover(folder: Path, names: Iterable[str] = ()) -> None:
    """Undo what a killed run left in `folder`: restore the set its journal names, remove stale files.

    Call only while holding the folder's lock. `names` are this run's target names, whose
    temporary files from quizgen versions before 0.2 (`.<name>.XXXXXXXX.tmp`) go too.
    """
    journal = _read_journal(folder)
    if journal is not None:
        first = journal.folders[0] if journal.folders else folder
        if first != folder and _set_of(first) != journal.set_id:
            # The set's commit point (the first folder's journal) is gone: it was committed,
            # and this folder holds its new files already. Only the journal is left to tidy.
            _unlink_quietly(folder / JOURNAL_NAME)
        else:
            # Not committed: put the previous set back in every folder it spans, the first
            # folder (the commit point) last, so that a recovery killed half way is taken up again.
            rest = [f for f in dict.fromkeys([*journal.folders, folder]) if f != first]
            for other in [*rest, first]:
                theirs = journal if other == folder else _journal_quietly(other)
                if theirs is not None and theirs.set_id == journal.set_id:
                    _restore_from(other, theirs)
    old_style = [re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}\.tmp") for name in names]
    try:
        listing = os.listdir(folder)
    except OSError:
        return
    for name in listing:
        if name.startswith((TEMP_PREFIX, BACKUP_PREFIX)) or any(p.fullmatch(name) for p in old_style):
            _unlink_quietly(folder / name)


@dataclass(frozen=True)
class _Journal:
    plan: list[tuple[str, str | None]]  # (target name, backup name) in the folder
    set_id: str  # the same in every folder of one set ("" for journals of quizgen < 0.2)
    folders: list[Path]  # the set's folders, the commit point first


def _read_journal(folder: Path) -> _Journal | None:
    journal = folder / JOURNAL_NAME
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot read {journal}: {_reason(exc)}") from exc
    try:
        data = json.loads(raw)
        plan = [(str(i["target"]), i["backup"]) for i in data["entries"]]
        if not all("/" not in t and (b is None or "/" not in b) for t, b in plan):
            raise ValueError("a name with a slash")
        folders = [Path(str(f)) for f in data.get("folders", [])]
        return _Journal(plan, str(data.get("set", "")), folders)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise OutputError(
            f"{journal} is damaged ({exc}); a quizgen run was killed while writing {folder}: "
            "check its files, then delete the journal"
        ) from exc


def _journal_quietly(folder: Path) -> _Journal | None:
    """Another folder's journal, or None when there is none or it cannot be read (that
    folder's own next run reports it)."""
    try:
        return _read_journal(folder)
    except OutputError:
        return None


def _set_of(folder: Path) -> str | None:
    journal = _journal_quietly(folder)
    return journal.set_id if journal is not None else None


def _restore_from(folder: Path, journal: _Journal) -> None:
    try:
        for target, backup in reversed(journal.plan):
            _restore(folder / target, folder / backup if backup else None)
        _fsync_folder(folder)
        (folder / JOURNAL_NAME).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot restore the files in {folder}: {_reason(exc)}") from exc


def _restore(target: Path, backup: Path | None) -> None:
    """Put the old file back over `target` (or remove `target` when there was none)."""
    if backup is None:
        target.unlink(missing_ok=True)
    elif backup.exists():
        _replace(backup, target)


def _write_journal(folder: Path, entries: list[_Entry], set_id: str, folders: list[Path]) -> None:
    items = [{"target": e.real.name, "backup": e.backup.name if e.backup else None} for e in entries]
    record = {
        "quizgen-journal": 2,
        "pid": os.getpid(),
        "set": set_id,
        "folders": [str(f) for f in folders],
        "entries": items,
    }
    data = json.dumps(record, indent=1).encode()
    temp = folder / f"{TEMP_PREFIX}{os.getpid()}-journal"
    try:
        _write_temp(temp, data, None)
        _replace(temp, folder / JOURNAL_NAME)
        _fsync_folder(folder)
    except OSError:
        _unlink_quietly(temp)
        raise


# -- the low-level steps (each one a place where the disk can fail; the tests make each fail) --


def _temp_name(real: Path) -> Path:
    """`.quizgen-tmp-<pid>-<random>-<name>`, cut to the folder's name limit so long names still work."""
    head = f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-"
    return real.parent / (head + real.name)[: _name_max(real.parent)]


def _backup_name(real: Path) -> Path:
    head = f"{BACKUP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-"
    return real.parent / (head + real.name)[: _name_max(real.parent)]


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):  # pragma: no cover - every Linux file system answers
        return 255


def _write_temp(path: Path, data: bytes, like: os.stat_result | None) -> None:
    """Write and fsync a new file with the mode (and owner) of the file it will replace."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)  # umask applies
    try:
        if like is not None:
            os.fchmod(fd, stat.S_IMODE(like.st_mode))
            if (like.st_uid, like.st_gid) != (os.geteuid(), os.getegid()):
                # Only root may give a file away; the mode is kept all the same.
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, like.st_uid, like.st_gid)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _with_backup(e: _Entry) -> _Entry:
    """Keep the old file under a second name (a hard link: the target never disappears)."""
    if _existing(e.real) is None:
        return e
    backup = _backup_name(e.real)
    try:
        _link(e.real, backup)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EMLINK):
            raise
        # Some file systems (and protected_hardlinks, for a file someone else owns) refuse
        # hard links: a copy serves as well, it only costs the time to copy.
        _write_temp(backup, e.real.read_bytes(), _existing(e.real))
    return _Entry(e.target, e.real, temp=e.temp, backup=backup)


def _link(src: Path, dst: Path) -> None:
    os.link(src, dst)


def _replace(src: Path, dst: Path) -> None:
    os.replace(src, dst)


def _unlink(path: Path, missing_ok: bool = False) -> None:
    path.unlink(missing_ok=missing_ok)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # some file systems cannot sync a folder
            raise
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_all(files: Mapping[Path, bytes]) -> list[Path]:
    """The name writers used before OutputSet: the same as `write_set(files)`."""
    return write_set(files)
