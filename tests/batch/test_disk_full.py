"""A full disk (issue 19, case 9): the batch stops and says so in Chinese, with its own exit code
(3); reports.jsonl keeps whole lines only; a report that could not be written is never filed as
its input's FILE_UNREADABLE; ``--resume`` goes on once there is room.

The disk is made full where the bytes are written: the report's or the copy's writer through the
atomic replacement (half the file written, then ENOSPC), reports.jsonl's own write (half the line,
then ENOSPC, as the system does when the space runs out in the middle of it), xlsxwriter's
(its FileCreateError around the system's error)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from xlscore.write import atomic

from conftest import ROOT, SAMPLES, run_cli

SEED000 = SAMPLES / "000_铝工业转型升级专项资金.xlsx"


def _full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture()
def inbox(tmp_path):
    root = tmp_path / "收件箱"
    root.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"):
        shutil.copy(SEED000, root / name)
    return root


def _lines(out: Path) -> list[str]:
    return (out / "reports.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


def _whole(out: Path) -> list[dict]:
    lines = _lines(out)
    assert all(line.endswith("\n") for line in lines)
    return [json.loads(line) for line in lines]


def _left_behind(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in out.rglob("*") if p.name.startswith((".~xlscore", ".xlscore-tmp"))]


def _resume_finishes(inbox: Path, out: Path, resumed: int) -> None:
    result = run_cli("score", inbox, "--out", out, "--jobs", "1", "--resume")
    assert result.exception is None and result.exit_code == 0, result.output
    assert f"沿用上次结果 {resumed} 个" in result.output
    assert sorted(report["file"] for report in _whole(out)) == ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"]
    assert (out / "汇总.xlsx").exists()


def _half_then_full(real, name: str, mode: str):
    """``real`` (write_text or save_workbook) for every output but ``name``, whose write runs out
    of room half-way."""
    def writer(what, dest, *args, **kwargs):
        if Path(dest).name != name:
            return real(what, dest, *args, **kwargs)
        with atomic.replacing(Path(dest), Path(dest).suffix) as tmp:
            if mode == "text":
                tmp.write_text(what[: len(what) // 2], encoding="utf-8")
            else:
                real(what, tmp)
                tmp.write_bytes(tmp.read_bytes()[:100])
            raise _full()
    return writer


@pytest.mark.parametrize("which", ["report", "copy"])
def test_a_full_disk_when_a_file_is_written_stops_the_batch_and_is_not_the_inputs_fault(inbox, tmp_path, monkeypatch,
                                                                                         which):
    if which == "report":
        monkeypatch.setattr(atomic, "write_text", _half_then_full(atomic.write_text, "c_复核.json", "text"))
    else:
        monkeypatch.setattr(atomic, "save_workbook", _half_then_full(atomic.save_workbook, "c_复核.xlsx", "workbook"))
    out = tmp_path / "out"
    result = run_cli("score", inbox, "--out", out, "--jobs", "1")
    assert result.exception is None, result.exception
    assert result.exit_code == 3, result.output
    assert "磁盘已满：无法写入" in result.stderr and f"c_复核.{'json' if which == 'report' else 'xlsx'}" in result.stderr
    assert "已复核 2 / 4 个文件" in result.stderr and "--resume" in result.stderr
    assert "Traceback" not in result.output and "No space" not in result.output
    reports = _whole(out)
    assert [report["file"] for report in reports] == ["a.xlsx", "b.xlsx"]  # c.xlsx is not filed as unreadable
    assert all(report["status"] == "ok" for report in reports)
    assert not (out / "报告" / "c_复核.json").exists() and not (out / "汇总.xlsx").exists()
    assert _left_behind(out) == []
    monkeypatch.undo()
    _resume_finishes(inbox, out, 2)


def test_a_full_disk_in_the_middle_of_a_report_line_leaves_reports_jsonl_whole_lined(inbox, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real = os.write
    state = {"lines": 0}

    def write(fd, data):
        try:
            ours = os.path.samefile(f"/proc/self/fd/{fd}", out / "reports.jsonl")
        except OSError:
            ours = False
        if not ours:
            return real(fd, data)
        if state["lines"] < 2:
            state["lines"] += 1
            return real(fd, data)
        if state["lines"] == 2:  # room for half of the third line, none after it
            state["lines"] += 1
            return real(fd, bytes(data)[: len(data) // 2])
        raise _full()

    monkeypatch.setattr(os, "write", write)
    result = run_cli("score", inbox, "--out", out, "--jobs", "1")
    assert result.exception is None, result.exception
    assert result.exit_code == 3, result.output
    assert "磁盘已满：无法写入" in result.stderr and "reports.jsonl" in result.stderr
    assert "已复核 2 / 4 个文件" in result.stderr
    assert [report["file"] for report in _whole(out)] == ["a.xlsx", "b.xlsx"]
    assert _left_behind(out) == []
    monkeypatch.undo()
    _resume_finishes(inbox, out, 2)


def test_a_full_disk_when_the_summary_is_written(inbox, tmp_path, monkeypatch):
    import xlsxwriter.workbook
    from xlsxwriter.exceptions import FileCreateError

    def store(self):
        try:
            raise _full()
        except OSError as error:
            raise FileCreateError(error)  # as xlsxwriter reports a file it cannot write

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", store)
    out = tmp_path / "out"
    result = run_cli("score", inbox, "--out", out, "--jobs", "1")
    assert result.exception is None, result.exception
    assert result.exit_code == 3, result.output
    assert "磁盘已满：无法写入" in result.stderr and "汇总.xlsx" in result.stderr and "--resume" in result.stderr
    assert len(_whole(out)) == 4 and _left_behind(out) == []
    monkeypatch.undo()
    _resume_finishes(inbox, out, 4)


def test_a_full_disk_when_one_workbook_is_scored(inbox, tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "write_text", _half_then_full(atomic.write_text, "a_复核.json", "text"))
    out = tmp_path / "out"
    result = run_cli("score", inbox / "a.xlsx", "--out", out)
    assert result.exception is None, result.exception
    assert result.exit_code == 3, result.output
    assert "磁盘已满：无法写入" in result.stderr and "a_复核.json" in result.stderr
    assert not (out / "报告" / "a_复核.json").exists() and _left_behind(out) == []


def test_a_system_error_around_a_write_is_an_output_error_and_a_bug_is_not():
    from xlsxwriter.exceptions import FileCreateError

    try:
        try:
            raise _full()
        except OSError as error:
            raise FileCreateError(error)
    except FileCreateError as wrapped:
        found = atomic.OutputError.of("汇总.xlsx", wrapped)
    assert found.disk_full and found.exit_code == 3 and found.reason == "磁盘已满" and found.path == "汇总.xlsx"
    try:
        try:
            raise FileNotFoundError(errno.ENOENT, "gone")
        except OSError:
            raise ValueError("a bug while handling it")
    except ValueError as bug:
        assert atomic.OutputError.of("x", bug) is None
    denied = atomic.OutputError.of("x", PermissionError(errno.EACCES, "denied"))
    assert not denied.disk_full and denied.exit_code == 2 and denied.reason == "没有权限"


def _mount_namespaces() -> bool:
    """Whether this machine lets the tests mount a small tmpfs in a mount namespace of their own
    (as root with unshare): a real full disk, gone with the namespace."""
    import subprocess

    if shutil.which("unshare") is None or not os.path.isdir("/proc/self/ns"):
        return False
    import tempfile

    with tempfile.TemporaryDirectory() as where:
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                f"mount -t tmpfs -o size=64k tmpfs '{where}'"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _mount_namespaces(), reason="needs a mount namespace (unshare, as root) for a small tmpfs")
def test_a_batch_on_a_disk_that_really_fills_up(inbox, tmp_path):
    """The output folder on a 200 KB tmpfs (each file's copy, report and line take about 70 KB):
    whatever write finds the disk full, the batch says so in Chinese, exits 3 and keeps
    reports.jsonl whole-lined; --resume finishes once there is room (here: the outputs moved to a
    disk with room)."""
    import subprocess

    for name in ("e.xlsx", "f.xlsx"):
        shutil.copy(SEED000, inbox / name)
    disk, kept, systemp = tmp_path / "disk", tmp_path / "kept", tmp_path / "systemp"
    for folder in (disk, kept, systemp):
        folder.mkdir()
    script = ('mount -t tmpfs -o size=200k tmpfs "$DISK" || exit 99; '
              '"$PYTHON" -m xlscore score "$INBOX" --out "$DISK/out" --jobs 1 > "$KEPT/stdout" 2> "$KEPT/stderr"; '
              'echo $? > "$KEPT/rc"; cp -a "$DISK/out" "$KEPT/out"')
    env = {**os.environ, "DISK": str(disk), "KEPT": str(kept), "INBOX": str(inbox), "PYTHON": sys.executable,
           "PYTHONPATH": str(ROOT), "TMPDIR": str(systemp)}
    subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], env=env, check=True,
                   stdin=subprocess.DEVNULL, timeout=600)
    stderr = (kept / "stderr").read_text(encoding="utf-8")
    assert (kept / "rc").read_text().strip() == "3", stderr + (kept / "stdout").read_text(encoding="utf-8")
    assert "磁盘已满：无法写入" in stderr and "--resume" in stderr and "Traceback" not in stderr, stderr
    out = kept / "out"
    reports = _whole(out)
    assert 0 < len(reports) < 6 and all(report["status"] == "ok" for report in reports)  # none filed unreadable
    assert _left_behind(out) == [] and list(systemp.iterdir()) == []
    result = run_cli("score", inbox, "--out", out, "--jobs", "1", "--resume")
    assert result.exception is None and result.exit_code == 0, result.output
    assert f"沿用上次结果 {len(reports)} 个" in result.output
    assert sorted(report["file"] for report in _whole(out)) == [f"{c}.xlsx" for c in "abcdef"]
