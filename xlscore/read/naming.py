"""Safe output names: one path component at a time, as the file systems the bureau writes to take them.

An input's name is the department's: it may hold control characters, bidirectional overrides (a
name that shows ``xlsx.exe`` reversed), characters Windows refuses (``<>:"\\|?*``), a device name
Windows reserves (``CON``, ``NUL``, ``COM1`` …), dots only (``..xlsx``), or run past the 255 bytes
a name may have (85 Chinese characters in UTF-8). The output name made from it has none of these;
two names are the same name when Windows or macOS would take them for one (case and Unicode
normalisation ignored), see :func:`fold`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SUFFIX = "_复核"  # an output is <stem>_复核.xlsx and 报告/<stem>_复核.json
TAILS = (f"{SUFFIX}.xlsx", f"{SUFFIX}.json")
REPORT_DIR = "报告"  # the JSON reports' folder in OUT, holding the copies' relative paths
MAX_NAME_BYTES = 255  # one path component, in UTF-8 (ext4; Windows and macOS allow 255 UTF-16 units)
UNNAMED = "未命名"  # a name with nothing left once the dots and invisible characters are gone

# C0 and C1 controls (ESC, BEL, NEL …), the bidirectional marks, embeddings, overrides (RLO) and
# isolates: they hide or reorder what a name shows, and a terminal may act on them.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')  # not allowed in a Windows file name
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in "0123456789¹²³"}


def clean(text: str) -> str:
    """``text`` without control characters and bidirectional formatting characters."""
    return _INVISIBLE.sub("", text)


def fold(path: str) -> str:
    """The form in which two names are one on Windows and macOS file systems."""
    return unicodedata.normalize("NFC", path).casefold()


def component(text: str, tail: str = "") -> str:
    """A safe file or folder name from ``text``, to be followed by ``tail`` (``"_复核.xlsx"`` for
    a file; nothing for a folder): cleaned, Windows' forbidden characters replaced by ``_``, no
    leading dot (a hidden file), no trailing dot or space on a folder (Windows drops them), a
    reserved device name changed (``CON.eml`` → ``CON_.eml``), and shortened to fit with ``tail``
    in 255 bytes — a shortened name ends in ``~`` and six characters of its full name's digest, so
    two long names that begin alike stay apart."""
    name = _FORBIDDEN.sub("_", clean(text)).lstrip(".")
    if not tail:
        name = name.rstrip(". ")
    if not name:
        name = UNNAMED
    if f"{name}{tail}".partition(".")[0].rstrip(" ").casefold() in _RESERVED:
        first, dot, rest = name.partition(".")
        name = f"{first}_{dot}{rest}"
    budget = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    if len(name.encode("utf-8")) <= budget:
        return name
    mark = "~" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    cut = name.encode("utf-8")[:budget - len(mark)].decode("utf-8", "ignore")
    return cut + mark


def split_name(name: str, suffixes: tuple[str, ...]) -> tuple[str, str]:
    """(stem, extension without its dot) of a file name; ``suffixes`` are matched whole, so that
    ``..xlsx`` is the stem ``.`` of an .xlsx (where a path's suffix would see none)."""
    lower = name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix):
            return name[: len(name) - len(suffix)], suffix[1:]
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot and stem else (name, "")
