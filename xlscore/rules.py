"""Scoring rules (评分标准) read from their Chinese text.

Every rule family the seeds print becomes one of these rule objects:

* :class:`LinearRule` — 业绩值为100%得满分，每降低1%扣权重分的1%，扣完为止
* :class:`CountRule` — 业绩值为3得满分，每降低1扣权重分的33.33%（或1/3），扣完为止
* :class:`ElementsRule` — 具备要素1得30%权重分…; 具备要素1得50%，其余要素每符合一项增加6.25%;
  具备1个要素得20%权重分。如果缺要素4或缺要素5本指标不得分; 具备要素1~8得6.25%，具备要素9得50%
* :class:`TiersRule` — 全额到位得满分；到位率≥70%得分减半；70%以下不得分; ≥50: 4分; 20-50: 3分;
  好、中、差3级，分值分别为3分、1-2分、0分; 按时完成…90%以上，4分；60~90%（不含90%），2-3分 …
* :class:`TargetRule` — no rule text: a quantitative (≥7%, =100%, 800, ≤5%) or qualitative (及时,
  有效, 提升…) target decides.

:func:`parse` raises :class:`RuleUnparsed` for a text it cannot read — never a silent zero or full mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .textnum import norm


class RuleUnparsed(ValueError):
    def __init__(self, text: str, why: str = ""):
        super().__init__(text)
        self.text = text
        self.why = why


_NUM = r"(\d+(?:\.\d+)?)"


def _text(text: str) -> str:
    """Rule text for matching: NFKC, no spaces, Chinese punctuation unified."""
    flat = norm(text)
    for a, b in (("\\geq", "≥"), ("\\leq", "≤"), ("\\%", "%"), ("$", ""), ("（", "("), ("）", ")"),("；", ";"), ("。", ";"), ("，", ","), ("：", ":"), ("～", "~"), ("—", "-"), ("–", "-"),
                 ("－", "-"), ("≧", "≥"), (">=", "≥"), ("≦", "≤"), ("<=", "≤")):
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
    """Full marks at ``full`` percent; each ``step`` percent below deducts ``deduct`` % of the weight."""

    full: float = 100.0
    step: float = 1.0
    deduct: float = 1.0

    def fraction(self, actual: float) -> float:
        if actual >= self.full:
            return 1.0
        return max(0.0, 1.0 - (self.full - actual) / self.step * self.deduct / 100.0)

    def signature(self) -> tuple:
        return (self.kind, self.full, self.step, round(self.deduct, 4))


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
class Tier:
    """One band of a tiered rule: a condition on the actual and the points it earns.

    ``low``/``high`` bound a numeric actual (``low_incl``/``high_incl`` say whether the edge belongs);
    ``words`` match a textual actual. Points are ``points`` (fixed) or the range ``points_low``–
    ``points_high``; ``fraction`` is used instead where the rule speaks of 满分/减半/不得分.
    """

    label: str
    low: float | None = None
    high: float | None = None
    low_incl: bool = True
    high_incl: bool = False
    words: tuple[str, ...] = ()
    points_low: float | None = None
    points_high: float | None = None
    fraction: float | None = None
    discretion: bool = False  # 酌情扣分: below full marks, amount left to the reviewer

    def numeric(self) -> bool:
        return self.low is not None or self.high is not None

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and not self.low_incl)):
            return False
        if self.high is not None and (value > self.high or (value == self.high and not self.high_incl)):
            return False
        return True

    def band(self, weight: float) -> tuple[float, float]:
        if self.fraction is not None:
            if self.discretion:
                return (0.0, weight * self.fraction)
            return (weight * self.fraction, weight * self.fraction)
        return (self.points_low, self.points_high)


@dataclass
class TiersRule(Rule):
    """A rule of tiers: points by the band the actual value falls in."""

    tiers: list[Tier] = field(default_factory=list)
    percent: bool = False  # numeric conditions are percentages

    def top_points(self, weight: float) -> float:
        return max(t.band(weight)[1] for t in self.tiers)

    def signature(self) -> tuple:
        return (self.kind, tuple((t.low, t.high, t.words, t.points_low, t.points_high, t.fraction) for t in self.tiers))


@dataclass
class TargetRule(Rule):
    """No usable rule text: the target's form decides (quantitative or qualitative)."""


# --- parsing -----------------------------------------------------------------------------------

_LINEAR_RE = re.compile(
    rf"(?:业绩值|完成率|实际值|执行率)?(?:为|达到|≥)?{_NUM}%(?:及以上)?(?:的)?得满分,?每(?:降低|减少|下降|低){_NUM}(?:%|个百分点)"
    rf"(?:的)?扣(?:除)?(?:权重分|该项分值|分值|权重)?的?{_NUM}%"
)
_COUNT_RE = re.compile(
    rf"(?:业绩值|要素|得分要素)?(?:为|达到)?{_NUM}(?:个|项)?(?:要素)?得满分,?每(?:降低|减少|缺少|少)(?:1|一)(?:个|项)?(?:要素)?扣(?:除)?(?:权重分|分值)?的?"
    rf"(?:{_NUM}%|(\d+)/(\d+))"
)
_EL_EACH_RE = re.compile(rf"具备(?:1|一)个(?:得分)?要素得{_NUM}%")
_EL_ONE_RE = re.compile(rf"具备要素{_NUM}得{_NUM}%")
_EL_RANGE_RE = re.compile(rf"具备要素(\d+)[~\-至到](\d+)(?:各|每项|每个)?得{_NUM}%")
_EL_REST_RE = re.compile(rf"其余(?:要素|各要素)?每(?:符合|具备|满足)(?:一|1)项(?:增加|得|加){_NUM}%")
_EL_VETO_RE = re.compile(r"缺(?:少)?要素(\d+)")


def parse(text: str | None) -> Rule:
    """Read a rule text. Empty text gives a :class:`TargetRule`; unreadable text raises RuleUnparsed.

    Rules are read once per distinct text (a batch meets the same template's rules in every file);
    the Rule returned is shared and must not be changed."""
    found = _parse_cached(text)
    if isinstance(found, RuleUnparsed):
        raise RuleUnparsed(found.text, found.why)
    return found


@lru_cache(maxsize=4096)
def _parse_cached(text: str | None) -> Rule | RuleUnparsed:
    try:
        return _parse(text)
    except RuleUnparsed as exc:
        return exc


def _parse(text: str | None) -> Rule:
    if text is None or not norm(text):
        return TargetRule("target", "")
    flat = _text(text)
    for parser in (_parse_linear, _parse_count, _parse_elements, _parse_tiers):
        rule = parser(flat)
        if rule is not None:
            rule.text = str(text)
            return rule
    raise RuleUnparsed(str(text), "无法识别的评分标准")


def _parse_linear(flat: str) -> Rule | None:
    match = _LINEAR_RE.search(flat)
    if not match:
        return None
    return LinearRule("linear", "", float(match.group(1)), float(match.group(2)), float(match.group(3)))


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


# Tiered rules --------------------------------------------------------------------------------

_POINTS_RE = re.compile(rf"{_NUM}(?:\s*[-~至到]\s*{_NUM})?分$")
_LEVELS_RE = re.compile(r"(好|优)[、,]?(中|良)[、,]?(差)(?:3|三)级.*?分值分别为(.+)$")
_WORDS_ZH = ("好", "中", "差")


def _points(segment: str) -> tuple[str, Tier] | None:
    """Split a band segment into its condition and its score."""
    seg = segment.strip(",:;")
    tier = Tier(label=segment)
    for word, fraction in (("不得分", 0.0), ("得分减半", 0.5), ("减半", 0.5), ("得满分", 1.0), ("满分", 1.0)):
        if seg.endswith(word):
            tier.fraction = fraction
            return seg[: -len(word)].strip(",:;的"), tier
    if re.search(r"酌情扣分$|扣分$", seg):
        tier.fraction, tier.discretion = 1.0, True
        return re.sub(r"酌情扣分$|扣分$", "", seg).strip(",:;的"), tier
    match = _POINTS_RE.search(seg)
    if match:
        low = float(match.group(1))
        high = float(match.group(2)) if match.group(2) else low
        tier.points_low, tier.points_high = min(low, high), max(low, high)
        return seg[: match.start()].strip(",:;，的"), tier
    return None


_RANGE_RE = re.compile(rf"{_NUM}(%?)\s*[-~至到]\s*{_NUM}(%?)")
_GE_RE = re.compile(rf"≥\s*{_NUM}(%?)")
_LE_RE = re.compile(rf"≤\s*{_NUM}(%?)")
_ABOVE_RE = re.compile(rf"{_NUM}(%?)(及)?以上")
_BELOW_RE = re.compile(rf"(?:不足|低于|少于)[^\d]*?{_NUM}(%?)|{_NUM}(%?)(及)?以下")


def _condition(cond: str, tier: Tier) -> bool:
    """Fill the tier's numeric bounds or words from its condition text; False if nothing usable."""
    text = cond
    if any(word in text for word in ("全额", "足额", "全部")) and not re.search(r"\d", text):
        tier.low, tier.low_incl, tier.words = 100.0, True, (text,)
        return True
    exclusive_high = "不含" in text
    text = re.sub(r"[(（]不含[^)）]*[)）]", "", text)
    match = _RANGE_RE.search(text)
    if match:
        tier.low, tier.high = float(match.group(1)), float(match.group(3))
        tier.low_incl, tier.high_incl = True, not exclusive_high
        return True
    match = _GE_RE.search(text)
    if match:
        tier.low, tier.low_incl = float(match.group(1)), True
        return True
    match = _LE_RE.search(text)
    if match:
        tier.high, tier.high_incl = float(match.group(1)), True
        return True
    match = _ABOVE_RE.search(text)
    if match:
        tier.low, tier.low_incl = float(match.group(1)), bool(match.group(3)) or True
        return True
    match = _BELOW_RE.search(text)
    if match:
        number = match.group(1) or match.group(3)
        tier.high, tier.high_incl = float(number), bool(match.group(5))
        return True
    words = [w for w in re.split(r"[,、;或]", text) if w]
    if words:
        tier.words = tuple(words)
        return True
    return False


def _parse_tiers(flat: str) -> Rule | None:
    flat = flat.strip(")(;。,")
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
    # Band segments separated by ; (and by , when a band's score closes it).
    segments = [s for s in re.split(r";", flat) if s]
    pieces: list[str] = []
    for segment in segments:
        for piece in (p for p in re.split(r"(?<=分),", segment) if p):
            if _POINTS_RE.fullmatch(piece) and pieces:
                pieces[-1] += piece  # "条件;2分" — the score stands in a segment of its own
            else:
                pieces.append(piece)
    tiers = []
    for piece in pieces:
        # a leading preamble such as "评价标准为3级:" or "根据…分为3级:" carries no band
        piece = re.sub(r"^.*?(?:分为|标准为)(?:3|三)级:?", "", piece)
        found = _points(piece.strip("()"))
        if found is None:
            continue
        cond, tier = found
        if not cond or not _condition(cond, tier):
            continue
        tiers.append(tier)
    if len(tiers) < 2:
        return None
    percent = "%" in flat
    return TiersRule("tiers", "", tiers, percent)
