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

from xlscore import elements, scheme as scheme_mod, template, xlsxout  # noqa: E402


def _value(printed):
    """A transcribed value for a template cell: percents as text (as typed), numbers as numbers."""
    if isinstance(printed, seeds.F):
        if printed.fmt.endswith("%"):
            digits = len(printed.fmt.split(".")[1]) - 1 if "." in printed.fmt else 0
            return f"{Decimal(str(printed.value)) * 100:.{digits}f}%"
        return printed.value
    return printed


def fill_for(key: str, scheme) -> template.Fill:
    seed = seeds.SEED[key]
    fill = template.Fill(project={"项目名称": seed["name"], "主管部门": seeds.DEPT, "年度": seeds.YEAR})
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
                item = template.IndicatorFill(weight=float(weight), level2_weight=float(w2), score=score_value,
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


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "samples"
    scheme = scheme_mod.load("municipal")
    for key in ("000", "002"):
        name = seeds.SEED[key]["name"]
        dest = out / f"{key}_{name}.xlsx"
        xlsxout.write(template.build(scheme, fill_for(key, scheme)), dest, name)
        print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
