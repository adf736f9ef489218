"""The measuring of issue 19, item 3 (xlscore/read/extent.py): each sheet's grid, from A1 to its
last cell that holds something, as calamine will make it — compared with calamine on sheets written
by hand (cells and rows without references, CDATA, comments, namespace prefixes, repeated .ods
cells, .xlsb records) and on every sample and fixture. The workbooks that reach too far are run end to end in
tests/test_far_data.py."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc

from xlscore.read import extent
from xlscore.read.errors import WorkbookError
from xlscore.read.files import open_workbook
from xlscore.read.speed import value_extent

from builders import REPEATED_CELL, xlsb
from conftest import FIXTURES, SAMPLES

CJK = re.compile(r"[\u4e00-\u9fff]")


# --- .xlsx sheets written by hand ----------------------------------------------------------------

_CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0"?><Relationships '
                  'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                  'Target="worksheets/sheet1.xml"/></Relationships>')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xlsx(tmp_path: Path, sheet_data: str, prefix: str = "") -> Path:
    """A one-sheet .xlsx whose sheet's ``<sheetData>`` holds ``sheet_data`` (elements in ``prefix``)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    sheet = (f'<?xml version="1.0"?><{p}worksheet {xmlns}><{p}dimension ref="A1"/>'
             f"<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>")
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, text)
    return path


def _calamine_grid(data: bytes, name: str) -> tuple[int, int]:
    """The grid calamine gives the sheet: rows and columns from A1 to its last cell."""
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name)
    return (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end is not None else (0, 0)


V = "<v>1</v>"
SHEETS = {  # sheetData -> (rows, cols) of the grid from A1 to the last cell holding something
    "as programs write it": (f'<row r="1"><c r="A1" s="1" t="n">{V}</c></row><row r="9"><c r="J9">{V}</c></row>', (9, 10)),
    "a styled empty cell": (f'<row r="1"><c r="A1">{V}</c></row><row r="900"><c r="ZZ900" s="1"/></row>', (1, 1)),
    "an empty cell closed": (f'<row r="1"><c r="A1">{V}</c></row><row r="9"><c r="J9"></c></row>', (1, 1)),
    "inline text": ('<row r="9"><c r="J9" t="inlineStr"><is><t>字</t></is></c></row>', (9, 10)),
    "rows out of order": (f'<row r="9"><c r="J9">{V}</c></row><row r="1"><c r="A1">{V}</c></row>', (9, 10)),
    "whitespace in a cell": (f'<row r="9"><c r="J9">\n  {V}\n</c ></row>', (9, 10)),
    "cells without r": (f'<row r="9"><c>{V}</c><c>{V}</c><c>{V}</c></row>', (9, 3)),
    "rows without r": (f'<row><c>{V}</c></row><row><c>{V}</c></row><row><c>{V}</c><c>{V}</c></row>', (3, 2)),
    "no r after r": (f'<row r="5"><c r="C5">{V}</c><c>{V}</c></row><row><c>{V}</c></row>', (6, 4)),
    "a cell's r in another row": (f'<row r="100"><c r="C1">{V}</c><c>{V}</c></row><row><c>{V}</c></row>', (101, 4)),
    "r not first": (f'<row r="9"><c s="0" r="J9">{V}</c></row>', (9, 10)),
    "lower-case r": (f'<row r="9"><c r="j9">{V}</c></row>', (9, 10)),
    "single quotes": (f"<row r='9'><c r='J9'>{V}</c></row>", (9, 10)),
    "a cell in CDATA": ('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<c r="ZZ99"><v>]]></t></is></c></row>',
                        (1, 1)),
    "a cell in a comment": (f'<row r="1"><c r="A1">{V}</c></row><!-- <c r="ZZ99"><v>1</v></c> -->', (1, 1)),
    "a far cell": (f'<row r="1"><c r="A1">{V}</c></row><row r="1048576"><c r="XFD1048576">{V}</c></row>',
                   (1048576, 16384)),
}


@pytest.mark.parametrize("case", SHEETS)
def test_the_extent_of_a_sheet_is_the_grid_calamine_reads(tmp_path, case):
    sheet_data, expected = SHEETS[case]
    path = _xlsx(tmp_path, sheet_data)
    opened = open_workbook(path)
    measured = extent.measure(opened)["表"]
    assert (measured.rows, measured.cols) == expected
    # What is sure by byte searches is what the parser finds.
    part = opened.parts["xl/worksheets/sheet1.xml"]
    fast = value_extent(part)
    assert fast is None or extent.Extent(*fast) == extent.parsed_extent(io.BytesIO(part), "sheet")
    if expected[0] * expected[1] <= extent.MAX_CELLS:
        assert _calamine_grid(opened.data, "表") == expected


def test_a_formula_without_a_value_counts_as_data(tmp_path):
    """openpyxl reads it as the formula's text; calamine as an empty cell. The grid covers it."""
    path = _xlsx(tmp_path, f'<row r="1"><c r="A1">{V}</c></row><row r="9"><c r="J9"><f>1+1</f></c></row>')
    assert extent.measure(open_workbook(path))["表"] == extent.Extent(9, 10)


def test_a_sheet_in_a_namespace_prefix_is_measured(tmp_path):
    path = _xlsx(tmp_path, f'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
                           f'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>', prefix="x")
    assert extent.measure(open_workbook(path))["表"] == extent.Extent(1048576, 16384)
    with pytest.raises(WorkbookError) as refused:
        extent.check(open_workbook(path))
    assert refused.value.code == "FILE_TOO_LARGE"


def test_a_cell_with_two_references_is_a_corrupt_sheet(tmp_path):
    """calamine takes the second r, a byte search the first: XML allows neither, and the sheet is refused."""
    path = _xlsx(tmp_path, f'<row r="1"><c r="A1" r="XFD1048576">{V}</c></row>')
    with pytest.raises(WorkbookError) as refused:
        extent.check(open_workbook(path))
    assert refused.value.code == "FILE_CORRUPT" and CJK.search(refused.value.message)


@pytest.mark.parametrize("path", [*sorted(SAMPLES.glob("*.xlsx")), *sorted(FIXTURES.glob("*.xls")),
                                  *sorted(FIXTURES.glob("*.ods"))], ids=lambda p: p.name)
def test_the_samples_and_fixtures_measure_as_calamine_reads_them(path):
    opened = open_workbook(path)
    measured = extent.measure(opened)
    workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(opened.data))
    for name in workbook.sheet_names:
        assert (measured[name].rows, measured[name].cols) == _calamine_grid(opened.data, name), name


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


_MANIFEST = ('<?xml version="1.0"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
             'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             "</manifest:manifest>")


def _ods(tmp_path: Path, rows: str) -> Path:
    """A one-table .ods (table 表) whose table holds ``rows``."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="表">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    path = tmp_path / "hand.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
    return path


ONE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
EMPTY_TO_THE_END = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                    'table:number-columns-repeated="16384" table:style-name="ce1"/></table:table-row>')
ODS_TABLES = {  # the table's rows -> (rows, cols) of its grid
    "repeated empty cells cost nothing": (f"<table:table-row>{ONE}</table:table-row>{EMPTY_TO_THE_END}", (1, 1)),
    "a value after repeated empty rows": (
        '<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-repeated="300"/>'
        f"</table:table-row><table:table-row>{ONE}</table:table-row>", (5001, 1)),
    "a repeated value counts in full": (
        '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="20"/>'
        '<table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="1"/>'
        "</table:table-row>", (3, 22)),
    "rows in header rows and groups": (
        f"<table:table-header-rows><table:table-row>{ONE}</table:table-row></table:table-header-rows>"
        f'<table:table-row-group><table:table-row table:number-rows-repeated="2">{ONE}{ONE}</table:table-row>'
        "</table:table-row-group>", (3, 2)),
}


@pytest.mark.parametrize("case", ODS_TABLES)
def test_the_extent_of_an_ods_table_is_the_grid_calamine_reads(tmp_path, case):
    rows, expected = ODS_TABLES[case]
    opened = open_workbook(_ods(tmp_path, rows))
    measured = extent.measure(opened)["表"]
    assert (measured.rows, measured.cols) == expected
    assert _calamine_grid(opened.data, "表") == expected


def test_an_ods_value_repeated_over_millions_of_cells_is_counted_in_full(tmp_path):
    measured = extent.measure(open_workbook(_ods(tmp_path, REPEATED_CELL)))["表"]
    assert measured == extent.Extent(1_000_000, 10_000)


# --- .xlsb sheets written record by record -----------------------------------------------------------

XLSB_SHEETS = {  # (row, col, value) cells -> (rows, cols) of the grid
    "numbers": ([(0, 0, 1.0), (8, 9, 2.0)], (9, 10)),
    "a blank formatted cell far away": ([(0, 0, 1.0), (50_000, 700, None)], (1, 1)),
    "rows out of order": ([(8, 9, 2.0), (0, 0, 1.0)], (9, 10)),
    "a far column": ([(0, 0, 1.0), (0, 1 << 28, 2.0)], (1, (1 << 28) + 1)),
}


@pytest.mark.parametrize("case", XLSB_SHEETS)
def test_the_extent_of_an_xlsb_sheet_is_the_grid_calamine_reads(tmp_path, case):
    cells, expected = XLSB_SHEETS[case]
    opened = open_workbook(xlsb(tmp_path / "hand.xlsb", cells))
    assert opened.kind.kind == "xlsb"
    measured = extent.measure(opened)["表"]
    assert (measured.rows, measured.cols) == expected
    if expected[0] * expected[1] <= extent.MAX_CELLS:
        assert _calamine_grid(opened.data, "表") == expected
