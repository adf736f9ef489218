"""Score a workbook's scoring table: every indicator, the weights, the totals and the grade."""

from __future__ import annotations

from dataclasses import dataclass, field

from .book import Book
from .findings import Finding, make
from .labels import ROW_ZH
from .rules import RuleUnparsed, parse
from .score import FUND_ROW_BY_NAME, TOLERANCE, Scored, r2, score_row
from .textnum import norm
from .scoresheet import IndicatorRow, ScoreSheet, read
from .weights import weight_findings


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
                "rule": row.rule,
                "rule_kind": scored.rule.kind if scored.rule is not None else None,
                "sheet": row.sheet,
                "row": row.row + 1,
            })
        return out


def _scheme_for(table: ScoreSheet, scheme_id: str | None):
    try:
        from . import scheme as scheme_mod
    except ImportError:  # pragma: no cover - during bootstrap only
        return None
    if isinstance(scheme_id, scheme_mod.Scheme):
        return scheme_id
    if scheme_id:
        return scheme_mod.load(scheme_id)
    return scheme_mod.detect(table.level1_names(), [row.name for row in table.rows])


def _grade(scheme, total: float | None) -> str | None:
    if total is None or scheme is None:
        return None
    return scheme.grade(total)


def prepare(book: Book, scheme_id: str | None = None) -> tuple[ScoreSheet, object | None] | None:
    """The scoring table and its scheme (named, or detected from the table), before any scoring:
    the scheme also sets thresholds the fund reconciliation uses."""
    table = read(book)
    if table is None:
        return None
    return table, _scheme_for(table, scheme_id)


def score_table(table: ScoreSheet, scheme, fund: dict | None, extra_rows: list[IndicatorRow] = ()) -> Scoring:
    """Score every row; ``extra_rows`` (the national form's 预算执行率 line) come first."""
    scoring = Scoring(table, scheme, findings=list(table.findings))
    if scheme is None:
        scoring.findings.append(make("SCHEME_UNKNOWN", table.sheet, None))
    # Rows a department left wholly empty (a template's unused indicators) are not its indicators.
    table.rows = [*extra_rows, *(r for r in table.rows
                                 if r.weight.value is not None or r.actual.text or r.self_score.value is not None)]
    if not any(r.actual.text or r.self_score.value is not None for r in table.rows):
        scoring.findings.append(make("TABLE_BLANK", table.sheet, None, table="自评价评分附件表"))
        scoring.grade = {"stated": table.grade, "self": None, "review": None}
        return scoring
    for row in table.rows:
        spec = scheme.indicator(row.name) if scheme is not None else None
        scored = score_row(row, spec, scheme, fund)
        scoring.results.append((row, scored))
        _row_findings(scoring, row, spec, scored, scheme)
    _weights(scoring)
    _totals(scoring)
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
            own = parse(row.rule)
            if own.signature() != parse(spec.rule).signature():
                add(make("RULE_SCHEME_CONFLICT", sheet, cells.get("rule"), indicator=name,
                         scheme=getattr(scheme, "id", ""), scheme_rule=spec.rule))
        except RuleUnparsed:
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
            and scored.review < weight - TOLERANCE and not row.deviation and row.row > scoring.table.header_row):
        add(make("DEVIATION_MISSING", sheet, cells.get("deviation"), indicator=name,
                 review=f"{scored.review:g}", weight=f"{weight:g}"))
    if scored.too_low is not None:
        add(make("TARGET_TOO_LOW", sheet, cells.get("target"), indicator=name, actual=row.actual.text,
                 target=row.target.text, ratio=f"{scored.too_low:.1f}"))
    if (scored.overshoot is not None and "deviation" in scoring.table.cols and not norm(row.deviation)
            and row.row > scoring.table.header_row):
        add(make("OVERSHOOT_UNEXPLAINED", sheet, cells.get("deviation") or cells.get("actual"), indicator=name,
                 actual=row.actual.text, target=row.target.text or getattr(spec, "target", "") or "",
                 ratio=f"{scored.overshoot:.2f}", limit=f"{getattr(scheme, 'overshoot_ratio', None) or 1.3:g}"))
    if weight is not None and self_score is not None and self_score > weight + TOLERANCE:
        add(make("SCORE_OVER_WEIGHT", sheet, row.self_score.ref, indicator=name,
                 score=f"{self_score:g}", weight=f"{weight:g}"))
    if scored.manual is not None:
        low, high = scored.manual
        add(make("MANUAL_REVIEW", sheet, cells.get("actual"), indicator=name, note=scored.note))
    if scored.review is not None and self_score is not None and abs(self_score - scored.review) > TOLERANCE:
        add(make("SCORE_MISMATCH", sheet, row.self_score.ref, indicator=name, self_score=f"{self_score:g}",
                 review=f"{scored.review:g}", reason=scored.note))
    if scored.review is not None and self_score is None:
        add(make("SCORE_MISSING", sheet, row.self_score.ref or cells.get("self_score"), indicator=name,
                 review=f"{scored.review:g}"))


def _weights(scoring: Scoring) -> None:
    table = scoring.table
    if table.weights_in_doubt:
        return  # the columns in doubt are reported once (LAYOUT_AMBIGUOUS), not as every sum they break
    scoring.findings += weight_findings(table.rows, table.sheet, table.total_weight)


def _totals(scoring: Scoring) -> None:
    table, scheme = scoring.table, scoring.scheme
    rows = [row for row, _ in scoring.results]
    self_total = r2(sum(r.self_score.value or 0 for r in rows)) if rows else None
    reviews = [s.review for _, s in scoring.results]
    review_total = r2(sum(v for v in reviews if v is not None)) if rows else None
    scoring.totals = {
        "weight": r2(sum(r.weight.value or 0 for r in rows)),
        "self_score": self_total,
        "review_score": review_total,
        "review_complete": all(v is not None for v in reviews),
        "stated": table.total_self.value,
    }
    stated = table.total_self
    if stated.value is not None and self_total is not None and abs(stated.value - self_total) > TOLERANCE:
        scoring.findings.append(make("TOTAL_MISMATCH", table.sheet, stated.ref, stated=f"{stated.value:g}",
                                     expected=f"{self_total:g}"))
    scoring.grade = {
        "stated": table.grade,
        "self": _grade(scheme, self_total),
        "review": _grade(scheme, review_total),
    }
    expected = scoring.grade["review"]
    named = scheme.grade_named(table.grade) if scheme is not None and table.grade else None
    stated_name = named.name if named is not None else table.grade
    if table.grade and expected and stated_name != expected:
        bands = "、".join(f"{g.name}≥{g.min:g}" for g in getattr(scheme, "grades", []))
        scoring.findings.append(make("GRADE_MISMATCH", table.sheet, table.grade_ref, stated=table.grade,
                                     total=f"{review_total:g}", expected=expected, bands=bands))
