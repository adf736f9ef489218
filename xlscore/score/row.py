"""Score one indicator row by its rule: the review score (复核得分) and one sentence why (复核说明).

A review score always lies in [0, weight]. What cannot be decided from the workbook is never
guessed: an unreadable rule is RULE_UNPARSED, wording that needs judgement is MANUAL_REVIEW with
the band a reviewer picks from; a rule understood whose actual cannot be placed is MANUAL_REVIEW
with no review score — the department's own score is never passed off as the review.

Direction (higher or lower is better) is read from the target as written: ≥ 不低于 达到 以上 … is
higher-is-better, ≤ 不高于 控制在 以内 … lower-is-better, whatever words the indicator's name holds.
Only a target with no such word leaves it to the scheme's indicator, then to the name (下降, 降低,
投诉率 …), and the review note then says the name decided. A lower-is-better indicator missed scores
by the scheme's ``lower_better_missed`` setting (target ÷ actual × weight by default).

Over-achievement is measured one way for every rule family: actual ÷ target, for a higher-is-better
numeric target. At ``overshoot_ratio`` (1.3) or more it is OVERSHOOT_UNEXPLAINED where the form has a
偏差原因 column and it is empty (as DEVIATION_MISSING: a form with no such column has nowhere to say
it); at ``target_too_low_ratio`` (1.5) or more, TARGET_TOO_LOW.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings.tolerance import FLOAT, POINTS, PRINTED_RATE
from ..read.textnum import norm
from ..tables.measure import Measure, parse_measure
from ..tables.scoresheet import IndicatorRow
from ..tables.weights import r2
from . import elements as elements_mod
from .rules import (
    ConditionRule,
    CountRule,
    DeductionRule,
    ElementsRule,
    LinearRule,
    ProportionalRule,
    Rule,
    RuleUnparsed,
    TargetMetRule,
    Tier,
    TiersRule,
    parse,
)

# 财预〔2020〕10号: 达成年度指标 80–100%, 部分达成并具有一定效果 60–80%, 未达成且效果较差 0–60%.
DEFAULT_BANDS = {"achieved": (80.0, 100.0), "partly": (60.0, 80.0), "not_achieved": (0.0, 60.0)}
BAND_ZH = {"achieved": "达成", "partly": "部分达成", "not_achieved": "未达成"}
WEAK_PARTLY = ("基本", "部分", "较", "一般", "有待", "尚", "初步")
WEAK_NOT = ("未", "不", "无", "没有", "差", "滞后", "延迟", "下滑")
STRONG = ("显著", "明显", "大幅", "全面", "持续", "进一步", "完全", "非常", "很", "均", "全部", "按时", "已")
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
    overshoot: float | None = None  # actual / target when at the scheme's overshoot_ratio (1.3) or more
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
        if exc.why and exc.why != "无法识别的评分标准":
            return Scored(None, f"{exc.why}：“{exc.text}”", unparsed=exc.text)  # a text refused knowingly
        return Scored(None, f"评分标准无法识别，需人工评分：“{exc.text}”", unparsed=exc.text)
    actual = row.actual
    conflict = None
    fund_row = getattr(spec, "fund_row", None) or FUND_ROW_BY_NAME.get(norm(row.name))
    if fund_row and fund:
        figure = (fund.get(fund_row) or {}).get("total")
        if figure is not None:
            if actual.number is not None and actual.percent and abs(actual.number - figure) > PRINTED_RATE + POINTS:
                conflict = (actual.number, figure)
            actual = Measure(_pct(figure), figure, True)
    if isinstance(rule, LinearRule):
        result = _linear(rule, row, spec, actual, weight)
    elif isinstance(rule, CountRule):
        result = _count(rule, row, spec, actual, weight)
    elif isinstance(rule, ElementsRule):
        result = _elements(rule, row, spec, weight)
    elif isinstance(rule, ProportionalRule):
        result = _proportional(rule, row, spec, scheme, actual, weight)
    elif isinstance(rule, TargetMetRule):
        result = _target_met(rule, row, spec, actual, weight)
    elif isinstance(rule, TiersRule):
        result = _tiers(rule, actual, row, weight)
    elif isinstance(rule, DeductionRule):
        result = _per_event(rule, actual, weight)
    elif isinstance(rule, ConditionRule):
        result = _condition(rule, actual, weight)
    else:
        result = _target(row, spec, scheme, actual, weight)
    result.rule = rule
    _exceeded(result, row, spec, scheme, actual)
    if conflict is not None:
        result.fund_conflict = conflict
        result.note = f"按资金表重新计算的业绩值 {_pct(conflict[1])}（表中填 {_pct(conflict[0])}）；" + result.note
    if result.review is not None:
        result.review = _cap(weight, result.review)
    return result


def _linear(rule: LinearRule, row: IndicatorRow, spec, actual: Measure, weight: float) -> Scored:
    if actual.number is None:
        return _no_number(actual, weight, "数值")
    if rule.full is not None:
        threshold = rule.full
        value = actual.number
        if rule.percent and not actual.percent and value <= 1.5:
            value *= 100
        where = f"{threshold:g}{'%' if rule.percent else rule.unit}"
    else:
        target = _target_of(row, spec)
        named = "目标值"
        if target.number is None and rule.stated is not None:
            target = Measure(f"{rule.stated:g}{'%' if rule.percent else ''}", rule.stated, rule.percent)
            named = "评分标准所定的"
        if target.number is None:
            return Scored(None, f"评分标准按目标值扣分，但目标值“{target.text or '空'}”不是数值，无法计算，需人工评分",
                          manual=(0.0, weight), review_actual=actual.shown)
        threshold, value = _aligned(target, actual)
        where = f"{named} {target.text}"
    shown = _pct(value) if rule.percent else actual.shown
    gap = abs(value - threshold) if rule.both else value - threshold if rule.over else threshold - value
    if gap <= FLOAT:
        if not rule.over and value > threshold:
            note = f"业绩值 {shown} 超过 {where}，得满分 {weight:g}（以权重为上限）"
        else:
            note = f"业绩值 {shown}，达到{where}，得满分"
        return Scored(weight, note, review_actual=actual.shown if not rule.percent else _pct(value))
    lost = rule.deduction(gap, weight)
    score = max(0.0, weight - lost)
    unit = "个百分点" if rule.percent else rule.unit
    verb = "相差" if rule.both else "超过" if rule.over else "低于"
    each = f" {rule.deduct:g} 分" if rule.points else f"权重分的 {rule.deduct:g}%"
    capped = f"（最多扣 {rule.cap:g} 分）" if rule.cap is not None and lost >= rule.cap - FLOAT else ""
    note = (f"业绩值 {shown}，{verb}{where} {gap:g} {unit}，按每{'相差' if rule.both else '超' if rule.over else '少'} {rule.step:g} {unit}"
            f"扣{each}{capped}，扣 {r2(lost):g} 分，得 {r2(score):g} 分")
    return Scored(r2(score), note, review_actual=_pct(value) if rule.percent else actual.shown)


def _target_of(row: IndicatorRow, spec) -> Measure:
    """The row's target, or the scheme's when the row leaves it blank."""
    target = row.target
    fixed = getattr(spec, "target", None)
    if target.blank and fixed:
        target = parse_measure(fixed)
    return target


def _aligned(target: Measure, actual: Measure) -> tuple[float, float]:
    """(target, actual) in the same unit: a fraction written against a percent is made a percent."""
    t, a = target.number, actual.number
    if target.percent and not actual.percent and a <= 1.5:
        a *= 100
    if actual.percent and not target.percent and t <= 1.5:
        t *= 100
    return t, a


def _proportional(rule: ProportionalRule, row: IndicatorRow, spec, scheme, actual: Measure, weight: float) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    if actual.number is None:
        return _no_number(actual, weight, "数值")
    target = _target_of(row, spec)
    if rule.full is not None:
        t, a = rule.full, actual.number
        if rule.percent and not actual.percent and a <= 1.5:
            a *= 100
        target = Measure(f"{t:g}{'%' if rule.percent else ''}", t, rule.percent, "≥")
        direction, why = "higher", ""
    elif target.number is None:
        return Scored(None, f"评分标准按完成比例计分，但目标值“{target.text or '空'}”不是数值，无法计算，需人工评分",
                      manual=(0.0, weight), review_actual=actual.shown)
    else:
        t, a = _aligned(target, actual)
        direction, why = _direction(row, spec, target)
    if rule.inverse:
        direction = "lower"
    return _by_ratio(row, scheme, target, actual, t, a, direction, why, weight)


def _target_met(rule: TargetMetRule, row: IndicatorRow, spec, actual: Measure, weight: float) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    target = _target_of(row, spec)
    shown = f"业绩值 {actual.shown}，目标 {target.text or '空'}"
    missed = r2(weight * rule.missed) if rule.missed is not None else None
    missed_text = f"{missed:g} 分" if missed is not None else "酌情扣分"
    if target.number is not None and actual.number is not None:
        t, a = _aligned(target, actual)
        direction, why = _direction(row, spec, target)
        if direction == "higher":
            met = a > t if target.op == ">" else a >= t - FLOAT
        else:
            met = a < t if target.op == "<" else a <= t + FLOAT
    elif target.number is None and actual.number is None and target.words and actual.words == target.words:
        met, why = True, ""
    else:
        return Scored(None, f"{shown}，无法判断是否达到目标值，需人工评分（达到得 {weight:g} 分，未达到{missed_text}）",
                      manual=(0.0, weight), review_actual=actual.shown)
    if met:
        return Scored(weight, f"{shown}{why}，达到目标值，得满分", review_actual=actual.shown)
    if missed is None:
        self_score = row.self_score.value
        if self_score is not None and self_score < weight - POINTS:
            return Scored(self_score, f"{shown}{why}，未达到目标值，应酌情扣分，自评 {self_score:g} 分保留，请复核人确认",
                          manual=(0.0, weight), review_actual=actual.shown)
        return Scored(None, f"{shown}{why}，未达到目标值，应酌情扣分（低于满分 {weight:g}），需人工评分",
                      manual=(0.0, weight), review_actual=actual.shown)
    return Scored(missed, f"{shown}{why}，未达到目标值，按标准得 {missed:g} 分", review_actual=actual.shown)


# An actual saying nothing happened: no events to deduct for.
NONE_HAPPENED = ("无", "没有", "未发生", "零", "均无", "未出现", "无此情况", "不存在")


def _per_event(rule: DeductionRule, actual: Measure, weight: float) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    words = actual.words or ""
    complying = any(w in words for w in (*COMPLYING, "按时", "合格", "达标")) and not any(w in words for w in FAILING)
    if (actual.number is not None and not actual.percent and actual.number >= 0 and actual.number == int(actual.number)
            and not complying):  # 4个季度按时报送 counts what went right, not the events deducted for
        count = actual.number
    elif actual.words in NONE_HAPPENED:
        count = 0.0
    else:
        return Scored(None, f"评分标准按发生的起数（项数）扣分，业绩值“{actual.text}”不是起数，需人工评分",
                      manual=(0.0, weight), review_actual=actual.shown)
    if count == 0:
        return Scored(weight, f"业绩值 {actual.shown}，未发生扣分情形，得满分", review_actual=actual.shown)
    per = rule.exact()

    def after(lost: float) -> float:
        lost = min(lost, rule.cap) if rule.cap is not None else lost
        return r2(max(0.0, weight - lost))

    if per is not None:
        score = after(per * count)
        return Scored(score, f"业绩值 {actual.shown}，按每起（项）扣 {per:g} 分，扣 {r2(per * count):g} 分，得 {score:g} 分",
                      review_actual=actual.shown)
    least = min(lo for lo, _ in rule.spans) * count
    most = max(hi for _, hi in rule.spans) * count + sum(rule.flat)
    low, high = after(most), after(least)
    amounts = "、".join(f"{lo:g}分" if lo == hi else f"{lo:g}–{hi:g}分" for lo, hi in sorted(set(rule.spans)))
    flat = f"，另有一次性扣分 {'、'.join(f'{f:g}分' for f in rule.flat)}" if rule.flat else ""
    return Scored(None, f"业绩值 {actual.shown}，评分标准每起（项）扣分有不同情形（{amounts}{flat}），"
                        f"业绩值不能说明属于哪一种，需人工评分（{low:g}–{high:g} 分）",
                  manual=(low, high), review_actual=actual.shown)


FAILING = ("未", "不", "没有", "没", "缺", "无")
COMPLYING = ("已", "均已", "按规定", "按要求", "全部", "到位", "完成")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _condition(rule: ConditionRule, actual: Measure, weight: float) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    lost = weight if rule.deduct is None else min(weight, rule.deduct)
    failed_score = r2(weight - lost)
    cond = _short(rule.condition, 24)
    if actual.number is not None and actual.percent and rule.limits:
        failed = any((actual.number < value) if side == "high" else (actual.number > value)
                     for side, value, _ in rule.limits)
        if failed:
            return Scored(failed_score, f"业绩值 {actual.shown}，属于“{cond}”情形，扣 {lost:g} 分，得 {failed_score:g} 分",
                          review_actual=actual.shown)
        return Scored(None, f"业绩值 {actual.shown} 未触及“{cond}”中的数值条件，其余条件表中无从判断，需人工评分"
                            f"（{failed_score:g}–{weight:g} 分）", manual=(failed_score, weight), review_actual=actual.shown)
    words = actual.words or ""
    condition = norm(rule.condition)
    if words and any(w in words for w in FAILING) and _subsequence(words, condition):
        return Scored(failed_score, f"业绩值“{actual.text}”属于“{cond}”情形，扣 {lost:g} 分，得 {failed_score:g} 分",
                      review_actual=actual.shown)
    if words and not any(w in words for w in FAILING) and any(w in words for w in COMPLYING):
        return Scored(weight, f"业绩值“{actual.text}”，不属于“{cond}”情形，得满分", review_actual=actual.shown)
    return Scored(None, f"业绩值“{actual.text}”不能说明是否属于“{cond}”情形，需人工评分（{failed_score:g}–{weight:g} 分）",
                  manual=(failed_score, weight), review_actual=actual.shown)


def _no_number(actual: Measure, weight: float, what: str) -> Scored:
    if actual.blank:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    return Scored(None, f"业绩值“{actual.text}”不是{what}，评分标准无法套用，需人工评分",
                  manual=(0.0, weight), review_actual=actual.shown)


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
    deduct = "1/3" if abs(rule.deduct - 1 / 3) < FLOAT else f"{rule.deduct * 100:g}%"
    if count >= rule.full:
        note = f"具备 {count:g} 项，达到 {rule.full} 项，得满分"
    else:
        note = f"具备 {count:g} 项，少于 {rule.full} 项，每少 1 项扣权重分的 {deduct}，得 {r2(score):g} 分"
    return Scored(r2(score), note + note_items, review_actual=f"{count:g}")


@dataclass
class _Listed:
    """The element list a rule text carries, in place of a scheme's."""

    elements: list


def _elements(rule: ElementsRule, row: IndicatorRow, spec, weight: float) -> Scored:
    if row.actual.blank:
        return Scored(0.0, "未填写业绩值（具备的要素），不得分", missing_actual=True)
    if not getattr(spec, "elements", None) and rule.items:
        spec = _Listed(list(rule.items))  # the text lists its own elements
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
            f"（按要素计 {percent:g}%，以权重为上限）" if percent > 100 + FLOAT else "")
    else:
        note = f"具备要素{listed}，合计 {percent:g}% 权重分，得 {r2(score):g} 分"
    if has_list:
        note += _missing_note(met, texts)
    if unmatched:
        note += f"；未能对应到要素的内容：{'；'.join(elements_mod.short(u) for u in unmatched)}"
    return Scored(r2(score), note, review_actual=f"{len(met)}/{total}")


def _tier_for(rule: TiersRule, actual: Measure, row: IndicatorRow, weight: float) -> Tier | None:
    if actual.number is not None:
        value = actual.number
        if rule.percent and not actual.percent and value <= 1.5:
            value *= 100
        tier = rule.place(value, weight)
        if tier is not None:
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
    tier = _tier_for(rule, actual, row, weight)
    top = rule.top_points(weight)
    if tier is None:
        if actual.blank:
            return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
        bands = "；".join(_band_text(t, weight) for t in rule.tiers)
        return Scored(None, f"业绩值“{actual.text}”无法对应到评分档次，需人工评分（{bands}）",
                      manual=(0.0, min(top, weight)), review_actual=actual.shown or None)
    low, high = tier.band(weight)
    cap_note = f"，以权重 {weight:g} 为上限" if high > weight + POINTS else ""
    if tier.discretion:
        if self_score is not None and self_score < high - POINTS:
            return Scored(self_score, f"属于“{_short(tier.label)}”档，酌情扣分，自评 {self_score:g} 分保留，请复核人确认",
                          manual=(0.0, high), review_actual=actual.shown or None)
        return Scored(None, f"属于“{_short(tier.label)}”档，应酌情扣分（低于满分 {high:g}），需人工评分",
                      manual=(0.0, high), review_actual=actual.shown or None)
    if abs(high - low) < FLOAT:
        return Scored(low, f"属于“{_short(tier.label)}”档，得 {low:g} 分{cap_note}", review_actual=actual.shown or None)
    if self_score is not None and low - POINTS <= self_score <= high + POINTS:
        return Scored(self_score, f"属于“{_short(tier.label)}”档（{low:g}–{high:g} 分），自评 {self_score:g} 分在档内{cap_note}",
                      review_actual=actual.shown or None)
    edge = low if self_score is None or self_score < low else high
    why = "未填自评分" if self_score is None else f"自评 {self_score:g} 分不在档内"
    return Scored(edge, f"属于“{_short(tier.label)}”档（{low:g}–{high:g} 分），{why}，取档内最近值 {edge:g} 分{cap_note}",
                  clamped=True, review_actual=actual.shown or None)


def _band_text(tier: Tier, weight: float) -> str:
    low, high = tier.band(weight)
    points = f"{low:g}分" if abs(low - high) < FLOAT else f"{low:g}–{high:g}分"
    return f"{_short(tier.label, 14)}：{points}"


def _short(text: str, limit: int = 20) -> str:
    flat = text.strip(";；,，。 ")
    return flat if len(flat) <= limit else flat[:limit] + "…"


_HIGHER_WORDS = ("不低于", "不少于", "不小于", "大于等于", "达到", "至少", "以上", "超过", "高于", "大于", "多于")
_LOWER_WORDS = ("不高于", "不超过", "不大于", "小于等于", "控制在", "以内", "以下", "低于", "小于", "少于", "不多于",
                "至多", "最多")
_LOWER_NAMES = ("下降", "降低", "减少", "投诉率", "差错率", "事故")


def _words_direction(words: str) -> str | None:
    """The direction the target's words state (longest words first: 不低于 is not 低于), None if none
    or both."""
    found = set()
    for word in sorted(_HIGHER_WORDS + _LOWER_WORDS, key=len, reverse=True):
        if word in words:
            found.add("higher" if word in _HIGHER_WORDS else "lower")
            words = words.replace(word, "|")
    return found.pop() if len(found) == 1 else None


def _direction(row: IndicatorRow, spec, target: Measure) -> tuple[str, str]:
    """('higher' | 'lower', a note when the name decided it). The target's own comparison decides
    first, whatever the name says; then the scheme's indicator; only then the name."""
    if target.op in ("≥", ">"):
        return "higher", ""
    if target.op in ("≤", "<"):
        return "lower", ""
    said = _words_direction(target.words)
    if said is not None:
        return said, ""
    direction = getattr(spec, "direction", None)
    if direction in ("higher", "lower"):
        return direction, ""
    name = norm(row.name)
    word = next((w for w in _LOWER_NAMES if w in name), None)
    if word is not None:
        return "lower", f"（目标值未写≥或≤，按指标名称中的“{word}”判断为越低越好）"
    return "higher", ""


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
                      manual=(0.0, weight), review_actual=actual.shown)
    t, a = _aligned(target, actual)
    direction, why = _direction(row, spec, target)
    return _by_ratio(row, scheme, target, actual, t, a, direction, why, weight)


LOWER_MISSED = ("target_over_actual", "linear_to_double")


def _by_ratio(row, scheme, target: Measure, actual: Measure, t: float, a: float, direction: str, why: str,
              weight: float) -> Scored:
    """Full marks when the target is met; else the weight times actual ÷ target (higher is better)
    or by the scheme's formula for a lower-is-better indicator missed."""
    shown = f"业绩值 {actual.shown}，目标 {target.text}"
    if direction == "higher":
        met = a > t if target.op == ">" else a >= t - FLOAT
        if met:
            return Scored(weight, f"{shown}{why}，已完成，得满分", review_actual=actual.shown)
        score = weight * (a / t) if t > 0 else 0.0
        return Scored(r2(score), f"{shown}{why}，未完成，按 业绩值÷目标值 = {a / t * 100 if t else 0:.2f}% 计得 {r2(score):g} 分",
                      review_actual=actual.shown)
    met = a < t if target.op == "<" else a <= t + FLOAT
    if met:
        return Scored(weight, f"{shown}（越低越好）{why}，已完成，得满分", review_actual=actual.shown)
    formula = getattr(scheme, "lower_better_missed", None) or LOWER_MISSED[0]
    if formula == "linear_to_double":
        share = max(0.0, (2 * t - a) / t) if t > 0 else 0.0
        how = f"按 (2×目标值−业绩值)÷目标值 = {share * 100:.2f}%（业绩值达到目标值 2 倍时为 0）"
    else:
        share = t / a if a > 0 else 0.0
        how = f"按 目标值÷业绩值 = {share * 100:.2f}%"
    score = weight * share
    return Scored(r2(score), f"{shown}（越低越好）{why}，未完成，{how} 计得 {r2(score):g} 分", review_actual=actual.shown)


def _exceeded(result: Scored, row: IndicatorRow, spec, scheme, actual: Measure) -> None:
    """Actual ÷ target for a higher-is-better numeric target, whatever the rule family: at the
    scheme's target_too_low_ratio or more, TARGET_TOO_LOW; at its overshoot_ratio or more,
    OVERSHOOT_UNEXPLAINED where the form's 偏差原因 column is left empty."""
    target = _target_of(row, spec)
    if target.number is None or actual.number is None:
        return
    t, a = _aligned(target, actual)
    if t <= 0 or _direction(row, spec, target)[0] != "higher":
        return
    ratio = a / t
    too_low = getattr(scheme, "target_too_low_ratio", None) or 1.5
    overshoot = getattr(scheme, "overshoot_ratio", None) or 1.3
    if ratio >= too_low - FLOAT:
        result.too_low = ratio
    if ratio >= overshoot - FLOAT:
        result.overshoot = ratio


def _qualitative(row, scheme, target: Measure, actual: Measure, weight: float) -> Scored:
    bands = getattr(scheme, "qualitative_bands", None) or DEFAULT_BANDS
    t, a = target.words, actual.words
    if not a:
        return Scored(0.0, "未填写业绩值，不得分", missing_actual=True)
    weak_not = any(a.startswith(w) or (w + t) in a for w in WEAK_NOT)
    weak_partly = any(a.startswith(w) or (w + t) in a for w in WEAK_PARTLY)
    if a == t or (t in a and not weak_not and not weak_partly) or (
        a in ("达成", "已达成", "完成", "已完成", "达到", "实现", "已实现") and not weak_not):
        return Scored(weight, f"业绩值“{actual.text}”达到目标“{target.text}”，得满分", review_actual=actual.shown)
    if weak_not:
        band = "not_achieved"
    elif weak_partly:
        band = "partly"
    else:
        band = None
    self_score = row.self_score.value
    if band is None:
        bands_text = "；".join(f"{BAND_ZH[k]} {v[0]:g}–{v[1]:g}%" for k, v in bands.items())
        return Scored(None, f"业绩值“{actual.text}”与目标“{target.text}”不同，需复核人按档次评分（{bands_text}）",
                      manual=(0.0, weight), review_actual=actual.shown)
    lo_pct, hi_pct = bands[band]
    low, high = r2(weight * lo_pct / 100), r2(weight * hi_pct / 100)
    text = f"业绩值“{actual.text}”对目标“{target.text}”属{BAND_ZH[band]}（{lo_pct:g}–{hi_pct:g}% 权重，即 {low:g}–{high:g} 分）"
    if self_score is not None and low - POINTS <= self_score <= high + POINTS:
        return Scored(self_score, f"{text}，自评 {self_score:g} 分在档内，请复核人确认", manual=(low, high),
                      review_actual=actual.shown)
    edge = high if self_score is None or self_score > high else low
    why = "未填自评分" if self_score is None else f"自评 {self_score:g} 分不在档内"
    return Scored(edge, f"{text}，{why}，取档内最近值 {edge:g} 分", manual=(low, high), clamped=True,
                  review_actual=actual.shown)
