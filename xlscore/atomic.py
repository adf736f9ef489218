"""Outputs are written atomically: into a temporary file beside the destination, renamed into
place only once complete. A failure (or an interrupt) leaves the destination as it was and no
temporary file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(dest: Path, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path beside ``dest`` to write to; it becomes ``dest`` when the block ends
    without an exception. ``suffix`` (default: ``dest``'s) is for writers that go by it."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".~xlscore-", suffix=dest.suffix if suffix is None else suffix,
                                   dir=dest.parent)
    os.close(handle)
    try:
        yield Path(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_workbook(workbook, dest: Path) -> None:
    """Save an openpyxl workbook to ``dest`` atomically."""
    with replacing(dest, ".xlsx") as tmp:
        workbook.save(tmp)


def write_text(text: str, dest: Path) -> None:
    """Write UTF-8 text to ``dest`` atomically."""
    with replacing(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")
