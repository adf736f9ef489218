"""A finding: one thing in a workbook that does not add up, located and explained in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import CATALOG


@dataclass(frozen=True)
class Finding:
    """One inconsistency or notice: its code, severity, where it stands and its Chinese message."""

    code: str
    severity: str
    sheet: str | None
    cell: str | None
    message: str
    indicator: str | None = None
    data: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        out = {"code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell,
               "message": self.message}
        if self.indicator is not None:
            out["indicator"] = self.indicator
        return out

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""


def make(code: str, sheet: str | None = None, cell: str | None = None, *, indicator: str | None = None,
         **fields) -> Finding:
    """Build the finding ``code`` with its catalog severity and message template filled."""
    entry = CATALOG[code]
    return Finding(code, entry.severity, sheet, cell, entry.message(fields), indicator, fields)
