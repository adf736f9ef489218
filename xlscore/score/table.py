"""Score a workbook's scoring table: every indicator, the weights, the totals and the grade."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings.finding import Finding, make
from ..findings.report import StatedGrade
from ..findings.tolerance import POINTS
from ..read.book import Book
from ..read.textnum import norm
from ..tables.labels import ROW_ZH
from ..tables.reading import table_blank
from ..tables.scoresheet import IndicatorRow, ScoreSheet, read
from ..tables.weights import weight_findings
from . import scheme as scheme_mod
from .row import FUND_ROW_BY_NAME, Scored, r2, score_row
from .rules import RuleUnparsed, parse


@dataclass
class Scoring:
    """A scoring table scored: the review of every row, totals, grade and findings."""

    table: ScoreSheet
    scheme: object | None
    results: list[tuple[IndicatorRow, Scored]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    grade: dict = field(default_factory=dict)

    def indicators(self) -> list[dict]:
        out = []
        for row, scored in self.results:
            out.append({
                "level1": row.level1,
                "level2": row.level2,
                "name": row.name,
                "weight": row.weight.value,
                "target": row.target.text or None,
                "actual": row.actual.text or None,
                "self_score": row.self_score.value,
                "review_score": scored.review,
                "review_actual": scored.review_actual,
                "review_note": scored.note,
                "reviewed": _unreviewed(row, scored) is None,
                "rule": row.rule,
                "rule_kind": scored.rule.kind if scored.rule is not None else None,
                "sheet": row.sheet,
                "row": row.row + 1,
            })
        return out


def _scheme_for(table: ScoreSheet, scheme_id: str | None):
    if isinstance(scheme_id, scheme_mod.Scheme):
        return scheme_id
    if scheme_id:
        return scheme_mod.load(scheme_id)
    return scheme_mod.detect(table.level1_names(), [row.name for row in table.rows])


def prepare(book: Book, scheme_id: str | None = None, extra_weight: float = 0.0) -> tuple[ScoreSheet, object | None] | None:
    """The scoring table and its scheme (named, or detected from the table), before any scoring:
    the scheme also sets thresholds the fund reconciliation uses. ``extra_weight``: the weight of
    an indicator scored outside the table (the national form's 预算执行率 line)."""
    table = read(book, extra_weight)
    if table is None:
        return None
    return table, _scheme_for(table, scheme_id)


def score_table(table: ScoreSheet, scheme, fund: dict | None, extra_rows: list[IndicatorRow] = (),
                stated: list[StatedGrade] = ()) -> Scoring:
    """Score every row; ``extra_rows`` (the national form's 预算执行率 line) come first. ``stated`` is
    the grades the header block states (see :mod:`header`), checked like the table's 评价等级 row."""
    scoring = Scoring(table, scheme, findings=list(table.findings))
    if scheme is None:
        scoring.findings.append(make("SCHEME_UNKNOWN", table.sheet, None))
    # Rows a department left wholly empty (a template's unused indicators) are not its indicators.
    table.rows = [*extra_rows, *(r for r in table.rows
                                 if r.weight.value is not None or r.actual.text or r.self_score.value is not None)]
    if not any(r.actual.text or r.self_score.value is not None for r in table.rows):
        scoring.findings.append(table_blank(table.sheet, "自评价评分附件表"))
        blank = "评分表未填写：没有得分可评定等级"
        scoring.grade = {"stated": table.grade, "self": None, "review": None, "self_withheld": blank,
                         "review_withheld": blank,
                         "stated_header": [g.to_dict() for g in _header_grades(table, stated)]}
        return scoring
    for row in table.rows:
        spec = scheme.indicator(row.name) if scheme is not None else None
        scored = score_row(row, spec, scheme, fund)
        scoring.results.append((row, scored))
        _row_findings(scoring, row, spec, scored, scheme)
    _weights(scoring)
    _totals(scoring, stated)
    return scoring


def _row_findings(scoring: Scoring, row: IndicatorRow, spec, scored: Scored, scheme) -> None:
    add = scoring.findings.append
    sheet, name, cells = row.sheet, row.name, row.cells
    weight, self_score = row.weight.value, row.self_score.value
    if weight is None:
        add(make("WEIGHT_MISSING", sheet, row.weight.ref or cells.get("weight"), indicator=name))
    if scored.unparsed is not None:
        add(make("RULE_UNPARSED", sheet, row.rule_ref or cells.get("rule"), indicator=name, text=scored.unparsed))
    if spec is not None and getattr(spec, "rule", None) and row.rule:
        try:
            differs = parse(row.rule).signature() != parse(spec.rule).signature()
        except RuleUnparsed:  # the sheet's own text unreadable: the scheme's rule is used, and said so
            differs = True
        if differs:
            add(make("RULE_SCHEME_CONFLICT", sheet, cells.get("rule"), indicator=name,
                     scheme=getattr(scheme, "id", ""), scheme_rule=spec.rule))
    if scored.fund_conflict is not None:
        stated, figure = scored.fund_conflict
        add(make("INDICATOR_FUND_MISMATCH", sheet, cells.get("actual"), indicator=name,
                 stated=f"{stated:.2f}%", figure=f"{figure:.2f}%", row=ROW_ZH.get(getattr(spec, "fund_row", None) or FUND_ROW_BY_NAME.get(norm(name), ""), "")))
    if scored.missing_actual:
        add(make("ACTUAL_MISSING", sheet, cells.get("actual"), indicator=name))
    if not row.source and "source" in cells:
        add(make("SOURCE_MISSING", sheet, cells.get("source"), indicator=name))
    if ("deviation" in scoring.table.cols and scored.review is not None and weight is not None
            and scored.review < weight - POINTS and not row.deviation and (row.sheet != scoring.table.sheet or row.row > scoring.table.header_row)):
        add(make("DEVIATION_MISSING", sheet, cells.get("deviation"), indicator=name,
                 review=f"{scored.review:g}", weight=f"{weight:g}"))
    if scored.too_low is not None:
        add(make("TARGET_TOO_LOW", sheet, cells.get("target"), indicator=name, actual=row.actual.shown,
                 target=row.target.text, ratio=f"{scored.too_low:.1f}"))
    if (scored.overshoot is not None and "deviation" in scoring.table.cols and not norm(row.deviation)
            and (row.sheet != scoring.table.sheet or row.row > scoring.table.header_row)):
        add(make("OVERSHOOT_UNEXPLAINED", sheet, cells.get("deviation") or cells.get("actual"), indicator=name,
                 actual=row.actual.shown, target=row.target.text or getattr(spec, "target", "") or "",
                 ratio=f"{scored.overshoot:.2f}", limit=f"{getattr(scheme, 'overshoot_ratio', None) or 1.3:g}"))
    if weight is not None and self_score is not None and self_score > weight + POINTS:
        add(make("SCORE_OVER_WEIGHT", sheet, row.self_score.ref, indicator=name,
                 score=f"{self_score:g}", weight=f"{weight:g}"))
    if scored.manual is not None:
        low, high = scored.manual
        add(make("MANUAL_REVIEW", sheet, cells.get("actual"), indicator=name, note=scored.note))
    if scored.review is not None and self_score is not None and abs(self_score - scored.review) > POINTS:
        add(make("SCORE_MISMATCH", sheet, row.self_score.ref, indicator=name, self_score=f"{self_score:g}",
                 review=f"{scored.review:g}", reason=scored.note))
    if scored.review is not None and self_score is None:
        add(make("SCORE_MISSING", sheet, row.self_score.ref or cells.get("self_score"), indicator=name,
                 review=f"{scored.review:g}"))


def _weights(scoring: Scoring) -> None:
    table = scoring.table
    if table.weights_in_doubt:
        return  # the columns in doubt are reported once (LAYOUT_AMBIGUOUS), not as every sum they break
    scoring.findings += weight_findings(table.rows, table.total_sheet, table.total_weight)


FULL_MARKS = 100.0
NAMES_SHOWN = 3  # indicators named in a reason before "等 N 项"


def _unreviewed(row: IndicatorRow, scored: Scored) -> str | None:
    """Why a row's review score is not a review (None when it is): no weight, a rule that could
    not be read, a judgement left to the reviewer (whatever figure stands in for it meanwhile —
    the department's own score kept, or the nearest edge of a band), or no score at all."""
    if row.weight.value is None:
        return "未填写权重"
    if scored.unparsed is not None:
        return "评分标准无法识别"
    if scored.manual is not None:
        return "需人工复核"
    if scored.review is None:
        return "无法评分"
    return None


def _pending_range(reviewed_total: float, pending: list[tuple[IndicatorRow, Scored, str]]) -> list[float] | None:
    """[lowest, highest] review total once the pending rows are scored: each within its band
    (or 0 to its weight); None when a pending row has no weight to bound it."""
    low = high = reviewed_total
    for row, scored, _ in pending:
        if scored.manual is not None:
            band = scored.manual
        elif row.weight.value is not None:
            band = (0.0, row.weight.value)
        else:
            return None
        low, high = low + band[0], high + band[1]
    return [r2(low), r2(high)]


def _named(items: list[str]) -> str:
    shown = "、".join(items[:NAMES_SHOWN])
    return shown + (f" 等 {len(items)} 项" if len(items) > NAMES_SHOWN else "")


def _final_grade(scheme, total: float | None, who: str, pending=(), span=None) -> tuple[str | None, str | None]:
    """(grade, None), or (None, why no grade is given): ``<short reason>：<details>``, several
    joined by "；" (the summary workbook shows the short reasons)."""
    if total is None:
        return None, "没有得分：评分表中没有可评分的指标"
    if scheme is None:
        return None, "未识别指标体系：不知道等级档次"
    reasons = []
    if pending:
        items = [f"{row.name}：{why}" for row, _, why in pending]
        after = f"，人工复核后在 {span[0]:.2f}–{span[1]:.2f} 分之间" if span else ""
        reasons.append(f"复核未完成：{len(pending)} 项指标需人工评分（{_named(items)}），"
                       f"复核总分 {total:.2f} 分未含这些指标{after}")
    if total > FULL_MARKS + POINTS:
        reasons.append(f"总分超过满分：{who}总分 {total:.2f} 分超过满分 {FULL_MARKS:g} 分"
                       "（请核对各指标的权重和得分）")
    if reasons:
        return None, "；".join(reasons)
    return scheme.grade(total), None


def _attainable(scheme, low: float, high: float) -> list[str]:
    """The grades a total between ``low`` and ``high`` can earn, highest first."""
    names = [band.name for band in scheme.grades]
    return names[names.index(scheme.grade(high)):names.index(scheme.grade(low)) + 1]


def _row_of(ref: str | None) -> int | None:
    digits = "".join(ch for ch in ref or "" if ch.isdigit())
    return int(digits) if digits else None


def _header_grades(table: ScoreSheet, stated) -> list[StatedGrade]:
    """The header block's stated grades, less the scoring table's own 评价等级 row (read there)."""
    grades = list(stated or ())
    if table.grade is None:
        return grades
    return [g for g in grades if not (g.sheet == table.total_sheet and _row_of(g.cell) == _row_of(table.grade_ref))]


def _totals(scoring: Scoring, stated=()) -> None:
    table, scheme = scoring.table, scoring.scheme
    rows = [row for row, _ in scoring.results]
    self_total = r2(sum(r.self_score.value or 0 for r in rows)) if rows else None
    judged = [(row, scored, _unreviewed(row, scored)) for row, scored in scoring.results]
    pending = [item for item in judged if item[2] is not None]
    # the review total is what the review decided: a pending row's stand-in figure is not in it
    review_total = r2(sum(scored.review for _, scored, why in judged if why is None)) if rows else None
    span = _pending_range(review_total, pending) if pending and review_total is not None else None
    scoring.totals = {
        "weight": r2(sum(r.weight.value or 0 for r in rows)),
        "self_score": self_total,
        "review_score": review_total,
        "review_complete": not pending,
        "unreviewed": [row.name for row, _, _ in pending],
        "review_range": span,
        "stated": table.total_self.value,
    }
    stated_total = table.total_self
    if stated_total.value is not None and self_total is not None and abs(stated_total.value - self_total) > POINTS:
        scoring.findings.append(make("TOTAL_MISMATCH", table.total_sheet, stated_total.ref, stated=f"{stated_total.value:g}",
                                     expected=f"{self_total:g}"))
    self_grade, self_withheld = _final_grade(scheme, self_total, "自评")
    review_grade, review_withheld = _final_grade(scheme, review_total, "复核", pending, span)
    header_grades = _header_grades(table, stated)
    scoring.grade = {
        "stated": table.grade,
        "self": self_grade,
        "review": review_grade,
        "self_withheld": self_withheld,
        "review_withheld": review_withheld,
        "stated_header": [g.to_dict() for g in header_grades],
    }
    if scheme is None or review_total is None:
        return
    if review_grade is not None:
        expected, total_text = [review_grade], f"{review_total:g}"
    elif span is not None and span[1] <= FULL_MARKS + POINTS:
        # not yet complete, but some grades are out of reach whatever the pending rows score
        expected = _attainable(scheme, span[0], span[1])
        total_text = f"{span[0]:g}–{span[1]:g}（{len(pending)} 项指标需人工评分）"
    else:
        return
    bands = "、".join(f"{g.name}≥{g.min:g}" for g in scheme.grades)
    statements = [(table.grade, table.total_sheet, table.grade_ref)] if table.grade else []
    statements += [(g.text, g.sheet, g.cell) for g in header_grades]
    for text, sheet, ref in statements:
        named = scheme.grade_named(text)
        if (named.name if named is not None else text) not in expected:
            scoring.findings.append(make("GRADE_MISMATCH", sheet, ref, stated=text, total=total_text,
                                         expected="或".join(expected), bands=bands))
