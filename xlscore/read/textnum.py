"""Text normalisation and parsing of the numbers departments type into workbooks.

Departments write amounts as ``73,096,200元``, ``"2,070,000"``, ``7309.62万元`` or with full-width
digits (``１００％``); rates as ``107.49%``, as a fraction in a percent-formatted cell, or as a plain
number in a ``(%)`` row. Everything here is pure: values in, values out.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import NamedTuple

from .speed import memo

# Characters that mean "nothing here" in Chinese financial tables.
_BLANK_MARKS = {"", "-", "—", "–", "－", "——", "/", "\\", "无", "空", "n/a", "na", "none"}

_UNIT_FACTORS = {"亿元": 100_000_000.0, "万元": 10_000.0, "千元": 1_000.0, "元": 1.0}
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_SPACE_RE = re.compile(r"\s+")
_INLINE_SPACE_RE = re.compile(r"[ \t\f\v]+")


def norm(value: object) -> str:
    """Normalise a cell's text for comparison: NFKC (full-width to half-width), no whitespace."""
    if value is None:
        return ""
    return _norm_text(value if isinstance(value, str) else str(value))


@memo
def _norm_text(text: str) -> str:
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


def clean(value: object) -> str:
    """Text for display as the department wrote it: runs of whitespace collapsed, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_MAGNITUDE:
        value = int(value)
    return _clean_text(value if isinstance(value, str) else str(value))


@memo
def _clean_text(text: str) -> str:
    lines = text.replace("\u3000", " ").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(part for part in (_INLINE_SPACE_RE.sub(" ", line).strip() for line in lines) if part)


class Parsed(NamedTuple):
    """A number read from a cell.

    ``value`` is None for a blank cell. ``factor`` is the unit the text itself declares (万元 gives
    10000), or None when it declares none. ``percent`` is True when the text carries a ``%`` sign.
    ``decimals`` is how many decimals the figure was written with (used for rounding tolerance).
    (A named tuple: immutable, and made in the inner loops of every table reader.)
    """

    value: float | None
    factor: float | None = None
    percent: bool = False
    decimals: int = 0

    @property
    def blank(self) -> bool:
        return self.value is None


# The figures a fiscal table can hold: a magnitude below 1e15 (1,000 万亿元, many times any
# country's yearly budget). Every amount, rate, weight and score is refused beyond it with
# VALUE_UNPARSED saying why (amounts again in 元, after their unit: "2亿亿元" is refused too), and
# targets and actuals beyond it are read as words. Below it every whole amount is held exactly (a
# float holds integers to 2**53, about 9e15) -- a 20-digit amount cannot be silently rounded --
# and no sum, rate or tolerance computed from such figures can overflow.
MAX_MAGNITUDE = 1e15
TOO_LARGE = "（超出可核算的范围：绝对值应小于 1,000万亿）"


def in_range(number: float) -> bool:
    """Whether a number is finite and of a magnitude a fiscal table can hold."""
    return -MAX_MAGNITUDE < number < MAX_MAGNITUDE  # False for NaN and the infinities too


class Unparsed(ValueError):
    """The cell holds text that is not a number, or a number beyond what a fiscal table can hold
    (``reason`` then says which, in Chinese, to be appended to the finding's ``what``)."""

    def __init__(self, text: str, reason: str = ""):
        super().__init__(text)
        self.text = text
        self.reason = reason


_NOTHING = Parsed(None)


def decimals_of(number: float) -> int:
    """Decimals needed to write ``number`` (at most 6): 107.49 -> 2, 100.0 -> 0."""
    if not math.isfinite(number) or number.is_integer():
        return 0
    text = f"{number:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _beyond(number: float) -> tuple[str, str]:
    """(text, reason) for a stored number refused as beyond any fiscal table."""
    if math.isnan(number):
        return "非数值", ""
    if math.isinf(number):
        return ("负" if number < 0 else "") + "无穷大", TOO_LARGE
    return f"{number:g}", TOO_LARGE


def parse_number(raw: object) -> Parsed:
    """Parse a cell value into a number, raising :class:`Unparsed` for non-numeric text.

    Accepts numbers, booleans are refused, text with thousands separators, unit suffixes
    (元/万元/千元/亿元), a trailing ``%``, full-width characters, accounting negatives ``(1,234)``.
    """
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = float(raw)
        if not in_range(number):  # NaN, an infinity, or too large
            raise Unparsed(*_beyond(number))
        return Parsed(number, None, False, decimals_of(number))
    if raw is None:
        return _NOTHING
    if not isinstance(raw, str):  # a boolean among them
        raise Unparsed(str(raw))
    parsed = _parse_text(raw)
    if isinstance(parsed, str):  # why a figure is refused
        raise Unparsed(raw, parsed)
    if parsed is None:
        raise Unparsed(raw)
    return parsed


def parse_score(raw: object) -> Parsed:
    """A score or a weight: :func:`parse_number`, and the same number written with its unit
    (``2.22分``)."""
    if isinstance(raw, str):
        text = norm(raw)
        if len(text) > 1 and text.endswith("分"):
            try:
                return parse_number(text[:-1])
            except Unparsed as exc:
                raise Unparsed(raw, exc.reason) from None
    return parse_number(raw)


@memo
def _parse_text(raw: str) -> Parsed | str | None:
    """A number from text (None when the text is not one, the reason when it is a figure beyond
    what a fiscal table can hold)."""
    text = norm(raw).replace("−", "-").replace("﹣", "-")
    if text.lower() in _BLANK_MARKS:
        return Parsed(None)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    factor = None
    for suffix, unit in _UNIT_FACTORS.items():
        if text.endswith(suffix):
            factor, text = unit, text[: -len(suffix)]
            break
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if text.startswith("¥") or text.startswith("￥"):
        text = text[1:]
    text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        return None
    number = float(text)
    if not in_range(number):
        return TOO_LARGE
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Parsed(-number if negative else number, factor, percent, decimals)


_UNIT_DECL_RE = re.compile(r"单位[:：]?(人民币)?(亿元|万元|千元|元)")
_UNIT_PAREN_RE = re.compile(r"[(（](亿元|万元|千元|元)[)）]")


def declared_unit(text: object) -> str | None:
    """The unit a label declares: ``单位：万元`` / ``（单位：元）`` / ``合计（万元）`` -> '万元'/'元'.
    (Cached: the table readers ask about every label and header cell of every workbook.)"""
    flat = norm(text)
    match = _UNIT_DECL_RE.search(flat) or _UNIT_PAREN_RE.search(flat)
    return match.group(match.lastindex) if match else None


def unit_factor(unit: str) -> float:
    return _UNIT_FACTORS[unit]


def parse_year(raw: object) -> int | None:
    """A year from ``2021``, ``2021.0``, ``2021年``, ``2021年度``."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        year = int(raw)
        return year if 1990 <= year <= 2100 and year == raw else None
    match = re.search(r"(19|20)\d\d", norm(raw))
    return int(match.group(0)) if match else None


def fmt_amount(value: float | None) -> str:
    """An amount in 元 the way a finance clerk writes it: 73,096,200 or 1,234.5."""
    if value is None:
        return "空"
    if abs(value - round(value)) < 0.005:
        return f"{round(value):,}"
    return f"{value:,.2f}"


def money(value: float | None, unit: str) -> str:
    """An amount in the unit the table is written in: '73,096,200 元' or '7,309.62 万元'."""
    if value is None:
        return "空"
    if unit == "元":
        return f"{fmt_amount(value)} 元"
    scaled = value / unit_factor(unit)
    return f"{scaled:,.2f} {unit}" if abs(scaled - round(scaled)) > 0.0005 else f"{round(scaled):,} {unit}"


def fmt_rate(value: float | None) -> str:
    if value is None:
        return "空"
    return f"{value:.2f}%"


_PAREN_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NUMBERING_RE = re.compile(r"^(?:[0-9]+[.、)]|[一二三四五六七八九十]+[、.]|[(（][0-9一二三四五六七八九十]+[)）])")


@memo
def label_key(value: object) -> str:
    """Reduce a label cell to its words: no parentheses, no numbering, nothing after ``=``."""
    text = norm(value)
    if not text:
        return ""
    text = _NUMBERING_RE.sub("", text)
    text = text.split("=", 1)[0]
    text = _PAREN_RE.sub("", text)
    return text.strip(":：.、*※")
