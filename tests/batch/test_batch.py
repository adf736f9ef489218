"""Batch scoring of a mailbox folder: `xlscore score 收件箱/ --out 复核结果/`."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from xlscore.batch import runner as batch
from xlscore.batch.inbox import discover

from builders import declared_oversized, eml, empty_file, encrypted, truncated, with_doctype
from conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"
SEED000 = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
SEED002 = SAMPLES / "002_企业服务活动专项经费.xlsx"
LAID000 = SAMPLES / "原表版式_000_铝工业转型升级专项资金.xlsx"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture()
def inbox(tmp_path):
    root = tmp_path / "收件箱"
    (root / "工信局" / "一处").mkdir(parents=True)
    (root / "财政局").mkdir()
    (root / "邮件").mkdir()
    shutil.copy(SEED000, root / "工信局" / "自评表.xlsx")
    shutil.copy(SEED002, root / "工信局" / "一处" / "自评表.xlsx")  # same name, another folder
    shutil.copy(LAID000, root / "财政局" / "原表.xlsx")
    shutil.copy(FIXTURES / "handlaid002.xls", root / "财政局" / "手工.xls")
    shutil.copy(FIXTURES / "handlaid002.ods", root / "财政局" / "手工.ods")  # collides with 手工.xls
    (root / "财政局" / "不是工作簿.xlsx").write_text("这是一段文字", encoding="utf-8")
    shutil.copy(truncated(tmp_path), root / "财政局" / "截断.xlsx")
    shutil.copy(encrypted(tmp_path), root / "财政局" / "加密.xlsx")
    shutil.copy(empty_file(tmp_path), root / "财政局" / "空文件.xlsx")
    shutil.copy(with_doctype(tmp_path), root / "财政局" / "实体炸弹.xlsx")
    shutil.copy(declared_oversized(tmp_path), root / "财政局" / "压缩炸弹.xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "本表无内容"
    wb.save(root / "财政局" / "无表格.xlsx")
    (root / "财政局" / "~$自评表.xlsx").write_bytes(b"lock")
    (root / "财政局" / ".隐藏.xlsx").write_bytes(b"hidden")
    (root / "财政局" / "说明.pdf").write_bytes(b"%PDF-1.4")
    eml(root / "邮件" / "来信.eml", [("企业服务活动专项经费自评表.xlsx", SEED002.read_bytes())])
    eml(root / "邮件" / "无附件.eml", [], subject="只有正文")
    return root


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def _reports(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]


def test_discovery_skips_and_mirrors(inbox, tmp_path):
    found = discover([inbox], inbox / "复核结果")
    rels = sorted(job.rel for job in found.jobs)
    assert "工信局/自评表.xlsx" in rels and "工信局/一处/自评表.xlsx" in rels
    assert "邮件/来信.eml:企业服务活动专项经费自评表.xlsx" in rels
    skipped = dict(found.skipped)
    assert skipped["财政局/~$自评表.xlsx"] == "锁定或临时文件"
    assert skipped["财政局/.隐藏.xlsx"] == "隐藏文件"
    assert skipped["邮件/无附件.eml"] == "邮件中没有工作簿附件"
    assert skipped["财政局/说明.pdf"] == "不是工作簿或邮件"
    outs = [job.out_rel for job in found.jobs]
    assert len(outs) == len(set(outs))  # 手工.xls / 手工.ods and the two 自评表.xlsx never collide
    mail = next(job for job in found.jobs if job.part is not None)
    assert mail.email["subject"] == "2021年度绩效自评表（市工信局）" and "zhangsan" in mail.email["from"]
    assert mail.email["date"].startswith("2022-01-10T09:30")


def test_output_folder_inside_input_is_skipped(inbox):
    out = inbox / "复核结果"
    out.mkdir()
    shutil.copy(SEED002, out / "旧结果.xlsx")
    found = discover([inbox], out)
    assert not [job for job in found.jobs if job.rel.startswith("复核结果")]
    assert ("复核结果/", "输出文件夹") in found.skipped


def test_batch_end_to_end(inbox, tmp_path):
    before = _hashes(inbox)
    out = tmp_path / "复核结果"
    result = run_cli("score", str(inbox), "--out", str(out), "--jobs", "2")
    assert result.exit_code == 1, result.output  # some inputs could not be read
    assert _hashes(inbox) == before  # inputs untouched
    reports = _reports(out)
    by_file = {r["file"]: r for r in reports}
    assert len(reports) == len(by_file) == 13
    codes = {name: (r["error"] or {}).get("code") for name, r in by_file.items()}
    assert codes["财政局/不是工作簿.xlsx"] == "FILE_NOT_WORKBOOK"
    assert codes["财政局/截断.xlsx"] == "FILE_CORRUPT"
    assert codes["财政局/加密.xlsx"] == "FILE_ENCRYPTED"
    assert codes["财政局/空文件.xlsx"] == "FILE_NOT_WORKBOOK"
    assert codes["财政局/实体炸弹.xlsx"] == "FILE_CORRUPT"
    assert codes["财政局/压缩炸弹.xlsx"] == "FILE_TOO_LARGE"
    assert codes["财政局/无表格.xlsx"] == "NO_TABLES"
    for good in ("工信局/自评表.xlsx", "工信局/一处/自评表.xlsx", "财政局/原表.xlsx", "财政局/手工.xls", "财政局/手工.ods",
                 "邮件/来信.eml:企业服务活动专项经费自评表.xlsx"):
        assert by_file[good]["status"] == "ok", good
    mail = by_file["邮件/来信.eml:企业服务活动专项经费自评表.xlsx"]
    assert mail["source"]["email"]["subject"] == "2021年度绩效自评表（市工信局）"
    assert mail["totals"]["review_score"] == 100
    assert (out / "工信局" / "自评表_复核.xlsx").exists() and (out / "工信局" / "一处" / "自评表_复核.xlsx").exists()
    assert (out / "邮件" / "来信.eml" / "企业服务活动专项经费自评表_复核.xlsx").exists()  # beside any folder 来信/
    assert (out / "财政局" / "手工_xls_复核.xlsx").exists() and (out / "财政局" / "手工_ods_复核.xlsx").exists()
    assert "无法读取 7 个" in result.output and "跳过" in result.output and "用时" in result.output
    _summary_matches(out, reports)


def _summary_matches(out: Path, reports: list[dict]) -> None:
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    assert wb.sheetnames[:5] == ["汇总", "按单位", "检查结果", "无法读取", "图表"]
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    assert header == ["序号", "单位", "项目", "来源文件", "预算安排（元）", "资金到位（元）", "实际支出（元）", "预算执行率",
                      "资金实际支出率", "自评得分", "复核得分", "差异", "自评等级", "复核等级", "错误数", "警告数", "状态",
                      "来源邮件"]
    table = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    rows = [row for row in table if isinstance(row["序号"], int)]  # then 合计 and the note
    assert len(rows) == len(reports) and [row["序号"] for row in rows] == list(range(1, len(reports) + 1))
    assert table[len(rows)]["单位"] == "合计"
    by_file = {r["file"]: r for r in reports}
    for row in rows:
        report = by_file[row["来源文件"]]
        totals = report["totals"] or {}
        assert row["复核得分"] == totals.get("review_score") and row["自评得分"] == totals.get("self_score")
        assert row["错误数"] == report["counts"]["error"] and row["警告数"] == report["counts"]["warning"]
        budget = ((report["fund"] or {}).get("budget") or {}).get("total")
        assert row["预算安排（元）"] == budget
    assert by_file["邮件/来信.eml:企业服务活动专项经费自评表.xlsx"]["source"]["email"]["subject"] in \
        next(row["来源邮件"] for row in rows if row["来源文件"] == "邮件/来信.eml:企业服务活动专项经费自评表.xlsx")
    diffs = [abs(r["差异"]) for r in rows if r["差异"] is not None]
    assert diffs == sorted(diffs, reverse=True)  # largest difference first
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.page_setup.orientation == "landscape"
    findings = wb["检查结果"]
    assert findings.max_row - 1 == sum(len(r["findings"]) for r in reports)
    unreadable = [row[0].value for row in wb["无法读取"].iter_rows(min_row=2)]
    assert sorted(unreadable) == sorted(r["file"] for r in reports if r["status"] == "error")


def test_resume_redoes_nothing_and_finishes_half_done(inbox, tmp_path):
    out = tmp_path / "out"
    found = discover([inbox], out)
    first = batch.run_batch(found, out, jobs=2)
    assert first.done == 13
    again = batch.run_batch(discover([inbox], out), out, jobs=2, resume=True)
    assert again.done == 0 and again.resumed == 13
    assert len(_reports(out)) == 13
    # half-done: drop the last 4 reports (and cut the last kept line short, as a killed run leaves it)
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    (out / "reports.jsonl").write_text("\n".join(lines[:9]) + "\n" + lines[9][:40], encoding="utf-8")
    resumed = batch.run_batch(discover([inbox], out), out, jobs=2, resume=True)
    assert resumed.resumed == 9 and resumed.done == 4
    assert len({r["file"] for r in _reports(out)}) == len(_reports(out)) == 13
    # a changed file is redone
    shutil.copy(SEED000, inbox / "工信局" / "一处" / "自评表.xlsx")
    changed = batch.run_batch(discover([inbox], out), out, jobs=1, resume=True)
    assert changed.done == 1 and changed.resumed == 12


def _stable(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "source"} | {"sha": report["source"]["sha256"]}


def test_jobs_two_gives_the_same_reports_as_one(inbox, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    batch.run_batch(discover([inbox], one), one, jobs=1)
    batch.run_batch(discover([inbox], two), two, jobs=2)
    a = sorted((_stable(r) for r in _reports(one)), key=lambda r: r["file"])
    b = sorted((_stable(r) for r in _reports(two)), key=lambda r: r["file"])
    assert a == b


def test_the_summary_lists_findings_in_file_order_whatever_order_the_workers_finished(inbox, tmp_path):
    from xlscore.batch import summary

    out = tmp_path / "out"
    batch.run_batch(discover([inbox], out), out, jobs=1)
    reports = summary.load_reports(out / batch.REPORTS)
    assert len({r["file"] for r in reports}) > 3
    _, findings, unreadable = summary.frames(reports)
    _, findings_reversed, unreadable_reversed = summary.frames(list(reversed(reports)))
    assert findings.equals(findings_reversed) and unreadable.equals(unreadable_reversed)
    rank = {"错误": 0, "警告": 1, "提示": 2}  # errors first, each severity by file
    keys = [(rank[severity], name) for severity, name in zip(findings["严重程度"], findings["文件"])]
    assert keys == sorted(keys)


def test_a_file_that_hangs_or_crashes_is_its_own_error(inbox, tmp_path, monkeypatch):
    real = batch.process

    def flaky(job, out_dir, scheme=None):
        if job.name == "原表.xlsx":
            time.sleep(30)
        if job.name == "手工.xls":
            raise RuntimeError("boom")
        return real(job, out_dir, scheme)

    monkeypatch.setattr(batch, "process", flaky)  # workers are forked after this
    out = tmp_path / "out"
    outcome = batch.run_batch(discover([inbox / "财政局"], out), out, jobs=2, timeout=3)
    reports = {r["file"]: r for r in _reports(out)}
    assert reports["原表.xlsx"]["error"]["code"] == "FILE_TIMEOUT"
    assert reports["手工.xls"]["error"]["code"] in ("WORKER_DIED", "INTERNAL_ERROR")
    assert reports["手工.ods"]["status"] == "ok"  # the batch went on
    assert outcome.exit_code == 1


def test_vanished_file_is_its_own_error(tmp_path):
    from xlscore.batch.inbox import Job

    job = Job(tmp_path / "gone.xlsx", "gone.xlsx", "gone", "gone.xlsx")
    [data] = batch.process(job, tmp_path / "out")
    assert data["status"] == "error" and data["error"]["code"] in ("FILE_NOT_FOUND", "FILE_UNREADABLE")


def test_formula_looking_text_stays_inert(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    wb = openpyxl.load_workbook(SEED002)
    ws = wb["填表说明"]
    ws.protection.sheet = False
    ws["B3"].value = '=HYPERLINK("http://example.org","点击")'
    ws["B3"].data_type = "s"
    ws["B4"].value = "+cmd|' /C calc'!A0"
    ws["B4"].data_type = "s"
    wb.save(root / "恶意.xlsx")
    out = tmp_path / "out"
    batch.run_batch(discover([root], out), out, jobs=1)
    from xlscore.batch.summary import write_summary

    write_summary(out)
    summary = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    cells = [c for row in summary.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert cells and all(c.data_type == "s" for c in cells)
    copy = openpyxl.load_workbook(out / "恶意_复核.xlsx")
    assert copy["填表说明"]["B3"].data_type == "s" and copy["填表说明"]["B4"].data_type == "s"
    review = [c for row in copy["复核结果"].iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert all(c.data_type == "s" for c in review)


def test_usage_errors_before_any_work(tmp_path, inbox):
    result = run_cli("score", str(tmp_path / "没有这个文件夹"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "找不到" in result.output
    blocked = tmp_path / "只读"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    result = run_cli("score", str(inbox), "--out", str(blocked / "sub"))
    assert result.exit_code == 2 and "无法写入" in result.output
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_batch_reports_validate_against_the_schema(inbox, tmp_path):
    import jsonschema

    schema = json.loads((ROOT / "xlscore" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    batch.run_batch(discover([inbox], out), out, jobs=2)
    for report in _reports(out):
        jsonschema.validate(report, schema)
        assert report["source"]["path"] == report["file"]


def test_a_folder_of_only_unreadable_files_still_gets_its_summary(tmp_path):
    """No file with both scores: the summary is written, not a traceback (issue 19, item 1)."""
    from conftest import run_cli

    root = tmp_path / "in"
    root.mkdir()
    (root / "a.xlsx").write_text("not a workbook", encoding="utf-8")
    (root / "b.xls").write_bytes(b"x")
    result = run_cli("score", root, "--out", tmp_path / "out", "--jobs", "1")
    assert result.exception is None and result.exit_code == 1
    assert (tmp_path / "out" / "汇总.xlsx").exists()
    assert "无法读取" in result.stdout


def test_the_closing_screen_gives_reasons_without_codes(tmp_path):
    from conftest import run_cli

    root = tmp_path / "in"
    root.mkdir()
    (root / "a.xlsx").write_text("not a workbook", encoding="utf-8")
    out = run_cli("score", root, "--out", tmp_path / "out", "--jobs", "1").stdout
    line = next(line for line in out.splitlines() if "无法读取：a.xlsx" in line)
    assert "FILE_" not in line and "不是" in line
