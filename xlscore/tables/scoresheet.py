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
from typing import NamedTuple

from ..findings.finding import Finding, make
from ..read.book import Book, Sheet, a1
from ..read.cellref import col_letter
from ..read.speed import memo
from ..read.textnum import Unparsed, clean, label_key, norm, parse_number, parse_score
from .labels import AMOUNT_ROWS, FUND_ROWS, HEADER_FIELDS, USAGE_ANCHORS
from .measure import BLANK, Measure, measure_in_text, read_measure
from .reading import unparsed
from .weights import weight_findings

HEADERS: dict[str, tuple[str, ...]] = {
    "review_actual": ("复核业绩值", "复核实际完成值"),
    "review_score": ("复核得分", "专家评分", "复核分", "专家评分得分"),
    "review_note": ("复核说明", "复核意见"),
    "level1": ("一级指标", "一级指标及权重"),
    "level2": ("二级指标", "二级指标及权重"),
    "name": ("三级指标", "三级指标名称"),
    "level1_weight": ("一级指标权重", "一级权重", "一级指标分值", "一级分值"),
    "level2_weight": ("二级指标权重", "二级权重", "二级指标分值", "二级分值"),
    "weight": ("权重", "分值", "权重分", "指标权重", "三级指标权重", "三级权重", "三级指标分值", "指标分值", "标准分值"),
    "target": ("标值", "目标值", "年度指标值", "指标值", "年度目标值", "绩效目标值"),
    "actual": ("业绩值", "实际完成值", "完成值", "实际值", "全年实际值"),
    "self_score": ("评分结果", "自评得分", "得分", "自评分", "自评分值"),
    "rule": ("评分标准", "评价标准", "评分办法", "评分规则"),
    "source": ("数据来源及支持材料", "数据来源", "指标数据来源或依据", "数据来源及支撑材料", "佐证材料"),
    "definition": ("指标内容/计算公式", "指标内容", "计算公式", "指标解释"),
    "deviation": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析"),
    # The provincial form has no 业绩值 column: the unit writes its score and the grounds for it
    # (seed 004's note 1), and the figures in the grounds are the actual.
    "basis": ("自评依据", "得分依据", "依据和理由", "得分的依据和理由", "得分依据和理由", "自评依据和理由",
              "自评说明", "评分依据", "自评理由", "打分依据"),
}
# What each column was read as, in the words of the table (``xlscore check --explain``).
ROLE_ZH = {
    "level1": "一级指标", "level1_weight": "一级指标权重", "level2": "二级指标", "level2_weight": "二级指标权重",
    "name": "三级指标", "weight": "三级指标权重", "target": "目标值（标值）", "actual": "业绩值（实际完成值）",
    "self_score": "自评得分", "rule": "评分标准", "source": "数据来源", "definition": "指标内容/计算公式",
    "deviation": "偏差原因分析", "basis": "自评依据", "review_actual": "复核业绩值", "review_score": "复核得分",
    "review_note": "复核说明",
}
_WEIGHT_KEYS = ("weight", "level1_weight", "level2_weight")
_LOOKUP = {word: key for key, words in HEADERS.items() for word in words}
TOTAL_WORDS = ("总计", "合计", "总分", "自评综合得分", "综合得分", "得分合计")
GRADE_WORDS = ("评价等级", "自评等级", "等级", "绩效等级", "评价结果")
GRADE_VALUES = ("优秀", "良好", "合格", "中", "差", "优", "良", "低", "不合格", "一般")
_NAME_WEIGHT_RE = re.compile(r"^(.*?)[(（]?(\d+(?:\.\d+)?)分?[)）]?$")


class Cell(NamedTuple):
    value: float | None
    ref: str | None  # A1 of the anchor


NO_CELL = Cell(None, None)


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
    cells: Mapping[str, str] = field(default_factory=dict)  # column key -> A1 of this row's cell (a _Cells when read)


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
    parts: list = field(default_factory=list)  # the table's parts (Part), the first at sheet/header_row
    weights_in_doubt: list[str] = field(default_factory=list)  # columns that may each be the weights
    end_sheet: str | None = None  # the sheet of the 总计 and 评价等级 rows (a continued table's last part)

    @property
    def total_sheet(self) -> str:
        return self.end_sheet or self.sheet

    def layout(self) -> dict:
        """Where the table was found and what each column was read as (the report's ``layout``)."""
        return {
            "table": "scoring",
            "parts": [{"sheet": part.sheet, "range": part.range(),
                       "columns": [{"column": col_letter(c), "header": part.headers.get(c, ""), "role": role}
                                   for c, role in sorted(part.roles.items())]}
                      for part in self.parts],
            "weights_in_doubt": list(self.weights_in_doubt),
        }

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


@memo
def _header_of(key: str) -> str | None:
    if key in _LOOKUP:
        return _LOOKUP[key]
    for word, name in _LONG_WORDS.get(key[:4], ()):
        if key.startswith(word):
            return name
    return None


def _row_keys(sheet: Sheet, r: int) -> dict[int, str]:
    """Column -> header key of row ``r`` (a merged header cell counts in every column it spans)."""
    keys = {}
    for c in range(sheet.ncols):
        value = sheet.value(r, c)
        if isinstance(value, str):
            key = _header_key(value)
            if key is not None:
                keys[c] = key
    return keys


def _is_header(keys: dict[int, str]) -> bool:
    found = set(keys.values())
    return "name" in found and bool(found & {"weight", "self_score", "level1_weight", "level2_weight"})


def header_rows(sheet: Sheet, start: int = 0) -> list[int] | None:
    """The rows of the first scoring-table header at or below ``start``: one row, or two when the
    header is written over two (``三级指标`` merged down beside ``自评情况`` over ``权重 | 得分``)."""
    candidates = sorted({r for r, _c, text in sheet.texts if r >= start and _header_of(text) is not None})
    for r in candidates:
        keys = _row_keys(sheet, r)
        if _is_header(keys):
            return [r, r + 1] if _continues_header(sheet, r + 1, keys) else [r]
        if keys and r + 1 < sheet.nrows:
            below = _row_keys(sheet, r + 1)
            if below and _is_header({**keys, **below}) and _continues_header(sheet, r + 1, {**keys, **below}):
                return [r, r + 1]
    return None


def _continues_header(sheet: Sheet, r: int, keys: dict[int, str]) -> bool:
    """Whether row ``r`` is a header's second line: header words in cells of its own, no numbers,
    and nothing in the names column but the header's own merged cell (an indicator row has a name)."""
    if r >= sheet.nrows or _has_numbers(sheet, r):
        return False
    name_col = next((c for c, key in keys.items() if key == "name"), None)
    if name_col is not None and not sheet.is_merged_child(r, name_col):
        if _header_key(sheet.value(r, name_col)) is None and sheet.value(r, name_col) is not None:
            return False
    line = sheet.rows[r]
    return any(isinstance(value, str) and not sheet.is_merged_child(r, c) and _header_key(value) is not None
               for c, value in enumerate(line))


def _has_numbers(sheet: Sheet, r: int) -> bool:
    return r < sheet.nrows and any(isinstance(value, float) for value in sheet.rows[r])


def _column_keys(sheet: Sheet, rows_of_header: list[int]) -> dict[int, str]:
    """Column -> header key over the header rows: the lowest row's word where it has one (the
    more specific: ``权重`` under ``自评情况``)."""
    keys: dict[int, str] = {}
    for r in rows_of_header:
        keys.update(_row_keys(sheet, r))
    return keys


def _number(sheet: Sheet, r: int, c: int | None, findings: list[Finding], what: str) -> Cell:
    if c is None:
        return NO_CELL
    ar, ac, raw = sheet.cell(r, c)
    try:
        parsed = parse_score(raw)
    except Unparsed as exc:
        findings.append(unparsed(sheet.name, a1(ar, ac), exc.text, what + exc.reason))
        return Cell(None, a1(ar, ac))
    return Cell(parsed.value, a1(ar, ac))  # a weight written "20%" means 20 points of 100


def _text(sheet: Sheet, r: int, c: int | None) -> str | None:
    if c is None:
        return None
    value = sheet.value(r, c)
    return None if value is None else clean(value) or None


@dataclass
class Part:
    """One stretch of the scoring table: its sheet, header and columns. A table continued on
    another sheet (``附表1（续）``) or under a header repeated at a page break has several."""

    sheet: str
    header_row: int  # the last header row (0-based)
    cols: dict[str, int]
    first: int  # the first row below the header
    top: int = 0  # the first header row
    last_row: int = 0
    headers: dict[int, str] = field(default_factory=dict)  # column -> its header text
    roles: dict[int, str] = field(default_factory=dict)  # column -> what it was read as
    actual_from_basis: bool = False  # no 业绩值 column: the actuals are the figures of 自评依据

    def range(self) -> str:
        cols = [*self.cols.values(), *self.roles]
        return f"{a1(self.top, min(cols))}:{a1(max(self.last_row, self.header_row), max(cols))}"


def _part(sheet: Sheet, rows_of_header: list[int]) -> tuple[Part, dict[int, str]]:
    """A table part's columns: every text role by its first header match (the weights are chosen
    later, from all candidates)."""
    keys = _column_keys(sheet, rows_of_header)
    cols: dict[str, int] = {}
    for c in sorted(keys):
        key = keys[c]
        if key not in ("level1", "level2", *_WEIGHT_KEYS) and key not in cols:
            cols[key] = c
    headers = {c: clean(sheet.value(rows_of_header[-1], c)) or clean(sheet.value(rows_of_header[0], c))
               for c in range(sheet.ncols) if c in keys or sheet.value(rows_of_header[-1], c) is not None}
    part = Part(sheet.name, rows_of_header[-1], cols, rows_of_header[-1] + 1, rows_of_header[0], headers=headers)
    if "actual" not in cols and "basis" in cols:
        cols["actual"] = cols["basis"]
        part.actual_from_basis = True
    return part, keys


def read(book: Book, extra_weight: float = 0.0) -> ScoreSheet | None:
    """The first scoring table of the workbook, all its parts read; ``extra_weight`` is the weight
    of an indicator scored outside it (the national form's 预算执行率 line), counted when the
    readings of the weight columns are tried."""
    first_sheet = None
    for sheet in book.sheets:
        found = header_rows(sheet)
        if found is not None:
            first_sheet = sheet
            break
    if first_sheet is None:
        return None
    part, keys = _part(first_sheet, found)
    table = ScoreSheet(first_sheet.name, part.header_row, part.cols, parts=[part])
    readings = _Readings(first_sheet, part, keys)
    sheet, index = first_sheet, book.sheets.index(first_sheet)
    while True:
        ended = _read_part(sheet, part, table, readings)
        if ended:
            break
        # No 总计 row on this sheet: the table goes on on the next sheet with a scoring header.
        following = book.sheets[index + 1:]
        for index, sheet in enumerate(following, start=index + 1):
            found = header_rows(sheet)
            if found is None and _holds_project_tables(sheet):
                found = None  # another project's fund or usage sheet comes first: no continuation
                break
            if found is not None and not _own_project_above(sheet, found):
                break
        else:
            break
        if found is None:
            break
        part, keys = _part(sheet, found)
        table.parts.append(part)
        readings.add_part(sheet, part, keys)
    readings.choose(table, extra_weight)
    return table


_FUND_WORDS = frozenset(word for words in FUND_ROWS.values() for word in words)
# Words that begin another project's block: its fund table, its usage table, its header fields.
# (the amount rows only: 预算执行率 and 资金到位率 are indicator names too)
_AMOUNT_WORDS = frozenset(word for key in AMOUNT_ROWS for word in FUND_ROWS[key])
_BLOCK_WORDS = _AMOUNT_WORDS | frozenset(USAGE_ANCHORS) | frozenset(HEADER_FIELDS["name"]) | {"行次"}


def _holds_project_tables(sheet: Sheet) -> bool:
    """Whether a sheet holds a fund or usage table (two of its amount rows, or its anchor)."""
    fund = {text for _r, _c, text in sheet.texts if text in _AMOUNT_WORDS}
    return len(fund) >= 2 or any(text in USAGE_ANCHORS for _r, _c, text in sheet.texts)


def _starts_block(sheet: Sheet, r: int) -> bool:
    """Whether row ``r`` begins a project's block (a fund table's 项目 | 行次 | 合计 header or its
    预算安排 row, a usage table's 项目支出内容, a 项目名称 field) rather than a row of the table."""
    texts = {label_key(value) for value in sheet.rows[r] if isinstance(value, str)}
    return bool(texts & _BLOCK_WORDS) or any(text.startswith(tuple(HEADER_FIELDS["name"])) for text in texts
                                              if ":" in text or "：" in text)


def _own_project_above(sheet: Sheet, rows_of_header: list[int]) -> bool:
    """Whether the sheet holds its own project before the header (a fund table above it): a
    second project's table, not a continuation."""
    return any(r < rows_of_header[0] and text in _FUND_WORDS for r, _c, text in sheet.texts)


def _read_part(sheet: Sheet, part: Part, table: ScoreSheet, readings: "_Readings") -> bool:
    """Read the indicator rows of one part into ``table``; True when the table ended here (its
    总计 or 评价等级 row was met)."""
    cols = part.cols
    name_col = cols.get("name")
    first = part.first
    if name_col is None:
        return True
    left_words: dict[int, list[str]] = {}  # row -> the words left of the names (总计, 评价等级, …)
    for r, c, key in sheet.texts:
        if c <= name_col and r >= first:
            left_words.setdefault(r, []).append(key)
    level1_col = readings.level1_name_col(part)
    r = first
    while r < sheet.nrows:
        words = left_words.get(r)
        if words and _starts_block(sheet, r):
            return True  # no 总计 row: the next project's fund, usage or header block begins here
        kind = _row_kind(tuple(words)) if words else None
        if kind == "total":
            table.total_row, table.end_sheet = r, sheet.name
            readings.total = (sheet, part, r)
            part.last_row = table.last_row = r
            _read_grade(sheet, table, r)
            part.last_row = max(part.last_row, table.last_row)
            return True
        if kind == "grade":
            _read_grade(sheet, table, r - 1)
            part.last_row = max(part.last_row, table.last_row)
            return True
        keys = _row_keys(sheet, r) if words else {}
        if _is_header(keys):  # the header repeated at a page break
            r += 2 if _continues_header(sheet, r + 1, keys) else 1
            continue
        if level1_col is not None and not sheet.is_merged_child(r, level1_col):
            seen, _ = _split_name_weight(_text(sheet, r, level1_col))
            if seen and seen not in table.level1_seen:
                table.level1_seen.append(seen)
        name = _text(sheet, r, name_col)
        if (sheet.is_merged_child(r, name_col) and sheet.anchor(r, name_col)[0] != r) or not name:
            r += 1  # covered from above: a row of the merged name cell's block (a sideways merge
            continue  # of the 二级 cell over the name, one 二级 holding one 三级, is the row's name)
        row = IndicatorRow(sheet.name, r, name)
        row.target = read_measure(sheet, r, cols.get("target"))
        if part.actual_from_basis:
            row.actual = measure_in_text(sheet.value(r, cols["actual"]), row.name)
        else:
            row.actual = read_measure(sheet, r, cols.get("actual"))
        row.self_score = _number(sheet, r, cols.get("self_score"), table.findings, "得分")
        row.rule = _text(sheet, r, cols.get("rule"))
        row.source = _text(sheet, r, cols.get("source"))
        row.deviation = _text(sheet, r, cols.get("deviation"))
        row.cells = _Cells(sheet, r, cols)
        table.rows.append(row)
        readings.rows.append((sheet, part, row))
        part.last_row = table.last_row = r
        r += 1
    return False


@dataclass
class _Area:
    """The columns of the 一级/二级 names and weights, and of the 三级 weight."""

    weight: int | None = None
    level1_name: int | None = None
    level1_weight: int | None = None
    level2_name: int | None = None
    level2_weight: int | None = None


class _Readings:
    """The ways the weight columns of a table can be read, and the choice among them.

    A column's header words allow several readings: ``分值`` is the 三级 weight in one layout and
    the 一级 weight (merged down its block) in another; a number column under ``一级指标`` may be
    the 一级 or the 二级 weight. Each reading is tried on the rows, and the one under which the
    weights add up (三级 → 二级 → 一级 → 100) is taken; ties go to the reading the headers and the
    columns' places suggest. When no reading adds up and two differ in what they take as the
    weights, the columns are in doubt: said once (LAYOUT_AMBIGUOUS), not as every sum they break.
    """

    def __init__(self, sheet: Sheet, part: Part, keys: dict[int, str]):
        self.parts: list[tuple[Sheet, Part, dict[int, str]]] = [(sheet, part, keys)]
        self.rows: list[tuple[Sheet, Part, IndicatorRow]] = []
        self.total: tuple[Sheet, Part, int] | None = None

    @property
    def first(self) -> tuple[Sheet, Part, dict[int, str]]:
        """The first part: its headers name the roles every later part maps onto."""
        return self.parts[0]

    def add_part(self, sheet: Sheet, part: Part, keys: dict[int, str]) -> None:
        self.parts.append((sheet, part, keys))

    def level1_name_col(self, part: Part) -> int | None:
        sheet, first, keys = self.first
        col = self._names(sheet, keys, first)[0]
        return self._map(col, part)

    # --- the candidates -------------------------------------------------------------------------
    def _names(self, sheet: Sheet, keys: dict[int, str], part: Part) -> tuple[int | None, int | None]:
        """The 一级 and 二级 name columns: the first text column under each level's header."""
        names: dict[str, int] = {}
        for c in sorted(keys):
            if keys[c] in ("level1", "level2") and keys[c] not in names and not self._numeric(sheet, c, part):
                names[keys[c]] = c
        return names.get("level1"), names.get("level2")

    @staticmethod
    def _numeric(sheet: Sheet, c: int, part: Part) -> bool:
        return _numeric_share(sheet, c, part.first) >= 0.5

    def _candidates(self) -> list[_Area]:
        """Every reading the headers allow, most likely first (by headers and places alone)."""
        sheet, part, keys = self.first
        name_col = part.cols.get("name")
        if name_col is None:
            return []
        level1_name, level2_name = self._names(sheet, keys, part)
        left = min(keys)
        weights = [c for c in sorted(keys) if keys[c] == "weight"]
        levels = [c for c in range(left, name_col) if c not in (level1_name, level2_name)
                  and keys.get(c) in (None, "level1", "level2", *_WEIGHT_KEYS) and self._numeric(sheet, c, part)]
        levels += [c for c in sorted(keys) if keys[c] in ("level1_weight", "level2_weight") and c not in levels]
        out: list[tuple[tuple, _Area]] = []
        for weight in weights or [None]:
            rest = sorted(c for c in levels if c != weight)[:2]
            options: list[tuple[int | None, int | None]]
            if len(rest) == 2:
                options = [(rest[0], rest[1]), (rest[1], rest[0])]
            elif len(rest) == 1:
                options = [(rest[0], None), (None, rest[0])]
            else:
                options = [(None, None)]
            for l1, l2 in options:
                area = _Area(weight, level1_name, l1, level2_name, l2)
                out.append((self._prior(area, keys, name_col), area))
        out.sort(key=lambda item: item[0])
        return [area for _, area in out]

    @staticmethod
    def _prior(area: _Area, keys: dict[int, str], name_col: int) -> tuple:
        """How unlikely a reading is from its headers and places alone (lower is likelier)."""
        def hint(c: int | None, level: str) -> int:
            if c is None:
                return 0
            key = keys.get(c)
            if key in ("level1_weight", "level2_weight"):
                return 0 if key == f"{level}_weight" else 4  # a header that names the level
            if key == "level2" and level == "level1":
                return 2  # a number under 二级指标 is the 二级 weight
            return 0
        misplaced = int(area.weight is not None and area.weight < name_col)  # a 三级 weight left of the names
        order = int(area.level1_weight is not None and area.level2_weight is not None
                    and area.level1_weight > area.level2_weight)
        one_level = int(area.level1_weight is None and area.level2_weight is not None
                        and keys.get(area.level2_weight) not in ("level2", "level2_weight"))
        return (hint(area.level1_weight, "level1") + hint(area.level2_weight, "level2"), misplaced, order, one_level)

    # --- trying them on the rows ----------------------------------------------------------------
    def _map(self, col: int | None, part: Part) -> int | None:
        """The column of ``part`` that plays the role ``col`` plays in the first part: the one
        under the same header (by its place among the columns of that header), else the same."""
        if col is None:
            return None
        sheet, first, _keys = self.first
        if part is first:
            return col
        header = label_key(first.headers.get(col, ""))
        if header:
            same = [c for c, text in sorted(first.headers.items()) if label_key(text) == header]
            there = [c for c, text in sorted(part.headers.items()) if label_key(text) == header]
            if col in same and len(there) == len(same):
                return there[same.index(col)]
        return col

    def _apply(self, area: _Area, findings: list[Finding]) -> None:
        seen: dict = {}
        for sheet, part, row in self.rows:
            mapped = _Area(*(self._map(getattr(area, k), part) for k in
                             ("weight", "level1_name", "level1_weight", "level2_name", "level2_weight")))
            row.weight = _number(sheet, row.row, mapped.weight, findings, "权重")
            # A level cell left blank under a filled one (a merged block unmerged, its label kept on
            # the block's first row only) belongs to the block above; the 二级 within its 一级.
            r1 = _block_row(sheet, row.row, (mapped.level1_name, mapped.level1_weight), part.first)
            r2 = _block_row(sheet, row.row, (mapped.level2_name, mapped.level2_weight), r1)
            row.level1, row.level1_weight, row.level1_key = _level(
                sheet, r1, mapped.level1_name, mapped.level1_weight, findings, "一级指标权重", True, seen)
            row.level2, row.level2_weight, row.level2_key = _level(
                sheet, r2, mapped.level2_name, mapped.level2_weight, findings, "二级指标权重", False, seen)

    def _total_weight(self, area: _Area, findings: list[Finding]) -> Cell:
        if self.total is None:
            return NO_CELL
        sheet, part, r = self.total
        return _number(sheet, r, self._map(area.weight, part), findings, "权重合计")

    def choose(self, table: ScoreSheet, extra_weight: float = 0.0) -> None:
        candidates = self._candidates()
        tried: list[tuple[int, int, _Area]] = []
        # an indicator scored outside the table counts in the sums with its weight alone
        outside = [IndicatorRow("", -1, "", weight=Cell(extra_weight, None))] if extra_weight else []
        for rank, area in enumerate(candidates):
            self._apply(area, [])
            rows = [row for _s, _p, row in self.rows]
            broken = len(weight_findings(outside + rows, table.sheet, self._total_weight(area, [])))
            # a 三级 weight is each row's own: one cell merged over several rows is a level's
            broken += sum(1 for above, row in zip(rows, rows[1:])
                          if row.weight.ref is not None and row.weight.ref == above.weight.ref)
            tried.append((broken, rank, area))
            if broken == 0 and rank == 0:
                break  # the likeliest reading adds up: nothing else to try
        best, _rank, area = min(tried, key=lambda t: t[:2]) if tried else (0, 0, _Area())
        doubt = sorted({t[2].weight for t in tried if t[0] == best and t[2].weight is not None})
        if best and len(doubt) > 1:
            sheet, part, _keys = self.first
            table.weights_in_doubt = [col_letter(c) for c in doubt]
            table.findings.append(make(
                "LAYOUT_AMBIGUOUS", table.sheet, a1(part.header_row, doubt[0]),
                columns="、".join(f"“{part.headers.get(c, '')}”（{a1(part.header_row, c)}）" for c in doubt),
                chosen=part.headers.get(area.weight, "")))
        self._apply(area, table.findings)
        table.total_weight = self._total_weight(area, table.findings)
        if self.total is not None:
            sheet, part, r = self.total
            table.total_self = _number(sheet, r, part.cols.get("self_score"), table.findings, "得分合计")
        for _sheet, part, _keys in self.parts:
            for key in ("weight", "level1_name", "level1_weight", "level2_name", "level2_weight"):
                col = self._map(getattr(area, key), part)
                if col is not None:
                    role = {"level1_name": "level1", "level2_name": "level2"}.get(key, key)
                    part.roles[col] = role
            for key, col in part.cols.items():
                part.roles.setdefault(col, "basis" if part.actual_from_basis and key == "actual" else key)
        if area.weight is not None:
            for _sheet, part, _keys in self.parts:  # the first part's cols are the table's
                part.cols["weight"] = self._map(area.weight, part)


@memo
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
                table.grade, table.grade_ref, table.end_sheet = text, a1(r, c), sheet.name
                table.last_row = max(table.last_row, r)
                return
            for word in GRADE_WORDS:
                if text.startswith(word) and text[len(word):].lstrip(":：") in GRADE_VALUES:
                    table.grade, table.grade_ref = text[len(word):].lstrip(":："), a1(r, c)
                    table.end_sheet = sheet.name
                    table.last_row = max(table.last_row, r)
                    return


def _numeric_share(sheet: Sheet, c: int, first: int) -> float:
    """The share of the column's filled cells (each merged block once) below the header that hold numbers."""
    anchors = sheet.column_anchors(c, first, min(sheet.nrows, first + 60))
    values = [v for v in (sheet.value(r, cc) for r, cc in anchors) if v is not None]
    if not values:
        return 0.0
    numeric = 0
    for v in values:
        if isinstance(v, float):
            numeric += 1
            continue
        try:
            numeric += parse_number(v).value is not None
        except Unparsed:
            pass
    return numeric / len(values)


@memo
def _split_name_weight(text: str | None) -> tuple[str | None, float | None]:
    if not text:
        return None, None
    flat = norm(text)
    match = _NAME_WEIGHT_RE.match(flat)
    if match and match.group(1) and re.search(r"[(（]", flat):
        return clean(re.sub(r"[(（].*$", "", text)) or None, float(match.group(2))
    return clean(text), None


def _block_row(sheet: Sheet, r: int, cols: tuple[int | None, ...], top: int) -> int:
    """The row whose level cells are row ``r``'s: ``r`` itself when one of them is filled (or
    merged over it), else the nearest row above, down to ``top``, where one is."""
    cols = tuple(c for c in cols if c is not None)
    for above in range(r, top - 1, -1):
        if any(sheet.value(above, c) is not None for c in cols):
            return above
    return r


def _level(sheet: Sheet, r: int, name_col: int | None, weight_col: int | None, findings: list[Finding],
           label: str, keep_name_key: bool, seen: dict) -> tuple[str | None, Cell, tuple | None]:
    """(name, weight, group key) of one level in row ``r``. The group key is the name's merged
    anchor, or the weight's (always for 二级, whose weights group the rows)."""
    name, weight, key = None, NO_CELL, None
    if name_col is not None:
        at = sheet.anchor(r, name_col)
        key = (sheet.name, *at)  # a continued table's parts are on several sheets
        read = seen.get(("name", key))
        if read is None:
            read = seen["name", key] = _split_name_weight(_text(sheet, *at))
        name, written = read
        if written is not None and weight_col is None:
            weight = Cell(written, a1(*at))
    if weight_col is not None:
        at = sheet.anchor(r, weight_col)
        weight = seen.get((label, sheet.name, at))  # per level: one cell may span both levels' weight columns
        if weight is None:
            weight = seen[label, sheet.name, at] = _number(sheet, *at, findings, label)
        if not keep_name_key or key is None:
            key = (sheet.name, *at)
    return name, weight, key
