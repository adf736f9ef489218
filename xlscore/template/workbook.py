"""The blank workbook of a scheme, written: the national form for the national scheme, the
municipal 附表 for every other."""

from __future__ import annotations

from pathlib import Path

from . import annex, national
from .common import Fill, is_national
from .xlsxout import write


def write_template(scheme, dest, project: dict | None = None) -> None:
    """The blank workbook of ``scheme`` (header fields optionally filled) at ``dest``."""
    fill = Fill(project=dict(project or {}))
    if is_national(scheme):
        sheets = national.build(scheme, national.NationalFill(project=fill.project))
    else:
        sheets = annex.build(scheme, fill)
    write(sheets, Path(dest), str(fill.project.get("项目名称") or "项目支出绩效自评表"))
