"""What a batch takes in: workbooks in a folder tree and the workbooks attached to saved e-mails.

A folder is walked recursively. Lock and temporary files (``~$*.xlsx``, ``.~lock*#``), hidden
files and folders, and the output folder itself are skipped and counted. A saved e-mail (.eml)
contributes each workbook attachment (names in RFC 2231/2047 encodings decoded) with the sender,
subject and date as its source; an e-mail without one is skipped and listed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import WorkbookError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_EML_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One workbook to process: a file, or attachment number ``part`` of an e-mail."""

    path: Path  # the file on disk (the .eml for an attachment)
    rel: str  # display path relative to the input root (".../x.eml:附件名.xlsx" for attachments)
    out_rel: str  # output path prefix relative to OUT, without suffix: "a/b/自评表"
    name: str  # the workbook's file name
    part: int | None = None
    email: dict | None = None  # from / subject / date / attachment


@dataclass
class Inbox:
    """The workbooks found in the inputs, and what was skipped and why."""

    jobs: list[Job] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _lock(name: str) -> bool:
    return name.startswith("~$") or name.startswith(".~lock") or name.endswith("#")


def discover(paths: list[Path], out_dir: Path) -> Inbox:
    inbox = Inbox()
    out_resolved = out_dir.resolve()
    for root in paths:
        if root.is_dir():
            _walk(root, root, out_resolved, inbox)
        else:
            _file(root, root.parent, inbox)
    _distinct_outputs(inbox)
    return inbox


def _distinct_outputs(inbox: Inbox) -> None:
    """自评表.xls beside 自评表.xlsx would write the same 自评表_复核.xlsx: keep the extension in
    the output name of every file whose name without it is shared."""
    from collections import Counter

    counts = Counter(job.out_rel.casefold() for job in inbox.jobs)
    for i, job in enumerate(inbox.jobs):
        if counts[job.out_rel.casefold()] > 1:
            suffix = Path(job.name).suffix.lstrip(".").lower()
            inbox.jobs[i] = Job(job.path, job.rel, f"{job.out_rel}_{suffix}", job.name, job.part, job.email)


def _walk(root: Path, base: Path, out_resolved: Path, inbox: Inbox) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            full = here / d
            if full.resolve() == out_resolved:
                inbox.skipped.append((_rel(full, base) + "/", "输出文件夹"))
            elif _hidden(d):
                inbox.skipped.append((_rel(full, base) + "/", "隐藏文件夹"))
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            _file(here / name, base, inbox)


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _file(path: Path, base: Path, inbox: Inbox) -> None:
    name, rel = path.name, _rel(path, base)
    if _lock(name):
        inbox.skipped.append((rel, "锁定或临时文件"))
    elif _hidden(name):
        inbox.skipped.append((rel, "隐藏文件"))
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        inbox.jobs.append(Job(path, rel, str(PurePosixPath(rel).with_suffix("")), name))
    elif path.suffix.lower() == ".eml":
        _eml(path, rel, inbox)
    else:
        inbox.skipped.append((rel, "不是工作簿或邮件"))


def read_message(path: Path):
    """The saved e-mail at ``path``; WorkbookError (FILE_UNREADABLE) when it is not a regular file,
    ValueError when it is over MAX_EML_BYTES (of which no more than that is read)."""
    from .files import read_regular

    data = read_regular(path, MAX_EML_BYTES)
    if data is None:
        raise ValueError("邮件超过 100 MB")
    import email  # only for saved e-mails: the package costs a check over a folder a noticeable start-up
    from email import policy

    return email.message_from_bytes(data, policy=policy.default)


def attachments(message) -> list[tuple[int, str, object]]:
    """(part number, decoded file name, part) of each workbook attachment."""
    found = []
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename and Path(filename).suffix.lower() in WORKBOOK_SUFFIXES:
            found.append((number, Path(filename.replace("\\", "/")).name, part))
    return found


def _email_fields(message, attachment: str) -> dict:
    from email.utils import parsedate_to_datetime

    date = message.get("Date")
    try:
        date = parsedate_to_datetime(str(date)).isoformat() if date else None
    except (TypeError, ValueError):
        date = str(date)
    return {"from": str(message.get("From") or "") or None, "subject": str(message.get("Subject") or "") or None,
            "date": date, "attachment": attachment}


def _eml(path: Path, rel: str, inbox: Inbox) -> None:
    try:
        message = read_message(path)
    except WorkbookError as exc:
        inbox.skipped.append((rel, exc.message))
        return
    except (OSError, ValueError) as exc:
        inbox.skipped.append((rel, f"邮件无法读取（{exc}）"))
        return
    found = attachments(message)
    if not found:
        inbox.skipped.append((rel, "邮件中没有工作簿附件"))
        return
    stem = str(PurePosixPath(rel).with_suffix(""))
    used: dict[str, int] = {}
    for number, filename, _part in found:
        base = str(PurePosixPath(filename).with_suffix(""))
        used[base] = used.get(base, 0) + 1
        unique = base if used[base] == 1 else f"{base}_{used[base]}"
        inbox.jobs.append(Job(path, f"{rel}:{filename}", f"{stem}/{unique}", filename, number,
                              _email_fields(message, filename)))


def extract(job: Job, folder: Path) -> Path:
    """Write the attachment of ``job`` into ``folder`` under its own file name."""
    message = read_message(job.path)
    for number, filename, part in attachments(message):
        if number == job.part:
            dest = folder / filename
            dest.write_bytes(part.get_payload(decode=True) or b"")
            return dest
    raise FileNotFoundError(f"邮件中找不到附件 {job.name}")


def content_hash(job: Job) -> str:
    """sha256 of the workbook's bytes (the attachment's, for an e-mail). Only a regular file is
    read, and no further than the size limit: WorkbookError (FILE_UNREADABLE, FILE_TOO_LARGE)
    otherwise, as the reader would say."""
    from .files import MAX_FILE_BYTES, _mb, open_regular

    digest = hashlib.sha256()
    if job.part is None:
        read = 0
        with open_regular(job.path) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                read += len(chunk)
                if read > MAX_FILE_BYTES:
                    raise WorkbookError("FILE_TOO_LARGE", f"文件大小超过上限 {_mb(MAX_FILE_BYTES)}")
                digest.update(chunk)
        return digest.hexdigest()
    for number, _name, part in attachments(read_message(job.path)):
        if number == job.part:
            digest.update(part.get_payload(decode=True) or b"")
    return digest.hexdigest()
