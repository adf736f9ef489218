"""Issue 19, item 3, end to end: a workbook of a few KB whose data reaches far — one value at
XFD1048576 or at NTP20000, an .xls cell moved to IV65536, an .ods cell repeated over a million rows
and ten thousand columns, an .xlsb number in column 268,435,457 — is refused with FILE_TOO_LARGE before calamine reads it; one whose far
cell is only formatted (an empty styled cell at ZZ50000) is read, scored and laid out for print as
if that cell were not there; a batch of them all finishes.

Each run goes through a subprocess whose peak memory is measured (os.wait4, which counts the
workers it waited for): under 1 GiB. Its address space is capped at 3 GiB, so that a regression
fails instead of taking the machine's memory; its timeout only keeps a regression from hanging the
suite (nothing is timed). The measuring itself is tested in tests/read/test_extent.py."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

from xlscore.read import extent
from xlscore.read.files import open_workbook
from xlscore.review import score_file

from builders import FAR_SHEET, far_ods, far_style, far_value, far_xls, far_xlsb
from conftest import SAMPLE_000

CJK = re.compile(r"[\u4e00-\u9fff]")
GIB = 1 << 30
FUND = "资金安排情况"


# --- running xlscore in a child whose memory is measured -------------------------------------------

def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * GIB, 3 * GIB))


def _xlscore(tmp_path: Path, *args: str, timeout: float = 300) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak RSS in bytes of the child and the workers it waited for).
    The timeout only keeps a regression from hanging the suite; nothing is timed."""
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "xlscore", *args], stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr, preexec_fn=_capped)
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"),
            usage.ru_maxrss * 1024)


def _clean(stderr: str) -> None:
    for sign in ("Traceback", "panicked", "memory allocation", "MemoryError"):
        assert sign not in stderr, stderr[-2000:]


HOSTILE = {
    "XFD1048576": (lambda tmp_path: far_value(tmp_path, "XFD1048576"), FAR_SHEET),
    "NTP20000": (lambda tmp_path: far_value(tmp_path, "NTP20000"), FAR_SHEET),
    "xls IV65536": (far_xls, FUND),
    "ods repeated": (far_ods, FUND),
    "xlsb far column": (far_xlsb, "表"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_workbook_whose_data_reaches_far_is_refused_within_bounded_memory(tmp_path, case):
    build, sheet = HOSTILE[case]
    path = build(tmp_path)
    assert path.stat().st_size < 100_000  # a few KB on disk
    code, stdout, stderr, peak = _xlscore(tmp_path, "check", "--format", "json", str(path))
    _clean(stderr)
    assert code == 2, (code, stdout, stderr[-2000:])
    report = json.loads(stdout)
    assert report["status"] == "error" and report["error"]["code"] == "FILE_TOO_LARGE", report["error"]
    message = report["error"]["message"]
    assert CJK.search(message) and f"工作表“{sheet}”" in message, message
    assert f"{extent.MAX_CELLS:,}" in message
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"


def _print_areas(path: Path) -> dict[str, str]:
    workbook = openpyxl.load_workbook(path)
    return {ws.title: ws.print_area for ws in workbook.worksheets}


def test_an_empty_formatted_cell_far_away_reaches_nothing(tmp_path):
    path = far_style(tmp_path)
    out = tmp_path / "out"
    code, _, stderr, peak = _xlscore(tmp_path, "score", str(path), "--out", str(out))
    _clean(stderr)
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"
    plain = score_file(SAMPLE_000, tmp_path / "plain")
    assert code == plain.report.exit_code
    report = json.loads((out / "报告" / f"{path.stem}_复核.json").read_text(encoding="utf-8"))
    assert report["status"] == "ok"
    assert [f["code"] for f in report["findings"]] == [f.code for f in plain.report.findings]
    # The copy prints what the sample's copy prints: the formatted cell widens no print area.
    assert _print_areas(out / f"{path.stem}_复核.xlsx") == _print_areas(plain.workbook)


def test_a_workbook_just_under_the_limit_is_read_within_bounded_memory(tmp_path):
    rows = extent.MAX_CELLS // 100 - 2000  # its scoring sheet 100 columns wide, the others small
    path = far_value(tmp_path, f"CV{rows}")
    assert sum(e.cells for e in extent.measure(open_workbook(path)).values()) <= extent.MAX_CELLS
    code, _, stderr, peak = _xlscore(tmp_path, "score", str(path), "--out", str(tmp_path / "out"))
    _clean(stderr)
    assert code == 1  # the sample's findings, read as usual
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"


def test_a_batch_with_every_far_reaching_workbook_finishes_within_bounded_memory(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE_000, inbox / "样例.xlsx")
    for case, (build, _) in HOSTILE.items():
        made = build(tmp_path)
        shutil.move(made, inbox / made.name)
    shutil.move(far_style(tmp_path), inbox / "格式.xlsx")
    out = tmp_path / "out"
    code, _, stderr, peak = _xlscore(tmp_path, "score", str(inbox), "--out", str(out), "--jobs", "2")
    _clean(stderr)
    assert code == 1
    assert (out / "汇总.xlsx").exists()
    lines = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    refused = sorted(Path(r["file"]).name for r in lines if (r.get("error") or {}).get("code") == "FILE_TOO_LARGE")
    # (a batch looks for .xlsx/.xlsm/.xls/.ods and e-mails: it passes the .xlsb over)
    assert refused == sorted(["远处_XFD1048576.xlsx", "远处_NTP20000.xlsx", "远处.xls", "重复.ods"])
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"


def test_a_far_reaching_file_where_a_copy_would_go_is_kept_not_read(tmp_path):
    """Before writing ``X_复核.xlsx``, xlscore looks whether the file already there is its own copy
    (the review sheet's A1 mark). One that looks like it, with a value at XFD1048576, is refused
    as any input would be: not known to be xlscore's, so kept, and the run stops saying so."""
    path = tmp_path / "样例.xlsx"
    shutil.copy(SAMPLE_000, path)
    out = tmp_path / "out"
    out.mkdir()
    workbook = openpyxl.Workbook()
    workbook.active.title = "复核结果"
    workbook.active["A1"] = "xlscore 复核结果"
    workbook.active["XFD1048576"] = 1
    workbook.save(out / "样例_复核.xlsx")
    code, stdout, stderr, peak = _xlscore(tmp_path, "score", str(path), "--out", str(out))
    _clean(stderr)
    assert code == 2 and "不是 xlscore 写出的复核结果" in stdout + stderr, (stdout, stderr[-2000:])
    assert openpyxl.load_workbook(out / "样例_复核.xlsx")["复核结果"]["XFD1048576"].value == 1
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"
