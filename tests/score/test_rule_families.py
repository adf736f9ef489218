"""The rule families as other cities word them (issue 23): every actual → score pair worked by hand.

Weights are chosen so the figures are easy to check: a tier of 得一半 on weight 10 is 5, and so on.
"""

from __future__ import annotations

import dataclasses

import pytest

from xlscore.pipeline import check_file
from xlscore.score import scheme as scheme_mod
from xlscore.score.row import score_row
from xlscore.score.rules import LinearRule, ProportionalRule, TargetMetRule, TiersRule, parse

from conftest import ROOT, indicator_row, set_cells

row = indicator_row


def review(weight, actual, rule=None, target="", self_score=None, name="指标", scheme=None):
    return score_row(row(weight, actual, rule, target, self_score, name), None, scheme, None)


# --- tiers: cut at their scores, whatever the punctuation -----------------------------------------

SATISFACTION = "满意度≥90%得满分，80%-90%得一半，80%以下不得分"


def test_three_tiers_stay_three():
    rule = parse(SATISFACTION)
    assert isinstance(rule, TiersRule) and len(rule.tiers) == 3
    assert [t.fraction for t in rule.tiers] == [1.0, 0.5, 0.0]


def test_satisfaction_tiers():
    # ≥ closes 90 into the top tier; 80 is shared by 80%-90% and 80%以下, both silent: the better tier;
    # a fraction in a plain cell is a percent
    actuals = ("95%", "90%", "85%", "80%", "79.9%", "0.85")
    assert [review(10, a, SATISFACTION).review for a in actuals] == [10, 10, 5, 5, 0, 5]


@pytest.mark.parametrize("text", [
    "满意度≥90%得满分；80%-90%得一半；80%以下不得分",
    "满意度≥90%得满分;80%-90%得一半;80%以下不得分。",
    "满意度≥90%得满分、80%-90%得一半、80%以下不得分",
    "满意度≥90%得满分\n80%-90%得一半\n80%以下不得分",
    "满意度≥90%得满分80%-90%得一半80%以下不得分",
    "满意度≥90%：得满分；80%-90%：得一半；80%以下：不得分",
    "满意度≥90%:满分,80%～90%:得分减半,80%以下:0分",
])
def test_tiers_in_any_punctuation(text):
    assert [review(10, a, text).review for a in ("92%", "85%", "70%")] == [10, 5, 0]


@pytest.mark.parametrize("actual,expected", [("95%", 5), ("90%", 5), ("85%", 3), ("80%", 3), ("75%", 0)])
def test_point_tiers_on_lines_with_colons(actual, expected):
    assert review(5, actual, "≥90%：5分\n80%-90%：3分\n80%以下：0分").review == expected


def test_closed_and_open_marks():
    rule = "满意度≥90%得满分；80%（含）-90%（不含）得一半；不足80%不得分"
    actuals = ("90%", "89.99%", "80%", "79.99%", "60%")
    assert [review(10, a, rule).review for a in actuals] == [10, 5, 5, 0, 0]


@pytest.mark.parametrize("actual,expected", [("90%", 10), ("85%", 6), ("80%", 6), ("79%", 0)])
def test_share_of_weight_tier(actual, expected):
    assert review(10, actual, "90%以上得满分、80%-90%得权重分的60%、80%以下不得分").review == expected


def test_two_sided_conditions():
    rule = "80%≤完成率<90%得3分；完成率≥90%得5分；完成率<80%不得分"
    actuals = ("90%", "89.9%", "80%", "79.99%")
    assert [review(5, a, rule).review for a in actuals] == [5, 3, 3, 0]


def test_conditions_written_in_points():
    # 80-90分 is the condition, 得3分 the score: a range of points followed by 得 is no score
    actuals = ("95", "90", "85", "80", "79")
    assert [review(5, a, "满意度90分（含）以上得满分，80-90分得3分，80分以下不得分").review for a in actuals] == [5, 5, 3, 3, 0]


def test_lower_is_better_tiers_silent_edges_go_to_the_better_tier():
    actuals = ("0.5%", "1%", "2%", "3%", "3.5%")
    assert [review(10, a, "投诉率1%以下得满分，1%-3%得一半，3%以上不得分").review for a in actuals] == [10, 10, 5, 5, 0]


def test_nested_tiers_and_a_closed_edge():
    # ≤3% holds ≤1%: the narrower tier wins; ≤ closes 3 against the silent 3%以上
    actuals = ("0.5%", "3%", "3.1%")
    assert [review(10, a, "投诉率≤1%得满分；≤3%得一半；3%以上不得分").review for a in actuals] == [10, 5, 0]


def test_tier_that_cannot_be_placed_is_manual_without_a_score():
    scored = review(5, "70%", "≥90%得满分；80%-90%得3分", self_score=5)
    assert scored.review is None and scored.manual == (0.0, 5)
    assert "无法对应" in scored.note


# --- linear deduction per unit ------------------------------------------------------------------

@pytest.mark.parametrize("actual,expected", [("100%", 5), ("95%", 4.5), ("80%", 3), ("40%", 0)])
def test_points_per_percentage_point(actual, expected):
    rule = parse("完成率100%得满分，每低1个百分点扣0.1分")
    assert isinstance(rule, LinearRule) and rule.points and rule.full == 100
    assert review(5, actual, "完成率100%得满分，每低1个百分点扣0.1分").review == expected


@pytest.mark.parametrize("target,actual,expected", [("100%", "90%", 9), ("≥95%", "90%", 9.5), ("≥95%", "97%", 10)])
def test_percent_of_weight_against_the_target(target, actual, expected):
    # no threshold in the text: the row's target is the threshold
    assert review(10, actual, "每降低1%扣权重分的1%", target=target).review == expected


@pytest.mark.parametrize("actual,expected", [("10家", 5), ("12家", 5), ("8家", 3), ("2家", 0)])
def test_points_per_unit_short(actual, expected):
    assert review(5, actual, "每少1家扣1分，扣完为止", target="≥10家").review == expected


@pytest.mark.parametrize("actual,expected", [("4个工作日", 4), ("5个工作日", 4), ("7个工作日", 3), ("20个工作日", 0)])
def test_points_per_unit_over_a_deadline(actual, expected):
    rule = parse("每超1个工作日扣0.5分")
    assert isinstance(rule, LinearRule) and rule.over
    assert review(4, actual, "每超1个工作日扣0.5分", target="≤5个工作日").review == expected


def test_own_threshold_and_a_cap():
    rule = "5个工作日内完成得满分，每超1个工作日扣0.5分，最多扣2分"
    assert review(4, "7个工作日", rule).review == 3
    assert review(4, "10个工作日", rule).review == 2


def test_deduction_without_a_numeric_target_is_manual():
    scored = review(5, "8家", "每少1家扣1分，扣完为止", target="较上年增加", self_score=5)
    assert scored.review is None and scored.manual == (0.0, 5) and scored.unparsed is None


# --- proportional --------------------------------------------------------------------------------

@pytest.mark.parametrize("rule,target,actual,weight,expected", [
    ("按完成比例得分", "1000人", "800人", 10, 8),
    ("业绩值/目标值×权重", "≥50", "40", 6, 4.8),
    ("完成值/指标值×分值", "20", "25", 5, 5),  # at most the weight
    ("达到目标值得满分，否则按业绩值/目标值×权重计分", "90%", "81%", 10, 9),
    ("达到目标值得满分，否则按业绩值/目标值×权重计分", "90%", "95%", 10, 10),
    ("完成率100%得满分，低于100%的按实际完成比例计分", "", "75%", 8, 6),
    ("(实际完成数/计划数)×分值", "50", "45", 10, 9),
    ("实际完成值/计划完成值×100%×分值", "50", "45", 10, 9),
    ("按完成率×权重计分", "", "85%", 10, 8.5),
])
def test_proportional(rule, target, actual, weight, expected):
    assert isinstance(parse(rule), ProportionalRule)
    assert review(weight, actual, rule, target=target).review == expected


def test_proportional_without_a_target_is_manual():
    scored = review(10, "800人", "按完成比例得分", self_score=10)
    assert scored.review is None and scored.manual is not None


# --- all or nothing ------------------------------------------------------------------------------

ALL_OR_NOTHING = "达到目标值得满分，未达到不得分"


@pytest.mark.parametrize("target,actual,expected", [
    ("≥3", "2", 0), ("≥3", "3", 5), ("≥3个", "4个", 5), ("≤2天", "3天", 0), ("≤2天", "2天", 5),
])
def test_all_or_nothing(target, actual, expected):
    assert isinstance(parse(ALL_OR_NOTHING), TargetMetRule)
    assert review(5, actual, ALL_OR_NOTHING, target=target).review == expected


def test_all_or_nothing_other_wordings():
    assert review(5, "85%", "完成年度目标得满分，否则不得分", target="≥90%").review == 0
    assert review(5, "2", "达到或超过目标值得满分，未达到不得分", target="≥3").review == 0
    assert review(5, "3", "完成年度目标任务的得满分，未完成的不得分", target="≥3").review == 5
    assert review(5, "85%", "达到目标值的得满分，未达到的得分减半", target="≥90%").review == 2.5


# --- direction from the text, not the name -------------------------------------------------------

def test_cost_reduction_rate_with_its_own_operator_is_higher_is_better():
    scored = review(5, "12%", None, target="≥10%", self_score=5, name="企业服务成本降低率")
    assert scored.review == 5 and "越低越好" not in scored.note


@pytest.mark.parametrize("target,actual,name,expected", [
    ("不低于10%", "8%", "投诉下降率", 4),       # 不低于: higher is better, whatever 下降 says
    ("达到10%", "12%", "成本降低率", 5),
    ("控制在5%以内", "4%", "企业负担率", 5),     # 控制在…以内: lower is better
    ("控制在5%以内", "10%", "企业负担率", 2.5),
])
def test_direction_words_of_the_target(target, actual, name, expected):
    assert review(5, actual, None, target=target, name=name).review == expected


def test_name_decides_only_without_an_operator_and_says_so():
    scored = review(5, "4%", None, target="5%", name="群众投诉率")
    assert scored.review == 5 and "指标名称" in scored.note and "投诉率" in scored.note


@pytest.mark.parametrize("formula,expected", [("target_over_actual", 4.17), ("linear_to_double", 4.0)])
def test_lower_is_better_missed_follows_the_scheme(formula, expected):
    scheme = dataclasses.replace(scheme_mod.load("municipal"), lower_better_missed=formula)
    # target ≤5%, actual 6%: 5 × 5/6 = 4.17, or 5 × (10 − 6)/5 = 4.0
    assert review(5, "6%", None, target="≤5%", scheme=scheme).review == expected


def test_lower_better_missed_is_a_validated_scheme_setting(tmp_path):
    text = (ROOT / "xlscore" / "schemes" / "municipal.yaml").read_text(encoding="utf-8")
    assert "lower_better_missed: target_over_actual" in text
    own = tmp_path / "own.yaml"
    own.write_text(text.replace("id: municipal", "id: own").replace(
        "lower_better_missed: target_over_actual", "lower_better_missed: linear_to_double"), encoding="utf-8")
    assert scheme_mod.load(own).lower_better_missed == "linear_to_double"
    own.write_text(text.replace("id: municipal", "id: own").replace(
        "lower_better_missed: target_over_actual", "lower_better_missed: halve"), encoding="utf-8")
    with pytest.raises(scheme_mod.SchemeError, match="lower_better_missed"):
        scheme_mod.load(own)


# --- never silent ---------------------------------------------------------------------------------

def test_qualitative_that_cannot_be_banded_has_no_review_score():
    scored = review(8, "按计划推进", None, target="及时", self_score=8)
    assert scored.review is None and scored.manual == (0.0, 8)


# --- overshoot: one ratio for TARGET_TOO_LOW and OVERSHOOT_UNEXPLAINED -----------------------------

@pytest.mark.parametrize("actual,overshoot,too_low", [
    ("1290人", None, None), ("1300人", 1.3, None), ("1500人", 1.5, 1.5), ("1800人", 1.8, 1.8)])
def test_overshoot_and_too_low_share_one_ratio(actual, overshoot, too_low):
    scored = review(10, actual, None, target="≥1000人")
    assert scored.overshoot == (pytest.approx(overshoot) if overshoot else None)
    assert scored.too_low == (pytest.approx(too_low) if too_low else None)


def test_overshoot_measured_for_a_rule_row_too():
    assert review(10, "13家", "每少1家扣1分，扣完为止", target="≥10家").overshoot == pytest.approx(1.3)


def test_no_overshoot_for_lower_is_better():
    assert review(10, "2天", None, target="≤5天").overshoot is None


NATIONAL = ROOT / "samples" / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx"


def _national(tmp_path, edits):
    return check_file(set_cells(NATIONAL, tmp_path, "项目支出绩效自评表", edits)).to_dict()


def test_overshoot_without_a_reason_is_a_finding(tmp_path):
    report = _national(tmp_path, {"E13": "≥100处", "F13": "130处"})  # 维修养护工程处数, 偏差原因 I13 empty
    found = [f for f in report["findings"] if f["code"] == "OVERSHOOT_UNEXPLAINED"]
    assert [(f["cell"], f["indicator"]) for f in found] == [("I13", "维修养护工程处数")]
    assert "1.30 倍" in found[0]["message"]
    report = _national(tmp_path, {"E13": "≥100处", "F13": "130处", "I13": "汛后新增应急维修 30 处"})
    assert not [f for f in report["findings"] if f["code"] == "OVERSHOOT_UNEXPLAINED"]


def test_cost_reduction_rate_is_no_false_mismatch_in_a_workbook(tmp_path):
    report = _national(tmp_path, {"D13": "企业服务成本降低率", "E13": "≥10%", "F13": "12%", "G13": 10, "H13": 10})
    row13 = next(i for i in report["indicators"] if i["name"] == "企业服务成本降低率")
    assert row13["review_score"] == 10
    assert not [f for f in report["findings"] if f["code"] == "SCORE_MISMATCH" and f["cell"] == "H13"]


def test_all_or_nothing_with_discretion_below():
    rule = "达到目标值得满分，否则酌情扣分"
    assert review(5, "95%", rule, target="≥90%").review == 5
    scored = review(5, "85%", rule, target="≥90%", self_score=5)
    assert scored.review is None and scored.manual == (0.0, 5)


# --- deductions per event, single conditions, and what is refused (issue 23, the corpus's families) --

EVENTS = "发生聚众冲击国家机关，造成恶劣影响事件的，每起扣30分"


@pytest.mark.parametrize("actual, expected", [("0", 50), ("1", 20), ("2起", 0), ("未发生", 50)])
def test_points_per_event_from_a_count(actual, expected):
    assert review(50, actual, EVENTS).review == expected


@pytest.mark.parametrize("actual", ["发生过", "85%", "较少"])
def test_points_per_event_without_a_count_is_manual(actual):
    scored = review(50, actual, EVENTS)
    assert scored.review is None and scored.manual == (0.0, 50) and "起数" in scored.note


def test_events_of_different_weights_leave_a_band():
    # which kind the two events were the row does not say: the band of both readings, no score
    scored = review(20, "2", "发生枪支流失的，每起扣5分；造成严重后果的，每起扣10分")
    assert scored.review is None and scored.manual == (0.0, 10.0)
    scored = review(40, "1", "发生持枪作案的刑事案件，每起加扣5分，当年破案的减半扣分")
    assert scored.review is None and scored.manual == (35.0, 37.5)


CONDITION = "未建立综治实绩档案的，扣5分"


@pytest.mark.parametrize("actual, expected, band", [
    ("未建立综治实绩档案", 0, None),   # the case named: the points lost
    ("已建立综治实绩档案", 5, None),   # the contrary stated: kept
    ("档案", None, (0.0, 5)),           # neither: the reviewer's
])
def test_single_condition_deduction(actual, expected, band):
    scored = review(5, actual, CONDITION)
    assert parse(CONDITION).kind == "all_or_nothing"
    assert scored.review == expected and scored.manual == band


def test_single_condition_checked_by_its_figure_where_it_has_one():
    text = "辅助光源建设未达标，正常有效运行的监控点少于90%的，扣2分"
    assert review(2, "85%", text).review == 0
    # 95% passes the figure, but the other failings the text names cannot be checked from it
    scored = review(2, "95%", text)
    assert scored.review is None and scored.manual == (0.0, 2)


def test_threshold_from_the_text_when_the_row_has_no_target():
    text = "新进人员中35岁及以下的不低于80%的，得1分；每低1%，扣0.1分"
    assert review(1, "75%", text).review == 0.5
    assert review(1, "85%", text).review == 1
    # the row's own target, where it has one, stays the threshold
    assert review(1, "75%", text, target="≥70%").review == 1


def test_a_gap_either_way_from_the_plan():
    text = "实际完成情况与计划每相差3%,扣1分,扣满15分为止。"
    assert [review(15, a, text).review for a in ("91%", "109%", "100%", "10%")] == [12, 12, 15, 0]


def test_equal_to_a_value_is_its_own_tier():
    text = "预算调整率=0,计3分;0-10%(含),计2分;10-20%(含),计1分;20-30%(含),计0.5分;大于30%不得分。"
    assert [review(3, a, text).review for a in ("0%", "5%", "10%", "25%", "31%")] == [3, 2, 2, 0.5, 0]


def test_deductions_below_several_figures():
    text = "本省籍社区戒毒人员有效执行率低于80%、70%、60%的，分别扣1分、2分、3分"
    assert [review(3, a, text).review for a in ("85%", "80%", "75%", "65%", "50%")] == [3, 3, 2, 1, 0]


def test_numbered_checklist_with_points():
    text = "①制度健全,1分;②制度合法、合规、完整,1分;③制度得到有效执行,1分。"
    assert review(3, "制度健全；制度得到有效执行", text).review == 2


@pytest.mark.parametrize("text, why", [
    ("在《中央综治动态》上刊发的，每次加0.5分", "加分"),
    ("排名倒数第1名、第2名的分别计2分、1.9分，倒数第3名及以上的，每进1名扣0.1分", "名次"),
    ("①科级干部中35岁及以下的不低于20%的，得1分。每低1%，扣0.1分。②班子中35岁及以下的不低于30%的，得1分。每低1%，扣0.1分。",
     "多个分项"),
    ("完成50%及以上(IO)完成30%以上(8-9)完成10%及以上(6-7)", "缺少可辨认的分值"),
])
def test_texts_refused_with_their_reason(text, why):
    scored = review(2, "30%", text)
    assert scored.review is None and scored.unparsed and why in scored.note


def test_a_count_of_what_went_right_is_no_count_of_events():
    scored = review(4, "4个季度均按时报送", "每季度未按时报送的，每次扣1分")
    assert scored.review is None and scored.manual == (0.0, 4)
    assert review(4, "未按时报送1次", "每季度未按时报送的，每次扣1分").review == 3


def test_a_text_longer_than_any_rule_is_refused():
    """(The tier searches grow with a digit run's length: a cell of 30,000 digits took minutes.)"""
    from xlscore.score.rules import RuleUnparsed

    with pytest.raises(RuleUnparsed) as caught:
        parse("1" * 30000)
    assert "超过" in caught.value.why
