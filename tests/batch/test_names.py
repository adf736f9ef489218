"""Every input its own output and its own report key (issue 19, items 4 and 12): inputs of one name
from two folders, an e-mail beside a folder of its name, attachments of one name, names that only
differ in case; and names no file system takes as they are — control and bidirectional characters,
300 characters, dots only, Windows' device names — and a link whose target is gone."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from xlscore.batch import runner as batch
from xlscore.batch.inbox import discover
from xlscore.read.naming import MAX_NAME_BYTES, component, fold

from builders import eml
from conftest import ROOT, run_cli

SEED000 = ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"
SEED002 = ROOT / "samples" / "002_企业服务活动专项经费.xlsx"
A, B = SEED000.read_bytes(), SEED002.read_bytes()


def _reports(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]


def _apart(inbox) -> None:
    """Keys and outputs all distinct; outputs as Windows and macOS compare names."""
    keys = [job.rel for job in inbox.jobs]
    outs = [fold(job.out_rel) for job in inbox.jobs]
    assert len(set(keys)) == len(keys), keys
    assert len(set(outs)) == len(outs), [job.out_rel for job in inbox.jobs]


def _outputs(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*_复核.xlsx"))


def _resume_keeps_every_report(inputs: list[Path], out: Path, count: int) -> None:
    """A run, then --resume twice: nothing redone, no report lost."""
    first = batch.run_batch(discover(inputs, out), out, jobs=1)
    assert first.done == count and len(_outputs(out)) == count
    for _ in range(2):
        again = batch.run_batch(discover(inputs, out), out, jobs=1, resume=True)
        assert (again.done, again.resumed) == (0, count)
        keys = [r["source"]["path"] for r in _reports(out)]
        assert len(keys) == len(set(keys)) == count


def test_two_roots_with_the_same_relative_name(tmp_path):
    for name, data in (("a", A), ("b", B)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "自评表.xlsx").write_bytes(data)
    out = tmp_path / "out"
    found = discover([tmp_path / "a", tmp_path / "b"], out)
    _apart(found)
    assert sorted(job.rel for job in found.jobs) == ["a/自评表.xlsx", "b/自评表.xlsx"]
    _resume_keeps_every_report([tmp_path / "a", tmp_path / "b"], out, 2)
    assert _outputs(out) == ["a/自评表_复核.xlsx", "b/自评表_复核.xlsx"]
    scores = {r["file"]: r["totals"]["review_score"] for r in _reports(out)}
    assert scores["a/自评表.xlsx"] != scores["b/自评表.xlsx"]  # each its own workbook's review


def test_an_email_beside_a_folder_of_its_name(tmp_path):
    root = tmp_path / "in"
    (root / "来信").mkdir(parents=True)
    (root / "来信" / "附件.xlsx").write_bytes(A)
    eml(root / "来信.eml", [("附件.xlsx", B)])
    out = tmp_path / "out"
    _apart(discover([root], out))
    _resume_keeps_every_report([root], out, 2)
    assert _outputs(out) == ["来信.eml/附件_复核.xlsx", "来信/附件_复核.xlsx"]


def test_attachments_of_one_name_and_one_numbered_like_the_second(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    eml(root / "x.eml", [("x.xlsx", A), ("x.xlsx", B), ("x_2.xlsx", B)])
    out = tmp_path / "out"
    found = discover([root], out)
    _apart(found)
    assert [job.rel for job in found.jobs] == ["x.eml:x.xlsx#1", "x.eml:x.xlsx#2", "x.eml:x_2.xlsx"]
    assert [job.out_rel for job in found.jobs] == ["x.eml/x", "x.eml/x_3", "x.eml/x_2"]  # x_2 stays the real x_2's
    _resume_keeps_every_report([root], out, 3)
    # the same names in a later run, and an unrelated file added renames none of them
    (root / "其他.xlsx").write_bytes(A)
    again = discover([root], out)
    assert {job.rel: job.out_rel for job in found.jobs}.items() <= {job.rel: job.out_rel for job in again.jobs}.items()


def test_names_that_differ_only_in_case_or_extension(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for name in ("自评表A.xlsx", "自评表a.xlsx", "手工.xls", "手工.xlsx", "手工_xls.xlsx"):
        (root / name).write_bytes(A)
    found = discover([root], tmp_path / "out")
    _apart(found)
    outs = {job.name: job.out_rel for job in found.jobs}
    assert outs["自评表A.xlsx"] == "自评表A" and outs["自评表a.xlsx"] == "自评表a_2"
    assert outs["手工.xlsx"] == "手工_xlsx" and outs["手工_xls.xlsx"] == "手工_xls"  # the real one keeps its name
    assert outs["手工.xls"] == "手工_xls_2"


def test_a_folder_given_with_one_inside_it_is_found_once(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.xlsx").write_bytes(A)
    found = discover([root, root / "sub", root / "sub" / "a.xlsx"], tmp_path / "out")
    assert [job.rel for job in found.jobs] == ["sub/a.xlsx"]


def test_single_files_of_one_name_from_two_folders(tmp_path):
    for name, data in (("a", A), ("b", B)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "自评表.xlsx").write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("score", tmp_path / "a" / "自评表.xlsx", tmp_path / "b" / "自评表.xlsx", "--out", out)
    assert result.exception is None
    assert _outputs(out) == ["自评表_2_复核.xlsx", "自评表_复核.xlsx"]
    scores = {json.loads(p.read_text(encoding="utf-8"))["totals"]["review_score"] for p in (out / "报告").glob("*_复核.json")}
    assert len(scores) == 2  # neither written over the other


def test_resume_drops_the_reports_of_inputs_gone_and_lines_that_are_not_reports(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.xlsx").write_bytes(A)
    (root / "b.xlsx").write_bytes(B)
    out = tmp_path / "out"
    batch.run_batch(discover([root], out), out, jobs=1)
    (root / "b.xlsx").unlink()
    with open(out / "reports.jsonl", "a", encoding="utf-8") as handle:
        handle.write('1\n[]\n{"source": 5}\n')
    again = batch.run_batch(discover([root], out), out, jobs=1, resume=True)
    assert (again.done, again.resumed) == (0, 1)
    assert [r["file"] for r in _reports(out)] == ["a.xlsx"]


# --- names no file system takes as they are ---------------------------------------------------

def test_control_and_bidi_characters_leave_attachment_names(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    eml(root / "来信.eml", [("红\x1b[31m色.xlsx", A), ("报表\u202excod.xlsx", B), ("c\x07\x85\u2066.xlsx", B),
                              ("报表xcod.xlsx", A), ("坏\x1b[2J\u202e表.xlsx", b"not a workbook")])
    out = tmp_path / "out"
    result = run_cli("score", root, "--out", out, "--jobs", "1")
    assert result.exception is None and result.exit_code == 1, result.output
    assert "无法读取：来信.eml:坏[2J表.xlsx：" in result.output  # the closing screen shows the name cleaned
    assert not set(result.output) & {"\x1b", "\x07", "\x85", "\u202e", "\u2066"}
    reports = [r for r in _reports(out) if r["status"] == "ok"]
    assert sorted(r["file"] for r in reports) == ["来信.eml:c.xlsx", "来信.eml:报表xcod.xlsx#1", "来信.eml:报表xcod.xlsx#2",
                                                  "来信.eml:红[31m色.xlsx"]
    for report in reports:  # every copy written
        assert report["source"]["output"] and not [f for f in report["findings"] if f["code"] == "COPY_FAILED"]
        assert report["source"]["email"]["attachment"] == report["file"].split(":", 1)[1].split("#")[0]
    names = [p.name for p in out.rglob("*")]
    assert not [n for n in names if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch in "\u202e\u2066" for ch in n)]
    assert _outputs(out) == ["来信.eml/c_复核.xlsx", "来信.eml/报表xcod_2_复核.xlsx", "来信.eml/报表xcod_复核.xlsx",
                             "来信.eml/红[31m色_复核.xlsx"]


def test_control_characters_in_a_file_name(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "表\x1b[1m\u202e甲.xlsx").write_bytes(A)
    out = tmp_path / "out"
    result = run_cli("score", root, "--out", out, "--jobs", "1")
    assert result.exception is None and result.exit_code == 0, result.output
    [report] = _reports(out)
    assert report["file"] == "表[1m甲.xlsx" and report["source"]["output"] == "表[1m甲_复核.xlsx"
    assert not [f for f in report["findings"] if f["code"] == "COPY_FAILED"]
    single = run_cli("score", root / "表\x1b[1m\u202e甲.xlsx", "--out", tmp_path / "out2")
    assert "COPY_FAILED" not in single.output and "\x1b" not in single.output
    assert (tmp_path / "out2" / "表[1m甲_复核.xlsx").exists()


def test_a_300_character_name_is_shortened_and_kept_apart(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    long = "长" * 300
    eml(root / "来信.eml", [(f"{long}甲.xlsx", A), (f"{long}乙.xlsx", B)])
    (root / ("长" * 83 + ".xlsx")).write_bytes(A)  # 254 bytes: the name of the copy would be longer
    out = tmp_path / "out"
    result = run_cli("score", root, "--out", out, "--jobs", "1")
    assert result.exception is None and result.exit_code == 0, result.output
    assert "File name too long" not in result.output
    copies = list(out.rglob("*_复核.xlsx"))
    assert len(copies) == len({p.name for p in copies}) == 3
    for path in [*copies, *out.rglob("*_复核.json")]:
        assert len(path.name.encode("utf-8")) <= MAX_NAME_BYTES and path.name.startswith("长长长")
    assert {r["file"] for r in _reports(out)} >= {f"来信.eml:{long}甲.xlsx", f"来信.eml:{long}乙.xlsx"}


def test_dot_only_names(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    eml(root / "来信.eml", [("..xlsx", A), ("...xlsx", B), (".xlsx", B)])
    out = tmp_path / "out"
    result = run_cli("score", root, "--out", out, "--jobs", "1")
    assert result.exception is None and result.exit_code == 0, result.output
    reports = _reports(out)
    assert len(reports) == 3 and all(r["source"]["output"] for r in reports)
    assert not [r for r in reports if any(f["code"] == "COPY_FAILED" for f in r["findings"])]
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.name != ".xlscore.lock"]
    single = tmp_path / "单个"
    single.mkdir()
    (single / "..xlsx").write_bytes(A)
    result = run_cli("score", single / "..xlsx", "--out", tmp_path / "out2")
    assert result.exception is None and "COPY_FAILED" not in result.output and "已写出" in result.output
    assert [p.name for p in (tmp_path / "out2").glob("*_复核.xlsx")] == ["未命名_复核.xlsx"]


def test_windows_reserved_and_forbidden_names_are_made_safe(tmp_path):
    root = tmp_path / "in"
    for folder in ("CON", "aux.d", "末尾点.", "末尾空格 "):
        (root / folder).mkdir(parents=True)
        (root / folder / "nul.xlsx").write_bytes(A)
    (root / "CON.backup.xlsx").write_bytes(A)
    (root / 'a:b?"c".xlsx').write_bytes(A)
    eml(root / "com1.eml", [("lpt9.xlsx", A)])
    found = discover([root], tmp_path / "out")
    _apart(found)
    reserved = {"con", "prn", "aux", "nul", *(f"{p}{n}" for p in ("com", "lpt") for n in "0123456789")}
    for job in found.jobs:
        parts = job.out_rel.split("/")
        for part in [*parts[:-1], parts[-1] + "_复核.xlsx"]:
            assert part.partition(".")[0].rstrip(" ").casefold() not in reserved, job.out_rel
            assert not set(part) & set('<>:"\\|?*') and not part.endswith((".", " ")), job.out_rel
    outs = {job.rel: job.out_rel for job in found.jobs}
    assert outs["CON/nul.xlsx"] == "CON_/nul"  # nul_复核.xlsx is not a device name
    assert outs["CON.backup.xlsx"] == "CON_.backup" and outs['a:b?"c".xlsx'] == "a_b__c_"
    assert outs["com1.eml:lpt9.xlsx"] == "com1_.eml/lpt9"


def test_component_fits_and_keeps_chinese():
    assert component("自评表\u202e", "_复核.xlsx") == "自评表"
    name = component("表" * 200, "_2_复核.xlsx")
    assert len((name + "_2_复核.xlsx").encode("utf-8")) <= MAX_NAME_BYTES
    assert component("表" * 200 + "甲", "_复核.xlsx") != component("表" * 200 + "乙", "_复核.xlsx")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_dangling_link_is_said_to_be_one(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "自评表.xlsx").symlink_to(tmp_path / "已删除.xlsx")
    (root / "来信.eml").symlink_to(tmp_path / "已删除.eml")
    out = tmp_path / "out"
    result = run_cli("score", root, "--out", out, "--jobs", "1")
    assert result.exception is None and result.exit_code == 1
    [report] = _reports(out)
    assert report["error"]["code"] == "FILE_NOT_FOUND"
    for message in (report["error"]["message"], result.output):
        assert "链接" in message and "已删除.xlsx" in message and "被移走" not in message
    assert "已删除.eml" in result.output and "No such file" not in result.output
    checked = run_cli("check", root / "自评表.xlsx")
    assert checked.exit_code == 2 and "链接" in checked.output and "已删除.xlsx" in checked.output
    shutil.copy(SEED002, tmp_path / "已删除.xlsx")  # the target back: read as any workbook
    assert run_cli("check", root / "自评表.xlsx").exit_code in (0, 1)
