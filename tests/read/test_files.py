"""Unreadable files (issue 2 §6): every kind built here, each reported with its code, status error,
exit code 2, a Chinese message, no traceback — and the file left exactly as it was."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

import xlscore.read.files
from xlscore.read.errors import WorkbookError

from builders import (
    copy_sample,
    declared_oversized,
    docx_like,
    empty_file,
    encrypted,
    no_tables,
    oversized_part,
    plain_zip,
    text_named_xlsx,
    truncated,
    with_doctype,
)
from conftest import SAMPLE_000, SAMPLE_002, run_check, run_cli, sha256

CJK = re.compile(r"[\u4e00-\u9fff]")


KINDS = [
    ("text_named_xlsx", text_named_xlsx, "FILE_NOT_WORKBOOK"),
    ("empty", empty_file, "FILE_NOT_WORKBOOK"),
    ("truncated", truncated, "FILE_CORRUPT"),
    ("encrypted", encrypted, "FILE_ENCRYPTED"),
    ("declared_oversized", declared_oversized, "FILE_TOO_LARGE"),
    ("doctype", with_doctype, "FILE_CORRUPT"),
    ("docx_like", docx_like, "FILE_NOT_WORKBOOK"),
    ("plain_zip", plain_zip, "FILE_NOT_WORKBOOK"),
    ("no_tables", no_tables, "NO_TABLES"),
]


def assert_unreadable(path: Path, code: str) -> dict:
    before = sha256(path) if path.exists() else None
    report = run_check(path)
    assert report["status"] == "error"
    assert report["error"]["code"] == code, report["error"]
    message = report["error"]["message"]
    assert CJK.search(message), message
    assert "Traceback" not in message
    assert report["findings"] == [] and report["fund"] == {} and report["usage"] == []
    assert report["counts"] == {"error": 0, "warning": 0, "info": 0}

    text = run_cli("check", path)
    assert text.exception is None, text.exception
    assert text.exit_code == 2
    assert "Traceback" not in text.output
    first = text.output.splitlines()[0]
    assert first.startswith(f"{path}: {code} "), first  # names the file
    assert CJK.search(first)

    as_json = run_cli("check", "--format", "json", path)
    assert as_json.exit_code == 2
    assert "Traceback" not in as_json.output
    import json

    parsed = json.loads(as_json.stdout)
    assert parsed["status"] == "error" and parsed["error"]["code"] == code
    assert parsed["file"] == str(path)

    if before is not None:
        assert sha256(path) == before, "the input file was modified"
    return report


@pytest.mark.parametrize("name, build, code", KINDS, ids=[k[0] for k in KINDS])
def test_unreadable_kind(tmp_path, name, build, code):
    assert_unreadable(build(tmp_path), code)


def test_oversized_part(tmp_path, monkeypatch):
    monkeypatch.setattr(xlscore.read.files, "MAX_PART_BYTES", 4 * 1024 * 1024)
    path = oversized_part(tmp_path, 6 * 1024 * 1024)
    assert path.stat().st_size < 200 * 1024  # highly compressible: small on disk
    assert zipfile.ZipFile(path).getinfo("xl/media/image1.bin").file_size == 6 * 1024 * 1024
    report = assert_unreadable(path, "FILE_TOO_LARGE")
    assert "xl/media/image1.bin" in report["error"]["message"]


def test_oversized_total(tmp_path, monkeypatch):
    monkeypatch.setattr(xlscore.read.files, "MAX_TOTAL_BYTES", 3 * 1024 * 1024)
    path = oversized_part(tmp_path, 4 * 1024 * 1024 - 100)
    assert_unreadable(path, "FILE_TOO_LARGE")


def test_part_under_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(xlscore.read.files, "MAX_PART_BYTES", 4 * 1024 * 1024)
    path = oversized_part(tmp_path, 1024 * 1024)
    report = run_check(path)
    assert report["status"] == "ok"
    assert report["fund"]["balance"]["total"] == 724_657


def test_file_too_large_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(xlscore.read.files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.xlsx"
    path.write_bytes(SAMPLE_000.read_bytes())
    assert_unreadable(path, "FILE_TOO_LARGE")


def test_missing_path(tmp_path):
    path = tmp_path / "不存在.xlsx"
    assert_unreadable(path, "FILE_NOT_FOUND")
    assert not path.exists()


def test_directory(tmp_path):
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    report = run_check(folder)
    assert report["status"] == "error" and report["error"]["code"] == "FILE_NOT_WORKBOOK"
    assert run_cli("check", folder).exit_code == 2


def test_encrypted_detected_before_parsing(tmp_path):
    # The encrypted workbook is an OLE container, not a zip: sniffing alone says so.
    path = encrypted(tmp_path)
    assert path.read_bytes()[:8] == xlscore.read.files.OLE_MAGIC
    with pytest.raises(WorkbookError) as info:
        xlscore.read.files.sniff(path)
    assert info.value.code == "FILE_ENCRYPTED"


def test_one_bad_file_among_good_ones(tmp_path):
    bad = truncated(tmp_path)
    result = run_cli("check", SAMPLE_002, bad)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{SAMPLE_002}:" in result.output and f"{bad}: FILE_CORRUPT" in result.output


def test_good_files_are_not_modified(tmp_path):
    before = sha256(SAMPLE_002)
    run_check(SAMPLE_002)
    run_cli("check", "--format", "json", SAMPLE_002)
    assert sha256(SAMPLE_002) == before


def test_doctype_after_a_long_prolog(tmp_path):
    styles = zipfile.ZipFile(SAMPLE_002).read("xl/styles.xml")
    padded = (b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b'--><!DOCTYPE styleSheet [<!ENTITY a "aaaa">]>'
              + styles)
    path = copy_sample(tmp_path / "late_doctype.xlsx", change={"xl/styles.xml": padded})
    assert_unreadable(path, "FILE_CORRUPT")


def test_truncated_ods_and_xls_fixtures_are_corrupt(tmp_path):
    from conftest import FIXTURES as fixtures
    for name in ("seed000.ods", "seed000.xls"):
        data = (fixtures / name).read_bytes()
        path = tmp_path / name
        path.write_bytes(data[: len(data) // 2])
        report = run_check(path)
        assert report["status"] == "error", name
        assert report["error"]["code"] == "FILE_CORRUPT", (name, report["error"])
        assert CJK.search(report["error"]["message"])


_PROLOGS = {
    b'<?xml version="1.0"?>\n<root/>': False,
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>': True,
    b"\xef\xbb\xbf<?xml?><!--" + b"x" * 70_000 + b"--><!DOCTYPE a><a/>": True,
    b"<?xml?><!-- <!DOCTYPE --><a/>": False,  # inside a comment: not a DTD
    b"   \n" * 5000 + b"<!DOCTYPE a>": True,
    b"<?xml?>" + b" " * 4090 + b"<!DOCTYPE a><a/>": True,  # across a chunk boundary
    b"": False,
    '<?xml version="1.0"?><a/>'.encode("utf-16"): False,
    '<?xml?><!DOCTYPE a><a/>'.encode("utf-16"): True,
    b"<?xml?><!--" + b"-" * 5000 + b"--><!ENTITY x><a/>": True,
}


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_dtd_is_found_in_any_prolog_however_the_part_is_read(chunk):
    class Trickle(io.BytesIO):
        def read(self, n=-1):
            return super().read(n if n == -1 else min(n, chunk))

    for data, has_dtd in _PROLOGS.items():
        assert xlscore.read.files._prolog_has_dtd(Trickle(data)) is has_dtd, data[:40]


def test_a_dtd_in_a_stored_part_is_refused(tmp_path):
    # Parts kept uncompressed (ZIP_STORED) are read straight from the file.
    path = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(SAMPLE_002) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/styles.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]>' + body
            zout.writestr(info.filename, data)
    assert_unreadable(path, "FILE_CORRUPT")
    plain = tmp_path / "stored_plain.xlsx"
    with zipfile.ZipFile(SAMPLE_002) as zin, zipfile.ZipFile(plain, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    assert xlscore.read.files.sniff(plain).kind == "xlsx"


def test_a_part_damaged_after_its_header_is_a_corrupt_file(tmp_path):
    # The styles part's bytes are flipped inside the zip: calamine may still read the sheets, and
    # the number-format reader then meets the damage. A Chinese FILE_CORRUPT, never a traceback.
    data = bytearray(SAMPLE_002.read_bytes())
    with zipfile.ZipFile(SAMPLE_002) as archive:
        info = archive.getinfo("xl/styles.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + 20, start + min(info.compress_size, 200)):
        data[at] ^= 0x55
    path = tmp_path / "damaged_styles.xlsx"
    path.write_bytes(bytes(data))
    report = run_check(path)
    if report["status"] == "error":
        assert report["error"]["code"] == "FILE_CORRUPT" and CJK.search(report["error"]["message"])
    else:  # calamine skipped the styles and the checker found no percent cell to ask about
        assert report["status"] in ("ok", "findings")


def test_parts_read_straight_from_the_bytes_match_zipfile_and_are_crc_checked():
    data = SAMPLE_002.read_bytes()
    with zipfile.ZipFile(SAMPLE_002) as archive:
        for info in archive.infolist():
            assert xlscore.read.files.read_member(data, info) == archive.read(info), info.filename
        info = archive.getinfo("xl/styles.xml")
    wrong = zipfile.ZipInfo(info.filename)
    for key in ("compress_type", "header_offset", "compress_size", "file_size", "flag_bits"):
        setattr(wrong, key, getattr(info, key))
    wrong.CRC = info.CRC ^ 1
    with pytest.raises(zipfile.BadZipFile):
        xlscore.read.files.read_member(data, wrong)


def test_a_password_protected_zip_member_is_encrypted(tmp_path):
    # The "encrypted" flag (bit 0) set on a part in both its local and central headers.
    data = bytearray(SAMPLE_002.read_bytes())
    with zipfile.ZipFile(SAMPLE_002) as archive:
        info = archive.getinfo("xl/styles.xml")
    data[info.header_offset + 6] |= 0x01  # local header: general purpose flags
    name = info.filename.encode()
    at = bytes(data).find(b"PK\x01\x02")  # the first central-directory header
    while at != -1:
        if data[at + 46:at + 46 + len(name)] == name:
            data[at + 8] |= 0x01  # central header: general purpose flags
            break
        at = bytes(data).find(b"PK\x01\x02", at + 4)
    path = tmp_path / "member_password.xlsx"
    path.write_bytes(bytes(data))
    assert_unreadable(path, "FILE_ENCRYPTED")


def test_the_parts_read_whole_are_inflated_once(monkeypatch):
    # The sheets, styles and workbook parts are inflated while their prologs are checked for a DTD
    # and handed to the cell details, which do not inflate them again.
    from xlscore.pipeline import check_file
    from xlscore.read import files

    inflated = []
    real = files.read_member
    monkeypatch.setattr(files, "read_member", lambda whole, info: inflated.append(info.filename) or real(whole, info))
    from conftest import SAMPLES

    sample = SAMPLES / "000_铝工业转型升级专项资金.xlsx"  # the template-made one: four sheets
    opened = files.open_workbook(sample)
    assert {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= set(opened.parts)
    assert sum(name.startswith("xl/worksheets/") for name in opened.parts) == 4
    inflated.clear()
    monkeypatch.setattr("xlscore.read.cells.read_member", files.read_member)
    report = check_file(sample)
    assert report.status != "error" and report.totals["review_score"] == 99.26
    assert len(inflated) == len(set(inflated))  # each part once, in open_workbook


# --- the uncompressed copy calamine reads --------------------------------------------------------

def _calamine_view(data: bytes) -> list:
    """What calamine reads of a workbook's bytes: its sheets, and each worksheet's cells and merges."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    view = []
    for meta in workbook.sheets_metadata:
        entry = [meta.name, str(meta.typ), str(meta.visible)]
        if "WorkSheet" in str(meta.typ):
            sheet = workbook.get_sheet_by_name(meta.name)
            entry += [sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges]
        view.append(entry)
    return view


def _stored_copy(path: Path) -> bytes | None:
    from xlscore.read import book
    from xlscore.read import cells as cellinfo

    opened = xlscore.read.files.open_workbook(path)
    details = cellinfo.for_file(opened)
    return book._stored_copy(opened, details)


def _moved_sheet(tmp_path: Path, new_name: str) -> Path:
    """SAMPLE_002 with its first sheet's part moved to ``new_name`` (and its relationship with it)."""
    path = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(SAMPLE_002) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = new_name
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", new_name.removeprefix("xl/").encode())
            elif name == "[Content_Types].xml":
                data = data.replace(b"/xl/worksheets/sheet1.xml", b"/" + new_name.encode())
            zout.writestr(name, data)
    return path


def test_calamine_reads_the_stored_copy_as_it_reads_the_file():
    # Every .xlsx sample (template-made, hand-laid, the national form): the sheets inflated for the
    # cell details, re-packed uncompressed, read by calamine exactly as the workbook itself is.
    from conftest import SAMPLES

    samples = sorted(SAMPLES.glob("*.xlsx"))
    assert len(samples) >= 7
    for path in samples:
        copy = _stored_copy(path)
        assert copy is not None, path.name
        with zipfile.ZipFile(io.BytesIO(copy)) as archive:
            assert archive.testzip() is None  # every part's CRC is right
            assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        assert _calamine_view(copy) == _calamine_view(path.read_bytes()), path.name


def test_a_sheet_part_under_a_non_ascii_name_is_copied_too(tmp_path):
    path = _moved_sheet(tmp_path, "xl/worksheets/表一.xml")
    copy = _stored_copy(path)
    assert copy is not None
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert "xl/worksheets/表一.xml" in archive.namelist()
    assert _calamine_view(copy) == _calamine_view(path.read_bytes()) == _calamine_view(SAMPLE_002.read_bytes())


def test_a_sheet_part_not_inflated_leaves_calamine_the_file(tmp_path):
    # A sheet's part outside xl/worksheets/ is not inflated while the zip is checked: calamine then
    # reads the workbook's own bytes, with the same result.
    from xlscore.read import book

    path = _moved_sheet(tmp_path, "xl/other/sheet1.xml")
    assert _stored_copy(path) is None
    moved, original = book.load(path), book.load(SAMPLE_002)
    assert [(s.name, s.rows, s.merged) for s in moved.sheets] == [(s.name, s.rows, s.merged) for s in original.sheets]


def test_a_copy_calamine_cannot_read_leaves_it_the_file(monkeypatch):
    from xlscore.read import book

    expected = [(s.name, s.rows, s.merged) for s in book.load(SAMPLE_002).sheets]
    monkeypatch.setattr(book, "stored_copy", lambda opened, parts: b"PK\x05\x06" + bytes(18))  # an empty zip
    assert [(s.name, s.rows, s.merged) for s in book.load(SAMPLE_002).sheets] == expected
