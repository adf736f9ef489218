"""The fund checks' findings, each built here once: the municipal and provincial fund table
(:mod:`.reconcile`) and the national form's budget block (:mod:`.budget`) report alike."""

from __future__ import annotations

from ..findings.finding import Finding, make
from ..tables.reading import Stated


def _where(cell: Stated | tuple) -> tuple:
    return cell if isinstance(cell, tuple) else (cell.sheet, cell.cell)


def _key(fund_row: str | None) -> dict:
    return {} if fund_row is None else {"fund_row": fund_row}


def fund_sum(cell: Stated, row: str, col: str, parts: str, expected: str, stated: str,
             fund_row: str | None = None) -> Finding:
    """A sum cell that is not the sum of its parts."""
    return make("FUND_SUM", *_where(cell), row=row, col=col, parts=parts, expected=expected, stated=stated,
                **_key(fund_row))


def fund_formula(cell: Stated | tuple, row: str, col: str, expected: str, stated: str, rule: str,
                 fund_row: str | None = None) -> Finding:
    """A derived cell (结余, a rate, a score) that is not what its rule gives."""
    return make("FUND_FORMULA", *_where(cell), row=row, col=col, expected=expected, stated=stated, rule=rule,
                **_key(fund_row))


def fund_missing(cell: Stated, row: str, col: str, fund_row: str) -> Finding:
    """An amount the checks need, left blank."""
    return make("FUND_MISSING", *_where(cell), row=row, col=col, fund_row=fund_row)


def rate_over_100(where: tuple, row: str, col: str, rate: str, why: str, fund_row: str | None = None) -> Finding:
    """A rate beyond 100%: the money measured exceeds what it is measured against."""
    return make("FUND_RATE_OVER_100", *where, row=row, col=col, rate=rate, why=why, **_key(fund_row))
