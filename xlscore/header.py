"""The project's header fields: 项目名称, 主管部门 (or 单位), 年度 — wherever they are written.

Either ``项目名称：铝工业转型升级专项资金`` in one cell, or a label cell with the value in the next
non-empty cell to its right. A title such as ``2021年度企业服务活动专项经费项目支出绩效自评表``
supplies the year (and the name) when no field says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import labels
from .book import Book, Sheet
from .textnum import clean, norm, parse_year

SCAN_ROWS = 400
_TITLE_RE = re.compile(r"^((?:19|20)\d\d)年度?(.+?)(?:项目)?(?:支出)?绩效自评(?:价)?(?:报告|表|评分表)?$")


@dataclass
class Project:
    """The project's name, department and year, from the sheets' header lines."""

    name: str | None = None
    department: str | None = None
    year: int | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "department": self.department, "year": self.year}


def _value_right(sheet: Sheet, row: int, col: int) -> object:
    line = sheet.rows[row] if row < sheet.nrows else []
    anchor = sheet.anchor(row, col)
    for c in range(col + 1, min(len(line), col + 8)):
        if sheet.anchor(row, c) == anchor:
            continue
        value = sheet.value(row, c)
        if value not in (None, ""):
            return value
    return None


@lru_cache(maxsize=4096)
def _field_of(text: str) -> tuple[str, str] | None:
    for key, words in labels.HEADER_FIELDS.items():
        for word in words:
            if text == word or text.startswith(word + ":"):
                return key, text[len(word):].lstrip(":")
    return None


def _title_of(text: str) -> tuple[int, str] | None:
    """(year, project name) from a title such as ``2021年度企业服务活动专项经费项目支出绩效自评表``."""
    match = _TITLE_RE.match(text)
    return (int(match.group(1)), clean(match.group(2))) if match else None


@lru_cache(maxsize=4096)
def _header_text(value: str) -> tuple[str, tuple[str, str] | None, tuple[int, str] | None]:
    """(normalised text, field label hit, title reading) of a text cell: one cache lookup each."""
    text = norm(value)
    return text, _field_of(text), _title_of(text)


def read(book: Book) -> Project:
    project = Project()
    found: dict[str, tuple[int, object]] = {}
    for sheet in book.sheets:
        if all(found.get(key, (1,))[0] == 0 for key in labels.HEADER_FIELDS):
            break  # every field found under its first-choice label: nothing further can replace it
        for r, c, value in sheet.strings:
            if r >= SCAN_ROWS:
                break
            text, hit, title = _header_text(value)
            if hit is None:
                if title and project.year is None and "year" not in found:
                    found.setdefault("title_year", (0, title[0]))
                    found.setdefault("title_name", (0, title[1]))
                continue
            key, rest = hit
            if rest:
                original = clean(value)
                candidate: object = re.split(r"[:：]", original, maxsplit=1)[1].strip() if re.search(r"[:：]", original) else rest
            else:
                candidate = _value_right(sheet, r, c)
                if candidate is None or (isinstance(candidate, str) and _field_of(norm(candidate))):
                    continue
            priority = labels.HEADER_FIELDS[key].index(_matched_word(key, text))
            if key not in found or priority < found[key][0]:
                found[key] = (priority, candidate)
    if "name" in found:
        project.name = clean(found["name"][1]) or None
    elif "title_name" in found:
        project.name = found["title_name"][1] or None
    if "department" in found:
        project.department = clean(found["department"][1]) or None
    if "year" in found:
        project.year = parse_year(found["year"][1])
    if project.year is None and "title_year" in found:
        project.year = found["title_year"][1]
    return project


def _matched_word(key: str, text: str) -> str:
    for word in labels.HEADER_FIELDS[key]:
        if text == word or text.startswith(word + ":"):
            return word
    return labels.HEADER_FIELDS[key][0]
