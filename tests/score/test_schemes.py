"""Indicator schemes as data: the bundled files, validation, look-ups, detection, lint, the CLI."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from xlscore.read.textnum import norm
from xlscore.score import scheme as S
from xlscore.score.scheme.load import _bundled_data, _load_bundled
from xlscore.score.scheme.validate import keys_of

from conftest import ROOT, run_cli

SEEDS = Path("/work/shared/seeds")
DOCS = ROOT / "docs" / "schemes.md"


def write(tmp_path: Path, text: str, name: str = "本局体系.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
id: test-bureau
title: 测试局指标体系
level1:
  - {name: 投入和管理目标, weight: 20}
  - {name: 产出目标, weight: 40}
  - {name: 效果目标, weight: 30}
  - {name: 影响力目标, weight: 10}
grades:
  - {name: 优秀, min: 90}
  - {name: 良好, min: 80}
  - {name: 中, min: 60}
  - {name: 差, min: 0}
indicators:
  - name: 信息公开情况
    level1: 投入和管理目标
    elements: [公示的信息全面完整, 公示的方式遵循相关规定, 在规定时间内完成了公示]
    rule: 业绩值为3得满分，每降低1扣除权重分的1/3，扣完为止
"""


# ---------------------------------------------------------------------------
# The bundled schemes
# ---------------------------------------------------------------------------


def test_bundled_schemes_load_sorted_by_id():
    schemes = S.available()
    assert [s.id for s in schemes] == ["municipal", "national-2020", "provincial-2017"]
    for s in schemes:
        assert s.title and s.source and s.bundled
        assert s.path is not None and s.path.name == f"{s.id}.yaml"
    assert S.load("municipal") is S.available()[0]


def test_municipal_framework():
    m = S.load("municipal")
    assert [(lv.name, lv.weight) for lv in m.level1] == [
        ("投入和管理目标", 20), ("产出目标", 40), ("效果目标", 30), ("影响力目标", 10)]
    assert m.level2 == ()
    assert [(g.name, g.min) for g in m.grades] == [("优秀", 90), ("良好", 80), ("中", 60), ("差", 0)]
    assert m.qualitative_bands == {"achieved": (80, 100), "partly": (60, 80), "not_achieved": (0, 60)}
    assert m.target_too_low_ratio == 1.5 and m.spend_rate_warn == 90


def test_municipal_indicators_and_element_lists():
    m = S.load("municipal")
    counts = {
        "预算编制合理性": 3, "财务管理制度健全性": 9, "资金使用规范性": 5, "财务监控有效性": 3,
        "信息公开情况": 3, "项目管理制度健全性": 4, "资格审核（含复审）规范性": 4, "合同管理完备性": 9,
        "项目质量可控性": 3,
    }
    for name, n in counts.items():
        spec = m.indicator(name)
        assert spec is not None and len(spec.elements) == n, name
        assert spec.level1 == "投入和管理目标"
    assert m.indicator("预算执行率").fund_row == "execution_rate"
    assert m.indicator("预算资金到位情况").fund_row == "arrival_rate"
    assert m.indicator("财务管理制度健全性").elements[0] == "往来资金结算管理相关规定完整"
    assert m.indicator("财务管理制度健全性").elements[8] == "已制定专项资金管理制度或有适用于本项目的财务管理制度"
    assert m.indicator("财务监控有效性").elements[2] == "按项目进行成本核算，以及项目成本差异情况"
    pm = m.indicator("项目管理制度健全性")
    assert "政策对象" in pm.elements[1]
    assert any("工作计划" in alt for alt in pm.element_texts(2)[1:])
    assert m.indicator("合同管理完备性").element_texts(9) == ("合同双方按照合约定履行", "合同双方按照合同约定履行")
    for name, target in (("档案管理完备性", "完备"), ("跨部门沟通协作有效性", "有效"), ("政策公开公示率", "100%")):
        spec = m.indicator(name)
        assert spec.level1 == "影响力目标" and spec.target == target and spec.rule is None


def test_municipal_rules_and_elements_as_the_seeds_print_them():
    """Every rule equals a seed row's rule (PDF spaces aside); element lists are the seeds' 业绩值 items."""
    spec_path = ROOT / "tools" / "build_samples.py"
    module_spec = importlib.util.spec_from_file_location("build_samples_for_test", spec_path)
    build = importlib.util.module_from_spec(module_spec)
    sys.modules["build_samples_for_test"] = build
    module_spec.loader.exec_module(build)
    rows = [*build.IND_000, *build.IND_002]
    m = S.load("municipal")
    for spec in m.indicators:
        seed_rows = [r for r in rows if r[0] == spec.name]
        assert seed_rows, spec.name
        if spec.rule is not None:
            assert spec.rule == re.sub(r"\s+", "", spec.rule), spec.name
            assert norm(spec.rule) in {norm(r[5]) for r in seed_rows}, spec.name
        if spec.elements:
            # in the order one of the seeds lists them (its 业绩值, items separated by ;)
            listed = [norm(r[3]).split(";") for r in seed_rows]
            assert [norm(e) for e in spec.elements] in listed, spec.name


def test_provincial_framework_and_weights():
    p = S.load("provincial-2017")
    assert [(lv.name, lv.weight) for lv in p.level1] == [("项目管理", 28), ("项目进度与执行", 17), ("项目绩效", 55)]
    expected = {
        "配套资金": (5, {"资金到位率": 3, "资金到位及时性": 2}),
        "资金使用": (8, {"资金支出率": 3, "支出相符性": 2, "资金支出合法性": 3}),
        "财务管理": (5, {"制度健全性": 3, "管理有效性（执行情况）": 2}),
        "项目组织管理": (10, {"组织机构和专业技术队伍": 3, "项目管理制度": 2, "项目规范化管理": 3, "技术培训": 2}),
        "项目进度": (8, {"基础设施建设进度": 4, "项目运行工作进度": 4}),
        "项目执行水平和规范化": (9, {"项目运行规范化": 4, "项目科技水平": 5}),
        "直接形成产品、服务等": (8, {"产量和质量": 4, "新产品开发": 4}),
        "项目质量": (8, {"基础设施": 4, "生产技术规范": 4}),
        "信息公开": (6, {"项目申报、评审、考评情况": 3, "服务对象满意度": 3}),
        "经济效益": (13, {"财政投入乘数": 5, "新增销售收入": 4, "盈利率": 4}),
        "社会效益": (8, {"新增就业机会": 4, "新增利税": 4}),
        "环境效益": (6, {"新项目节电量": 2, "新项目节水": 2, "新项目减少三废排放量": 2}),
        "可持续性": (6, {"建立研发平台": 2, "技术规范和成果": 2, "人才引进": 2}),
    }
    assert [lv.name for lv in p.level2] == list(expected)
    for group in p.level2:
        weight, members = expected[group.name]
        assert group.weight == weight
        assert {i.name: i.weight for i in p.indicators if i.level2 == group.name} == members
        assert sum(members.values()) == weight
    for parent in p.level1:
        assert sum(g.weight for g in p.level2_under(parent.name)) == parent.weight
        assert sum(i.weight for i in p.indicators_under(parent.name)) == parent.weight
    assert sum(i.weight for i in p.indicators) == 100
    assert len(p.indicators) == 32
    assert p.indicator("资金到位率").fund_row == "arrival_rate"
    assert p.indicator("资金支出率").fund_row == "spend_rate"
    assert [(g.name, g.min) for g in p.grades] == [("优", 90), ("良", 80), ("中", 70), ("低", 60), ("差", 0)]


def test_every_weight_adds_up_no_weight_lint():
    for s in S.available():
        assert abs(sum(lv.weight for lv in s.level1) - 100) < 1e-9
        assert not [line for line in S.lint(s) if "权重之和" in line or "没有写 level2" in line], s.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not available")
def test_provincial_rules_as_printed_in_seed_004():
    seed = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    flat = norm(seed.replace("$\\geq", "≥").replace("\\%", "%").replace("$", ""))
    for spec in S.load("provincial-2017").indicators:
        assert spec.rule and norm(spec.rule) in flat, spec.name
        assert spec.parsed is not None and spec.parsed.kind == "tiers", spec.name


def test_every_bundled_rule_parses_and_elements_cover_the_rule():
    for s in S.available():
        for spec in s.indicators:
            if spec.rule is None:
                continue
            assert spec.parsed is not None, spec.name
            top = spec.parsed.max_element()
            assert top is None or top <= len(spec.elements), spec.name


# ---------------------------------------------------------------------------
# Look-ups and grades
# ---------------------------------------------------------------------------


def test_indicator_lookup_tolerates_brackets_spaces_breaks_and_numbering():
    m = S.load("municipal")
    target = m.indicator("资格审核（含复审）规范性")
    for variant in ("资格审核(含复审)规范性", "资格审核（含复\n审）规范性", " 资格审核 （含复审） 规范性 ",
                    "资格审核规范性", "1.资格审核（含复审）规范性", "（9）资格审核（含复审）规范性"):
        assert m.indicator(variant) is target, variant
    assert m.indicator("财务管理制度\n健全性").name == "财务管理制度健全性"
    assert m.indicator("预算执行情况") is None
    assert m.indicator("") is None and m.indicator(None) is None
    p = S.load("provincial-2017")
    assert p.indicator("管理有效性 (执行情况)").name == "管理有效性（执行情况）"
    assert p.indicator("管理有效性").name == "管理有效性（执行情况）"
    assert p.indicator("新项目节水量").name == "新项目节水"


def test_one_character_variants_only_through_aliases(tmp_path):
    text = MINIMAL + """\
  - name: 受益对象资质条件符合率
    level1: 产出目标
    target: "100%"
"""
    plain = S.load(write(tmp_path, text))
    assert plain.indicator("受益对象资质条件符合率") is not None
    assert plain.indicator("收益对象资质条件符合率") is None
    aliased = S.load(write(tmp_path, text + "    aliases: [收益对象资质条件符合率]\n", "b.yaml"))
    assert aliased.indicator("收益对象资质条件符合率").name == "受益对象资质条件符合率"


def test_level_lookup_strips_weights():
    p = S.load("provincial-2017")
    assert p.level1_named("项目管理 (28)").name == "项目管理"
    assert p.level1_named("项目绩效(55)").name == "项目绩效"
    assert p.level2_named("直接形成产品、服务等(8分)").name == "直接形成产品、服务等"
    assert p.level2_named("配套资金", level1="项目绩效") is None
    m = S.load("municipal")
    assert m.level1_named("投入和\n管理目\n标").name == "投入和管理目标"


@pytest.mark.parametrize("total,grade", [(100, "优秀"), (90, "优秀"), (89.99, "良好"), (80, "良好"),
                                         (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"), (-1, "差")])
def test_municipal_grades(total, grade):
    assert S.load("municipal").grade(total) == grade


@pytest.mark.parametrize("total,grade", [(95, "优"), (90, "优"), (89.5, "良"), (80, "良"), (79, "中"),
                                         (70, "中"), (69, "低"), (60, "低"), (59.9, "差")])
def test_provincial_grades(total, grade):
    assert S.load("provincial-2017").grade(total) == grade


def test_grade_named_uses_aliases():
    m = S.load("municipal")
    assert m.grade_named("优").name == "优秀"
    assert m.grade_named(" 优秀 ").name == "优秀"
    assert m.grade_named("甲等") is None
    assert S.load("provincial-2017").grade_named("良好").name == "良"
    assert m.grade_bands_text() == "优秀 ≥90、良好 80–90、中 60–80、差 <60"


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


def test_detect_municipal_from_seed_first_level_names():
    # as seeds 000/002 print them: wrapped over several lines
    names = ["投入和\n管理目\n标", "产出目\n标", "效果目\n标", "影响力\n目标"]
    assert S.detect(names, []).id == "municipal"
    assert S.detect(names, ["预算执行率", "奖补计划完成率", "政策公开公示率"]).id == "municipal"


def test_detect_provincial_from_seed_004():
    names = ["项目管理 (28)", "(28)", "(17)", "项目绩效(55)", "项目绩效社会效益 (55)"]
    indicators = ["资金到位率", "资金到位及时性", "资金支出率", "财政投入乘数", "盈利率"]
    assert S.detect(names, indicators).id == "provincial-2017"
    assert S.detect(["项目管理", "项目进度与执行", "项目绩效"], []).id == "provincial-2017"
    assert S.detect([], indicators).id == "provincial-2017"


def test_detect_needs_two_matches():
    assert S.detect(["决策", "过程", "产出", "效益"], ["培训人数"]) is None
    assert S.detect([], ["预算执行率"]) is None
    assert S.detect([], []) is None


def test_detect_prefers_the_better_fit_and_considers_own_schemes(tmp_path):
    own = S.load(write(tmp_path, MINIMAL))
    both = [S.load("municipal"), own]
    names = ["投入和管理目标", "产出目标", "效果目标", "影响力目标"]
    # the municipal scheme knows more of the indicators
    assert S.detect(names, ["预算执行率", "预算编制合理性", "信息公开情况"], both).id == "municipal"
    assert S.detect(names, ["信息公开情况"], [own]).id == "test-bureau"


# ---------------------------------------------------------------------------
# Lint
# ---------------------------------------------------------------------------


def test_lint_reports_top_bands_of_seed_004():
    lines = S.lint(S.load("provincial-2017"))
    text = "\n".join(lines)
    line = next(line for line in lines if "「财政投入乘数」" in line)
    assert "权重 5 分" in line and "只给 4 分" in line
    for name, weight, top in (("盈利率", 4, 3), ("新增就业机会", 4, 3), ("新增利税", 4, 3), ("技术规范和成果", 2, 4)):
        line = next(line for line in lines if f"「{name}」" in line and "最高档" in line)
        assert f"权重 {weight} 分" in line and f"{top} 分" in line
    assert "「产量和质量」" in text and "条件相同" in text
    assert "「基础设施」" in text and "2-1分" in text
    assert "资金到位率" not in text


def test_lint_reports_checklists_over_100_percent():
    lines = S.lint(S.load("municipal"))
    assert len(lines) == 1
    assert "「项目管理制度健全性」" in lines[0] and "125%" in lines[0]


def test_lint_weights_within_a_level2(tmp_path):
    text = """\
id: grouped
title: 分二级的体系
level1:
  - {name: 管理, weight: 40}
  - {name: 绩效, weight: 60}
level2:
  - {name: 资金, weight: 20, level1: 管理}
  - {name: 组织, weight: 10, level1: 管理}
  - {name: 效益, weight: 60, level1: 绩效}
  - {name: 空组, weight: 0.5, level1: 绩效}
grades:
  - {name: 合格, min: 60}
  - {name: 不合格, min: 0}
qualitative_bands:
  achieved: [85, 100]
  partly: [60, 80]
  not_achieved: [0, 60]
indicators:
  - {name: 资金到位率, level1: 管理, level2: 资金, weight: 12, rule: 全额到位得满分；到位率≥70%得分减半；70%以下不得分。}
  - {name: 支出率, level1: 管理, level2: 资金, weight: 7, target: "100%"}
  - {name: 制度, level1: 管理, level2: 组织, weight: 10, target: 健全}
  - {name: 效益甲, level1: 绩效, level2: 效益, weight: 60, target: 提升}
  - {name: 散项, level1: 绩效}
  - name: 要素项
    level1: 绩效
    level2: 效益
    elements: [甲, 乙]
    rule: 业绩值为3得满分，每降低1扣权重分的1/3，扣完为止
"""
    lines = S.lint(S.load(write(tmp_path, text)))
    text_out = "\n".join(lines)
    assert "二级指标「资金」权重 20，其三级指标权重之和为 19" in text_out
    assert "一级指标「管理」权重 40，其二级指标权重之和为 30" in text_out
    assert "一级指标「绩效」权重 60，其二级指标权重之和为 60.5" in text_out
    assert "二级指标「空组」下没有三级指标" in text_out
    assert "没有写 level2：散项" in text_out
    assert "「散项」既没有评分标准" in text_out
    assert "按 3 个要素计满分，elements 却列了 2 个" in text_out
    assert "qualitative_bands" in text_out
    assert "「资金到位率」" not in text_out


# ---------------------------------------------------------------------------
# Broken files
# ---------------------------------------------------------------------------


def broken(tmp_path: Path, old: str, new: str) -> S.SchemeError:
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new), "坏的体系.yaml")
    with pytest.raises(S.SchemeError) as info:
        S.load(path)
    message = str(info.value)
    assert "坏的体系.yaml" in message
    assert all("坏的体系.yaml" in line for line in message.splitlines())
    return info.value


def test_minimal_file_loads(tmp_path):
    s = S.load(write(tmp_path, MINIMAL))
    assert s.id == "test-bureau" and not s.bundled
    assert s.qualitative_bands == S.DEFAULT_BANDS
    assert s.indicator("信息公开情况").parsed.kind == "count"
    assert S.lint(s) == []


def test_bad_weight_sum(tmp_path):
    err = broken(tmp_path, "{name: 影响力目标, weight: 10}", "{name: 影响力目标, weight: 5}")
    assert "一级指标权重之和应为 100，现为 95" in str(err)
    assert "level1" in str(err)


def test_unknown_level1(tmp_path):
    err = broken(tmp_path, "    level1: 投入和管理目标\n", "    level1: 投入管理\n")
    assert "indicators 第 1 项「信息公开情况」的 level1" in str(err)
    assert "“投入管理” 不在 level1 中" in str(err)


def test_element_number_beyond_the_list(tmp_path):
    err = broken(tmp_path, "rule: 业绩值为3得满分，每降低1扣除权重分的1/3，扣完为止",
                 "rule: 具备1个要素得20%权重分。如果缺要素4或缺要素5本指标不得分。")
    assert "「信息公开情况」的 rule" in str(err)
    assert "要素5" in str(err) and "只列了 3 个" in str(err)


def test_unparseable_rule(tmp_path):
    err = broken(tmp_path, "rule: 业绩值为3得满分，每降低1扣除权重分的1/3，扣完为止", "rule: 由专家综合打分")
    assert "评分标准无法识别" in str(err) and "由专家综合打分" in str(err)


def test_problems_are_all_reported_with_lines(tmp_path):
    text = MINIMAL.replace("{name: 影响力目标, weight: 10}", "{name: 影响力目标, weight: 5}") \
        .replace("    level1: 投入和管理目标\n", "    level1: 投入管理\n    weigth: 2\n")
    with pytest.raises(S.SchemeError) as info:
        S.load(write(tmp_path, text))
    problems = info.value.problems
    assert len(problems) == 3
    assert any(p.startswith("第 3 行") and "权重之和" in p for p in problems)
    assert any("不认识的键 weigth（是不是 weight？）" in p for p in problems)


@pytest.mark.parametrize("old,new,expected", [
    ("  - {name: 差, min: 0}\n", "", "最低一档的 min 应为 0"),
    ("{name: 良好, min: 80}", "{name: 良好, min: 95}", "从高到低排列"),
    ("id: test-bureau\n", "", "缺少必填的键 id"),
    ("{name: 产出目标, weight: 40}", "{name: 产出目标, weight: 四十}", "应为数字"),
    ("    level1: 投入和管理目标\n", "    level1: 投入和管理目标\n    direction: up\n", "direction"),
    ("    level1: 投入和管理目标\n", "    level1: 投入和管理目标\n    fund_row: budget\n", "fund_row"),
    ("    level1: 投入和管理目标\n", "    level1: 投入和管理目标\n    level2: 资金\n", "二级指标 “资金” 不在 level2 中"),
    ("elements: [公示的信息全面完整,", "elements: [公示的方式遵循相关规定,", "与前面的要素重复"),
    ("title: 测试局指标体系\n", "title: 测试局指标体系\ntitle: 又一个\n", "键 title 在同一处写了两次"),
    ("title: 测试局指标体系\n", "title: [未闭合\n", "不是有效的 YAML"),
    ("id: test-bureau\n", "id: test bureau\n", "不能含空格"),
])
def test_other_validation_errors(tmp_path, old, new, expected):
    err = broken(tmp_path, old, new)
    assert expected in str(err)


def test_duplicate_names_between_indicators(tmp_path):
    text = MINIMAL + """\
  - name: 信息公开
    aliases: [信息公开情况]
    level1: 投入和管理目标
"""
    with pytest.raises(S.SchemeError, match="与指标「信息公开情况」重复"):
        S.load(write(tmp_path, text))


def test_empty_missing_and_unknown(tmp_path):
    with pytest.raises(S.SchemeError, match="文件是空的"):
        S.load(write(tmp_path, "# 只有注释\n"))
    with pytest.raises(S.SchemeError, match="找不到这个文件"):
        S.load(tmp_path / "没有这个.yaml")
    with pytest.raises(S.SchemeError, match="municipal、national-2020、provincial-2017"):
        S.load("county")


# ---------------------------------------------------------------------------
# Docs and CLI
# ---------------------------------------------------------------------------


def test_docs_explain_every_key_and_their_example_loads(tmp_path):
    doc = DOCS.read_text(encoding="utf-8")
    keys = {*keys_of(), *keys_of(("level1",)), *keys_of(("level2",)), *keys_of(("grades",)),
            *keys_of(("indicators",)), *keys_of(("indicators", "elements")), *S.BAND_KEYS, *S.FUND_ROWS,
            *S.DIRECTIONS}
    for key in keys:
        assert f"`{key}`" in doc, key
    example = re.search(r"## 一个最小的例子\s+```yaml\n(.*?)```", doc, re.S).group(1)
    s = S.load(write(tmp_path, example))
    assert s.indicator("收益对象资质条件符合率").name == "受益对象资质条件符合率"


def test_cli_lists_schemes_id_first():
    result = run_cli("schemes")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["municipal", "national-2020", "provincial-2017"]
    assert "市级项目支出绩效自评价" in lines[0] and "14 个指标" in lines[0]
    assert "优秀 ≥90、良好 80–90、中 60–80、差 <60" in lines[0]
    assert "财预〔2020〕10号" in lines[1] and "优 ≥90、良 80–90、中 60–80、差 <60" in lines[1]
    assert "32 个指标" in lines[2] and "优 ≥90、良 80–90、中 70–80、低 60–70、差 <60" in lines[2]


def test_cli_lint():
    result = run_cli("schemes", "--lint")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(line.startswith(("municipal: ", "provincial-2017: ", "national-2020: ")) for line in lines)
    assert any(line.startswith("provincial-2017: 「财政投入乘数」权重 5 分") for line in lines)
    assert any(line.startswith("municipal: 「项目管理制度健全性」") for line in lines)


def test_cli_own_file(tmp_path):
    good = write(tmp_path, MINIMAL)
    result = run_cli("schemes", "--file", good)
    assert result.exit_code == 0
    assert result.stdout.startswith("test-bureau  测试局指标体系  1 个指标  等级：优秀 ≥90")
    result = run_cli("schemes", "--file", good, "--lint")
    assert result.exit_code == 0 and result.stdout.strip() == "test-bureau: 未发现问题"


def test_cli_broken_file_exits_2(tmp_path):
    bad = write(tmp_path, MINIMAL.replace("weight: 10}", "weight: 11}"), "坏的体系.yaml")
    for args in (("schemes", "--file", bad), ("schemes", "--lint", "--file", bad)):
        result = run_cli(*args)
        assert result.exit_code == 2
        assert result.exception is None
        assert "坏的体系.yaml" in result.stderr and "一级指标权重之和应为 100，现为 101" in result.stderr
        assert result.stdout == ""


def test_cli_help_is_chinese():
    result = run_cli("schemes", "-h")
    assert result.exit_code == 0
    assert "列出指标体系" in result.stdout and "--lint" in result.stdout and "--file" in result.stdout


def test_bundled_json_is_current_with_the_yaml_files():
    # make schemes regenerates it; a check reads the bundled schemes from it
    assert S.BUNDLED_JSON.read_text(encoding="utf-8") == S.bundled_json_text(), "run: make schemes"


@pytest.mark.parametrize("scheme_id", S.bundled_ids())
def test_a_bundled_scheme_from_json_equals_the_one_from_yaml(scheme_id):
    path = S.SCHEME_DIR / f"{scheme_id}.yaml"
    assert _bundled_data(path) is not None
    import dataclasses

    from_json, from_yaml = _load_bundled(scheme_id), S.load_file(path)  # Scheme compares by identity
    for item in dataclasses.fields(from_yaml):
        assert getattr(from_json, item.name) == getattr(from_yaml, item.name), item.name


def test_an_edited_bundled_yaml_is_read_itself_not_from_the_stale_json(tmp_path):
    source = S.SCHEME_DIR / "municipal.yaml"
    assert _bundled_data(source) is not None
    edited = tmp_path / "municipal.yaml"
    edited.write_text(source.read_text(encoding="utf-8").replace("title:", "title: ", 1), encoding="utf-8")
    assert _bundled_data(edited) is None


def test_a_check_neither_imports_nor_parses_yaml():
    import subprocess

    sample = next((ROOT / "samples").glob("*.xlsx"))
    code = ("import sys; from xlscore.pipeline import check_file; r = check_file(sys.argv[1]); "
            "assert r.status != 'error', r.error; assert 'yaml' not in sys.modules, 'yaml imported'")
    subprocess.run([sys.executable, "-c", code, str(sample)], check=True, cwd=ROOT)


def test_a_quoted_number_and_a_date_are_read_as_written(tmp_path):
    text = MINIMAL.replace("{name: 产出目标, weight: 40}", '{name: 产出目标, weight: "40"}') \
        .replace("title: 测试局指标体系\n", "title: 测试局指标体系\nsource: 2023-05-10\n")
    s = S.load(write(tmp_path, text))
    assert s.level1[1].weight == 40 and s.source == "2023-05-10"


def test_every_part_of_a_wrong_indicator_is_checked(tmp_path):
    text = MINIMAL.replace("    level1: 投入和管理目标\n", "    level1: 投入管理\n    direction: up\n") \
        .replace("rule: 业绩值为3得满分，每降低1扣除权重分的1/3，扣完为止", "rule: 由专家综合打分")
    with pytest.raises(S.SchemeError) as info:
        S.load(write(tmp_path, text))
    said = info.value.problems
    assert len(said) == 3, said
    assert any("“投入管理” 不在 level1 中" in p for p in said)
    assert any("的 direction：只能是 higher" in p for p in said)
    assert any("评分标准无法识别" in p for p in said)
    assert all(re.match(r"第 \d+ 行，indicators 第 1 项「信息公开情况」的 ", p) for p in said)
