"""A small in-memory model of sheets to be written with xlsxwriter, whose formulas are evaluated
by xlscore's own evaluator so that every formula is written with its computed value (previews,
mail clients and readers that do not recalculate see numbers, not zeros)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read import formula


@dataclass
class TCell:
    value: object = None  # a constant, or the computed value of ``formula``
    formula: str | None = None  # without the leading "="
    style: str = "label"  # key of the writer's format table
    validation: dict | None = None  # xlsxwriter data_validation options
    input: bool = False  # an input cell: unlocked and shaded


@dataclass
class SheetModel:
    name: str
    cells: dict[tuple[int, int], TCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int, object, str]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    title_rows: tuple[int, int] | None = None  # 0-based, repeated on every printed page
    conditional: list[tuple[str, dict]] = field(default_factory=list)  # (A1 range, options)
    protect: bool = True

    def put(self, row: int, col: int, value: object = None, style: str = "label", **kw) -> TCell:
        cell = TCell(value, None, style, **kw)
        self.cells[(row, col)] = cell
        return cell

    def formula(self, row: int, col: int, text: str, style: str) -> TCell:
        cell = TCell(None, text, style)
        self.cells[(row, col)] = cell
        return cell

    def merge(self, r0: int, c0: int, r1: int, c1: int, value: object = None, style: str = "label") -> None:
        """Merge a range; its value and style go to the top-left cell."""
        self.merges.append((r0, c0, r1, c1, value, style))
        self.cells[(r0, c0)] = TCell(value, None, style)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    self.cells.pop((r, c), None)


def evaluate_all(sheets: list[SheetModel]) -> None:
    """Compute the value of every formula cell (in place)."""
    by_name = {sheet.name: sheet for sheet in sheets}
    done: dict[tuple[str, int, int], object] = {}

    def value_of(sheet: SheetModel, row: int, col: int, stack: frozenset) -> object:
        key = (sheet.name, row, col)
        if key in done:
            return done[key]
        cell = sheet.cells.get((row, col))
        if cell is None:
            return None
        if cell.formula is None:
            return cell.value
        if key in stack:
            raise formula.FormulaError(f"循环引用 {sheet.name}!{row},{col}")

        def resolve(name, r, c):
            return value_of(by_name[name] if name else sheet, r, c, stack | {key})

        result = formula.evaluate(cell.formula, resolve)
        done[key] = result
        return result

    for sheet in sheets:
        for (row, col), cell in sheet.cells.items():
            if cell.formula is not None:
                value = value_of(sheet, row, col, frozenset())
                cell.value = "" if isinstance(value, formula.XLError) else value
