"""A project read, checked and scored: what the pipeline hands to the writers."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings.report import Report
from ..read.book import Book
from ..tables.fund import FundTable
from ..tables.usage import UsageTable
from .table import Scoring


@dataclass
class Analysis:
    """A project read and checked: the report, and what the annotator needs to write the copy."""

    report: Report
    book: Book | None = None  # the project's view of the workbook
    fund: FundTable | None = None
    usage: UsageTable | None = None
    scoring: Scoring | None = None
    workbook: Book | None = None  # the whole workbook (several projects share it)
