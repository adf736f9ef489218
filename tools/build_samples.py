#!/usr/bin/env python3
"""生成 xlscore 的样例输入工作簿（samples/*.xlsx）。

用法：  .venv/bin/python tools/build_samples.py [--dump]

输出是确定的（同样的代码两次运行得到逐字节相同的文件）：文档属性里的时间
和 zip 成员的时间戳都固定为常量。``--dump`` 在生成后用 python-calamine
把每个工作表的网格打印出来，便于人工核对。

数字全部取自两份种子文档（PDF 抽取文本）：
  000 铝工业转型升级专项资金   （/work/shared/seeds/000_9c5ac491b6a749f6.txt）
  002 企业服务活动专项经费     （/work/shared/seeds/002_cd158499a664185a.txt）
文本单元格是把 PDF 里折行的各行直接拼接而成（行内空格照印刷保留，
夹在表格里的页码 13/15/10 以及零散的 “0” 不是数据，已去掉）。

生成四个工作簿（samples/000_*、002_* 则由 tools/fill_samples.py 填写模板生成）：
  1. 原表版式_000_铝工业转型升级专项资金.xlsx  种子 PDF 的版式（三个标准工作表，要素写成文字）
  2. 原表版式_002_企业服务活动专项经费.xlsx    种子 PDF 的版式
  3. 手工录入_企业服务活动专项经费.xlsx     002 的数字，手工录入风格
  4. 手工录入_铝工业转型升级专项资金_万元.xlsx  000 的数字换算成万元，单表
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples"

DEPT = "郑州市工业和信息化局"
YEAR = 2021

# ---------------------------------------------------------------------------
# 单元格取值与样式小工具
# ---------------------------------------------------------------------------


class F:
    """带数字格式的值：F(1.0749, "0.00%")。"""

    __slots__ = ("value", "fmt")

    def __init__(self, value, fmt):
        self.value = value
        self.fmt = fmt


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def put(ws, row, col, v, *, border=True, head=False, align=None):
    """写一个单元格。v 可以是 None（留空，但照样画边框）、数字、文本或 F。"""
    c = ws.cell(row=row, column=col)
    if isinstance(v, F):
        c.value = v.value
        c.number_format = v.fmt
    elif v is not None:
        c.value = v
    if border:
        c.border = BORDER
    if head:
        c.font = BOLD
        c.fill = HEAD_FILL
        c.alignment = CENTER
    elif align is not None:
        c.alignment = align
    elif isinstance(c.value, str):
        c.alignment = WRAP
    else:
        c.alignment = Alignment(vertical="center")
    return c


def merge(ws, r1, c1, r2, c2):
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def widths(ws, spec):
    for letter, w in spec.items():
        ws.column_dimensions[letter].width = w


def printed(s, *, score=False):
    """把种子里印出来的文字变成单元格值。

    "107.49%" -> F(1.0749, "0.00%")（像 Excel 里手输 107.49% 一样存成小数）；
    "800" -> 800；"2.22" -> 2.22；评分结果 "10.0" -> F(10, "0.0")（保留印刷的小数位）；
    其余（合理、健全、及时…）原样作文本。
    """
    if s is None:
        return None
    m = re.fullmatch(r"(\d+(?:\.(\d+))?)%", s)
    if m:
        dec = len(m.group(2) or "")
        val = Decimal(m.group(1)) / 100
        fmt = "0%" if dec == 0 else "0." + "0" * dec + "%"
        return F(_num(val), fmt)
    m = re.fullmatch(r"\d+(?:\.(\d+))?", s)
    if m:
        val = _num(Decimal(s))
        dec = len(m.group(1) or "")
        if score and dec:
            return F(val, "0." + "0" * dec)
        return val
    return s


def _num(d: Decimal):
    return int(d) if d == d.to_integral_value() else float(d)


# ---------------------------------------------------------------------------
# 种子数据
# ---------------------------------------------------------------------------

FUND_LABELS = [
    ("预算安排", "(1)"),
    ("项目实际投入", "(2)"),
    ("资金到位", "(3)"),
    ("实际支出", "(4)"),
    ("资金结余", "(5)=(3)-(4)"),
    ("预算执行率(%)", "(6)=(3)/(1)"),
    ("资金到位率(%)", "(7)=(3)/(2)"),
    ("资金实际支出率(%)", "(8)=(4)/(3)"),
]
FUND_SUBHEAD = ["小计", "中央级", "市级", "区县级", "乡镇级", "小计", "单位自筹", "银行贷款等", "社会资本"]
USAGE_SUBHEAD = ["合计", "财政资金支出数", "其他资金支出数"]


def four(total, fiscal, city, other):
    """行(1)-(4)：种子只印 4 个数 = 合计、财政资金小计、市级、其他资金小计；其余留空。"""
    return [total, fiscal, None, city, None, None, other, None, None, None]


SEED = {
    "000": {
        "name": "铝工业转型升级专项资金",
        "target_header": "标值",
        # 资金安排情况：C..L 十列（合计、财政小计、中央、市、区县、乡镇、其他小计、自筹、贷款、社会资本）
        "fund": [
            four(68000000, 68000000, 68000000, 0),
            four(73096200, 73096200, 73096200, 0),
            four(73096200, 73096200, 73096200, 0),
            four(73096200, 73096200, 73096200, 0),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [107.49, 107.49, 0, 107.49, 0, 0, 0, 0, 0, 0],
            [100, 100, 0, 100, 0, 0, 0, 0, 0, 0],
            [100, 100, 0, 100, 0, 0, 0, 0, 0, 0],
        ],
        # 资金使用情况：合计行 (合计, 财政资金支出数, 其他资金支出数, 财政资金专款专用数)
        "usage_total": (73096200, 73096200, 0, 0),
        "usage_items": [("费用补贴", 73096200, 73096200)],
        # (一级名称, 一级权重, [(二级权重, 该组三级指标个数), ...])
        "groups": [
            ("投入和管理目标", "20", [("6.66", 3), ("6.66", 3), ("6.68", 3)]),
            ("产出目标", "40", [("10", 1), ("10", 1), ("20", 2)]),
            ("效果目标", "30", [("12", 2), ("12", 2), ("6", 1)]),
            ("影响力目标", "10", [("3.33", 1), ("3.33", 1), ("3.34", 1)]),
        ],
        "total_weight": "100",
        "total_score": "100.00",
        "grade": "优秀",
    },
    "002": {
        "name": "企业服务活动专项经费",
        "target_header": "目标值",
        "fund": [
            four(2070000, 2070000, 2070000, 0),
            four(2070000, 2070000, 2070000, 0),
            four(2070000, 2070000, 2070000, 0),
            four(1345343, 1345343, 1345343, 0),
            [724657, 724657, 0, 724657, 0, 0, 0, 0, 0, 0],
            [100, 100, 0, 100, 0, 0, 0, 0, 0, 0],
            [100, 100, 0, 100, 0, 0, 0, 0, 0, 0],
            [64.99, 64.99, 0, 64.99, 0, 0, 0, 0, 0, 0],
        ],
        "usage_total": (1345343, 1345343, 0, 0),
        "usage_items": [
            ("会议费", 270000, 270000),
            ("培训费", 542543, 542543),
            ("维修（护）费", 532800, 532800),
        ],
        "groups": [
            ("投入和管理目标", "20", [("6.66", 3), ("6.66", 3), ("6.68", 3)]),
            ("产出目标", "40", [("16", 2), ("16", 2), ("8", 1)]),
            ("效果目标", "30", [("22.5", 3), ("7.5", 1)]),
            ("影响力目标", "10", [("3.33", 1), ("3.33", 1), ("3.34", 1)]),
        ],
        "total_weight": "100",
        "total_score": "100.00",
        "grade": "优秀",
    },
}

# 附表1 的三级指标行：(三级指标, 权重, 标值/目标值, 业绩值, 评分结果, 评分标准, 数据来源及支持材料)
# 全部是种子印出来的文字（折行已拼接），数值在写表时由 printed() 转换。
IND_000 = [
    (
        '预算执行率',
        '2.22',
        '100%',
        '107.49%',
        '2.22',
        '业绩值为 100%得满分，每降低 1%扣权重分的 1%，扣完为止',
        '郑州市工业和信息化局2021-2023 年财政规划重点项目情况表',
    ),
    (
        '预算编制合理性',
        '2.22',
        '合理',
        '子项目预算内容与项目实际工作内容匹配;总预算细分为具体子项目预算;预算额度测算依据充分，数量与产出指标匹配，单价有标准来源',
        '2.22',
        '具备要素1得30%权重分，具备要素 2得 30%权重分，具备要素 3得 40%权重分。',
        '《郑州市人民政府关于加快铝工业转型升级的实施意见》（郑政〔2019〕8 号）；《关于做好 2019 年度郑州市铝工业奖补专项资金申报工作的通知》（郑工信原材料〔2020〕6 号）',
    ),
    (
        '预算资金到位情况',
        '2.22',
        '100%',
        '100%',
        '2.22',
        '业绩值为 100%得满分，每降低 1%扣权重分的 1%，扣完为止。',
        '郑州市工业和信息化局2021-2023 年财政规划重点项目情况表',
    ),
    (
        '财务管理制度健全性',
        '2.22',
        '健全',
        '往来资金结算管理相关规定完整;支出管理相关规定完整;收入管理相关规定完整;现金及银行存款管理相关规定完整;财务监督管理相关规定完整;资产管理相关规定完整;采购管理相关规定完整;预算管理相关规定完整;已制定专项资金管理制度或有适用于本项目的财务管理制度',
        '2.22',
        '具备要素 1得50%，其余要素每符合一项增加6.25%',
        '《郑州市工业和信息化局关于印发机关财务管理制度（试行）的通知》（郑工信计财〔2019〕1 号）',
    ),
    (
        '资金使用规范性',
        '2.22',
        '合规',
        '不存在截留、挤占、挪用、虚列支出等情况;符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定;符合项目预算批复或合同规定的用途;项目的重大开支经过评估认证;预算资金的拨付有完整的审批程序和手续',
        '2.22',
        '具备 1个要素得20%权重分。如果缺要素 4或缺要素 5本指标不得分。',
        '2019 年度郑州市铝工业奖补专项资金申报项目党组会议记录；委托审计合同(2019 年度市铝工业转型升级专项审计业务约定书)；《郑州市工业和信息化局关于印发机关财务管理制度（试行）的通知》（郑工信计财〔2019〕1 号）；郑州市铝工业奖补专项资金专项审核报告',
    ),
    (
        '财务监控有效性',
        '2.22',
        '有效',
        '已制定或具有相应的财务监控机制;采取了相应的财务检查等必要的监控措施或手段，对资金使用进行监控',
        '2.22',
        '业绩值为 3得满分，每降低 1扣权重分的33.33%，扣完为止。',
        '委托审计合同(2019 年度市铝工业转型升级专项审计业务约定书)；《郑州市工业和信息化局关于印发机关财务管理制度（试行）的通知》（郑工信计财〔2019〕1 号）；郑州市铝工业奖补专项资金专项审核报告',
    ),
    (
        '信息公开情况',
        '2.22',
        '规范',
        '公示的信息全面完整;公示的方式遵循相关规定;在规定时间内完成了公示',
        '2.22',
        '业绩值为 3得满分，每降低 1扣除权重分的 1/3，扣完为止',
        '关于 2019 年度郑州市铝工业奖补专项资金拟支持企业和项目的公示',
    ),
    (
        '项目管理制度健全性',
        '2.22',
        '健全',
        '项目管理制度（机制）具备可操作性;项目管理制度（机制）内容完整，覆盖明确的政策对象、政策标准、项目申报要求、审核要求、结果公开等基本内容；具备完善退出机制、应急机制、档案资料管理制度或机制;具备适用于本项目的合法合规的管理制度、办法或方案',
        '2.22',
        '具备要素1得50%权重分，其余要素每符合一项得25%权重分。',
        '《中共郑州市工业和信息化委员会党组关于印发三重一大集体决策制度实施办法（试行）的通知》（郑工信发〔2018〕62 号）；《郑州市工业和信息化局关于印发市级财政资金项目评审办法（暂行）的通知》（郑工信〔2019〕40 号）',
    ),
    (
        '资格审核（含复审）规范性',
        '2.24',
        '规范',
        '在规定的时间内完成了所有审核;完成了所有规定内容的审核;审核方式透明，遵循相关规定;审核结果正确无误',
        '2.24',
        '具备一个得分要素得 25%权重分。',
        '委托审计合同(2019 年度市铝工业转型升级专项审计业务约定书)；郑州市铝工业奖补专项资金专项审核报告',
    ),
    (
        '奖补计划完成率',
        '10',
        '100%',
        '100%',
        '10.0',
        None,
        '《郑州市人民政府关于加快铝工业转型升级的实施意见》（郑政〔2019〕8 号）；《关于做好 2019 年度郑州市铝工业奖补专项资金申报工作的通知》（郑工信原材料〔2020〕6 号）',
    ),
    (
        '收益对象资质条件符合率',
        '10',
        '100%',
        '100%',
        '10.0',
        None,
        '委托审计合同(2019 年度市铝工业转型升级专项审计业务约定书)；郑州市铝工业奖补专项资金专项审核报告',
    ),
    (
        '企业申报评审工作完成及时性',
        '10',
        '及时',
        '及时',
        '10.0',
        None,
        '委托审计合同(2019 年度市铝工业转型升级专项审计业务约定书)；郑州市铝工业奖补专项资金专项审核报告',
    ),
    (
        '奖补资金发放及时率',
        '10',
        '100%',
        '100%',
        '10.0',
        None,
        '《郑州市人民政府关于加快铝工业转型升级的实施意见》（郑政〔2019〕8 号）；《关于做好 2019 年度郑州市铝工业奖补专项资金申报工作的通知》（郑工信原材料〔2020〕6 号）',
    ),
    (
        '铝及铝精深加工产业规模以上工业增加值',
        '6',
        '7%',
        '17.1%',
        '6.0',
        None,
        '郑州市经济动态 2021 年 12期',
    ),
    (
        '铝材产量增长率',
        '6',
        '3%',
        '17.4%',
        '6.0',
        None,
        '郑州市经济动态 2021 年 12期',
    ),
    (
        '政策知晓度',
        '6',
        '100%',
        '100%',
        '6.0',
        None,
        '2020 年郑州市铝工业奖补专项资金专家评审意见汇总表；2020 年郑州市铝工业奖补专项资金及制造业高质量发展若干政策（材料工业类）专家评审工作方案',
    ),
    (
        '政企沟通',
        '6',
        '畅通',
        '畅通',
        '6.0',
        None,
        '2020 年郑州市铝工业奖补专项资金专家评审意见汇总表；2020 年郑州市铝工业奖补专项资金及制造业高质量发展若干政策（材料工业类）专家评审工作方案',
    ),
    (
        '受补贴企业满意度',
        '6',
        '90%',
        '100%',
        '6.0',
        None,
        '2021 年企业服务满意度调查表',
    ),
    (
        '档案管理完备性',
        '3.33',
        '完备',
        '完备',
        '3.33',
        None,
        '2020 年郑州市制造业高质量发展专项资金（材料工业类）评审专家签到表；2020年郑州市制造业高质量发展专项资金（材料工业类）评审工作人员签到表；2020年郑州市铝工业奖补专项资金及制造业高质量发展若干政策（材料工业类）专家评审工作方案；《郑州市人民政府关于加快铝工业转型升级的实施意见》（郑政〔2019〕8 号）；关于 2019年度郑州市铝工业奖补专项资金拟支持企业和项目的公示；关于召开 2020 年郑州市铝工业奖补专项资金及制造业高质量发展若干政策（材料工业类）评审会的通知；《关于做好 2019年度郑州市铝工业奖补专项资金申报工作的通知》（郑工信原材料〔2020〕6号）',
    ),
    (
        '跨部门沟通协作有效性',
        '3.33',
        '有效',
        '有效',
        '3.33',
        None,
        '《郑州市人民政府关于加快铝工业转型升级的实施意见》（郑政〔2019〕8 号）；《关于做好 2019 年度郑州市铝工业奖补专项资金申报工作的通知》（郑工信原材料〔2020〕6 号）',
    ),
    (
        '政策公开公示率',
        '3.34',
        '100%',
        '100%',
        '3.34',
        None,
        '关于 2019 年度郑州市铝工业奖补专项资金拟支持企业和项目的公示',
    ),
]

IND_002 = [
    (
        '预算执行率',
        '2.22',
        '100%',
        '100%',
        '2.22',
        '业绩值为 100%得满分，每降低 1%扣权重分的 1%，扣完为止',
        '郑州市工业和信息化局2021-2023年财政规划重点项目情况表；企业服务活动专项经费项目明细账',
    ),
    (
        '预算编制合理性',
        '2.22',
        '合理',
        '子项目预算内容与项目实际工作内容匹配;总预算细分为具体子项目预算;预算额度测算依据充分，数量与产出指标匹配，单价有标准来源',
        '2.22',
        '具备要素1得30%权重分，具备要素2得 30%权重分，具备要素3得40%权重分。',
        '《关于印发郑州市市直机关培训费管理办法的通知》（郑财行〔2017〕8号）；2021 企业服务活动专项经费预算明细；《郑州市企业服务活动联席会议关于印发郑州市 2021 年企业服务工作实施方案的通知》（郑企〔2021〕1 号）；《郑州市工业和信息化局财关于印发机关财务管理制度（试行）的通知》（郑工信计财〔2019〕1 号）；郑州市工业和信息化局机关支出项目绩效目标表',
    ),
    (
        '预算资金到位情况',
        '2.22',
        '100%',
        '100%',
        '2.22',
        '业绩值为 100%得满分，每降低 1%扣权重分的 1%，扣完为止。',
        '郑州市工业和信息化局2021-2023年财政规划重点项目情况表',
    ),
    (
        '财务管理制度健全性',
        '2.22',
        '健全',
        '往来资金结算管理相关规定完整;支出管理相关规定完整;收入管理相关规定完整;现金及银行存款管理相关规定完整;财务监督管理相关规定完整;资产管理相关规定完整;采购管理相关规定完整;预算管理相关规定完整;已制定专项资金管理制度或有适用于本项目的财务管理制度',
        '2.22',
        '具备要素 1得50%，其余要素每符合一项增加6.25%',
        '郑州市工业经济信息情报中心财务制度；《郑州市人民政府办公厅关于印发郑州市市级会议费管理办法的通知》（郑政办〔2016〕70 号）；《郑州市工业和信息化局财关于印发机关财务管理制度（试行）的通知》（郑工信计财〔2019〕1 号）',
    ),
    (
        '资金使用规范性',
        '2.22',
        '合规',
        '不存在截留、挤占、挪用、虚列支出等情况;符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定;符合项目预算批复或合同规定的用途;项目的重大开支经过评估认证;预算资金的拨付有完整的审批程序和手续',
        '2.22',
        '具备 1个要素得20%权重分。如果缺要素 4或缺要素 5本指标不得分。',
        '《郑州市人民政府办公厅关于印发郑州市市级会议费管理办法的通知》（郑政办〔2016〕70 号）；《关于印发郑州市市直机关培训费管理办法的通知》（郑财行〔2017〕8号）',
    ),
    (
        '财务监控有效性',
        '2.22',
        '有效',
        '已制定或具有相应的财务监控机制;采取了相应的财务检查等必要的监控措施或手段，对资金使用进行监控;按项目进行成本核算，以及项目成本差异情况',
        '2.22',
        '业绩值为 3得满分，每降低 1扣权重分的 33.33%，扣完为止。',
        '《郑州市工业和信息化局财关于印发机关财务管理制度（试行）的通知》（郑工信计财〔2019〕1 号）',
    ),
    (
        '合同管理完备性',
        '2.22',
        '完备',
        '合同中有明确、清晰、完整的质量标准或验收标准;合同双方明确、清晰、完整;合同履约期限明确、清晰、完整;合同支付方式和支付时间明确、清晰、完整;合同有明确、清晰、完整的交付方式及地点;合同标的物及价格明确、清晰、完整;合同生效和解除条款明确、清晰、完整;合同违约责任界定明确、清晰、完整;合同双方按照合约定履行',
        '2.22',
        '具备要素 1~8 得6.25%，具备要素9得 50%',
        '郑州市企业服务平台运行维护协议；郑州市工信系统信息服务平台运行维护协议',
    ),
    (
        '项目质量可控性',
        '2.22',
        '可控',
        '已制定或具有相应的项目质量要求或标准;采取了相应的项目质量检查、验收等必需的控制措施或手段;对考核结果及时进行反馈和应用',
        '2.22',
        '业绩值为 3得满分，每降低 1扣权重分的 1/3，扣完为止',
        '2021 年企业服务活动工作安排及分工',
    ),
    (
        '项目管理制度健全性',
        '2.24',
        '健全',
        '项目管理制度（机制）具备可操作性;项目管理制度（机制）内容完整，覆盖明确的工作计划、工作方法、进度计划、人员配置及项目质量要求或标准;具备适用于本项目的合法合规的管理制度、办法或方案',
        '2.24',
        '具备要素1得50%权重分，其余要素每符合一项得25%权重分。',
        '《中共郑州市工业和信息化委员会党组关于印发三重一大集体决策制度实施办法（试行）的通知》（郑工信发〔2018〕62 号）；《郑州市工业和信息化委员会关于申请郑州市工业项目监测管理服务系统建设费用的请示》（郑工信〔2018〕114 号）；工业监测系统请示的批示',
    ),
    (
        '培训和参加论坛人数（人次）',
        '8',
        '800',
        '900',
        '8.0',
        None,
        '企业家素能提升专题培训通知和培训照片 1；企业转型升级专题培训通知和培训照片；企业家素能提升专题培训照片 2；弘扬企业家精神推动高质量发展专题培训通知和培训照片；郑州市优秀企业家领航计划培训通知和培训照片；《郑州市工业和信息化局关于举办第三届优秀企业家领航计划论坛的通知》（郑工信运行〔2021〕3 号）；《郑州市工业和信息化局关于举办第四届郑州市优秀企业家领航计划论坛的通知》（郑工信运行〔2021〕14 号）；第三届优秀企业家领航计划论坛签到表；第四届郑州市优秀企业家领航计划论坛签到表；郑州市优秀企业家领航计划──企业家素能提升专题研修班名单',
    ),
    (
        '政策宣讲场次（场）',
        '8',
        '3',
        '4',
        '8.0',
        None,
        '“万人助万企”暨高质量发展政策宣讲会；“万人助万企”活动政策宣讲会；推进企业高质量发展及数字化转型政策培训会；郑州市高质量发展若干政策宣讲会',
    ),
    (
        '企业数据报送质量',
        '8',
        '提升',
        '提升',
        '8.0',
        None,
        '2021 年企业填报情况；工业项目监测',
    ),
    (
        '企业服务平台',
        '8',
        '平稳运行',
        '平稳运行',
        '8.0',
        None,
        '企业服务平台图片',
    ),
    (
        '企业数据报送及时性',
        '8',
        '及时',
        '及时',
        '8.0',
        None,
        '2021 年企业填报情况；工业项目监测',
    ),
    (
        '企业问题办结率',
        '7.5',
        '90%',
        '100%',
        '7.5',
        None,
        '省级问题反馈表-市直-市生态环境局“万人助万企”企业问题办理情况反馈表；市问题办理企业反馈表-上街区问题反馈表；省级问题反馈表-市直-市城建局问题反馈表 2；市问题办理企业反馈表-市卫健委.问题反馈表 zip；市问题办理企业反馈表-市发改委问题反馈表；市问题办理企业反馈表-市商务局问题反馈表；市问题办理企业反馈表-市园林局问题反馈表；市问题办理企业反馈表-市国资委问题反馈表；市问题办理企业反馈表-市财政局问题反馈表；市问题办理企业反馈表-市资源规划局问题反馈表；市问题办理企业反馈表-市金融局问题反馈表 1；省级问题反馈表-县区-经开问题反馈表；省级问题反馈表-县区-荥阳省市交办问题反馈表；市问题办理企业反馈表-市科技局问题反馈表 1；市问题办理企业反馈表-市科技局问题反馈表 2；市问题办理企业反馈表-市金融局问题反馈表 2；市问题办理企业反馈表-市金融局问题反馈表 3；市问题办理企业反馈表-市金融局问题反馈表 4；市问题办理企业反馈表-市金融局问题反馈表 5；市问题办理企业反馈表-登封市问题反馈表；市问题办理企业反馈表-省税务局第三分局问题反馈表；省级问题反馈表-市直-市人社局问题反馈表 4；省级问题反馈表-市直-市住建局问题反馈表；省级问题反馈表-市直-市农委问题反馈表；省级问题反馈表-市直-市卫健委问题反馈表；省级问题反馈表-市直-市发改委问题反馈表；省级问题反馈表-市直-市商务局办事企业满意度反馈表扫描；省级问题反馈表-市直-市国委办结企业问题反馈表；市问题办理企业反馈表-市税务局问题反馈表；市问题办理企业反馈表-市粮食局问题反馈表；市问题办理企业反馈表-市统计局问题反馈表；市问题办理企业反馈表-市医保局问题反馈表；省级问题反馈表-县区-金水问题反馈表；省级问题反馈表-县区-高新问题反馈表；省级问题反馈表-市直-医保局反馈表（1-8 批全部）补发；省级问题反馈表-市直-市事管局“万人助万企”企业问题办理反馈表；省级问题反馈表-市直-市交通局问题反馈表；市问题办理企业反馈表-市城建局问题反馈表 1；市问题办理企业反馈表-市城建局问题反馈表 2；市问题办理企业反馈表-市城管局问题反馈表；市问题办理企业反馈表-市大数据局问题反馈表；市问题办理企业反馈表-市工信局问题反馈表；市问题办理企业反馈表-中原区问题反馈表；市问题办理企业反馈表-中牟县问题反馈表；市问题办理企业反馈表-二七区问题反馈表；市问题办理企业反馈表-巩义市问题反馈表；市问题办理企业反馈表-市交通局问题反馈表；市问题办理企业反馈表-市教育局问题反馈表；市问题办理企业反馈表-市市场监管局问题反馈表；市问题办理企业反馈表-市应急局问题反馈表；市问题办理企业反馈表-市残联问题反馈表；市问题办理企业反馈表-市物流口岸局问题反馈表；市问题办理企业反馈表-市生态环境局问题反馈表；市问题办理企业反馈表-惠济区问题反馈表 1；市问题办理企业反馈表-惠济区问题反馈表 2；市问题办理企业反馈表-新密市问题反馈表；市问题办理企业反馈表-新郑市问题反馈表；市问题办理企业反馈表-管城区问题反馈表；市问题办理企业反馈表-经开区问题反馈表；市问题办理企业反馈表-航空港区问题反馈表；市问题办理企业反馈表-荥阳市问题反馈表；省级问题反馈表-县区-港区问题反馈表；省级问题反馈表-县区-登封问题反馈表；省级问题反馈表-县区-管城问题反馈表；省级问题反馈表-市直-市交通局问题反馈表；省级问题反馈表-市直-市人社局问题反馈表 1；省级问题反馈表-市直-市城建局问题反馈表 3；市问题办理企业反馈表-郑东新区问题反馈表；市问题办理企业反馈表-高新区问题反馈表；省级问题反馈表-县区-“万人助万企”省市交办问题反馈表（荥阳市）；省级问题反馈表-县区-上街问题反馈表；省级问题反馈表-县区-东区问题反馈表；省级问题反馈表-县区-中原问题反馈表；省级问题反馈表-县区-中牟县问题反馈表；省级问题反馈表-县区-二七问题反馈表；省级问题反馈表-县区-巩义问题反馈表；省级问题反馈表-县区-惠济问题反馈表；省级问题反馈表-县区-新密问题反馈表；省级问题反馈表-县区-新郑市问题反馈表；市问题办理企业反馈表-市人社局问题反馈表 1；市问题办理企业反馈表-市人社局问题反馈表 2；市问题办理企业反馈表-市住房保障局问题反馈表；市问题办理企业反馈表-市供电公司问题反馈表；市问题办理企业反馈表-市公安局问题反馈表；市问题办理企业反馈表-市农委问题反馈表；省级问题反馈表-市直-市城建局问题反馈表 1；省级问题反馈表-市直-市城管局问题反馈表；省级问题反馈表-市直-市大数据局反馈表；省级问题反馈表-市直-市工信局问题反馈表；省级问题反馈表-市直-市人社局问题反馈表 2；省级问题反馈表-市直-市人社局问题反馈表 3；省级问题反馈表-市直-市教育局问题反馈表；省级问题反馈表-市直-市市场监管局问题反馈表；省级问题反馈表-市直-市应急管理局问题反馈表；省级问题反馈表-市直-市科技局反馈表 1',
    ),
    (
        '企业管理创新能力',
        '7.5',
        '提升',
        '提升',
        '7.5',
        None,
        '关于认定河南省智能锅炉制造创新中心等为河南省制造业创新中心的通知（豫工信联科〔2021〕43 号）；郑州市工业和信息化局关于认定2021 年度郑州市企业技术中心的通知（郑工信〔2021〕116 号）',
    ),
    (
        '政策宣讲覆盖企业面',
        '7.5',
        '提高',
        '提高',
        '7.5',
        None,
        '郑州市“万人助万企”活动惠企政策汇编',
    ),
    (
        '企业对工信系统服务满意度',
        '7.5',
        '95%',
        '100%',
        '7.5',
        None,
        '经开区-企业满意度调查问卷 3；高新区-企业满意度调查问卷 3；高新区-企业满意度调查问卷 4；高新区-企业满意度调查问卷 5；经开区-企业满意度调查问卷 2；中牟县-企业满意度调查问卷 1；中牟县-企业满意度调查问卷 2；二七区-企业满意度调查问卷；巩义市-企业满意度调查问卷 1；中原区-企业满意度调查问卷；新郑市-企业满意度调查问卷 1；新郑市-企业满意度调查问卷 2；港区-高新企业满意度调查问卷；登封市-企业满意度调查问卷；经开区-企业满意度调查问卷1；巩义市-企业满意度调查问卷2；郑东新区-企业满意度调查问卷；金水区-企业满意度调查问卷 1；金水区-企业满意度调查问卷 2；高新区-企业满意度调查问卷 1；高新区-企业满意度调查问卷 2；荥阳市-企业满意度调查问卷 1；荥阳市-企业满意度调查问卷 2；荥阳市-企业满意度调查问卷3；荥阳市-企业满意度调查问卷 4；荥阳市-企业满意度调查问卷 5；荥阳市-企业满意度调查问卷 6；上街区-企业满意度调查问卷；惠济区-企业满意度调查问卷；新密市-企业满意度调查问卷',
    ),
    (
        '档案管理完备性',
        '3.33',
        '完备',
        '完备',
        '3.33',
        None,
        '2021 年 1-3 月份按时上报企业话费补助；2021 年 4-6 月按时上报企业话费补助；2021 年 7-9 月按时上报企业话费补助；运行办 2021 年工作总结及 2022 年工作谋划',
    ),
    (
        '跨部门沟通协作有效性',
        '3.33',
        '有效',
        '有效',
        '3.33',
        None,
        '关于提供惠企政策内容通知；郑州市“万人助万企”活动惠企政策汇编',
    ),
    (
        '政策公开公示率',
        '3.34',
        '100%',
        '100%',
        '3.34',
        None,
        '政策公开公示率 100%图片',
    ),
]



SEED["000"]["indicators"] = IND_000
SEED["002"]["indicators"] = IND_002


def check_seed(key):
    """核对转录：二级权重之和=一级权重，三级权重之和=二级权重，评分合计=总计。"""
    s = SEED[key]
    ind = s["indicators"]
    i = 0
    tot_w = Decimal(0)
    tot_s = Decimal(0)
    for _l1, w1, groups in s["groups"]:
        assert sum(Decimal(w) for w, _ in groups) == Decimal(w1), (key, _l1)
        for w2, n in groups:
            rows = ind[i:i + n]
            assert len(rows) == n, (key, w2)
            assert sum(Decimal(r[1]) for r in rows) == Decimal(w2), (key, w2, [r[0] for r in rows])
            tot_w += sum(Decimal(r[1]) for r in rows)
            tot_s += sum(Decimal(r[4]) for r in rows)
            i += n
    assert i == len(ind), key
    assert tot_w == Decimal(s["total_weight"]) and tot_s == Decimal(s["total_score"]), key
    u_total = s["usage_total"]
    assert sum(x[1] for x in s["usage_items"]) == u_total[0], key


# ---------------------------------------------------------------------------
# 三张表的写法（位置由参数决定，三种工作簿共用）
# ---------------------------------------------------------------------------

FUND_WIDTHS = {"A": 20, "B": 12, "C": 13, "D": 13, "E": 9, "F": 13, "G": 9, "H": 9,
               "I": 9, "J": 9, "K": 11, "L": 9}
SCORE_WIDTHS = {"A": 10, "B": 6, "C": 6, "D": 18, "E": 7, "F": 10, "G": 42, "H": 9,
                "I": 26, "J": 50, "K": 9, "L": 9, "M": 12}


def write_fund_table(ws, top, grid, labels=FUND_LABELS):
    """资金安排情况：表头占 top、top+1 两行，数据从 top+2 起 8 行；A..L 列。"""
    put(ws, top, 1, "项目", head=True)
    put(ws, top, 2, "行次", head=True)
    put(ws, top, 3, "合计", head=True)
    put(ws, top, 4, "财政资金", head=True)
    put(ws, top, 9, "其他资金", head=True)
    for j, h in enumerate(FUND_SUBHEAD):
        put(ws, top + 1, 4 + j, h, head=True)
    for col in (1, 2, 3):
        put(ws, top + 1, col, None, head=True)
    for col in (5, 6, 7, 8, 10, 11, 12):
        put(ws, top, col, None, head=True)
    for i, ((label, line), vals) in enumerate(zip(labels, grid)):
        r = top + 2 + i
        put(ws, r, 1, label)
        put(ws, r, 2, line, align=CENTER)
        for j, v in enumerate(vals):
            put(ws, r, 3 + j, v, align=RIGHT)
    merge(ws, top, 1, top + 1, 1)
    merge(ws, top, 2, top + 1, 2)
    merge(ws, top, 3, top + 1, 3)
    merge(ws, top, 4, top, 8)
    merge(ws, top, 9, top, 12)
    return top + 2 + len(grid)


def write_usage_table(ws, top, total, items, unit="元"):
    """资金使用情况：表头 top、top+1 两行，合计行 top+2，明细从 top+3 起；A..E 列。"""
    put(ws, top, 1, "项目支出内容", head=True)
    put(ws, top, 2, f"资金情况（单位：{unit}）", head=True)
    put(ws, top, 3, None, head=True)
    put(ws, top, 4, None, head=True)
    put(ws, top, 5, "财政资金专款专用数", head=True)
    put(ws, top + 1, 1, None, head=True)
    put(ws, top + 1, 5, None, head=True)
    for j, h in enumerate(USAGE_SUBHEAD):
        put(ws, top + 1, 2 + j, h, head=True)
    r = top + 2
    put(ws, r, 1, "合计")
    for j, v in enumerate(total):
        put(ws, r, 2 + j, v, align=RIGHT)
    for name, amount, fiscal in items:
        r += 1
        put(ws, r, 1, name)
        put(ws, r, 2, amount, align=RIGHT)
        put(ws, r, 3, fiscal, align=RIGHT)
        put(ws, r, 4, None)
        put(ws, r, 5, None)
    merge(ws, top, 1, top + 1, 1)
    merge(ws, top, 2, top, 4)
    merge(ws, top, 5, top + 1, 5)
    return r + 1


SCORE_HEADERS = ["一级指标", None, None, "三级指标", "权重", "标值", "业绩值", "评分结果",
                 "评分标准", "数据来源及支持材料（附件）", "复核业绩值", "复核得分", "复核说明"]


def write_score_table(ws, top, seed, *, title="附表1.自评价评分附件表", headers=None,
                      actual_text=lambda i, s: s):
    """附表1：标题行 top，表头 top+1，指标从 top+2 起，之后是“总计”“评价等级”两行；A..M 列。

    A 一级名称、B 一级权重、C 二级权重（A、B 在一级范围内纵向合并，C 在二级组内纵向合并），
    D 三级指标、E 权重、F 标值、G 业绩值、H 评分结果、I 评分标准、J 数据来源、K-M 复核（空）。
    """
    if headers is None:
        headers = list(SCORE_HEADERS)
        headers[5] = seed["target_header"]
    put(ws, top, 1, title, border=False, align=Alignment(horizontal="center", vertical="center"))
    ws.cell(row=top, column=1).font = TITLE_FONT
    merge(ws, top, 1, top, 13)
    for j, h in enumerate(headers):
        put(ws, top + 1, 1 + j, h, head=True)
    merge(ws, top + 1, 1, top + 1, 3)

    ind = seed["indicators"]
    r = top + 2
    i = 0
    for l1, w1, groups in seed["groups"]:
        l1_start = r
        for w2, n in groups:
            g_start = r
            for _ in range(n):
                name, w, target, actual, score, std, src = ind[i]
                put(ws, r, 1, l1 if r == l1_start else None, align=CENTER)
                put(ws, r, 2, printed(w1) if r == l1_start else None, align=CENTER)
                put(ws, r, 3, printed(w2) if r == g_start else None, align=CENTER)
                put(ws, r, 4, name)
                put(ws, r, 5, printed(w), align=CENTER)
                put(ws, r, 6, printed(target), align=CENTER)
                a = printed(actual)
                if isinstance(a, str):
                    a = actual_text(i, a)
                put(ws, r, 7, a, align=CENTER if len(actual) <= 8 else WRAP)
                put(ws, r, 8, printed(score, score=True), align=CENTER)
                put(ws, r, 9, std)
                put(ws, r, 10, src)
                for col in (11, 12, 13):
                    put(ws, r, col, None)
                i += 1
                r += 1
            merge(ws, g_start, 3, r - 1, 3)
        merge(ws, l1_start, 1, r - 1, 1)
        merge(ws, l1_start, 2, r - 1, 2)
    # 总计
    put(ws, r, 1, "总计", align=CENTER)
    for col in range(2, 14):
        put(ws, r, col, None)
    ws.cell(row=r, column=5).value = printed(seed["total_weight"])
    ws.cell(row=r, column=5).alignment = CENTER
    tot = printed(seed["total_score"], score=True)
    ws.cell(row=r, column=8).value = tot.value
    ws.cell(row=r, column=8).number_format = tot.fmt
    ws.cell(row=r, column=8).alignment = CENTER
    merge(ws, r, 1, r, 4)
    r += 1
    put(ws, r, 1, "评价等级", align=CENTER)
    for col in range(2, 14):
        put(ws, r, col, None)
    ws.cell(row=r, column=8).value = seed["grade"]
    ws.cell(row=r, column=8).alignment = CENTER
    merge(ws, r, 1, r, 4)
    return r + 1


# ---------------------------------------------------------------------------
# 1、2：种子版式
# ---------------------------------------------------------------------------


def build_seed_layout(key):
    s = SEED[key]
    wb = Workbook()
    ws = wb.active
    ws.title = "资金安排情况"
    for r, (label, value) in enumerate(
        [("项目名称", s["name"]), ("主管部门", DEPT), ("年度", YEAR)], start=1
    ):
        put(ws, r, 1, label, border=False)
        ws.cell(row=r, column=1).font = BOLD
        put(ws, r, 2, value, border=False, align=Alignment(horizontal="left", vertical="center"))
    write_fund_table(ws, 5, s["fund"])
    widths(ws, FUND_WIDTHS)

    ws = wb.create_sheet("资金使用情况")
    write_usage_table(ws, 1, s["usage_total"], s["usage_items"])
    widths(ws, {"A": 18, "B": 14, "C": 16, "D": 16, "E": 20})

    ws = wb.create_sheet("自评价评分附件表")
    write_score_table(ws, 1, s)
    widths(ws, SCORE_WIDTHS)
    return wb


# ---------------------------------------------------------------------------
# 3：002 手工录入
# ---------------------------------------------------------------------------

YUAN = "#,##0"


def build_hand_002():
    s = SEED["002"]
    wb = Workbook()
    ws = wb.active
    ws.title = "表一 资金"
    put(ws, 1, 1, f"{YEAR}年度{s['name']}项目支出绩效自评表", border=False,
        align=Alignment(horizontal="center", vertical="center"))
    ws.cell(row=1, column=1).font = TITLE_FONT
    merge(ws, 1, 1, 1, 12)
    put(ws, 2, 1, f"项目名称：{s['name']}", border=False, align=Alignment(vertical="center"))
    merge(ws, 2, 1, 2, 5)
    put(ws, 2, 6, f"主管部门：{DEPT}", border=False, align=Alignment(vertical="center"))
    merge(ws, 2, 6, 2, 9)
    put(ws, 2, 10, f"年度：{YEAR}年", border=False, align=Alignment(vertical="center"))
    merge(ws, 2, 10, 2, 12)
    put(ws, 3, 12, "单位：元", border=False, align=RIGHT)

    def y(v):
        return F(v, YUAN)

    def p(v, fmt="0%"):
        return F(v, fmt)

    rest0 = [p(0)] * 6
    grid = [
        ["2,070,000", y(2070000), None, y(2070000), None, None, y(0), None, None, None],
        [y(2070000), "2,070,000", None, y(2070000), None, None, y(0), None, None, None],
        [y(2070000), y(2070000), None, y(2070000), None, None, y(0), None, None, None],
        ["1,345,343", y(1345343), None, y(1345343), None, None, y(0), None, None, None],
        ["724,657元", y(724657), y(0), y(724657)] + [y(0)] * 6,
        [p(1), "100%", p(0), p(1)] + rest0,
        [p(1), p(1), p(0), "１００％"] + rest0,
        [p(0.6499, "0.00%"), p(0.6499, "0.00%"), p(0, "0.00%"), p(0.6499, "0.00%")]
        + [p(0, "0.00%")] * 6,
    ]
    labels = list(FUND_LABELS)
    # 手工录入时常见的全角括号
    labels[5:] = [(lab.replace("(%)", "（%）"), line) for lab, line in labels[5:]]
    end = write_fund_table(ws, 4, grid, labels)          # 表头 4-5，数据 6-13
    write_usage_table(                                    # 空一行，表头 15-16，合计 17
        ws, end + 1,
        ("1,345,343", y(1345343), y(0), y(0)),
        [("会议费", y(270000), y(270000)),
         ("培训费", "542,543", y(542543)),
         ("维修（护）费", y(532800), y(532800))],
    )
    widths(ws, FUND_WIDTHS)
    ws.column_dimensions["E"].width = 16

    ws = wb.create_sheet("绩效评分")
    headers = ["一级指标", None, None, "三级指标", "权重", "年度指标值", "实际完成值", "自评得分",
               "评价标准", "数据来源及支持材料（附件）", "复核业绩值", "复核得分", "复核说明"]
    counter = {"n": 0}

    def resep(_i, text):
        # 要素清单：轮流用全角分号“；”和换行分隔，代替种子里的半角“;”
        if ";" not in text:
            return text
        counter["n"] += 1
        return text.replace(";", "；" if counter["n"] % 2 else "\n")

    write_score_table(ws, 1, s, title=f"{s['name']}项目支出绩效自评价评分表",
                      headers=headers, actual_text=resep)
    widths(ws, SCORE_WIDTHS)
    return wb


# ---------------------------------------------------------------------------
# 4：000 换算成万元，单表 Sheet1
# ---------------------------------------------------------------------------

WAN = "0.00"


def build_wan_000():
    s = SEED["000"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    put(ws, 1, 1, f"{YEAR}年度{s['name']}项目支出绩效自评表", border=False,
        align=Alignment(horizontal="center", vertical="center"))
    ws.cell(row=1, column=1).font = TITLE_FONT
    merge(ws, 1, 1, 1, 12)
    # 表头信息横排在一行：标签 | 值
    put(ws, 2, 1, "项目名称", border=False)
    put(ws, 2, 2, s["name"], border=False)
    merge(ws, 2, 2, 2, 5)
    put(ws, 2, 6, "主管部门", border=False)
    put(ws, 2, 7, DEPT, border=False)
    merge(ws, 2, 7, 2, 9)
    put(ws, 2, 10, "年度", border=False)
    put(ws, 2, 11, YEAR, border=False, align=Alignment(horizontal="left"))
    put(ws, 3, 1, "（单位：万元）", border=False)

    def w(yuan):
        return F(float(Decimal(yuan) / 10000), WAN)

    def pct(v):
        return f"{v}%"

    def four_w(total, fiscal, city, other, total_cell=None):
        return [total_cell if total_cell is not None else w(total), w(fiscal), None, w(city),
                None, None, w(other), None, None, None]

    fund = s["fund"]
    grid = [
        four_w(68000000, 68000000, 68000000, 0),
        four_w(73096200, 73096200, 73096200, 0),
        four_w(73096200, 73096200, 73096200, 0),
        four_w(73096200, 73096200, 73096200, 0, total_cell="7,309.62万元"),
        [w(v) for v in fund[4]],
    ] + [[pct(v) for v in row] for row in fund[5:]]
    end = write_fund_table(ws, 4, grid)                 # 表头 4-5，数据 6-13
    end = write_usage_table(                             # 表头 15-16，合计 17，费用补贴 18
        ws, end + 1,
        (w(73096200), w(73096200), w(0), w(0)),
        [("费用补贴", w(73096200), w(73096200))],
        unit="万元",
    )
    write_score_table(ws, end + 1, s)                    # 标题 20，表头 21，指标 22-42
    widths(ws, {**SCORE_WIDTHS, "A": 18, "B": 12, "C": 12, "E": 12, "F": 12})
    return wb


# ---------------------------------------------------------------------------
# 确定性保存
# ---------------------------------------------------------------------------

FIXED_ZIP_TIME = (2022, 1, 1, 0, 0, 0)
FIXED_ISO = "2022-01-01T00:00:00Z"


def save(wb, path: Path):
    import datetime

    fixed = datetime.datetime(2022, 1, 1)
    wb.properties.creator = "xlscore tools/build_samples.py"
    wb.properties.created = fixed
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl 会把 modified 写成“现在”，下面改回常量
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + FIXED_ISO.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def dump(path: Path):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    print(f"===== {path.name}")
    for name in wb.sheet_names:
        print(f"--- [{name}]")
        for r, row in enumerate(wb.get_sheet_by_name(name).to_python(), start=1):
            cells = [f"{get_column_letter(c)}={v!r}" for c, v in enumerate(row, start=1)
                     if v not in ("", None)]
            print(f"{r:3d}: " + "  ".join(c if len(c) < 60 else c[:57] + "…'" for c in cells))


def main(argv):
    for key in SEED:
        check_seed(key)
    OUT.mkdir(exist_ok=True)
    books = [
        (f"原表版式_000_{SEED['000']['name']}.xlsx", build_seed_layout("000")),
        (f"原表版式_002_{SEED['002']['name']}.xlsx", build_seed_layout("002")),
        (f"手工录入_{SEED['002']['name']}.xlsx", build_hand_002()),
        (f"手工录入_{SEED['000']['name']}_万元.xlsx", build_wan_000()),
    ]
    for fname, wb in books:
        path = OUT / fname
        save(wb, path)
        print(f"wrote {path.relative_to(ROOT)}")
        if "--dump" in argv:
            dump(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
