"""xlsxload.load (read.speed.load_workbook) gives the same workbook as openpyxl.load_workbook, only faster.

The check is on what is saved: both workbooks are written and every part compared (the
timestamps in docProps/core.xml aside), so a border or protection given to the wrong cell, or a
style table in another order, fails.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.reader import excel
from openpyxl.styles import Border, Protection, Side
from openpyxl.utils import get_column_letter

from xlscore.read import speed
from xlscore.write import xlsxload

from conftest import ROOT

WORKBOOKS = sorted((ROOT / "samples").glob("*.xlsx")) + sorted((ROOT / "workbook_templates").glob("*.xlsx"))


def _saved(workbook) -> dict[str, bytes]:
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _both(source) -> tuple[dict, dict]:
    data = source.read_bytes() if isinstance(source, Path) else source
    plain = openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
    fast = xlsxload.load(io.BytesIO(data), rich_text=True)
    return _saved(plain), _saved(fast)


def _counting_merges(monkeypatch) -> list:
    calls = []
    merge = speed._merge

    def counted(*args):
        calls.append(args[1])
        return merge(*args)

    monkeypatch.setattr(speed, "_merge", counted)
    return calls


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_a_sample_or_template_loads_to_the_same_workbook(path, monkeypatch):
    merges = _counting_merges(monkeypatch)
    plain, fast = _both(path)
    assert merges, "the fast binding was not used"
    assert fast.keys() == plain.keys()
    assert [name for name in plain if plain[name] != fast[name]] == []


def _random_workbook(rng: random.Random) -> bytes:
    """Styled cells (borders, protection) under merged ranges, the covered cells keeping their
    own styles in the file as Excel writes them."""
    styles = (None, "thin", "medium", "dashed", "double")

    def side():
        style = rng.choice(styles)
        return Side(style=style, color=rng.choice((None, "FF0000", "00FF00"))) if style else Side()

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(rng.randint(1, 200)):
        cell = sheet.cell(rng.randint(1, 30), rng.randint(1, 12))
        if rng.random() < 0.7:
            cell.border = Border(left=side(), right=side(), top=side(), bottom=side())
        if rng.random() < 0.5:
            cell.protection = Protection(locked=rng.random() < 0.5, hidden=rng.random() < 0.5)
        if rng.random() < 0.5:
            cell.value = rng.randint(0, 9)
    taken, refs = set(), []
    for _ in range(rng.randint(1, 15)):
        row, col, height, width = rng.randint(1, 28), rng.randint(1, 10), rng.randint(1, 4), rng.randint(1, 4)
        cells = {(row + i, col + j) for i in range(height) for j in range(width)}
        if len(cells) > 1 and not cells & taken:
            taken |= cells
            refs.append(f"{get_column_letter(col)}{row}:{get_column_letter(col + width - 1)}{row + height - 1}")
    written = io.BytesIO()
    workbook.save(written)
    merges = f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs) + "</mergeCells>"
    out = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("</sheetData>", "</sheetData>" + merges, 1).replace(
                    "<sheetData/>", "<sheetData/>" + merges, 1)
                data = text.encode()
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("seed", range(8))
def test_random_merges_over_styled_cells_load_to_the_same_workbook(seed, monkeypatch):
    rng = random.Random(seed)
    merges = _counting_merges(monkeypatch)
    for _ in range(10):
        plain, fast = _both(_random_workbook(rng))
        assert [name for name in plain if plain[name] != fast.get(name)] == []
    assert len(merges) > 20


def test_the_plain_reader_is_back_after_a_load_even_a_failed_one(tmp_path):
    plain = excel.WorksheetReader
    xlsxload.load(WORKBOOKS[0])
    assert excel.WorksheetReader is plain
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(Exception):
        xlsxload.load(broken)
    assert excel.WorksheetReader is plain


def test_only_the_checked_openpyxl_versions_bind_the_fast_way(monkeypatch):
    assert speed.fast_binding_applies("3.1.2") and speed.fast_binding_applies("3.1.5")
    assert not speed.fast_binding_applies("3.2.0") and not speed.fast_binding_applies("4.0.0")
    monkeypatch.setattr(speed, "fast_binding_applies", lambda: False)
    merges = _counting_merges(monkeypatch)
    xlsxload.load(WORKBOOKS[0])
    assert merges == []


def test_loads_in_two_threads_at_once_leave_the_plain_reader_in_place():
    from concurrent.futures import ThreadPoolExecutor

    plain = excel.WorksheetReader
    with ThreadPoolExecutor(2) as pool:
        books = list(pool.map(lambda path: xlsxload.load(path), WORKBOOKS[:4] * 2))
    assert len(books) == 8 and excel.WorksheetReader is plain


@pytest.mark.parametrize("path", WORKBOOKS[:4], ids=lambda p: p.name)
def test_a_rebuilt_copy_merges_its_cells_as_openpyxl_does(path, monkeypatch):
    # the copy of an .xls/.ods is rebuilt from the values read (convert.to_openpyxl); its merged
    # ranges go through xlsxload.merge
    from xlscore.read import book as book_mod
    from xlscore.write import convert

    book = book_mod.load(path)
    assert any(sheet.merged for sheet in book.sheets)
    merges = _counting_merges(monkeypatch)
    fast = _saved(convert.to_openpyxl(book))
    assert merges
    monkeypatch.setattr(speed, "fast_binding_applies", lambda: False)
    plain = _saved(convert.to_openpyxl(book))
    assert fast.keys() == plain.keys() and [name for name in plain if plain[name] != fast[name]] == []
