"""Streaming decompression of a response body (gzip, deflate, brotli) with an output cap.

Separate from ``fetch`` because it knows nothing of HTTP: it turns compressed chunks into at most a
budget of output per call, so a gzip bomb is produced (and refused) a budget at a time instead of
inflating in memory first. ``fetch`` streams the raw body through it and stays the only module
that imports httpx.
"""

from __future__ import annotations

import importlib
import importlib.util
import zlib
from collections.abc import Iterator
from typing import Any

from watcher.errors import FetchError

_BROTLI_FEED = 1024  # brotli has no output limit: feed it small slices to bound each step


def brotli_module() -> Any | None:
    """The ``brotli`` module if it is installed: we only advertise ``br`` when we can decode it."""
    if importlib.util.find_spec("brotli") is None:
        return None
    return importlib.import_module("brotli")


class Decoder:
    """Undo one ``Content-Encoding``, never producing more than the caller's budget per call.

    zlib's ``max_length`` keeps the rest of the input in ``unconsumed_tail``, so the output of a
    bomb is produced (and refused) a budget at a time instead of all at once.
    """

    def __init__(self, encoding: str, url: str) -> None:
        self.encoding = encoding
        self.url = url
        self._zlib: Any = None
        self._brotli: Any = None
        self._first = True

    @classmethod
    def for_encoding(cls, encoding: str, url: str) -> Decoder:
        if encoding in ("", "identity", "gzip", "x-gzip", "deflate"):
            return cls(encoding, url)
        if encoding == "br" and brotli_module() is not None:
            return cls(encoding, url)
        raise FetchError(
            f"{url}: the server compressed the page with {encoding!r}, which we cannot decode",
            cause="decode",
        )

    def _error(self, exc: Exception) -> FetchError:
        return FetchError(
            f"{self.url}: the {self.encoding} compressed body is corrupt: {exc}", cause="decode"
        )

    def feed(self, data: bytes, budget: int) -> Iterator[bytes]:
        if self.encoding in ("", "identity"):
            yield data
            return
        if self.encoding == "br":
            yield from self._feed_brotli(data, budget)
            return
        if self._first and data:
            self._first = False
            self._zlib = self._new_zlib(data)
        if self._zlib is None:
            return
        yield from self._inflate(data, budget)

    def _new_zlib(self, data: bytes) -> Any:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped, but some servers send raw deflate: check the header.
        zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def _inflate(self, data: bytes, budget: int) -> Iterator[bytes]:
        pending = data
        while pending:
            try:
                out = self._zlib.decompress(pending, max(budget, 1))
            except zlib.error as exc:
                raise self._error(exc) from exc
            budget -= len(out)
            if out:
                yield out
            if budget <= 0:
                return  # over the cap: the caller raises too-large
            if self._zlib.eof and self._zlib.unused_data:
                # A second gzip member (concatenated streams are valid gzip).
                pending = self._zlib.unused_data
                self._zlib = self._new_zlib(pending)
                continue
            pending = self._zlib.unconsumed_tail

    def _feed_brotli(self, data: bytes, budget: int) -> Iterator[bytes]:
        if self._brotli is None:
            module = brotli_module()
            assert module is not None
            self._brotli = module.Decompressor()
        view = memoryview(data)
        for start in range(0, len(view), _BROTLI_FEED):
            try:
                out: bytes = self._brotli.process(bytes(view[start : start + _BROTLI_FEED]))
            except Exception as exc:  # brotli raises its own error type, not exported alike
                raise self._error(exc) from exc
            budget -= len(out)
            if out:
                yield out
            if budget <= 0:
                return

    def flush(self, budget: int) -> Iterator[bytes]:
        if self._zlib is None:
            return
        try:
            out = self._zlib.flush()
        except zlib.error as exc:
            raise self._error(exc) from exc
        if out:
            yield out  # the input is all consumed here: only zlib's last buffered bytes
        if not self._zlib.eof:
            raise self._error(ValueError("the compressed stream ends early"))
