"""Suspicious things in a scheme that still loads: a top tier that misses or passes the weight, an
element checklist that cannot reach (or passes) 100%, a count rule and its element list that
disagree, tiers written reversed or twice, weights that do not add up within a group, bands that
leave a gap. Rules are read as the scoring reads them: from :func:`xlscore.score.rules.parse`'s result
(``IndicatorSpec.parsed``), never from their text again.
"""

from __future__ import annotations

from ...findings.tolerance import POINTS
from ..rules import CountRule, ElementsRule, Rule, TiersRule
from .model import BAND_KEYS, BAND_ZH, IndicatorSpec, Scheme, fmt


def lint(scheme: Scheme) -> list[str]:
    """Suspicious things in ``scheme``, one Chinese line each."""
    out: list[str] = []
    for spec in scheme.indicators:
        out += _indicator(scheme, spec)
    out += _group_weights(scheme)
    out += _bands(scheme)
    return out


def _indicator(scheme: Scheme, spec: IndicatorSpec) -> list[str]:
    out: list[str] = []
    label, rule = f"「{spec.name}」", spec.parsed
    if rule is not None and spec.rule:
        out += _top_tier(label, spec, rule)
        out += _elements(label, spec, rule)
        out += _tiers(label, rule)
    if spec.rule is None and spec.target is None:
        out.append(f"{label}既没有评分标准（rule）也没有目标值（target），只能按工作簿本行的内容评分。")
    if spec.weight is not None:
        parent = next((lv for lv in scheme.level1 if lv.name == spec.level1), None)
        group = next((lv for lv in scheme.level2 if lv.name == spec.level2), None) if spec.level2 else None
        cap = group if group is not None and group.weight is not None else parent
        if cap is not None and cap.weight is not None and spec.weight > cap.weight + POINTS:
            out.append(f"{label}权重 {fmt(spec.weight)} 超过所属指标「{cap.name}」的权重 {fmt(cap.weight)}。")
    return out


def _top_tier(label: str, spec: IndicatorSpec, rule: Rule) -> list[str]:
    if spec.weight is None:
        return []
    top = rule.top_points(spec.weight)
    if top is None or abs(top - spec.weight) <= POINTS:
        return []
    if top < spec.weight:
        return [f"{label}权重 {fmt(spec.weight)} 分，评分标准最高档只给 {fmt(top)} 分，做得再好也拿不到满分：{spec.rule}"]
    return [f"{label}权重 {fmt(spec.weight)} 分，评分标准最高档却给 {fmt(top)} 分，超过权重（得分以权重为上限）：{spec.rule}"]


def _elements(label: str, spec: IndicatorSpec, rule: Rule) -> list[str]:
    n = len(spec.elements)
    if not n:
        if isinstance(rule, (ElementsRule, CountRule)):
            return [f"{label}按要素计分，但没有列出 elements，复核时无法逐项比对要素。"]
        return []
    out = []
    if isinstance(rule, ElementsRule):
        full = sum(rule.percent_for(k) for k in range(1, n + 1))
        if full > 100 + 0.01:
            out.append(f"{label}列出 {n} 个要素，全部具备时按评分标准得权重分的 {fmt(full)}%，"
                       f"超过 100%（得分以权重为上限）：{spec.rule}")
        elif full < 100 - 0.01:
            out.append(f"{label}列出 {n} 个要素，全部具备时按评分标准也只得权重分的 {fmt(full)}%，拿不到满分：{spec.rule}")
    if isinstance(rule, CountRule) and rule.full != n:
        out.append(f"{label}评分标准按 {rule.full} 个要素计满分，elements 却列了 {n} 个。")
    return out


def _tiers(label: str, rule: Rule) -> list[str]:
    if not isinstance(rule, TiersRule):
        return []
    out = [f"{label}评分标准的分值区间写反了：“{tier.label}”。" for tier in rule.tiers if tier.reversed]
    same: dict[tuple, list[str]] = {}
    for tier in rule.tiers:
        condition = (tier.low, tier.high, tier.low_incl, tier.high_incl, tier.words)
        if condition != (None, None, True, False, ()):
            same.setdefault(condition, []).append(tier.label)
    for labels in same.values():
        if len(labels) > 1:
            shown = "”“".join(labels)
            out.append(f"{label}评分标准有 {len(labels)} 档条件相同（“{shown}”），无法区分该给哪一档。")
    return out


def _group_weights(scheme: Scheme) -> list[str]:
    out: list[str] = []
    for group in scheme.level2:  # 三级 -> 二级
        members = [i for i in scheme.indicators if i.level2 == group.name]
        if not members and group.weight is not None:  # a 二级 without weight is a heading the project fills
            out.append(f"二级指标「{group.name}」下没有三级指标。")
            continue
        if group.weight is None or any(i.weight is None for i in members):
            continue
        total = sum(i.weight for i in members)
        if abs(total - group.weight) > POINTS:
            detail = " + ".join(f"{i.name} {fmt(i.weight)}" for i in members)
            out.append(f"二级指标「{group.name}」权重 {fmt(group.weight)}，其三级指标权重之和为 {fmt(total)}（{detail}）。")
    for parent in scheme.level1:  # 二级 -> 一级
        groups = scheme.level2_under(parent.name)
        if not groups:
            continue
        if all(g.weight is not None for g in groups) and parent.weight is not None:
            total = sum(g.weight for g in groups)
            if abs(total - parent.weight) > POINTS:
                detail = " + ".join(f"{g.name} {fmt(g.weight)}" for g in groups)
                out.append(f"一级指标「{parent.name}」权重 {fmt(parent.weight)}，其二级指标权重之和为 {fmt(total)}（{detail}）。")
        loose = [i.name for i in scheme.indicators if i.level1 == parent.name and i.level2 is None]
        if loose:
            out.append(f"一级指标「{parent.name}」分了二级指标，但这些三级指标没有写 level2：{'、'.join(loose)}。")
    return out


def _bands(scheme: Scheme) -> list[str]:
    b = scheme.qualitative_bands
    if (b["achieved"][1] == 100 and b["achieved"][0] == b["partly"][1]
            and b["partly"][0] == b["not_achieved"][1] and b["not_achieved"][0] == 0):
        return []
    text = "，".join(f"{BAND_ZH[k]} {fmt(b[k][0])}–{fmt(b[k][1])}%" for k in BAND_KEYS)
    return [f"qualitative_bands 的三个区间没有首尾相接地覆盖 0–100%：{text}。"]
