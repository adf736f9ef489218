"""Indicator schemes as data: the 指标体系 files (YAML), their loader, validation, detection and lint.

A scheme is the framework a finance bureau scores against: the 一级 indicators with their weights
(adding up to 100), optionally named 二级 groups, the grade bands, and a library of 三级 indicators it
knows — each with its usual weight, target, direction, element list and rule text. The bundled
schemes live in ``xlscore/schemes/*.yaml``; a bureau can write its own file in the same format
(documented in docs/schemes.md) and pass its path wherever a scheme id is accepted.

Everything is validated when loaded; a file that does not validate raises :class:`SchemeError`, whose
message (Chinese) names the file, the line and the key of every problem found. Rule texts are parsed
with :func:`xlscore.rules.parse` at load time, so a rule the engine cannot read is a load error and
never a silent zero.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .textnum import norm

SCHEME_DIR = Path(__file__).resolve().parent / "schemes"
# The bundled YAML files' data as JSON, each with the SHA-256 of the YAML it was made from (make
# schemes): a check then neither imports nor parses YAML. A YAML file edited since is read itself.
BUNDLED_JSON = SCHEME_DIR / "bundled.json"

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

_EPS = 0.005  # weights and points are written with two decimals

_TOP_KEYS = ("id", "title", "source", "level1", "level2", "grades", "qualitative_bands",
             "target_too_low_ratio", "overshoot_ratio", "lower_better_missed", "spend_rate_warn", "indicators")
_REQUIRED_TOP = ("id", "title", "level1", "grades", "indicators")
_LEVEL1_KEYS = ("name", "weight", "aliases")
_LEVEL2_KEYS = ("name", "weight", "level1", "aliases")
_GRADE_KEYS = ("name", "min", "aliases")
_INDICATOR_KEYS = ("name", "aliases", "level1", "level2", "weight", "target", "direction", "fund_row",
                   "elements", "rule", "content", "evidence")
_ELEMENT_KEYS = ("text", "aliases")
_ID_RE = re.compile(r"^[^\s/\\:*?\"<>|]+$")


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


@lru_cache(maxsize=1 << 14, typed=True)
def name_key(text: object) -> str:
    """How names are compared: NFKC (full-width brackets and digits to half-width), no whitespace or
    line breaks, a leading row number (``1.``、``(1)``、``一、``) dropped. (Cached: every indicator
    row of every workbook is looked up by its name.)"""
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
    when there is no rule, or when xlscore.rules is not available).
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
            if total + 1e-9 >= band.min:
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
                parts.append(f"{band.name} ≥{_fmt(band.min)}")
            elif band.min <= 0:
                parts.append(f"{band.name} <{_fmt(upper)}")
            else:
                parts.append(f"{band.name} {_fmt(band.min)}–{_fmt(upper)}")
            upper = band.min
        return "、".join(parts)


def _fmt(value: float | None) -> str:
    if value is None:
        return "空"
    return f"{value:g}" if abs(value - round(value, 2)) < 1e-9 else f"{value:.2f}"


# ---------------------------------------------------------------------------
# YAML with line numbers and duplicate-key detection
# ---------------------------------------------------------------------------


class _Map(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Seq(list):
    line: int = 0


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int):
        super().__init__(key)
        self.key = key
        self.line = line


@lru_cache(maxsize=1)
def _yaml():
    """(the yaml module, its loader keeping line numbers): imported only when a YAML file is read."""
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when installed: 10× faster
        pass

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
    return yaml, Loader


def _construct_map(loader, node) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in out:
            raise _DuplicateKey(key, line)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _construct_seq(loader, node) -> _Seq:
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    return out


def _read_yaml(path: Path, label: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SchemeError(label, ["找不到这个文件。"]) from None
    except IsADirectoryError:
        raise SchemeError(label, ["这是一个文件夹，不是指标体系文件。"]) from None
    except UnicodeDecodeError:
        raise SchemeError(label, ["文件不是 UTF-8 编码的文本，请用 UTF-8 保存。"]) from None
    except OSError as exc:
        raise SchemeError(label, [f"无法读取文件（{exc.strerror or exc}）。"]) from None
    yaml, loader = _yaml()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
    except _DuplicateKey as exc:
        raise SchemeError(label, [f"第 {exc.line} 行：键 {exc.key} 在同一处写了两次。"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark is not None else ""
        raise SchemeError(label, [f"{where}不是有效的 YAML（{exc.problem or exc.context}）。"
                                  "常见原因：缩进不齐、冒号后缺空格、含冒号或 # 的文字没有加引号。"]) from None
    except yaml.YAMLError as exc:
        raise SchemeError(label, [f"不是有效的 YAML（{exc}）。"]) from None


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _rules_module():
    """xlscore.rules, or None while it does not exist (loading then skips rule parsing)."""
    try:
        from . import rules
    except ModuleNotFoundError as exc:
        if exc.name == f"{__package__}.rules":
            return None
        raise
    return rules


def _quote(value: object) -> str:
    text = str(value)
    if len(text) > 40:
        text = text[:40] + "…"
    return f"“{text}”"


class _Checker:
    """Collects problems while converting the raw YAML into the dataclasses."""

    def __init__(self, label: str):
        self.label = label
        self.problems: list[str] = []

    def err(self, line: int | None, where: str, message: str) -> None:
        at = f"第 {line} 行，" if line else ""
        self.problems.append(f"{at}{where}：{message}")

    # -- scalars ----------------------------------------------------------------

    def text(self, raw: dict, key: str, where: str, *, required: bool = False) -> str | None:
        line = raw.line_of(key) if isinstance(raw, _Map) else None
        if key not in raw or raw[key] is None:
            if required:
                self.err(getattr(raw, "line", None), where, f"缺少 {key}。")
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float, datetime.date)):
            self.err(line, f"{where}的 {key}", f"应为一段文字，现为 {_quote(value)}。")
            return None
        text = _scalar_text(value).strip()
        if not text:
            if required:
                self.err(line, f"{where}的 {key}", "不能为空。")
            return None
        return text

    def number(self, raw: dict, key: str, where: str, *, required: bool = False,
               positive: bool = False, lo: float | None = None, hi: float | None = None) -> float | None:
        line = raw.line_of(key) if isinstance(raw, _Map) else None
        if key not in raw or raw[key] is None:
            if required:
                self.err(getattr(raw, "line", None), where, f"缺少 {key}。")
            return None
        value = raw[key]
        number = _as_number(value)
        if number is None:
            self.err(line, f"{where}的 {key}", f"应为数字，现为 {_quote(value)}。")
            return None
        if positive and number <= 0:
            self.err(line, f"{where}的 {key}", f"应大于 0，现为 {_fmt(number)}。")
            return None
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            self.err(line, f"{where}的 {key}", f"应在 {_fmt(lo)} 到 {_fmt(hi)} 之间，现为 {_fmt(number)}。")
            return None
        return number

    def texts(self, raw: dict, key: str, where: str) -> tuple[str, ...]:
        if key not in raw or raw[key] is None:
            return ()
        value = raw[key]
        line = raw.line_of(key) if isinstance(raw, _Map) else None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.err(line, f"{where}的 {key}", f"应为文字列表（如 [甲, 乙]），现为 {_quote(value)}。")
            return ()
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not _scalar_text(item).strip():
                self.err(line, f"{where}的 {key}", f"列表中的 {_quote(item)} 不是一段文字。")
                continue
            out.append(_scalar_text(item).strip())
        return tuple(out)

    def mapping(self, value: object, line: int | None, where: str, allowed: Iterable[str]) -> bool:
        if not isinstance(value, dict):
            self.err(line, where, f"应为“键: 值”的条目（如 {{name: …, weight: …}}），现为 {_quote(value)}。")
            return False
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                key_line = value.line_of(key) if isinstance(value, _Map) else line
                hint = _close_key(str(key), allowed)
                extra = f"（是不是 {hint}？）" if hint else ""
                self.err(key_line, where, f"不认识的键 {key}{extra}；可用的键：{'、'.join(allowed)}。")
        return True

    def items(self, raw: dict, key: str, where: str, *, required: bool, nonempty: bool) -> list:
        if key not in raw or raw[key] is None:
            if required:
                self.err(getattr(raw, "line", None), where, f"缺少 {key}。")
            return []
        value = raw[key]
        line = raw.line_of(key) if isinstance(raw, _Map) else None
        if not isinstance(value, list):
            self.err(line, key, f"应为列表（每项以“- ”开头），现为 {_quote(value)}。")
            return []
        if nonempty and not value:
            self.err(line, key, "不能为空列表。")
        return value


def _scalar_text(value: object) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        text = norm(value)
        if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            return float(text)
    return None


def _close_key(key: str, allowed: tuple[str, ...]) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return match[0] if match else None


def _item_label(kind: str, index: int, raw: object) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    if isinstance(name, (str, int, float)) and not isinstance(name, bool) and str(name).strip():
        return f"{kind} 第 {index} 项「{_scalar_text(name).strip()}」"
    return f"{kind} 第 {index} 项"


def _build(raw: object, label: str, path: Path | None, bundled: bool) -> Scheme:
    c = _Checker(label)
    if raw is None:
        raise SchemeError(label, ["文件是空的。"])
    if not isinstance(raw, dict):
        raise SchemeError(label, ["文件顶层应为“键: 值”的条目（id、title、level1、grades、indicators …）。"])
    c.mapping(raw, None, "文件顶层", _TOP_KEYS)
    for key in _REQUIRED_TOP:
        if key not in raw:
            c.err(None, "文件顶层", f"缺少必填的键 {key}。")

    scheme_id = c.text(raw, "id", "文件顶层")
    if scheme_id is not None and not _ID_RE.match(scheme_id):
        c.err(raw.line_of("id") if isinstance(raw, _Map) else None, "id",
              f"{_quote(scheme_id)} 不能含空格或 / \\ : * ? \" < > | 等字符（报告里用它标明体系），如 municipal、zz-caizheng-2023。")
    title = c.text(raw, "title", "文件顶层")
    source = c.text(raw, "source", "文件顶层")

    # -- level1 -----------------------------------------------------------------
    level1: list[Level] = []
    for i, item in enumerate(c.items(raw, "level1", "文件顶层", required=False, nonempty=True), 1):
        where = _item_label("level1", i, item)
        line = getattr(item, "line", None) or _seq_line(raw, "level1")
        if not c.mapping(item, line, where, _LEVEL1_KEYS):
            continue
        name = c.text(item, "name", where, required=True)
        weight = c.number(item, "weight", where, required=True, positive=True)
        aliases = c.texts(item, "aliases", where)
        if name is None:
            continue
        if any(level_key(name) in lv.keys() for lv in level1):
            c.err(line, where, f"一级指标 {_quote(name)} 重复。")
            continue
        level1.append(Level(name, weight, None, aliases))
    level1_names = {lv.name for lv in level1}
    weights = [lv.weight for lv in level1]
    raw_level1 = raw.get("level1")
    if level1 and all(w is not None for w in weights) and isinstance(raw_level1, list) \
            and len(level1) == len(raw_level1):
        total = sum(weights)
        if abs(total - 100) > _EPS:
            detail = " + ".join(f"{lv.name} {_fmt(lv.weight)}" for lv in level1)
            c.err(_seq_line(raw, "level1"), "level1",
                  f"一级指标权重之和应为 100，现为 {_fmt(total)}（{detail}）。")

    def find_level1(name: str) -> str | None:
        key = level_key(name)
        return next((lv.name for lv in level1 if key in lv.keys()), None)

    # -- level2 -----------------------------------------------------------------
    level2: list[Level] = []
    for i, item in enumerate(c.items(raw, "level2", "文件顶层", required=False, nonempty=False), 1):
        where = _item_label("level2", i, item)
        line = getattr(item, "line", None) or _seq_line(raw, "level2")
        if not c.mapping(item, line, where, _LEVEL2_KEYS):
            continue
        name = c.text(item, "name", where, required=True)
        weight = c.number(item, "weight", where, positive=True)
        parent = c.text(item, "level1", where, required=True)
        aliases = c.texts(item, "aliases", where)
        if name is None or parent is None:
            continue
        resolved = find_level1(parent)
        if resolved is None:
            c.err(item.line_of("level1") if isinstance(item, _Map) else line, f"{where}的 level1",
                  f"一级指标 {_quote(parent)} 不在 level1 中（有：{'、'.join(level1_names) or '无'}）。")
            continue
        if any(level_key(name) in lv.keys() for lv in level2):
            c.err(line, where, f"二级指标 {_quote(name)} 重复。")
            continue
        level2.append(Level(name, weight, resolved, aliases))

    # -- grades -----------------------------------------------------------------
    grades: list[Grade] = []
    grade_items = c.items(raw, "grades", "文件顶层", required=False, nonempty=True)
    for i, item in enumerate(grade_items, 1):
        where = _item_label("grades", i, item)
        line = getattr(item, "line", None) or _seq_line(raw, "grades")
        if not c.mapping(item, line, where, _GRADE_KEYS):
            continue
        name = c.text(item, "name", where, required=True)
        low = c.number(item, "min", where, required=True, lo=0, hi=100)
        aliases = c.texts(item, "aliases", where)
        if name is None or low is None:
            continue
        if any(norm(name) == norm(g.name) for g in grades):
            c.err(line, where, f"等级 {_quote(name)} 重复。")
            continue
        if grades and low >= grades[-1].min:
            c.err(item.line_of("min") if isinstance(item, _Map) else line, f"{where}的 min",
                  f"等级要从高到低排列，min 应小于上一档 {grades[-1].name} 的 {_fmt(grades[-1].min)}，"
                  f"现为 {_fmt(low)}。")
            continue
        grades.append(Grade(name, low, aliases))
    if grades and len(grades) == len(grade_items) and grades[-1].min != 0:
        c.err(_seq_line(raw, "grades"), "grades",
              f"最低一档的 min 应为 0（任何总分都要有等级），现为 {grades[-1].name} {_fmt(grades[-1].min)}。")

    # -- bands and thresholds ---------------------------------------------------
    bands = dict(DEFAULT_BANDS)
    if raw.get("qualitative_bands") is not None:
        qb = raw["qualitative_bands"]
        qline = raw.line_of("qualitative_bands") if isinstance(raw, _Map) else None
        if c.mapping(qb, qline, "qualitative_bands", BAND_KEYS):
            for key in BAND_KEYS:
                if key not in qb:
                    c.err(qline, "qualitative_bands", f"缺少 {key}（{BAND_ZH[key]}的区间）。")
                    continue
                pair = qb[key]
                kline = qb.line_of(key) if isinstance(qb, _Map) else qline
                nums = [_as_number(v) for v in pair] if isinstance(pair, list) else []
                if len(nums) != 2 or any(n is None for n in nums):
                    c.err(kline, f"qualitative_bands 的 {key}",
                          f"应为两个数组成的区间，如 [60, 80]，现为 {_quote(pair)}。")
                    continue
                lo, hi = nums
                if not 0 <= lo < hi <= 100:
                    c.err(kline, f"qualitative_bands 的 {key}",
                          f"区间应满足 0 ≤ 下限 < 上限 ≤ 100（权重的百分比），现为 [{_fmt(lo)}, {_fmt(hi)}]。")
                    continue
                bands[key] = (lo, hi)
    ratio = c.number(raw, "target_too_low_ratio", "文件顶层")
    if ratio is not None and ratio <= 1:
        c.err(raw.line_of("target_too_low_ratio"), "target_too_low_ratio",
              f"应大于 1（业绩值超过目标值的多少倍时提示目标偏低），现为 {_fmt(ratio)}。")
        ratio = None
    overshoot = c.number(raw, "overshoot_ratio", "文件顶层")
    if overshoot is not None and overshoot <= 1:
        c.err(raw.line_of("overshoot_ratio"), "overshoot_ratio",
              f"应大于 1（业绩值达到目标值的多少倍时要求说明超额原因），现为 {_fmt(overshoot)}。")
        overshoot = None
    lower_missed = c.text(raw, "lower_better_missed", "文件顶层")
    if lower_missed is not None and lower_missed not in LOWER_BETTER_MISSED:
        choices = "、".join(f"{k}（{v}）" for k, v in LOWER_BETTER_MISSED_ZH.items())
        c.err(raw.line_of("lower_better_missed"), "lower_better_missed",
              f"应为 {choices} 之一，现为 {_quote(lower_missed)}。")
        lower_missed = None
    warn = c.number(raw, "spend_rate_warn", "文件顶层", lo=0, hi=100)

    # -- indicators -------------------------------------------------------------
    rules = _rules_module()
    indicators: list[IndicatorSpec] = []
    owner: dict[str, str] = {}
    for i, item in enumerate(c.items(raw, "indicators", "文件顶层", required=False, nonempty=False), 1):
        where = _item_label("indicators", i, item)
        line = getattr(item, "line", None) or _seq_line(raw, "indicators")
        if not c.mapping(item, line, where, _INDICATOR_KEYS):
            continue
        spec = _build_indicator(c, item, where, line, level1, level2, find_level1, rules)
        if spec is None:
            continue
        clash = False
        for key in spec.keys():
            if key in owner and owner[key] != spec.name:
                c.err(line, where, f"名称或别名 {_quote(key)} 与指标「{owner[key]}」重复，无法区分。")
                clash = True
        if clash:
            continue
        for key in spec.keys():
            owner[key] = spec.name
        indicators.append(spec)

    if c.problems:
        raise SchemeError(label, c.problems)
    return Scheme(
        id=scheme_id or "",
        title=title or "",
        source=source,
        level1=tuple(level1),
        level2=tuple(level2),
        grades=tuple(grades),
        qualitative_bands=bands,
        target_too_low_ratio=ratio if ratio is not None else DEFAULT_TARGET_TOO_LOW_RATIO,
        spend_rate_warn=warn if warn is not None else DEFAULT_SPEND_RATE_WARN,
        indicators=tuple(indicators),
        path=path,
        bundled=bundled,
        overshoot_ratio=overshoot if overshoot is not None else DEFAULT_OVERSHOOT_RATIO,
        lower_better_missed=lower_missed or LOWER_BETTER_MISSED[0],
    )


def _seq_line(raw: object, key: str) -> int | None:
    if isinstance(raw, _Map):
        return raw.line_of(key)
    return None


def _build_indicator(c: _Checker, item: dict, where: str, line: int | None, level1: list[Level],
                     level2: list[Level], find_level1, rules) -> IndicatorSpec | None:
    def key_line(key: str) -> int | None:
        return item.line_of(key) if isinstance(item, _Map) else line

    name = c.text(item, "name", where, required=True)
    aliases = c.texts(item, "aliases", where)
    parent_text = c.text(item, "level1", where, required=True)
    group_text = c.text(item, "level2", where)
    weight = c.number(item, "weight", where, positive=True)
    target = c.text(item, "target", where)
    direction = c.text(item, "direction", where) or "higher"
    fund_row = c.text(item, "fund_row", where)
    rule = c.text(item, "rule", where)
    content = c.text(item, "content", where)
    evidence = c.text(item, "evidence", where)
    ok = name is not None and parent_text is not None

    parent = None
    if parent_text is not None:
        parent = find_level1(parent_text)
        if parent is None:
            c.err(key_line("level1"), f"{where}的 level1",
                  f"一级指标 {_quote(parent_text)} 不在 level1 中（有：{'、'.join(lv.name for lv in level1) or '无'}）。")
            ok = False
    group = None
    if group_text is not None:
        key = level_key(group_text)
        match = next((lv for lv in level2 if key in lv.keys()), None)
        if match is None:
            names = "、".join(lv.name for lv in level2) or "无"
            c.err(key_line("level2"), f"{where}的 level2", f"二级指标 {_quote(group_text)} 不在 level2 中（有：{names}）。")
            ok = False
        elif parent is not None and match.level1 != parent:
            c.err(key_line("level2"), f"{where}的 level2",
                  f"二级指标「{match.name}」属于一级「{match.level1}」，与本指标的 level1「{parent}」不一致。")
            ok = False
        else:
            group = match.name
    if direction not in DIRECTIONS:
        c.err(key_line("direction"), f"{where}的 direction",
              f"只能是 higher（越高越好）或 lower（越低越好），现为 {_quote(direction)}。")
        ok = False
    if fund_row is not None and fund_row not in FUND_ROWS:
        choices = "、".join(f"{k}（{v}）" for k, v in FUND_ROW_ZH.items())
        c.err(key_line("fund_row"), f"{where}的 fund_row", f"只能是 {choices}，现为 {_quote(fund_row)}。")
        ok = False

    elements: list[str] = []
    element_aliases: list[tuple[str, ...]] = []
    raw_elements = item.get("elements")
    if raw_elements is not None:
        if not isinstance(raw_elements, list):
            c.err(key_line("elements"), f"{where}的 elements",
                  f"应为要素列表（每个要素一行，以“- ”开头），现为 {_quote(raw_elements)}。")
            ok = False
            raw_elements = []
        for j, element in enumerate(raw_elements, 1):
            ewhere = f"{where}的要素{j}"
            eline = getattr(element, "line", None) or key_line("elements")
            if isinstance(element, dict):
                if not c.mapping(element, eline, ewhere, _ELEMENT_KEYS):
                    ok = False
                    continue
                text = c.text(element, "text", ewhere, required=True)
                alts = c.texts(element, "aliases", ewhere)
            elif isinstance(element, (str, int, float)) and not isinstance(element, bool) \
                    and _scalar_text(element).strip():
                text, alts = _scalar_text(element).strip(), ()
            else:
                c.err(eline, ewhere, f"应为一段文字，或 {{text: …, aliases: […]}}，现为 {_quote(element)}。")
                ok = False
                continue
            if text is None:
                ok = False
                continue
            if any(name_key(text) == name_key(e) for e in elements):
                c.err(eline, ewhere, f"与前面的要素重复：{_quote(text)}。")
                ok = False
                continue
            elements.append(text)
            element_aliases.append(alts)

    parsed = None
    if rule is not None and rules is not None:
        try:
            parsed = rules.parse(rule)
        except rules.RuleUnparsed:
            c.err(key_line("rule"), f"{where}的 rule",
                  f"评分标准无法识别：“{rule}”。请改写成 docs/schemes.md 列出的写法之一，或删去 rule 按目标值评分。")
            ok = False
        if parsed is not None:
            top = parsed.max_element()
            if top is not None and top > len(elements):
                listed = f"只列了 {len(elements)} 个" if elements else "没有列出 elements"
                c.err(key_line("rule"), f"{where}的 rule",
                      f"评分标准提到要素{top}，但{listed}（elements 要按要素编号顺序列全）。")
                ok = False
    if not ok or name is None or parent is None:
        return None
    return IndicatorSpec(
        name=name,
        level1=parent,
        level2=group,
        aliases=aliases,
        weight=weight,
        target=target,
        direction=direction,
        fund_row=fund_row,
        elements=tuple(elements),
        element_aliases=tuple(element_aliases),
        rule=rule,
        content=content,
        evidence=evidence,
        parsed=parsed,
    )


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in SCHEME_DIR.glob("*.yaml"))


def load_file(path: str | Path) -> Scheme:
    """Load and validate a scheme file (a bureau's own, or a bundled one by path)."""
    path = Path(path)
    label = str(path)
    raw = _read_yaml(path, label)
    bundled = path.resolve().parent == SCHEME_DIR
    return _build(raw, label, path, bundled)


@lru_cache(maxsize=None)
def _load_bundled(scheme_id: str) -> Scheme:
    path = SCHEME_DIR / f"{scheme_id}.yaml"
    raw = _bundled_data(path)
    try:
        scheme = _build(raw, str(path), path, True) if raw is not None else None
    except SchemeError:
        scheme = None  # read the YAML itself: its problems are then reported with line numbers
    if scheme is None:
        scheme = load_file(path)
    if scheme.id != scheme_id:
        raise SchemeError(str(path), [f"id 为 {_quote(scheme.id)}，应与文件名 {scheme_id} 一致。"])
    return scheme


@lru_cache(maxsize=1)
def _bundled_json() -> dict:
    try:
        return json.loads(BUNDLED_JSON.read_bytes())
    except (OSError, ValueError):
        return {}


def _bundled_data(path: Path) -> Any:
    """The data of a bundled YAML file from :data:`BUNDLED_JSON`, or None when that was not made
    from this very file."""
    entry = _bundled_json().get(path.stem)
    try:
        current = _sha256(path)
    except OSError:
        return None
    return entry["data"] if isinstance(entry, dict) and entry.get("sha256") == current else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bundled_json_text() -> str:
    """The text of :data:`BUNDLED_JSON` for the bundled YAML files as they are now (make schemes).
    A file whose data JSON would change (a date, a number used as a key) is refused."""
    out = {}
    for scheme_id in bundled_ids():
        path = SCHEME_DIR / f"{scheme_id}.yaml"
        data = _read_yaml(path, str(path))
        if json.loads(json.dumps(data, ensure_ascii=False)) != data:
            raise SchemeError(str(path), ["含有 JSON 无法原样保存的值（日期、用数字作键等），请改写为文字。"])
        out[scheme_id] = {"sha256": _sha256(path), "data": data}
    # Keys in the YAML's order, as the YAML reader gives them.
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def load(id_or_path: str | Path) -> Scheme:
    """A bundled scheme by id (``municipal``), or a scheme file by path (``本局指标体系.yaml``)."""
    if isinstance(id_or_path, Path):
        return load_file(id_or_path)
    text = str(id_or_path).strip()
    if text in bundled_ids():
        return _load_bundled(text)
    looks_like_path = text.lower().endswith((".yaml", ".yml")) or "/" in text or "\\" in text
    if looks_like_path or Path(text).is_file():
        return load_file(text)
    ids = "、".join(bundled_ids())
    raise SchemeError(text, [f"没有这个指标体系。内置体系：{ids}；也可以给出体系文件（.yaml）的路径。"])


def available() -> list[Scheme]:
    """The bundled schemes, sorted by id."""
    return [_load_bundled(i) for i in bundled_ids()]


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


def match_counts(scheme: Scheme, level1_names: Iterable[object], indicator_names: Iterable[object]) -> tuple[int, int]:
    """(distinct 一级 of the scheme found among ``level1_names``, distinct indicators it knows)."""
    l1 = {lv.name for lv in (scheme.level1_named(n) for n in level1_names) if lv is not None}
    ind = {spec.name for spec in (scheme.indicator(n) for n in indicator_names) if spec is not None}
    return len(l1), len(ind)


def detect(level1_names: list[str], indicator_names: list[str],
           schemes: Iterable[Scheme] | None = None) -> Scheme | None:
    """The scheme whose 一级 names and indicators best match a workbook's, or None when none fits.

    Each candidate scores the share of its 一级 names the workbook uses plus the share of the
    workbook's indicators it knows; at least two matches in all are needed. ``schemes`` defaults
    to the bundled ones (pass a bureau's own to consider it too).
    """
    if schemes is None:  # the bundled schemes: a batch meets the same names in file after file
        return _detect_bundled(tuple(level1_names), tuple(indicator_names))
    return _detect(level1_names, indicator_names, list(schemes))


@lru_cache(maxsize=1024)
def _detect_bundled(level1_names: tuple[str, ...], indicator_names: tuple[str, ...]) -> Scheme | None:
    return _detect(list(level1_names), list(indicator_names), available())


def _detect(level1_names: list[str], indicator_names: list[str], candidates: list[Scheme]) -> Scheme | None:
    l1_names = [n for n in level1_names if name_key(n)]
    ind_names = list({name_key(n): n for n in indicator_names if name_key(n)}.values())
    best: tuple[float, int] | None = None
    best_scheme = None
    for scheme in candidates:
        n_l1, n_ind = match_counts(scheme, l1_names, ind_names)
        if n_l1 + n_ind < 2:
            continue
        score = n_l1 / max(len(scheme.level1), 1) + n_ind / max(len(ind_names), 1)
        rank = (score, n_l1 + n_ind)
        if best is None or rank > best:
            best, best_scheme = rank, scheme
    return best_scheme


# ---------------------------------------------------------------------------
# Lint
# ---------------------------------------------------------------------------

_PCT = r"(\d+(?:\.\d+)?)%"
_RANGE_PCT_RE = re.compile(r"具备要素(\d+)[~～\-—至到](\d+)得" + _PCT)
_ONE_PCT_RE = re.compile(r"具备要素(\d+)得" + _PCT)
_REST_PCT_RE = re.compile(r"其余要素每符合一项(?:得|增加)" + _PCT)
_EACH_PCT_RE = re.compile(r"具备(?:1|一)个(?:得分)?要素得" + _PCT)
_COUNT_RE = re.compile(r"业绩值为(\d+)得满分")
_POINTS_TAIL_RE = re.compile(r"[,，:：;；]?\(?\d+(?:\.\d+)?(?:[-—–~～]\d+(?:\.\d+)?)?分\)?[。.]?$")
_REVERSED_RE = re.compile(r"(?<![\d.%])(\d+(?:\.\d+)?)[-—–~～](\d+(?:\.\d+)?)分")


def checklist_full_percent(rule: str, count: int) -> float | None:
    """The % of the weight an element checklist gives when all ``count`` elements are met, read from
    the seeds' phrasings; None when the rule is not one of them."""
    text = norm(rule)
    share = [None] * count
    seen = False
    for m in _RANGE_PCT_RE.finditer(text):
        seen = True
        for k in range(int(m.group(1)), int(m.group(2)) + 1):
            if 1 <= k <= count:
                share[k - 1] = float(m.group(3))
    for m in _ONE_PCT_RE.finditer(text):
        seen = True
        k = int(m.group(1))
        if 1 <= k <= count:
            share[k - 1] = float(m.group(2))
    m = _REST_PCT_RE.search(text)
    if m:
        seen = True
        share = [s if s is not None else float(m.group(1)) for s in share]
    m = _EACH_PCT_RE.search(text)
    if m:
        seen = True
        share = [float(m.group(1))] * count
    if not seen:
        return None
    return sum(s or 0.0 for s in share)


def _full_percent(rule: Any, text: str, count: int) -> float | None:
    """All ``count`` elements met: the % of the weight the rule gives (before any cap)."""
    percent_for = getattr(rule, "percent_for", None)
    if rule is not None and getattr(rule, "kind", None) == "elements" and callable(percent_for):
        return sum(percent_for(k) for k in range(1, count + 1))
    if rule is not None:
        return None
    return checklist_full_percent(text, count)


def _count_full(rule: Any, text: str) -> int | None:
    """The number of elements a count rule (业绩值为3得满分…) needs for full marks."""
    if rule is not None:
        full = getattr(rule, "full", None) if getattr(rule, "kind", None) == "count" else None
        return int(full) if full is not None else None
    m = _COUNT_RE.search(norm(text))
    return int(m.group(1)) if m else None


def lint(scheme: Scheme) -> list[str]:
    """Suspicious things in a scheme, one Chinese line each (the scheme still loads)."""
    out: list[str] = []

    for spec in scheme.indicators:
        label = f"「{spec.name}」"
        rule = spec.parsed
        if rule is not None and spec.weight is not None:
            top = rule.top_points(spec.weight)
            if top is not None and abs(top - spec.weight) > _EPS:
                if top < spec.weight:
                    out.append(f"{label}权重 {_fmt(spec.weight)} 分，评分标准最高档只给 {_fmt(top)} 分，"
                               f"做得再好也拿不到满分：{spec.rule}")
                else:
                    out.append(f"{label}权重 {_fmt(spec.weight)} 分，评分标准最高档却给 {_fmt(top)} 分，"
                               f"超过权重（得分以权重为上限）：{spec.rule}")
        if spec.rule:
            n = len(spec.elements)
            kind = getattr(rule, "kind", None)
            if n:
                full = _full_percent(rule, spec.rule, n)
                if full is not None and abs(full - 100) > 0.01:
                    if full > 100:
                        out.append(f"{label}列出 {n} 个要素，全部具备时按评分标准得权重分的 {_fmt(full)}%，"
                                   f"超过 100%（得分以权重为上限）：{spec.rule}")
                    else:
                        out.append(f"{label}列出 {n} 个要素，全部具备时按评分标准也只得权重分的 {_fmt(full)}%，"
                                   f"拿不到满分：{spec.rule}")
                needed = _count_full(rule, spec.rule)
                if needed is not None and needed != n:
                    out.append(f"{label}评分标准按 {needed} 个要素计满分，elements 却列了 {n} 个。")
            elif kind in ("elements", "count"):
                out.append(f"{label}按要素计分，但没有列出 elements，复核时无法逐项比对要素。")
            for m in _REVERSED_RE.finditer(norm(spec.rule)):
                if float(m.group(1)) > float(m.group(2)):
                    out.append(f"{label}评分标准的分值区间写反了：“{m.group(0)}”。")
            conditions: dict[str, int] = {}
            for segment in re.split(r"[；;]", norm(spec.rule)):
                stripped = _POINTS_TAIL_RE.sub("", segment)
                if stripped == segment:
                    continue
                condition = re.split(r"[:：]", stripped)[-1]
                if len(condition) >= 2:
                    conditions[condition] = conditions.get(condition, 0) + 1
            for condition, times in conditions.items():
                if times > 1:
                    out.append(f"{label}评分标准有 {times} 档条件相同（“{condition}”），无法区分该给哪一档。")
        if spec.rule is None and spec.target is None:
            out.append(f"{label}既没有评分标准（rule）也没有目标值（target），只能按工作簿本行的内容评分。")
        if spec.weight is not None:
            parent = next((lv for lv in scheme.level1 if lv.name == spec.level1), None)
            group = next((lv for lv in scheme.level2 if lv.name == spec.level2), None) if spec.level2 else None
            cap = group if group is not None and group.weight is not None else parent
            if cap is not None and cap.weight is not None and spec.weight > cap.weight + _EPS:
                out.append(f"{label}权重 {_fmt(spec.weight)} 超过所属指标「{cap.name}」的权重 {_fmt(cap.weight)}。")

    # 三级 -> 二级
    for group in scheme.level2:
        members = [i for i in scheme.indicators if i.level2 == group.name]
        if not members and group.weight is not None:  # a 二级 without weight is a heading the project fills
            out.append(f"二级指标「{group.name}」下没有三级指标。")
            continue
        if group.weight is None or any(i.weight is None for i in members):
            continue
        total = sum(i.weight for i in members)
        if abs(total - group.weight) > _EPS:
            detail = " + ".join(f"{i.name} {_fmt(i.weight)}" for i in members)
            out.append(f"二级指标「{group.name}」权重 {_fmt(group.weight)}，其三级指标权重之和为 {_fmt(total)}（{detail}）。")
    # 二级 -> 一级
    for parent in scheme.level1:
        groups = scheme.level2_under(parent.name)
        if not groups:
            continue
        if all(g.weight is not None for g in groups) and parent.weight is not None:
            total = sum(g.weight for g in groups)
            if abs(total - parent.weight) > _EPS:
                detail = " + ".join(f"{g.name} {_fmt(g.weight)}" for g in groups)
                out.append(f"一级指标「{parent.name}」权重 {_fmt(parent.weight)}，其二级指标权重之和为 {_fmt(total)}（{detail}）。")
        loose = [i.name for i in scheme.indicators if i.level1 == parent.name and i.level2 is None]
        if loose:
            out.append(f"一级指标「{parent.name}」分了二级指标，但这些三级指标没有写 level2：{'、'.join(loose)}。")

    # qualitative bands
    b = scheme.qualitative_bands
    if not (b["achieved"][1] == 100 and b["achieved"][0] == b["partly"][1]
            and b["partly"][0] == b["not_achieved"][1] and b["not_achieved"][0] == 0):
        text = "，".join(f"{BAND_ZH[k]} {_fmt(b[k][0])}–{_fmt(b[k][1])}%" for k in BAND_KEYS)
        out.append(f"qualitative_bands 的三个区间没有首尾相接地覆盖 0–100%：{text}。")
    return out
