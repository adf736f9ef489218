"""The catalog of every finding code xlscore reports.

Each code is stable (tools and the bureau's own scripts may match on it), has one severity, a
Chinese title, a Chinese message template whose fields carry the figures, and an example of a
workbook that triggers it and one that does not. ``xlscore codes`` prints this catalog and
``docs/findings.md`` is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # error | warning | info
    title: str
    template: str
    bad: str  # a situation that triggers it
    good: str  # the same situation done right
    file_level: bool = False  # the whole file could not be read (status "error", exit 2)


_ENTRIES = [
    # --- files that cannot be read -------------------------------------------------------------
    Code("FILE_NOT_FOUND", "error", "文件不存在", "{detail}",
         "命令中写的文件路径不存在", "路径指向一个存在的工作簿", True),
    Code("FILE_NOT_WORKBOOK", "error", "不是工作簿", "{detail}",
         "把一个文本文件或 Word 文档改名为 .xlsx 报送", "报送 Excel/WPS/LibreOffice 保存的 .xlsx/.xls/.ods", True),
    Code("FILE_CORRUPT", "error", "文件损坏", "{detail}",
         "邮件附件下载不完整，.xlsx 只剩前一半", "完整的工作簿", True),
    Code("FILE_ENCRYPTED", "error", "文件已加密", "{detail}",
         "工作簿设置了打开密码", "撤销打开密码后报送（工作表保护不影响读取）", True),
    Code("FILE_TOO_LARGE", "error", "文件过大", "{detail}",
         "1.5 MB 的压缩包解压后达数 GB（压缩炸弹）", "正常的自评表解压后不过几 MB", True),
    Code("FILE_UNREADABLE", "error", "无法读取文件", "{detail}",
         "文件没有读取权限，或在处理中被移走", "可读取的文件", True),
    Code("NO_TABLES", "error", "未找到表格",
         "未在任何工作表中找到资金安排情况表、资金使用情况表或自评价评分附件表",
         "工作簿中只有一段文字说明，没有附表", "工作簿含有带“预算安排”“资金到位”等行标签的资金安排情况表", True),
    # --- what was found, and how it was read --------------------------------------------------------
    Code("TABLE_MISSING", "warning", "缺少表格", "未找到{table}，相关核对未进行",
         "工作簿有评分表但没有资金安排情况表", "三张附表齐全"),
    Code("VALUE_UNPARSED", "error", "数值无法识别",
         "“{text}”不是可识别的{what}，该值未参与核算，请改为数字",
         "资金到位填写“约200万”或“见附件”", "资金到位填写 2,070,000、“2,070,000元”或“207万元”"),
    Code("FORMULA_UNCOMPUTED", "warning", "公式无法计算",
         "公式 ={formula} 没有保存计算结果，且无法计算（{reason}），该值按空处理；请在 Excel/WPS 中打开并保存后重新报送",
         "由程序生成、从未在电子表格软件中打开的工作簿里有不支持的公式", "公式有缓存值，或只用加减乘除、SUM、ROUND、IF"),
    # --- fund table (资金安排情况) ---------------------------------------------------------------
    Code("FUND_FORMULA", "error", "资金表计算不符",
         "{row}（{col}）应为 {expected}（{rule}），表中填写 {stated}",
         "资金结余(5) 填 0，而 资金到位(3) 2,070,000 − 实际支出(4) 1,345,343 = 724,657",
         "资金结余(5) 填 724,657；预算执行率(6) 填 107.49（73,096,200 ÷ 68,000,000）"),
    Code("FUND_SUM", "error", "资金表合计不符",
         "{row}的{col}应为{parts}之和 {expected}，表中填写 {stated}",
         "预算安排的财政资金小计 68,000,000，而中央级+市级+区县级+乡镇级 = 60,000,000",
         "合计 = 财政资金小计 + 其他资金小计，财政资金小计 = 四级之和，其他资金小计 = 三项来源之和"),
    Code("FUND_MISSING", "warning", "资金表缺少金额",
         "{row}（{col}）未填写", "预算安排的合计为空", "预算安排、资金到位、实际支出的合计均已填写（没有资金的填 0）"),
    Code("FUND_NEGATIVE", "error", "金额为负数",
         "{row}（{col}）为负数 {stated}，资金金额不应为负", "实际支出填 −5,000", "金额均不小于 0"),
    Code("FUND_RATE_OVER_100", "warning", "比率超过 100%",
         "{row}（{col}）为 {rate}，超过 100%：{why}，需说明原因；相关绩效指标得分以其权重为上限",
         "预算执行率 107.49%：到位 73,096,200 元，超出预算 68,000,000 元",
         "预算执行率 100%：到位资金与预算一致"),
    Code("FUND_SPENT_OVER_ARRIVED", "error", "支出超过到位资金",
         "实际支出（{col}）{spent} 元超过资金到位 {arrived} 元",
         "资金到位 2,070,000，实际支出 2,100,000", "实际支出不超过资金到位"),
    Code("FUND_SPEND_LOW", "warning", "支出率偏低",
         "资金实际支出率仅 {rate}（低于 {threshold}%），结余 {balance} 元，未见结余原因说明",
         "支出率 64.99%，结余 724,657 元，表内外均无说明",
         "支出率不低于 90%，或表旁写明“结余原因：……”"),
    # --- usage table (资金使用情况) --------------------------------------------------------------
    Code("USAGE_ROW", "error", "使用情况行合计不符",
         "“{item}”的合计应为财政资金支出数 + 其他资金支出数 = {expected}，表中填写 {stated}",
         "会议费合计 270,000，财政 260,000、其他 0", "合计 = 财政资金支出数 + 其他资金支出数"),
    Code("USAGE_TOTAL", "error", "使用情况合计不符",
         "资金使用情况合计行（{col}）应为各支出项之和 {expected}，表中填写 {stated}",
         "合计 1,345,343，而会议费 270,000 + 培训费 542,543 + 维修（护）费 500,000 = 1,312,543",
         "合计行等于各支出项之和：270,000 + 542,543 + 532,800 = 1,345,343"),
    Code("USAGE_SPENT", "error", "使用情况与实际支出不符",
         "资金使用情况合计（{col}）{usage} 元与资金安排情况的实际支出(4) {spent} 元不一致",
         "使用情况合计 1,300,000，实际支出(4) 1,345,343", "使用情况合计与实际支出(4)相同"),
]

CATALOG: dict[str, Code] = {entry.code: entry for entry in _ENTRIES}


def register(*entries: Code) -> None:
    """Add codes (used by the modules that own them, e.g. scoring)."""
    for entry in entries:
        if entry.code in CATALOG:
            raise ValueError(f"duplicate finding code {entry.code}")
        CATALOG[entry.code] = entry


def markdown() -> str:
    """The catalog as the Markdown page docs/findings.md."""
    from .findings import SEVERITY_ZH

    lines = [
        "# 检查结果代码一览（Finding codes）",
        "",
        "本页由 `xlscore codes --markdown` 生成，请勿手工修改。每条检查结果都有固定的代码、严重程度",
        "（错误 / 警告 / 提示）、位置（工作表!单元格）和中文说明。文件级代码表示整个文件无法读取",
        "（状态 error，退出码 2）。",
        "",
        "| 代码 | 严重程度 | 名称 | 触发示例 | 不触发示例 |",
        "|---|---|---|---|---|",
    ]
    for entry in CATALOG.values():
        level = SEVERITY_ZH[entry.severity] + ("（文件级）" if entry.file_level else "")
        lines.append(f"| `{entry.code}` | {level} | {entry.title} | {entry.bad} | {entry.good} |")
    lines += ["", "## 消息模板", ""]
    for entry in CATALOG.values():
        lines.append(f"- `{entry.code}`：{entry.template}")
    return "\n".join(lines) + "\n"
