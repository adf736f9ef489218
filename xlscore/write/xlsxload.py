"""Open an .xlsx with openpyxl for the annotated copy, and merge the ranges of a copy rebuilt from
an .xls/.ods: both with the merged cells bound as :mod:`xlscore.read.speed` binds them (the same
workbook as plain openpyxl gives, in a third of the time)."""

from __future__ import annotations

import os

from ..read.speed import load_workbook, merge_cells


def load(path, **options):
    """``openpyxl.load_workbook(path, **options)``, faster. A path is opened here: openpyxl refuses
    a name whose extension it does not see (``..xlsx``)."""
    if isinstance(path, (str, os.PathLike)):
        with open(path, "rb") as handle:
            return load_workbook(handle, **options)
    return load_workbook(path, **options)


def merge(ws, ref: str, memo: dict) -> None:
    """``ws.merge_cells(ref)``, faster (``memo``: one dict for the merges of one sheet)."""
    merge_cells(ws, ref, memo)
