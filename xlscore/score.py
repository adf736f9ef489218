"""Score one indicator row by its rule: the review score (复核得分) and one sentence why (复核说明).

A review score always lies in [0, weight]. What cannot be decided from the workbook is never
guessed: an unreadable rule is RULE_UNPARSED, wording that needs judgement is MANUAL_REVIEW with
the band a reviewer picks from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import elements as elements_mod
from .measure import Measure, parse_measure
from .rules import CountRule, ElementsRule, LinearRule, Rule, RuleUnparsed, Tier, TiersRule, parse
from .scoresheet import IndicatorRow
from .weights import r2
from .textnum import norm

# 财预〔2020〕10号: 达成年度指标 80–100%, 部分达成并具有一定效果 60–80%, 未达成且效果较差 0–60%.
DEFAULT_BANDS = {"achieved": (80.0, 100.0), "partly": (60.0, 80.0), "not_achieved": (0.0, 60.0)}
BAND_ZH = {"achieved": "达成", "partly": "部分达成", "not_achieved": "未达成"}
WEAK_PARTLY = ("基本", "部分", "较", "一般", "有待", "尚", "初步")
WEAK_NOT = ("未", "不", "无", "没有", "差", "滞后", "延迟", "下滑")
STRONG = ("显著", "明显", "大幅", "全面", "持续", "进一步", "完全", "非常", "很", "均", "全部", "按时", "已")
TOLERANCE = 0.005
# Indicators that are the fund table's rates in every scheme (a scheme may tie others).
FUND_ROW_BY_NAME = {"预算执行率": "execution_rate", "资金到位率": "arrival_rate", "资金实际支出率": "spend_rate",
                    "资金支出率": "spend_rate"}


@dataclass(slots=True)
class Scored:
    """The review score of one indicator and how it was reached."""

    review: float | None
    note: str
    rule: Rule | None = None
    review_actual: str | None = None
    manual: tuple[float, float] | None = None  # band in points when a reviewer must judge
    clamped: bool = False
    unparsed: str | None = None
    fund_conflict: tuple[float, float] | None = None  # (stated actual, fund figure)
    too_low: float | None = None  # actual / target when far above the target
    missing_actual: bool = False
    extra: list = field(default_factory=list)


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _cap(weight: float, value: float) -> float:
    return r2(min(max(value, 0.0), weight))


def score_row(row: IndicatorRow, spec, scheme, fund: dict | None) -> Scored:
    """Score ``row``; ``spec`` is the scheme's IndicatorSpec for it (or None), ``fund`` the
    reconciled fund figures (report['fund'])."""
    weight = row.weight.value
    if weight is None:
        return Scored(None, "未填写权重，无法评分")
    rule_text = getattr(spec, "rule", None) or row.rule
    try:
        rule = parse(rule_text)
    except RuleUnparsed as exc:
        return Scored(None, f"评分标准无法识别，需人工评分：“{exc.text}”", unparsed=exc.text)
    actual = row.actual
    conflict = None
    fund_row = getattr(spec, "fund_row", None) or FUND_ROW_BY_NAME.get(norm(row.name))
    if fund_row and fund:
        figure = (fund.get(fund_row) or {}).get("total")
        if figure is not None:
            if actual.number is not None and actual.percent and abs(actual.number - figure) > 0.01 + TOLERANCE:
                conflict = (actual.number, figure)
            actual = Measure(_pct(figure), figure, True)
    if isinstance(rule, LinearRule):
        result = _linear(rule, actual, weight)
    elif isinstance(rule, CountRule):
        result = _count(rule, row, spec, actual, weight)
    elif isinstance(rule, ElementsRule):
        result = _elements(rule, row, spec, weight)
    elif isinstance(rule, TiersRule):
        result = _tiers(rule, actual, row, weight)
    else:
        result = _target(row, spec, scheme, actual, weight)
    result.rule = rule
    if conflict is not None:
        result.fund_conflict = conflict
        result.note = f"按资金表重新计算的业绩值 {_pct(conflict[1])}（表中填 {_pct(conflict[0])}）；" + result.note
    if result.review is not None:
        result.review = _cap(weight, result.review)
    return result


def _linear(rule: LinearRule, actual: Measure, weight: float) -> Scored:
    if actual.number is None:
        return _no_number(actual, weight, "比率")
    value = actual.number if actual.percent or actual.number > 1.5 else actual.number * 100
    score = weight * rule.fraction(value)
    if value > rule.full:
        note = f"业绩值 {_pct(value)} 超过 {rule.full:g}%，得满分 {weight:g}（以权重为上限）"
    elif value >= rule.full:
        note = f"业绩值 {_pct(value)}，得满分"
    else:
        note = (f"业绩值 {_pct(value)}，比 {rule.full:g}% 低 {rule.full - value:.2f} 个百分点，"
                f"按每降低 {rule.step:g}% 扣权重分的 {rule.deduct:g}%，得 {r2(score):g} 分")
    return Scored(r2(score), note, review_actual=_pct(value))


def _no_number(actual: Measure, weight: float, what: str) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    return Scored(None, f"业绩值“{actual.text}”不是{what}，评分标准无法套用，需人工评分",
                  manual=(0.0, weight))


def _met_elements(row: IndicatorRow, spec) -> tuple[set[int], int, list[str], list[str]]:
    """(met element numbers, element count, element texts, unmatched items)."""
    element_list = list(getattr(spec, "elements", None) or [])
    if element_list:
        texts = getattr(spec, "element_texts", None)
        wordings = [texts(i + 1) for i in range(len(element_list))] if texts else element_list
        met, unmatched = elements_mod.match(wordings, row.actual.text)
        return met, len(element_list), element_list, unmatched
    items = elements_mod.split_items(row.actual.text)
    return set(range(1, len(items) + 1)), len(items), items, []


def _missing_note(met: set[int], texts: list[str]) -> str:
    missing = [f"要素{i}“{elements_mod.short(texts[i - 1])}”" for i in range(1, len(texts) + 1) if i not in met]
    return "；缺" + "、".join(missing) if missing else ""


def _count(rule: CountRule, row: IndicatorRow, spec, actual: Measure, weight: float) -> Scored:
    if actual.number is not None and not actual.percent and not getattr(spec, "elements", None):
        count = actual.number
        note_items = ""
    else:
        if row.actual.blank:
            return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
        met, total, texts, _ = _met_elements(row, spec)
        count = len(met)
        note_items = _missing_note(met, texts) if getattr(spec, "elements", None) else ""
    score = weight * rule.fraction(count)
    deduct = "1/3" if abs(rule.deduct - 1 / 3) < 1e-6 else f"{rule.deduct * 100:g}%"
    if count >= rule.full:
        note = f"具备 {count:g} 项，达到 {rule.full} 项，得满分"
    else:
        note = f"具备 {count:g} 项，少于 {rule.full} 项，每少 1 项扣权重分的 {deduct}，得 {r2(score):g} 分"
    return Scored(r2(score), note + note_items, review_actual=f"{count:g}")


def _elements(rule: ElementsRule, row: IndicatorRow, spec, weight: float) -> Scored:
    if row.actual.blank:
        return Scored(0.0, "未填写业绩值（具备的要素），不得分", missing_actual=True)
    has_list = bool(getattr(spec, "elements", None))
    met, total, texts, unmatched = _met_elements(row, spec)
    if not has_list and (rule.weights or rule.veto) and len(met) < (rule.max_element() or 0):
        return Scored(None, f"列出 {len(met)} 项，但本指标没有要素清单，无法判断缺少哪一项，需人工评分",
                      manual=(0.0, weight))
    vetoed = [v for v in rule.veto if v not in met]
    percent = sum(rule.percent_for(e) for e in met)
    score = 0.0 if vetoed else weight * min(1.0, percent / 100.0)
    listed = "、".join(str(e) for e in sorted(met)) or "无"
    if vetoed:
        note = f"缺要素{'、'.join(str(v) for v in vetoed)}，按标准本指标不得分"
    elif percent >= 100:
        note = f"具备要素{listed}，合计 {min(percent, 100):g}% 权重分，得满分" + (
            f"（按要素计 {percent:g}%，以权重为上限）" if percent > 100 + 1e-9 else "")
    else:
        note = f"具备要素{listed}，合计 {percent:g}% 权重分，得 {r2(score):g} 分"
    if has_list:
        note += _missing_note(met, texts)
    if unmatched:
        note += f"；未能对应到要素的内容：{'；'.join(elements_mod.short(u) for u in unmatched)}"
    return Scored(r2(score), note, review_actual=f"{len(met)}/{total}")


def _tier_for(rule: TiersRule, actual: Measure, row: IndicatorRow) -> Tier | None:
    if actual.number is not None:
        value = actual.number
        if rule.percent and not actual.percent and value <= 1.5:
            value *= 100
        for tier in rule.tiers:
            if tier.numeric() and tier.contains(value):
                return tier
    words = actual.words
    if not words:
        return None
    levels = {"好": ("好", "优", "优秀", "完善", "健全"), "中": ("中", "良", "一般", "较好", "基本"), "差": ("差", "无", "未", "缺失")}
    for tier in rule.tiers:
        if tier.words and len(tier.words) == 1 and tier.words[0] in levels:
            if any(words == w or words.startswith(w) for w in levels[tier.words[0]]):
                return tier
    best, best_score = None, 0.0
    for tier in rule.tiers:
        for word in tier.words:
            key = norm(word)
            if not key or key == "否则":
                continue
            if key == words:
                score = 2.0
            elif key in words or words in key:
                longer, shorter = (key, words) if words in key else (words, key)
                extra = longer.replace(shorter, "", 1)
                negated = any(extra.endswith(w) or extra.startswith(w) for w in (*WEAK_NOT, *WEAK_PARTLY))
                score = 0.0 if negated else 1.0 + len(shorter) / 1000
            else:
                score = elements_mod.similarity(key, words)
            if score > best_score:
                best, best_score = tier, score
    if best is not None and best_score >= 0.6:
        return best
    for tier in rule.tiers:
        if tier.words == ("否则",):
            return tier
    return None


def _tiers(rule: TiersRule, actual: Measure, row: IndicatorRow, weight: float) -> Scored:
    self_score = row.self_score.value
    tier = _tier_for(rule, actual, row)
    top = rule.top_points(weight)
    if tier is None:
        bands = "；".join(_band_text(t, weight) for t in rule.tiers)
        keep = self_score if self_score is not None else None
        return Scored(keep, f"业绩值“{actual.text or '空'}”无法对应到评分档次，需人工评分（{bands}）",
                      manual=(0.0, min(top, weight)), review_actual=actual.text or None)
    low, high = tier.band(weight)
    cap_note = f"，以权重 {weight:g} 为上限" if high > weight + TOLERANCE else ""
    if tier.discretion:
        if self_score is not None and self_score < high - TOLERANCE:
            return Scored(self_score, f"属于“{_short(tier.label)}”档，酌情扣分，自评 {self_score:g} 分保留，请复核人确认",
                          manual=(0.0, high), review_actual=actual.text or None)
        return Scored(None, f"属于“{_short(tier.label)}”档，应酌情扣分（低于满分 {high:g}），需人工评分",
                      manual=(0.0, high), review_actual=actual.text or None)
    if abs(high - low) < 1e-9:
        return Scored(low, f"属于“{_short(tier.label)}”档，得 {low:g} 分{cap_note}", review_actual=actual.text or None)
    if self_score is not None and low - TOLERANCE <= self_score <= high + TOLERANCE:
        return Scored(self_score, f"属于“{_short(tier.label)}”档（{low:g}–{high:g} 分），自评 {self_score:g} 分在档内{cap_note}",
                      review_actual=actual.text or None)
    edge = low if self_score is None or self_score < low else high
    why = "未填自评分" if self_score is None else f"自评 {self_score:g} 分不在档内"
    return Scored(edge, f"属于“{_short(tier.label)}”档（{low:g}–{high:g} 分），{why}，取档内最近值 {edge:g} 分{cap_note}",
                  clamped=True, review_actual=actual.text or None)


def _band_text(tier: Tier, weight: float) -> str:
    low, high = tier.band(weight)
    points = f"{low:g}分" if abs(low - high) < 1e-9 else f"{low:g}–{high:g}分"
    return f"{_short(tier.label, 14)}：{points}"


def _short(text: str, limit: int = 20) -> str:
    flat = text.strip(";；,，。 ")
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _direction(row: IndicatorRow, spec, target: Measure) -> str:
    if target.op in ("≤", "<"):
        return "lower"
    direction = getattr(spec, "direction", None)
    if direction in ("higher", "lower"):
        return direction
    name = norm(row.name)
    if any(word in name for word in ("下降", "降低", "减少", "投诉率", "差错率", "事故")):
        return "lower"
    return "higher"


def _target(row: IndicatorRow, spec, scheme, actual: Measure, weight: float) -> Scored:
    target = row.target
    fixed = getattr(spec, "target", None)
    if target.blank and fixed:
        target = parse_measure(fixed)
    if target.number is not None:
        return _quantitative(row, spec, scheme, target, actual, weight)
    if target.blank:
        if actual.blank:
            return Scored(0.0, "未填写目标值和业绩值，不得分", missing_actual=True)
        return Scored(None, "未填写目标值，也没有评分标准，需人工评分", manual=(0.0, weight))
    return _qualitative(row, scheme, target, actual, weight)


def _quantitative(row, spec, scheme, target: Measure, actual: Measure, weight: float) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    if actual.number is None:
        return Scored(None, f"目标值为数量“{target.text}”，业绩值“{actual.text}”不是数量，需人工评分",
                      manual=(0.0, weight))
    t, a = target.number, actual.number
    if target.percent and not actual.percent and a <= 1.5:
        a *= 100
    if actual.percent and not target.percent and t <= 1.5:
        t *= 100
    direction = _direction(row, spec, target)
    shown = f"业绩值 {actual.text}，目标 {target.text}"
    ratio_limit = getattr(scheme, "target_too_low_ratio", None) or 1.5
    too_low = None
    if direction == "higher":
        met = a >= t - 1e-9 if target.op != ">" else a > t
        if t > 0 and a / t > ratio_limit:
            too_low = a / t
        if met:
            return Scored(weight, f"{shown}，已完成，得满分", review_actual=actual.text, too_low=too_low)
        score = weight * (a / t) if t > 0 else 0.0
        return Scored(r2(score), f"{shown}，未完成，按 业绩值÷目标值 = {a / t * 100 if t else 0:.2f}% 计得 {r2(score):g} 分",
                      review_actual=actual.text)
    met = a <= t + 1e-9 if target.op != "<" else a < t
    if met:
        return Scored(weight, f"{shown}（越低越好），已完成，得满分", review_actual=actual.text)
    score = weight * (t / a) if a > 0 else 0.0
    return Scored(r2(score), f"{shown}（越低越好），未完成，按 目标值÷业绩值 = {t / a * 100:.2f}% 计得 {r2(score):g} 分",
                  review_actual=actual.text)


def _qualitative(row, scheme, target: Measure, actual: Measure, weight: float) -> Scored:
    bands = getattr(scheme, "qualitative_bands", None) or DEFAULT_BANDS
    t, a = target.words, actual.words
    if not a:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    weak_not = any(a.startswith(w) or (w + t) in a for w in WEAK_NOT)
    weak_partly = any(a.startswith(w) or (w + t) in a for w in WEAK_PARTLY)
    if a == t or (t in a and not weak_not and not weak_partly) or (
        a in ("达成", "已达成", "完成", "已完成", "达到", "实现", "已实现") and not weak_not):
        return Scored(weight, f"业绩值“{actual.text}”达到目标“{target.text}”，得满分", review_actual=actual.text)
    if weak_not:
        band = "not_achieved"
    elif weak_partly:
        band = "partly"
    else:
        band = None
    self_score = row.self_score.value
    if band is None:
        low, high = 0.0, weight
        keep = self_score
        bands_text = "；".join(f"{BAND_ZH[k]} {v[0]:g}–{v[1]:g}%" for k, v in bands.items())
        return Scored(keep, f"业绩值“{actual.text}”与目标“{target.text}”不同，需复核人按档次评分（{bands_text}）",
                      manual=(low, high), review_actual=actual.text)
    lo_pct, hi_pct = bands[band]
    low, high = r2(weight * lo_pct / 100), r2(weight * hi_pct / 100)
    text = f"业绩值“{actual.text}”对目标“{target.text}”属{BAND_ZH[band]}（{lo_pct:g}–{hi_pct:g}% 权重，即 {low:g}–{high:g} 分）"
    if self_score is not None and low - TOLERANCE <= self_score <= high + TOLERANCE:
        return Scored(self_score, f"{text}，自评 {self_score:g} 分在档内，请复核人确认", manual=(low, high),
                      review_actual=actual.text)
    edge = high if self_score is None or self_score > high else low
    why = "未填自评分" if self_score is None else f"自评 {self_score:g} 分不在档内"
    return Scored(edge, f"{text}，{why}，取档内最近值 {edge:g} 分", manual=(low, high), clamped=True,
                  review_actual=actual.text)
