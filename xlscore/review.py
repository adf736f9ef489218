"""Score one workbook into DIR: the annotated copy ``<stem>_复核.xlsx`` and its JSON report
``<stem>_复核.json``. The input is only ever read; outputs are written atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .findings import make
from .pipeline import analyse_all
from .report import Report, dumps

SUFFIX = "_复核"


@dataclass
class Scored:
    report: Report  # the first project's (a workbook of one project: its only one)
    workbook: Path | None  # the annotated copy, when one was written
    json: Path
    reports: list[Report] = field(default_factory=list)  # every project's, in order


def outputs(source: Path, out_dir: Path) -> tuple[Path, Path]:
    stem = source.stem
    return out_dir / f"{stem}{SUFFIX}.xlsx", out_dir / f"{stem}{SUFFIX}.json"


def score_file(path: str | os.PathLike, out_dir: str | os.PathLike, scheme=None, display: str | None = None,
               out_prefix: Path | None = None, extra: dict | None = None) -> Scored:
    """``out_prefix`` (OUT-relative, no suffix) places the outputs, e.g. a batch's mirrored path;
    ``extra`` adds fields to the JSON report (a batch's source e-mail)."""
    from .annotate import annotate
    from .atomic import save_workbook, write_text

    source, out_dir = Path(path), Path(out_dir)
    if out_prefix is None:
        copy_path, json_path = outputs(source, out_dir)
    else:
        copy_path = out_dir / f"{out_prefix}{SUFFIX}.xlsx"
        json_path = out_dir / f"{out_prefix}{SUFFIX}.json"
    analyses = analyse_all(source, display, scheme)
    reports = [analysis.report for analysis in analyses]
    written = None
    if all(report.status == "ok" for report in reports):
        try:
            save_workbook(annotate(analyses, source), copy_path)
            written = copy_path
        except Exception:  # the check stands; the copy is what failed (said in Chinese, not Python's words)
            for report in reports:
                report.findings.append(make("COPY_FAILED", None, None,
                                            detail="写出副本时程序出错，请将原文件反馈给维护人员"))
    datas = []
    for report in reports:
        data = report.to_dict()
        if extra:
            data.update(extra)
        datas.append(data)
    # One report, or a list of them when the workbook holds several projects.
    write_text(dumps(datas[0] if len(datas) == 1 else datas, pretty=True) + "\n", json_path)
    return Scored(reports[0], written, json_path, reports)
