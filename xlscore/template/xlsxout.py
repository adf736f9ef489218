"""Write :mod:`sheetmodel` sheets with xlsxwriter: formats, merges, validation, protection,
conditional formats and the print layout (A4 landscape, one page wide, repeated header rows,
page header and 第 &P 页 共 &N 页 footer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from ..write.atomic import replacing
from .sheetmodel import SheetModel, TCell

INPUT_FILL = "#FFF2CC"
LOCKED_FILL = "#F2F2F2"
HEADER_FILL = "#D9E1F2"
BASE = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
STYLES: dict[str, dict] = {
    "title": {"bold": True, "font_size": 14, "align": "center", "border": 0},
    "unit": {"align": "right", "border": 0},
    "note": {"text_wrap": True, "border": 0, "font_color": "#595959"},
    "header": {"bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL},
    "label": {"bg_color": LOCKED_FILL},
    "label_bold": {"bold": True, "bg_color": LOCKED_FILL},
    "center": {"align": "center", "bg_color": LOCKED_FILL},
    "level": {"align": "center", "text_wrap": True, "bg_color": LOCKED_FILL},
    "level_number": {"align": "center", "num_format": "0.00", "bg_color": LOCKED_FILL},
    "name": {"text_wrap": True, "bg_color": LOCKED_FILL},
    "element": {"text_wrap": True, "font_size": 9, "bg_color": LOCKED_FILL},
    "wrap": {"text_wrap": True, "border": 0},
    "wrap_locked": {"text_wrap": True, "font_size": 9, "bg_color": LOCKED_FILL},
    "locked_text": {"align": "center", "bg_color": LOCKED_FILL},
    "locked_percent": {"align": "center", "num_format": "0%", "bg_color": LOCKED_FILL},
    "formula_amount": {"num_format": "#,##0.00", "bg_color": LOCKED_FILL},
    "formula_rate": {"num_format": "0.00", "bg_color": LOCKED_FILL},
    "formula_number": {"num_format": "0.00", "align": "center", "bg_color": LOCKED_FILL},
    "formula_percent": {"num_format": "0.00%", "align": "center", "bg_color": LOCKED_FILL},
    "formula_text": {"align": "center", "bg_color": LOCKED_FILL},
    "formula_wrap": {"text_wrap": True, "font_size": 9, "bg_color": LOCKED_FILL},
    "input_text": {"bg_color": INPUT_FILL, "text_wrap": True, "locked": False},
    "input_wrap": {"bg_color": INPUT_FILL, "text_wrap": True, "font_size": 9, "locked": False},
    "input_int": {"bg_color": INPUT_FILL, "num_format": "0", "align": "left", "locked": False},
    "input_amount": {"bg_color": INPUT_FILL, "num_format": "#,##0.00", "locked": False},
    "input_number": {"bg_color": INPUT_FILL, "num_format": "0.00", "align": "center", "locked": False},
    "input_percent": {"bg_color": INPUT_FILL, "num_format": "0.00%", "align": "center", "locked": False},
    "input_choice": {"bg_color": INPUT_FILL, "align": "center", "locked": False},
    "review": {"text_wrap": True, "bg_color": "#FFFFFF"},
    "warn": {"bg_color": "#FFEB9C", "border": 0},
    "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 0},
}
FIXED_DATE = dt.datetime(2024, 1, 1)  # document dates fixed so that generated files do not drift


def write(sheets: list[SheetModel], dest: Path, header_text: str) -> None:
    """Write the workbook to ``dest`` atomically."""
    with replacing(dest, ".xlsx") as tmp:
        _write(sheets, tmp, header_text)


def _write(sheets: list[SheetModel], path: Path, header_text: str) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    workbook.set_properties({"title": header_text, "author": "xlscore", "created": FIXED_DATE})
    formats = {name: workbook.add_format({**BASE, **spec}) for name, spec in STYLES.items()}
    for model in sheets:
        ws = workbook.add_worksheet(model.name)
        for col, width in model.widths.items():
            ws.set_column(col, col, width)
        for row, height in model.heights.items():
            ws.set_row(row, height)
        merged_anchors = {}
        for r0, c0, r1, c1, _, style in model.merges:
            if (r0, c0) != (r1, c1):  # a one-cell "merge" is just a cell
                merged_anchors[(r0, c0)] = (r1, c1, style)
        for (row, col), cell in sorted(model.cells.items()):
            fmt = formats[cell.style]
            if (row, col) in merged_anchors:
                r1, c1, _ = merged_anchors[(row, col)]
                if cell.formula is None:
                    ws.merge_range(row, col, r1, c1, "", fmt)
                    _value(ws, row, col, cell, fmt)
                else:
                    ws.merge_range(row, col, r1, c1, "", fmt)
                    ws.write_formula(row, col, "=" + cell.formula, fmt, _cached(cell.value))
            elif cell.formula is not None:
                ws.write_formula(row, col, "=" + cell.formula, fmt, _cached(cell.value))
            else:
                _value(ws, row, col, cell, fmt)
            if cell.validation:
                r1, c1 = merged_anchors.get((row, col), (row, col, None))[:2]
                ws.data_validation(row, col, r1, c1, cell.validation)
        for rng, options in model.conditional:
            ws.conditional_format(rng, {**options, "format": formats[options["format"]]})
        _page(ws, model, header_text)
        if model.protect:
            ws.protect("", {"format_cells": False, "select_locked_cells": True, "select_unlocked_cells": True})
    workbook.close()


def _cached(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value


def _value(ws, row: int, col: int, cell: TCell, fmt) -> None:
    value = cell.value
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)  # text stays text: never a formula
    else:
        ws.write_number(row, col, value, fmt)


def _page(ws, model: SheetModel, header_text: str) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    if model.title_rows:
        ws.repeat_rows(*model.title_rows)
    last_row = max((r for r, _ in model.cells), default=0)
    last_col = max((c for _, c in model.cells), default=0)
    for r0, c0, r1, c1, _, _ in model.merges:
        last_row, last_col = max(last_row, r1), max(last_col, c1)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_header(f"&C&10{header_text.replace('&', '&&')}")
    ws.set_footer("&C&9第 &P 页 共 &N 页")
