"""Reading one figure from one cell: amounts normalised to 元, rates to percent, findings for what
cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..findings.finding import Finding, make
from ..findings.tolerance import POINTS
from ..read.book import Sheet, Uncomputed, a1
from ..read.formula import XLError
from ..read.textnum import TOO_LARGE, Parsed, Unparsed, declared_unit, in_range, norm, parse_number


@dataclass(slots=True)
class Stated:
    """A figure as the workbook states it, with where it stands.

    ``value`` is in 元 for amounts and in percent for rates (107.49), None when blank or unreadable.
    ``alt`` is the other reading of an ambiguous rate (a bare 1.0749 whose number format is unknown
    may mean 107.49%). ``half_unit`` is half the last written digit, in 元 or percent points.
    """

    value: float | None
    sheet: str
    cell: str
    half_unit: float = 0.005
    alt: float | None = None
    raw: object = None

    @property
    def blank(self) -> bool:
        return self.value is None


def unparsed(sheet: str, ref: str, text: str, what: str) -> Finding:
    """A cell whose text is no figure: it takes no part in the checks."""
    return make("VALUE_UNPARSED", sheet, ref, text=text, what=what)


def table_missing(table: str) -> Finding:
    """A table the form has that the workbook lacks."""
    return make("TABLE_MISSING", None, None, table=table)


def table_blank(sheet: str, table: str) -> Finding:
    """A table found but not filled in."""
    return make("TABLE_BLANK", sheet, None, table=table)


def _parse(sheet: Sheet, row: int, col: int, what: str, findings: list[Finding]) -> tuple[Parsed | None, str, object]:
    """(the number or None, the A1 of the cell, its value as read)."""
    r, c, raw = sheet.cell(row, col)
    ref = a1(r, c)
    if isinstance(raw, Uncomputed):
        findings.append(make("FORMULA_UNCOMPUTED", sheet.name, ref, formula=raw.formula, reason=raw.reason))
        return None, ref, raw
    if isinstance(raw, XLError) or (isinstance(raw, str) and raw.strip() == "#DIV/0!"):
        return Parsed(None), ref, raw  # a rate whose denominator is 0: shows no rate
    try:  # a number (NaN and infinity refused), nothing, or a text
        return parse_number(raw), ref, raw
    except Unparsed as exc:
        findings.append(unparsed(sheet.name, ref, exc.text, what + exc.reason))
        return None, ref, raw


def read_amount(sheet: Sheet, row: int, col: int, factor: float, findings: list[Finding]) -> Stated:
    """An amount in 元. ``factor`` is the table's unit (10000 for 万元); a unit written in the cell
    itself (``7,309.62万元``) wins over it."""
    parsed, ref, raw = _parse(sheet, row, col, "金额", findings)
    if parsed is None or parsed.blank:
        return Stated(None, sheet.name, ref, raw=raw)
    if parsed.percent:
        findings.append(unparsed(sheet.name, ref, str(raw), "金额（不应带 %）"))
        return Stated(None, sheet.name, ref, raw=raw)
    unit = parsed.factor or factor
    value = parsed.value * unit
    if not in_range(value):  # within range as written, beyond it in 元 ("2亿亿元")
        findings.append(unparsed(sheet.name, ref, str(raw), "金额" + TOO_LARGE))
        return Stated(None, sheet.name, ref, raw=raw)
    decimals = parsed.decimals if unit > 1 else max(parsed.decimals, 2)
    return Stated(value, sheet.name, ref, 0.5 * 10 ** -decimals * unit, raw=raw)


def read_rate(sheet: Sheet, row: int, col: int, findings: list[Finding]) -> Stated:
    """A rate in percent, whichever way it was written: ``"107.49%"``, 1.0749 in a percent-formatted
    cell, or 107.49 in a ``(%)`` row. When the number format cannot be known, ``alt`` keeps the
    fraction reading for the reconciler to choose by the recomputed rate."""
    parsed, ref, raw = _parse(sheet, row, col, "比率", findings)
    if parsed is None or parsed.blank:
        return Stated(None, sheet.name, ref, raw=raw)
    if parsed.factor is not None:
        findings.append(unparsed(sheet.name, ref, str(raw), "比率（不应带金额单位）"))
        return Stated(None, sheet.name, ref, raw=raw)
    value, decimals = parsed.value, parsed.decimals
    if parsed.percent or isinstance(raw, str):
        return Stated(value, sheet.name, ref, 0.5 * 10 ** -decimals, raw=raw)
    percent_format = sheet.is_percent(row, col)
    if percent_format:
        return Stated(round(value * 100, 10), sheet.name, ref, 0.5 * 10 ** -max(decimals - 2, 0), raw=raw)
    alt = round(value * 100, 10) if percent_format is None and abs(value) <= 10 else None
    return Stated(value, sheet.name, ref, 0.5 * 10 ** -decimals, alt=alt, raw=raw)


def nearer(cell: Stated, expected: float | None) -> Stated:
    """The reading of a stated rate nearer the one recomputed: a bare 1.0749 whose number format
    cannot be known (see ``Stated.alt``) is 107.49% when that is what the table computes. The
    cell as read is not changed; the reading chosen has no ``alt`` left."""
    if cell.alt is None:
        return cell
    if expected is not None and abs(cell.alt - expected) < abs(cell.value - expected):
        return replace(cell, value=cell.alt, half_unit=max(cell.half_unit * 100, POINTS), alt=None)
    return replace(cell, alt=None)


def rate_allowance(cell: Stated) -> float:
    """How far a stated rate may stand from its arithmetic by its own last digit: half of it, or the
    whole of it when that digit is the second decimal (it may have been cut off, not rounded)."""
    return cell.half_unit * (2 if cell.half_unit <= POINTS else 1)


def table_unit(sheet: Sheet, top: int, own_cells: list[object]) -> str:
    """The unit a table's amounts are in: declared in its own header or label cells, else the
    nearest declaration above it on the sheet (a ``单位：万元`` line over the first of two stacked
    tables covers both), else 元."""
    for value in own_cells:
        if isinstance(value, str) and (unit := declared_unit(value)):
            return unit
    for r in range(top - 1, -1, -1):
        for c in range(sheet.ncols):
            value = sheet.value(r, c)
            if isinstance(value, str) and (unit := declared_unit(value)):
                return unit
    return "元"


def header_path(sheet: Sheet, header_rows, col: int) -> list[str]:
    """The words over a column, top to bottom, each once: ``['财政资金', '市级']`` under a
    merged ``财政资金`` (the normalised text of each header row's cell)."""
    path: list[str] = []
    for r in header_rows:
        text = norm(sheet.value(r, col))
        if text and text not in path:
            path.append(text)
    return path
