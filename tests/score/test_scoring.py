"""Seeds 000 and 002 scored row by row; weights, totals and grades; properties of the review."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlscore.pipeline import check_file

from conftest import (
    ROOT,  # noqa: E402
    edited_copy,
)

SEED000 = ROOT / "samples" / "原表版式_000_铝工业转型升级专项资金.xlsx"
SEED002 = ROOT / "samples" / "原表版式_002_企业服务活动专项经费.xlsx"
HAND002 = ROOT / "samples" / "手工录入_企业服务活动专项经费.xlsx"
HAND000 = ROOT / "samples" / "手工录入_铝工业转型升级专项资金_万元.xlsx"


def report(path, **kw):
    return check_file(path, **kw).to_dict()


def by_name(rep):
    return {i["name"]: i for i in rep["indicators"]}


def test_seed000_every_row():
    rep = report(SEED000)
    rows = by_name(rep)
    assert len(rows) == 21
    for name, ind in rows.items():
        # the rule gives 1.48 for 财务监控有效性 (2 of 3 elements listed); every other row follows its rule
        expected = 1.48 if name == "财务监控有效性" else ind["self_score"]
        assert ind["review_score"] == expected, (name, ind["review_note"])
    assert rows["预算执行率"]["review_score"] == 2.22 and "107.49%" in rows["预算执行率"]["review_note"]
    assert rep["totals"]["self_score"] == 100 and rep["totals"]["review_score"] == 99.26
    assert rep["totals"]["weight"] == 100
    mismatch = [f for f in rep["findings"] if f["code"] == "SCORE_MISMATCH"]
    assert [f.get("indicator") for f in mismatch] == ["财务监控有效性"]
    assert mismatch[0]["cell"] == "H8"
    too_low = {f["indicator"] for f in rep["findings"] if f["code"] == "TARGET_TOO_LOW"}
    assert too_low == {"铝及铝精深加工产业规模以上工业增加值", "铝材产量增长率"}
    assert not [f for f in rep["findings"] if f["code"] in ("WEIGHT_SUM", "TOTAL_MISMATCH", "RULE_UNPARSED")]


def test_seed002_every_row():
    rep = report(SEED002)
    rows = by_name(rep)
    assert len(rows) == 21
    for name, ind in rows.items():
        assert ind["review_score"] == ind["self_score"], (name, ind["review_note"])
    assert rep["totals"]["review_score"] == 100
    assert not [f for f in rep["findings"] if f["code"] in ("SCORE_MISMATCH", "WEIGHT_SUM", "TOTAL_MISMATCH")]


def test_hand_laid_score_like_their_seeds():
    for hand, seed in ((HAND002, SEED002), (HAND000, SEED000)):
        a, b = by_name(report(hand)), by_name(report(seed))
        assert {k: v["review_score"] for k, v in a.items()} == {k: v["review_score"] for k, v in b.items()}


def _edit(src, tmp_path, name, edit):
    return edited_copy(src, tmp_path, name, edit)


def test_weight_sum_total_and_grade(tmp_path):
    def edit(wb):
        ws = wb["自评价评分附件表"]
        ws["E3"] = 2.5  # 预算执行率 weight: 二级 6.66 no longer adds up
        ws["H24"] = 98  # stated 总计
        ws["H25"] = "良好"
    rep = report(_edit(SEED000, tmp_path, "w.xlsx", edit))
    codes = {(f["code"], f["cell"]) for f in rep["findings"]}
    assert ("WEIGHT_SUM", "C3") in codes
    assert ("TOTAL_MISMATCH", "H24") in codes


def test_score_over_weight(tmp_path):
    rep = report(_edit(SEED002, tmp_path, "o.xlsx", lambda wb: wb["自评价评分附件表"].__setitem__("H3", 3)))
    assert any(f["code"] == "SCORE_OVER_WEIGHT" and f["cell"] == "H3" for f in rep["findings"])
    assert by_name(rep)["预算执行率"]["review_score"] == 2.22


def test_rule_unparsed_named(tmp_path):
    rep = report(_edit(SEED002, tmp_path, "u.xlsx", lambda wb: wb["自评价评分附件表"].__setitem__("I3", "视情况给分")))
    hits = [f for f in rep["findings"] if f["code"] in ("RULE_UNPARSED", "RULE_SCHEME_CONFLICT")]
    assert hits and hits[0]["cell"] == "I3"


def test_source_missing(tmp_path):
    rep = report(_edit(SEED002, tmp_path, "s.xlsx", lambda wb: wb["自评价评分附件表"].__setitem__("J3", None)))
    assert any(f["code"] == "SOURCE_MISSING" and f["cell"] == "J3" for f in rep["findings"])


def test_execution_rate_follows_fund_table(tmp_path):
    # budget 2,070,000 but only 1,856,376 arrived: (6) = 89.68%, while 附表1 still says 100%
    def edit(wb):
        ws = wb["资金安排情况"]
        for col in "CDF":
            ws[f"{col}9"] = 1856376
        ws["C10"] = ws["D10"] = ws["F10"] = 1345343
    rep = report(_edit(SEED002, tmp_path, "f.xlsx", edit))
    assert rep["fund"]["execution_rate"]["total"] == 89.68
    hit = [f for f in rep["findings"] if f["code"] == "INDICATOR_FUND_MISMATCH"]
    assert hit and hit[0]["indicator"] == "预算执行率" and hit[0]["cell"] == "G3"
    assert by_name(rep)["预算执行率"]["review_score"] == round(2.22 * 0.8968, 2)


def _scores(rep):
    return sorted((i["name"], i["review_score"]) for i in rep["indicators"])


def test_renaming_sheets_changes_nothing(tmp_path):
    def edit(wb):
        for i, ws in enumerate(wb.worksheets):
            ws.title = f"表{i + 1}"
        wb.move_sheet(wb.worksheets[2], offset=-2)
    assert _scores(report(_edit(SEED000, tmp_path, "r.xlsx", edit))) == _scores(report(SEED000))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_shuffling_rows_within_groups_changes_nothing(tmp_path, seed):
    rng = random.Random(seed)

    def edit(wb):
        ws = wb["自评价评分附件表"]
        # swap the contents of two indicator rows of one 二级 group (rows 3-5 share 6.66)
        a, b = rng.sample([3, 4, 5], 2)
        for col in "DEFGHIJ":
            va, vb = ws[f"{col}{a}"], ws[f"{col}{b}"]
            (va.value, va.number_format), (vb.value, vb.number_format) = (vb.value, vb.number_format), (va.value, va.number_format)
    rep = report(_edit(SEED000, tmp_path, f"s{seed}.xlsx", edit))
    assert _scores(rep) == _scores(report(SEED000))
    assert rep["totals"]["review_score"] == 99.26


@settings(max_examples=40, deadline=None)
@given(weight=st.floats(0.5, 20), actual=st.floats(0, 300), self_score=st.one_of(st.none(), st.floats(0, 25)),
       rule=st.sampled_from([
           "业绩值为100%得满分，每降低1%扣权重分的1%，扣完为止",
           "全额到位得满分；到位率≥70%得分减半；70%以下不得分",
           "财政投入乘数 ≥ 50 : 4分; 20-50: 3分; 10-20: 2分; 0-10: 0-1分",
           "按时完成项目(年度)计划任务的90%以上，4分；按时完成任务占计划任务的60~90%(不含90%)，2-3分；按时完成任务不足计划任务的60%，0-1分",
           "", "业绩值为3得满分，每降低1扣权重分的1/3，扣完为止",
       ]))
def test_review_always_scored_within_weight_and_never_lower_for_a_better_actual(weight, actual, self_score, rule):
    # every one of these rules is readable: each row is scored, between 0 and its weight, and a
    # higher actual never scores lower
    from xlscore.score.row import score_row
    from xlscore.tables.measure import parse_measure
    from xlscore.tables.scoresheet import Cell, IndicatorRow

    def review(value: float) -> float | None:
        row = IndicatorRow("表", 3, "指标")
        row.weight, row.self_score = Cell(round(weight, 2), "E4"), Cell(self_score, "H4")
        row.actual, row.target, row.rule = parse_measure(f"{value:.2f}%"), parse_measure("90%"), rule
        return score_row(row, None, None, None).review

    scored, better = review(actual), review(actual + 10)
    assert scored is not None and better is not None
    assert 0 <= scored <= round(weight, 2) + 1e-9
    assert better >= scored - 1e-9


def test_clean_workbook_has_no_findings(tmp_path):
    # seed 002 with its balance explained is clean: every figure adds up and every score follows its rule
    def edit(wb):
        wb["资金安排情况"]["A17"] = "结余原因：部分企业家培训因疫情延期至次年举办，结余资金按规定结转使用"
    rep = report(_edit(SEED002, tmp_path, "clean.xlsx", edit))
    assert rep["findings"] == [], rep["findings"]
    assert rep["scheme"] == "municipal" and rep["grade"] == {"stated": "优秀", "self": "优秀", "review": "优秀",
                                                "self_withheld": None, "review_withheld": None, "stated_header": []}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations([0, 1, 2]))
def test_clean_workbook_stays_clean_under_sheet_order(tmp_path, order):
    def edit(wb):
        wb["资金安排情况"]["A17"] = "结余原因：部分企业家培训因疫情延期至次年举办，结余资金按规定结转使用"
        wb._sheets = [wb._sheets[i] for i in order]
    rep = report(_edit(SEED002, tmp_path, f"c{''.join(map(str, order))}.xlsx", edit))
    assert rep["findings"] == []


def test_scheme_sets_the_spend_rate_threshold(tmp_path):
    text = (ROOT / "xlscore" / "schemes" / "municipal.yaml").read_text(encoding="utf-8")
    assert "spend_rate_warn: 90" in text
    own = tmp_path / "bureau.yaml"
    own.write_text(text.replace("id: municipal", "id: bureau-60").replace("spend_rate_warn: 90", "spend_rate_warn: 60"),
                   encoding="utf-8")
    codes = lambda rep: {f["code"] for f in rep["findings"]}  # noqa: E731
    assert "FUND_SPEND_LOW" in codes(report(SEED002))
    rep = report(SEED002, scheme=str(own))
    assert rep["scheme"] == "bureau-60" and "FUND_SPEND_LOW" not in codes(rep)


def test_unknown_scheme_is_a_clean_usage_error():
    from conftest import run_cli

    result = run_cli("check", "--scheme", "nosuch", str(SEED000))
    assert result.exit_code == 2
    assert "nosuch" in result.output and "Traceback" not in result.output
