"""The report of one workbook: what was read, what was recomputed, what was found.

``to_dict`` gives the JSON report (schema: ``xlscore/schema/report.schema.json``); ``text_lines``
the ruff-style text output ``FILE:SHEET!CELL: CODE message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from .catalog import SEVERITIES, SEVERITY_ZH
from .finding import Finding

SCHEMA_VERSION = 1


@dataclass
class StatedGrade:
    """A grade the department states in its header block, and the cell it is in."""

    text: str
    sheet: str
    cell: str

    def to_dict(self) -> dict:
        return {"text": self.text, "sheet": self.sheet, "cell": self.cell}


@dataclass
class Project:
    """The project's name, department and year, from the sheets' header lines, and the grades
    the sheets state outside the scoring table (reported with the grade, see :mod:`xlscore.score.table`)."""

    name: str | None = None
    department: str | None = None
    year: int | None = None
    grades: list[StatedGrade] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "department": self.department, "year": self.year}


@dataclass
class Report:
    """Everything the check found in one workbook, ready for JSON or text output."""

    file: str
    status: str = "ok"  # ok | error
    error: dict | None = None
    unit: str = "元"
    source_unit: str | None = None
    project: Project = field(default_factory=Project)
    fund: dict = field(default_factory=dict)
    fund_stated: dict = field(default_factory=dict)
    usage: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    grade: dict = field(default_factory=dict)
    scheme: str | None = None
    tables: dict = field(default_factory=dict)
    layout: list[dict] = field(default_factory=list)  # each table found and what each column was read as
    part: dict | None = None  # {"index", "of"}: this project of a workbook holding several
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in SEVERITIES}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def exit_code(self) -> int:
        if self.status == "error":
            return 2
        return 1 if self.counts()["error"] else 0

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "status": self.status,
            "error": self.error,
            "unit": self.unit,
            "source_unit": self.source_unit,
            "project": self.project.to_dict(),
            "scheme": self.scheme,
            "tables": self.tables,
            "layout": self.layout,
            "part": self.part,
            "fund": self.fund,
            "fund_stated": self.fund_stated,
            "usage": self.usage,
            "indicators": self.indicators,
            "totals": self.totals,
            "grade": self.grade,
            "counts": self.counts(),
            "findings": [finding.to_dict() for finding in self.findings],
        }


def text_lines(report: Report) -> list[str]:
    """One line per finding, ``FILE:SHEET!CELL: CODE message``, then a one-line summary."""
    if report.status == "error":
        error = report.error or {}
        return [f"{report.file}: {error.get('code')} {error.get('message')}", f"{report.file}: 无法读取，未检查"]
    lines = []
    for finding in report.findings:
        where = f"{finding.sheet}!{finding.cell}" if finding.sheet and finding.cell else (finding.sheet or "")
        prefix = f"{report.file}:{where}:" if where else f"{report.file}:"
        lines.append(f"{prefix} {finding.code} [{SEVERITY_ZH[finding.severity]}] {finding.message}")
    counts = report.counts()
    which = ""
    if report.part:
        which = f"第 {report.part['index']} 个项目（共 {report.part['of']} 个）“{report.project.name or '未写项目名称'}”"
    summary = (
        f"{report.file}: {which}共 {len(report.findings)} 项 —— 错误 {counts['error']}，"
        f"警告 {counts['warning']}，提示 {counts['info']}"
    )
    if report.totals:
        totals = report.totals
        summary += (
            f"；权重合计 {_num(totals.get('weight'))}，自评 {_num(totals.get('self_score'))}，"
            f"复核 {_num(totals.get('review_score'))}"
        )
    if report.grade:
        grade = report.grade
        summary += f"；等级 自评 {_grade(grade, 'self')} / 复核 {_grade(grade, 'review')}"
        withheld = [grade.get(f"{who}_withheld") for who in ("self", "review")]
        reasons = list(dict.fromkeys(reason for reason in withheld if reason))
        if reasons:
            summary += "（" + "；".join(reasons) + "）"
    lines.append(summary)
    return lines


def _grade(grade: dict, who: str) -> str:
    """A grade as the summary shows it: the grade, 未评定 when it is withheld, — when unknown."""
    return grade.get(who) or ("未评定" if grade.get(f"{who}_withheld") else "—")


def _num(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def dumps(data: dict, pretty: bool = False) -> str:
    """A report as JSON text: UTF-8 characters as they are, keys in order, two-space indents when
    ``pretty``. (orjson: a batch writes one of these per workbook, and the standard library's
    encoder took as long as a tenth of the whole check.)"""
    return json_line(data, pretty)[:-1].decode("utf-8")


def json_line(data: dict, pretty: bool = False) -> bytes:
    """:func:`dumps` as UTF-8 bytes with a closing newline, for a binary stream (no decoding to
    text and encoding back: that took as long as making the JSON)."""

    return orjson.dumps(data, option=(orjson.OPT_INDENT_2 if pretty else 0) | orjson.OPT_APPEND_NEWLINE)
