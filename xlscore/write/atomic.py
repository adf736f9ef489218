"""Outputs are written atomically: into a temporary file on the destination's disk (beside it, or
in the run's temporary folder), renamed into place only once complete. A failure (or an interrupt) leaves the destination as it was and no
temporary file behind. A write the system refuses (a full disk, no permission) is an
:class:`OutputError`: the output folder's trouble, never the input's.

reports.jsonl grows by whole lines (:class:`Appender`); the temporary files of a run (an e-mail's
attachment, openpyxl's and xlsxwriter's parts, the outputs being written) live in the output
folder's ``.xlscore-tmp`` (:func:`scratch`)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ..read.errors import os_reason

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_EXIT = 3  # the exit code of a run stopped by a full disk


class OutputError(Exception):
    """An output (report, copy, summary, a temporary file of the output folder) could not be
    written: the output folder's trouble, never the input's. ``errno`` is the system's."""

    def __init__(self, path: str, errno_: int | None, reason: str):
        super().__init__(path, errno_, reason)  # as args, so that it crosses from a worker whole
        self.path = path
        self.errno = errno_
        self.reason = reason

    @classmethod
    def of(cls, path, exc: BaseException) -> OutputError | None:
        """The OutputError for a failed write to ``path``: ``exc`` if it is one, else the OSError
        that ``exc`` is or was raised from (a writer wraps it in its own error); None for anything
        else, which is not a write's failure but a bug."""
        seen: BaseException | None = exc
        while seen is not None:
            if isinstance(seen, OutputError):
                return seen
            if isinstance(seen, OSError):
                return cls(str(path), seen.errno, os_reason(seen))
            wrapped = seen.__context__ if any(arg is seen.__context__ for arg in seen.args) else None
            seen = seen.__cause__ or wrapped  # raise X from e, or raise X(e) (xlsxwriter's FileCreateError)
        return None

    @property
    def disk_full(self) -> bool:
        return self.errno in DISK_FULL

    @property
    def exit_code(self) -> int:
        """The command line's: 3 for a full disk, 2 (the output folder is at fault) otherwise."""
        return DISK_FULL_EXIT if self.disk_full else 2


@contextlib.contextmanager
def writing(dest) -> Iterator[None]:
    """Turn a failed write to ``dest`` in the block into an OutputError naming it."""
    try:
        yield
    except Exception as exc:
        error = OutputError.of(dest, exc)
        if error is None or error is exc:
            raise
        raise error from exc


@contextlib.contextmanager
def replacing(dest: Path, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path (see :func:`_beside`) to write to; it becomes ``dest`` when the block ends
    without an exception. ``suffix`` (default: ``dest``'s) is for writers that go by it."""
    dest = Path(dest)
    with writing(dest):
        dest.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".~xlscore-", suffix=dest.suffix if suffix is None else suffix,
                                       dir=_beside(dest))
        os.close(handle)
        try:
            yield Path(tmp)
            os.chmod(tmp, 0o666 & ~umask())  # mkstemp's 0600 would keep the output from colleagues
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux), so that no
    other thread creates a file under a umask of 0 meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def _beside(dest: Path) -> Path:
    """Where the temporary file of ``dest`` is made: in the run's temporary folder when ``dest`` is
    in the output folder that holds it (see :func:`scratch`: a worker killed while it writes leaves
    nothing among the outputs), else in ``dest``'s folder. Either way on ``dest``'s disk, for the
    rename."""
    current = tempfile.tempdir
    if current and Path(current).name == SCRATCH_NAME:
        folder = Path(os.path.abspath(dest)).parent
        if Path(current).parent in (folder, *folder.parents):
            return Path(current)
    return dest.parent


def save_workbook(workbook, dest: Path) -> None:
    """Save an openpyxl workbook to ``dest`` atomically."""
    with replacing(dest, ".xlsx") as tmp:
        workbook.save(tmp)


def write_text(text: str, dest: Path) -> None:
    """Write UTF-8 text to ``dest`` atomically."""
    with replacing(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")


class Appender:
    """A file that grows by whole pieces (reports.jsonl by whole lines): each :meth:`append` lands
    whole or not at all. A write cut short (a full disk, an interrupt) is taken back by truncating
    the file to where it ended before."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with writing(self.path):
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)  # as the umask allows

    def append(self, data: bytes) -> None:
        with writing(self.path):
            end = os.fstat(self.fd).st_size
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view):]
            except BaseException:
                os.ftruncate(self.fd, end)  # frees what the cut-short write took: it works on a full disk
                raise

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> Appender:
        return self

    def __exit__(self, *_) -> None:
        self.close()


# --- temporary files in the output folder -----------------------------------------------------

SCRATCH_NAME = ".xlscore-tmp"


@contextlib.contextmanager
def scratch(folder: Path) -> Iterator[Path]:
    """``folder/.xlscore-tmp`` as the temporary folder of this process (``tempfile.tempdir``, which
    the batch's workers inherit) for the block: what openpyxl, xlsxwriter and an e-mail's
    attachment write there stays in the output folder, and is removed when the block ends, however
    it ends; a run killed outright leaves it to the next run in that folder, which removes it first.
    Within a block already using it, it is used as it is."""
    where = Path(os.path.abspath(folder)) / SCRATCH_NAME
    if tempfile.tempdir == str(where):
        yield where
        return
    shutil.rmtree(where, ignore_errors=True)
    with writing(where):
        where.mkdir(parents=True)
    before = tempfile.tempdir
    tempfile.tempdir = str(where)
    try:
        yield where
    finally:
        tempfile.tempdir = before
        shutil.rmtree(where, ignore_errors=True)


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
        with writing(lock):
            os.write(handle, f"{owner}\n".encode("ascii"))
    except OutputError:
        lock.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)
    try:
        yield lock
    finally:
        if os.getpid() == owner:  # not a forked worker leaving
            lock.unlink(missing_ok=True)
