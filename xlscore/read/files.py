"""Recognise what a file is and refuse the unsafe ones before any parser sees them.

A workbook arrives from a department's e-mail: it may be a text file with an .xlsx name, a
truncated download, a password-protected workbook (an OLE container holding an EncryptedPackage),
or a zip whose parts inflate to gigabytes. Each becomes a :class:`WorkbookError` with its code.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import WorkbookError, os_reason
from .naming import clean
from .speed import inflate, read_member, stored_zip

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Limits on what a workbook may inflate to. Real self-evaluation workbooks are well under 10 MB
# uncompressed; these leave a wide margin and still keep a zip bomb away from the parsers.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_PARTS = 10_000

KINDS = ("xlsx", "xls", "ods", "xlsb")
# Parts of an .xlsx by their standard names (the cell details read them; see _refuse_dtd).
WORKBOOK_PART, WORKBOOK_RELS_PART, STYLES_PART = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"
PACKAGE_RELS_PART, SHARED_STRINGS_PART = "_rels/.rels", "xl/sharedStrings.xml"


@dataclass(frozen=True)
class FileKind:
    """What a file holds, told by its content: its kind and whether it carries macros."""

    kind: str  # one of KINDS
    macro: bool = False  # an .xlsm (macros are never carried into outputs)


def dtd_refused(part: str | None = None) -> WorkbookError:
    """The refusal of a workbook whose ``part`` (or some part, when it is not known) carries a DTD
    or an entity declaration: never in a real workbook, and possibly an entity bomb."""
    where = f"工作簿部件 {part} " if part else "工作簿"
    return WorkbookError("FILE_CORRUPT", "dtd", where=where)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


@dataclass
class Opened:
    """A workbook file read once into memory and checked: its kind, its bytes and (for the zip
    formats) the archive over those bytes, for every reader that follows to share."""

    kind: FileKind
    data: bytes
    archive: zipfile.ZipFile | None = None
    # Parts inflated whole while their prologs were checked (see _refuse_dtd): part name -> bytes.
    parts: dict[str, bytes] = field(default_factory=dict)


def sniff(path: str | os.PathLike) -> FileKind:
    """Tell what ``path`` holds by its content, not its name; raise WorkbookError if unusable."""
    opened = open_workbook(path)
    if opened.archive is not None:
        opened.archive.close()
    return opened.kind


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")  # what a folder is searched for (.et: WPS)

# How a file is opened for reading: a FIFO that takes a regular file's place after os.stat looked
# at it must not block the open (O_NONBLOCK has no effect on a regular file).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def open_regular(path: str | os.PathLike):
    """``path`` opened for binary reading, only when it is a regular file (links followed): a FIFO
    would block the reader forever and a device (the zero device) never ends. The type is checked
    before opening and again on the opened descriptor, which is what is read. Raises
    WorkbookError(FILE_UNREADABLE) for anything else, IsADirectoryError for a folder, and the
    OSError of stat or open (FileNotFoundError, PermissionError, …)."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "是文件夹", str(path))
    regular = stat.S_ISREG(mode)
    fd = os.open(path, _OPEN_FLAGS) if regular else None  # (non-blocking: a FIFO's open would wait)
    try:
        if not regular or not stat.S_ISREG(os.fstat(fd).st_mode):
            raise WorkbookError("FILE_UNREADABLE", "not_regular")
        return os.fdopen(fd, "rb")
    except BaseException:
        if fd is not None:
            os.close(fd)
        raise


def read_regular(path: str | os.PathLike, limit: int) -> bytes | None:
    """The bytes of the regular file ``path`` (see :func:`open_regular`); None when it holds more
    than ``limit`` bytes, of which no more than ``limit`` + 1 are read."""
    with open_regular(path) as handle:
        if os.fstat(handle.fileno()).st_size > limit:
            return None
        data = handle.read(limit + 1)  # a file that grows while it is read stops here
    return None if len(data) > limit else data


def unreadable(exc: OSError) -> WorkbookError:
    """The FILE_UNREADABLE of a read the system refused, saying why in Chinese."""
    return WorkbookError("FILE_UNREADABLE", "os_error", reason=os_reason(exc))


def dangling_link(path: str | os.PathLike) -> WorkbookError | None:
    """The FILE_NOT_FOUND to say of ``path`` when it is a link whose target does not exist (None
    otherwise)."""
    if not os.path.islink(path) or os.path.exists(path):
        return None
    try:
        target = clean(os.readlink(path))
    except OSError:
        return WorkbookError("FILE_NOT_FOUND", "dangling_link_unread")
    return WorkbookError("FILE_NOT_FOUND", "dangling_link", target=target)


def open_workbook(path: str | os.PathLike) -> Opened:
    """Read ``path`` (once) and check it as :func:`sniff` does."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
        if data is None:
            size = max(os.stat(path).st_size, MAX_FILE_BYTES + 1)
            raise WorkbookError("FILE_TOO_LARGE", "file_size", size=_mb(size), limit=_mb(MAX_FILE_BYTES))
    except FileNotFoundError:
        raise dangling_link(path) or WorkbookError("FILE_NOT_FOUND", "missing") from None
    except IsADirectoryError:
        raise WorkbookError("FILE_NOT_WORKBOOK", "folder") from None
    except OSError as exc:
        raise unreadable(exc) from None
    if not data:
        raise WorkbookError("FILE_NOT_WORKBOOK", "empty")
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    if data[:8] == OLE_MAGIC:
        return Opened(_sniff_ole(data, wps=Path(path).suffix.lower() == ".et"), data)
    raise WorkbookError("FILE_NOT_WORKBOOK", "other_content")


def _sniff_zip(data: bytes) -> Opened:
    archive = None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        names = {info.filename for info in infos}
        _check_sizes(infos)
        _refuse_duplicates(infos)
        if WORKBOOK_PART in names:
            kind = FileKind("xlsx", macro="xl/vbaProject.bin" in names)
        elif "xl/workbook.bin" in names:
            kind = FileKind("xlsb", macro="xl/vbaProject.bin" in names)
        elif "content.xml" in names and _is_ods(archive):
            kind = FileKind("ods")
        else:
            raise WorkbookError("FILE_NOT_WORKBOOK", "zip_without_workbook")
        parts = _refuse_dtd(archive, infos, data, kind.kind == "xlsx")
        opened, archive = Opened(kind, data, archive, parts), None
        return opened
    except zipfile.BadZipFile:
        raise WorkbookError("FILE_CORRUPT", "truncated") from None
    except (zipfile.LargeZipFile, NotImplementedError):
        raise WorkbookError("FILE_CORRUPT", "compression") from None
    except (OSError, EOFError, zlib.error):
        raise WorkbookError("FILE_CORRUPT", "inflate") from None
    except RuntimeError:  # zipfile: "File ... is encrypted, password required"
        raise WorkbookError("FILE_ENCRYPTED", "zip_password") from None
    finally:
        if archive is not None:  # refused: nothing reads it further
            archive.close()


def _is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        mimetype = archive.read("mimetype")[:100]
    except KeyError:
        return False
    return b"opendocument.spreadsheet" in mimetype


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip whose parts would inflate past the limits, before anything decompresses."""
    if len(infos) > MAX_PARTS:
        raise WorkbookError("FILE_TOO_LARGE", "parts", count=len(infos), limit=MAX_PARTS)
    total = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError("FILE_TOO_LARGE", "part_size", part=info.filename, size=_mb(info.file_size),
                                limit=_mb(MAX_PART_BYTES))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise WorkbookError("FILE_TOO_LARGE", "total_size", size=_mb(total), limit=_mb(MAX_TOTAL_BYTES))


def _refuse_duplicates(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip holding two parts of one name: which of them a reader takes is its own choice
    (Python's zipfile the last, others the first), so the checks and the copy could read two
    different sheets. The parts of an Office package are named without regard to case (ECMA-376
    part 2, 9.1.1.1.2), so "xl/worksheets/Sheet1.xml" is "xl/worksheets/sheet1.xml" there too;
    a real workbook never repeats a name either way."""
    seen: set[str] = set()
    for info in infos:
        key = info.filename.casefold()
        if key in seen:
            raise WorkbookError("FILE_CORRUPT", "duplicate_part", part=info.filename)
        seen.add(key)


def _refuse_dtd(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], data: bytes, xlsx: bool) -> dict[str, bytes]:
    """Office XML never carries a DTD; one that does may hold an entity bomb. Every part is looked
    at, whatever its name: the readers find a sheet by what the relationships and content types
    say, and those may name any part (``worksheets/sheet1.bin``, an image's name) as XML; a part
    that is not XML (an image, a macro project) shows that in its first bytes. A DTD can only
    stand in the prolog, before the root element, so only the prolog of each part is inflated:
    from the part's first compressed bytes, read straight from the file, or by streaming when the
    prolog runs on (long comments). The parts of an .xlsx that the cell details read whole anyway
    (its sheets, styles, workbook and the workbook's relationships) are inflated whole here, once,
    and returned for them (part name -> bytes)."""
    whole: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        part = _whole_part(data, info) if xlsx and _read_whole(info.filename) else None
        if part is not None:
            whole[info.filename] = part
        verdict = _prolog_verdict(part, final=True) if part is not None else _prolog_verdict(_head(data, info))
        if verdict is None:
            with archive.open(info) as stream:
                verdict = _prolog_has_dtd(stream)
        if verdict:
            raise dtd_refused(info.filename)
    return whole


_WHOLE_PART_MAX = 16 * 1024 * 1024  # a larger part is inflated by its reader, when it is read
# What the cell details and calamine read whole, with the sheets (see stored_copy).
_READ_WHOLE = frozenset({WORKBOOK_PART, WORKBOOK_RELS_PART, STYLES_PART, PACKAGE_RELS_PART, SHARED_STRINGS_PART})


def _read_whole(name: str) -> bool:
    return name in _READ_WHOLE or is_sheet_part(name)


def is_sheet_part(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.count("/") == 2


def _whole_part(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A part inflated whole, or None when it is too large or damaged (its reader then says so)."""
    if info.file_size > _WHOLE_PART_MAX:
        return None
    try:
        return read_member(data, info)
    except zipfile.BadZipFile:
        return None


_CHUNK = 1024
def _head(whole: bytes, info: zipfile.ZipInfo) -> bytes:
    """Up to the first _CHUNK bytes of a part; b"" when they cannot be had this way (the
    streaming path then decides)."""
    try:
        return inflate(whole, info, _CHUNK, min(info.compress_size, _CHUNK))
    except zipfile.BadZipFile:
        return b""


# The prolog's whitespace, declarations/processing instructions and comments, each complete: one
# match in C instead of a loop over them. A closer is looked for from the opener's "<" on, so that
# a malformed "<!-->" or "<?>" counts as closed and what follows it is still looked at.
_PROLOG_RE = re.compile(rb"(?:[ \t\r\n]+|<(?=\?).*?\?>|<!(?=--).*?-->)*", re.S)


def _prolog_verdict(data: bytes, final: bool = False) -> bool | None:
    """Whether the prolog at the start of ``data`` holds a DTD; None when ``data`` ends before the
    root element starts (or is UTF-16, or empty), unless it is ``final``, the whole part."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    at = _PROLOG_RE.match(data, 3 if data.startswith(b"\xef\xbb\xbf") else 0).end()
    if len(data) - at < 9 and not final:
        return None
    if data[at:at + 1] != b"<":
        return False  # nothing but a prolog, or not XML: the parsers will say so
    if data.startswith((b"<!DOCTYPE", b"<!ENTITY"), at):
        return True
    if data.startswith((b"<?", b"<!--"), at):  # one that does not close here
        return False if final else None
    return False  # the root element: the prolog is over


def _read(part, size: int = _CHUNK) -> bytes:
    """Up to ``size`` bytes: short only at the end of the part."""
    data = part.read(size)
    while data and len(data) < size:
        more = part.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _prolog_has_dtd(part) -> bool:
    """Whether the XML prolog (declaration, comments, processing instructions, whitespace) that
    precedes the root element holds a ``<!DOCTYPE``; reads the part only as far as the root."""
    data = _read(part)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: read it all (sizes are bounded)
        text = (data + part.read()).decode("utf-16", "replace").encode("utf-8", "replace")
        return b"<!DOCTYPE" in text or b"<!ENTITY" in text
    while True:
        verdict = _prolog_verdict(data)
        if verdict is not None:
            return verdict
        more = _read(part, max(_CHUNK, len(data)))  # the buffer doubles: re-reading it stays linear
        if not more:
            return bool(_prolog_verdict(data, final=True))
        data += more


def _sniff_ole(data: bytes, wps: bool = False) -> FileKind:
    """An OLE file: an .xls (or a WPS .et holding the same BIFF workbook stream), or refused."""
    import olefile  # start-up guard: 12 ms; only .xls and other OLE files

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
                raise WorkbookError("FILE_ENCRYPTED", "password")
            if ole.exists("Workbook") or ole.exists("Book"):
                return FileKind("xls")
    except OSError:
        raise WorkbookError("FILE_CORRUPT", "old_excel") from None
    if wps:
        raise WorkbookError("FILE_NOT_WORKBOOK", "wps_without_biff")
    raise WorkbookError("FILE_NOT_WORKBOOK", "office_document")


# --- an uncompressed copy for calamine ----------------------------------------------------------

# What calamine reads of an .xlsx besides its worksheets (python-calamine 0.9: the package's and
# the workbook's relationships, the workbook, its shared strings and its styles).
CALAMINE_PARTS = (PACKAGE_RELS_PART, WORKBOOK_RELS_PART, WORKBOOK_PART, SHARED_STRINGS_PART, STYLES_PART)
def stored_copy(opened: Opened, sheet_parts: Iterable[str]) -> bytes | None:
    """The parts calamine reads of an .xlsx, in a zip of their own with nothing compressed
    (read.speed.stored_zip): the sheets were inflated and checked against their CRCs for the cell
    details, and calamine need not inflate them again. None when a part it reads was not inflated
    here (too large, damaged, or at an unusual name): calamine then reads the file itself, and
    reports what it finds there."""
    parts, archive = opened.parts, opened.archive
    if archive is None or WORKBOOK_PART not in parts or any(part not in parts for part in sheet_parts):
        return None
    names = []
    for name in CALAMINE_PARTS:
        if name in parts:
            names.append(name)
        elif _has_part(archive, name):
            return None  # there, but not inflated here
    names += [name for name in parts if is_sheet_part(name)]  # every sheet calamine may ask for
    return stored_zip([(name, parts[name], archive.getinfo(name).CRC) for name in names])


def _has_part(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True
