"""A batch stopped from outside (issue 19, cases 6 and 8): Ctrl-C, ``kill`` and ``kill -9`` while
every worker is in the middle of a file. The workers go, the reports already written stay whole,
the person is told in Chinese how far it got, ``--resume`` finishes the rest, and nothing of a
department's data is left in the system's temporary folder.

The batch runs in its own process (tests/batch/driver.py, in a session of its own); the tests wait
for a state (a report written, every worker waiting), never for a length of time. Whatever
happens, the driver's whole process group is killed at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders import eml
from conftest import ROOT, SAMPLES, run_cli

SEED000 = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
SEED002 = SAMPLES / "002_企业服务活动专项经费.xlsx"

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

DRIVER = ROOT / "tests" / "batch" / "driver.py"
BOUND = 60.0  # seconds a state may take to come; a bound against hanging, not a measure of speed


def _until(predicate, bound: float = BOUND):
    """predicate()'s first true value, or its last one once ``bound`` seconds have passed."""
    end = time.monotonic() + bound
    while True:
        value = predicate()
        if value or time.monotonic() > end:
            return value
        time.sleep(0.05)


def _group(pgid: int) -> list[int]:
    """The living processes of process group ``pgid`` (a zombie has ended)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if state != "Z" and int(group) == pgid:
            found.append(int(entry))
    return found


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []


class Batch:
    """``xlscore score IN --out OUT --jobs 2`` in the driver: a0.xlsx is done at once, every other
    workbook waits in the middle of its work."""

    def __init__(self, tmp_path: Path):
        self.inbox = tmp_path / "收件箱"
        self.inbox.mkdir()
        shutil.copy(SEED000, self.inbox / "a0.xlsx")
        eml(self.inbox / "b.eml", [("附件自评表.xlsx", SEED002.read_bytes())])  # copied out to a temporary file
        for name in ("c.xlsx", "d.xlsx"):
            shutil.copy(SEED000, self.inbox / name)
        self.out = tmp_path / "复核结果"
        self.systemp = tmp_path / "系统临时文件夹"  # the system's temporary folder, as the batch sees it
        self.systemp.mkdir()
        self.held = tmp_path / "held"
        self.held.mkdir()
        self.stdout, self.stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
        command = [sys.executable, str(DRIVER), "--quick", "a0.xlsx", "--release", str(tmp_path / "never"),
                   "--held", str(self.held), "--", "score", str(self.inbox), "--out", str(self.out), "--jobs", "2"]
        env = {**os.environ, "TMPDIR": str(self.systemp), "PYTHONPATH": str(ROOT)}
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         start_new_session=True)

    def all_busy(self) -> bool:
        """a0's report written, and both workers waiting in the middle of a file."""
        if self.proc.poll() is not None:
            raise AssertionError(f"the batch ended early: {self.proc.returncode}\n{self.output()}")
        return len(_lines(self.out / "reports.jsonl")) >= 1 and len(list(self.held.iterdir())) >= 2

    def workers(self) -> list[int]:
        return [pid for pid in _group(self.proc.pid) if pid != self.proc.pid]

    def wait(self) -> int:
        try:
            return self.proc.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the batch did not end\n{self.output()}") from None

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace") + \
            self.stderr.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


@pytest.fixture()
def started(tmp_path):
    batch = Batch(tmp_path)
    try:
        yield batch
    finally:
        batch.kill()


def _reports(out: Path) -> list[dict]:
    lines = _lines(out / "reports.jsonl")
    assert all(line.endswith("\n") for line in lines)
    return [json.loads(line) for line in lines]


def _resumed(batch: Batch) -> None:
    """--resume does the rest: the report kept is not redone, and every file is reported once."""
    result = run_cli("score", batch.inbox, "--out", batch.out, "--jobs", "2", "--resume")
    assert result.exception is None and result.exit_code == 0, result.output
    assert "沿用上次结果 1 个" in result.output and "本次处理 3 个" in result.output
    files = [report["file"] for report in _reports(batch.out)]
    assert sorted(files) == ["a0.xlsx", "b.eml:附件自评表.xlsx", "c.xlsx", "d.xlsx"]
    assert not (batch.out / ".xlscore-tmp").exists()


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_a_stopped_batch_stops_its_workers_keeps_its_reports_and_says_how_far_it_got(started, how):
    batch = started
    assert _until(batch.all_busy)
    workers = batch.workers()
    assert len(workers) == 2
    if how == "ctrl-c":  # the terminal sends it to the whole foreground process group
        os.killpg(batch.proc.pid, signal.SIGINT)
    else:
        os.kill(batch.proc.pid, signal.SIGTERM)
    code = batch.wait()
    output = batch.output()
    assert code == (130 if how == "ctrl-c" else 143), output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output and "Aborted" not in output, output
    assert "已中断：已复核 1 / 4 个文件" in output and "--resume" in output, output
    assert _until(lambda: not batch.workers()), batch.workers()
    assert [report["file"] for report in _reports(batch.out)] == ["a0.xlsx"]
    assert not (batch.out / ".xlscore-tmp").exists() and not (batch.out / ".xlscore.lock").exists()
    assert list(batch.out.rglob(".~xlscore*")) == []
    assert list(batch.systemp.iterdir()) == []
    _resumed(batch)


def test_a_batch_killed_outright_leaves_no_worker_behind_and_no_data_outside_its_folder(started):
    batch = started
    assert _until(batch.all_busy)
    assert len(batch.workers()) == 2
    os.kill(batch.proc.pid, signal.SIGKILL)  # nothing of the batch runs any more: its workers see it gone
    batch.proc.wait()
    assert _until(lambda: not batch.workers()), f"workers left running: {batch.workers()}"
    assert list(batch.systemp.iterdir()) == []  # the attachment's copy and openpyxl's part stayed in OUT
    assert [report["file"] for report in _reports(batch.out)] == ["a0.xlsx"]
    _resumed(batch)  # which also removes what the killed run left in OUT/.xlscore-tmp


def test_a_file_over_its_time_limit_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Its worker is killed in the middle of the file: what it wrote to the temporary folder (the
    e-mail's attachment, openpyxl's part) was in OUT/.xlscore-tmp, which the batch removes."""
    import tempfile

    from openpyxl.worksheet._writer import create_temporary_file

    from xlscore import review
    from xlscore.batch import runner
    from xlscore.batch.inbox import discover

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(SEED000, inbox / "a.xlsx")
    eml(inbox / "b.eml", [("附件自评表.xlsx", SEED002.read_bytes())])
    systemp = tmp_path / "系统临时文件夹"
    systemp.mkdir()

    def endless(*args, **kwargs):
        create_temporary_file()
        while True:
            time.sleep(0.05)

    monkeypatch.setattr(review, "score_file", endless)  # the workers are forked after this
    monkeypatch.setattr(tempfile, "tempdir", str(systemp))
    out = tmp_path / "out"
    outcome = runner.run_batch(discover([inbox], out), out, jobs=2, timeout=1)
    codes = sorted(report["error"]["code"] for report in _reports(out))
    assert codes == ["FILE_TIMEOUT", "FILE_TIMEOUT"] and outcome.exit_code == 1
    assert list(systemp.iterdir()) == [] and not (out / ".xlscore-tmp").exists()
    assert tempfile.tempdir == str(systemp)  # the batch gave the process its temporary folder back


def test_a_worker_that_dies_with_no_file_in_hand_does_not_break_the_batch(tmp_path, monkeypatch):
    """pebble gives up on its pool when a worker dies while no file is being processed (here: the
    first worker, as it starts); the batch starts a new one and every file is done."""
    from xlscore.batch import runner
    from xlscore.batch.inbox import discover

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        shutil.copy(SEED000, inbox / name)
    first = tmp_path / "first-worker"
    real = runner._start_worker

    def dies_first(*args):
        try:
            os.close(os.open(first, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return real(*args)
        os._exit(1)

    monkeypatch.setattr(runner, "_start_worker", dies_first)  # the workers are forked after this
    out = tmp_path / "out"
    outcome = runner.run_batch(discover([inbox], out), out, jobs=1)
    assert first.exists()
    assert outcome.stopped is None and outcome.exit_code == 0 and outcome.done == 3
    assert sorted((r["file"], r["status"]) for r in _reports(out)) == [("a.xlsx", "ok"), ("b.xlsx", "ok"), ("c.xlsx", "ok")]


def test_ctrl_c_in_any_command_is_said_in_chinese_without_clicks_aborted(tmp_path, monkeypatch):
    from xlscore import pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "check_reports", interrupted)
    result = run_cli("check", SEED000)
    assert result.exit_code == 130 and "已中断" in result.output and "Aborted" not in result.output, result.output
