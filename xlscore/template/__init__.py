"""The blank 附表 workbooks (``xlscore template``), and the same workbooks filled for the samples.

    common     what every form shares: Fill, the 填表说明 sheet, finishing a workbook
    annex      the municipal 附表 (资金安排情况, 资金使用情况, 自评价评分附件表)
    national   the national form (财预〔2020〕10号)
    sheetmodel a small in-memory model of a sheet, its formulas computed
    xlsxout    a model written with xlsxwriter: styles, validation, protection, print set-up
    workbook   the blank workbook of a scheme, written
"""

from .workbook import write_template

__all__ = ["write_template"]
