"""Streaming access to the bytes of an upload: encoding checks and containers.

Uploads can be hundreds of megabytes, so nothing here reads a whole file:
JSON arrays go through ``ijson`` one element at a time, JSON Lines and CSV line
by line. Every byte is checked to be UTF-8 on the way, so a bad byte is
reported with its offset and line instead of surfacing as mojibake later.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from realsim_core.ingest._errors import IngestError
from realsim_core.ingest._jsonpos import locate_json_error

_CHUNK = 1 << 16
_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def bom_length(path: Path) -> int:
    """Bytes of a UTF-8 byte-order mark to skip; other encodings are an error."""
    with path.open("rb") as handle:
        head = handle.read(4)
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise IngestError(path, f"the file is encoded as {name}; re-save it as UTF-8")
    return len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0


def encoding_error(path: Path, byte_offset: int, line: int, bad: bytes) -> IngestError:
    return IngestError(
        path,
        f"bytes {bad[:4]!r} at byte offset {byte_offset} are not valid UTF-8; re-save the file as UTF-8",
        where=f"line {line}",
    )


class CheckedReader:
    """A binary file wrapper that validates UTF-8 incrementally for ``ijson``."""

    def __init__(self, handle: IO[bytes], path: Path, start: int) -> None:
        self._handle = handle
        self._path = path
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        handle.seek(start)
        self.offset = start
        self.newlines = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        pending = len(self._decoder.getstate()[0])
        try:
            self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            bad_at = self.offset - pending + exc.start
            before = chunk[: max(0, bad_at - self.offset)]
            raise encoding_error(
                self._path, bad_at, self.newlines + before.count(b"\n") + 1, (exc.object[exc.start:exc.end])
            ) from None
        self.offset += len(chunk)
        self.newlines += chunk.count(b"\n")
        return chunk


def first_significant(path: Path) -> tuple[int, str]:
    """Byte offset and character of the first non-blank character ('' if none)."""
    start = bom_length(path)
    with path.open("rb") as handle:
        handle.seek(start)
        offset = start
        while chunk := handle.read(_CHUNK):
            stripped = chunk.lstrip()
            if stripped:
                offset += len(chunk) - len(stripped)
                return offset, chr(stripped[0]) if stripped[0] < 128 else "\ufffd"
            offset += len(chunk)
    return offset, ""


def iter_json_array(path: Path, prefix: str = "item") -> Iterator[tuple[str, int, Any]]:
    """Yield ``(locator, index, element)`` of the top-level JSON array."""
    with path.open("rb") as handle:
        reader = CheckedReader(handle, path, bom_length(path))
        index = -1
        try:
            for index, item in enumerate(ijson.items(reader, prefix, use_float=True)):
                yield f"record {index}", index, item
        except ijson.JSONError as exc:
            raise malformed(path, exc, after=index) from None


def json_array_values(path: Path, prefix: str) -> Iterator[Any]:
    """Values at ``prefix`` (e.g. ``item.id``) without building whole records."""
    with path.open("rb") as handle:
        reader = CheckedReader(handle, path, bom_length(path))
        try:
            yield from ijson.items(reader, prefix, use_float=True)
        except ijson.JSONError as exc:
            raise malformed(path, exc, after=None) from None


def malformed(path: Path, exc: Exception, after: int | None) -> IngestError:
    """Turn an ijson error into one that names the line and column."""
    found = locate_json_error(path, bom_length(path))
    context = f" (after record {after})" if after is not None and after >= 0 else ""
    if found is None:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return IngestError(path, f"malformed JSON{context}: {first_line}")
    line, column, message = found
    return IngestError(path, f"malformed JSON{context}: {message}", where=f"line {line}, column {column}")


def iter_lines(path: Path, skip_blank: bool = True) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, decoded text)`` of (non-blank) lines, checking UTF-8."""
    start = bom_length(path)
    with path.open("rb") as handle:
        handle.seek(start)
        offset = start
        for number, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise encoding_error(path, offset + exc.start, number, raw[exc.start:exc.end]) from None
            offset += len(raw)
            if not skip_blank or text.strip():
                yield number, text


def iter_json_lines(path: Path) -> Iterator[tuple[str, int, Any]]:
    """Yield ``(locator, index, parsed line)`` of a JSON Lines file."""
    for index, (number, text) in enumerate(iter_lines(path)):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(
                path, f"malformed JSON on this line: {exc.msg}", where=f"line {number}, column {exc.colno}"
            ) from None
        yield f"line {number}", index, value
