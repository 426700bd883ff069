"""Find the line and column of a JSON syntax error without loading the file.

``ijson``'s fast backend says *what* is wrong but not *where*. This runs only
after it failed: it walks the top-level value element by element with the
standard library decoder (which reports positions) over a growing window, so
memory stays near the size of the largest element.
"""

from __future__ import annotations

import json
from pathlib import Path

_READ = 1 << 20
_MAX_WINDOW = 64 << 20
_WS = " \t\r\n"


class _Window:
    """A sliding text window over the file that tracks absolute line numbers."""

    def __init__(self, path: Path, start: int) -> None:
        self.handle = path.open("r", encoding="utf-8", errors="replace", newline="")
        self.handle.read(start and 1)  # skip a UTF-8 BOM (one character)
        self.text = ""
        self.base_line = 1
        self.base_col_start = 0  # index in ``text`` where the current line starts (may be < 0)
        self.eof = False

    def more(self) -> bool:
        if self.eof or len(self.text) > _MAX_WINDOW:
            return False
        chunk = self.handle.read(_READ)
        if not chunk:
            self.eof = True
            return False
        self.text += chunk
        return True

    def drop_before(self, pos: int) -> None:
        consumed = self.text[:pos]
        newlines = consumed.count("\n")
        if newlines:
            self.base_line += newlines
            self.base_col_start = consumed.rfind("\n") + 1 - pos
        else:
            self.base_col_start -= pos
        self.text = self.text[pos:]

    def where(self, pos: int) -> tuple[int, int]:
        before = self.text[:pos]
        newlines = before.count("\n")
        if newlines:
            return self.base_line + newlines, pos - before.rfind("\n")
        return self.base_line, pos - self.base_col_start + 1

    def skip_ws(self, pos: int) -> int:
        while True:
            while pos < len(self.text) and self.text[pos] in _WS:
                pos += 1
            if pos < len(self.text) or not self.more():
                return pos


def _decode_one(window: _Window, pos: int, decoder: json.JSONDecoder) -> tuple[int | None, tuple[int, int, str] | None]:
    """Decode one value at ``pos``: (end position, None) or (None, error)."""
    while True:
        try:
            _, end = decoder.raw_decode(window.text, pos)
            if end < len(window.text) or window.eof or not window.more():
                return end, None
            continue  # a number may continue in the next chunk: decode again
        except json.JSONDecodeError as exc:
            truncated = exc.pos >= len(window.text) - 1 or exc.msg.startswith("Unterminated")
            if truncated and window.more():
                continue
            if exc.pos >= len(window.text) and window.eof:
                line, col = window.where(exc.pos)
                return None, (line, col, "the file ends in the middle of a value (truncated?)")
            line, col = window.where(exc.pos)
            return None, (line, col, exc.msg)


def locate_json_error(path: Path, start: int = 0) -> tuple[int, int, str] | None:
    """Return ``(line, column, message)`` of the first syntax error, or None."""
    window = _Window(path, start)
    decoder = json.JSONDecoder()
    try:
        pos = window.skip_ws(0)
        if pos >= len(window.text) or window.text[pos] != "[":
            end, error = _decode_one(window, pos, decoder)
            if error:
                return error
            pos = window.skip_ws(end or 0)
            if pos < len(window.text):
                line, col = window.where(pos)
                return line, col, "extra data after the top-level value"
            return None
        pos = window.skip_ws(pos + 1)
        if pos < len(window.text) and window.text[pos] == "]":
            return None
        while True:
            window.drop_before(pos)
            end, error = _decode_one(window, 0, decoder)
            if error:
                return error
            pos = window.skip_ws(end or 0)
            if pos >= len(window.text):
                line, col = window.where(pos)
                return line, col, "the file ends before the closing ']' of the array (truncated?)"
            char = window.text[pos]
            if char == "]":
                return None
            if char != ",":
                line, col = window.where(pos)
                return line, col, "expected ',' or ']' after an array element"
            pos = window.skip_ws(pos + 1)
    finally:
        window.handle.close()
