"""Scoring rules (评分标准) read from their Chinese text.

Every rule family the bureaus print becomes one of these rule objects:

* :class:`LinearRule` — a deduction per unit of shortfall or overshoot: 业绩值为100%得满分，每降低1%扣权重分
  的1%，扣完为止; 完成率100%得满分，每低1个百分点扣0.1分; 每少1家扣1分，扣完为止; 每超1个工作日扣0.5分.
  Where the text names no threshold (每少1家扣1分) the row's target is the threshold.
* :class:`CountRule` — 业绩值为3得满分，每降低1扣权重分的33.33%（或1/3），扣完为止 (checklist elements)
* :class:`ElementsRule` — 具备要素1得30%权重分…; 具备要素1得50%，其余要素每符合一项增加6.25%;
  具备1个要素得20%权重分。如果缺要素4或缺要素5本指标不得分; 具备要素1~8得6.25%，具备要素9得50%
* :class:`ProportionalRule` — 按完成比例得分; 业绩值/目标值×权重; 完成值/指标值×分值;
  …否则按业绩值/目标值×权重计分: the weight times actual ÷ target, at most the weight.
* :class:`TargetMetRule` — 达到目标值得满分，未达到不得分: all or nothing against the row's target.
* :class:`TiersRule` — 满意度≥90%得满分，80%-90%得一半，80%以下不得分; 全额到位得满分；到位率≥70%得分减半；
  70%以下不得分; ≥50: 4分; 20-50: 3分; 好、中、差3级，分值分别为3分、1-2分、0分; 90%以上，4分；60~90%
  （不含90%），2-3分 …
* :class:`TargetRule` — no rule text: a quantitative (≥7%, =100%, 800, ≤5%) or qualitative (及时,
  有效, 提升…) target decides.

Tiers are cut at their scores, never at the punctuation: each score phrase (得满分, 得一半, 不得分, 3分,
1-2分, 得权重分的60%, 酌情扣分 …) closes one tier, and the condition of that tier is the text between it
and the previous score, whether the tiers are separated by ，；; 、 a line break or nothing, and
whether a ``:`` stands before the score or not. Two tiers are never merged.

Boundary values. Each edge of a tier is *closed* (the value belongs: ≥ ≤ 及以上 及以下 以内 不低于
不高于 达到 含), *open* (it does not: > < 超过 高于 不足 低于 未达到 不含), or *silent* (a range's ends,
``80%-90%``, and bare 以上 / 以下). A value is placed in every tier whose edges admit it (a silent edge
admits its value); when that leaves more than one tier:

1. a tier that holds another candidate tier wholly (``≥70%`` holding ``全额``, ``≤3%`` holding ``≤1%``) gives
   way to the narrower one;
2. a tier whose edge the text closes wins over one whose edge is silent (``≥90%`` takes 90 from
   ``80%-90%``; ``≤3%`` takes 3 from ``3%以上``);
3. where the text is silent on both sides (``80%-90%得一半，80%以下不得分`` at 80; ``90%以上…80%-90%`` at
   90), the value goes to the tier that scores more.

Why the better tier: the rule is the bureau's text, and a reviewer may not deduct points on a reading
the text does not make; the better tier is also the upper tier for a higher-is-better rule, which is
how ``80%-90%`` reads ("from 80 up to 90") and agrees with ``≥90%`` and 以上 (《民法典》第1259条:
以上、以下 include their number — which is why they cannot settle an edge that two tiers share).
A point both tiers close explicitly (a text contradicting itself) follows the same third rule.

Percent units: ``每降低1%`` and ``每低1个百分点`` both mean one percentage point of the actual.

:func:`parse` raises :class:`RuleUnparsed` for a text it cannot read — never a silent zero or full mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..read.speed import memo
from ..read.textnum import norm


class RuleUnparsed(ValueError):
    def __init__(self, text: str, why: str = ""):
        super().__init__(text)
        self.text = text
        self.why = why


_NUM = r"(\d+(?:\.\d+)?)"
_CN_DIGITS = {"一": 1.0, "二": 2.0, "两": 2.0, "三": 3.0, "四": 4.0, "五": 5.0, "六": 6.0, "七": 7.0, "八": 8.0,
              "九": 9.0, "十": 10.0, "半": 0.5}
_AMOUNT = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半])"


def _amount(text: str) -> float:
    return _CN_DIGITS[text] if text in _CN_DIGITS else float(text)


def _text(text: str) -> str:
    """Rule text for matching: NFKC, no spaces, Chinese punctuation unified."""
    flat = norm(text)
    for a, b in (("\\geq", "≥"), ("\\leq", "≤"), ("\\%", "%"), ("$", ""), ("（", "("), ("）", ")"),("；", ";"), ("。", ";"), ("，", ","), ("：", ":"), ("～", "~"), ("—", "-"), ("–", "-"),
                 ("－", "-"), ("≧", "≥"), (">=", "≥"), ("≦", "≤"), ("<=", "≤"), ("×", "*"), ("÷", "/"),
                 ("＊", "*"), ("乘以", "*"), ("除以", "/")):
        flat = flat.replace(a, b)
    return flat


@dataclass
class Rule:
    """A parsed scoring rule (评分标准); the subclasses score by their family's logic."""

    kind: str = ""
    text: str = ""

    def top_points(self, weight: float) -> float:
        """The most points the rule can give for ``weight``."""
        return weight

    def max_element(self) -> int | None:
        return None

    def signature(self) -> tuple:
        """What the rule means, for comparing a row's text with its scheme's rule."""
        return (self.kind,)


@dataclass
class LinearRule(Rule):
    """Full marks at ``full``; each ``step`` of shortfall (or of overshoot, ``over``) deducts ``deduct``:
    percent of the weight, or points when ``points``. ``full`` None: the row's target is the threshold.
    ``percent``: threshold and step are percentages. ``cap``: the most points deducted (最多扣X分)."""

    full: float | None = 100.0
    step: float = 1.0
    deduct: float = 1.0
    points: bool = False
    over: bool = False
    percent: bool = True
    unit: str = "%"
    cap: float | None = None
    both: bool = False  # 每相差3%: the gap either side of the threshold
    stated: float | None = None  # the threshold the text names without 满分 (不低于20%，得1分), for a row with no target

    def deduction(self, gap: float, weight: float) -> float:
        """Points deducted for a shortfall (or overshoot) of ``gap`` units of the actual."""
        if gap <= 0:
            return 0.0
        per_step = self.deduct if self.points else weight * self.deduct / 100.0
        lost = gap / self.step * per_step
        return min(lost, self.cap) if self.cap is not None else lost

    def fraction(self, actual: float) -> float:
        """The share of the weight at ``actual`` for a percent-of-weight rule with its own threshold."""
        full = 100.0 if self.full is None else self.full
        gap = abs(actual - full) if self.both else actual - full if self.over else full - actual
        return max(0.0, 1.0 - self.deduction(gap, 100.0) / 100.0)

    def signature(self) -> tuple:
        return (self.kind, self.full, self.step, round(self.deduct, 4), self.points, self.over, self.cap)


@dataclass
class CountRule(Rule):
    """Full marks at ``full`` elements met; each one fewer deducts ``deduct`` (a fraction of the weight)."""

    full: int = 3
    deduct: float = 1 / 3

    def fraction(self, count: float) -> float:
        if count >= self.full:
            return 1.0
        return max(0.0, 1.0 - (self.full - count) * self.deduct)

    def signature(self) -> tuple:
        return (self.kind, self.full, round(self.deduct, 3))


@dataclass
class ElementsRule(Rule):
    """Percent of the weight per element met; ``each`` for elements not listed in ``weights``;
    any missing element of ``veto`` gives 0."""

    weights: dict[int, float] = field(default_factory=dict)
    each: float | None = None
    veto: tuple[int, ...] = ()
    items: tuple[str, ...] = ()  # the elements' wording, where the text itself lists them (①…1分；②…1分)

    def max_element(self) -> int | None:
        numbers = [*self.weights, *self.veto]
        return max(numbers) if numbers else None

    def percent_for(self, element: int) -> float:
        return self.weights.get(element, self.each or 0.0)

    def fraction(self, met: set[int], total: int) -> float:
        if any(v not in met for v in self.veto):
            return 0.0
        percent = sum(self.percent_for(e) for e in met if 1 <= e <= max(total, self.max_element() or 0))
        return min(1.0, percent / 100.0)

    def signature(self) -> tuple:
        return (self.kind, tuple(sorted(self.weights.items())), self.each, tuple(sorted(self.veto)))


@dataclass
class ProportionalRule(Rule):
    """The weight times actual ÷ threshold, at most the weight. ``full`` is the threshold the text
    names (完成率100%得满分，否则按比例); None: the row's target."""

    full: float | None = None
    percent: bool = False
    inverse: bool = False  # 目标值/业绩值×权重: written for a lower-is-better indicator

    def signature(self) -> tuple:
        return (self.kind, self.full, self.inverse)


@dataclass
class TargetMetRule(Rule):
    """All or nothing: full marks when the row's target is met, ``missed`` × weight when not
    (None: 否则酌情扣分, the reviewer decides below full marks)."""

    missed: float | None = 0.0

    def signature(self) -> tuple:
        return (self.kind, self.missed)


@dataclass
class DeductionRule(Rule):
    """Points deducted per event, item or case (每起扣30分, 每项扣2分, 每例扣0.5分, 出现1例未处理扣2分,
    扣0.5分/个): the weight less ``per`` points for each one the actual counts, not below 0.
    ``spans`` are the (least, most) points each event deducts: one span of equal ends is a plain
    per-event deduction; several different spans (每起扣5分；造成严重后果的，每起扣10分), a span of
    unequal ends (每项扣2至5分, 每项最高扣15分) or a halving clause (当年破案的减半扣分) leave the amount to the
    reviewer, inside the band they give. ``flat`` are one-off deductions beside them (未细化的扣1.0分), which
    the count of events does not settle either."""

    spans: list[tuple[float, float]] = field(default_factory=list)
    flat: list[float] = field(default_factory=list)
    cap: float | None = None

    def exact(self) -> float | None:
        """The points per event when the text leaves no choice, else None."""
        if len(set(self.spans)) == 1 and self.spans[0][0] == self.spans[0][1] and not self.flat:
            return self.spans[0][0]
        return None

    def signature(self) -> tuple:
        return (self.kind, tuple(sorted(set(self.spans))), tuple(self.flat), self.cap)


@dataclass
class ConditionRule(Rule):
    """One condition, one deduction: 未建立综治实绩档案的，扣5分; 正常有效运行的监控点少于90%的，扣2分. The
    condition is a failing (``fails``: the text names what loses the points); ``deduct`` the points lost
    (None: all of them). ``limits`` are the figures the condition can be checked against:
    (side, value, closed) — 少于90% is ('high', 90, False): a value below it fails."""

    condition: str = ""
    deduct: float | None = None
    limits: list[tuple[str, float, bool]] = field(default_factory=list)

    def signature(self) -> tuple:
        return (self.kind, self.condition, self.deduct)


@dataclass
class Tier:
    """One band of a tiered rule: a condition on the actual and the points it earns.

    ``low``/``high`` bound a numeric actual; ``low_incl``/``high_incl`` say whether the edge belongs:
    True (the text closes it), False (the text opens it) or None (the text is silent: the value is
    admitted, and yields to a tier that closes it — see the module docstring). ``words`` match a
    textual actual. Points are ``points`` (fixed) or the range ``points_low``–``points_high``;
    ``fraction`` is used instead where the rule speaks of 满分/减半/不得分, ``deduct`` where it says 扣X分.
    """

    label: str
    low: float | None = None
    high: float | None = None
    low_incl: bool | None = True
    high_incl: bool | None = False
    words: tuple[str, ...] = ()
    points_low: float | None = None
    points_high: float | None = None
    fraction: float | None = None
    deduct: float | None = None
    discretion: bool = False  # 酌情扣分: below full marks, amount left to the reviewer
    reversed: bool = False  # the points were written high to low (``2-1分``): read as 1–2, and said by lint

    def numeric(self) -> bool:
        return self.low is not None or self.high is not None

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and self.low_incl is False)):
            return False
        if self.high is not None and (value > self.high or (value == self.high and self.high_incl is False)):
            return False
        return True

    def silent_at(self, value: float) -> bool:
        """``value`` lies on an edge of this tier that the text leaves silent."""
        return ((self.low is not None and value == self.low and self.low_incl is None)
                or (self.high is not None and value == self.high and self.high_incl is None))

    def holds(self, other: "Tier") -> bool:
        """This tier's range wholly contains ``other``'s, and is wider."""
        lo, hi = _bounds(self)
        olo, ohi = _bounds(other)
        return lo <= olo and hi >= ohi and (lo, hi) != (olo, ohi)

    def band(self, weight: float) -> tuple[float, float]:
        if self.fraction is not None:
            if self.discretion:
                return (0.0, weight * self.fraction)
            return (weight * self.fraction, weight * self.fraction)
        if self.deduct is not None:
            points = max(0.0, weight - self.deduct)
            return (points, points)
        return (self.points_low, self.points_high)


def _bounds(tier: Tier) -> tuple[float, float]:
    return (-float("inf") if tier.low is None else tier.low, float("inf") if tier.high is None else tier.high)


@dataclass
class TiersRule(Rule):
    """A rule of tiers: points by the band the actual value falls in."""

    tiers: list[Tier] = field(default_factory=list)
    percent: bool = False  # numeric conditions are percentages

    def top_points(self, weight: float) -> float:
        return max(t.band(weight)[1] for t in self.tiers)

    def place(self, value: float, weight: float) -> Tier | None:
        """The tier a numeric actual falls in, by the module docstring's three rules."""
        found = [t for t in self.tiers if t.numeric() and t.contains(value)]
        found = [t for t in found if not any(o is not t and t.holds(o) for o in found)]
        closed = [t for t in found if not t.silent_at(value)]
        found = closed or found
        if not found:
            return None
        return max(found, key=lambda t: (t.band(weight)[1], t.band(weight)[0]))

    def signature(self) -> tuple:
        return (self.kind, tuple((t.low, t.high, t.words, t.points_low, t.points_high, t.fraction, t.deduct)
                                 for t in self.tiers))


@dataclass
class TargetRule(Rule):
    """No usable rule text: the target's form decides (quantitative or qualitative)."""


# --- parsing -----------------------------------------------------------------------------------

_COUNT_RE = re.compile(
    rf"(?:业绩值|要素|得分要素)?(?:为|达到)?{_NUM}(?:个|项)?(?:要素)?得满分,?每(?:降低|减少|缺少|少)(?:1|一)(?:个|项)?(?:要素)?扣(?:除)?(?:权重分|分值)?的?"
    rf"(?:{_NUM}%|(\d+)/(\d+))"
)
_EL_EACH_RE = re.compile(rf"具备(?:1|一)个(?:得分)?要素得{_NUM}%")
_EL_ONE_RE = re.compile(rf"具备要素{_NUM}得{_NUM}%")
_EL_RANGE_RE = re.compile(rf"具备要素(\d+)[~\-至到](\d+)(?:各|每项|每个)?得{_NUM}%")
_EL_REST_RE = re.compile(rf"其余(?:要素|各要素)?每(?:符合|具备|满足)(?:一|1)项(?:增加|得|加){_NUM}%")
_EL_VETO_RE = re.compile(r"缺(?:少)?要素(\d+)")

# Linear deduction: 每<verb><step><unit>扣<amount><%|分>
_OVER_VERBS = ("超过", "超出", "超期", "超", "延迟", "延期", "推迟", "逾期", "拖延", "滞后", "增加", "多", "发生",
               "出现", "高于", "高", "上升", "提高", "增长")
_UNDER_VERBS = ("降低", "减少", "下降", "低于", "低", "少", "缺少", "缺", "不足", "未完成", "差", "减")
_BOTH_VERBS = ("相差", "偏差", "偏离")  # 与计划每相差3%: a gap either way
# 每<verb>[what]<step>: 每超平均年龄1岁; or, inside a tier, the step one without 每: （3分，少一次扣1分）
_DEDUCT_RE = re.compile(
    r"(?:每|(?<=[,(;])(?=(?:少|多|缺|减少|超过|超)(?:1|一)))(?P<verb>"
    + "|".join(sorted(_OVER_VERBS + _UNDER_VERBS + _BOTH_VERBS, key=len, reverse=True)) + r")"
    + r"(?P<what>[^\d,;:扣减每]{0,6}?)"
    + r"(?P<step>" + _AMOUNT[1:-1] + r")"
    r"(?P<unit>个百分点|百分点|%|[^\d,;:扣减]{0,6}?)"
    r"(?:的)?,?(?:扣|减)(?:除|去)?(?P<of>权重分|该项分值|该项得分|该指标分值|指标分值|分值|权重|总分|得分)?的?"
    r"(?P<amount>\d+(?:\.\d+)?|[一二两三四五六七八九十半])(?:/(?P<den>\d+))?(?P<amt_unit>%|分)?"
)
_FULL_AT_RE = re.compile(
    r"(?:为|达到|达|≥|≤|不低于|不高于|在)?" + _NUM + r"(?P<pct>%|个百分点)?(?P<unit>[^\d,;:]{0,6}?)"
    r"(?:及以上|以上|及以内|以内|内|及以下|以下)?(?:的|完成的?|完成)?(?:,)?(?:得|计|为)?满分"
)
_CAP_RE = re.compile(r"(?:最多|最高|至多|累计最多|累计最高|最多累计)扣(\d+(?:\.\d+)?)分")

_PROPORTIONAL_RE = re.compile(
    r"按(?:实际)?(?:完成|达成|实现)?(?:比例|比率|程度)(?:得分|计分|给分|计算得分|折算)"
    r"|(?:业绩值|实际值|完成值|实际完成值|实际完成数|完成数|实际数|实际完成|实际)/(?:计划完成值|计划完成数|目标值|指标值|目标|计划值|计划数|年度目标值|计划)"
    r"\*(?:权重分?|分值|该项分值|指标分值|本项分值|满分|该指标分值)"
    r"|(?P<rate>(?:实际)?(?:完成率|执行率|达成率|到位率|实现率)\*(?:权重分?|分值|该项分值|指标分值|本项分值|满分))"
    r"|(?P<inverse>(?:目标值|指标值|计划值)/(?:业绩值|实际值|完成值|实际完成值)\*(?:权重分?|分值|该项分值|指标分值|满分))"
)
_TARGET_WORDS = r"(?:年度)?(?:目标值|目标|指标值|计划值|计划目标|预期目标|绩效目标)"
_TARGET_MET_RE = re.compile(r"(?:达到|完成|实现|达成|满足)(?:或超过|或超出|及超过)?" + _TARGET_WORDS
                            + r"(?:任务|要求)?(?:的)?,?(?:得|计)?满分")
_TARGET_MISSED_RE = re.compile(r"(?:未达到|未完成|未实现|未达成|达不到|不满足|否则|没有达到|低于" + _TARGET_WORDS
                               + r")" + r"(?:" + _TARGET_WORDS + r")?(?:任务|要求)?(?:的)?,?(?P<score>.*?)(?:[;,]|$)")


def parse(text: str | None) -> Rule:
    """Read a rule text. Empty text gives a :class:`TargetRule`; unreadable text raises RuleUnparsed.
    The Rule returned may be shared with other rows of the same text: it is not to be changed."""
    found = _parse_once(text)
    if isinstance(found, RuleUnparsed):
        raise RuleUnparsed(found.text, found.why)
    return found


@memo  # (a refusal remembered as its exception, raised anew above)
def _parse_once(text: str | None) -> Rule | RuleUnparsed:
    try:
        return _parse(text)
    except RuleUnparsed as exc:
        return exc


MAX_RULE_CHARS = 2000  # the longest 评分标准 of the corpus is a few hundred characters


def _parse(text: str | None) -> Rule:
    if text is not None and len(text) > MAX_RULE_CHARS:
        # no real rule is this long, and the tier searches grow with the length of a digit run
        raise RuleUnparsed(text, f"评分标准超过 {MAX_RULE_CHARS} 字，未能识别，需人工评分")
    if text is None or not norm(text):
        return TargetRule("target", "")
    flat = _text(text)
    refused = _refusal(flat)
    if refused:
        raise RuleUnparsed(str(text), refused)
    for parser in (_parse_count, _parse_linear, _parse_elements, _parse_proportional, _parse_target_met,
                   _parse_checklist, _parse_per_event, _parse_condition, _parse_tiers):
        try:
            rule = parser(flat)
        except RuleUnparsed as exc:  # a part of the text refused: the whole text is
            raise RuleUnparsed(str(text), exc.why) from None
        if rule is not None:
            rule.text = str(text)
            return rule
    raise RuleUnparsed(str(text), "无法识别的评分标准")


_BONUS_RE = re.compile(r"(?:加|奖)\d+(?:\.\d+)?分|分别(?:加|奖)\d")
_RANK_RE = re.compile(r"第\d+(?:-\d+)?名|名次")
_PART_WEIGHT_RE = re.compile(r"\(\d+(?:\.\d+)?分\)|共\d+(?:\.\d+)?分")


def _refusal(flat: str) -> str | None:
    """Why a text cannot be scored from one row's actual, or None. Such texts are left to the reviewer
    (RULE_UNPARSED) rather than read as the nearest family, which would score them wrongly:
    bonus points beyond the weight (奖10分, 每起加5分), places in a ranking (倒数第1名…), and one cell holding
    several sub-rules that each need their own actual (①…得1分，每低1%扣0.1分。②…得1分，每低1%…;
    1.…共1分。2.…（0.5分）…)."""
    if _BONUS_RE.search(flat.replace("加扣", "")):
        return "评分标准为加分（奖励）项，不从本指标分值中计算，需人工评分"
    if _RANK_RE.search(flat):
        return "评分标准按名次计分，需人工评分"
    if len(_PART_WEIGHT_RE.findall(flat)) >= 2:
        return "评分标准含多个分项，各有分值和业绩值，需人工分项评分"
    parts = [m for m in _DEDUCT_RE.finditer(flat)]
    fulls = re.findall(r"得\d+(?:\.\d+)?分|得满分", flat)
    if len(parts) >= 2 and len(fulls) >= 2 and len({(m.group("verb") in _OVER_VERBS) for m in parts}) == 1:
        return "评分标准含多个分项（各有满分和扣分），各需一个业绩值，需人工分项评分"
    return None


def _parse_linear(flat: str) -> Rule | None:
    match = _DEDUCT_RE.search(flat)
    if not match:
        return None
    verb, unit = match.group("verb"), match.group("unit")
    step = _amount(match.group("step"))
    amount = _amount(match.group("amount"))
    if step <= 0:
        return None  # 每降低0%: no unit to count the shortfall in
    if match.group("den"):
        amount = amount / float(match.group("den")) * 100  # 扣权重分的1/3: a fraction of the weight
        points = False
    elif match.group("amt_unit") == "%":
        points = False
    elif match.group("amt_unit") == "分":
        points = True
    else:
        return None
    percent = unit in ("%", "个百分点", "百分点")
    full = None
    full_match = None
    for candidate in _FULL_AT_RE.finditer(flat[: match.start()]):
        full_match = candidate
    if full_match is not None and not re.search(_TARGET_WORDS, full_match.group(0)):
        full = float(full_match.group(1))
        percent = percent or bool(full_match.group("pct"))
    stated = None
    if full is None:
        stated, stated_pct = _stated_threshold(flat[: match.start()])
        percent = percent or stated_pct
        if stated is None and verb in _BOTH_VERBS and percent and "计划" in flat[: match.start()]:
            stated = 100.0  # 实际完成情况与计划每相差3%: the actual as a percentage of the plan
    cap = _CAP_RE.search(flat) or _CAP_UNTIL_RE.search(flat)
    return LinearRule("linear", "", full, step, amount, points, verb in _OVER_VERBS, percent,
                      unit.strip("的") or "", float(cap.group(1)) if cap else None, verb in _BOTH_VERBS, stated)


_CAP_UNTIL_RE = re.compile(r"扣满(\d+(?:\.\d+)?)分为止")
_STATED_RE = re.compile(r"(\d+(?:\.\d+)?)(%|个百分点)?")


def _stated_threshold(head: str) -> tuple[float | None, bool]:
    """The figure a linear rule's text sets as its threshold before the deduction clause, where it
    names no 满分: 控制率≤100%,计5分; 不低于总数的20%，得1分; 覆盖面低于80%的; 足额保障…的，得2分 (100%).
    A figure counting something else (35岁, 第3名, 1.…), or followed by another figure, is none."""
    found = None
    for match in _STATED_RE.finditer(head):
        after = head[match.end(): match.end() + 1]
        if match.start() == 0 or after in (".", "、", ")") or (not match.group(2) and after and after in "分岁周名人个次年月日天项家起例"):
            continue
        found = match
    if found is not None:
        tail = re.sub(r"(?:得|计)\d+(?:\.\d+)?分", "", head[found.end():])
        if re.search(r"\d", tail):
            return None, False
        return float(found.group(1)), bool(found.group(2))
    if re.search(r"足额|全额|全部", head):
        return 100.0, True
    return None, False


def _parse_count(flat: str) -> Rule | None:
    match = _COUNT_RE.search(flat)
    if not match:
        return None
    full = int(float(match.group(1)))
    if match.group(2):
        deduct = float(match.group(2)) / 100
        # 33.33% is a third written to two decimals; score it as the third it means
        if abs(deduct * full - 1) < 0.001 * full:
            deduct = 1 / full
    else:
        deduct = int(match.group(3)) / int(match.group(4))
    return CountRule("count", "", full, deduct)


def _parse_elements(flat: str) -> Rule | None:
    if "要素" not in flat:
        return None
    weights: dict[int, float] = {}
    each = None
    for match in _EL_RANGE_RE.finditer(flat):
        for element in range(int(match.group(1)), int(match.group(2)) + 1):
            weights[element] = float(match.group(3))
    for match in _EL_ONE_RE.finditer(flat):
        weights.setdefault(int(float(match.group(1))), float(match.group(2)))
    each_match = _EL_EACH_RE.search(flat) or _EL_REST_RE.search(flat)
    if each_match:
        each = float(each_match.group(1))
    veto = tuple(int(v) for v in _EL_VETO_RE.findall(flat)) if "不得分" in flat else ()
    if not weights and each is None:
        return None
    return ElementsRule("elements", "", weights, each, veto)


_ITEM_RE = re.compile(r"(?:^|;)(\d{1,2})(?![\d.%])([^;]*?[^\d.;]),?(\d+(?:\.\d+)?)分(?=;|$)")


def _parse_checklist(flat: str) -> Rule | None:
    """①已制定…管理制度,1分;②相关管理制度合法、合规、完整,1分;③…得到有效执行,1分: numbered elements, each
    with its points, and nothing else — the share of the points of the elements the actual lists."""
    body = flat.strip(";。,")
    items = list(_ITEM_RE.finditer(body))
    if len(items) < 2 or [int(m.group(1)) for m in items] != list(range(1, len(items) + 1)):
        return None
    if "".join(body[a.end():b.start()] for a, b in zip([None, *items], [*items, None]) if a and b).strip(";") \
            or body[items[-1].end():].strip(";") or re.search(r"每|扣|不得分", body):
        return None
    points = [float(m.group(3)) for m in items]
    total = sum(points)
    weights = {i + 1: p / total * 100 for i, p in enumerate(points)}
    wording = tuple(m.group(2).strip(",") for m in items)
    return ElementsRule("elements", "", weights, None, (), wording)


def _parse_proportional(flat: str) -> Rule | None:
    flat = re.sub(r"\*100%", "", flat).replace("(", "").replace(")", "")  # (实际数/计划数)×100%×分值
    match = _PROPORTIONAL_RE.search(flat)
    if not match:
        return None
    if match.group("rate"):
        return ProportionalRule("proportional", "", 100.0, True)  # 完成率×分值: the rate against 100%
    full = None
    percent = False
    for candidate in _FULL_AT_RE.finditer(flat[: match.start()]):
        if not re.search(_TARGET_WORDS, candidate.group(0)):
            full, percent = float(candidate.group(1)), bool(candidate.group("pct"))
    return ProportionalRule("proportional", "", full, percent, bool(match.group("inverse")))


def _parse_target_met(flat: str) -> Rule | None:
    if not _TARGET_MET_RE.search(flat):
        return None
    missed = _TARGET_MISSED_RE.search(flat[_TARGET_MET_RE.search(flat).end():])
    if missed is None:
        return None
    found = _points(missed.group("score"))
    if found is None or found[0]:
        return None
    tier = found[1]
    if tier.discretion:
        return TargetMetRule("target_met", "", None)  # 否则酌情扣分: below full marks, the reviewer's call
    if tier.fraction is None:
        return None  # fixed points: a tier rule
    return TargetMetRule("target_met", "", tier.fraction)


# Deductions per event and single conditions ---------------------------------------------------

_EVENT_UNITS = r"(?:起|项|例|个|次|处|家|村|件|宗|人次|条)"
# 每起扣30分, 每项(次)扣2分, 每村每发现一次扣1分, 对每个错填、漏填的进度节点,扣0.2分, 每起加扣5分, 每项扣2至5分,
# 每项最高扣15分, 出现1例未处理扣2分, 扣0.5分/个, 分别扣5分 (each of the cases listed)
_PER_EVENT_RE = re.compile(
    r"(?:每(?:有1)?[^\d,;扣]{0,24}?,?|出现(?:1|一)" + _EVENT_UNITS + r"[^\d,;扣]{0,6}?|(?P<each>分别))"
    r"(?:加)?(?P<most>最高|最多)?扣(?:除)?(?P<low>\d+(?:\.\d+)?)(?:[-~至到](?P<high>\d+(?:\.\d+)?))?分(?![、\d])"
    r"|扣(?P<low2>\d+(?:\.\d+)?)分/" + _EVENT_UNITS
)
_FLAT_DEDUCT_RE = re.compile(r"扣(?:除)?(\d+(?:\.\d+)?)分")
_HALVED_RE = re.compile(r"减半扣分|扣分减半")
_SCORE_LABEL_RE = re.compile(r"\(\d+(?:\.\d+)?分\)?|共\d+(?:\.\d+)?分")  # (5分), 共1分: the weight, not a score


def _parse_per_event(flat: str) -> Rule | None:
    if re.search(r"(?:加|奖)\d+(?:\.\d+)?分", flat.replace("加扣", "")) or "酌情" in flat:
        return None  # bonus points (每起加5分), or 酌情扣分 (a tier rule's discretion)
    body = _SCORE_LABEL_RE.sub("", flat)
    spans: list[tuple[float, float]] = []
    covered: list[tuple[int, int]] = []
    for match in _PER_EVENT_RE.finditer(body):
        if match.group("low2"):
            low = high = float(match.group("low2"))
        else:
            low = float(match.group("low"))
            high = float(match.group("high")) if match.group("high") else low
            if match.group("most"):
                low, high = 0.0, low
        spans.append((min(low, high), max(low, high)))
        covered.append(match.span())
    if not spans:
        return None
    if _HALVED_RE.search(body):
        spans += [(lo / 2, hi / 2) for lo, hi in spans]
    flat_amounts = [float(m.group(1)) for m in _FLAT_DEDUCT_RE.finditer(body)
                    if not any(a <= m.start() < b for a, b in covered)]
    scores = list(re.finditer(r"得\d|得满分|不得分|计\d", body))
    if scores and (len(scores) > 1 or "不得分" in scores[0].group(0) or scores[0].start() > covered[0][0]):
        return None  # scores as well as deductions: a tier rule (one full mark ahead of them is the weight)
    cap = _CAP_RE.search(flat)
    # 每项扣2至5分, 每项最高扣15分: how much each one costs is the reviewer's judgement
    kind = "qualitative" if any(lo != hi for lo, hi in spans) else "deduction"
    return DeductionRule(kind, "", spans, flat_amounts, float(cap.group(1)) if cap else None)


_FAIL_WORDS = ("未", "不", "没有", "无", "缺", "少于", "低于", "超过", "高于", "发生", "违")
_CONDITION_RE = re.compile(r"^(?P<cond>[^;]+?)(?:的)?,?扣(?:除)?(?P<amount>\d+(?:\.\d+)?)分$")
_LIMIT_RE = re.compile(r"(?P<op>少于|低于|不足|未达到|未达|超过|高于|多于|大于|小于)(?P<num>\d+(?:\.\d+)?)%?")


_REQUIRED_RE = re.compile(r"^(?P<cond>[^;]+?),?否则(?:(?P<zero>不得分)|扣(?P<amount>\d+(?:\.\d+)?)分)$")
_FLOOR_RE = re.compile(r"(?:达到|达|不低于|不少于|≥)(?P<num>\d+(?:\.\d+)?)%?(?:及以上|以上)?")


def _parse_condition(flat: str) -> Rule | None:
    body = _SCORE_LABEL_RE.sub("", flat).strip(";,。")
    required = _REQUIRED_RE.match(body)
    if required and not _SCORE_RE.search(required.group("cond")):
        # what must be met, and 否则 what is lost: the failing condition is falling short of each figure
        limits = [("high", float(m.group("num")), False) for m in _FLOOR_RE.finditer(required.group("cond"))]
        amount = None if required.group("zero") else float(required.group("amount"))
        return ConditionRule("all_or_nothing", "", "未达到：" + required.group("cond"), amount, limits)
    match = _CONDITION_RE.match(body)
    if not match or "每" in body or "分别" in body:
        return None
    cond = match.group("cond")
    if _SCORE_RE.search(cond) or not any(word in cond for word in _FAIL_WORDS):
        return None
    limits = []
    for limit in _LIMIT_RE.finditer(cond):
        side = "high" if limit.group("op") in ("少于", "低于", "不足", "未达到", "未达", "小于") else "low"
        limits.append((side, float(limit.group("num")), False))
    return ConditionRule("all_or_nothing", "", cond, float(match.group("amount")), limits)


# Tiered rules --------------------------------------------------------------------------------

_LEVELS_RE = re.compile(r"(好|优)[、,]?(中|良)[、,]?(差)(?:3|三)级.*?分值分别为(.+)$")
_WORDS_ZH = ("好", "中", "差")

# A score phrase closes a tier. Alternatives are tried in this order at each position of the text.
_SCORE_RE = re.compile(
    r"(?P<zero>不得分|不计分|不给分|得零分|计零分)"
    r"|(?P<nodeduct>不扣分)"
    r"|(?P<discretion>酌情(?:扣分|得分|给分|计分|扣减)|扣分)"
    r"|(?P<half>(?:得分|分值|得分值|得权重分)?减半|得(?:权重分|分值|该项分值)?(?:的)?一半(?:分值|分|权重分)?|得半分"
    r"|按(?:权重分|分值)?(?:的)?一半(?:计分|得分))"
    r"|(?P<full>(?:得|计|给|记|为)?满分)"
    r"|(?P<share>(?:得|按|计)(?:权重分|分值|权重|该项分值|满分)?(?:的)?" + _NUM + r"%(?:的)?(?:权重分|分值|权重)?(?:计分|得分)?)"
    r"|(?P<deduct>扣(?:除)?" + _NUM + r"分)"
    r"|(?P<paren>(?:(?<=以上)|(?<=以下)|(?<=%))\(" + _NUM + r"(?:[-~至到]" + _NUM + r")?\))"
    r"|(?P<points>(?:得|计|给|记)?" + _NUM + r"(?:[-~至到]" + _NUM + r")?分(?!以上|以下|及|[-~至到]|钟|率|值|数|制|档|类|\(?不?含|的?得|的?计))"
)


def _score_tier(match: re.Match, label: str) -> Tier:
    tier = Tier(label=label)
    if match.group("zero"):
        tier.fraction = 0.0
    elif match.group("nodeduct") or match.group("full"):
        tier.fraction = 1.0
    elif match.group("discretion"):
        tier.fraction, tier.discretion = 1.0, True
    elif match.group("half"):
        tier.fraction = 0.5
    elif match.group("share"):
        tier.fraction = float(re.search(_NUM + "%", match.group("share")).group(1)) / 100
    elif match.group("deduct"):
        tier.deduct = float(re.search(_NUM, match.group("deduct")).group(1))
    else:
        numbers = [float(n) for n in re.findall(_NUM, match.group("points") or match.group("paren"))]
        tier.points_low, tier.points_high = min(numbers), max(numbers)
        tier.reversed = numbers[0] > numbers[-1]
    return tier


def _points(segment: str) -> tuple[str, Tier] | None:
    """Split a text ending in a score into its condition and its score (None: it ends in none)."""
    seg = segment.strip(",:;、")
    last = None
    for match in _SCORE_RE.finditer(seg):
        last = match
    if last is None or last.end() != len(seg):
        return None
    return seg[: last.start()].strip(",:;、的"), _score_tier(last, segment)


_MARK_RE = re.compile(r"\(?(?P<neg>不)?(?:包)?含(?P<num>\d+(?:\.\d+)?)?%?(?:本数)?\)?")
_NUM_POS_RE = re.compile(r"\d+(?:\.\d+)?")
_LOW_CLOSED = ("大于等于", "大于或等于", "不低于", "不少于", "不小于", "达到", "至少", "≥", "高于或等于", "达")
_LOW_OPEN = ("大于", "超过", "高于", "多于", ">")
_HIGH_CLOSED = ("小于等于", "小于或等于", "不高于", "不超过", "不大于", "不多于", "控制在", "≤", "最多")
_HIGH_OPEN = ("小于", "低于", "不足", "少于", "未达到", "未达", "未满", "不满", "不到", "<")


def _op_before(text: str, at: int) -> tuple[str, bool] | None:
    """The comparison word just before position ``at``: ('low'|'high', closed)."""
    head = text[:at]
    words = [(w, "low", True) for w in _LOW_CLOSED] + [(w, "low", False) for w in _LOW_OPEN] + \
            [(w, "high", True) for w in _HIGH_CLOSED] + [(w, "high", False) for w in _HIGH_OPEN]
    best = None
    for word, side, closed in words:
        pos = head.rfind(word)
        if pos >= 0 and pos + len(word) >= len(head) - 8 and not re.search(r"\d", head[pos + len(word):]):
            if best is None or pos + len(word) > best[0] or (pos + len(word) == best[0] and len(word) > best[1]):
                best = (pos + len(word), len(word), side, closed)
    return (best[2], best[3]) if best else None


def _condition(cond: str, tier: Tier) -> bool:
    """Fill the tier's numeric bounds or words from its condition text; False if nothing usable."""
    # 发现一次的 / 发现有两次及以上的: a count written in words is a count
    text = re.sub(r"([一两二三四五六七八九十])(?=次|起|项|例|处|家|个(?!月))", lambda m: f"{_CN_DIGITS[m.group(1)]:g}", cond)
    if re.search(r"\d+(?:个月|天|日|小时|个工作日)内[^\d]*(?:未|不)", text) and len(_NUM_POS_RE.findall(text)) == 1:
        # 因人事变动，分管领导3个月内未明确: a deadline in the wording of a case, not a bound on the actual
        tier.words = tuple(w for w in re.split(r"[,、;或]", cond) if w)
        return True
    if any(word in text for word in ("全额", "足额", "全部")) and not re.search(r"\d", text):
        tier.low, tier.low_incl, tier.words = 100.0, True, (text,)
        return True
    # 含 / 不含 marks: with a number they settle that number's edge; without, the number just before.
    marks: list[tuple[float | None, bool, int]] = []
    for match in _MARK_RE.finditer(text):
        if match.group("num") is None and not match.group(0).startswith("(") and not match.group("neg"):
            continue  # a bare 含 inside a word (包含, 含有) is no mark
        before = [float(n.group(0)) for n in _NUM_POS_RE.finditer(text[: match.start()])]
        number = float(match.group("num")) if match.group("num") else (before[-1] if before else None)
        marks.append((number, not match.group("neg"), match.start()))
    text = _MARK_RE.sub(lambda m: "" if (m.group("num") or m.group(0).startswith("(") or m.group("neg")) else m.group(0),
                        text)
    numbers = list(re.finditer(rf"{_NUM}(%?)", text))

    def settled(number: float, default: bool | None) -> bool | None:
        for value, closed, _ in marks:
            if value == number:
                return closed
        return default

    if len(numbers) >= 2:
        first, second = numbers[0], numbers[1]
        low, high = float(first.group(1)), float(second.group(1))
        between = text[first.end(): second.start()]
        if re.fullmatch(r"[-~至到]", between):  # a range: 80%-90%, 60~90%, 1-4人
            tier.low, tier.high = min(low, high), max(low, high)
            tier.low_incl, tier.high_incl = settled(tier.low, None), settled(tier.high, None)
            return True
        # two-sided: ≥80%且<90%, 大于80%小于等于90%, 80%≤完成率<90%
        one, two = _op_before(text, first.start()), _op_before(text, second.start())
        lead = re.match(r"^(<|≤)", between)
        if lead and one is None:
            one = ("low", lead.group(1) == "≤")
        if one and two and one[0] == "low" and two[0] == "high" and low <= high:
            tier.low, tier.low_incl = low, settled(low, one[1])
            tier.high, tier.high_incl = high, settled(high, two[1])
            return True
        lower_ends = [m for m in numbers[:2] if re.match(r"^%?(?:及以上|以上)", text[m.end():])]
        if len(lower_ends) == 2:
            # 完成50%及以上(IO)完成30%以上: two tiers run together, one without a score it can be read by
            raise RuleUnparsed(cond, "评分标准中有档次缺少可辨认的分值，需人工评分")
    if numbers:
        number = numbers[0]
        value = float(number.group(1))
        after = text[number.end():]
        op = _op_before(text, number.start())
        if re.search(r"(?<![≥≤<>])(?:=|等于)$", text[: number.start()]) and op is None:
            # 预算调整率=0: that value alone
            tier.low = tier.high = value
            tier.low_incl = tier.high_incl = True
            return True
        if op is not None:
            side, closed = op
        elif re.match(r"^[^\d,;]{0,6}?(?:及以上|以上\(含\)|以上)", after):
            side, closed = "low", (True if re.match(r"^[^\d,;]{0,6}?及以上", after) else None)
        elif re.match(r"^[^\d,;]{0,6}?(?:及以下|以内|及以内)", after):
            side, closed = "high", True
        elif re.match(r"^[^\d,;]{0,6}?以下", after):
            side, closed = "high", None
        else:
            side, closed = "low", True  # a bare figure: reaching it (完成率100%得满分)
        if side == "low":
            tier.low, tier.low_incl, tier.high = value, settled(value, closed), None
        else:
            tier.high, tier.high_incl, tier.low = value, settled(value, closed), None
        return True
    words = [w for w in re.split(r"[,、;或]", text) if w]
    if words:
        tier.words = tuple(words)
        return True
    return False


_EACH_LIMIT_RE = re.compile(
    r"(?P<op>低于|少于|不足|未达到|高于|超过|多于)(?P<nums>\d+(?:\.\d+)?%?(?:、\d+(?:\.\d+)?%?)+)的?,?"
    r"分别扣(?P<amounts>\d+(?:\.\d+)?分(?:、\d+(?:\.\d+)?分)+)$")


def _parse_each_limit(flat: str) -> Rule | None:
    """低于80%、70%、60%的，分别扣1分、2分、3分: a tier per figure, each figure's deduction from it down (up)
    to the next; the far side of the first figure keeps full marks. 低于 / 高于 leave their figure out."""
    match = _EACH_LIMIT_RE.search(flat.strip(";,。"))
    if not match:
        return None
    nums = [float(n.rstrip("%")) for n in match.group("nums").split("、")]
    amounts = [float(a.rstrip("分")) for a in match.group("amounts").split("、")]
    if len(nums) != len(amounts):
        return None
    below = match.group("op") in ("低于", "少于", "不足", "未达到")
    order = sorted(range(len(nums)), key=lambda i: nums[i], reverse=below)
    nums, amounts = [nums[i] for i in order], [amounts[i] for i in order]
    tiers = []
    first = nums[0]
    label = f"{'不低于' if below else '不高于'}{first:g}"
    tiers.append(Tier(label, low=first if below else None, high=None if below else first,
                      low_incl=True, high_incl=True, fraction=1.0))
    for i, (num, amount) in enumerate(zip(nums, amounts)):
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        if below:
            tier = Tier(f"低于{num:g}：扣{amount:g}分", low=nxt, high=num, low_incl=True, high_incl=False, deduct=amount)
        else:
            tier = Tier(f"高于{num:g}：扣{amount:g}分", low=num, high=nxt, low_incl=False, high_incl=True, deduct=amount)
        tiers.append(tier)
    return TiersRule("tiers", "", tiers, "%" in match.group("nums"))


def _parse_tiers(flat: str) -> Rule | None:
    each = _parse_each_limit(flat)
    if each is not None:
        return each
    flat = re.sub(r"^\d{1,2}[.、](?!\d)", "", flat)  # an item number (2.根据…), not a bound
    flat = flat.strip("(;。,")
    if flat.endswith(")") and flat.count(")") > flat.count("("):
        flat = flat[:-1]
    levels = _LEVELS_RE.search(flat)
    if levels:
        parts = [p.strip("()") for p in re.split(r"[、,]", levels.group(4).strip(";。,()")) if p]
        if len(parts) >= 3:
            tiers = []
            for word, part in zip(_WORDS_ZH, parts[:3]):
                found = _points(part)
                if found is None:
                    return None
                _, tier = found
                tier.words, tier.label = (word,), f"{word}：{part}"
                tiers.append(tier)
            return TiersRule("tiers", "", tiers, False)
    # Each score phrase closes a tier; its condition is the text since the previous score.
    tiers = []
    start = 0
    for match in _SCORE_RE.finditer(flat):
        piece = flat[start: match.start()]
        label = flat[start: match.end()].strip(",:;、")
        start = match.end()
        # a leading preamble such as "评价标准为3级:" or "根据…分为3级:" carries no band
        piece = re.sub(r"^.*?(?:分为|标准为)(?:3|三|四|4|五|5)(?:级|档|个档次):?", "", piece)
        cond = piece.strip(",:;、()的则")
        if not cond:
            continue
        tier = _score_tier(match, label)
        if not _condition(cond, tier):
            continue
        tiers.append(tier)
    if len(tiers) < 2:
        return None
    percent = "%" in flat
    return TiersRule("all_or_nothing" if _all_or_nothing(tiers) else "tiers", "", tiers, percent)


def _all_or_nothing(tiers: list[Tier]) -> bool:
    """Two worded tiers, one all the points and the other none (齐全的得2分,不齐全的扣2分; …得5分；出现不配合现象
    不得分): the family is all or nothing, scored by the words of each side."""
    if len(tiers) != 2 or any(t.numeric() or not t.words or t.discretion for t in tiers):
        return False

    def full(t: Tier) -> float | None:  # the points of a full tier (inf: 满分), else None
        if t.fraction == 1.0:
            return float("inf")
        if t.points_low is not None and t.points_low == t.points_high:
            return t.points_low
        return None

    for one, other in ((tiers[0], tiers[1]), (tiers[1], tiers[0])):
        points = full(one)
        if points is None:
            continue
        if other.fraction == 0.0 or (other.deduct is not None and points != float("inf") and other.deduct >= points):
            return True
    return False
