"""Small things of the command line (issue 21, item 7): an output path like a file's, an empty folder,
click's own messages in Chinese."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_cli

SEED000 = ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"


@pytest.mark.parametrize("name", ["结果.xlsx", "结果.json", "out.XLS"])
def test_an_output_named_like_a_file_is_refused(tmp_path, name):
    shutil.copy(SEED000, tmp_path / "自评表.xlsx")
    result = run_cli("score", str(tmp_path / "自评表.xlsx"), "--out", str(tmp_path / name))
    assert result.exit_code == 2
    assert "应为输出文件夹" in result.output and name in result.output
    assert not (tmp_path / name).exists()


def test_an_output_folder_with_a_dot_in_its_name_is_taken(tmp_path):
    shutil.copy(SEED000, tmp_path / "自评表.xlsx")
    (tmp_path / "结果.xlsx").mkdir()  # a folder that exists is a folder, whatever its name
    result = run_cli("score", str(tmp_path / "自评表.xlsx"), "--out", str(tmp_path / "结果.xlsx"))
    assert result.exit_code == 1, result.output
    assert (tmp_path / "结果.xlsx" / "自评表_复核.xlsx").exists()


@pytest.mark.parametrize("command", ["check", "score"])
def test_an_empty_folder_is_a_usage_error(tmp_path, command):
    (tmp_path / "空").mkdir()
    (tmp_path / "空" / "说明.txt").write_text("没有工作簿", encoding="utf-8")
    args = ["--out", str(tmp_path / "out")] if command == "score" else []
    result = run_cli(command, str(tmp_path / "空"), *args)
    assert result.exit_code == 2, result.output
    assert "中没有工作簿" in result.output and "错误：" in result.output
    assert not (tmp_path / "out" / "汇总.xlsx").exists()


@pytest.mark.parametrize("args, said", [
    (["score"], "缺少参数"),
    (["check", "--bogus", "x"], "没有选项 --bogus"),
    (["score", "a", "--jobs", "0"], "取值无效：0 不在范围"),
    (["template", "a", "b"], "多余的参数：b"),
    (["check", "a", "--format", "x"], "不是可选值之一"),
    (["score", "a", "--out"], "需要一个值"),
])
def test_clicks_own_errors_are_chinese(args, said):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert said in result.output and "错误：" in result.output, result.output
    for english in ("Error", "Missing", "No such", "Invalid", "unexpected", "Usage", "OPTIONS"):
        assert english not in result.output, result.output


@pytest.mark.parametrize("command", ["check", "score", "template", "schemes"])
def test_help_has_no_english_metavars(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    for english in ("TEXT", "PATH", "INTEGER", "FILE", "DIR", "SCHEME", "[OPTIONS]"):
        assert english not in result.output, (english, result.output)


@pytest.mark.parametrize("args", [["score"], ["check"], ["template", "a", "b"], ["check", "--bogus", "x"],
                                  ["score", "a", "--jobs", "0"], ["score", "a", "--out"]])
def test_clicks_own_errors_end_in_chinese_punctuation(args):
    result = run_cli(*args)
    assert result.exit_code == 2
    line = next(line for line in result.output.splitlines() if line.startswith("错误："))
    assert line.endswith("。") and not line.rstrip("。").endswith("."), line
