"""The one exception readers raise for a whole-file problem.

It subclasses ``ValueError`` so library callers can treat it as bad input, and
its message always names the file and where in it the problem is, because the
CLI prints it verbatim.
"""

from __future__ import annotations

from pathlib import Path


class IngestError(ValueError):
    """The file cannot be read as dialogues (or, in strict mode, a record is bad)."""

    def __init__(self, path: str | Path, problem: str, where: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.where = where
        location = f" at {where}" if where else ""
        super().__init__(f"{self.path}{location}: {problem}")
