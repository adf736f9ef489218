"""The words that identify tables, rows and columns, and how cell text is matched against them.

Tables are found by their labels, never by position. A label cell may carry annotations the
match must ignore: ``预算执行率(%)``, ``资金结余 (5)=(3)-(4)``, ``1.预算安排``, line breaks, full-width
punctuation.
"""

from __future__ import annotations

import re

from ..read.textnum import label_key, norm

# Fund table rows (资金安排情况). Amount rows first, then rate rows.
FUND_ROWS: dict[str, tuple[str, ...]] = {
    "budget": ("预算安排", "预算安排数", "预算安排资金", "年度预算安排", "预算数",
               "年度预算", "预算资金", "预算金额", "年度安排资金", "安排资金", "计划安排资金"),
    "input": ("项目实际投入", "实际投入", "项目实际投入数", "实际投入资金"),
    "arrived": ("资金到位", "资金到位数", "到位资金", "实际到位资金", "资金实际到位",
                "实际到位", "到位金额", "实际到位金额", "到位资金数"),
    "spent": ("实际支出", "实际支出数", "资金实际支出", "实际支出资金", "实际支出金额", "支出金额", "已支出资金"),
    "balance": ("资金结余", "结余资金", "结余", "资金结余数", "结余金额"),
    "execution_rate": ("预算执行率", "执行率", "资金执行率"),
    "arrival_rate": ("资金到位率", "到位率"),
    "spend_rate": ("资金实际支出率", "实际支出率", "资金支出率", "支出率"),
}
AMOUNT_ROWS = ("budget", "input", "arrived", "spent", "balance")
RATE_ROWS = ("execution_rate", "arrival_rate", "spend_rate")
ROW_ZH = {
    "budget": "预算安排(1)",
    "input": "项目实际投入(2)",
    "arrived": "资金到位(3)",
    "spent": "实际支出(4)",
    "balance": "资金结余(5)",
    "execution_rate": "预算执行率(6)",
    "arrival_rate": "资金到位率(7)",
    "spend_rate": "资金实际支出率(8)",
}

FUND_COLS = ("total", "fiscal", "central", "city", "county", "township", "other", "self_raised", "loans", "social")
COL_ZH = {
    "total": "合计",
    "fiscal": "财政资金小计",
    "central": "财政资金中央级",
    "city": "财政资金市级",
    "county": "财政资金区县级",
    "township": "财政资金乡镇级",
    "other": "其他资金小计",
    "self_raised": "其他资金单位自筹",
    "loans": "其他资金银行贷款等",
    "social": "其他资金社会资本",
}
FISCAL_LEVELS = ("central", "city", "county", "township")
OTHER_SOURCES = ("self_raised", "loans", "social")

_LOOKUP_FUND_ROW = {word: key for key, words in FUND_ROWS.items() for word in words}
FUND_ROW_BY_KEY = _LOOKUP_FUND_ROW  # label key -> fund row

_FUND_HEADER_WORDS = ("合计", "财政", "其他资金", "小计", "中央", "市级", "区县", "乡镇", "自筹", "贷款", "社会资本", "行次")


def fund_row(value: object) -> str | None:
    """The fund-table row a label names (``budget``, …), or None."""
    return _LOOKUP_FUND_ROW.get(label_key(value))


def is_fund_header(value: object) -> bool:
    text = norm(value)
    return any(word in text for word in _FUND_HEADER_WORDS)


def fund_column(path: list[str]) -> str | None:
    """The fund-table column a header path names, e.g. ['财政资金', '市级'] -> 'city'."""
    words = [label_key(p) for p in path if label_key(p)]
    joined = "|".join(words)
    if not joined or "行次" in joined:
        return None
    if "中央" in joined:
        return "central"
    if "区县" in joined or "县级" in joined or "区级" in joined:
        return "county"
    if "乡镇" in joined or "乡级" in joined or "镇级" in joined:
        return "township"
    if "市级" in joined or "市本级" in joined:
        return "city"
    if "自筹" in joined:
        return "self_raised"
    if "贷款" in joined:
        return "loans"
    if "社会资本" in joined or "社会资金" in joined:
        return "social"
    if "财政" in joined:
        return "fiscal"
    if "其他" in joined:
        return "other"
    if "合计" in joined or "总计" in joined or "总额" in joined:
        return "total"
    return None


# Usage table (资金使用情况).
USAGE_ANCHORS = ("项目支出内容", "支出内容", "支出项目", "项目支出明细", "支出明细")
USAGE_TOTAL_ROW = ("合计", "总计", "小计合计")


def usage_column(path: list[str]) -> str | None:
    words = [label_key(p) for p in path if label_key(p)]
    joined = "|".join(words)
    if "专款专用" in joined:
        return "earmarked"
    if "财政" in joined:
        return "fiscal"
    if "其他" in joined:
        return "other"
    if "合计" in joined or "总计" in joined:
        return "total"
    return None


# Scoring table (自评价评分附件表).
SCORING_TITLES = ("自评价评分附件表", "绩效评价指标表", "评分附件表", "绩效自评表", "指标评分表")
SCORING_HEADER_LEVEL3 = ("三级指标",)
SCORING_HEADER_WEIGHT = ("权重", "分值", "权重(%)", "权重分")

# Header fields of the project.
HEADER_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "评价项目", "绩效评价项目"),
    "department": ("主管部门", "主管单位", "部门名称", "单位名称", "项目单位", "实施单位", "预算单位", "填报单位"),
    "year": ("年度", "评价年度", "项目年度", "所属年度", "预算年度"),
}


# The provincial fund table (附件1 of a provincial notice, typed by the unit): the same rows without
# their municipal numbers, columns 合计 | 财政资金 | 其他资金 (or 单位自筹). See provincial_fund.py.
FUND_ROW_PLAIN = {key: name.split("(")[0] for key, name in ROW_ZH.items()}
_FORMULA_SPLIT_RE = re.compile(r"[÷/／]")
_FORMULA_HINTS = (("投入", "input"), ("到位", "arrived"), ("支出", "spent"), ("使用", "spent"),
                  ("预算", "budget"), ("安排", "budget"), ("计划", "budget"))


def _formula_side(text: str) -> str | None:
    key = label_key(text)
    row = _LOOKUP_FUND_ROW.get(key)
    if row in ("budget", "input", "arrived", "spent"):
        return row
    for word, row in _FORMULA_HINTS:
        if word in key:
            return row
    return None


def rate_formula(value: object) -> tuple[str, str] | None:
    """The (numerator, denominator) rows a rate label states in words, or None.

    ``执行率（实际支出/资金到位）`` and ``支出率=实际支出÷到位资金`` -> ('spent', 'arrived'). Numbered
    references (``(6)=(3)/(1)``) name no words and give None: the form's own numbering applies.
    """
    text = norm(value)
    inner = re.findall(r"[(（]([^)）]*[÷/／][^)）]*)[)）]", text)
    candidates = inner + ([text.split("=", 1)[1]] if "=" in text else [])
    for candidate in candidates:
        sides = _FORMULA_SPLIT_RE.split(candidate)
        if len(sides) != 2:
            continue
        num, den = _formula_side(sides[0]), _formula_side(sides[1])
        if num and den and num != den:
            return num, den
    return None

# A grade stated in the header block (自评等级：优, or the printed 优 良 中 低 差 with one ticked).
HEADER_GRADE = ("自评等级", "评价等级", "绩效自评等级", "绩效评价等级", "绩效等级", "自评结果", "评价结果", "自评结论")
GRADE_OPTION_WORDS = ("不合格", "优秀", "良好", "中等", "合格", "一般", "优", "良", "中", "低", "差")
TICK_MARKS = "☑☒✓✔√■●◼▣✅"
BLANK_MARKS = "□☐○◯〇"
# Labels that end a header value in a cell of several ``label：value`` pairs but are no field of ours.
HEADER_OTHER = ("联系人", "联系电话", "电话", "填报人", "填表人", "填报日期", "填表日期", "项目负责人", "单位负责人",
                "财务负责人", "负责人", "审核人", "日期")
