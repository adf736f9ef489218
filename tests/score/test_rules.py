"""Every rule phrase of the seeds, parsed and scored, caps included."""

import pytest

from xlscore.score.row import score_row
from xlscore.score.rules import (
    CountRule,
    ElementsRule,
    LinearRule,
    RuleUnparsed,
    TargetRule,
    TiersRule,
    parse,
)

from conftest import indicator_row

row = indicator_row


class Spec:
    def __init__(self, elements=(), rule=None, fund_row=None, target=None, direction=None):
        self.elements = list(elements)
        self.rule = rule
        self.fund_row = fund_row
        self.target = target
        self.direction = direction


LINEAR = "业绩值为 100%得满分，每降低 1%扣权重分的 1%，扣完为止"


def test_linear_parsed():
    rule = parse(LINEAR)
    assert isinstance(rule, LinearRule) and (rule.full, rule.step, rule.deduct) == (100, 1, 1)


@pytest.mark.parametrize("actual,expected", [("107.49%", 2.22), ("100%", 2.22), ("89.68%", 1.99), ("0%", 0.0), ("50%", 1.11)])
def test_linear_scores_and_caps(actual, expected):
    assert score_row(row(2.22, actual, LINEAR), None, None, None).review == expected


def test_linear_note_says_capped():
    note = score_row(row(2.22, "107.49%", LINEAR), None, None, None).note
    assert "107.49%" in note and "上限" in note


def test_linear_from_fund_row_flags_conflict():
    spec = Spec(fund_row="execution_rate")
    fund = {"execution_rate": {"total": 89.68}}
    scored = score_row(row(2.22, "100%", LINEAR), spec, None, fund)
    assert scored.fund_conflict == (100.0, 89.68)
    assert scored.review == round(2.22 * 0.8968, 2)


@pytest.mark.parametrize("text,full,deduct", [
    ("业绩值为 3得满分，每降低 1扣权重分的33.33%，扣完为止。", 3, 1 / 3),
    ("业绩值为 3得满分，每降低 1扣除权重分的 1/3，扣完为止", 3, 1 / 3),
    ("业绩值为3得满分，每降低1扣权重分的33.33%（或1/3），扣完为止", 3, 1 / 3),
])
def test_count_rules(text, full, deduct):
    rule = parse(text)
    assert isinstance(rule, CountRule) and rule.full == full and rule.deduct == pytest.approx(deduct)


def test_count_scores_seed000_financial_monitoring():
    elements = ["已制定或具有相应的财务监控机制", "采取了相应的财务检查等必要的监控措施或手段，对资金使用进行监控",
                "按项目进行成本核算，以及项目成本差异情况"]
    actual = "已制定或具有相应的财务监控机制;采取了相应的财务检查等必要的监控措施或手段，对资金使用进行监控"
    scored = score_row(row(2.22, actual, "业绩值为 3得满分，每降低 1扣权重分的33.33%，扣完为止。"), Spec(elements), None, None)
    assert scored.review == 1.48
    assert "要素3" in scored.note


@pytest.mark.parametrize("text,weights,each,veto", [
    ("具备要素1得30%权重分，具备要素 2得 30%权重分，具备要素 3得 40%权重分。", {1: 30, 2: 30, 3: 40}, None, ()),
    ("具备要素 1得50%，其余要素每符合一项增加6.25%", {1: 50}, 6.25, ()),
    ("具备 1个要素得20%权重分。如果缺要素 4或缺要素 5本指标不得分。", {}, 20, (4, 5)),
    ("具备一个得分要素得 25%权重分。", {}, 25, ()),
    ("具备要素 1~8 得6.25%，具备要素9得 50%", {**{i: 6.25 for i in range(1, 9)}, 9: 50}, None, ()),
    ("具备要素1得50%权重分，其余要素每符合一项得25%权重分。", {1: 50}, 25, ()),
])
def test_element_rules(text, weights, each, veto):
    rule = parse(text)
    assert isinstance(rule, ElementsRule)
    assert rule.weights == weights and rule.each == each and rule.veto == veto


FIVE = ["不存在截留、挤占、挪用、虚列支出等情况", "符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定",
        "符合项目预算批复或合同规定的用途", "项目的重大开支经过评估认证", "预算资金的拨付有完整的审批程序和手续"]
VETO = "具备 1个要素得20%权重分。如果缺要素 4或缺要素 5本指标不得分。"


def test_veto_element_missing_gives_zero():
    actual = ";".join(FIVE[:4])
    scored = score_row(row(2.22, actual, VETO), Spec(FIVE), None, None)
    assert scored.review == 0.0 and "要素5" in scored.note


def test_veto_all_present_full():
    assert score_row(row(2.22, ";".join(FIVE), VETO), Spec(FIVE), None, None).review == 2.22


def test_elements_over_100_capped():
    rule = "具备要素1得50%权重分，其余要素每符合一项得25%权重分。"
    elements = ["甲制度具备可操作性", "乙内容完整覆盖对象", "丙具备完善退出机制", "丁具备合法合规的管理办法"]
    scored = score_row(row(2.24, ";".join(elements), rule), Spec(elements), None, None)
    assert scored.review == 2.24 and "上限" in scored.note


def test_elements_paraphrase_matched():
    elements = ["项目管理制度（机制）具备可操作性",
                "项目管理制度（机制）内容完整，覆盖明确的政策对象、政策标准、项目申报要求、审核要求、结果公开等基本内容",
                "具备完善退出机制、应急机制、档案资料管理制度或机制", "具备适用于本项目的合法合规的管理制度、办法或方案"]
    actual = ("项目管理制度（机制）具备可操作性;项目管理制度（机制）内容完整，覆盖明确的工作计划、工作方法、进度计划、"
              "人员配置及项目质量要求或标准;具备适用于本项目的合法合规的管理制度、办法或方案")
    scored = score_row(row(2.24, actual, "具备要素1得50%权重分，其余要素每符合一项得25%权重分。"), Spec(elements), None, None)
    assert scored.review == 2.24
    assert "要素3" in scored.note  # the one not listed is named


def test_contract_nine_elements_weighted():
    rule = "具备要素 1~8 得6.25%，具备要素9得 50%"
    elements = [f"合同条款{i}明确清晰完整" for i in "一二三四五六七八"] + ["合同双方按照合约定履行"]
    only_eight = "；".join(elements[:8])
    assert score_row(row(2.22, only_eight, rule), Spec(elements), None, None).review == 1.11
    assert score_row(row(2.22, "；".join(elements), rule), Spec(elements), None, None).review == 2.22


TIER_ARRIVAL = "全额到位得满分；到位率 ≥70% 得分减半；70%以下不得分。"


@pytest.mark.parametrize("actual,expected", [("100%", 3.0), ("99.99%", 1.5), ("70%", 1.5), ("69.99%", 0.0)])
def test_tier_arrival_boundaries(actual, expected):
    assert score_row(row(3, actual, TIER_ARRIVAL), None, None, None).review == expected


MULTIPLIER = "财政投入乘数 ≥ 50 : 4分; 20-50: 3分; 10-20: 2分; 0-10: 0-1分"


@pytest.mark.parametrize("actual,self_score,expected", [
    ("50", None, 4), ("49.9", None, 3), ("20", None, 3), ("19.9", None, 2), ("10", None, 2),
    ("5", 0.5, 0.5), ("5", 2, 1), ("5", None, 0),
])
def test_tier_multiplier_boundaries(actual, self_score, expected):
    assert score_row(row(5, actual, MULTIPLIER, self_score=self_score), None, None, None).review == expected


def test_tier_top_band_below_weight():
    assert parse(MULTIPLIER).top_points(5) == 4


PROGRESS = ("根据是否按计划进度时间完成任务分为3级：按时完成项目(年度)计划任务的90%以上，4分；按时完成任务占计划任务的60~90%"
            "(不含90%)，2-3分；按时完成任务不足计划任务的60%，0-1分")


@pytest.mark.parametrize("actual,self_score,expected", [
    ("95%", None, 4), ("90%", None, 4), ("89.9%", 3, 3), ("89.9%", 4, 3), ("60%", 1, 2), ("59%", None, 0), ("59%", 1, 1),
])
def test_tier_progress_boundaries(actual, self_score, expected):
    assert score_row(row(4, actual, PROGRESS, self_score=self_score), None, None, None).review == expected


LEVELS = "根据公开情况分为好、中、差3级,分值分别为3分、1-2分、0分"


@pytest.mark.parametrize("actual,self_score,expected", [("好", None, 3), ("中", 2, 2), ("中", 3, 2), ("差", 1, 0)])
def test_tier_levels(actual, self_score, expected):
    assert score_row(row(3, actual, LEVELS, self_score=self_score), None, None, None).review == expected


def test_tier_band_above_weight_capped():
    rule = ("根据平台运行所需要的系列技术规范和标准制定与否则完成的数量及技术水平等,评估标准分为3级:制定有科学、实用的规程和标准体系,4分;"
            "制定有常用的规程和标准,2-3分;没有制定或仅制定部分规程和标准,0-1分")
    assert score_row(row(2, "制定有科学、实用的规程和标准体系", rule), None, None, None).review == 2


@pytest.mark.parametrize("target,actual,weight,expected", [
    ("≥7%", "17.1%", 6, 6), ("=100%", "100%", 10, 10), ("800", "900", 8, 8), ("800", "600", 8, 6),
    ("≤5%", "4%", 5, 5), ("≤5%", "10%", 5, 2.5), ("90%", "100%", 6, 6), ("3", "4", 8, 8),
])
def test_quantitative_targets(target, actual, weight, expected):
    assert score_row(row(weight, actual, None, target=target), None, None, None).review == expected


def test_target_too_low_flagged():
    assert score_row(row(6, "17.4%", None, target="3%"), None, None, None).too_low == pytest.approx(5.8)


@pytest.mark.parametrize("target,actual", [("及时", "及时"), ("有效", "有效"), ("提升", "显著提升"), ("平稳运行", "平稳运行"),
                                           ("完备", "完备"), ("畅通", "畅通")])
def test_qualitative_met(target, actual):
    scored = score_row(row(8, actual, None, target=target, self_score=8), None, None, None)
    assert scored.review == 8 and scored.manual is None


@pytest.mark.parametrize("target,actual,self_score,expected", [
    ("及时", "基本及时", 8, 6.4), ("及时", "基本及时", 5, 5.0), ("有效", "部分有效", 4, 4.8),
    ("及时", "未及时", 8, 4.8), ("及时", "不及时", 2, 2.0),
])
def test_qualitative_bands(target, actual, self_score, expected):
    scored = score_row(row(8, actual, None, target=target, self_score=self_score), None, None, None)
    assert scored.manual is not None and scored.review == expected


def test_unparseable_rule_never_scores():
    with pytest.raises(RuleUnparsed):
        parse("视情况给分")
    scored = score_row(row(5, "好", "视情况给分", self_score=5), None, None, None)
    assert scored.review is None and scored.unparsed == "视情况给分"


def test_empty_rule_is_target_rule():
    assert isinstance(parse(""), TargetRule) and isinstance(parse(None), TargetRule)


def test_all_seed004_rules_parse():
    rules = [
        "资金及时到位得满分；拖延半年以内酌情扣分；拖延半年及以上不得分。",
        "全额支出得满分，50%—99%：2分；50%以下：0分。",
        "支出内容与立项计划内容相符得满分；部分内容不相符得分减半。",
        "支出合法合规得满分，财政、审计有问题酌情扣分。",
        "管理制度健全得满分；基本健全：2分，不健全：0分。",
        "全面执行制度得满分，执行不到位扣分。",
        "盈利率 ≥20%: 3分; 10%-20%: 2分; 0-10%: 1分; 亏损: 0分。",
        "万元财政投入新增就业机会 ≥ 5 人: 3分; 1-4人: 1-2分; 未安排: 0分。",
        "项目单位产品节电率 ≥30%: 2分; 0-30%: 0-1分。",
        "实际新增销售收入达到阶段性目标得满分, 否则酌情扣分。",
        "开发新产品：开发国家级重点新产品：4分；省级高 新技术产品或新产品：1-3分；未开发：0分。",
    ]
    for text in rules:
        assert isinstance(parse(text), TiersRule), text


def test_basic_sound_tier():
    rule = "管理制度健全得满分；基本健全：2分，不健全：0分。"
    assert score_row(row(3, "基本健全", rule), None, None, None).review == 2
    assert score_row(row(3, "不健全", rule), None, None, None).review == 0
    assert score_row(row(3, "健全", rule), None, None, None).review == 3


def test_loss_word_tier():
    rule = "盈利率 ≥20%: 3分; 10%-20%: 2分; 0-10%: 1分; 亏损: 0分。"
    assert score_row(row(4, "亏损", rule), None, None, None).review == 0
    assert score_row(row(4, "25%", rule), None, None, None).review == 3
