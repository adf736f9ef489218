"""What a batch takes in: workbooks in a folder tree and the workbooks attached to saved e-mails.

A folder is walked recursively. Lock and temporary files (``~$*.xlsx``, ``.~lock*#``), hidden
files and folders, and the output folder itself are skipped and counted. A saved e-mail (.eml)
contributes each workbook attachment (names in RFC 2231/2047 encodings decoded, control and
bidirectional characters removed) with the sender, subject and date as its source; an e-mail
without one is skipped and listed.

Once all is found, :func:`assign_names` gives every workbook its report key and output name.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..read.errors import WorkbookError
from ..read.files import MAX_FILE_BYTES, WORKBOOK_SUFFIXES, _mb, dangling_link, open_regular, read_regular
from ..read.naming import REPORT_DIR, TAILS, clean, component, fold, split_name
from ..write.atomic import writing

MAX_EML_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One workbook to process: a file, or attachment number ``part`` of an e-mail."""

    path: Path  # the file on disk (the .eml for an attachment)
    # Display path relative to the inputs' common folder (invisible characters removed), and the
    # report key --resume goes by: "a/b/自评表.xlsx", ".../x.eml:附件名.xlsx", ".../x.eml:附件名.xlsx#2"
    # for the second attachment of that name in the e-mail.
    rel: str
    out_rel: str  # output path prefix relative to OUT, without suffix: "a/b/自评表" (see assign_names)
    name: str  # the workbook's file name (an attachment's with its invisible characters removed)
    part: int | None = None
    email: dict | None = None  # from / subject / date / attachment / to / reply_to / message_id


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
    """The workbooks in ``paths`` (folders, workbooks, saved e-mails), named by :func:`assign_names`.
    Paths are shown relative to the inputs' common folder: a folder's own name is left out when it
    is the only input, and kept when several are given (``a/自评表.xlsx``, ``b/自评表.xlsx``)."""
    inbox = Inbox()
    out_resolved = out_dir.resolve()
    anchors = [Path(os.path.abspath(root if root.is_dir() else root.parent)) for root in paths]
    try:
        common = Path(os.path.commonpath(anchors)) if anchors else None
    except ValueError:  # on different drives: each input under its own name
        common = None
    for root, anchor in zip(paths, anchors):
        base = common or anchor.parent
        if root.is_dir():
            _walk(root, base, out_resolved, inbox)
        else:
            _file(root, base, inbox)
    # An input given twice, or a folder given with one inside it, is found once.
    seen: set = set()
    jobs = []
    for job in inbox.jobs:
        identity = (os.path.abspath(job.path), job.part)
        if identity not in seen:
            seen.add(identity)
            jobs.append(job)
    inbox.jobs = assign_names(jobs)
    inbox.skipped = list(dict.fromkeys(inbox.skipped))
    return inbox


def single_jobs(paths: list[Path]) -> list[Job]:
    """The workbooks of a run over files (no folder, no e-mail): outputs side by side in OUT, named
    by :func:`assign_names` (``a/自评表.xlsx`` and ``b/自评表.xlsx`` give 自评表 and 自评表_2)."""
    seen: set = set()
    jobs = []
    for path in paths:
        if os.path.abspath(path) not in seen:
            seen.add(os.path.abspath(path))
            jobs.append(Job(path, path.name, "", path.name))
    return assign_names(jobs, flat=True)


def assign_names(jobs: list[Job], flat: bool = False) -> list[Job]:
    """``jobs`` with their report keys and output names, every one its own, the same in every run
    over the same inputs.

    Key: the display path; attachments of one name in one e-mail are told apart by their order
    (``来信.eml:附件.xlsx#1``, ``#2``), which is the same in every reading of the e-mail.
    Output: the display path's folders (none when ``flat``; an e-mail's attachments in a folder named
    as the e-mail file, ``来信.eml/``, which no real folder beside it can be named), the name's stem
    made safe (:func:`naming.component`). Names that are one on Windows or macOS are told apart: by
    their extension when those differ (自评表_xls, 自评表_xlsx), else the first in key order keeps
    the name and the others take ``_2``, ``_3`` … — never a name another input has by itself, nor a
    folder's. Only the inputs of such a group are renamed: adding an unrelated file renames none."""
    counts, seen = Counter(job.rel for job in jobs), Counter()
    keys, taken = [], set()
    for job in jobs:
        seen[job.rel] += 1
        key = f"{job.rel}#{seen[job.rel]}" if counts[job.rel] > 1 and job.part is not None else job.rel
        number = 1
        while key in taken:  # two inputs of one name on different drives, or once cleaned
            number += 1
            key = f"{job.rel}#{number}"
        taken.add(key)
        keys.append(key)
    wanted = []  # (folders, stem, extension) of each job's output
    for job in jobs:
        if job.part is not None:
            folder = job.rel[: len(job.rel) - len(job.name) - 1]
        else:
            folder = str(PurePosixPath(job.rel).parent)
        folders = () if flat or folder in ("", ".") else tuple(component(part) for part in folder.split("/"))
        stem, ext = split_name(job.name, WORKBOOK_SUFFIXES)
        wanted.append((folders, stem, ext))

    def output(i: int, extra: str) -> str:
        folders, stem, _ext = wanted[i]
        return "/".join([*folders, component(stem, extra + TAILS[0]) + extra])

    groups: dict[str, list[int]] = {}
    for i in range(len(jobs)):
        groups.setdefault(fold(output(i, "")), []).append(i)
    folders_used = {fold("/".join(folders[:n])) for folders, _, _ in wanted for n in range(1, len(folders) + 1)}
    used: set[str] = set()
    outs = [""] * len(jobs)
    for natural, members in groups.items():
        mixed = len({wanted[i][2].lower() for i in members}) > 1
        for i in sorted(members, key=lambda i: (jobs[i].rel, jobs[i].part or 0)):
            by_type = f"_{wanted[i][2].lower()}" if mixed else ""
            number = 1
            while True:
                out = output(i, by_type + (f"_{number}" if number > 1 else ""))
                folded = fold(out)
                if folded not in used and (folded == natural or folded not in groups) and \
                        not any(fold(path) in folders_used
                                for path in (out + TAILS[0], f"{REPORT_DIR}/{out}{TAILS[1]}")):
                    break
                number += 1
            used.add(folded)
            outs[i] = out
    return [replace(job, rel=key, out_rel=out) for job, key, out in zip(jobs, keys, outs)]


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
    """How ``path`` is shown (and keyed): relative to ``base``, without control and bidirectional
    characters (which would reach the terminal, and cannot go into a workbook's cell)."""
    try:
        return clean(Path(os.path.abspath(path)).relative_to(base).as_posix())
    except ValueError:
        return clean(path.name)


def _file(path: Path, base: Path, inbox: Inbox) -> None:
    name, rel = path.name, _rel(path, base)
    if _lock(name):
        inbox.skipped.append((rel, "锁定或临时文件"))
    elif _hidden(name):
        inbox.skipped.append((rel, "隐藏文件"))
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        inbox.jobs.append(Job(path, rel, "", name))
    elif path.suffix.lower() == ".eml":
        _eml(path, rel, inbox)
    else:
        inbox.skipped.append((rel, "不是工作簿或邮件"))


def read_message(path: Path):
    """The saved e-mail at ``path``; WorkbookError (FILE_UNREADABLE) when it is not a regular file,
    ValueError when it is over MAX_EML_BYTES (of which no more than that is read)."""

    data = read_regular(path, MAX_EML_BYTES)
    if data is None:
        raise ValueError("邮件超过 100 MB")
    import email  # only for saved e-mails: the package costs a check over a folder a noticeable start-up
    from email import policy  # start-up guard (see above)

    return email.message_from_bytes(data, policy=policy.default)


def attachments(message) -> list[tuple[int, str, object]]:
    """(part number, file name, part) of each workbook attachment: the name decoded, without its
    folders, control and bidirectional characters (see naming.clean)."""
    found = []
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        filename = part.get_filename()
        name = PurePosixPath(clean(filename).replace("\\", "/")).name if filename else ""
        if name.lower().endswith(WORKBOOK_SUFFIXES):
            found.append((number, name, part))
    return found


def _email_fields(message, attachment: str) -> dict:
    from email.utils import parsedate_to_datetime  # start-up guard: e-mails only

    date = message.get("Date")
    try:
        date = parsedate_to_datetime(str(date)).isoformat() if date else None
    except (TypeError, ValueError):
        date = str(date)
    def text(name: str) -> str | None:
        return str(message.get(name) or "").strip() or None

    # To, Reply-To and Message-ID: what the reply draft (batch.replies) is addressed and threaded by
    return {"from": text("From"), "subject": text("Subject"), "date": date, "attachment": attachment,
            "to": text("To"), "reply_to": text("Reply-To"), "message_id": text("Message-ID")}


def _eml(path: Path, rel: str, inbox: Inbox) -> None:
    try:
        message = read_message(path)
    except WorkbookError as exc:
        inbox.skipped.append((rel, exc.message))
        return
    except FileNotFoundError:

        link = dangling_link(path)
        inbox.skipped.append((rel, link.message if link else "邮件在查找过程中被移走或删除"))
        return
    except OSError as exc:
        inbox.skipped.append((rel, f"邮件无法读取（{exc.strerror or exc}）"))
        return
    except ValueError as exc:
        inbox.skipped.append((rel, f"邮件无法读取（{exc}）"))
        return
    found = attachments(message)
    if not found:
        inbox.skipped.append((rel, "邮件中没有工作簿附件"))
        return
    for number, filename, _part in found:
        inbox.jobs.append(Job(path, f"{rel}:{filename}", "", filename, number, _email_fields(message, filename)))


def extract(job: Job, folder: Path) -> Path:
    """Write the attachment of ``job`` into ``folder``, as 附件 with its extension: its own name may
    be too long for a file name, or dots only."""
    message = read_message(job.path)
    for number, filename, part in attachments(message):
        if number == job.part:
            dest = folder / f"附件.{split_name(filename, WORKBOOK_SUFFIXES)[1].lower()}"
            data = part.get_payload(decode=True) or b""
            with writing(dest):  # a temporary copy: a failure to write it is the output folder's (a full disk)
                dest.write_bytes(data)
            return dest
    raise FileNotFoundError(f"邮件中找不到附件 {job.name}")


def content_hash(job: Job) -> str:
    """sha256 of the workbook's bytes (the attachment's, for an e-mail). Only a regular file is
    read, and no further than the size limit: WorkbookError (FILE_UNREADABLE, FILE_TOO_LARGE)
    otherwise, as the reader would say."""

    digest = hashlib.sha256()
    if job.part is None:
        read = 0
        with open_regular(job.path) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                read += len(chunk)
                if read > MAX_FILE_BYTES:
                    raise WorkbookError("FILE_TOO_LARGE", "over_limit", limit=_mb(MAX_FILE_BYTES))
                digest.update(chunk)
        return digest.hexdigest()
    for number, _name, part in attachments(read_message(job.path)):
        if number == job.part:
            digest.update(part.get_payload(decode=True) or b"")
    return digest.hexdigest()
