"""Print layout (xlscore/write/printsetup.py) visits only the cells a sheet holds: an empty
formatted cell far away (issue 19, item 3) neither widens the print area nor has the rectangle up to
it made cell by cell."""

from __future__ import annotations

import openpyxl
from openpyxl.styles import Font

from xlscore.read.speed import held_cells
from xlscore.write import printsetup


def test_print_layout_visits_only_the_cells_a_sheet_holds():
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws["A1"] = "标题"
    ws["B2"] = "第一行\n第二行"
    ws["ZZ500"].font = Font(bold=True)  # formatted, empty
    held = len(list(held_cells(ws)))
    assert printsetup.used_range(ws) == (2, 2)
    printsetup.fit_rows(ws, range(1, 501))
    assert ws.row_dimensions[2].height == 2 * printsetup.LINE_POINTS + 3
    printsetup.page(ws, project="项目", title_rows=None)
    assert ws.print_area == "'Sheet'!$A$1:$B$2"
    assert len(list(held_cells(ws))) == held  # no cell made on the way
