"""Issue 19's "done when": a batch of the samples with every hostile file of tests/hostile.py
mixed in finishes with exit 1, a summary, every input unchanged, nothing left in the system
temporary folder and peak memory under 1 GiB; and each hostile file alone through ``check``
gives its Chinese answer, no traceback, within the same bound.

Every run is a subprocess of a small wrapper that bounds its address space (a runaway stops at
RUN_LIMIT instead of taking the machine; the bound asserted is PEAK_LIMIT, far below) and reports
the peak resident set of everything it ran (RUSAGE_CHILDREN: the process and the workers it
waited for), in its own session so that a hang is killed whole when the test gives up on it.
TMPDIR points at an empty folder of the test's own."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openpyxl
import pytest

import hostile
from hostile import INJECTED, LONG_PROJECT, Expect

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero") or sys.platform != "linux",
                                reason="needs FIFOs, /dev/zero and Linux's ru_maxrss in KiB")

PEAK_LIMIT = 1 << 30  # the bound, per process
RUN_LIMIT = 3 << 30  # RLIMIT_AS of every process run: how far a runaway may go before it fails
# Guards against a hang, not measures of speed (the 200k-row workbook, the slowest, takes some 10 s
# to score on a loaded machine):
FILE_SECONDS = 60  # xlscore's --timeout in the batch
BATCH_SECONDS = 240  # the whole batch; beyond it the test kills the run and fails
CHECK_SECONDS = 60  # one `check`
CORPUS = "来件"  # the corpus's folder in the batch's input, beside samples/
CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row: a library's message passed on ("Cannot detect file format",
# "File name too long"); file names and paths hold no spaces, abbreviations (DTD, MB) stand alone.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")
# What a crash leaves on the terminal: Python's traceback, a Rust panic or allocation abort.
CRASH = ("Traceback", "panicked at", "RUST_BACKTRACE", "memory allocation of")
FAILURES = ("INTERNAL_ERROR", "WORKER_DIED", "FILE_TIMEOUT")

WRAPPER = r"""
import resource, subprocess, sys
limit, peak = int(sys.argv[1]), sys.argv[2]
def bound():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
code = subprocess.call(sys.argv[3:], preexec_fn=bound)
with open(peak, "w") as handle:
    handle.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024))
sys.exit(code if code >= 0 else 128 - code)
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    peak: int  # bytes


def _xlscore(args: list[str], tmpdir: Path, seconds: float) -> Run:
    """``xlscore ARGS`` under the wrapper, TMPDIR set to ``tmpdir`` (the peak is written beside it)."""
    peak = tmpdir.parent / f"{tmpdir.name}.peak"
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", WRAPPER, str(RUN_LIMIT), str(peak), sys.executable, "-m", "xlscore", *args]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the wrapper's session: xlscore and its workers
        out, err = proc.communicate()
        pytest.fail(f"xlscore {' '.join(args)} still running after {seconds} s; killed.\n"
                    f"stdout: {out.decode('utf-8', 'replace')[-3000:]}\nstderr: {err.decode('utf-8', 'replace')[-3000:]}")
    return Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               int(peak.read_text()))


def _snapshot(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple]:
    """Every entry under ``root`` (links not followed, nothing opened but regular files): what it is
    and, for a file, its content's hash; a link, where it points. The folders ``skip`` are listed,
    not what they hold."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        names = [*dirnames, *filenames]
        dirnames[:] = [d for d in dirnames if here / d not in skip]
        for name in names:
            path = here / name
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                what = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                what = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                what = (stat.S_IFMT(mode),)
            found[path.relative_to(root).as_posix()] = what
    return found


def _reports(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]


@cache
def _sample_totals(name: str) -> dict:
    from xlscore.pipeline import check_file

    return check_file(hostile.SAMPLES / name).to_dict()["totals"]


def _said(text: str) -> str | None:
    """What is wrong with a message a clerk reads (None: nothing)."""
    if not CJK.search(text):
        return f"not Chinese: {text!r}"
    if ENGLISH.search(text):
        return f"English in it: {text!r}"
    if any(word in text for word in CRASH):
        return f"a crash in it: {text!r}"
    return None


def _crash(run: Run) -> str | None:
    """The start of what a crash printed, if it did."""
    for stream in (run.stderr, run.stdout):
        at = min((stream.find(word) for word in CRASH if word in stream), default=-1)
        if at != -1:
            return stream[max(0, at - 200):at + 300]
    return None


def _mismatch(key: str, expect: Expect, reports: list[dict], like: dict | None) -> list[str]:
    """What is wrong with the reports of one input, against what it should get (empty: nothing)."""
    if not reports:
        return [f"{key}: no report"]
    problems = []
    report = reports[0]
    outcome = report["status"] if report["status"] == "ok" else (report.get("error") or {}).get("code")
    if outcome not in expect.outcomes:
        problems.append(f"{key}: {outcome} {(report.get('error') or {}).get('message', '')} — expected "
                        f"{' or '.join(expect.outcomes)}")
        return problems
    if report["status"] == "error":
        message = report["error"]["message"]
        if _said(message):
            problems.append(f"{key}: message {_said(message)}")
        if expect.words not in message:
            problems.append(f"{key}: message {message!r} does not say {expect.words!r}")
        return problems
    findings = {f["code"] for f in report["findings"]} | {f"{f['code']}@{f.get('sheet')}!{f.get('cell')}"
                                                          for f in report["findings"]}
    for wanted in expect.findings:
        if wanted not in findings:
            problems.append(f"{key}: no {wanted} among {sorted(f['code'] for f in report['findings'])}")
    for finding in report["findings"]:
        if _said(finding["message"]):
            problems.append(f"{key}: {finding['code']} message {_said(finding['message'])}")
    if like is not None and report["totals"] != like:
        problems.append(f"{key}: totals {report['totals']} differ from those of {expect.like}: {like}")
    return problems


# --- the batch ----------------------------------------------------------------------------------

@dataclass
class Batch:
    root: Path  # holds IN, OUT, TMPDIR
    inp: Path
    out: Path
    tmpdir: Path
    expected: dict[str, Expect]
    before: dict[str, tuple]  # snapshot of root before the run
    run: Run


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("hostile-batch")
    inp, out, tmpdir = root / "收件", root / "复核结果", root / "tmp"
    shutil.copytree(hostile.SAMPLES, inp / "samples")
    expected = {f"{CORPUS}/{key}": expect for key, expect in hostile.build(inp / CORPUS).items()}
    tmpdir.mkdir()
    before = _snapshot(root)
    run = _xlscore(["score", str(inp), "--out", str(out), "--jobs", "2", "--timeout", str(FILE_SECONDS)], tmpdir,
                   BATCH_SECONDS)
    return Batch(root, inp, out, tmpdir, expected, before, run)


def test_the_batch_exits_1(batch):
    assert batch.run.code == 1, batch.run.stdout + batch.run.stderr


def test_no_crash_on_the_screen(batch):
    assert _crash(batch.run) is None, _crash(batch.run)


def test_the_screen_is_chinese_without_control_characters(batch):
    for stream in (batch.run.stdout, batch.run.stderr):
        assert not set(stream) & {"\x1b", "\x07", "\x85", "\u202e", "\u2066"}, stream[-3000:]
    english = [line for line in batch.run.stdout.splitlines() if ENGLISH.search(line)]
    assert not english, english


def test_the_closing_screen_and_the_summary(batch):
    assert "发现工作簿" in batch.run.stdout and "汇总：" in batch.run.stdout, batch.run.stdout + batch.run.stderr
    book = openpyxl.load_workbook(batch.out / "汇总.xlsx")
    assert {"汇总", "检查结果", "无法读取", "已跳过"} <= set(book.sheetnames)
    rows = [row for row in book["汇总"].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]  # 序号
    assert len(rows) == len(_reports(batch.out))
    formulas = [(ws.title, cell.coordinate) for ws in book for row in ws.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert not formulas, formulas  # the injected "=HYPERLINK(...)" stays text


def test_every_input_unchanged_and_nothing_written_outside_the_output_folder(batch):
    """(What is left in TMPDIR is the next test's.)"""
    after = _snapshot(batch.root, skip=(batch.out, batch.tmpdir))
    before = batch.before
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    assert not changed, changed
    assert not sorted(before.keys() - after.keys()), "inputs gone"
    new = sorted(set(after) - set(before) - {f"{batch.tmpdir.name}.peak", batch.out.name})
    assert not new, new


def test_nothing_left_in_the_temporary_folder(batch):
    assert sorted(os.listdir(batch.tmpdir)) == []


def test_peak_memory_under_1_gib(batch):
    assert batch.run.peak < PEAK_LIMIT, f"peak RSS {batch.run.peak / 2**20:.0f} MiB"


def test_no_internal_error_worker_death_or_timeout(batch):
    failed = [(r["file"], r["error"]["code"], r["error"]["message"]) for r in _reports(batch.out)
              if r["status"] == "error" and r["error"]["code"] in FAILURES]
    assert not failed, failed


def test_report_keys_and_outputs_one_per_input(batch):
    reports = _reports(batch.out)
    keys = [(r["source"]["path"], (r.get("part") or {}).get("index")) for r in reports]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    outputs = {}
    for r in reports:
        if r["source"]["output"]:
            outputs.setdefault(r["source"]["output"].casefold(), set()).add(r["source"]["path"])
    shared = {output: paths for output, paths in outputs.items() if len(paths) > 1}
    assert not shared, shared
    for r in reports:  # the outputs are inside OUT, and there
        if r["source"]["output"]:
            path = batch.out / r["source"]["output"]
            assert path.resolve().is_relative_to(batch.out.resolve()) and path.is_file(), r["source"]


def test_each_hostile_file_gets_its_answer(batch):
    by_key: dict[str, list[dict]] = {}
    for report in _reports(batch.out):
        by_key.setdefault(report["source"]["path"], []).append(report)
    skipped = {}
    summary = openpyxl.load_workbook(batch.out / "汇总.xlsx")
    for name, reason in summary["已跳过"].iter_rows(min_row=2, values_only=True):
        skipped[name] = reason
    problems = []
    for key, expect in batch.expected.items():
        if expect.skipped:
            if key in by_key:
                problems.append(f"{key}: processed, expected skipped ({expect.skipped})")
            elif expect.skipped not in (skipped.get(key) or ""):
                problems.append(f"{key}: skipped as {skipped.get(key)!r}, expected {expect.skipped!r}")
            elif _said(skipped[key]):
                problems.append(f"{key}: skip reason {_said(skipped[key])}")
            continue
        like = None
        if expect.like:
            sample = by_key.get(f"samples/{expect.like}")
            like = sample[0]["totals"] if sample else None
        problems += _mismatch(key, expect, by_key.get(key, []), like)
    assert not problems, "\n".join(problems)


def test_injected_formulas_stay_text_in_the_copy(batch):
    [report] = [r for r in _reports(batch.out) if r["source"]["path"] == f"{CORPUS}/公式注入.xlsx"]
    copy = openpyxl.load_workbook(batch.out / report["source"]["output"])
    formulas = [(ws.title, cell.coordinate, cell.value) for ws in copy for row in ws.iter_rows() for cell in row
                if cell.data_type == "f" and any(part in str(cell.value) for part in ("HYPERLINK", "cmd|"))]
    assert not formulas, formulas
    texts = {cell.value for ws in copy for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert INJECTED[0] in texts  # kept, as the text it was


def test_a_long_project_name_is_cut_to_fit_the_page_headers(batch):
    [report] = [r for r in _reports(batch.out) if r["source"]["path"] == f"{CORPUS}/超长项目名.xlsx"]
    assert report["project"]["name"] == LONG_PROJECT
    headers = {}  # part -> the header as stored, its codes (&C, &10, &&) counted as Excel counts them
    with zipfile.ZipFile(batch.out / report["source"]["output"]) as copy:
        for name in copy.namelist():
            found = re.search(r"<oddHeader>(.*?)</oddHeader>", copy.read(name).decode("utf-8", "replace"), re.S)
            if name.startswith("xl/worksheets/") and found:
                headers[name] = html.unescape(found.group(1))
    assert headers and all(len(text) <= 255 for text in headers.values()), {k: len(v) for k, v in headers.items()}
    assert all(LONG_PROJECT[:50] in text for text in headers.values()), headers


# --- each file alone through check --------------------------------------------------------------

def _alone(folder: Path, expected: dict[str, Expect]) -> list[str]:
    """The inputs ``check`` takes one by one: files (not attachments, not what discovery skips)."""
    return [key for key, expect in expected.items()
            if ":" not in key and not expect.skipped and not (folder / key).is_dir()]


@pytest.mark.parametrize("kind", list(hostile.KINDS))
def test_each_file_alone_through_check(tmp_path, kind):
    folder, tmpdir = tmp_path / "in", tmp_path / "tmp"
    expected = hostile.build(folder, [kind])
    tmpdir.mkdir()
    before = _snapshot(folder)
    problems = []
    for key in _alone(folder, expected):
        expect = expected[key]
        run = _xlscore(["check", "--format", "json", str(folder / key)], tmpdir, CHECK_SECONDS)
        if run.code not in (0, 1, 2) or _crash(run):
            problems.append(f"{key}: exit {run.code}: {_crash(run) or run.stderr[:500]}")
            continue
        if run.peak >= PEAK_LIMIT:
            problems.append(f"{key}: peak RSS {run.peak / 2**20:.0f} MiB")
        data = json.loads(run.stdout)
        reports = data if isinstance(data, list) else [data]
        like = _sample_totals(expect.like) if expect.like else None
        problems += _mismatch(key, expect, reports, like)
        if os.listdir(tmpdir):
            problems.append(f"{key}: left in TMPDIR: {os.listdir(tmpdir)}")
    assert _snapshot(folder) == before, "an input changed"
    assert not problems, "\n".join(problems)
