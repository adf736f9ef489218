"""Builders of the awkward files the tests feed xlscore: unreadable workbooks of every kind,
saved e-mails with attachments, and workbooks of a few KB whose data reaches far. Each writes
into the folder it is given and returns the path."""

from __future__ import annotations

import shutil
import struct
import zipfile
from email.message import EmailMessage
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from conftest import FIXTURES, SAMPLE_000, SAMPLE_002, edited_copy


def text_named_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "自评表.xlsx"
    path.write_text("项目名称,预算安排,资金到位\n铝工业转型升级专项资金,68000000,73096200\n", encoding="utf-8")
    return path


def empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    return path


def truncated(tmp_path: Path) -> Path:
    data = SAMPLE_000.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(tmp_path: Path) -> Path:
    import msoffcrypto.format.ooxml

    path = tmp_path / "encrypted.xlsx"
    with open(SAMPLE_002, "rb") as plain, open(path, "wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("pw", out)
    return path


def copy_sample(path: Path, *, change: dict[str, bytes] | None = None, add=None) -> Path:
    src = zipfile.ZipFile(SAMPLE_002)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = (change or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, data)
        if add:
            add(dst)
    return path


def oversized_part(tmp_path: Path, size: int) -> Path:
    """A real workbook plus a part of ``size`` zero bytes, streamed (never held in memory)."""
    def add(dst: zipfile.ZipFile):
        chunk = b"\0" * (1 << 20)
        with dst.open("xl/media/image1.bin", "w", force_zip64=True) as part:
            left = size
            while left > 0:
                part.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return copy_sample(tmp_path / "bomb.xlsx", add=add)


def declared_oversized(tmp_path: Path) -> Path:
    """A small zip whose central directory declares a 200 MB part (over the real MAX_PART_BYTES)."""
    path = copy_sample(tmp_path / "declared.xlsx")
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # first central directory entry
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + name_len] == name:
            struct.pack_into("<I", data, at + 24, 200 * 1024 * 1024)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert at != -1
    path.write_bytes(bytes(data))
    return path


def with_doctype(tmp_path: Path) -> Path:
    sheet = zipfile.ZipFile(SAMPLE_002).read("xl/worksheets/sheet1.xml")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    return copy_sample(tmp_path / "doctype.xlsx", change={"xl/worksheets/sheet1.xml": bomb + sheet})


def docx_like(tmp_path: Path) -> Path:
    path = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>自评报告</w:p></w:body></w:document>")
    return path


def plain_zip(tmp_path: Path) -> Path:
    path = tmp_path / "附件.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("自评表.txt", "见附件")
    return path


def no_tables(tmp_path: Path) -> Path:
    wb = Workbook()
    wb.active["A1"] = "项目支出绩效自评报告"
    wb.active["A3"] = "一、项目基本情况"
    wb.active["A4"] = "本项目由郑州市工业和信息化局实施。"
    path = tmp_path / "no_tables.xlsx"
    wb.save(path)
    return path


def eml(path: Path, attachments: list[tuple[str, bytes]], subject="2021年度绩效自评表（市工信局）",
        to="czj@example.org", message_id: str | None = None) -> Path:
    message = EmailMessage()
    message["From"] = "张三 <zhangsan@example.org>"
    message["To"] = to
    if message_id:
        message["Message-ID"] = message_id
    message["Subject"] = subject  # non-ASCII: written RFC 2047-encoded
    message["Date"] = "Mon, 10 Jan 2022 09:30:00 +0800"
    message.set_content("附件为自评表，请审核。")
    for name, data in attachments:  # non-ASCII names: written RFC 2231-encoded
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    path.write_bytes(bytes(message))
    return path


# --- workbooks whose data reaches far (issue 19, item 3) -----------------------------------------

FAR_SHEET = "自评价评分附件表"  # the sample's scoring sheet, where the far cells are put


def far_value(tmp_path: Path, ref: str) -> Path:
    """The sample with one more value, at ``ref`` of its scoring sheet."""
    def edit(wb):
        wb[FAR_SHEET][ref] = "远处"
    return edited_copy(SAMPLE_000, tmp_path, f"远处_{ref}.xlsx", edit)


def far_style(tmp_path: Path, ref: str = "ZZ50000") -> Path:
    """The sample with an empty, formatted cell at ``ref`` of its scoring sheet."""
    def edit(wb):
        wb[FAR_SHEET][ref].font = Font(bold=True)
    return edited_copy(SAMPLE_000, tmp_path, f"格式_{ref}.xlsx", edit)


def far_xls(tmp_path: Path) -> Path:
    """The .xls fixture with its first text cell (资金安排情况!A1) moved to IV65536, the last cell
    an .xls sheet has (the record's row and column rewritten in place)."""
    import olefile

    path = tmp_path / "远处.xls"
    shutil.copy(FIXTURES / "seed000.xls", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        at = 0
        while struct.unpack_from("<H", data, at)[0] != 0x00FD:  # LABELSST
            at += 4 + struct.unpack_from("<H", data, at + 2)[0]
        struct.pack_into("<HH", data, at + 4, 65535, 255)
        ole.write_stream("Workbook", bytes(data))
    return path


# One .ods cell holding 1, repeated over a million rows and ten thousand columns (10 billion cells).
REPEATED_CELL = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
                 'table:number-columns-repeated="10000" office:value-type="float" office:value="1">'
                 "<text:p>1</text:p></table:table-cell></table:table-row>")


def far_ods(tmp_path: Path) -> Path:
    """The .ods fixture with :data:`REPEATED_CELL` at the end of its first table."""
    path = tmp_path / "重复.ods"
    with zipfile.ZipFile(FIXTURES / "seed000.ods") as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"</table:table>", REPEATED_CELL.encode() + b"</table:table>", 1)
            dst.writestr(info, data)
    return path


def _record(kind: int, body: bytes = b"") -> bytes:
    """One record of an .xlsb part: its type and size in 7-bit bytes (MS-XLSB 2.1.4), then ``body``."""
    head = bytearray([kind] if kind < 0x80 else [(kind & 0x7F) | 0x80, kind >> 7])
    size = len(body)
    while True:
        head.append((size & 0x7F) | (0x80 if size >> 7 else 0))
        size >>= 7
        if not size:
            return bytes(head) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


_XLSB_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
               '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>')
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsb(path: Path, cells: list[tuple[int, int, float | None]], sheet: str = "表") -> Path:
    """A one-sheet .xlsb written record by record: each (row, col, value) a number cell (BrtCellReal)
    under its own row header, or a blank formatted cell (BrtCellBlank) where the value is None."""
    records = _record(0x81) + _record(0x94, bytes(16)) + _record(0x91)  # BrtBeginSheet, BrtWsDim, BrtBeginSheetData
    for row, col, value in cells:
        records += _record(0x00, struct.pack("<I", row) + bytes(13))  # BrtRowHdr
        records += (_record(0x01, struct.pack("<II", col, 0)) if value is None
                    else _record(0x05, struct.pack("<IId", col, 0, value)))
    records += _record(0x92) + _record(0x82)  # BrtEndSheetData, BrtEndSheet
    workbook = (_record(0x83) + _record(0x8F) + _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet))
                + _record(0x90) + _record(0x84))  # BrtBeginBook, sheets (BrtBundleSh), BrtEndBook
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _XLSB_TYPES)
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{_RELS_NS}"><Relationship Id="rId1" '
                                  f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.bin"/></Relationships>')
        z.writestr("xl/workbook.bin", workbook)
        z.writestr("xl/_rels/workbook.bin.rels", f'<?xml version="1.0"?><Relationships xmlns="{_RELS_NS}">'
                                                 f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" '
                                                 'Target="worksheets/sheet1.bin"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.bin", records)
    return path


def far_xlsb(tmp_path: Path) -> Path:
    """An .xlsb of two numbers: at A1, and in row 1 of column 268,435,457 (a column is 4 bytes there)."""
    return xlsb(tmp_path / "远处.xlsb", [(0, 0, 1.0), (0, 1 << 28, 2.0)])
