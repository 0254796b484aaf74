"""The QTI package's zip: fixed timestamps and modes, so the same files give the same bytes,
and a big entry compressed while it is still being written.

Deflating the 33 MB assessment of a 10,000-question bank takes a quarter of the export; zlib
lets go of the GIL while it compresses, so a thread of its own does it while the caller makes
the next piece of XML. Deflate's output does not depend on how its input is cut up, so the
zip is byte for byte the one `writestr` of the whole entry would make.
"""

from __future__ import annotations

import queue
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_QUEUED = 8  # pieces waiting for the compressor: bounds the memory they hold


def entry(name: str) -> zipfile.ZipInfo:
    """A deflated entry with the fixed timestamp and mode 644."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    """`data` as the entry `name`."""
    zf.writestr(entry(name), data)


@contextmanager
def streamed(zf: zipfile.ZipFile, name: str) -> Iterator[Callable[[bytes], None]]:
    """The entry `name`, written from the pieces given to the function this yields; they are
    compressed in another thread. Nothing else may use `zf` until the block ends."""
    pieces: queue.Queue[bytes | None] = queue.Queue(_QUEUED)
    failed: list[BaseException] = []

    def compress() -> None:
        try:
            with zf.open(entry(name), "w") as out:
                while (piece := pieces.get()) is not None:
                    out.write(piece)
        except BaseException as exc:  # handed to the caller's thread below
            failed.append(exc)
            while pieces.get() is not None:  # let the caller finish putting
                pass

    worker = threading.Thread(target=compress, name=f"zip {name}", daemon=True)
    worker.start()
    try:
        yield pieces.put
    finally:
        pieces.put(None)
        worker.join()
    if failed:
        raise failed[0]
