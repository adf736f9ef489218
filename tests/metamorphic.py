"""Metamorphic layouts of the sample workbooks (issue 18, "A metamorphic suite").

A person reads a scoring workbook the same way whether its 分值 column has its own header, its
columns come in another order, it starts at C5, runs on to a second sheet, or writes ``2.22分``
instead of 2.22. This module makes such layouts from the samples with openpyxl, so that
``tests/test_metamorphic.py`` can check that xlscore's review of each is the review of the sample.

The pieces:

- :class:`Book` / :class:`Sheet` / :class:`Cell`: a workbook as values, number formats, fonts and
  merged ranges (``load``, ``save``). Transformations edit this model; openpyxl writes it.
- :func:`relocate`: move the cells of one sheet by a position function (to other rows, columns or
  sheets), carrying merged ranges along and rewriting every formula of the workbook that refers to
  a moved cell. Every structural transformation is built on it.
- :func:`find_scoring`, :func:`find_fund`, :func:`find_usage`: the tables, found by their header and
  row words (the vocabulary of ``xlscore/scoresheet.py`` and ``xlscore/labels.py``), never by
  fixed addresses, so that each transformation works on every sample's layout and on the output of
  another transformation (compositions).
- The transformations: each ``name -> Transform`` in :data:`TRANSFORMS` (plus the header synonyms of
  :func:`synonym_transforms`, one case a word, and the label synonyms of :func:`label_round`), a
  function ``Book -> None`` that edits the book in place and raises :class:`NotApplicable` when the
  sample offers nothing to transform. :func:`compose` chains them (:data:`COMPOSITIONS`);
  :func:`transform` gives one by name, :func:`cases` every (sample, name) that applies.
- :func:`review_signature`: what a reviewer reads in a report, without what a layout legitimately
  moves (file name, table positions, sheet names, cell references). :func:`describe_difference`
  says in one line per item how two signatures differ.

Everything is deterministic: the same sample and transformation give the same workbook.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from xlscore.tables import labels, scoresheet

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures" / "metamorphic"

# The samples with a scoring table, by a short key used in test ids.
SAMPLES: dict[str, str] = {
    "seed000": "原表版式_000_铝工业转型升级专项资金.xlsx",
    "seed002": "原表版式_002_企业服务活动专项经费.xlsx",
    "hand002": "手工录入_企业服务活动专项经费.xlsx",
    "wan000": "手工录入_铝工业转型升级专项资金_万元.xlsx",
    "tpl000": "000_铝工业转型升级专项资金.xlsx",
    "tpl002": "002_企业服务活动专项经费.xlsx",
    "national": "全国表样例_农村饮水安全工程维修养护补助资金.xlsx",
}


class NotApplicable(Exception):
    """The sample has nothing this transformation changes (e.g. the synonym is the word it uses)."""


# ---------------------------------------------------------------------------------------------
# The workbook model

@dataclass
class Cell:
    value: object
    number_format: str = "General"
    font: object = None  # an openpyxl Font, kept for bold / strike-through


@dataclass
class Sheet:
    title: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # 1-based (row, col)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r1, c1, r2, c2)
    _stamp: tuple = field(default=(), repr=False, compare=False)
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        """The merged range covering (r, c). (Looked up in an index made again whenever ``merges`` is
        replaced or grows or shrinks: the transformations only ever do that to it.)"""
        stamp = (id(self.merges), len(self.merges))
        if self._stamp != stamp:
            self._index = {(r1 + i, c1 + j): m for m in self.merges for r1, c1, r2, c2 in [m]
                           for i in range(r2 - r1 + 1) for j in range(c2 - c1 + 1)}
            self._stamp = stamp
        return self._index.get((r, c))

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        m = self.merge_at(r, c)
        return (m[0], m[1]) if m else (r, c)

    def value(self, r: int, c: int) -> object:
        """The value shown at (r, c): a merged range's value on each of its cells."""
        cell = self.cells.get(self.anchor(r, c))
        return None if cell is None else cell.value

    def raw(self, r: int, c: int) -> object:
        cell = self.cells.get((r, c))
        return None if cell is None else cell.value

    def set(self, r: int, c: int, value: object, like: Cell | None = None) -> None:
        if value is None or value == "":
            self.cells.pop((r, c), None)
            return
        old = self.cells.get((r, c)) or like
        self.cells[r, c] = Cell(value, old.number_format if old else "General", old.font if old else None)

    @property
    def max_row(self) -> int:
        return max([r for r, _ in self.cells] + [m[2] for m in self.merges] + [0])

    @property
    def max_col(self) -> int:
        return max([c for _, c in self.cells] + [m[3] for m in self.merges] + [0])


@dataclass
class Book:
    sheets: list[Sheet]

    def sheet(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise KeyError(title)

    def has(self, title: str) -> bool:
        return any(s.title == title for s in self.sheets)

    def content(self) -> tuple:
        """Sheet names, values, number formats and merged ranges: what two books are compared by."""
        return tuple((s.title, tuple(sorted((k, c.value, c.number_format) for k, c in s.cells.items())),
                      tuple(sorted(s.merges))) for s in self.sheets)

    def copy(self) -> "Book":
        return Book([Sheet(s.title, {k: Cell(v.value, v.number_format, v.font) for k, v in s.cells.items()},
                           list(s.merges)) for s in self.sheets])


def load(path: str | Path) -> Book:
    """The workbook at ``path`` (.xlsx) as a :class:`Book` (formulas as their text)."""
    return _load_cached(str(path)).copy()


@lru_cache(maxsize=None)
def _load_cached(path: str) -> Book:
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        sheet = Sheet(ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is None or c.__class__.__name__ == "MergedCell":
                    continue
                font = copy.copy(c.font) if c.has_style and (c.font.b or c.font.strike) else None
                sheet.cells[c.row, c.column] = Cell(c.value, c.number_format, font)
        sheet.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        sheets.append(sheet)
    return Book(sheets)


def load_sample(key: str) -> Book:
    return load(SAMPLES_DIR / SAMPLES[key])


def save(book: Book, path: str | Path) -> Path:
    """Write the book as .xlsx with openpyxl (streaming: a few milliseconds a workbook; merged
    ranges go on the worksheet's ``merged_cells``, which the streaming writer writes out)."""
    wb = openpyxl.Workbook(write_only=True)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.title)
        for r1, c1, r2, c2 in sheet.merges:
            if (r1, c1) != (r2, c2):
                ws.merged_cells.add(CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2))
        width = sheet.max_col
        rows: dict[int, dict[int, Cell]] = {}
        for (r, c), cell in sheet.cells.items():
            rows.setdefault(r, {})[c] = cell
        for r in range(1, sheet.max_row + 1):
            line = [None] * width
            for c, cell in rows.get(r, {}).items():
                if cell.number_format == "General" and cell.font is None:
                    line[c - 1] = cell.value
                    continue
                out = WriteOnlyCell(ws, value=cell.value)
                out.number_format = cell.number_format
                if cell.font is not None:
                    out.font = copy.copy(cell.font)
                line[c - 1] = out
            ws.append(line)
    path = Path(path)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# Moving cells, with merged ranges and formulas

Where = Callable[[int, int], "tuple[str, int, int] | None"]
_REF_RE = re.compile(r"^(?:(?:'((?:[^']|'')+)'|([^'!]+))!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _parse_ref(text: str) -> tuple[str | None, int, int, int, int] | None:
    m = _REF_RE.match(text)
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
    c1, r1 = column_index_from_string(m.group(3)), int(m.group(4))
    c2, r2 = (column_index_from_string(m.group(5)), int(m.group(6))) if m.group(5) else (c1, r1)
    return sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _render_range(sheet: str | None, r1: int, c1: int, r2: int, c2: int) -> str:
    ref = f"{get_column_letter(c1)}{r1}" + ("" if (r1, c1) == (r2, c2) else f":{get_column_letter(c2)}{r2}")
    return ref if sheet is None else "'" + sheet.replace("'", "''") + "'!" + ref


def _rectangles(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cells as few rectangles: the bounding box when they fill it, else runs down each column."""
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    r1, r2, c1, c2 = min(rows), max(rows), min(cols), max(cols)
    if len(cells) == (r2 - r1 + 1) * (c2 - c1 + 1):
        return [(r1, c1, r2, c2)]
    out = []
    for c in sorted(set(cols)):
        run = sorted(r for r, cc in cells if cc == c)
        start = prev = run[0]
        for r in run[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            out.append((start, c, prev, c))
            if r is not None:
                start = prev = r
    return out


def _rewrite_formula(text: str, old_host: str, new_host: str, moved: str, where: Where) -> str:
    try:
        tokens = Tokenizer(text)
    except Exception:  # a formula openpyxl cannot tokenise is left as it is
        return text
    changed = False
    for token in tokens.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        ref = _parse_ref(token.value)
        if ref is None:
            continue
        sheet, r1, c1, r2, c2 = ref
        sheet = sheet or old_host
        targets: dict[str, set] = {}
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                dest = where(r, c) if sheet == moved else (sheet, r, c)
                if dest is not None:
                    targets.setdefault(dest[0], set()).add((dest[1], dest[2]))
        if not targets:
            token.value = "#REF!"
        else:
            parts = [_render_range(None if s == new_host else s, *rect)
                     for s, cells in targets.items() for rect in _rectangles(cells)]
            token.value = ",".join(parts)
        changed = True
    return tokens.render() if changed else text


def relocate(book: Book, title: str, where: Where, new_sheets_after: str | None = None) -> None:
    """Move every cell of sheet ``title`` to ``where(row, col)`` -> (sheet, row, col), or drop it
    (None). Sheets named there that do not exist are made (after ``new_sheets_after``, default
    ``title``). Merged ranges move with their cells; every formula of the workbook that refers to
    a moved cell is rewritten to refer to where it went."""
    src = book.sheet(title)
    index = book.sheets.index(book.sheet(new_sheets_after or title))
    # formulas and the sheet they were written on, before anything moves
    hosts: dict[int, str] = {}
    for s in book.sheets:
        for cell in s.cells.values():
            if isinstance(cell.value, str) and cell.value.startswith("="):
                hosts[id(cell)] = s.title
    cells, merges = src.cells, src.merges
    src.cells, src.merges = {}, []
    placed: dict[str, Sheet] = {}

    def sheet_of(name: str) -> Sheet:
        if not book.has(name):
            nonlocal index
            index += 1
            book.sheets.insert(index, Sheet(name))
        return book.sheet(name)

    for (r, c), cell in cells.items():
        dest = where(r, c)
        if dest is None:
            continue
        target = sheet_of(dest[0])
        if (dest[1], dest[2]) in target.cells:
            raise ValueError(f"relocate: {dest} is taken")
        target.cells[dest[1], dest[2]] = cell
        placed[dest[0]] = target
    for r1, c1, r2, c2 in merges:
        spots: dict[str, set] = {}
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                dest = where(r, c)
                if dest is not None:
                    spots.setdefault(dest[0], set()).add((dest[1], dest[2]))
        for name, pts in spots.items():
            rows, cols = [p[0] for p in pts], [p[1] for p in pts]
            box = (min(rows), min(cols), max(rows), max(cols))
            if box[0] != box[2] or box[1] != box[3]:
                sheet_of(name).merges.append(box)
    for s in book.sheets:
        for cell in s.cells.values():
            old_host = hosts.get(id(cell))
            if old_host is None:
                continue
            if old_host != title and s.title == old_host and title not in cell.value:
                continue  # refers to nothing that moved
            cell.value = _rewrite_formula(cell.value, old_host, s.title, title, where)


def rename_sheet(book: Book, old: str, new: str) -> None:
    if old == new:
        return
    index = book.sheets.index(book.sheet(old))
    relocate(book, old, lambda r, c: (new, r, c))
    moved = book.sheet(new)
    book.sheets.remove(moved)
    book.sheets.remove(book.sheet(old))
    book.sheets.insert(index, moved)


def insert_rows(book: Book, title: str, at: int, n: int = 1) -> None:
    """Insert ``n`` blank rows before row ``at`` of the whole sheet (as Excel does)."""
    relocate(book, title, lambda r, c: (title, r + n if r >= at else r, c))


def insert_cols(book: Book, title: str, at: int, n: int = 1, rows: range | None = None) -> None:
    """Insert ``n`` blank columns before column ``at``: in the whole sheet, or only in ``rows``
    (Excel's "insert cells, shift right"), so that other tables on the sheet stay as they were."""
    def where(r, c):
        inside = rows is None or r in rows
        return title, r, c + n if c >= at and inside else c
    relocate(book, title, where)


# ---------------------------------------------------------------------------------------------
# Words

_PAREN_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NUMBERING_RE = re.compile(r"^(?:[0-9]+[.、)]|[一二三四五六七八九十]+[、.]|[(（][0-9一二三四五六七八九十]+[)）])")


def key(value: object) -> str:
    """A label's words: half-width, no whitespace, no parentheses, no numbering."""
    return _key(value) if isinstance(value, str) else ""


@lru_cache(maxsize=None)
def _key(value: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    text = _NUMBERING_RE.sub("", text)
    text = _PAREN_RE.sub("", text)
    return text.strip(":：.、*※")


_ROLE = {word: role for role, words in scoresheet.HEADERS.items() for word in words}
_LONG_ROLE = [(word, role) for word, role in _ROLE.items() if len(word) >= 4]


def header_role(value: object) -> str | None:
    """The HEADERS role a header cell names (a word of four characters or more may run on:
    ``评分标准（参考）``)."""
    return _header_role(value) if isinstance(value, str) else None


@lru_cache(maxsize=None)
def _header_role(value: str) -> str | None:
    k = _key(value)
    if k in _ROLE:
        return _ROLE[k]
    for word, role in _LONG_ROLE:
        if k.startswith(word):
            return role
    return None


_NUMBER_TEXT_RE = re.compile(r"^[+-]?[0-9][0-9,]*(\.[0-9]+)?(分|%|％|元|万元)?$")


def is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(_NUMBER_TEXT_RE.match(unicodedata.normalize("NFKC", value).strip()))


def number_of(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    m = re.match(r"^[+-]?[0-9]+(\.[0-9]+)?", text)
    return float(m.group(0)) if m else None


def _fmt(value: float) -> str:
    return f"{round(value, 6):g}" if abs(value) < 1e15 else str(value)


# ---------------------------------------------------------------------------------------------
# The scoring table

@dataclass
class Table:
    """The scoring table as the generator sees it (1-based rows and columns)."""

    sheet: str
    header: int  # the header row
    titles: list[int]  # title rows directly above the header
    first: int  # first body row
    last: int  # last body row (above the 总计 row)
    total: int | None
    grade: int | None
    left: int
    right: int
    roles: dict[str, int]  # role of HEADERS -> column, right of the level area
    name: int
    level1_name: int | None = None
    level1_weight: int | None = None
    level2_name: int | None = None
    level2_weight: int | None = None

    @property
    def top(self) -> int:
        return min(self.titles) if self.titles else self.header

    @property
    def bottom(self) -> int:
        return max(r for r in (self.last, self.total, self.grade) if r is not None)

    @property
    def rows(self) -> range:
        """The table's rows from its header (titles excluded) to its last row."""
        return range(self.header, self.bottom + 1)

    def level_cols(self) -> list[int]:
        return [c for c in (self.level1_name, self.level1_weight, self.level2_name, self.level2_weight)
                if c is not None]


def _header_rows(sheet: Sheet) -> list[int]:
    roles: dict[int, set] = {}
    for (r, _c), cell in sheet.cells.items():
        role = header_role(cell.value)
        if role:
            roles.setdefault(r, set()).add(role)
    return sorted(r for r, found in roles.items() if "name" in found and ("weight" in found or "self_score" in found))


def _numeric_share(sheet: Sheet, c: int, rows: range) -> float | None:
    seen, values = set(), []
    for r in rows:
        a = sheet.anchor(r, c)
        if a in seen:
            continue
        seen.add(a)
        v = sheet.raw(*a)
        if v not in (None, "") and not (isinstance(v, str) and v.startswith("=")):
            values.append(v)
    if not values:
        return None
    return sum(is_number(v) for v in values) / len(values)


def find_scoring(book: Book) -> Table:
    """The first scoring table of the book: the first row holding a 三级指标 header and a 权重 or
    得分 header (any word of HEADERS), down to its 总计 and 评价等级 rows."""
    for sheet in book.sheets:
        rows = _header_rows(sheet)
        if rows:
            return _read_table(sheet, rows[0])
    raise NotApplicable("no scoring table")


def _read_table(sheet: Sheet, header: int) -> Table:
    ncols = sheet.max_col
    spans: dict[int, tuple[int, int]] = {}
    cols = []
    for c in range(1, ncols + 1):
        a = sheet.anchor(header, c)
        m = sheet.merge_at(header, c)
        spans[c] = (m[1], m[3]) if m else (c, c)
        if sheet.raw(*a) not in (None, ""):
            cols.append(c)
    left, right = min(cols), max(spans[c][1] for c in cols)
    name = next(c for c in range(left, right + 1) if header_role(sheet.value(header, c)) == "name")
    first = header + 1
    while any(header_role(sheet.raw(first, c)) for c in range(left, right + 1)):
        first += 1
    total = grade = None
    r, nrows = first, sheet.max_row
    while r <= nrows:
        words = [key(sheet.value(r, c)) for c in range(left, name + 1)]
        if any(w in scoresheet.TOTAL_WORDS for w in words):
            total = r
            break
        r += 1
    last = (total - 1) if total else max(rr for rr in range(first, sheet.max_row + 1)
                                          if any(sheet.raw(rr, c) is not None for c in range(left, right + 1)))
    start = total if total else last + 1
    for r in range(start, min(start + 4, sheet.max_row + 1)):
        words = [key(sheet.value(r, c)) for c in range(left, right + 1)]
        if any(w in scoresheet.GRADE_WORDS for w in words):
            grade = r
            break
    titles = []
    r = header - 1
    while r >= 1 and len(titles) < 3:
        values = [sheet.raw(r, c) for c in range(1, ncols + 1) if sheet.raw(r, c) not in (None, "")]
        if len(values) == 1 and isinstance(values[0], str) and not header_role(values[0]) \
                and not labels.fund_row(values[0]):
            titles.append(r)
            r -= 1
        else:
            break
    roles: dict[str, int] = {}
    for c in range(name + 1, right + 1):
        if sheet.anchor(header, c)[1] != c:
            continue
        role = header_role(sheet.raw(header, c))
        if role and role not in roles:
            roles[role] = c
    roles["name"] = name
    table = Table(sheet.title, header, sorted(titles), first, last, total, grade, left, right, roles, name)
    _level_area(sheet, table)
    return table


def _level_area(sheet: Sheet, t: Table) -> None:
    """The columns left of the names: a column mostly of numbers is a weight (the 一级 one first, a
    second one or one right of the 二级 names the 二级 one); the others under 一级指标 / 二级指标
    hold the names."""
    body = range(t.first, t.last + 1)
    numeric: list[int] = []
    for c in range(t.left, t.name):
        role = header_role(sheet.value(t.header, c))
        share = _numeric_share(sheet, c, body)
        if share is not None and share >= 0.5:
            numeric.append(c)
        elif role == "level1" and t.level1_name is None:
            t.level1_name = c
        elif role == "level2" and t.level2_name is None:
            t.level2_name = c
    for c in numeric:
        if t.level2_name is not None and c > t.level2_name:
            t.level2_weight = t.level2_weight or c
        elif t.level1_weight is None:
            t.level1_weight = c
        elif t.level2_weight is None:
            t.level2_weight = c


def indicator_rows(book: Book, t: Table) -> list[int]:
    sheet = book.sheet(t.sheet)
    out = []
    for r in range(t.first, t.last + 1):
        if sheet.anchor(r, t.name) != (r, t.name):
            continue
        v = sheet.raw(r, t.name)
        if v in (None, "") or header_role(v) == "name":
            continue
        out.append(r)
    return out


def blocks(sheet: Sheet, col: int, rows: range) -> list[tuple[int, int]]:
    """The row ranges that a level column groups: a merged cell, or a value followed by blanks or by
    the same value repeated."""
    out: list[list[int]] = []
    prev_value = object()
    for r in rows:
        m = sheet.merge_at(r, col)
        if m and m[0] < r:
            if out:
                out[-1][1] = r
            continue
        v = sheet.raw(r, col)
        if m is None and out and (v in (None, "") or v == prev_value) and out[-1][1] == r - 1:
            out[-1][1] = r
            continue
        if v in (None, "") and m is None:
            continue
        out.append([r, m[2] if m else r])
        prev_value = v
    return [(a, b) for a, b in out]


# ---------------------------------------------------------------------------------------------
# The fund and usage tables (for the unit transformations)

@dataclass
class RowTable:
    sheet: str
    rows: dict[int, str]  # row -> fund row key (or "item"/"total" for the usage table)
    label_col: int
    cols: list[int]  # the figure columns


def find_fund(book: Book) -> RowTable | None:
    """The fund table (资金安排情况): the rows labelled with FUND_ROWS words, the columns of figures."""
    for sheet in book.sheets:
        found: dict[int, tuple[str, int]] = {}
        for (r, c), cell in sheet.cells.items():
            row = labels.fund_row(cell.value) if isinstance(cell.value, str) else None
            if row and r not in found:
                found[r] = (row, c)
        if len({k for k, _ in found.values()}) >= 3:
            label_col = Counter(c for _, c in found.values()).most_common(1)[0][0]
            rows = {r: k for r, (k, c) in found.items() if c == label_col}
            cols = sorted({c for (r, c) in sheet.cells if r in rows and c > label_col
                           and (is_number(sheet.raw(r, c)) or str(sheet.raw(r, c)).startswith("="))})
            return RowTable(sheet.title, rows, label_col, cols)
    return None


def find_usage(book: Book) -> RowTable | None:
    """The usage table (资金使用情况): the rows below its 项目支出内容 header down to the first blank row."""
    for sheet in book.sheets:
        for (r, c), cell in sorted(sheet.cells.items()):
            if key(cell.value) not in labels.USAGE_ANCHORS:
                continue
            m = sheet.merge_at(r, c)
            rr = (m[2] if m else r) + 1
            rows: dict[int, str] = {}
            nrows = sheet.max_row
            while rr <= nrows:
                span = [sheet.raw(rr, cc) for cc in range(c, c + 6)]
                if all(v in (None, "") for v in span):
                    break
                rows[rr] = "total" if key(span[0]) in labels.USAGE_TOTAL_ROW else "item"
                rr += 1
            cols = sorted({cc for (rw, cc) in sheet.cells if rw in rows and cc > c})
            return RowTable(sheet.title, rows, c, cols)
    return None


def formula_inputs(book: Book) -> set[tuple[str, int, int]]:
    """Every cell some formula refers to: writing those as text would change what the formula
    computes (SUM skips text), so the unit transformations leave them as numbers."""
    out = set()
    for s in book.sheets:
        for cell in s.cells.values():
            if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                continue
            try:
                tokens = Tokenizer(cell.value).items
            except Exception:
                continue
            for token in tokens:
                if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                    ref = _parse_ref(token.value)
                    if ref:
                        sheet, r1, c1, r2, c2 = ref
                        out.update((sheet or s.title, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    return out


# ---------------------------------------------------------------------------------------------
# Transformations

Transform = Callable[[Book], None]


def compose(*transforms: Transform) -> Transform:
    def run(book: Book) -> None:
        for t in transforms:
            t(book)
    return run


def _replace_word(text: str, old: str, new: str) -> str:
    """``text`` with its label word ``old`` (found through spaces, line breaks and full-width forms)
    replaced by ``new``, keeping what is around it (``预算执行率(%)`` -> ``到位率(%)``)."""
    if old in text:
        return text.replace(old, new, 1)
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return flat.replace(old, new, 1)


# 1. synonyms ----------------------------------------------------------------------------------

def column_synonym(role: str, word: str) -> Transform:
    """The header of the scoring table's ``role`` column (HEADERS) written as ``word``."""
    def run(book: Book, check_only: bool = False) -> None:
        t = find_scoring(book)
        sheet = book.sheet(t.sheet)
        if role == "level1":
            col = t.level1_name
        elif role == "level2":
            col = t.level2_name
        else:
            col = t.roles.get(role)
        if col is None:
            raise NotApplicable(f"no {role} column")
        at = sheet.anchor(t.header, col)
        current = key(sheet.raw(*at))
        if role in ("level1", "level2") and header_role(sheet.raw(*at)) != role:
            raise NotApplicable(f"the {role} column has no header of its own")
        if current == word:
            raise NotApplicable("the sample uses this word")
        others = {key(sheet.raw(t.header, c)) for c in range(t.left, t.right + 1) if (t.header, c) != at}
        if word in others:
            raise NotApplicable("another column already has this header")
        if check_only:
            return
        sheet.set(*at, _replace_word(sheet.raw(*at), current, word) if current in str(sheet.raw(*at)) else word)
    run.checks = True
    return run


def label_synonym(kind: str, old: str, new: str) -> Transform:
    """A row label (``kind``: fund_row, fund_col, usage_anchor, usage_total, field, total, grade,
    title) written ``new`` where the sample writes ``old``."""
    def run(book: Book, check_only: bool = False, found: "_Found | None" = None) -> None:
        found = found or _Found(book)
        hits = list(_label_cells(book, kind, old, found))
        if not hits:
            raise NotApplicable(f"no {kind} label {old}")
        if kind == "field":
            # a second label of the same field (主管部门 and 实施单位): which one is meant is a matter
            # of precedence, not of reading, once one of them is renamed
            same = next(words for words in labels.HEADER_FIELDS.values() if old in words)
            others = [w for w in found.filled_fields if w in same and w != old]
            if others:
                raise NotApplicable(f"the workbook has another filled label of this field ({others[0]})")
            if new in found.labels:
                raise NotApplicable(f"the workbook already has a label {new}")
        if check_only:
            return
        for sheet, r, c in hits:
            sheet.set(r, c, _replace_word(sheet.raw(r, c), old, new))
    run.checks = True
    return run


def _filled_fields(book: Book) -> list[str]:
    """The header-field labels (项目名称, 主管部门, 实施单位 …) that have a value: after their colon, or
    in one of the next cells of their row."""
    words = {w for ws in labels.HEADER_FIELDS.values() for w in ws}
    out = []
    for s in book.sheets:
        for (r, c), cell in s.cells.items():
            k = key(cell.value)
            label, _, rest = k.partition(":")  # key() is half-width: ： is :
            if label not in words:
                continue
            if rest or any(s.value(r, cc) not in (None, "") for cc in range(c + 1, c + 4)
                           if s.anchor(r, cc) != s.anchor(r, c)):
                out.append(label)
    return out


class _Found:
    """The tables and labels of a book, found once for the many label checks made on it."""

    def __init__(self, book: Book):
        self.fund, self.usage = find_fund(book), find_usage(book)
        try:
            self.scoring: Table | None = find_scoring(book)
        except NotApplicable:
            self.scoring = None
        self.filled_fields = _filled_fields(book)
        self.field_cells: dict[str, list] = {}  # a label's words before its colon -> its cells
        for s in book.sheets:
            for (r, c), cell in s.cells.items():
                self.field_cells.setdefault(key(cell.value).partition(":")[0], []).append((s, r, c))
        self.labels = set(self.field_cells)


def _label_cells(book: Book, kind: str, old: str, found: _Found):
    if kind == "field":  # ``项目名称`` alone, or ``项目名称：…`` with its value
        yield from found.field_cells.get(old, [])
        return
    if kind in ("fund_row", "fund_col"):
        fund = found.fund
        if fund is None:
            return
        s = book.sheet(fund.sheet)
        if kind == "fund_row":
            for r in fund.rows:
                if key(s.raw(r, fund.label_col)) == old:
                    yield s, r, fund.label_col
        else:
            top = min(fund.rows)
            for r in range(max(1, top - 3), top):
                for c in fund.cols:
                    if key(s.raw(r, c)) == old:
                        yield s, r, c
        return
    if kind in ("usage_anchor", "usage_total"):
        usage = found.usage
        if usage is None:
            return
        s = book.sheet(usage.sheet)
        if kind == "usage_anchor":
            for (r, c), cell in s.cells.items():
                if c == usage.label_col and key(cell.value) == old and key(cell.value) in labels.USAGE_ANCHORS:
                    yield s, r, c
        else:
            for r, what in usage.rows.items():
                if what == "total" and key(s.raw(r, usage.label_col)) == old:
                    yield s, r, usage.label_col
        return
    t = found.scoring
    if t is None:
        return
    s = book.sheet(t.sheet)
    if kind == "total" and t.total:
        for c in range(t.left, t.name + 1):
            if key(s.raw(t.total, c)) == old:
                yield s, t.total, c
    elif kind == "grade" and t.grade:
        for c in range(t.left, t.right + 1):
            if key(s.raw(t.grade, c)) == old:
                yield s, t.grade, c
    elif kind == "title":
        longer = [w for w in labels.SCORING_TITLES if old in w and w != old]  # 评分附件表 in 自评价评分附件表
        for r in t.titles:
            for c in range(1, s.max_col + 1):
                text = s.raw(r, c)
                if isinstance(text, str) and old in text and not any(w in text for w in longer):
                    yield s, r, c


# the fund columns' words that labels.fund_column reads alike
FUND_COLUMN_SYNONYMS = {
    "市级": ("市本级",), "区县级": ("县级", "区级"), "乡镇级": ("乡级", "镇级"), "社会资本": ("社会资金",),
    "合计": ("总计", "总额"),
}
LABEL_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "fund_row": {words[0]: words for words in labels.FUND_ROWS.values()}
    | {w: words for words in labels.FUND_ROWS.values() for w in words},
    "fund_col": {k: (k, *v) for k, v in FUND_COLUMN_SYNONYMS.items()},
    "usage_anchor": {w: labels.USAGE_ANCHORS for w in labels.USAGE_ANCHORS},
    "usage_total": {w: labels.USAGE_TOTAL_ROW for w in labels.USAGE_TOTAL_ROW},
    "field": {w: words for words in labels.HEADER_FIELDS.values() for w in words},
    "total": {w: scoresheet.TOTAL_WORDS for w in scoresheet.TOTAL_WORDS},
    "grade": {w: scoresheet.GRADE_WORDS for w in scoresheet.GRADE_WORDS},
    "title": {w: labels.SCORING_TITLES for w in labels.SCORING_TITLES},
}


def synonym_transforms(book: Book) -> dict[str, Transform]:
    """Every header word of HEADERS (scoresheet.py) this sample allows, each substituted in turn for
    the word the sample uses: one case a word."""
    out: dict[str, Transform] = {}
    for role, words in scoresheet.HEADERS.items():
        for word in words:
            t = column_synonym(role, word)
            if _applies(book, t):
                out[f"synonym[{role}={word}]"] = t
    return out


def label_synonyms(book: Book) -> dict[tuple[str, str], list[str]]:
    """(kind, the word the sample uses) -> the other words of labels.py (and of the 总计 / 评价等级
    rows of scoresheet.py) that may stand for it here."""
    out: dict[tuple[str, str], list[str]] = {}
    found = _Found(book)
    for kind, table in LABEL_SYNONYMS.items():
        for old, words in table.items():
            for new in words:
                if new == old:
                    continue
                try:
                    label_synonym(kind, old, new)(book, check_only=True, found=found)
                except NotApplicable:
                    continue
                out.setdefault((kind, old), []).append(new)
    return out


LABEL_ROUNDS = 8  # the longest list of label synonyms (主管部门's) has 7 other words


def label_round(k: int) -> Transform:
    """Round ``k`` (from 1) of the label synonyms: every row, column, field and title label of the
    sample written as its k-th other word at once (labels with fewer words sit the round out). Over
    the rounds every word of labels.py is substituted once; ``python tests/metamorphic.py diff
    SAMPLE 'synonym[kind:old=new]'`` tries one alone."""
    def run(book: Book) -> None:
        picks = [(kind, old, words[k - 1]) for (kind, old), words in label_synonyms(book).items() if len(words) >= k]
        if not picks:
            raise NotApplicable(f"no label has {k} synonyms")
        for kind, old, new in picks:
            try:
                label_synonym(kind, old, new)(book)
            except NotApplicable as exc:  # two labels of one round must not step on each other
                raise AssertionError(f"round {k}: {kind} {old}={new}: {exc}") from exc
    return run


def _applies(book: Book, t: Transform) -> bool:
    try:
        if getattr(t, "checks", False):
            t(book, check_only=True)
        else:
            t(book.copy())
    except NotApplicable:
        return False
    return True


# 2. level weight columns -----------------------------------------------------------------------

def level_weight_columns(level1_word: str, level2_word: str | None) -> Transform:
    """Each level's weight in a column with a header of its own: ``一级指标 | 分值 | 二级 weights |
    三级指标 | 权重 …`` (seed 000's printed 附表1). A level that has no weight column gets one, right
    of its name, holding the sum of its 三级 weights merged down its block. ``level2_word`` "" gives
    the 二级 weights a blank header; None puts them under the header next to them (``分值`` over
    both weight columns, or ``二级指标`` over the 二级 names and weights)."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        if t.level1_name is None:
            raise NotApplicable("no 一级 column")
        if t.level1_weight is None:
            _add_weight_column(book, t, t.level1_name)
            t = find_scoring(book)
        if level2_word is not None and t.level2_name is not None and t.level2_weight is None:
            _add_weight_column(book, t, t.level2_name)
            t = find_scoring(book)
        sheet = book.sheet(t.sheet)
        original = {c: key(sheet.value(t.header, c)) for c in t.level_cols()}
        plan: dict[int, tuple[str | None, bool]] = {}  # col -> (header text, joins the column left of it)
        plan[t.level1_name] = (original[t.level1_name] or "一级指标", False)
        plan[t.level1_weight] = (level1_word, False)
        if t.level2_name is not None:
            plan[t.level2_name] = (original[t.level2_name] or "二级指标", False)
        if t.level2_weight is not None:
            joins = level2_word is None and t.level2_weight - 1 in (t.level1_weight, t.level2_name)
            plan[t.level2_weight] = (level2_word or None, joins)
        area = sorted(plan)
        if area != list(range(area[0], area[-1] + 1)):
            raise NotApplicable("the level columns are not side by side")
        sheet.merges = [m for m in sheet.merges
                        if not (m[0] <= t.header <= m[2] and m[1] <= area[-1] and m[3] >= area[0])]
        groups: list[list[int]] = []
        for c in area:
            if plan[c][1] and groups:
                groups[-1].append(c)
            else:
                groups.append([c])
        for group in groups:
            for c in group:
                sheet.set(t.header, c, None)
            sheet.set(t.header, group[0], plan[group[0]][0])
            if len(group) > 1:
                sheet.merges.append((t.header, group[0], t.header, group[-1]))
    return run


def _add_weight_column(book: Book, t: Table, name_col: int) -> None:
    """A column right of ``name_col`` with each block's weight (the sum of its 三级 weights), merged
    down the block, inserted in the table's rows only."""
    sheet = book.sheet(t.sheet)
    weight_col = t.roles.get("weight")
    if weight_col is None:
        raise NotApplicable("no 权重 column to add up")
    indicators = indicator_rows(book, t)
    sums = []
    for r1, r2 in blocks(sheet, name_col, range(t.first, t.last + 1)):
        weights = [number_of(sheet.value(r, weight_col)) for r in indicators if r1 <= r <= r2]
        weights = [w for w in weights if w is not None]
        sums.append((r1, r2, round(sum(weights), 2) if weights else None, sheet.cells.get((r1, weight_col))))
    insert_cols(book, t.sheet, name_col + 1, 1, rows=t.rows)
    for r1, r2, total, like in sums:
        if total is not None:
            sheet.set(r1, name_col + 1, total, like=like)
        if r2 > r1:
            sheet.merges.append((r1, name_col + 1, r2, name_col + 1))


# 3. columns reordered ----------------------------------------------------------------------------

def reorder_columns(order: Callable[[list[tuple[int, str | None]]], list[int]]) -> Transform:
    """The columns right of 三级指标 put in the order ``order`` gives for [(column, role)] (the
    level area and the names stay at the left, and so do the columns a merged 总计 label spans;
    only the table's rows move)."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        sheet = book.sheet(t.sheet)
        # the columns a 总计 / 评价等级 label spans stay where they are (national: 总分 over A:F)
        fixed = t.name
        for r in (t.total, t.grade):
            for c in range(t.left, t.name + 1):
                m = sheet.merge_at(r, c) if r else None
                if m and key(sheet.raw(m[0], m[1])):
                    fixed = max(fixed, m[3])
        cols = list(range(fixed + 1, t.right + 1))
        role_of = {c: header_role(sheet.value(t.header, c)) for c in cols}
        new_order = order([(c, role_of[c]) for c in cols])
        if new_order == cols:
            raise NotApplicable("order unchanged")
        dest = {old: cols[i] for i, old in enumerate(new_order)}
        rows = t.rows
        relocate(book, t.sheet, lambda r, c: (t.sheet, r, dest.get(c, c) if r in rows else c))
    return run


def reversed_order(cols):
    return [c for c, _ in reversed(cols)]


def scores_first_order(cols):
    """评分结果 | 业绩值 | 标值 | 权重 first, then the rest as they were."""
    first = [c for want in ("self_score", "actual", "target", "weight") for c, role in cols if role == want]
    return first + [c for c, _ in cols if c not in first]


def review_first_order(cols):
    """The 复核 columns right after the names, then the rest as they were."""
    first = [c for c, role in cols if role and role.startswith("review_")]
    return first + [c for c, _ in cols if c not in first]


# 4. blank rows, blank columns, title lines --------------------------------------------------------

def blank_rows(where: str) -> Transform:
    """Blank rows inserted: ``above`` the table (2), ``after_header``, ``between_groups`` (before each
    一级 block but the first), ``before_total``."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        if where == "above":
            at = [t.top, t.top]
        elif where == "after_header":
            at = [t.first]
        elif where == "before_total":
            if t.total is None:
                raise NotApplicable("no 总计 row")
            at = [t.total]
        else:
            sheet = book.sheet(t.sheet)
            col = t.level1_name if t.level1_name is not None else t.name
            at = [r1 for r1, _ in blocks(sheet, col, range(t.first, t.last + 1))][1:]
            if not at:
                raise NotApplicable("one group only")
        for r in sorted(at, reverse=True):
            insert_rows(book, t.sheet, r)
    return run


def blank_columns(where: str) -> Transform:
    """Blank columns inserted: ``left`` of the table (the whole sheet), or ``inside`` it (after
    三级指标 and after the self-score column, in the table's rows only)."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        if where == "left":
            insert_cols(book, t.sheet, t.left, 1)
            return
        rows = range(t.top, t.bottom + 1)
        at = sorted({t.name + 1, t.roles.get("self_score", t.name) + 1}, reverse=True)
        for c in at:
            insert_cols(book, t.sheet, c, 1, rows=rows)
    return run


def title_lines(book: Book) -> None:
    """Two title lines above the scoring table (``附表1``, a form title) and a signature line below."""
    t = find_scoring(book)
    sheet_title = t.sheet
    insert_rows(book, sheet_title, t.top, 2)
    sheet = book.sheet(sheet_title)
    sheet.set(t.top, t.left, "附表1")
    sheet.set(t.top + 1, t.left, "项目支出绩效自评价评分表")
    sheet.merges.append((t.top + 1, t.left, t.top + 1, t.right))
    bottom = t.bottom + 2
    insert_rows(book, sheet_title, bottom + 1, 2)
    sheet.set(bottom + 2, t.left, "填表人：张明　　联系电话：0371-67180000　　填报日期：2022年3月15日")


# 5. the table moved -------------------------------------------------------------------------------

def move_table(down: int, right: int) -> Transform:
    """The scoring table (titles included) moved ``down`` rows and ``right`` columns; what is below
    it on the sheet moves down with it."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        top, bottom = t.top, t.bottom
        relocate(book, t.sheet, lambda r, c: (t.sheet, r + down if r >= top else r,
                                              c + right if top <= r <= bottom else c))
    return run


def rename_scoring_sheet(new: str) -> Transform:
    def run(book: Book) -> None:
        t = find_scoring(book)
        if book.has(new):
            raise NotApplicable(f"a sheet {new} exists")
        rename_sheet(book, t.sheet, new)
    return run


def scoring_sheet_first(book: Book) -> None:
    t = find_scoring(book)
    sheet = book.sheet(t.sheet)
    if book.sheets[0] is sheet:
        raise NotApplicable("already first")
    book.sheets.remove(sheet)
    book.sheets.insert(0, sheet)


# 6. split over two sheets; a header repeated mid-sheet ----------------------------------------------

def _split_row(book: Book, t: Table) -> int:
    """The 一级 block start nearest the middle of the body."""
    sheet = book.sheet(t.sheet)
    col = t.level1_name if t.level1_name is not None else t.name
    starts = [r1 for r1, _ in blocks(sheet, col, range(t.first, t.last + 1))][1:]
    if not starts:
        raise NotApplicable("one group only")
    middle = (t.first + t.last) / 2
    return min(starts, key=lambda r: abs(r - middle))


def _copy_rows(book: Book, src: str, rows: range, dest: str, at: int) -> None:
    """Copy rows (values, formats, merges within them) of ``src`` to ``dest`` from row ``at``."""
    s, d = book.sheet(src), book.sheet(dest)
    shift = at - rows.start
    for (r, c), cell in list(s.cells.items()):
        if r in rows:
            d.cells[r + shift, c] = copy.copy(cell)
    for r1, c1, r2, c2 in list(s.merges):
        if r1 in rows and r2 in rows:
            d.merges.append((r1 + shift, c1, r2 + shift, c2))


def split_sheets(book: Book) -> None:
    """The scoring table continued on a second sheet ``…（续）`` from the 一级 block nearest its middle,
    with the header repeated there (and the title, marked 续). A sheet that holds only the table is
    named ``附表1`` first."""
    t = find_scoring(book)
    sheet = book.sheet(t.sheet)
    alone = all(t.top <= r <= t.bottom for r, _ in sheet.cells)
    if alone and not book.has("附表1"):
        rename_sheet(book, t.sheet, "附表1")
        t = find_scoring(book)
    cont = f"{t.sheet}（续）"
    split = _split_row(book, t)
    index = book.sheets.index(book.sheet(t.sheet))
    book.sheets.insert(index + 1, Sheet(cont))
    row = 1
    if t.titles:
        s = book.sheet(t.sheet)
        text = next(s.raw(t.titles[0], c) for c in range(1, s.max_col + 1) if s.raw(t.titles[0], c))
        book.sheet(cont).cells[1, t.left] = Cell(f"{text}（续）")
        row = 2
    header_rows = range(t.header, t.first)
    _copy_rows(book, t.sheet, header_rows, cont, row)
    offset = row + len(header_rows) - split
    bottom = book.sheet(t.sheet).max_row
    relocate(book, t.sheet, lambda r, c: (cont, r + offset, c) if split <= r <= bottom else (t.sheet, r, c))


def repeat_header(book: Book) -> None:
    """The header row(s) repeated mid-table, before the 一级 block nearest the middle (as a table
    typed page by page repeats its header after a page break)."""
    t = find_scoring(book)
    split = _split_row(book, t)
    header_rows = range(t.header, t.first)
    insert_rows(book, t.sheet, split, len(header_rows))
    _copy_rows(book, t.sheet, header_rows, t.sheet, split)


# 7. line breaks (and spaces) inside header cells ---------------------------------------------------

def header_breaks(sep: str) -> Transform:
    """Every header cell of the scoring table broken in the middle by ``sep`` (``三级\\n指标``)."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        sheet = book.sheet(t.sheet)
        done = set()
        for r in range(t.header, t.first):
            for c in range(t.left, t.right + 1):
                a = sheet.anchor(r, c)
                v = sheet.raw(*a)
                if a in done or not isinstance(v, str) or len(v.strip()) < 2:
                    continue
                done.add(a)
                text = v.strip()
                head = _PAREN_RE.split(text)[0] or text
                half = max(1, len(head) // 2)
                sheet.set(*a, text[:half] + sep + text[half:])
    return run


# 8. numbers as text with units --------------------------------------------------------------------

def _declared_unit(book: Book, sheet_title: str) -> str:
    for s in book.sheets:
        if s.title != sheet_title:
            continue
        for cell in s.cells.values():
            if isinstance(cell.value, str) and re.search(r"单位[:：]?\s*万元|[（(]\s*万元\s*[)）]", cell.value):
                return "万元"
    return "元"


def _amount_text(value: float, unit: str = "") -> str:
    """``73,096,200元``, ``7,309.62万元``: with thousands separators and as many decimals as the
    figure has (two at least in 万元)."""
    decimals = next(d for d in range(0, 7) if round(value, d) == round(value, 6))
    if unit == "万元":
        decimals = max(decimals, 2)
    return f"{value:,.{decimals}f}{unit}"


def _percent_text(value: float, number_format: str) -> str:
    return _fmt(value * 100 if "%" in number_format else value) + "%"


def amounts_as_text(book: Book) -> None:
    """The fund and usage amounts written as text with their unit (``73,096,200元``, ``7,309.62万元``)
    and the fund table's rates as ``107.49%``; cells a formula adds up stay numbers."""
    inputs = formula_inputs(book)
    changed = 0
    for table, rate_rows in ((find_fund(book), labels.RATE_ROWS), (find_usage(book), ())):
        if table is None:
            continue
        s = book.sheet(table.sheet)
        unit = _declared_unit(book, table.sheet)
        for r, what in table.rows.items():
            for c in table.cols:
                cell = s.cells.get((r, c))
                if cell is None or (s.title, r, c) in inputs or not isinstance(cell.value, (int, float)):
                    continue
                if what in rate_rows:
                    cell.value = _percent_text(cell.value, cell.number_format)
                else:
                    cell.value = _amount_text(cell.value, unit)
                cell.number_format = "General"
                changed += 1
    if not changed:
        raise NotApplicable("no literal amounts")


_UNIT_DECL_RE = re.compile(r"(单位[:：]\s*|[（(]\s*)(万元|元)")


def rescale_unit(book: Book) -> None:
    """The fund and usage tables in the other unit: 元 -> 万元 (amounts / 10000, ``单位：万元``
    declared above the fund table and in the usage header), or 万元 -> 元."""
    fund = find_fund(book)
    if fund is None:
        raise NotApplicable("no fund table")
    usage = find_usage(book)
    unit = _declared_unit(book, fund.sheet)
    new_unit, factor = ("万元", 1 / 10000) if unit == "元" else ("元", 10000)
    for table, skip in ((fund, labels.RATE_ROWS), (usage, ())):
        if table is None:
            continue
        s = book.sheet(table.sheet)
        for r, what in table.rows.items():
            if what in skip:
                continue
            for c in table.cols:
                cell = s.cells.get((r, c))
                if cell is None:
                    continue
                v = cell.value
                if isinstance(v, str) and v.startswith("="):
                    continue
                n = number_of(v)
                if n is None:
                    continue
                scaled = round(n * factor, 6)
                if isinstance(v, str):  # text stays text, with its unit if it had one
                    cell.value = _amount_text(scaled, new_unit if "元" in v else "")
                else:
                    cell.value = scaled
    for s in book.sheets:
        if s.title not in (fund.sheet, usage.sheet if usage else None):
            continue
        for (r, c), cell in s.cells.items():
            if isinstance(cell.value, str) and _UNIT_DECL_RE.search(cell.value):
                cell.value = _UNIT_DECL_RE.sub(lambda m: m.group(1) + new_unit, cell.value)
    s = book.sheet(fund.sheet)
    if any(isinstance(c.value, str) and "单位" in c.value and new_unit in c.value for c in s.cells.values()):
        return  # the table's own declaration now says the new unit
    # else declare it right above the fund table's header (the rows of 项目 / 财政资金 / 小计 …)
    header_top = min(fund.rows)
    while header_top > 1 and any(labels.is_fund_header(s.raw(header_top - 1, c)) or key(s.raw(header_top - 1, c)) == "项目"
                                 for c in [fund.label_col, *fund.cols]):
        header_top -= 1
    insert_rows(book, fund.sheet, header_top)
    book.sheet(fund.sheet).set(header_top, max(fund.cols), f"单位：{new_unit}")


def scores_with_unit(book: Book) -> None:
    """Weights and scores written ``2.22分`` (三级 weights, self scores, 一级/二级 weights, totals);
    cells a formula adds up stay numbers."""
    t = find_scoring(book)
    s = book.sheet(t.sheet)
    inputs = formula_inputs(book)
    cols = [c for c in (t.roles.get("weight"), t.roles.get("self_score"), t.level1_weight, t.level2_weight)
            if c is not None]
    changed = 0
    for r in range(t.first, (t.total or t.last) + 1):
        for c in cols:
            cell = s.cells.get((r, c))
            if cell is None or (s.title, r, c) in inputs or not isinstance(cell.value, (int, float)) \
                    or isinstance(cell.value, bool):
                continue
            cell.value = _fmt(cell.value) + "分"
            cell.number_format = "General"
            changed += 1
    if not changed:
        raise NotApplicable("no literal scores")


def _count_unit(name: object) -> str:
    m = re.search(r"[（(]([^）)]{1,3})[）)]\s*$", str(name or ""))
    return m.group(1) if m else "个"


def figures_with_unit(prefix: str, roles: tuple[str, ...], count_unit: str | None = None) -> Transform:
    """Target and actual figures written as text: a percent-formatted fraction as ``107.49%``, a
    count with its unit (``count_unit``, or the one in the indicator's name — ``900人次`` — else
    ``个``); ``prefix`` before each (``完成104%``)."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        s = book.sheet(t.sheet)
        inputs = formula_inputs(book)
        changed = 0
        for r in indicator_rows(book, t):
            for role in roles:
                c = t.roles.get(role)
                cell = s.cells.get((r, c)) if c else None
                if cell is None or (s.title, r, c) in inputs:
                    continue
                v = cell.value
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    if prefix and isinstance(v, str) and is_number(v.replace("%", "")):
                        cell.value = prefix + v
                        changed += 1
                    continue
                text = _percent_text(v, cell.number_format) if "%" in cell.number_format \
                    else _fmt(v) + (count_unit or _count_unit(s.value(r, t.name)))
                cell.value, cell.number_format = prefix + text, "General"
                changed += 1
        if not changed:
            raise NotApplicable("no literal figures")
    return run


# 9. level cells merged or repeated unmerged ----------------------------------------------------------

def unmerge_levels(repeat: bool) -> Transform:
    """The 一级/二级 cells unmerged: the value ``repeat``ed on every row of its block, or written once
    on the block's first row. (二级 weights without 二级 names are the only mark of their groups, so
    they are repeated only where 二级 names are.)"""
    def run(book: Book) -> None:
        t = find_scoring(book)
        s = book.sheet(t.sheet)
        body = range(t.first, t.last + 1)
        cols = [c for c in (t.level1_name, t.level1_weight, t.level2_name) if c is not None]
        if t.level2_weight is not None and (t.level2_name is not None or not repeat):
            if t.level2_name is None or any(s.value(r, t.level2_name) for r in body):
                cols.append(t.level2_weight)
        changed = 0
        for m in list(s.merges):
            if m[1] == m[3] and m[1] in cols and m[0] >= t.first and m[2] <= t.last:
                s.merges.remove(m)
                changed += 1
                if repeat:
                    cell = s.cells.get((m[0], m[1]))
                    if cell is not None:
                        for r in range(m[0] + 1, m[2] + 1):
                            s.cells[r, m[1]] = copy.copy(cell)
        if not changed:
            raise NotApplicable("no merged level cells")
    return run


def merge_repeated(role: str) -> Transform:
    """Equal texts in consecutive rows of the ``role`` column (数据来源, 评分标准) merged into one cell."""
    def run(book: Book) -> None:
        t = find_scoring(book)
        s = book.sheet(t.sheet)
        c = t.roles.get(role)
        if c is None:
            raise NotApplicable(f"no {role} column")
        rows = indicator_rows(book, t)
        changed = 0
        i = 0
        while i < len(rows):
            j = i
            value = s.raw(rows[i], c)
            while j + 1 < len(rows) and value and s.raw(rows[j + 1], c) == value \
                    and s.merge_at(rows[j + 1], c) is None and s.merge_at(rows[i], c) is None \
                    and _same_block(s, t, rows[i], rows[j + 1]):
                j += 1
            if j > i:
                end = s.merge_at(rows[j], t.name)
                end_row = end[2] if end else rows[j]
                for r in range(rows[i] + 1, end_row + 1):
                    s.cells.pop((r, c), None)
                s.merges.append((rows[i], c, end_row, c))
                changed += 1
            i = j + 1
        if not changed:
            raise NotApplicable("no repeated texts")
    return run


def _same_block(s: Sheet, t: Table, r1: int, r2: int) -> bool:
    col = t.level1_name if t.level1_name is not None else t.name
    return s.anchor(r1, col) == s.anchor(r2, col)


# ---------------------------------------------------------------------------------------------
# The registry

TRANSFORMS: dict[str, Transform] = {
    "weight_cols[分值]": level_weight_columns("分值", ""),
    "weight_cols[一级权重+二级权重]": level_weight_columns("一级权重", "二级权重"),
    "weight_cols[分值 over both]": level_weight_columns("分值", None),
    "reorder[reversed]": reorder_columns(reversed_order),
    "reorder[scores_first]": reorder_columns(scores_first_order),
    "reorder[review_first]": reorder_columns(review_first_order),
    "blank_rows[above]": blank_rows("above"),
    "blank_rows[after_header]": blank_rows("after_header"),
    "blank_rows[between_groups]": blank_rows("between_groups"),
    "blank_rows[before_total]": blank_rows("before_total"),
    "blank_cols[left]": blank_columns("left"),
    "blank_cols[inside]": blank_columns("inside"),
    "title_lines": title_lines,
    "moved[down3_right2]": move_table(3, 2),
    "moved[renamed_sheet]": rename_scoring_sheet("Sheet3"),
    "moved[sheet_first]": scoring_sheet_first,
    "split_sheets": split_sheets,
    "repeat_header": repeat_header,
    "header_breaks[newline]": header_breaks("\n"),
    "header_breaks[spaces]": header_breaks("　"),
    "units[amounts_text]": amounts_as_text,
    "units[rescaled]": rescale_unit,
    "units[scores_分]": scores_with_unit,
    "units[figures_text]": figures_with_unit("", ("target", "actual")),
    "units[counts_个]": figures_with_unit("", ("target", "actual"), "个"),
    "units[actual_完成]": figures_with_unit("完成", ("actual",)),
    "levels[repeated]": unmerge_levels(True),
    "levels[first_row_only]": unmerge_levels(False),
    "levels[merged_sources]": merge_repeated("source"),
}

# Compositions: the structure-moving steps (split, repeated header) come last, as a table typed
# on two sheets is still read from its first header.
COMPOSITIONS: dict[str, tuple[str, ...]] = {
    "compose[synonyms+reordered+split]": ("synonyms:all", "reorder[scores_first]", "split_sheets"),
    "compose[weight_cols+repeated+moved]": ("weight_cols[分值]", "levels[repeated]", "moved[down3_right2]"),
    "compose[breaks+blank+units]": ("header_breaks[newline]", "blank_rows[between_groups]", "units[scores_分]",
                                    "units[figures_text]"),
    "compose[titles+blank_cols+repeat_header]": ("title_lines", "blank_cols[inside]", "repeat_header"),
}


def _all_column_synonyms(book: Book) -> None:
    """Each scoring header replaced by the last synonym HEADERS allows for it."""
    changed = 0
    for role, words in scoresheet.HEADERS.items():
        for word in reversed(words):
            try:
                column_synonym(role, word)(book)
                changed += 1
                break
            except NotApplicable:
                continue
    if not changed:
        raise NotApplicable("no header to replace")


def transform(name: str, book: Book | None = None) -> Transform:
    if name == "synonyms:all":
        return _all_column_synonyms
    if name in TRANSFORMS:
        return TRANSFORMS[name]
    if name in COMPOSITIONS:
        return compose(*(transform(step) for step in COMPOSITIONS[name]))
    m = re.fullmatch(r"label_synonyms\[round (\d+)\]", name)
    if m:
        return label_round(int(m.group(1)))
    m = re.fullmatch(r"synonym\[(?:(\w+):)?(.+)=(.+)\]", name)
    if m:
        kind, old, new = m.groups()
        return label_synonym(kind, old, new) if kind else column_synonym(old, new)
    raise KeyError(name)


# seed002 and tpl002 are laid out exactly as seed000 and tpl000 (the same generator made them, with
# the other seed's figures): the synonyms are tried on the 000 ones.
SAME_LAYOUT_AS = {"seed002": "seed000", "tpl002": "tpl000"}


def cases() -> list[tuple[str, str]]:
    """Every (sample, transformation) that applies, in a fixed order."""
    out = []
    for sample in SAMPLES:
        book = load_sample(sample)
        for name in [*TRANSFORMS, *COMPOSITIONS]:
            if _applies(book, transform(name)):
                out.append((sample, name))
        if sample in SAME_LAYOUT_AS:
            continue
        longest = max(map(len, label_synonyms(book).values()), default=0)
        out += [(sample, f"label_synonyms[round {k}]") for k in range(1, min(longest, LABEL_ROUNDS) + 1)]
        out += [(sample, name) for name in synonym_transforms(book)]
    return out


def build(sample: str, name: str) -> Book:
    """The sample transformed by ``name``."""
    book = load_sample(sample)
    transform(name, book)(book)
    return book


def file_name(sample: str, name: str, suffix: str = ".xlsx") -> str:
    safe = re.sub(r"[^0-9A-Za-z_\u4e00-\u9fff]+", "_", name).strip("_")
    return f"{sample}-{safe}{suffix}"


def generate(sample: str, name: str, out_dir: str | Path) -> Path:
    """Write the sample transformed by ``name`` into ``out_dir``; the path written."""
    return save(build(sample, name), Path(out_dir) / file_name(sample, name))


# ---------------------------------------------------------------------------------------------
# The same review

_SHEET_REF_RE = re.compile(r"(?:'(?:[^']|'')+'|[^\s'!（）()=,，:：“”]+)!")
_CELL_RE = re.compile(r"(?<![A-Za-z])\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?(?![0-9A-Za-z])")
_ROW_RE = re.compile(r"第\s*[0-9]+\s*(行|列)")


def _plain(value):
    """Numbers rounded (a figure read from 7,309.62万元 is 73096200.000000001), containers alike."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 4) + 0.0
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


_WAN_RE = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*万元")
_COUNT_UNIT_RE = re.compile(r"(?<=[0-9])(人次|个|场|处|人|家|次|件|份)")


def _yuan(match: re.Match) -> str:
    value = float(match.group(1).replace(",", "")) * 10000
    return _amount_text(round(value, 2)) + " 元"


def _figures(text: str) -> str:
    """Amounts in 元 (a table kept in 万元 reports ``7,309.62 万元``), counts without their unit (a
    figure written ``900人次`` is echoed with it): the same figure, however the table wrote it."""
    return _COUNT_UNIT_RE.sub("", _WAN_RE.sub(_yuan, text))


def _message(text: str, sheets: set[str]) -> str:
    for name in sorted(sheets, key=len, reverse=True):
        text = text.replace(f"'{name}'!", "").replace(f"{name}!", "")
    text = _SHEET_REF_RE.sub("", text)
    text = _CELL_RE.sub("#", text)
    return _figures(_ROW_RE.sub(r"第#\1", text))


def _indicator_value(field_name: str, value):
    if field_name in ("review_actual", "review_note") and isinstance(value, str):
        return _figures(value)
    return _plain(value)


INDICATOR_FIELDS = ("level1", "level2", "name", "weight", "self_score", "review_score", "review_actual",
                    "review_note")


def review_signature(report: dict) -> dict:
    """What a reviewer reads in a report (``Report.to_dict()``): the project fields, the scheme, the
    totals and grade, each indicator's levels, name, weight, self score, review figure, score and
    note, the fund figures (stated and recomputed, in 元) and the usage rows, and the findings as a
    multiset of (code, severity, message, indicator).

    Left out is what a layout legitimately changes: the file name, the tables' sheets and positions,
    row numbers, the declared unit, the ``layout`` part, the findings' sheets and cells — also taken
    out of their messages — and how a figure is written in a message or note (``7,309.62 万元`` is
    ``73,096,200 元``; ``900人次`` is ``900``)."""
    sheets = {f.get("sheet") for f in report.get("findings", []) if f.get("sheet")}
    for where in (report.get("tables") or {}).values():
        if isinstance(where, dict) and where.get("sheet"):
            sheets.add(where["sheet"])
    return {
        "status": report.get("status"),
        "error": (report.get("error") or {}).get("code"),
        "project": _plain(report.get("project") or {}),
        "scheme": report.get("scheme"),
        "totals": _plain(report.get("totals") or {}),
        "grade": _plain(report.get("grade") or {}),
        "indicators": tuple(tuple((k, _indicator_value(k, ind.get(k))) for k in INDICATOR_FIELDS)
                            for ind in report.get("indicators") or []),
        "fund": _plain(report.get("fund") or {}),
        "fund_stated": _plain(report.get("fund_stated") or {}),
        "usage": tuple(_plain({k: v for k, v in row.items() if k != "row"}) for row in report.get("usage") or []),
        "findings": Counter((f["code"], f["severity"], _message(f.get("message", ""), sheets), f.get("indicator"))
                            for f in report.get("findings", [])),
    }


def describe_difference(expected: dict, got: dict, limit: int = 12) -> list[str]:
    """How ``got`` differs from ``expected`` (two signatures), one short line per item."""
    lines = []
    for part in ("status", "error", "project", "scheme", "totals", "grade"):
        if expected[part] != got[part]:
            lines.append(f"{part}: {_show(expected[part])} -> {_show(got[part])}")
    a, b = expected["indicators"], got["indicators"]
    if len(a) != len(b):
        lines.append(f"indicators: {len(a)} -> {len(b)}")
    for x, y in zip(a, b):
        if x != y:
            dx, dy = dict(x), dict(y)
            diffs = [f"{k} {_show(dx[k])} -> {_show(dy[k])}" for k in INDICATOR_FIELDS if dx[k] != dy[k]]
            lines.append(f"indicator {dx['name']}: " + "; ".join(diffs))
    for part in ("fund", "fund_stated", "usage"):
        if expected[part] != got[part]:
            lines.append(f"{part}: " + "; ".join(_table_difference(expected[part], got[part])))
    lost, added = expected["findings"] - got["findings"], got["findings"] - expected["findings"]
    for what, items in (("-", lost), ("+", added)):
        for (code, _sev, message, _ind), n in items.items():
            lines.append(f"finding {what}{code}{'×' + str(n) if n > 1 else ''}: {message[:80]}")
    return lines[:limit] + ([f"… {len(lines) - limit} more"] if len(lines) > limit else [])


def _table_difference(a: tuple, b: tuple, limit: int = 4) -> list[str]:
    """The first differing figures of two fund tables (row -> column -> figure) or usage lists."""
    if a and b and isinstance(a[0], tuple) and len(a[0]) == 2 and isinstance(a[0][1], tuple):
        rows_a, rows_b = dict(a), dict(b)
        out = []
        for row in dict.fromkeys([*rows_a, *rows_b]):
            cols_a, cols_b = dict(rows_a.get(row, ())), dict(rows_b.get(row, ()))
            for col in dict.fromkeys([*cols_a, *cols_b]):
                if cols_a.get(col) != cols_b.get(col):
                    out.append(f"{row}.{col} {cols_a.get(col)!r} -> {cols_b.get(col)!r}")
        return out[:limit] + ([f"… {len(out) - limit} more"] if len(out) > limit else [])
    if len(a) != len(b):
        return [f"{len(a)} rows -> {len(b)}"]
    return [f"{_show(x)} -> {_show(y)}" for x, y in zip(a, b) if x != y][:limit]


def _show(value) -> str:
    try:
        shown = dict(value) if isinstance(value, tuple) and value and isinstance(value[0], tuple) else value
    except (TypeError, ValueError):
        shown = value
    text = repr(shown)
    return text if len(text) < 160 else text[:157] + "…"


# ---------------------------------------------------------------------------------------------
# LibreOffice copies (committed under tests/fixtures/metamorphic/, re-made where soffice is)

LIBREOFFICE_FILTERS = {"xls": "xls", "ods": "ods", "lo.xlsx": "xlsx:Calc MS Excel 2007 XML"}
# what is converted: every sample as it is, and seed000 in the printed layout with its own 一级权重 /
# 二级权重 columns (merged down their blocks: the .ods merge case of issue 18)
LIBREOFFICE_SOURCES: list[tuple[str, str | None]] = [(sample, None) for sample in SAMPLES] + [
    ("seed000", "weight_cols[一级权重+二级权重]"),
]


def libreoffice_stem(sample: str, name: str | None) -> str:
    return sample if name is None else file_name(sample, name, "")


def libreoffice_copies() -> list[tuple[str, str | None, str]]:
    """(sample, transformation or None, fixture file name) of every LibreOffice copy."""
    return [(sample, name, f"{libreoffice_stem(sample, name)}.{ext}")
            for sample, name in LIBREOFFICE_SOURCES for ext in LIBREOFFICE_FILTERS]


def make_libreoffice_copies(out_dir: str | Path, soffice: str = "soffice", timeout: float = 300) -> list[Path]:
    """Convert every source of :data:`LIBREOFFICE_SOURCES` with LibreOffice into ``out_dir``: one
    soffice run per format (in parallel, each with a profile of its own, so that a LibreOffice
    already running elsewhere is not disturbed)."""
    import shutil
    import subprocess
    import tempfile

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = tmp / "in"
        sources.mkdir()
        inputs = []
        for sample, name in LIBREOFFICE_SOURCES:
            target = sources / f"{libreoffice_stem(sample, name)}.xlsx"
            if name is None:
                shutil.copyfile(SAMPLES_DIR / SAMPLES[sample], target)
            else:
                save(build(sample, name), target)
            inputs.append(target)
        runs = []
        for ext, convert_to in LIBREOFFICE_FILTERS.items():
            outdir = tmp / ext
            profile = (tmp / f"profile-{ext}").as_uri()
            command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                       "--convert-to", convert_to, "--outdir", str(outdir), *map(str, inputs)]
            runs.append((ext, outdir, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
        written = []
        for ext, outdir, process in runs:
            output, _ = process.communicate(timeout=timeout)
            if process.returncode != 0:
                raise RuntimeError(f"soffice --convert-to {ext} failed: {output.decode(errors='replace')}")
            for source in inputs:
                made = outdir / f"{source.stem}.{ext.split('.')[-1]}"
                if not made.exists():
                    raise RuntimeError(f"soffice did not write {made.name}: {output.decode(errors='replace')}")
                target = out_dir / f"{source.stem}.{ext}"
                shutil.move(made, target)
                written.append(target)
    return written


def sheet_values(path: str | Path) -> dict[str, list[list]]:
    """Every sheet's values as python-calamine reads them (to compare two conversions)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def main(argv: list[str]) -> int:
    """``python tests/metamorphic.py fixtures`` re-makes the LibreOffice fixtures;
    ``python tests/metamorphic.py diff SAMPLE TRANSFORMATION`` prints how its review differs."""
    if argv[:1] == ["fixtures"]:
        for path in make_libreoffice_copies(FIXTURES_DIR):
            print(path.relative_to(ROOT))
        return 0
    if argv[:1] == ["diff"] and len(argv) == 3:
        import tempfile

        from xlscore.pipeline import check_file

        sample, name = argv[1:]
        with tempfile.TemporaryDirectory() as tmp:
            path = generate(sample, name, tmp)
            got = review_signature(check_file(path).to_dict())
        expected = review_signature(check_file(SAMPLES_DIR / SAMPLES[sample]).to_dict())
        print("\n".join(describe_difference(expected, got, limit=1000)) or "the same review")
        return 0
    print(main.__doc__)
    return 2


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
