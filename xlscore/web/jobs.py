"""Where a job's files live: ``DATA/jobs/<id>/`` with an unguessable id (secrets.token_urlsafe).
An upload's own name is never a path: a self-check's workbook is stored under a fixed name with
its suffix; a batch's files under names made safe by naming.component, one folder each."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import stat
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..read.files import WORKBOOK_SUFFIXES
from ..read.naming import clean, component

JOBS = "jobs"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
KEEP_SECONDS = 24 * 3600  # a job's files are removed a day after it was made
BATCH_SUFFIXES = (*WORKBOOK_SUFFIXES, ".eml")
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_BYTES = 1024 * 1024 * 1024  # what a .zip may unpack to, in all


class UploadRefused(Exception):
    """An upload refused, with the Chinese reason the page shows."""


def new_job(data: Path, kind: str, **meta) -> tuple[str, Path]:
    tidy(data)
    job_id = secrets.token_urlsafe(32)
    folder = data / JOBS / job_id
    folder.mkdir(parents=True)
    write_meta(folder, {"kind": kind, "created": time.time(), **meta})
    return job_id, folder


def find_job(data: Path, job_id: str, kind: str) -> tuple[Path, dict] | None:
    """The folder and metadata of job ``job_id`` of ``kind``; None for any other id."""
    if not ID_PATTERN.match(job_id or ""):
        return None
    folder = data / JOBS / job_id
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("kind") != kind:
        return None
    return folder, meta


def write_meta(folder: Path, meta: dict) -> None:
    temporary = folder / "meta.json.tmp"
    temporary.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    temporary.replace(folder / "meta.json")


def tidy(data: Path) -> None:
    """Remove the jobs older than KEEP_SECONDS (a department's file is not kept past its visit)."""
    root = data / JOBS
    if not root.is_dir():
        return
    now = time.time()
    for folder in root.iterdir():
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def workbook_suffix(name: str) -> str | None:
    """The workbook suffix (``.xlsx`` …) of an upload's name, or None."""
    lower = (name or "").lower()
    return next((suffix for suffix in WORKBOOK_SUFFIXES if lower.endswith(suffix)), None)


def display_name(name: str) -> str:
    """An upload's name as shown (its last component, invisible characters removed)."""
    shown = clean(PurePosixPath((name or "").replace("\\", "/")).name)
    return shown or "未命名"


def place(inbox: Path, name: str) -> Path:
    """A new path under ``inbox`` for a file called ``name``: a safe name, in a folder of its own
    when another file already has it."""
    safe = component(display_name(name))
    path = inbox / safe
    n = 2
    while path.exists():
        path = inbox / f"{n}" / safe
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name: as written by Windows' own zip (no UTF-8 flag) it is GBK, not cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def unpack(upload: Path, inbox: Path, max_file: int) -> list[tuple[str, str]]:
    """The workbooks and e-mails of the .zip at ``upload`` into ``inbox``, each path component made
    safe (no absolute path, no ``..``, no link); returns what was passed over, with why. Raises
    UploadRefused for a zip that cannot be read or would unpack to too much."""
    skipped = []
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise UploadRefused(f"压缩包中的文件超过 {ZIP_MAX_MEMBERS} 个，请分批上传")
            total = 0
            for info in members:
                name = _zip_name(info)
                if info.is_dir():
                    continue
                parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
                if not parts or ".." in parts or parts[0].startswith("__MACOSX"):
                    skipped.append((name, "压缩包中的路径不安全或为系统文件"))
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    skipped.append((name, "链接文件"))
                    continue
                if not parts[-1].lower().endswith(BATCH_SUFFIXES):
                    skipped.append((name, "不是工作簿或邮件"))
                    continue
                if info.file_size > max_file:
                    skipped.append((name, f"超过 {max_file // (1024 * 1024)} MB"))
                    continue
                target = inbox.joinpath(*[component(clean(p)) for p in parts])
                while target.exists():
                    target = target.with_name("_" + target.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as sink:
                    written = 0
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        total += len(chunk)
                        if written > max_file or total > ZIP_MAX_BYTES:
                            raise UploadRefused("压缩包解开后过大，请分批上传")
                        sink.write(chunk)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, zipfile.LargeZipFile, ValueError, OSError,
            zlib.error) as exc:
        if isinstance(exc, NotImplementedError):
            raise UploadRefused("压缩包使用了不支持的压缩方式或已加密，请用普通方式重新压缩") from exc
        raise UploadRefused("压缩包已损坏或不完整，无法解开，请重新压缩后上传") from exc
    return skipped
