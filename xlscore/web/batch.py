"""财政局批量复核: the uploads of a batch job put in its inbox, the batch run in a background
thread on the CLI's engine (inbox.discover, runner.run_batch, summary.write_summary,
replies.write_replies), one batch at a time, its progress and results read from its folder."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

from ..batch.inbox import discover
from ..batch.replies import REPLIES, write_replies
from ..batch.runner import REPORTS, run_batch
from ..batch.summary import SUMMARY, copies, load_reports, write_summary
from . import jobs

RUNNING = threading.Lock()  # one batch at a time: the machine's cores are the batch's


def inbox_of(folder: Path) -> Path:
    return folder / "inbox"


def out_of(folder: Path) -> Path:
    return folder / "out"


def update(folder: Path, **changes) -> dict:
    meta = read_meta(folder)
    meta.update(changes)
    jobs.write_meta(folder, meta)
    return meta


def read_meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def start(folder: Path, skipped: list[tuple[str, str]], workers: int) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(folder, skipped, workers), name="xlscore-web-batch", daemon=True)
    thread.start()
    return thread


def _run(folder: Path, skipped: list[tuple[str, str]], workers: int) -> None:
    with RUNNING:
        try:
            out = out_of(folder)
            inbox = discover([inbox_of(folder)], out)
            update(folder, status="running", found=len(inbox.jobs))
            outcome = run_batch(inbox, out, jobs=workers)
            if outcome.stopped is not None:
                update(folder, status="failed", error="批量复核中途停止（输出文件无法写入或服务被停止），请重新上传。")
                return
            every_skip = [*skipped, *inbox.skipped]
            write_summary(out, every_skip)
            write_replies(out)
            update(folder, status="done", done=outcome.done, skipped=every_skip,
                   unreadable=len(outcome.unreadable), seconds=round(outcome.seconds, 1))
        except Exception:  # the batch's failure is this job's page, never the server's end
            update(folder, status="failed", error="批量复核时程序出错，请稍后重试；如仍出错，请将文件反馈给维护人员。")


def progress(folder: Path) -> int:
    """How many of the batch's files have their report (each file's reports are written at once)."""
    path = out_of(folder) / REPORTS
    if not path.exists():
        return 0
    keys = set()
    for report in load_reports(path):
        source = report.get("source") or {}
        keys.add(source.get("path") or report.get("file"))
    return len(keys)


def reports(folder: Path) -> list[dict]:
    path = out_of(folder) / REPORTS
    return load_reports(path) if path.exists() else []


def files(all_reports: list[dict]) -> list[str]:
    """The batch's files (report keys), in a fixed order: a file's page is its number in it."""
    return sorted({str((r.get("source") or {}).get("path") or r.get("file")) for r in all_reports})


def key_of(report: dict) -> str:
    return str((report.get("source") or {}).get("path") or report.get("file"))


def summary_path(folder: Path) -> Path:
    return out_of(folder) / SUMMARY


def copies_zip(folder: Path) -> Path:
    """Every annotated copy of the batch as one .zip (made once, when first asked for)."""
    return _zip_of(folder, "copies.zip", copies(out_of(folder)))


def replies_zip(folder: Path) -> Path:
    root = out_of(folder) / REPLIES
    found = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    return _zip_of(folder, "replies.zip", found)


def _zip_of(folder: Path, name: str, paths: list[Path]) -> Path:
    target = folder / "downloads" / name
    if target.exists():
        return target
    target.parent.mkdir(exist_ok=True)
    out = out_of(folder)
    temporary = target.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.relative_to(out).as_posix())
    temporary.replace(target)
    return target
