"""Issue 19, items 10 and 12 (the reader's parts): a workbook is read once, and everything — the
checks, the cell details, the fonts of a header, the annotated copy — is built from those bytes,
guarded once; every XML part is guarded, whatever its name; a zip that names one part twice is
refused; and the copy's page header stays within Excel's limit however long the project's name.

The hostile files are built here, small, from the samples."""

from __future__ import annotations

import builtins
import io
import os
import re
import shutil
import zipfile
from contextlib import nullcontext
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

import xlscore.read.book as book_mod
from xlscore.review import score_file

from conftest import FIXTURES, SAMPLE_000, SAMPLE_002, edited_copy, run_check, set_cells

CJK = re.compile(r"[\u4e00-\u9fff]")
REVIEW = "复核结果"
FUND = "资金安排情况"


def _after_the_read(monkeypatch, then) -> None:
    """Run ``then(path)`` right after the workbook at ``path`` was read, before anything else."""
    real = book_mod.load

    def load(path):
        loaded = real(path)
        then(Path(path))
        return loaded

    monkeypatch.setattr(book_mod, "load", load)


def _values(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> value of every filled cell of an .xlsx, xlscore's review sheets left out."""
    workbook = openpyxl.load_workbook(path)
    return {(ws.title, cell.coordinate): cell.value for ws in workbook.worksheets if not ws.title.startswith(REVIEW)
            for row in ws.iter_rows() for cell in row if cell.value is not None}


def _codes(scored) -> list[str]:
    return [f.code for report in scored.reports for f in report.findings]


# --- item 10: the file read twice -----------------------------------------------------------------


def test_a_file_rewritten_after_the_read_gives_a_copy_of_what_was_reviewed(tmp_path, monkeypatch):
    path = tmp_path / "自评表.xlsx"
    shutil.copy(SAMPLE_002, path)
    _after_the_read(monkeypatch, lambda p: shutil.copy(SAMPLE_000, p))  # another workbook takes its place
    scored = score_file(path, tmp_path / "out")
    assert scored.workbook is not None and "COPY_FAILED" not in _codes(scored)
    assert scored.report.project.name == "企业服务活动专项经费"
    reviewed, copy = _values(SAMPLE_002), _values(scored.workbook)
    # Every cell of the workbook reviewed is in the copy, as it was (the copy only adds to it).
    assert {key: copy.get(key) for key in reviewed} == reviewed
    review = openpyxl.load_workbook(scored.workbook)[REVIEW]
    assert any(cell.value == "企业服务活动专项经费" for row in review.iter_rows() for cell in row)


class _Watch:
    """Records every open of one path, by any of the ways Python opens a file (zipfile, xlrd and
    openpyxl go through io.open or the builtin; the reader itself through os.open)."""

    def __init__(self, monkeypatch, path: Path):
        self.path, self.opened = os.path.abspath(path), []
        for owner, name in ((builtins, "open"), (io, "open"), (os, "open")):
            monkeypatch.setattr(owner, name, self._wrap(getattr(owner, name)))

    def _wrap(self, real):
        def opener(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)) and os.path.abspath(os.fsdecode(file)) == self.path:
                self.opened.append(file)
            return real(file, *args, **kwargs)
        return opener


def _struck_header(tmp_path: Path) -> Path:
    """Sample 000 with a grade chosen by striking the others out (read from the fonts: openpyxl)."""
    def edit(wb):
        ws = wb[FUND]
        ws["D2"], ws["F2"] = "评价等级", "良好"
        for ref, text in (("E2", "优秀"), ("G2", "中"), ("H2", "差")):
            ws[ref], ws[ref].font = text, Font(strike=True)
    return edited_copy(SAMPLE_000, tmp_path, "struck.xlsx", edit)


@pytest.mark.parametrize("source", [
    "struck-header.xlsx", FIXTURES / "handlaid002.xls", FIXTURES / "handlaid002.ods",
], ids=["xlsx-with-fonts-read", "xls", "ods"])
def test_nothing_opens_the_input_again_after_the_read(tmp_path, monkeypatch, source):
    src = _struck_header(tmp_path) if source == "struck-header.xlsx" else source
    expected = score_file(src, tmp_path / "expected")  # the same workbook, left in place
    path = tmp_path / f"input{Path(src).suffix}"
    shutil.copy(src, path)
    watched: list[_Watch] = []

    def away(p: Path) -> None:
        p.rename(tmp_path / "moved-away")  # a reader that opens the path again finds nothing there
        watched.append(_Watch(monkeypatch, p))

    _after_the_read(monkeypatch, away)
    scored = score_file(path, tmp_path / "out")
    assert watched and watched[0].opened == []
    assert scored.workbook is not None and "COPY_FAILED" not in _codes(scored)
    got, want = scored.report.to_dict(), expected.report.to_dict()
    got.pop("file"), want.pop("file")
    assert got == want  # the percent formats (.xls) and the struck fonts (.xlsx) read as before


# --- item 12: a DTD in a part not named .xml ------------------------------------------------------

BOMB = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'


def _sheet_moved(tmp_path: Path, new_name: str, prefix: bytes = b"") -> Path:
    """Sample 002 with its first sheet's part at ``new_name``, its relationship and content type
    following it, and ``prefix`` (a DTD) before the part's root element."""
    path = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(SAMPLE_002) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data, name = zin.read(info), info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = new_name
                if prefix:
                    data = prefix + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", new_name.removeprefix("xl/").encode())
            elif name == "[Content_Types].xml":
                data = data.replace(b"/xl/worksheets/sheet1.xml", b"/" + new_name.encode())
            zout.writestr(name, data)
    return path


def _assert_refused(path: Path, tmp_path: Path, *words: str) -> None:
    report = run_check(path)
    assert report["status"] == "error" and report["error"]["code"] == "FILE_CORRUPT", report["error"]
    message = report["error"]["message"]
    assert CJK.search(message) and all(word in message for word in words), message
    scored = score_file(path, tmp_path / "out")
    assert scored.workbook is None and scored.report.error == report["error"]
    assert not re.search("[A-Za-z]", message.replace(words[-1], "").replace("DTD", "")), message  # no English


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.bin", "xl/worksheets/sheet1.dat", "xl/media/image9.png"])
def test_a_dtd_in_a_sheet_part_of_any_name_is_refused(tmp_path, name):
    # Without the DTD, the part is read there as the sheet it is: the same report as the sample's.
    moved, sample = run_check(_sheet_moved(tmp_path, name)), run_check(SAMPLE_002)
    assert moved["status"] == "ok" and {**moved, "file": ""} == {**sample, "file": ""}
    _assert_refused(_sheet_moved(tmp_path, name, BOMB), tmp_path, "DTD/实体声明", name)


def test_binary_parts_are_not_taken_for_xml(tmp_path):
    # Images and macro projects are looked at too (any part may be named as XML): their first bytes
    # are no prolog, and a workbook holding them reads as before.
    path = tmp_path / "media.xlsx"
    with zipfile.ZipFile(SAMPLE_002) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        zout.writestr("xl/media/image2.emf", b"\x01\x00\x00\x00" + b"<!DOCTYPE" * 3)  # not in a prolog
        zout.writestr("xl/media/tiny.bin", b"<")
        zout.writestr("xl/embeddings/empty.bin", b"")
    assert run_check(path)["status"] == "ok"


def test_the_dtd_message_is_the_same_wherever_it_is_found(monkeypatch, tmp_path):
    from defusedxml import DefusedXmlException

    from xlscore.pipeline import check_file
    from xlscore.read.files import dtd_refused

    def parser_refuses(path):
        raise DefusedXmlException()

    monkeypatch.setattr(book_mod, "load", parser_refuses)
    report = check_file(SAMPLE_002).to_dict()
    assert report["error"] == {"code": "FILE_CORRUPT", "message": dtd_refused().message}
    assert dtd_refused("xl/styles.xml").message.replace("部件 xl/styles.xml ", "") == dtd_refused().message


# --- item 12: a part named twice -----------------------------------------------------------------


def _twice(tmp_path: Path, second_name: str) -> Path:
    """Sample 002 with a second part named ``second_name`` after its own: sample 000's first sheet."""
    path = tmp_path / "twice.xlsx"
    other = zipfile.ZipFile(SAMPLE_000).read("xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(SAMPLE_002) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with pytest.warns(UserWarning, match="Duplicate name") if second_name in zin.namelist() else nullcontext():
            zout.writestr(second_name, other)
    return path


@pytest.mark.parametrize("second", ["xl/worksheets/sheet1.xml", "xl/worksheets/Sheet1.xml", "XL/styles.xml"],
                         ids=["same-name", "other-case", "other-case-styles"])
def test_a_part_named_twice_is_refused(tmp_path, second):
    path = _twice(tmp_path, second)
    _assert_refused(path, tmp_path, "同名部件", second)


# --- item 12: a page header over Excel's limit ----------------------------------------------------


@pytest.mark.parametrize("name", ["企业服务活动专项经费" * 30, "A&B 项目" * 60, "😀" * 300],
                         ids=["300-cjk", "ampersands", "outside-the-bmp"])
def test_a_long_project_name_is_cut_to_fit_the_page_header(tmp_path, name):
    path = set_cells(SAMPLE_002, tmp_path, FUND, {"B1": name}, "long.xlsx")
    scored = score_file(path, tmp_path / "out")
    assert scored.report.project.name == name and scored.workbook is not None
    with zipfile.ZipFile(scored.workbook) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        headers = [re.search(rb"<oddHeader>(.*?)</oddHeader>", archive.read(n)) for n in sheets]
    assert len(sheets) >= 4 and all(headers)
    for found in headers:
        text = found.group(1).decode("utf-8").replace("&amp;", "&")
        assert len(text.encode("utf-16-le")) // 2 <= 255, len(text)
        assert text.startswith("&C&10 ") and text.endswith("…")
        shown = text.removeprefix("&C&10 ").removesuffix("…")
        assert re.fullmatch(r"(?:[^&]|&&)*", shown)  # no & left alone: no code cut in half
        assert name.startswith(shown.replace("&&", "&")) and len(shown) > 100
    workbook = openpyxl.load_workbook(scored.workbook)
    assert workbook[FUND]["B1"].value == name  # the cell keeps the whole name


def test_a_short_project_name_is_the_whole_header(tmp_path):
    scored = score_file(SAMPLE_002, tmp_path)
    ws = openpyxl.load_workbook(scored.workbook)[FUND]
    assert ws.oddHeader.center.text == "企业服务活动专项经费"
