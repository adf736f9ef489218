"""A scheme file's data checked and built into a :class:`~xlscore.score.scheme.model.Scheme`.

Two passes, every problem of both reported at once, each as one Chinese line with the file's line
number (:class:`SchemeError`):

1. **The shape** — keys, types, required keys, ranges, choices — is the JSON Schema
   ``xlscore/schema/scheme.schema.json``, checked by jsonschema. Its errors are put in Chinese
   here, by keyword, or by the message a key of the schema carries in ``x-messages``.
2. **What a shape cannot say**: the 一级 weights add up to 100, grades run from high to low down to 0,
   names refer to each other (an indicator's ``level1``, a 二级's), no two names or aliases clash,
   and every rule text is one :func:`xlscore.score.rules.parse` reads, naming only listed elements.

An item whose shape is wrong is left out of the second pass (its own problem is already said); an
unknown key alone does not leave it out.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator, validators

from ...findings.tolerance import POINTS
from ...read.textnum import norm
from .. import rules
from .model import (
    DEFAULT_BANDS,
    DEFAULT_OVERSHOOT_RATIO,
    DEFAULT_SPEND_RATE_WARN,
    DEFAULT_TARGET_TOO_LOW_RATIO,
    LOWER_BETTER_MISSED,
    Grade,
    IndicatorSpec,
    Level,
    Scheme,
    SchemeError,
    fmt,
    level_key,
    name_key,
)

SCHEMA_PATH = Path(str(resources.files("xlscore") / "schema" / "scheme.schema.json"))
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _is_number(value: object) -> bool:
    """A finite number, or a text that is one (``"10"``: a quoted weight is still a weight)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return isinstance(value, str) and _NUMBER_TEXT.fullmatch(norm(value)) is not None


def as_number(value: object) -> float | None:
    if not _is_number(value):
        return None
    return float(norm(value)) if isinstance(value, str) else float(value)


def _compare(keyword: str):
    """The schema's range keyword, applied to a number written as text too."""
    check = Draft202012Validator.VALIDATORS[keyword]

    def compare(validator, bound, instance, schema):
        yield from check(validator, bound, as_number(instance) if _is_number(instance) else instance, schema)
    return compare


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine("number", lambda _checker, value: _is_number(value))
_Validator = validators.extend(
    Draft202012Validator, type_checker=_TYPES,
    validators={k: _compare(k) for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")})
VALIDATOR = _Validator(SCHEMA)


def keys_of(path: tuple = ()) -> tuple[str, ...]:
    """The keys the schema allows at ``path`` (``()`` the top, ``("indicators",)`` an indicator)."""
    node = SCHEMA
    for step in path:
        node = node["properties"][step]
        node = node.get("items", node)
    return tuple(node["properties"])


# ---------------------------------------------------------------------------
# Pass 1: the shape, in Chinese
# ---------------------------------------------------------------------------

_TYPE_ZH = {"number": "应为数字", "string": "应为一段文字", "array": "应为列表（每项以“- ”开头）",
            "object": "应为“键: 值”的条目（如 {name: …, weight: …}）"}


def quote(value: object) -> str:
    text = scalar_text(value) if not isinstance(value, (dict, list)) else str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def scalar_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _line(raw: object, path: list) -> int | None:
    """The file's line of the value at ``path`` (the loader's maps and lists know their lines)."""
    line, node = getattr(raw, "line", None), raw
    for step in path:
        if isinstance(node, dict) and step in node:
            line = node.line_of(step) if hasattr(node, "line_of") else line
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            line = getattr(node[step], "line", None) or line
        else:
            break
        node = node[step]
    return line or None


def where(raw: object, path: list) -> str:
    """``indicators 第 3 项「预算执行率」的 weight``, ``indicators 第 1 项的要素2``, ``title``."""
    said, node = "", raw
    for step in path:
        if isinstance(step, int) and said.endswith("elements"):
            said = said[: -len("elements")].rstrip(" 的") + f"的要素{step + 1}"
        elif isinstance(step, int):
            name = node[step].get("name") if isinstance(node[step], dict) else None
            said += f" 第 {step + 1} 项" + (f"「{scalar_text(name).strip()}」" if _is_text(name) else "")
        else:
            said += step if not said else (" 的 " if said[-1].isascii() else "的 ") + step
        node = node[step] if isinstance(node, (dict, list)) else None
    return said or "文件顶层"


def _is_text(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and bool(scalar_text(value).strip())


def _message(error) -> str:
    keyword = error.validator
    value = fmt(as_number(error.instance)) if _is_number(error.instance) else quote(error.instance)
    own = error.schema.get("x-messages", {}).get(keyword)
    if own:
        return own.format(value=value)
    if keyword == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = next((t for t in types if t != "null"), "string")
        return f"{_TYPE_ZH.get(wanted, '类型不对')}，现为 {value}。"
    if keyword == "pattern":
        return "不能为空。"
    if keyword == "exclusiveMinimum":
        return f"应大于 {fmt(error.validator_value)}，现为 {value}。"
    if keyword in ("minimum", "maximum"):
        return f"应在 {fmt(error.schema.get('minimum'))} 到 {fmt(error.schema.get('maximum'))} 之间，现为 {value}。"
    if keyword == "minItems":
        return "不能为空列表。"
    if keyword == "enum":
        return f"只能是 {'、'.join(str(v) for v in error.validator_value if v is not None)}，现为 {value}。"
    return f"不符合要求（{error.message}）。"


def shape_problems(raw: object) -> tuple[list[tuple[int | None, str]], set[tuple]]:
    """The shape's problems as (line, Chinese line), and the paths of the values found wrong
    (unknown keys not counted: the item is still usable)."""
    problems: list[tuple[int | None, str]] = []
    wrong: set[tuple] = set()
    for error in VALIDATOR.iter_errors(raw):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = tuple(error.schema.get("properties", ()))
            for key in error.instance:
                if key not in allowed:
                    hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                    extra = f"（是不是 {hint[0]}？）" if hint else ""
                    problems.append((_line(raw, [*path, key]),
                                     f"{where(raw, path)}：不认识的键 {key}{extra}；可用的键：{'、'.join(allowed)}。"))
            continue
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            for key in missing:
                problems.append((_line(raw, path), f"{where(raw, path)}：缺少必填的键 {key}。"))
        else:
            problems.append((_line(raw, path), f"{where(raw, path)}：{_message(error)}"))
        wrong.add(tuple(path))
    return problems, wrong


# ---------------------------------------------------------------------------
# Pass 2: the meaning
# ---------------------------------------------------------------------------


class _Builder:
    """Builds the Scheme from data of the right shape, collecting what does not make sense."""

    def __init__(self, raw: dict, wrong: set[tuple]):
        self.raw = raw
        self.wrong = wrong
        self.problems: list[tuple[int | None, str]] = []

    def err(self, path: list, message: str) -> None:
        self.problems.append((_line(self.raw, path), f"{where(self.raw, path)}：{message}"))

    def bad(self, path: tuple) -> bool:
        """Something at or under ``path`` has the wrong shape."""
        return any(w[: len(path)] == path for w in self.wrong)

    def items(self, key: str) -> list[tuple[int, dict, bool]]:
        """(index, item, whether its shape is right) of each item of the list ``key``."""
        value = self.raw.get(key)
        if not isinstance(value, list):
            return []
        return [(i, item, not self.bad((key, i))) for i, item in enumerate(value) if isinstance(item, dict)]

    def value(self, key: str, default=None):
        return default if self.bad((key,)) or self.raw.get(key) is None else self.raw[key]


def text(item: dict, key: str) -> str | None:
    value = item.get(key)
    return scalar_text(value).strip() or None if value is not None else None


def texts(item: dict, key: str) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    return tuple(scalar_text(v).strip() for v in ([value] if isinstance(value, str) else value))


def build(raw: object, label: str, path: Path | None, bundled: bool) -> Scheme:
    """The Scheme of ``raw`` (the loaded file's data), or SchemeError with every problem."""
    if raw is None:
        raise SchemeError(label, ["文件是空的。"])
    if not isinstance(raw, dict):
        raise SchemeError(label, ["文件顶层应为“键: 值”的条目（id、title、level1、grades、indicators …）。"])
    problems, wrong = shape_problems(raw)
    b = _Builder(raw, wrong)
    level1 = _level1(b)
    level2 = _level2(b, level1)
    grades = _grades(b)
    bands = _bands(b)
    indicators = _indicators(b, level1, level2)
    problems = sorted(problems + b.problems, key=lambda p: p[0] or 0)
    if problems:
        raise SchemeError(label, [f"第 {line} 行，{text}" if line else text for line, text in problems])
    return Scheme(
        id=text(raw, "id") or "",
        title=text(raw, "title") or "",
        source=text(raw, "source"),
        level1=tuple(level1),
        level2=tuple(level2),
        grades=tuple(grades),
        qualitative_bands=bands,
        target_too_low_ratio=as_number(b.value("target_too_low_ratio", DEFAULT_TARGET_TOO_LOW_RATIO)),
        spend_rate_warn=as_number(b.value("spend_rate_warn", DEFAULT_SPEND_RATE_WARN)),
        indicators=tuple(indicators),
        path=path,
        bundled=bundled,
        overshoot_ratio=as_number(b.value("overshoot_ratio", DEFAULT_OVERSHOOT_RATIO)),
        lower_better_missed=b.value("lower_better_missed", LOWER_BETTER_MISSED[0]),
    )


def _find(levels: list[Level], name: str) -> Level | None:
    key = level_key(name)
    return next((lv for lv in levels if key in lv.keys()), None)


def _level1(b: _Builder) -> list[Level]:
    level1: list[Level] = []
    items = b.items("level1")
    for i, item, right in items:
        if not right:
            continue
        name = text(item, "name")
        if _find(level1, name) is not None:
            b.err(["level1", i], f"一级指标 {quote(name)} 重复。")
            continue
        level1.append(Level(name, as_number(item["weight"]), None, texts(item, "aliases")))
    if level1 and len(level1) == len(b.raw["level1"]):
        total = sum(lv.weight for lv in level1)
        if abs(total - 100) > POINTS:
            detail = " + ".join(f"{lv.name} {fmt(lv.weight)}" for lv in level1)
            b.err(["level1"], f"一级指标权重之和应为 100，现为 {fmt(total)}（{detail}）。")
    return level1


def _level2(b: _Builder, level1: list[Level]) -> list[Level]:
    level2: list[Level] = []
    for i, item, right in b.items("level2"):
        parent = _parent(b, ["level2", i, "level1"], item, level1)
        if not right or parent is None:
            continue
        name = text(item, "name")
        if _find(level2, name) is not None:
            b.err(["level2", i], f"二级指标 {quote(name)} 重复。")
            continue
        level2.append(Level(name, as_number(item.get("weight")), parent.name, texts(item, "aliases")))
    return level2


def _parent(b: _Builder, at: list, item: dict, level1: list[Level]) -> Level | None:
    """The 一级 that ``item``'s ``level1`` names (a problem said when it names none)."""
    if b.bad(tuple(at)) or text(item, "level1") is None:
        return None
    found = _find(level1, text(item, "level1"))
    if found is None:
        b.err(at, f"一级指标 {quote(text(item, 'level1'))} 不在 level1 中（有：{'、'.join(lv.name for lv in level1) or '无'}）。")
    return found


def _grades(b: _Builder) -> list[Grade]:
    grades: list[Grade] = []
    items = b.items("grades")
    for i, item, right in items:
        if not right:
            continue
        name, low = text(item, "name"), as_number(item["min"])
        if any(norm(name) == norm(g.name) for g in grades):
            b.err(["grades", i], f"等级 {quote(name)} 重复。")
            continue
        if grades and low >= grades[-1].min:
            b.err(["grades", i, "min"], f"等级要从高到低排列，min 应小于上一档 {grades[-1].name} 的 "
                                        f"{fmt(grades[-1].min)}，现为 {fmt(low)}。")
            continue
        grades.append(Grade(name, low, texts(item, "aliases")))
    if grades and len(grades) == len(b.raw["grades"]) and grades[-1].min != 0:
        b.err(["grades"], f"最低一档的 min 应为 0（任何总分都要有等级），现为 {grades[-1].name} {fmt(grades[-1].min)}。")
    return grades


def _bands(b: _Builder) -> dict[str, tuple[float, float]]:
    bands = dict(DEFAULT_BANDS)
    given = b.value("qualitative_bands") or {}
    for key, pair in given.items():
        low, high = (as_number(v) for v in pair)
        if not 0 <= low < high <= 100:
            b.err(["qualitative_bands", key],
                  f"区间应满足 0 ≤ 下限 < 上限 ≤ 100（权重的百分比），现为 [{fmt(low)}, {fmt(high)}]。")
            continue
        bands[key] = (low, high)
    return bands


def _indicators(b: _Builder, level1: list[Level], level2: list[Level]) -> list[IndicatorSpec]:
    indicators: list[IndicatorSpec] = []
    owner: dict[str, str] = {}
    for i, item, right in b.items("indicators"):
        spec = _indicator(b, ["indicators", i], item, level1, level2)
        if spec is None or not right:
            continue
        clash = [key for key in spec.keys() if key in owner and owner[key] != spec.name]
        for key in clash:
            b.err(["indicators", i], f"名称或别名 {quote(key)} 与指标「{owner[key]}」重复，无法区分。")
        if clash:
            continue
        owner.update({key: spec.name for key in spec.keys()})
        indicators.append(spec)
    return indicators


def _indicator(b: _Builder, at: list, item: dict, level1: list[Level], level2: list[Level]) -> IndicatorSpec | None:
    """The indicator ``item`` (None when any of it is wrong: every part that can be checked is)."""
    parent = _parent(b, [*at, "level1"], item, level1)
    ok = parent is not None
    group = None
    if text(item, "level2") is not None and not b.bad((*at, "level2")):
        group = _find(level2, text(item, "level2"))
        if group is None:
            b.err([*at, "level2"], f"二级指标 {quote(text(item, 'level2'))} 不在 level2 中"
                                   f"（有：{'、'.join(lv.name for lv in level2) or '无'}）。")
            ok = False
        elif parent is not None and group.level1 != parent.name:
            b.err([*at, "level2"], f"二级指标「{group.name}」属于一级「{group.level1}」，"
                                   f"与本指标的 level1「{parent.name}」不一致。")
            ok = False

    elements: list[str] = []
    element_aliases: list[tuple[str, ...]] = []
    listed = item.get("elements") if not b.bad((*at, "elements")) else None
    for j, element in enumerate(listed or ()):
        wording = text(element, "text") if isinstance(element, dict) else scalar_text(element).strip()
        if any(name_key(wording) == name_key(e) for e in elements):
            b.err([*at, "elements", j], f"与前面的要素重复：{quote(wording)}。")
            ok = False
            continue
        elements.append(wording)
        element_aliases.append(texts(element, "aliases") if isinstance(element, dict) else ())

    rule, parsed = text(item, "rule"), None
    if rule is not None and not b.bad((*at, "rule")):
        try:
            parsed = rules.parse(rule)
        except rules.RuleUnparsed:
            b.err([*at, "rule"], f"评分标准无法识别：“{rule}”。请改写成 docs/schemes.md 列出的写法之一，"
                                 "或删去 rule 按目标值评分。")
            ok = False
        if parsed is not None and (parsed.max_element() or 0) > len(elements) and not b.bad((*at, "elements")):
            have = f"只列了 {len(elements)} 个" if elements else "没有列出 elements"
            b.err([*at, "rule"], f"评分标准提到要素{parsed.max_element()}，但{have}（elements 要按要素编号顺序列全）。")
            ok = False
    if not ok:
        return None
    return IndicatorSpec(
        name=text(item, "name"),
        level1=parent.name,
        level2=group.name if group is not None else None,
        aliases=texts(item, "aliases"),
        weight=as_number(item.get("weight")),
        target=text(item, "target"),
        direction=item.get("direction") or "higher",
        fund_row=item.get("fund_row"),
        elements=tuple(elements),
        element_aliases=tuple(element_aliases),
        rule=rule,
        content=text(item, "content"),
        evidence=text(item, "evidence"),
        parsed=parsed,
    )
