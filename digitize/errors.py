"""Exit codes and the errors that map onto them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USAGE = 1
    BAD_INPUT = 2
    MISSING_DEPENDENCY = 3
    SOME_FAILED = 4
    REGRESSION = 5


class DigitizeError(Exception):
    """An error that is reported as one line naming the file (and page)."""

    def __init__(self, message: str, path: object = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.page = page

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else ""
        if self.page is not None:
            where += f", page {self.page}"
        return f"{where}: {self.message}" if where else self.message


class BadInputError(DigitizeError):
    """The input file itself is unusable: corrupt, encrypted, empty."""


class MissingDependencyError(DigitizeError):
    """A program or data file the conversion needs is not installed."""
