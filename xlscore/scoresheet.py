"""Read the scoring table (自评价评分附件表 / 绩效评价指标表) fully.

Columns are found by their header words (with the seeds' synonyms); the 一级/二级 area may be one
header over several columns (the seeds' ``一级指标`` spans name, 一级 weight and 二级 weight) or
``项目管理 (28)`` written in one cell. Indicator rows run down to the 总计 row; the 评价等级 row
follows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .book import Book, Sheet, a1
from .findings import Finding, make
from .labels import label_key
from .measure import BLANK, Measure, read_measure
from .textnum import Unparsed, clean, norm, parse_number

HEADERS: dict[str, tuple[str, ...]] = {
    "review_actual": ("复核业绩值", "复核实际完成值"),
    "review_score": ("复核得分", "专家评分", "复核分", "专家评分得分"),
    "review_note": ("复核说明", "复核意见"),
    "level1": ("一级指标", "一级指标及权重"),
    "level2": ("二级指标", "二级指标及权重"),
    "name": ("三级指标", "三级指标名称"),
    "weight": ("权重", "分值", "权重分", "指标权重"),
    "target": ("标值", "目标值", "年度指标值", "指标值", "年度目标值", "绩效目标值"),
    "actual": ("业绩值", "实际完成值", "完成值", "实际值", "全年实际值"),
    "self_score": ("评分结果", "自评得分", "得分", "自评分", "自评分值"),
    "rule": ("评分标准", "评价标准", "评分办法", "评分规则"),
    "source": ("数据来源及支持材料", "数据来源", "指标数据来源或依据", "数据来源及支撑材料", "佐证材料"),
    "definition": ("指标内容/计算公式", "指标内容", "计算公式", "指标解释"),
    "deviation": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析"),
}
_LOOKUP = {word: key for key, words in HEADERS.items() for word in words}
TOTAL_WORDS = ("总计", "合计", "总分", "自评综合得分", "综合得分", "得分合计")
GRADE_WORDS = ("评价等级", "自评等级", "等级", "绩效等级", "评价结果")
GRADE_VALUES = ("优秀", "良好", "合格", "中", "差", "优", "良", "低", "不合格", "一般")
_NAME_WEIGHT_RE = re.compile(r"^(.*?)[(（]?(\d+(?:\.\d+)?)分?[)）]?$")


class Cell(NamedTuple):
    value: float | None
    ref: str | None  # A1 of the anchor


NO_CELL = Cell(None, None)
_new_cell = tuple.__new__  # _new_cell(Cell, (value, ref)): a named tuple's own constructor is several times slower


@dataclass(slots=True)
class IndicatorRow:
    """One indicator row of the scoring table, as the department filled it."""

    sheet: str
    row: int  # 0-based
    name: str
    level1: str | None = None
    level1_weight: Cell = NO_CELL
    level1_key: tuple | None = None
    level2: str | None = None
    level2_weight: Cell = NO_CELL
    level2_key: tuple | None = None
    weight: Cell = NO_CELL
    target: Measure = BLANK
    actual: Measure = BLANK
    self_score: Cell = NO_CELL
    rule: str | None = None
    rule_ref: str | None = None
    source: str | None = None
    deviation: str | None = None
    cells: dict[str, str] = field(default_factory=dict)  # column key -> A1 of this row's cell


@dataclass
class ScoreSheet:
    """The scoring table as read: its columns, indicator rows, totals and grade."""

    sheet: str
    header_row: int
    cols: dict[str, int]
    rows: list[IndicatorRow] = field(default_factory=list)
    total_weight: Cell = NO_CELL
    total_self: Cell = NO_CELL
    total_row: int | None = None
    grade: str | None = None
    grade_ref: str | None = None
    last_row: int = 0
    findings: list[Finding] = field(default_factory=list)

    level1_seen: list[str] = field(default_factory=list)  # 一级 names of the table, rows filled or not

    def level1_names(self) -> list[str]:
        return list(dict.fromkeys([*(r.level1 for r in self.rows if r.level1), *self.level1_seen]))


class _Cells(Mapping):
    """Column key -> A1 of a row's cell (the anchor of a merged one), worked out when asked: most
    rows are never asked."""

    def __init__(self, sheet: Sheet, row: int, cols: dict[str, int]):
        self._sheet, self._row, self._cols = sheet, row, cols

    def __getitem__(self, key: str) -> str:
        return a1(*self._sheet.anchor(self._row, self._cols[key]))

    def __contains__(self, key: object) -> bool:
        return key in self._cols  # without working out the address

    def __iter__(self):
        return iter(self._cols)

    def __len__(self) -> int:
        return len(self._cols)


def _header_key(value: object) -> str | None:
    return _header_of(label_key(value))


# The header words of four characters or more by their first four: a header may run on past its
# word (评分标准（参考）), and each text cell of a workbook is looked up once.
_LONG_WORDS: dict[str, list[tuple[str, str]]] = {}
for _word, _name in _LOOKUP.items():
    if len(_word) >= 4:
        _LONG_WORDS.setdefault(_word[:4], []).append((_word, _name))


@lru_cache(maxsize=4096)
def _header_of(key: str) -> str | None:
    if key in _LOOKUP:
        return _LOOKUP[key]
    for word, name in _LONG_WORDS.get(key[:4], ()):
        if key.startswith(word):
            return name
    return None


def locate(book: Book) -> tuple[Sheet, int] | None:
    for sheet in book.sheets:
        rows: dict[int, set] = {}
        for r, _c, text in sheet.texts:
            key = _header_of(text)
            if key is not None:
                rows.setdefault(r, set()).add(key)
        for r in sorted(rows):
            keys = rows[r]
            if "name" in keys and ("weight" in keys or "self_score" in keys):
                return sheet, r
    return None


def _number(sheet: Sheet, r: int, c: int | None, findings: list[Finding], what: str) -> Cell:
    if c is None:
        return NO_CELL
    ar, ac, raw = sheet.cell(r, c)
    try:
        parsed = parse_number(raw)
    except Unparsed as exc:
        findings.append(make("VALUE_UNPARSED", sheet.name, a1(ar, ac), text=exc.text, what=what))
        return Cell(None, a1(ar, ac))
    return _new_cell(Cell, (parsed.value, a1(ar, ac)))  # a weight written "20%" means 20 points of 100


def _text(sheet: Sheet, r: int, c: int | None) -> str | None:
    if c is None:
        return None
    value = sheet.value(r, c)
    return None if value is None else clean(value) or None


def read(book: Book) -> ScoreSheet | None:
    found = locate(book)
    if found is None:
        return None
    sheet, header = found
    cols: dict[str, int] = {}
    spans: dict[str, list[int]] = {"level1": [], "level2": []}
    for c in range(sheet.ncols):
        key = _header_key(sheet.value(header, c))
        if key in spans:
            spans[key].append(c)
        elif key and key not in cols:
            cols[key] = c
    table = ScoreSheet(sheet.name, header, cols)
    first = header + 1
    # a second header row (e.g. 权重 under 自评情况) is skipped
    while first < sheet.nrows and any(_header_key(sheet.value(first, c)) for c in cols.values()):
        first += 1
    area = _level_columns(sheet, spans, first)
    name_col, weight_col, score_col = cols.get("name"), cols.get("weight"), cols.get("self_score")
    name_limit = name_col or 0
    left_words: dict[int, list[str]] = {}  # row -> the words left of the names (总计, 评价等级, …)
    by_anchor: dict = {}
    target_col, actual_col = cols.get("target"), cols.get("actual")
    rule_col, source_col, deviation_col = cols.get("rule"), cols.get("source"), cols.get("deviation")
    for r, c, key in sheet.texts:
        if c <= name_limit and r >= first:
            left_words.setdefault(r, []).append(key)
    for r in range(first, sheet.nrows):
        words = left_words.get(r)
        kind = _row_kind(tuple(words)) if words else None
        if kind == "total":
            table.total_row = r
            table.total_weight = _number(sheet, r, weight_col, table.findings, "权重合计")
            table.total_self = _number(sheet, r, score_col, table.findings, "得分合计")
            table.last_row = r
            _read_grade(sheet, table, r)
            break
        if kind == "grade":
            _read_grade(sheet, table, r - 1)
            break
        if area.level1_name is not None and not sheet.is_merged_child(r, area.level1_name):
            seen, _ = _split_name_weight(_text(sheet, r, area.level1_name))
            if seen and seen not in table.level1_seen:
                table.level1_seen.append(seen)
        if name_col is None or sheet.is_merged_child(r, name_col):
            continue
        name = _text(sheet, r, name_col)
        if not name:
            continue
        row = IndicatorRow(sheet.name, r, name)
        _levels(sheet, row, r, area, table.findings, by_anchor)
        row.weight = _number(sheet, r, weight_col, table.findings, "权重")
        row.target = read_measure(sheet, r, target_col)
        row.actual = read_measure(sheet, r, actual_col)
        row.self_score = _number(sheet, r, score_col, table.findings, "得分")
        row.rule = _text(sheet, r, rule_col)
        row.source = _text(sheet, r, source_col)
        row.deviation = _text(sheet, r, deviation_col)
        row.cells = _Cells(sheet, r, cols)
        table.rows.append(row)
        table.last_row = r
    return table


@lru_cache(maxsize=4096)
def _row_kind(words: tuple[str, ...]) -> str | None:
    """'total' for a 总计 row, 'grade' for a 评价等级 row, by the words left of the names."""
    if any(w in TOTAL_WORDS or w.startswith("自评综合得分") for w in words):
        return "total"
    if any(w in GRADE_WORDS for w in words):
        return "grade"
    return None


def _read_grade(sheet: Sheet, table: ScoreSheet, total_row: int) -> None:
    for r in range(total_row, min(total_row + 3, sheet.nrows)):
        words = [label_key(sheet.value(r, c)) for c in range(sheet.ncols)]
        if not any(w in GRADE_WORDS or w.startswith("评价等级") for w in words):
            continue
        for c in range(sheet.ncols):
            if sheet.is_merged_child(r, c):
                continue
            text = label_key(sheet.value(r, c))
            if text in GRADE_VALUES:
                table.grade, table.grade_ref = text, a1(r, c)
                table.last_row = max(table.last_row, r)
                return
            for word in GRADE_WORDS:
                if text.startswith(word) and text[len(word):].lstrip(":：") in GRADE_VALUES:
                    table.grade, table.grade_ref = text[len(word):].lstrip(":："), a1(r, c)
                    table.last_row = max(table.last_row, r)
                    return


@dataclass
class _Area:
    """The columns of the 一级/二级 names and weights."""

    level1_name: int | None = None
    level1_weight: int | None = None
    level2_name: int | None = None
    level2_weight: int | None = None


def _numeric_share(sheet: Sheet, c: int, first: int) -> float:
    """The share of the column's filled cells (each merged block once) below the header that hold numbers."""
    anchors = sheet.column_anchors(c, first, min(sheet.nrows, first + 60))
    values = [v for v in (sheet.value(r, cc) for r, cc in anchors) if v is not None]
    if not values:
        return 0.0
    numeric = 0
    for v in values:
        if v.__class__ is float:
            numeric += 1
            continue
        try:
            numeric += parse_number(v).value is not None
        except Unparsed:
            pass
    return numeric / len(values)


def _level_columns(sheet: Sheet, spans: dict[str, list[int]], first: int) -> _Area:
    area = _Area()
    numeric_cols: list[int] = []
    for key in ("level1", "level2"):
        for c in spans[key]:
            if _numeric_share(sheet, c, first) >= 0.5:
                numeric_cols.append(c)
                if key == "level2" and area.level2_weight is None:
                    area.level2_weight = c
            elif key == "level1" and area.level1_name is None:
                area.level1_name = c
            elif key == "level2" and area.level2_name is None:
                area.level2_name = c
    # Numbers under 一级指标: its weight, then (when no 二级 column has one) the 二级 weight.
    level1_numbers = [c for c in spans["level1"] if c in numeric_cols]
    if level1_numbers:
        area.level1_weight = level1_numbers[0]
        if area.level2_weight is None and len(level1_numbers) > 1:
            area.level2_weight = level1_numbers[1]
    return area


@lru_cache(maxsize=4096)
def _split_name_weight(text: str | None) -> tuple[str | None, float | None]:
    if not text:
        return None, None
    flat = norm(text)
    match = _NAME_WEIGHT_RE.match(flat)
    if match and match.group(1) and re.search(r"[(（]", flat):
        return clean(re.sub(r"[(（].*$", "", text)) or None, float(match.group(2))
    return clean(text), None


def _levels(sheet: Sheet, row: IndicatorRow, r: int, area: _Area, findings: list[Finding], seen: dict) -> None:
    """Fill the row's 一级/二级 name, weight and group key from the level columns. ``seen`` keeps
    what each merged cell was read as: a block of rows shares one cell (and one finding)."""
    row.level1, row.level1_weight, row.level1_key = _level(
        sheet, r, area.level1_name, area.level1_weight, findings, "一级指标权重", True, seen)
    row.level2, row.level2_weight, row.level2_key = _level(
        sheet, r, area.level2_name, area.level2_weight, findings, "二级指标权重", False, seen)


def _level(sheet: Sheet, r: int, name_col: int | None, weight_col: int | None, findings: list[Finding],
           label: str, keep_name_key: bool, seen: dict) -> tuple[str | None, Cell, tuple | None]:
    """(name, weight, group key) of one level in row ``r``. The group key is the name's merged
    anchor, or the weight's (always for 二级, whose weights group the rows)."""
    name, weight, key = None, NO_CELL, None
    if name_col is not None:
        key = sheet.anchor(r, name_col)
        read = seen.get(("name", key))
        if read is None:
            read = seen["name", key] = _split_name_weight(_text(sheet, *key))
        name, written = read
        if written is not None and weight_col is None:
            weight = Cell(written, a1(*key))
    if weight_col is not None:
        at = sheet.anchor(r, weight_col)
        weight = seen.get((label, at))  # per level: one cell may span both levels' weight columns
        if weight is None:
            weight = seen[label, at] = _number(sheet, *at, findings, label)
        if not keep_name_key or key is None:
            key = at
    return name, weight, key
