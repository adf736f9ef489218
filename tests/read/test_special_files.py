"""FIFOs and devices are never read: a pipe named like a workbook or an e-mail, and a link to an
endless device, are refused at once with a Chinese message instead of blocking or reading forever.

Every run goes through a subprocess with a timeout, so that a regression fails instead of hanging."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES  # noqa: E402

NOT_REGULAR = "不是普通文件（管道或设备），未读取"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                                reason="needs os.mkfifo and /dev/zero")


def _bounded() -> None:
    """In the child: a reader that runs away on the zero device fails at 2 GiB, not at the machine's end."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          preexec_fn=_bounded)


def _xlscore(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "xlscore", *args], timeout)


def _python(code: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-c", code], timeout)


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _zero_link(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize("make", [_fifo, _zero_link], ids=["fifo", "zero-device"])
def test_check_refuses_a_pipe_or_device(tmp_path, make):
    path = make(tmp_path / "x.xlsx")
    done = _xlscore("check", "--format", "json", str(path))
    assert done.returncode != 0
    report = json.loads(done.stdout)
    assert report["status"] == "error"
    assert report["error"]["code"] == "FILE_UNREADABLE"
    assert report["error"]["message"] == NOT_REGULAR
    assert "Traceback" not in done.stderr


def test_check_text_says_so_in_chinese(tmp_path):
    path = _fifo(tmp_path / "x.xlsx")
    done = _xlscore("check", str(path))
    assert NOT_REGULAR in done.stdout
    assert "Traceback" not in done.stderr


def test_the_reader_refuses_a_device_opened_under_a_regular_name(tmp_path):
    """The descriptor itself is checked: a path that was a regular file when it was looked at and
    is a device when it is opened is still refused (the check of the opened file, not only the
    name's, decides)."""
    link = _zero_link(tmp_path / "z.xlsx")
    code = (
        "import os, sys\n"
        "from xlscore.read import files\n"
        "from xlscore.read.errors import WorkbookError\n"
        "real = os.stat\n"
        f"os.stat = lambda p, *a, **k: real({str(SAMPLES / '002_企业服务活动专项经费.xlsx')!r})\n"
        "try:\n"
        f"    files.open_workbook({str(link)!r})\n"
        "except WorkbookError as exc:\n"
        "    print(exc.code, exc.message)\n"
    )
    done = _python(code)
    assert done.stdout.strip() == f"FILE_UNREADABLE {NOT_REGULAR}", done.stderr


def test_a_regular_file_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    """A file that grew past the limit after it was looked at is not read whole."""
    from xlscore.read import files
    from xlscore.read.errors import WorkbookError

    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 2000)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    inode = os.stat(path).st_ino

    def understating(real):
        """os.stat or os.fstat with the size of ``path`` understated: it grew after it was looked
        at, and only the bounded read can tell."""
        def call(target, *args, **kwargs):
            found = real(target, *args, **kwargs)
            if found.st_ino != inode:
                return found
            fields = list(found)
            fields[6] = 10  # st_size
            return os.stat_result(fields)
        return call

    monkeypatch.setattr(os, "stat", understating(os.stat))
    monkeypatch.setattr(os, "fstat", understating(os.fstat))
    with pytest.raises(WorkbookError) as caught:
        files.open_workbook(path)
    assert caught.value.code == "FILE_TOO_LARGE"


def test_discovery_skips_a_pipe_named_like_an_email(tmp_path):
    folder = tmp_path / "来信"
    folder.mkdir()
    _fifo(folder / "x.eml")
    _zero_link(folder / "z.eml")
    code = (
        "from pathlib import Path\n"
        "from xlscore.batch.inbox import discover\n"
        f"inbox = discover([Path({str(folder)!r})], Path({str(tmp_path / 'out')!r}))\n"
        "print(len(inbox.jobs))\n"
        "for rel, reason in inbox.skipped: print(rel, reason)\n"
    )
    done = _python(code)
    lines = done.stdout.splitlines()
    assert lines[0] == "0", done.stderr
    assert f"x.eml {NOT_REGULAR}" in lines
    assert f"z.eml {NOT_REGULAR}" in lines


def test_a_batch_lists_pipes_and_devices_and_goes_on_also_under_resume(tmp_path):
    root = tmp_path / "收件"
    root.mkdir()
    shutil.copy(SAMPLES / "002_企业服务活动专项经费.xlsx", root / "a.xlsx")
    _fifo(root / "x.xlsx")
    _fifo(root / "y.eml")
    _zero_link(root / "z.xlsx")
    out = tmp_path / "out"
    for extra in ([], ["--resume"]):
        done = _xlscore("score", str(root), "--out", str(out), "--jobs", "1", *extra, timeout=60)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        for name in ("x.xlsx", "z.xlsx"):
            assert any(line.startswith(f"  无法读取：{name}：") and NOT_REGULAR in line
                       for line in done.stdout.splitlines()), done.stdout
        assert f"已跳过：y.eml（{NOT_REGULAR}）" in done.stdout
        assert (out / "汇总.xlsx").exists()
        lines = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
        by_file = {line["file"]: line for line in lines}
        assert by_file["a.xlsx"]["status"] == "ok"
        assert by_file["x.xlsx"]["error"]["code"] == "FILE_UNREADABLE"
        assert by_file["z.xlsx"]["error"]["code"] == "FILE_UNREADABLE"
    assert "沿用上次结果 1 个" in done.stdout
