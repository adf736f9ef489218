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


# --- one run at a time in an output folder ----------------------------------------------------

LOCK_NAME = ".xlscore.lock"


class FolderBusy(Exception):
    """Another xlscore run holds the output folder; ``pid`` is its process id."""

    def __init__(self, pid: int | None):
        super().__init__(pid)
        self.pid = pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def _holder(lock: Path) -> tuple[int | None, bool]:
    """(pid, stale) of an existing lock file."""
    import time

    try:
        text = lock.read_text(encoding="ascii", errors="replace").strip()
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return None, True
    except OSError:  # not a plain file one can read: leave it to the person
        return None, False
    if text.isdigit():
        pid = int(text)
        return pid, not _alive(pid)
    return None, age > 10  # being written this moment, or left half-written long ago


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[Path]:
    """Hold ``folder/.xlscore.lock`` (created atomically, holding this process's id) for the block;
    raise FolderBusy when a live process holds it. A lock whose process is gone is taken over."""
    lock = Path(folder) / LOCK_NAME
    for attempt in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid, stale = _holder(lock)
            if not stale or attempt:
                raise FolderBusy(pid) from None
            lock.unlink(missing_ok=True)
            continue
        break
    owner = os.getpid()
    try:
        os.write(handle, f"{owner}\n".encode("ascii"))
    finally:
        os.close(handle)
    try:
        yield lock
    finally:
        if os.getpid() == owner:  # not a forked worker leaving
            lock.unlink(missing_ok=True)
