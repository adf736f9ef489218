"""Score one workbook into DIR: the annotated copy ``<stem>_复核.xlsx`` and its JSON report
``报告/<stem>_复核.json`` (the reports in a folder of their own, so that the copies a clerk
returns are not lost among them). The input is only ever read; outputs are written atomically."""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from .findings.finding import make
from .findings.report import Report, dumps
from .pipeline import analyse_all
from .read import extent
from .read.book import REVIEW_MARK, REVIEW_SHEET
from .read.files import WORKBOOK_SUFFIXES, open_workbook
from .read.naming import REPORT_DIR, SUFFIX, TAILS, component, split_name
from .write import atomic
from .write.annotate import annotate
from .write.atomic import OutputError


@dataclass
class Reviewed:
    """What scoring one file wrote: its reports, the annotated copy and the JSON report."""

    report: Report  # the first project's (a workbook of one project: its only one)
    workbook: Path | None  # the annotated copy, when one was written
    json: Path
    reports: list[Report] = field(default_factory=list)  # every project's, in order


def output_paths(out_dir: Path, prefix: str | os.PathLike) -> tuple[Path, Path]:
    """The copy ``OUT/<prefix>_复核.xlsx`` and the report ``OUT/报告/<prefix>_复核.json`` of the
    input whose outputs ``prefix`` (OUT-relative, no suffix) names."""
    out_dir = Path(out_dir)
    return out_dir / f"{prefix}{SUFFIX}.xlsx", out_dir / REPORT_DIR / f"{prefix}{SUFFIX}.json"


def outputs(source: Path, out_dir: Path) -> tuple[Path, Path]:
    """The copy and report of ``source`` in ``out_dir``, under a name made safe (see naming.component).
    A run over several files names them together (inbox.single_jobs), apart from one another."""

    return output_paths(out_dir, _stem(source))


def _stem(source: Path) -> str:
    return component(split_name(Path(source).name, WORKBOOK_SUFFIXES)[0], TAILS[0])


def score_file(path: str | os.PathLike, out_dir: str | os.PathLike, scheme=None, display: str | None = None,
               out_prefix: Path | None = None, extra: dict | None = None) -> Reviewed:
    """``out_prefix`` (OUT-relative, no suffix) places the outputs, e.g. a batch's mirrored path;
    ``extra`` adds fields to the JSON report (a batch's source e-mail)."""

    source, out_dir = Path(path), Path(out_dir)
    prefix = _stem(source) if out_prefix is None else out_prefix
    copy_path, json_path = output_paths(out_dir, prefix)
    analyses = analyse_all(source, display, scheme)
    reports = [analysis.report for analysis in analyses]
    written = None
    if all(report.status == "ok" for report in reports):
        try:
            atomic.save_workbook(annotate(analyses), copy_path)
            written = copy_path
        except OutputError:  # the output folder's trouble (a full disk), not the copy's
            raise
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
    atomic.write_text(dumps(datas[0] if len(datas) == 1 else datas, pretty=True) + "\n", json_path)
    settle_old_report(out_dir, prefix)
    return Reviewed(reports[0], written, json_path, reports)


def settle_old_report(out_dir: Path, prefix: str | os.PathLike) -> None:
    """An earlier version's report beside the copy (``X_复核.json`` beside ``X_复核.xlsx``), when
    xlscore wrote it: moved to 报告/ where no report is there yet (a --resume run keeps a file's
    earlier report), else removed; a file of anyone else's stays."""
    old = Path(out_dir) / f"{prefix}{SUFFIX}.json"
    new = output_paths(out_dir, prefix)[1]
    if not old.is_file() or old.is_symlink() or not own_output(old):
        return
    try:
        if os.path.lexists(new):
            old.unlink()
        else:
            new.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, new)
    except OSError:  # tidying only: an old report left where it was harms nothing
        pass


# --- whose file is already there --------------------------------------------------------------
# An output path that already holds a file is written over only when xlscore wrote that file: the
# review sheet's A1 mark of an annotated copy, the schema_version of a JSON report, the properties
# of 汇总.xlsx, the X-Mailer of a reply draft, the opening and signature of a 整改通知. Anything
# else (a department's own 汇总.xlsx, an input named X_复核.xlsx, a clerk's own letter) is kept.

OWN_CHECK_BYTES = 200 * 1024 * 1024  # an existing file larger than this is not looked into
MAILER = "xlscore"  # the X-Mailer of a reply draft (batch.replies)
NOTICE_OPENING = "    报送的项目支出绩效自评表已复核，结果如下（复核意见见所附复核副本中的“复核结果”页）："
NOTICE_SIGNATURE = "（财政局绩效管理科）"


def own_output(path: Path) -> bool:
    """Whether the file at ``path`` may be replaced: absent, or written by xlscore."""
    path = Path(path)
    if not os.path.lexists(path):
        return True
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > OWN_CHECK_BYTES:
            return False
        name = path.name
        if name.endswith(".jsonl"):
            return _own_jsonl(path)
        if name.endswith(".json"):
            return _own_json(path)
        if name.endswith(f"{SUFFIX}.xlsx"):
            return _own_copy(path)
        if name.endswith(".xlsx"):
            return _own_summary(path)
        if name.endswith(".eml"):
            return _own_draft(path)
        if name.endswith(".txt"):
            return _own_notice(path)
    except Exception:  # unreadable, not a zip, not JSON: not known to be ours
        return False
    return False


def _is_report(data) -> bool:
    return isinstance(data, dict) and "schema_version" in data


def _own_json(path: Path) -> bool:

    data = json.loads(path.read_text(encoding="utf-8"))
    return _is_report(data) or (isinstance(data, list) and bool(data) and all(_is_report(d) for d in data))


def _own_jsonl(path: Path) -> bool:

    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    if not first.strip():
        return path.stat().st_size == 0  # a batch that found nothing leaves it empty
    data = json.loads(first)
    return _is_report(data) or (isinstance(data, list) and bool(data) and all(_is_report(d) for d in data))


def _small_zip(path: Path):

    archive = zipfile.ZipFile(path)
    if sum(info.file_size for info in archive.infolist()) > OWN_CHECK_BYTES:
        archive.close()
        raise ValueError("too large to look into")
    return archive


def _own_summary(path: Path) -> bool:
    with _small_zip(path) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    return "<dc:creator>xlscore</dc:creator>" in core and "项目支出绩效自评复核汇总" in core


def _own_draft(path: Path) -> bool:

    from email.parser import BytesHeaderParser  # start-up guard: only when a reply draft is there
    from email.policy import default

    with open(path, "rb") as handle:
        headers = BytesHeaderParser(policy=default).parse(handle)
    return headers.get("X-Mailer") == MAILER and headers.get("X-Unsent") == "1"


def _own_notice(path: Path) -> bool:

    lines = path.read_text(encoding="utf-8").splitlines()
    return NOTICE_OPENING in lines[:4] and NOTICE_SIGNATURE in lines


def _own_copy(path: Path) -> bool:

    opened = open_workbook(path)  # guarded as an input is: its size, its parts, no DTD
    try:
        extent.check(opened)  # and no sheet whose grid passes the limit reaches calamine
    finally:
        if opened.archive is not None:
            opened.archive.close()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(opened.data))
    for name in workbook.sheet_names:
        if name.startswith(REVIEW_SHEET):
            rows = workbook.get_sheet_by_name(name).to_python(nrows=1)
            if rows and rows[0] and REVIEW_MARK in str(rows[0][0]):
                return True
    return False
