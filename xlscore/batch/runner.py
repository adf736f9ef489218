"""Score a whole inbox in parallel: N worker processes (a pebble process pool), a time limit per
file, every report appended to ``OUT/reports.jsonl`` as soon as it is done, ``--resume`` by
content hash.

One file's failure of any kind — an exception, the time limit, a worker that dies — becomes that
file's error report; the batch goes on. A worker over its time limit is killed and replaced.

The batch itself stops, keeping every report already written, when it is interrupted (SIGINT,
SIGTERM: see xlscore.interrupt) or an output cannot be written (a full disk: OutputError); the
Outcome says why (``stopped``) and ``--resume`` goes on from there. Workers ignore SIGINT (a
Ctrl-C reaches the whole process group: the parent answers it) and end themselves when the
parent is gone, even killed outright, in the middle of a file. Temporary files are in
``OUT/.xlscore-tmp`` (atomic.scratch), removed on every way out of the batch.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import tempfile
import threading
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as PoolTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from .. import review
from ..findings.report import Report, dumps
from ..pipeline import out_of_memory
from ..read.errors import WorkbookError
from ..read.files import dangling_link, unreadable
from ..write.atomic import Appender, OutputError, scratch, write_text, writing
from .inbox import Inbox, Job, content_hash, extract
from .interrupt import Interrupted, check, deferred

REPORTS = "reports.jsonl"
DEFAULT_TIMEOUT = 120.0
PARENT_CHECK_SECONDS = 0.5  # how often a worker looks whether the batch that started it is still there
STOP_CHECK_SECONDS = 0.25  # how often the batch's loop looks for a signal while it waits for workers
POOL_RETRIES = 2  # how often a file is given to a new pool when pebble gave up the one it was in


@dataclass
class Outcome:
    found: int = 0
    done: int = 0  # processed in this run
    resumed: int = 0  # already in reports.jsonl with the same content
    with_errors: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    stopped: Interrupted | OutputError | None = None  # why the batch stopped before its end

    @property
    def exit_code(self) -> int:
        if isinstance(self.stopped, Interrupted):
            return self.stopped.exit_code
        if isinstance(self.stopped, OutputError):
            return self.stopped.exit_code
        return 1 if self.unreadable else 0


def process(job: Job, out_dir: Path, scheme=None) -> list[dict]:
    """Score one job (in a worker); always returns its report dicts (one per project of the
    workbook, one for a file that cannot be read), each with its ``source``. An output that cannot
    be written (OutputError) is not the file's: it is raised."""

    source = {"path": job.rel, "sha256": None, "email": job.email, "output": None}
    try:
        source["sha256"] = content_hash(job)
        if job.part is None:
            result = review.score_file(job.path, out_dir, scheme, job.rel, Path(job.out_rel), {"source": source})
        else:
            with writing(tempfile.gettempdir()):  # the batch's own (atomic.scratch): a full disk is the output's
                temporary = tempfile.TemporaryDirectory(prefix="xlscore-eml-", ignore_cleanup_errors=True)
            with temporary as folder:
                path = extract(job, Path(folder))
                result = review.score_file(path, out_dir, scheme, job.rel, Path(job.out_rel), {"source": source})
        datas = [report.to_dict() for report in result.reports]
        source["output"] = str(Path(job.out_rel)) + "_复核.xlsx" if result.workbook else None
    except OutputError:
        raise
    except WorkbookError as exc:  # content_hash refused it (a pipe or device, or over the size limit)
        datas = [_error(job, exc)]
    except FileNotFoundError:
        datas = [_error(job, dangling_link(job.path) or WorkbookError("FILE_NOT_FOUND", "vanished"))]
    except OSError as exc:
        datas = [_error(job, unreadable(exc))]
    except MemoryError:
        datas = [_error(job, out_of_memory())]
    except Exception:  # any other failure is this file's, not the batch's
        datas = [_error(job, _bug())]
    for data in datas:
        data["source"] = source
    return datas


def _died() -> WorkbookError:
    """A worker that ended without a result (killed for memory, or crashed)."""
    return WorkbookError("WORKER_DIED", "died")


def _bug() -> WorkbookError:
    """A failure of xlscore's own while a file was processed: the file's report, not the batch's end."""
    return WorkbookError("INTERNAL_ERROR", "bug")


def _error(job: Job, error: WorkbookError) -> dict:
    report = Report(file=job.rel, status="error", error={"code": error.code, "message": error.message})
    return report.to_dict()


def _failed(job: Job, error: WorkbookError) -> dict:
    """The report of a file whose worker gave no result (no content hash: --resume redoes it)."""
    data = _error(job, error)
    data["source"] = {"path": job.rel, "sha256": None, "email": job.email, "output": None}
    return data


# --- in a worker -------------------------------------------------------------------------------

_WORKER: dict = {}  # the batch's output folder and scheme, set in each worker when it starts


def _start_worker(parent: int, temp: str, out_dir: str, scheme) -> None:
    """A worker's start (pebble's initializer): the batch's temporary folder and settings, and a
    watch on the batch, whose end (even by ``kill -9``, when nothing of it can stop the worker)
    ends the worker at once, whatever it is doing."""
    tempfile.tempdir = temp
    _WORKER.update(out_dir=Path(out_dir), scheme=scheme)
    threading.Thread(target=_watch_parent, args=(parent,), name="xlscore-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _task(job: Job) -> list[dict]:
    return process(job, _WORKER["out_dir"], _WORKER["scheme"])  # looked up here: a test may replace it


# --- in the batch ------------------------------------------------------------------------------


class Runner:
    def __init__(self, out_dir: Path, jobs: int, timeout: float, scheme=None, progress=None):
        self.out_dir = out_dir
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.scheme = scheme
        self.progress = progress
        # forked, so that a worker starts at once and sees what the batch's process has loaded
        self.context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()

    def run(self, todo: list[Job], emit) -> None:
        """Process ``todo``; call ``emit(report_dicts)`` for each file as it finishes. Raises
        Interrupted at a signal (noted, under interrupt.interrupts) and OutputError at an output
        that cannot be written, the workers stopped either way."""

        if not todo:
            return
        workers = min(self.jobs, len(todo))
        queue, tries, running = deque(todo), Counter(), {}
        pool = self._pool(workers)
        try:
            with deferred():
                while queue or running:
                    while queue and len(running) < 2 * workers:  # a few queued: a worker never waits for the next
                        job = queue.popleft()
                        try:
                            running[pool.schedule(_task, args=(job,), timeout=self.timeout)] = job
                        except RuntimeError:  # pebble gave the pool up (see below): a new one
                            queue.appendleft(job)
                            pool = self._renew(pool, workers)
                    done, _ = wait(running, timeout=STOP_CHECK_SECONDS, return_when=FIRST_COMPLETED)
                    for future in done:
                        check()  # after a signal nothing more is recorded (a worker it ended is no file's fault)
                        job = running.pop(future)
                        if not isinstance(future.exception(), BrokenProcessPool) or not self._again(job, tries, queue):
                            emit(self._result(future, job))
                    if not pool.active:  # given up: what it still holds will never come back from it
                        check()
                        for future, job in list(running.items()):
                            del running[future]
                            if not self._again(job, tries, queue):
                                emit([_failed(job, _died())])
                        pool = self._renew(pool, workers)
                    check()
            pool.close()
        except BaseException:
            pool.stop()
            raise
        finally:
            pool.join()

    def _pool(self, workers: int):

        return ProcessPool(max_workers=workers, initializer=_start_worker, context=self.context,
                           initargs=(os.getpid(), tempfile.gettempdir(), str(self.out_dir), self.scheme))

    @staticmethod
    def _again(job: Job, tries: Counter, queue: deque) -> bool:
        """Give ``job`` to the next pool, unless it had its tries. A worker that died with no file in
        hand makes pebble give up its pool and every file in it: not their fault."""
        if tries[job.rel] >= POOL_RETRIES:
            return False
        tries[job.rel] += 1
        queue.appendleft(job)
        return True

    def _renew(self, pool, workers: int):
        pool.stop()
        pool.join()
        return self._pool(workers)

    def _result(self, future, job: Job) -> list[dict]:

        try:
            return future.result()
        except OutputError:
            raise
        except (ProcessExpired, BrokenProcessPool):  # killed by the system (out of memory) or crashed
            return [_failed(job, _died())]
        except PoolTimeout:  # process() turns every error of its own into a report: this is the pool's
            return [_failed(job, WorkbookError("FILE_TIMEOUT", "timeout", seconds=f"{self.timeout:g}"))]
        except Exception:  # a failure outside process(), e.g. of the pool
            return [_failed(job, _bug())]


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
    """Process the inbox into ``out_dir``. A batch stopped by a signal (under interrupt.interrupts)
    or an output that cannot be written returns what it did, with ``stopped`` saying why."""
    start = time.monotonic()
    outcome = Outcome(found=len(inbox.jobs), skipped=list(inbox.skipped))
    out_dir.mkdir(parents=True, exist_ok=True)
    bar = None
    try:
        with scratch(out_dir):
            todo = _todo(inbox, out_dir, resume, outcome)
            bar = _bar(len(todo), progress)
            with Appender(out_dir / REPORTS) as sink:
                def emit(datas: list[dict]) -> None:
                    # a file's reports (its projects, or its failure) in one write: all of them or none
                    sink.append(b"".join(dumps(data).encode("utf-8") + b"\n" for data in datas))
                    outcome.done += 1
                    if any(data.get("status") == "error" for data in datas):
                        data = next(data for data in datas if data.get("status") == "error")
                        outcome.unreadable.append((data["file"], data["error"]["message"]))  # the clerk reads the reason, not its code
                    elif any((data.get("counts") or {}).get("error") for data in datas):
                        outcome.with_errors += 1
                    if bar is not None:
                        bar.update(1)

                Runner(out_dir, jobs, timeout, scheme).run(todo, emit)
    except (Interrupted, OutputError) as exc:
        outcome.stopped = exc
    finally:
        if bar is not None:
            bar.close()
    outcome.seconds = time.monotonic() - start
    return outcome


def _todo(inbox: Inbox, out_dir: Path, resume: bool, outcome: Outcome) -> list[Job]:
    """The jobs to do in this run; reports.jsonl readied for them (emptied, or under --resume,
    kept for the files not to be redone)."""
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
                    review.settle_old_report(out_dir, job.out_rel)  # an earlier version's layout: to 报告/
                else:
                    kept.append(job)
            todo = kept
        _drop_stale(reports, {job.rel for job in inbox.jobs} - {job.rel for job in todo})
    elif reports.exists():
        reports.unlink()
    return todo


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
    from tqdm import tqdm  # start-up guard: 43 ms; only when progress is shown

    return tqdm(total=total, unit="个", desc="复核", dynamic_ncols=True,
                bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {percentage:3.0f}% [{elapsed}<{remaining}, {rate_fmt}]")
