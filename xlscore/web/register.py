"""登记簿: the submitted self-checks in an SQLite database (stdlib sqlite3) under the data
folder, one row per project of a submitted workbook; a resubmission of the same project (same
department, project name and year) is compared with the submission before it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..batch.summary import _grade

DATABASE = "register.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    department TEXT NOT NULL,
    project TEXT NOT NULL,
    year INTEGER,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    self_total REAL,
    review_total REAL,
    grade TEXT,
    findings_count INTEGER NOT NULL,
    findings TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_project ON submissions (department, project, year, id);
"""
FIELDS = ("id", "department", "project", "year", "file_name", "sha256", "submitted_at", "self_total",
          "review_total", "grade", "findings_count", "findings")


@dataclass
class Submission:
    id: int
    department: str
    project: str
    year: int | None
    file_name: str
    sha256: str
    submitted_at: str
    self_total: float | None
    review_total: float | None
    grade: str | None
    findings_count: int
    findings: list[dict]


@dataclass
class Change:
    previous: Submission
    mended: list[dict]  # in the previous submission, gone now
    new: list[dict]  # not in the previous submission
    kept: list[dict]
    score_difference: float | None


@contextlib.contextmanager
def connect(data: Path):
    connection = sqlite3.connect(Path(data) / DATABASE)
    try:
        connection.executescript(SCHEMA)
        with connection:  # a transaction: committed, or rolled back on an error
            yield connection
    finally:
        connection.close()


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _finding(finding: dict) -> dict:
    return {key: finding.get(key) for key in ("code", "severity", "sheet", "cell", "indicator", "message")}


def record(data: Path, report: dict, file_name: str, sha256: str, when: datetime | None = None) -> int:
    """Record one project's report (status ok); returns the submission's number."""
    project = report.get("project") or {}
    totals = report.get("totals") or {}
    findings = [_finding(f) for f in report.get("findings") or []]
    year = project.get("year")
    row = (str(project.get("department") or ""), str(project.get("name") or ""),
           year if isinstance(year, int) else None, file_name, sha256,
           (when or datetime.now()).isoformat(sep=" ", timespec="seconds"),
           totals.get("self_score"), totals.get("review_score"), _grade(report.get("grade") or {}, "review"),
           len(findings), json.dumps(findings, ensure_ascii=False))
    with connect(data) as db:
        cursor = db.execute(f"INSERT INTO submissions ({', '.join(FIELDS[1:])}) VALUES "
                            f"({', '.join('?' * (len(FIELDS) - 1))})", row)
        return int(cursor.lastrowid)


def _submission(row) -> Submission:
    values = dict(zip(FIELDS, row))
    values["findings"] = json.loads(values["findings"])
    return Submission(**values)


def get(data: Path, number: int) -> Submission | None:
    with connect(data) as db:
        row = db.execute(f"SELECT {', '.join(FIELDS)} FROM submissions WHERE id = ?", (number,)).fetchone()
    return _submission(row) if row else None


def all_submissions(data: Path) -> list[Submission]:
    with connect(data) as db:
        rows = db.execute(f"SELECT {', '.join(FIELDS)} FROM submissions ORDER BY id DESC").fetchall()
    return [_submission(row) for row in rows]


def previous(data: Path, submission: Submission) -> Submission | None:
    """The submission of the same project just before ``submission``."""
    with connect(data) as db:
        row = db.execute(f"SELECT {', '.join(FIELDS)} FROM submissions WHERE department = ? AND project = ? "
                         "AND year IS ? AND id < ? ORDER BY id DESC LIMIT 1",
                         (submission.department, submission.project, submission.year, submission.id)).fetchone()
    return _submission(row) if row else None


def _identity(finding: dict) -> tuple:
    """What makes a finding the same one in two submissions: its kind and place (the figures in
    its message may have changed)."""
    return finding.get("code"), finding.get("sheet"), finding.get("cell"), finding.get("indicator")


def change(data: Path, submission: Submission) -> Change | None:
    before = previous(data, submission)
    if before is None:
        return None
    then = {_identity(f): f for f in before.findings}
    now = {_identity(f): f for f in submission.findings}
    difference = None
    if submission.review_total is not None and before.review_total is not None:
        difference = round(submission.review_total - before.review_total, 2)
    return Change(before, [f for k, f in then.items() if k not in now], [f for k, f in now.items() if k not in then],
                  [f for k, f in now.items() if k in then], difference)
