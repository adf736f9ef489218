"""Targets (标值/目标值) and actuals (业绩值/实际完成值) as written: ``≥7%``, ``100%`` (or 1 in a
percent-formatted cell), ``800``, ``≤5%``, ``下降``, ``及时`` — the number, its comparator and the words."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..findings.tolerance import FLOAT
from ..read.book import Sheet, Uncomputed
from ..read.speed import memo
from ..read.textnum import clean, decimals_of, in_range, norm

_OPS = (
    ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("达到", "≥"), (">=", "≥"), ("≥", "≥"),
    ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"), ("<=", "≤"), ("≤", "≤"),
    ("大于", ">"), (">", ">"), ("小于", "<"), ("<", "<"), ("等于", "="), ("=", "="),
)
_MEASURE_RE = re.compile(r"^(?P<op>[^\d.+-]*?)(?P<num>[+-]?\d+(?:\.\d+)?)(?P<pct>%)?(?P<unit>[^\d]*)$")
# A figure written after its label: ``盈利率15%``, ``完成104%``, ``财政投入乘数12``, ``满意度≥90%``.
_LABELLED_RE = re.compile(r"^(?P<label>[\u4e00-\u9fff]+?)(?:为|是|达|[:：])?(?P<op>≥|≤|>=|<=|>|<|=)?"
                          r"(?P<num>\d+(?:\.\d+)?)(?P<pct>%)?(?P<unit>[\u4e00-\u9fff]{0,2})$")
# Words that, just before a figure, change what it says (a change, an estimate, a date, a rank):
# ``下降5%`` is not 5%, ``约90%`` not a stated 90%.
_NOT_A_LABEL = ("下降", "降低", "减少", "增加", "增长", "提高", "提升", "上升", "约", "近", "超过", "超", "不足",
                "低于", "高于", "少于", "多于", "未", "第", "前", "后", "内", "年", "月", "日", "每", "差", "缺")
# A figure inside a sentence: not a year, a date or an ordinal.
_FIGURE_RE = re.compile(r"(?<![\d.第])(?P<num>\d+(?:\.\d+)?)(?P<pct>%)?(?![\d.]|年|月|日|号|季度|期|批|次会)")


@dataclass(frozen=True, slots=True)
class Measure:
    """A target or actual value as written (``≥95%``, ``3项``) and what number it states."""

    text: str  # as the department wrote it (for display)
    number: float | None = None  # in percent when ``percent``
    percent: bool = False
    op: str | None = None  # ≥ ≤ > < = or None
    unit: str = ""
    figure: str = ""  # the figure alone, when the text holds more (a label, a sentence): ``完成104%`` -> ``104%``

    @property
    def shown(self) -> str:
        """How a review states this value: the figure that was read, else the text as written."""
        return self.figure or self.text

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def words(self) -> str:
        return norm(self.text)


# A target or actual nearer zero than this is zero: no indicator is measured to ten decimals, and
# the score's quotients (actual ÷ target) then stay far from overflowing.
TINY = FLOAT

BLANK = Measure("")  # immutable: every blank target or actual is this one


def parse_measure(raw: object, percent_format: bool | None = None) -> Measure:
    if raw is None or isinstance(raw, Uncomputed):
        return BLANK
    if isinstance(raw, bool):
        return Measure(str(raw))
    if isinstance(raw, (int, float)):
        return _measure_of_number(raw, percent_format)
    return _measure_of_text(raw if isinstance(raw, str) else str(raw))


@memo
def _measure_of_number(raw: int | float, percent_format: bool | None) -> Measure:
    """A target or actual stored as a number, shown as its cell's format would show it."""
    value = float(raw)
    if not in_range(value):  # NaN, an infinity, or beyond any fiscal table: read as words
        return Measure(clean(raw) if math.isfinite(value) else "无法识别的数值")
    if abs(value) < TINY:  # a formula's rounding residue (1e-17): the cell shows 0
        raw = value = 0.0
    if percent_format:
        number = round(value * 100, 8)
        return Measure(f"{number:.{min(decimals_of(number), 2)}f}%", number, True)
    return Measure(clean(raw), value)


@memo
def _measure_of_text(raw: str) -> Measure:
    """A target or actual written as text. A figure
    beyond what a fiscal table can hold (``textnum.MAX_MAGNITUDE``) leaves the text as words; one
    nearer zero than ``TINY`` is zero."""
    measure = _measure_of_figure_text(raw)
    if measure.number is not None and not in_range(measure.number):
        return Measure(measure.text)
    if measure.number is not None and measure.number != 0 and abs(measure.number) < TINY:
        return replace(measure, number=0.0)
    return measure


def _measure_of_figure_text(raw: str) -> Measure:
    text = clean(raw)
    flat = norm(raw).replace("％", "%")
    for word, op in _OPS:
        if flat.startswith(word):
            rest = flat[len(word):]
            match = _MEASURE_RE.match(rest)
            if match and not match.group("op"):
                return Measure(text, float(match.group("num")), bool(match.group("pct")), op, match.group("unit"))
    match = _MEASURE_RE.match(flat)
    if match and not match.group("op"):
        unit = match.group("unit")
        op = None
        if unit.endswith("以上"):
            op, unit = "≥", unit[:-2]
        elif unit.endswith("以下"):
            op, unit = "≤", unit[:-2]
        if len(unit) <= 4 and not re.search(r"[;；,，、]", unit):
            return Measure(text, float(match.group("num")), bool(match.group("pct")), op, unit)
    labelled = _LABELLED_RE.match(flat)
    if labelled and not labelled.group("label").endswith(_NOT_A_LABEL):
        op = {">=": "≥", "<=": "≤"}.get(labelled.group("op"), labelled.group("op"))
        figure = f"{labelled.group('num')}{labelled.group('pct') or ''}{labelled.group('unit')}"
        return Measure(text, float(labelled.group("num")), bool(labelled.group("pct")), op, labelled.group("unit"),
                       figure)
    return Measure(text)


def measure_in_text(raw: object, name: str) -> Measure:
    """The actual of an indicator from the grounds a unit wrote for its score (自评依据, the
    provincial form's column where the figures stand): the text read as a figure when it is one;
    else the figure that follows the indicator's name in it (``经测算，本项目盈利率15%，…``); else
    its only figure. A text with no figure, or several and none after the name, is words."""
    whole = parse_measure(raw)
    if whole.number is not None or not isinstance(raw, str):
        return whole
    flat = norm(raw).replace("％", "%")
    figures = list(_FIGURE_RE.finditer(flat))
    key = norm(name)
    chosen = None
    at = flat.find(key) if key else -1
    if at >= 0:
        after = [m for m in figures if m.start() >= at + len(key)]
        if after and after[0].start() - (at + len(key)) <= 12:
            chosen = after[0]
    if chosen is None and len(figures) == 1:
        chosen = figures[0]
    number = float(chosen.group("num")) if chosen is not None else None
    if number is None or not in_range(number):
        return whole
    return Measure(whole.text, number if number >= TINY else 0.0, bool(chosen.group("pct")), None, "", chosen.group())


def read_measure(sheet: Sheet, row: int, col: int | None) -> Measure:
    if col is None:
        return BLANK
    value = sheet.value(row, col)
    if value is None or isinstance(value, str):
        return parse_measure(value)  # a text is read as written: its cell's number format is moot
    return parse_measure(value, sheet.is_percent(row, col))
