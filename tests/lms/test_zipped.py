"""The QTI zip: an entry streamed through the compressor thread is the entry writestr makes."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

import pytest

from quizgen.lms import zipped


def _zip(write_entry: Callable[[zipfile.ZipFile], None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zipped.add(zf, "first.xml", b"<a />")
        write_entry(zf)
        zipped.add(zf, "last.xml", b"<b />")
    return out.getvalue()


def test_a_streamed_entry_gives_the_bytes_of_the_whole_entry() -> None:
    rng = random.Random(7)
    words = [bytes(rng.choice(b"abcdefgh <>&\n") for _ in range(rng.randint(1, 30))) for _ in range(20_000)]
    data = b"".join(words)
    cuts = sorted(rng.sample(range(len(data)), 40))

    def streamed(zf: zipfile.ZipFile) -> None:
        with zipped.streamed(zf, "big.xml") as write:
            for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True):
                write(data[start:end])

    whole = _zip(lambda zf: zipped.add(zf, "big.xml", data))
    assert _zip(streamed) == whole
    with zipfile.ZipFile(io.BytesIO(whole)) as zf:
        assert zf.read("big.xml") == data


def test_a_failure_in_the_compressor_reaches_the_caller() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf, pytest.raises(TypeError), zipped.streamed(zf, "bad.xml") as write:
        write("not bytes")  # type: ignore[arg-type]
        write(b"more")
