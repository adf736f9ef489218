"""The error raised when a file cannot be read as a workbook at all."""

from __future__ import annotations


class WorkbookError(Exception):
    """A file xlscore cannot read. ``code`` is a catalog code (FILE_CORRUPT, …), ``message`` Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
