"""Score a whole inbox in parallel: N worker processes, a time limit per file, every report
appended to ``OUT/reports.jsonl`` as soon as it is done, ``--resume`` by content hash.

One file's failure of any kind — an exception, the time limit, a worker that dies — becomes that
file's error report; the batch goes on. Workers are forked once and reused; one that overruns its
time limit is killed and replaced.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from ..write.atomic import write_text
from ..read.errors import WorkbookError
from .inbox import Inbox, Job, content_hash, extract
from ..findings.report import dumps

REPORTS = "reports.jsonl"
DEFAULT_TIMEOUT = 120.0


@dataclass
class Outcome:
    found: int = 0
    done: int = 0  # processed in this run
    resumed: int = 0  # already in reports.jsonl with the same content
    with_errors: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.unreadable else 0


def process(job: Job, out_dir: Path, scheme=None) -> list[dict]:
    """Score one job (in a worker); always returns its report dicts (one per project of the
    workbook, one for a file that cannot be read), each with its ``source``."""
    from ..review import score_file

    source = {"path": job.rel, "sha256": None, "email": job.email, "output": None}
    try:
        source["sha256"] = content_hash(job)
        if job.part is None:
            result = score_file(job.path, out_dir, scheme, job.rel, Path(job.out_rel), {"source": source})
        else:
            with tempfile.TemporaryDirectory(prefix="xlscore-eml-") as folder:
                path = extract(job, Path(folder))
                result = score_file(path, out_dir, scheme, job.rel, Path(job.out_rel), {"source": source})
        datas = [report.to_dict() for report in result.reports]
        source["output"] = str(Path(job.out_rel)) + "_复核.xlsx" if result.workbook else None
    except WorkbookError as exc:  # content_hash refused it (a pipe or device, or over the size limit)
        datas = [_error(job, exc.code, exc.message)]
    except FileNotFoundError:
        from ..read.files import dangling_link

        datas = [_error(job, "FILE_NOT_FOUND", dangling_link(job.path) or "文件在处理过程中被移走或删除")]
    except OSError as exc:
        datas = [_error(job, "FILE_UNREADABLE", f"无法读取文件（{exc.strerror or exc}）")]
    except MemoryError:
        datas = [_error(job, "FILE_TOO_LARGE", "工作簿过大，处理时内存不足")]
    except Exception as exc:  # any other failure is this file's, not the batch's
        tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        datas = [_error(job, "INTERNAL_ERROR", f"处理此文件时程序出错（{tail[:200]}），请将文件反馈给维护人员")]
    for data in datas:
        data["source"] = source
    return datas


def _error(job: Job, code: str, message: str) -> dict:
    from ..findings.report import Report

    report = Report(file=job.rel, status="error", error={"code": code, "message": message})
    return report.to_dict()


def _worker(conn, out_dir: str, scheme) -> None:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(process(job, Path(out_dir), scheme))


@dataclass
class _Slot:
    proc: mp.Process
    conn: object
    job: Job | None = None
    started: float = 0.0


class Runner:
    def __init__(self, out_dir: Path, jobs: int, timeout: float, scheme=None, progress=None):
        self.out_dir = out_dir
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.scheme = scheme
        self.progress = progress
        self.context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()

    def _spawn(self) -> _Slot:
        parent, child = self.context.Pipe()
        proc = self.context.Process(target=_worker, args=(child, str(self.out_dir), self.scheme), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def run(self, todo: list[Job], emit) -> None:
        """Process ``todo``; call ``emit(report_dict)`` for each as it finishes."""
        pending = list(reversed(todo))
        slots = [self._spawn() for _ in range(min(self.jobs, len(todo)))]
        try:
            while pending or any(s.job for s in slots):
                for slot in slots:
                    if slot.job is None and pending:
                        slot.job, slot.started = pending.pop(), time.monotonic()
                        slot.conn.send(slot.job)
                busy = [s for s in slots if s.job is not None]
                ready = wait([s.conn for s in busy], timeout=0.2)
                for slot in busy:
                    if slot.conn in ready:
                        try:
                            data = slot.conn.recv()
                        except (EOFError, OSError):
                            data = self._failed(slot, "WORKER_DIED", "处理此文件时工作进程意外退出（可能内存不足），已跳过")
                            slots[slots.index(slot)] = self._replace(slot)
                        slot.job = None
                        emit(data)
                    elif time.monotonic() - slot.started > self.timeout:
                        data = self._failed(slot, "FILE_TIMEOUT", f"处理超过 {self.timeout:g} 秒仍未完成，已中止")
                        slots[slots.index(slot)] = self._replace(slot)
                        emit(data)
                    elif not slot.proc.is_alive():
                        data = self._failed(slot, "WORKER_DIED", "处理此文件时工作进程意外退出（可能内存不足），已跳过")
                        slots[slots.index(slot)] = self._replace(slot)
                        emit(data)
        finally:
            for slot in slots:
                try:
                    slot.conn.send(None)
                except (OSError, BrokenPipeError):
                    pass
            for slot in slots:
                slot.proc.join(timeout=5)
                if slot.proc.is_alive():
                    slot.proc.kill()

    def _failed(self, slot: _Slot, code: str, message: str) -> dict:
        job = slot.job
        data = _error(job, code, message)
        data["source"] = {"path": job.rel, "sha256": None, "email": job.email, "output": None}
        return data

    def _replace(self, slot: _Slot) -> _Slot:
        slot.proc.kill()
        slot.proc.join(timeout=5)
        slot.conn.close()
        return self._spawn()


def _key(line: str) -> tuple[str | None, str | None]:
    """(key, sha256) of a line of reports.jsonl: its ``source.path`` (the input's Job.rel, which
    no other input shares) and the content it was made from; (None, None) for a line cut short
    when a run was stopped, or anything else that is not a report."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None, None
    source = data.get("source") if isinstance(data, dict) else None
    if not isinstance(source, dict) or not isinstance(source.get("path"), str):
        return None, None
    sha = source.get("sha256")
    return source["path"], sha if isinstance(sha, str) else None


def previous_reports(out_dir: Path) -> dict[str, str]:
    """key -> sha256 of the reports already in OUT/reports.jsonl (for --resume)."""
    done: dict[str, str] = {}
    path = out_dir / REPORTS
    if not path.exists():
        return done
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, sha = _key(line)
            if key and sha:
                done[key] = sha
    return done


def run_batch(inbox: Inbox, out_dir: Path, *, jobs: int, timeout: float = DEFAULT_TIMEOUT, resume: bool = False,
              scheme=None, progress: bool = False) -> Outcome:
    start = time.monotonic()
    outcome = Outcome(found=len(inbox.jobs), skipped=list(inbox.skipped))
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = out_dir / REPORTS
    todo = list(inbox.jobs)
    if resume:
        seen = previous_reports(out_dir)
        if seen:
            kept = []
            for job in todo:
                try:
                    same = seen.get(job.rel) == content_hash(job)
                except (OSError, WorkbookError):  # not readable now: processed again, and reported
                    same = False
                if same:
                    outcome.resumed += 1
                else:
                    kept.append(job)
            todo = kept
        _drop_stale(reports, {job.rel for job in inbox.jobs} - {job.rel for job in todo})
    elif reports.exists():
        reports.unlink()
    bar = _bar(len(todo), progress)
    with open(reports, "a", encoding="utf-8") as sink:
        def emit(datas: dict | list[dict]) -> None:
            datas = datas if isinstance(datas, list) else [datas]  # a file's projects, or its failure
            for data in datas:
                sink.write(dumps(data) + "\n")
            sink.flush()
            outcome.done += 1
            if any(data.get("status") == "error" for data in datas):
                data = next(data for data in datas if data.get("status") == "error")
                outcome.unreadable.append((data["file"], data["error"]["message"]))  # the clerk reads the reason, not its code
            elif any((data.get("counts") or {}).get("error") for data in datas):
                outcome.with_errors += 1
            if bar is not None:
                bar.update(1)

        Runner(out_dir, jobs, timeout, scheme).run(todo, emit)
    if bar is not None:
        bar.close()
    outcome.seconds = time.monotonic() - start
    return outcome


def _drop_stale(reports: Path, kept: set[str]) -> None:
    """Keep in reports.jsonl only the lines of the ``kept`` keys (the inputs found now that are not
    to be redone): a file about to be redone, gone from the inputs, or under a key an earlier
    version gave leaves no report behind to be counted twice; nor does a cut-short line."""
    if not reports.exists():
        return
    keep = []
    with open(reports, encoding="utf-8") as handle:
        for line in handle:
            key, _sha = _key(line)
            if key in kept:
                keep.append(line if line.endswith("\n") else line + "\n")
    write_text("".join(keep), reports)


def _bar(total: int, progress: bool):
    if not progress or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="个", desc="复核", dynamic_ncols=True,
                bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {percentage:3.0f}% [{elapsed}<{remaining}, {rate_fmt}]")
