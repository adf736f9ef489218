#!/usr/bin/env python3
"""Fill the municipal template with seeds 000 and 002: samples/000_*.xlsx and samples/002_*.xlsx.

The samples are the blank workbook of ``xlscore template municipal`` filled the way a department
fills it (amounts in the 市级 column, 是/否 for each checklist element, its own 产出/效果
indicators in the empty rows), so samples and template never drift. The figures are the seeds'
(the transcription in tools/build_samples.py); formulas carry their computed values.

Usage:  .venv/bin/python tools/fill_samples.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import build_samples as seeds  # noqa: E402  (the seeds' transcription)

from xlscore.score import elements  # noqa: E402
from xlscore.score import scheme as scheme_mod
from xlscore.template import annex, common, national, xlsxout  # noqa: E402


def _value(printed):
    """A transcribed value for a template cell: percents as text (as typed), numbers as numbers."""
    if isinstance(printed, seeds.F):
        if printed.fmt.endswith("%"):
            digits = len(printed.fmt.split(".")[1]) - 1 if "." in printed.fmt else 0
            return f"{Decimal(str(printed.value)) * 100:.{digits}f}%"
        return printed.value
    return printed


def fill_for(key: str, scheme) -> common.Fill:
    seed = seeds.SEED[key]
    fill = common.Fill(project={"项目名称": seed["name"], "主管部门": seeds.DEPT, "年度": seeds.YEAR})
    for index, row in enumerate(("budget", "input", "arrived", "spent")):
        fill.fund[row] = {"city": seed["fund"][index][3]}  # the seeds' money is all 市级 fiscal
    fill.usage = [(name, fiscal, None, None) for name, _total, fiscal in seed["usage_items"]]
    rows = iter(seed["indicators"])
    for level1, _w1, groups in seed["groups"]:
        for w2, count in groups:
            for _ in range(count):
                name, weight, target, actual, score, rule, source = next(rows)
                score_value = _value(seeds.printed(score, score=True))
                spec = scheme.indicator(name)
                item = common.IndicatorFill(weight=float(weight), level2_weight=float(w2), score=score_value,
                                              source=source)
                if spec is None:
                    item.name, item.rule = name, rule
                    item.target, item.actual = _value(seeds.printed(target)), _value(seeds.printed(actual))
                    fill.custom.setdefault(level1, []).append(item)
                    continue
                if spec.elements:
                    met, _ = elements.match([spec.element_texts(i + 1) for i in range(len(spec.elements))], actual)
                    item.elements = [i + 1 in met for i in range(len(spec.elements))]
                else:
                    value = seeds.printed(actual)
                    item.actual = value.value if isinstance(value, seeds.F) and value.fmt.endswith("%") else _value(value)
                fill.indicators[spec.name] = item
    return fill


NATIONAL_NAME = "农村饮水安全工程维修养护补助资金"
NATIONAL_REMARK = ("说明：本样例的项目、单位和全部数字均为编造，仅用于演示全国通用的项目支出绩效自评表"
                   "（财预〔2020〕10号）如何填写和复核，不对应任何真实项目。")


def national_fill() -> national.NationalFill:
    """A filled national form. Made-up figures (said on its 填表说明 sheet): 执行率 95%, one
    indicator late with its reason, one qualitative indicator partly met, satisfaction below target
    with a self score that does not follow the rule and no reason given."""
    return national.NationalFill(
        project={"项目名称": NATIONAL_NAME, "主管部门": "某县水利局", "年度": 2021},
        implementer="某县农村供水管理站",
        remark=NATIONAL_REMARK,
        budget={"fiscal": (450, 470, 446.5), "carryover": (30, 30, 28.5), "other": (20, 20, 19)},
        goals=("完成 120 处农村供水工程维修养护，保障 8 万农村人口饮水安全，水质达标率不低于 95%。",
               "完成 126 处工程维修养护，受益人口 8.3 万人，水质达标率 96.5%；部分工程受汛期影响延后完工。"),
        rows={
            "数量指标": [("维修养护工程处数", "≥120处", "126处", 10, 10, None),
                     ("受益人口", "≥8万人", "8.3万人", 5, 5, None)],
            "质量指标": [("工程验收合格率", "100%", "100%", 10, 10, None),
                     ("水质达标率", "≥95%", "96.5%", 10, 10, None)],
            "时效指标": [("工程完工及时率", "100%", "92%", 10, 9.2, "10 处工程受汛期影响延后完工，已调整次年施工计划，汛前完工")],
            "成本指标": [("单处工程平均维修成本", "≤4.5万元", "3.9万元", 5, 5, None)],
            "社会效益指标": [("农村供水保障水平", "提高", "明显提高", 10, 10, None),
                       ("农村集中供水率", "≥90%", "91.2%", 10, 10, None)],
            "可持续影响指标": [("工程长效运行管护机制", "健全", "基本健全", 10, 7,
                         "村级管护员队伍尚不稳定，拟建立管护经费保障和考核制度")],
            "服务对象满意度指标": [("受益群众满意度", "≥90%", "87%", 10, 9, None)],
        })


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "samples"
    scheme = scheme_mod.load("municipal")
    for key in ("000", "002"):
        name = seeds.SEED[key]["name"]
        dest = out / f"{key}_{name}.xlsx"
        xlsxout.write(annex.build(scheme, fill_for(key, scheme)), dest, name)
        print(f"wrote {dest}")
    dest = out / f"全国表样例_{NATIONAL_NAME}.xlsx"
    xlsxout.write(national.build(scheme_mod.load("national-2020"), national_fill()), dest, NATIONAL_NAME)
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
