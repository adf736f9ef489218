"""The catalog of every finding code xlscore reports: a registry, as in ruff and frictionless.

Each code is stable (tools and the bureau's own scripts may match on it), has one severity, a
Chinese title, a Chinese message template, the fields the template prints (``fields``) and those the
finding carries for the annotator only (``data``), the module that emits it (``emitter``), and an
example of a workbook that triggers it and one that does not. The entries are checked when this
module loads: a template naming a field the code does not declare, or declaring one it does not
print, fails at import, not when the finding fires. ``xlscore codes`` prints the catalog and
``docs/findings.md`` is generated from it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")  # worst first
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def template_fields(template: str) -> tuple[str, ...]:
    """The names a message template fills, in order, each once."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Reason:
    """Why a whole file could not be read: one of a file-level code's messages, with the fields
    its template prints and the module that raises it."""

    template: str
    emitter: str
    fields: tuple[str, ...] = ()

    def message(self, code: str, name: str, fields: dict) -> str:
        if set(fields) != set(self.fields):
            raise TypeError(f"{code}/{name}: fields given {sorted(fields)}, declared {sorted(self.fields)}")
        return self.template.format(**fields)


@dataclass(frozen=True)
class Code:
    """A finding code as the catalog documents it."""

    code: str
    severity: str  # error | warning | info
    title: str
    template: str
    bad: str  # a situation that triggers it
    good: str  # the same situation done right
    file_level: bool = False  # the whole file could not be read (status "error", exit 2)
    fields: tuple[str, ...] = ()  # what the template prints
    data: tuple[str, ...] = ()  # what the finding carries besides (for the annotator's explanations)
    emitter: str = ""  # the module (under xlscore) that emits it
    reasons: dict[str, Reason] = field(default_factory=dict)  # a file-level code's messages, by name

    def __post_init__(self) -> None:
        for name, reason in self.reasons.items():
            if set(template_fields(reason.template)) != set(reason.fields):
                raise ValueError(f"{self.code}/{name}: the template fills {template_fields(reason.template)}, "
                                 f"the reason declares {reason.fields}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.code}: severity {self.severity!r} is none of {SEVERITIES}")
        printed = template_fields(self.template)
        if set(printed) != set(self.fields):
            raise ValueError(f"{self.code}: the template fills {printed}, the code declares {self.fields}")
        if set(self.data) & set(self.fields):
            raise ValueError(f"{self.code}: {set(self.data) & set(self.fields)} both printed and data")
        if not self.emitter:
            raise ValueError(f"{self.code}: no emitter declared")

    def message(self, fields: dict) -> str:
        """The template filled; ``fields`` must give every declared field and nothing undeclared."""
        missing = set(self.fields) - set(fields)
        unknown = set(fields) - set(self.fields) - set(self.data)
        if missing or unknown:
            raise TypeError(f"{self.code}: fields missing {sorted(missing)}, unknown {sorted(unknown)}")
        return self.template.format(**fields)


_ENTRIES = [
    # --- files that cannot be read -------------------------------------------------------------
    Code("FILE_NOT_FOUND", "error", "文件不存在", "{detail}",
         "命令中写的文件路径不存在", "路径指向一个存在的工作簿", True,
         fields=("detail",), emitter="read", reasons={"missing": Reason("文件不存在", "read.files"), "dangling_link": Reason("这是一个链接，它指向的文件 {target} 不存在", "read.files", ("target",)), "dangling_link_unread": Reason("这是一个链接，它指向的文件不存在", "read.files"), "vanished": Reason("文件在处理过程中被移走或删除", "batch.runner")}),
    Code("FILE_NOT_WORKBOOK", "error", "不是工作簿", "{detail}",
         "把一个文本文件或 Word 文档改名为 .xlsx 报送", "报送 Excel/WPS/LibreOffice 保存的 .xlsx/.xls/.ods", True,
         fields=("detail",), emitter="read", reasons={"folder": Reason("这是一个文件夹，不是工作簿", "read.files"), "empty": Reason("文件为空（0 字节），不是工作簿", "read.files"), "other_content": Reason("文件内容不是 Excel/WPS/LibreOffice 工作簿（.xlsx/.xlsm/.xls/.ods），可能是改了扩展名的其他文件", "read.files"), "zip_without_workbook": Reason("这是一个压缩包（或 Word 等其他文档），其中没有工作簿", "read.files"), "office_document": Reason("这是一个 Office 文档（如 Word .doc），不是工作簿", "read.files"), "wps_without_biff": Reason("这是 WPS 表格文件（.et），但其中没有可读取的工作簿数据，请在 WPS 中“另存为”Excel 工作簿（.xlsx）后重新报送", "read.files")}),
    Code("FILE_CORRUPT", "error", "文件损坏", "{detail}",
         "邮件附件下载不完整，.xlsx 只剩前一半", "完整的工作簿", True,
         fields=("detail",), emitter="read", reasons={"truncated": Reason("工作簿已损坏或不完整（可能下载或保存时被截断）", "read.files"), "compression": Reason("工作簿的压缩格式无法识别，无法解压", "read.files"), "inflate": Reason("工作簿已损坏，无法解压", "read.files"), "part": Reason("工作簿部件 {part} 已损坏，无法解压", "read.cells", ("part",)), "dtd": Reason("{where}含有 DTD/实体声明（正常工作簿不会有，可能是恶意文件），未解析", "read.files", ("where",)), "duplicate_part": Reason("工作簿中有两个同名部件 {part}（正常工作簿不会有，可能被改动过；不同程序会读到不同的内容），未解析", "read.files", ("part",)), "old_excel": Reason("旧版 Excel 文件已损坏，无法读取", "read.files"), "xml": Reason("工作簿部件 {part} 不是完好的 XML（已损坏，或被改动过），未解析", "read.extent", ("part",)), "unreadable": Reason("工作簿已损坏，无法读取（文件结构不完整，或不是它的扩展名所说的格式）", "read.book")}),
    Code("FILE_ENCRYPTED", "error", "文件已加密", "{detail}",
         "工作簿设置了打开密码", "撤销打开密码后报送（工作表保护不影响读取）", True,
         fields=("detail",), emitter="read", reasons={"password": Reason("工作簿设置了打开密码（已加密），请撤销密码后重新报送", "read.files"), "zip_password": Reason("工作簿的压缩包设置了密码，请撤销密码后重新报送", "read.files"), "reader_password": Reason("工作簿设置了密码（已加密），请撤销密码后重新报送", "read.book")}),
    Code("FILE_TOO_LARGE", "error", "文件过大", "{detail}",
         "1.5 MB 的压缩包解压后达数 GB（压缩炸弹）；或误在 XFD1048576 单元格填了一个字，工作表从 A1 到那里有 170 亿个单元格",
         "正常的自评表解压后不过几 MB，数据不出表格的几十行、几十列", True,
         fields=("detail",), emitter="read", reasons={"file_size": Reason("文件大小 {size}，超过上限 {limit}", "read.files", ("size", "limit",)), "over_limit": Reason("文件大小超过上限 {limit}", "batch.inbox", ("limit",)), "parts": Reason("工作簿包含 {count} 个部件，超过上限 {limit}", "read.files", ("count", "limit",)), "part_size": Reason("工作簿部件 {part} 解压后为 {size}，超过上限 {limit}（疑似压缩炸弹），未解析", "read.files", ("part", "size", "limit",)), "total_size": Reason("工作簿解压后共 {size}，超过上限 {limit}（疑似压缩炸弹），未解析", "read.files", ("size", "limit",)), "cells": Reason("{where}，超过上限 {limit} 个单元格，未解析。请删除表格以外远处单元格中的内容后重新报送", "read.extent", ("where", "limit",)), "memory": Reason("工作簿过大，处理时内存不足", "pipeline")}),
    Code("FILE_UNREADABLE", "error", "无法读取文件", "{detail}",
         "文件没有读取权限，或在处理中被移走", "可读取的文件", True,
         fields=("detail",), emitter="read", reasons={"not_regular": Reason("不是普通文件（管道或设备），未读取", "read.files"), "os_error": Reason("无法读取文件（{reason}）", "read.files", ("reason",))}),
    Code("FILE_TIMEOUT", "error", "处理超时", "{detail}",
         "工作簿异常复杂，处理超过时限（--timeout）仍未完成", "正常的自评表几秒内处理完", True,
         fields=("detail",), emitter="batch",
         reasons={"timeout": Reason("处理超过 {seconds} 秒仍未完成，已中止", "batch.runner", ("seconds",))}),
    Code("WORKER_DIED", "error", "处理中断", "{detail}",
         "处理这个文件时工作进程意外退出（例如内存不足）", "文件处理完毕", True,
         fields=("detail",), emitter="batch",
         reasons={"died": Reason("处理此文件时工作进程意外退出（可能内存不足），已跳过", "batch.runner")}),
    Code("INTERNAL_ERROR", "error", "程序出错", "{detail}",
         "处理这个文件时 xlscore 自身出错（程序缺陷）", "文件处理完毕", True,
         fields=("detail",), emitter="batch",
         reasons={"bug": Reason("处理此文件时程序出错，请将文件反馈给维护人员", "batch.runner")}),
    Code("NO_TABLES", "error", "未找到表格",
         "未在任何工作表中找到资金安排情况表、资金使用情况表或自评价评分附件表",
         "工作簿中只有一段文字说明，没有附表", "工作簿含有带“预算安排”“资金到位”等行标签的资金安排情况表", True,
         fields=(), emitter="pipeline"),
    # --- what was found, and how it was read --------------------------------------------------------
    Code("PROJECTS_PAIRED", "warning", "项目与资金表按顺序配对",
         "本工作簿有 {count} 个项目的评分表，但资金安排情况表不在各自评分表的上方或同一工作表中，"
         "已按出现顺序把第 {index} 张资金表与第 {index} 张评分表作为同一项目复核，请核对配对是否正确",
         "工作表依次为“资金1”“资金2”“评分1”“评分2”", "每个项目的资金表与评分表在同一工作表，或资金表在其评分表之前",
         fields=("count", "index"), emitter="pipeline"),
    Code("PROJECTS_LIMIT", "error", "项目过多",
         "本工作簿的评分表超过 {limit} 张，只逐一复核了前 {limit} 个项目，其后的评分表未复核；请拆分为几个工作簿后重新报送",
         "一个工作簿里排了 150 个项目的评分表", "每个工作簿不超过 100 个项目",
         fields=("limit",), emitter="pipeline"),
    Code("TABLE_MISSING", "warning", "缺少表格", "未找到{table}，相关核对未进行",
         "工作簿有评分表但没有资金安排情况表", "三张附表齐全",
         fields=("table",), emitter="tables.reading"),
    Code("TABLE_BLANK", "info", "表格未填写", "{table}尚未填写，未作核对",
         "用空白模板直接报送，资金安排情况表没有任何金额", "表格已按实际情况填写",
         fields=("table",), emitter="tables.reading"),
    Code("VALUE_UNPARSED", "error", "数值无法识别",
         "“{text}”不是可识别的{what}，该值未参与核算，请改为数字",
         "资金到位填写“约200万”或“见附件”", "资金到位填写 2,070,000、“2,070,000元”或“207万元”",
         fields=("text", "what"), emitter="tables.reading"),
    Code("FORMULA_UNCOMPUTED", "warning", "公式无法计算",
         "公式 ={formula} 没有保存计算结果，且无法计算（{reason}），该值按空处理；请在 Excel/WPS 中打开并保存后重新报送",
         "由程序生成、从未在电子表格软件中打开的工作簿里有不支持的公式", "公式有缓存值，或只用加减乘除、SUM、ROUND、IF",
         fields=("formula", "reason"), emitter="tables.reading"),
    Code("COPY_DROPS", "info", "副本未保留部分内容",
         "复核副本无法保留原工作簿中的{what}，请对照原件查看",
         "原工作簿中插有图片或图表（复核副本由 openpyxl 写出，不含这些内容）", "原工作簿只有表格、批注和数据验证",
         fields=("what",), emitter="write.annotate"),
    Code("COPY_FAILED", "error", "无法写出复核副本",
         "检查已完成，但无法写出复核副本（{detail}）；检查结果见报告",
         "工作簿结构特殊，openpyxl 无法打开", "正常的 .xlsx/.xls/.ods 工作簿",
         fields=("detail",), emitter="review"),
    # --- fund table (资金安排情况) ---------------------------------------------------------------
    Code("FUND_FORMULA", "error", "资金表计算不符",
         "{row}（{col}）应为 {expected}（{rule}），表中填写 {stated}",
         "资金结余(5) 填 0，而 资金到位(3) 2,070,000 − 实际支出(4) 1,345,343 = 724,657",
         "资金结余(5) 填 724,657；预算执行率(6) 填 107.49（73,096,200 ÷ 68,000,000）",
         fields=("row", "col", "expected", "rule", "stated"), data=("fund_row",), emitter="check.emit"),
    Code("FUND_SUM", "error", "资金表合计不符",
         "{row}的{col}应为{parts}之和 {expected}，表中填写 {stated}",
         "预算安排的财政资金小计 68,000,000，而中央级+市级+区县级+乡镇级 = 60,000,000",
         "合计 = 财政资金小计 + 其他资金小计，财政资金小计 = 四级之和，其他资金小计 = 三项来源之和",
         fields=("row", "col", "parts", "expected", "stated"), data=("fund_row",), emitter="check.emit"),
    Code("FUND_MISSING", "warning", "资金表缺少金额",
         "{row}（{col}）未填写", "预算安排的合计为空", "预算安排、资金到位、实际支出的合计均已填写（没有资金的填 0）",
         fields=("row", "col"), data=("fund_row",), emitter="check.emit"),
    Code("FUND_NEGATIVE", "error", "金额为负数",
         "{row}（{col}）为负数 {stated}，资金金额不应为负", "实际支出填 −5,000", "金额均不小于 0",
         fields=("row", "col", "stated"), data=("fund_row",), emitter="check.reconcile"),
    Code("FUND_RATE_OVER_100", "warning", "比率超过 100%",
         "{row}（{col}）为 {rate}，超过 100%：{why}，需说明原因；相关绩效指标得分以其权重为上限",
         "预算执行率 107.49%：到位 73,096,200 元，超出预算 68,000,000 元",
         "预算执行率 100%：到位资金与预算一致",
         fields=("row", "col", "rate", "why"), data=("fund_row",), emitter="check.emit"),
    Code("FUND_SPENT_OVER_ARRIVED", "error", "支出超过到位资金",
         "实际支出（{col}）{spent} 元超过资金到位 {arrived} 元",
         "资金到位 2,070,000，实际支出 2,100,000", "实际支出不超过资金到位",
         fields=("col", "spent", "arrived"), emitter="check.reconcile"),
    Code("FUND_SPEND_LOW", "warning", "支出率偏低",
         "资金实际支出率仅 {rate}（低于 {threshold}%），结余 {balance} 元，未见结余原因说明",
         "支出率 64.99%，结余 724,657 元，表内外均无说明",
         "支出率不低于 90%，或表旁写明“结余原因：……”",
         fields=("rate", "threshold", "balance"), emitter="check.reconcile"),
    # --- usage table (资金使用情况) --------------------------------------------------------------
    Code("USAGE_ROW", "error", "使用情况行合计不符",
         "“{item}”的合计应为财政资金支出数 + 其他资金支出数 = {expected}，表中填写 {stated}",
         "会议费合计 270,000，财政 260,000、其他 0", "合计 = 财政资金支出数 + 其他资金支出数",
         fields=("item", "expected", "stated"), emitter="check.reconcile"),
    Code("USAGE_TOTAL", "error", "使用情况合计不符",
         "资金使用情况合计行（{col}）应为各支出项之和 {expected}，表中填写 {stated}",
         "合计 1,345,343，而会议费 270,000 + 培训费 542,543 + 维修（护）费 500,000 = 1,312,543",
         "合计行等于各支出项之和：270,000 + 542,543 + 532,800 = 1,345,343",
         fields=("col", "expected", "stated"), emitter="check.reconcile"),
    Code("USAGE_SPENT", "error", "使用情况与实际支出不符",
         "资金使用情况合计（{col}）{usage} 元与资金安排情况的实际支出(4) {spent} 元不一致",
         "使用情况合计 1,300,000，实际支出(4) 1,345,343", "使用情况合计与实际支出(4)相同",
         fields=("col", "usage", "spent"), emitter="check.reconcile"),
    # --- scoring table (自评价评分附件表) -------------------------------------------------------
    Code("SCHEME_UNKNOWN", "info", "未识别指标体系",
         "未能识别评分表所用的指标体系，按各行自己的评分标准评分，等级不作判断；可用 --scheme 指定",
         "一级指标名称与任何已知指标体系都不一致", "一级指标为投入和管理目标/产出目标/效果目标/影响力目标（municipal）",
         fields=(), emitter="score.table"),
    Code("WEIGHT_SUM", "error", "权重之和不符",
         "{what}的权重 {stated} 与{parts}之和 {expected} 不符",
         "二级指标权重 6.66，其下三级指标 2.22+2.22+2.24 = 6.68", "三级→二级→一级→100 逐级相加一致",
         fields=("what", "stated", "parts", "expected"), emitter="tables.weights"),
    Code("LAYOUT_AMBIGUOUS", "error", "权重列无法确定",
         "评分表中{columns}都可能是三级指标的权重，但按哪一列读，权重都不能逐级相加（三级→二级→一级→100）；"
         "已按“{chosen}”列复核，权重之和未再逐项核对，请核对权重列后重新报送",
         "“分值”列与“权重”列都有数字，且任何一列都加不到 100",
         "“权重”列的三级权重逐级相加到 100，“分值”列是合并的一级权重",
         fields=("columns", "chosen"), emitter="tables.scoresheet"),
    Code("WEIGHT_MISSING", "error", "缺少权重", "未填写权重，本指标无法评分",
         "三级指标“预算执行率”的权重为空", "每个三级指标都填写了权重",
         fields=(), emitter="score.table"),
    Code("SCORE_OVER_WEIGHT", "error", "得分超过权重", "自评得分 {score} 超过权重 {weight}",
         "权重 2.22 的指标自评 2.5 分", "自评得分不超过权重",
         fields=("score", "weight"), emitter="score.table"),
    Code("SCORE_MISMATCH", "error", "自评与复核不一致",
         "自评得分 {self_score} 与复核得分 {review} 不一致：{reason}",
         "财务监控有效性只列 2 项要素（标准为 3 项得满分），自评 2.22，复核 1.48",
         "自评得分等于按评分标准计算的得分",
         fields=("self_score", "review", "reason"), emitter="score.table"),
    Code("SCORE_MISSING", "warning", "未填自评得分", "未填写自评得分（复核得分 {review}）",
         "评分结果为空", "每个指标都填写了评分结果",
         fields=("review",), emitter="score.table"),
    Code("TOTAL_MISMATCH", "error", "总分不符", "总计 {stated} 与各指标自评得分之和 {expected} 不符",
         "总计填 100，各项自评得分之和为 98.52", "总计等于各项自评得分之和",
         fields=("stated", "expected"), emitter="score.table"),
    Code("GRADE_MISMATCH", "warning", "等级不符",
         "填写的评价等级“{stated}”与复核总分 {total} 对应的等级“{expected}”不符（{bands}）",
         "复核总分 85 分，表中等级填“优秀”", "等级与复核总分所在档次一致",
         fields=("stated", "total", "expected", "bands"), emitter="score.table"),
    Code("RULE_UNPARSED", "warning", "评分标准无法识别",
         "评分标准无法识别，本指标需人工评分：“{text}”",
         "评分标准写“视情况给分”", "评分标准为“业绩值为100%得满分，每降低1%扣权重分的1%”等可识别的写法",
         fields=("text",), emitter="score.table"),
    Code("RULE_SCHEME_CONFLICT", "warning", "评分标准与指标体系不一致",
         "表中评分标准与指标体系 {scheme} 的标准“{scheme_rule}”不一致，复核按指标体系的标准评分",
         "预算编制合理性写“具备要素1得50%……”，体系规定要素1、2、3分别得30%、30%、40%",
         "表中评分标准与体系一致，或本指标体系未作规定",
         fields=("scheme", "scheme_rule"), emitter="score.table"),
    Code("MANUAL_REVIEW", "warning", "需人工复核", "{note}",
         "定性指标目标“及时”，业绩值写“基本及时”", "业绩值与目标一致，或可按评分标准直接计算",
         fields=("note",), emitter="score.table"),
    Code("INDICATOR_FUND_MISMATCH", "error", "指标与资金表不符",
         "业绩值 {stated} 与资金安排情况表计算的{row} {figure} 不符，复核按 {figure} 评分",
         "预算执行率指标业绩值填 100%，资金表计算为 89.68%", "指标业绩值与资金表一致",
         fields=("stated", "row", "figure"), emitter="score.table"),
    Code("ACTUAL_MISSING", "warning", "未填业绩值", "未填写业绩值，本指标复核不得分",
         "业绩值为空", "每个指标都填写了业绩值",
         fields=(), emitter="score.table"),
    Code("DEVIATION_MISSING", "warning", "未说明偏差原因",
         "指标未完成（复核得分 {review}，分值 {weight}），但未填写偏差原因分析及改进措施",
         "满意度目标 90%，实际 85%，偏差原因栏为空", "未完成的指标都写明了偏差原因和改进措施",
         fields=("review", "weight"), emitter="score.table"),
    Code("SOURCE_MISSING", "warning", "缺少数据来源", "未填写数据来源及支持材料",
         "数据来源为空", "写明佐证材料，如“2021年企业服务满意度调查表”",
         fields=(), emitter="score.table"),
    Code("TARGET_TOO_LOW", "info", "目标可能偏低",
         "业绩值 {actual} 是目标值 {target} 的 {ratio} 倍，请核实目标是否定得过低（财预〔2020〕10号）",
         "铝材产量增长率目标 3%，实际 17.4%", "业绩值低于目标值的 1.5 倍",
         fields=("actual", "target", "ratio"), emitter="score.table"),
    Code("OVERSHOOT_UNEXPLAINED", "warning", "超额完成未说明原因",
         "业绩值 {actual} 是目标值 {target} 的 {ratio} 倍（达到 {limit} 倍及以上），但未填写偏差原因，请说明超额完成的原因",
         "受益人数目标 ≥1000 人，实际 1400 人，偏差原因栏为空",
         "业绩值低于目标值的 1.3 倍，或偏差原因栏写明超额完成的原因（表中没有偏差原因栏的不作此检查）",
         fields=("actual", "target", "ratio", "limit"), emitter="score.table"),
]

CATALOG: dict[str, Code] = {entry.code: entry for entry in _ENTRIES}


def markdown() -> str:
    """The catalog as the Markdown page docs/findings.md."""
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
        if entry.reasons:
            lines.append(f"- `{entry.code}`：")
            lines += [f"  - `{name}`：{reason.template}" for name, reason in entry.reasons.items()]
        else:
            lines.append(f"- `{entry.code}`：{entry.template}")
    return "\n".join(lines) + "\n"
