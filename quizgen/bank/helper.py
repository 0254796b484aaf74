"""A second core for a large bank: a child process runs the per-question checks of its last slices.

A bank read in slices (slices.py) is split once more: while this process reads every slice
(the model needs them all) and checks the questions of the first ones, the bank's checks
and the checks across questions, a forked child reads only the last slices and runs the
per-question checks on them, slice by slice, keeping nothing but their diagnostics. Those
come back through a pipe, pickled. The checks are pure functions of a question and its
bank's header, and every diagnostic list is sorted before anyone sees it, so the output is
the same, to the byte, as one process's. The child's memory stays small (it was forked
before the model was built, and drops each slice once checked), which matters because a
peak is the parent's plus its child's.

Whatever goes wrong in the child (an error, a signal, a slice this process ended up
reading differently) only costs time: its questions are then checked here as usual.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass

from quizgen.bank.model import Bank
from quizgen.diagnostics import Diagnostic

# A bank of fewer slices is checked here alone: a fork and a pipe cost more than they save.
HELPER_MIN_SLICES = 4
# The child's share of the slices, the last ones. This process reads them all anyway, and
# runs the bank's checks and those across questions (the giveaways, the names): at 100,000
# questions that is more than the child's reading and per-question checks, so the child
# takes them all.
CHILD_SHARE = 1.0


def helper_slices(slices: int) -> int:
    """How many of a bank's `slices` (the last ones) a child checks; 0 for none."""
    if slices < HELPER_MIN_SLICES or not _can_fork() or not _core_free():
        return 0
    return max(1, min(slices, round(slices * CHILD_SHARE)))


def _can_fork() -> bool:
    # A fork copies only the calling thread: with others running (a test runner's, a GUI's),
    # a lock one of them holds would stay locked in the child.
    return hasattr(os, "fork") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


def _core_free() -> bool:
    """Whether another core is likely idle. The child reads the slices a second time, so on
    a machine whose cores are all busy it adds that work and saves nothing (measured: 38 s
    alone, 45 s with a child, at a load of 2.5 on 2 cores)."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # not known here (or no getloadavg): assume the machine is ours
        return True
    return load < (os.cpu_count() or 1) - 0.5


@dataclass
class Helper:
    """A child at work on the questions of a bank from line `from_line` on."""

    pid: int
    fd: int  # the read end of the pipe the child writes its pickled diagnostics to
    from_line: int

    def result(self) -> list[Diagnostic] | None:
        """The child's diagnostics (waiting for them), or None when it did not finish."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            found = pickle.loads(b"".join(chunks))
        except Exception:  # a truncated or garbled answer: check here instead
            return None
        return found if isinstance(found, list) else None

    def cancel(self) -> None:
        """Stop the child (its work is not wanted) and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        os.waitpid(self.pid, 0)


def start(work: Callable[[], list[Diagnostic]], from_line: int) -> Helper | None:
    """Fork a child that runs `work` and sends back what it returns; None if no child could start."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Helper(pid, read_end, from_line)


# Banks whose last questions a child is checking: id(bank) -> (bank, helper). `check` takes
# each one out; `cancel_all` reaps whatever a failed load left behind.
_PENDING: dict[int, tuple[Bank, Helper]] = {}


def register(bank: Bank, helper: Helper) -> None:
    _PENDING[id(bank)] = (bank, helper)


def take(bank: Bank) -> Helper | None:
    """The helper checking part of `bank`, if any (it is then the caller's to wait for)."""
    entry = _PENDING.get(id(bank))
    if entry is None or entry[0] is not bank:
        return None
    del _PENDING[id(bank)]
    return entry[1]


def cancel_all() -> None:
    while _PENDING:
        _, (_, helper) = _PENDING.popitem()
        helper.cancel()
