"""Cross-process locking around the DuckDB file.

DuckDB lets one process write a file at a time and refuses to open it while
another process writes. Rather than surfacing "Could not set lock" to users,
every writer takes an exclusive ``flock`` on a side file and every reader a
shared one: concurrent ingests queue up, and the dashboard waits for a write to
finish instead of failing.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StoreBusyError(RuntimeError):
    """Raised when the store stays locked longer than the caller will wait."""


@contextmanager
def file_lock(path: Path, *, exclusive: bool, timeout: float = 600.0) -> Iterator[None]:
    """Hold an advisory lock on ``path`` (created if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusyError(
                        f"{path.with_suffix('')} is busy: another realsim process has held it "
                        f"for more than {timeout:.0f} s"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
