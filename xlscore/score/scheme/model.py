"""What an indicator scheme is: its 一级 and 二级 groups, grade bands, the 三级 indicators it knows,
and how names are compared.

A scheme is the framework a finance bureau scores against: the 一级 indicators with their weights
(adding up to 100), optionally named 二级 groups, the grade bands, and a library of 三级 indicators it
knows — each with its usual weight, target, direction, element list and rule text. The files are
read by :mod:`.load` and checked by :mod:`.validate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...findings.tolerance import FLOAT
from ...read.speed import memo
from ...read.textnum import norm

FUND_ROWS = ("execution_rate", "arrival_rate", "spend_rate")
FUND_ROW_ZH = {"execution_rate": "预算执行率(6)", "arrival_rate": "资金到位率(7)", "spend_rate": "资金实际支出率(8)"}
DIRECTIONS = ("higher", "lower")
BAND_KEYS = ("achieved", "partly", "not_achieved")
BAND_ZH = {"achieved": "达成", "partly": "部分达成", "not_achieved": "未达成"}
DEFAULT_BANDS: dict[str, tuple[float, float]] = {
    "achieved": (80.0, 100.0),
    "partly": (60.0, 80.0),
    "not_achieved": (0.0, 60.0),
}
DEFAULT_TARGET_TOO_LOW_RATIO = 1.5
DEFAULT_SPEND_RATE_WARN = 90.0
DEFAULT_OVERSHOOT_RATIO = 1.3
# A lower-is-better indicator missed: target ÷ actual × weight (as many city templates print it), or a
# linear fall-off from the weight at the target to 0 at twice the target.
LOWER_BETTER_MISSED = ("target_over_actual", "linear_to_double")
LOWER_BETTER_MISSED_ZH = {"target_over_actual": "目标值÷业绩值×权重", "linear_to_double": "业绩值达到目标值 2 倍时降为 0 的线性扣分"}

class SchemeError(ValueError):
    """A scheme file that cannot be used. ``source`` is the file (or the id asked for),
    ``problems`` one Chinese line each; ``str()`` gives every problem prefixed by the file."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"指标体系文件 {source}：{p}" for p in self.problems))


# ---------------------------------------------------------------------------
# Name keys
# ---------------------------------------------------------------------------

_LEADING_NUMBER_RE = re.compile(r"^(?:\d+(?:\.\d+)*[.、.)]|\(\d+\)|[一二三四五六七八九十]+、)")
_TRAILING_WEIGHT_RE = re.compile(r"\((?:权重)?[:：]?\d+(?:\.\d+)?分?\)$")


@memo
def name_key(text: object) -> str:
    """How names are compared: NFKC (full-width brackets and digits to half-width), no whitespace or
    line breaks, a leading row number (``1.``、``(1)``、``一、``) dropped."""
    key = norm(text)
    return _LEADING_NUMBER_RE.sub("", key, count=1) or key


def level_key(text: object) -> str:
    """Like :func:`name_key`, also dropping a trailing weight: ``项目管理 (28)`` -> ``项目管理``."""
    key = name_key(text)
    stripped = _TRAILING_WEIGHT_RE.sub("", key)
    return stripped or key


# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A 一级 (``level1`` is None) or 二级 (``level1`` names its 一级) indicator group."""

    name: str
    weight: float | None
    level1: str | None = None
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {level_key(n) for n in (self.name, *self.aliases)}


@dataclass(frozen=True)
class Grade:
    """A grade band: a total of at least ``min`` earns it (bands are ordered highest first)."""

    name: str
    min: float
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """A 三级 indicator the scheme knows.

    ``weight`` is the usual weight (informational: the workbook's own weight is what gets scored).
    ``elements`` are the checklist elements in 要素 order; ``element_aliases[i]`` other wordings
    accepted for element i+1. ``rule`` is the 评分标准 text and ``parsed`` its parsed Rule (None
    when there is no rule).
    """

    name: str
    level1: str
    level2: str | None = None
    aliases: tuple[str, ...] = ()
    weight: float | None = None
    target: str | None = None
    direction: str = "higher"
    fund_row: str | None = None
    elements: tuple[str, ...] = ()
    element_aliases: tuple[tuple[str, ...], ...] = ()
    rule: str | None = None
    content: str | None = None
    evidence: str | None = None
    parsed: Any = field(default=None, compare=False, repr=False)

    def keys(self) -> set[str]:
        return {name_key(n) for n in (self.name, *self.aliases)}

    def element_texts(self, number: int) -> tuple[str, ...]:
        """Element ``number`` (1-based) and its accepted alternative wordings."""
        index = number - 1
        if not 0 <= index < len(self.elements):
            return ()
        extra = self.element_aliases[index] if index < len(self.element_aliases) else ()
        return (self.elements[index], *extra)


@dataclass(frozen=True, eq=False)
class Scheme:
    """An indicator scheme: its indicator tree, weights, rules and grade bands."""

    id: str
    title: str
    source: str | None
    level1: tuple[Level, ...]
    level2: tuple[Level, ...]
    grades: tuple[Grade, ...]
    qualitative_bands: dict[str, tuple[float, float]]
    target_too_low_ratio: float
    spend_rate_warn: float
    indicators: tuple[IndicatorSpec, ...]
    path: Path | None = None
    bundled: bool = False
    overshoot_ratio: float = DEFAULT_OVERSHOOT_RATIO
    lower_better_missed: str = LOWER_BETTER_MISSED[0]
    _index: dict[str, IndicatorSpec] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, IndicatorSpec] = {}
        for spec in self.indicators:
            for key in spec.keys():
                index.setdefault(key, spec)
        object.__setattr__(self, "_index", index)

    # -- look-ups ---------------------------------------------------------------

    def indicator(self, name: object) -> IndicatorSpec | None:
        """The indicator called ``name`` (or one of its aliases), compared by :func:`name_key`."""
        key = name_key(name)
        return self._index.get(key) if key else None

    def level1_named(self, name: object) -> Level | None:
        key = level_key(name)
        return next((lv for lv in self.level1 if key in lv.keys()), None) if key else None

    def level2_named(self, name: object, level1: str | None = None) -> Level | None:
        key = level_key(name)
        if not key:
            return None
        return next((lv for lv in self.level2 if key in lv.keys() and (level1 is None or lv.level1 == level1)),
                    None)

    def level2_under(self, level1: str) -> tuple[Level, ...]:
        return tuple(lv for lv in self.level2 if lv.level1 == level1)

    def indicators_under(self, level1: str, level2: str | None = None) -> tuple[IndicatorSpec, ...]:
        return tuple(i for i in self.indicators if i.level1 == level1 and (level2 is None or i.level2 == level2))

    @property
    def total_weight(self) -> float:
        return sum(lv.weight or 0 for lv in self.level1)

    # -- grades and bands -------------------------------------------------------

    def grade(self, total: float) -> str:
        """The grade a total earns: the first band (highest first) whose ``min`` it reaches."""
        for band in self.grades:
            if total + FLOAT >= band.min:
                return band.name
        return self.grades[-1].name

    def grade_named(self, text: object) -> Grade | None:
        """The band a stated grade means: ``优秀``/``优`` (per the aliases) -> the Grade."""
        key = norm(text).strip("\"'“”「」")
        for band in self.grades:
            if key in {norm(n) for n in (band.name, *band.aliases)}:
                return band
        return None

    def band(self, kind: str) -> tuple[float, float]:
        """A qualitative band in % of the weight: ``band('partly')`` -> (60.0, 80.0)."""
        return self.qualitative_bands[kind]

    def grade_bands_text(self) -> str:
        """``优秀 ≥90、良好 80–90、中 60–80、差 <60``."""
        parts = []
        upper = None
        for i, band in enumerate(self.grades):
            if i == 0:
                parts.append(f"{band.name} ≥{fmt(band.min)}")
            elif band.min <= 0:
                parts.append(f"{band.name} <{fmt(upper)}")
            else:
                parts.append(f"{band.name} {fmt(band.min)}–{fmt(upper)}")
            upper = band.min
        return "、".join(parts)


def fmt(value: float | None) -> str:
    if value is None:
        return "空"
    return f"{value:g}" if abs(value - round(value, 2)) < FLOAT else f"{value:.2f}"


