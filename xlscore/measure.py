"""Targets (标值/目标值) and actuals (业绩值/实际完成值) as written: ``≥7%``, ``100%`` (or 1 in a
percent-formatted cell), ``800``, ``≤5%``, ``下降``, ``及时`` — the number, its comparator and the words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .book import Sheet, Uncomputed
from .textnum import clean, decimals_of, norm

_OPS = (
    ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("达到", "≥"), (">=", "≥"), ("≥", "≥"),
    ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"), ("<=", "≤"), ("≤", "≤"),
    ("大于", ">"), (">", ">"), ("小于", "<"), ("<", "<"), ("等于", "="), ("=", "="),
)
_MEASURE_RE = re.compile(r"^(?P<op>[^\d.+-]*?)(?P<num>[+-]?\d+(?:\.\d+)?)(?P<pct>%)?(?P<unit>[^\d]*)$")


@dataclass(frozen=True, slots=True)
class Measure:
    """A target or actual value as written (``≥95%``, ``3项``) and what number it states."""

    text: str  # as the department wrote it (for display)
    number: float | None = None  # in percent when ``percent``
    percent: bool = False
    op: str | None = None  # ≥ ≤ > < = or None
    unit: str = ""

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def words(self) -> str:
        return norm(self.text)


BLANK = Measure("")  # immutable: every blank target or actual is this one


def parse_measure(raw: object, percent_format: bool | None = None) -> Measure:
    if raw is None or isinstance(raw, Uncomputed):
        return BLANK
    if isinstance(raw, bool):
        return Measure(str(raw))
    if isinstance(raw, (int, float)):
        return _measure_of_number(raw, percent_format)
    return _measure_of_text(raw if isinstance(raw, str) else str(raw))


@lru_cache(maxsize=1 << 14, typed=True)
def _measure_of_number(raw: int | float, percent_format: bool | None) -> Measure:
    """A target or actual stored as a number, shown as its cell's format would show it (cached,
    by type too: the measures are immutable, and a batch repeats its figures)."""
    value = float(raw)
    if percent_format:
        number = round(value * 100, 8)
        return Measure(f"{number:.{min(decimals_of(number), 2)}f}%", number, True)
    return Measure(clean(raw), value)


@lru_cache(maxsize=1 << 14)
def _measure_of_text(raw: str) -> Measure:
    """A target or actual written as text (cached: templates repeat their targets)."""
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
    return Measure(text)


def read_measure(sheet: Sheet, row: int, col: int | None) -> Measure:
    if col is None:
        return BLANK
    value = sheet.value(row, col)
    if value is None or isinstance(value, str):
        return parse_measure(value)  # a text is read as written: its cell's number format is moot
    return parse_measure(value, sheet.is_percent(row, col))
