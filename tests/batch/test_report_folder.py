"""The JSON reports under OUT/报告/ (issue 21, item 7): the copies stay by themselves at the inputs'
relative paths, reports.jsonl and 汇总.xlsx at OUT's top; an earlier version's reports beside the
copies are xlscore's and give way, a file of anyone else's there stays."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, run_cli

SEED000 = ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"
SEED002 = ROOT / "samples" / "002_企业服务活动专项经费.xlsx"


@pytest.fixture()
def inbox(tmp_path):
    root = tmp_path / "收件箱"
    (root / "甲局").mkdir(parents=True)
    shutil.copy(SEED000, root / "a.xlsx")
    shutil.copy(SEED002, root / "甲局" / "b.xlsx")
    return root


def _files(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".xlscore.lock")


def test_a_batch_writes_its_reports_under_the_report_folder(inbox, tmp_path):
    out = tmp_path / "out"
    result = run_cli("score", inbox, "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    files = [name for name in _files(out) if not name.startswith("回复/")]
    assert files == ["a_复核.xlsx", "reports.jsonl", "报告/a_复核.json", "报告/甲局/b_复核.json",
                     "汇总.xlsx", "甲局/b_复核.xlsx"]
    report = json.loads((out / "报告" / "甲局" / "b_复核.json").read_text(encoding="utf-8"))
    assert report["source"]["path"] == "甲局/b.xlsx" and report["status"] == "ok"


def test_a_single_file_writes_its_report_under_the_report_folder(tmp_path):
    shutil.copy(SEED002, tmp_path / "自评表.xlsx")
    out = tmp_path / "out"
    result = run_cli("score", tmp_path / "自评表.xlsx", "--out", out)
    assert result.exception is None, result.output
    assert _files(out) == ["报告/自评表_复核.json", "自评表_复核.xlsx"]
    assert json.loads((out / "报告" / "自评表_复核.json").read_text(encoding="utf-8"))["status"] == "ok"


def test_an_earlier_layouts_reports_give_way_and_a_foreign_one_stays(inbox, tmp_path):
    out = tmp_path / "out"
    assert run_cli("score", inbox, "--out", out, "--jobs", "1").exit_code == 0
    # as an earlier version left them: each report beside its copy
    for name in ("a_复核.json", "甲局/b_复核.json"):
        (out / "报告" / name).rename(out / name)
    again = run_cli("score", inbox, "--out", out, "--jobs", "1")
    assert again.exit_code == 0, again.output  # the old reports are recognised as xlscore's
    assert not (out / "a_复核.json").exists() and not (out / "甲局" / "b_复核.json").exists()
    assert (out / "报告" / "a_复核.json").is_file() and (out / "报告" / "甲局" / "b_复核.json").is_file()
    (out / "a_复核.json").write_text('{"备注": "部门的"}', encoding="utf-8")
    resumed = run_cli("score", inbox, "--out", out, "--jobs", "1")
    assert resumed.exit_code == 0, resumed.output
    assert (out / "a_复核.json").read_text(encoding="utf-8") == '{"备注": "部门的"}'


def test_an_output_folder_in_the_input_with_an_old_layout_is_not_refused(tmp_path):
    root = tmp_path / "收件箱"
    root.mkdir()
    shutil.copy(SEED000, root / "a.xlsx")
    out = root / "复核结果"
    assert run_cli("score", root, "--out", out, "--jobs", "1").exit_code == 0
    (out / "报告" / "a_复核.json").rename(out / "a_复核.json")
    again = run_cli("score", root, "--out", out, "--jobs", "1")
    assert again.exit_code == 0, again.output
    assert (out / "报告" / "a_复核.json").is_file() and not (out / "a_复核.json").exists()


def test_resume_moves_an_earlier_layouts_reports_to_the_report_folder(inbox, tmp_path):
    out = tmp_path / "out"
    assert run_cli("score", inbox, "--out", out, "--jobs", "1").exit_code == 0
    before = (out / "报告" / "甲局" / "b_复核.json").read_text(encoding="utf-8")
    for name in ("a_复核.json", "甲局/b_复核.json"):
        (out / "报告" / name).rename(out / name)
    resumed = run_cli("score", inbox, "--out", out, "--jobs", "1", "--resume")
    assert resumed.exit_code == 0 and "沿用上次结果 2 个" in resumed.output, resumed.output
    assert not (out / "a_复核.json").exists() and not (out / "甲局" / "b_复核.json").exists()
    assert (out / "报告" / "甲局" / "b_复核.json").read_text(encoding="utf-8") == before
