"""Replies to the departments after a batch, written as drafts and never sent: the clerk opens,
completes (the deadline) and sends them.

A workbook that came in an e-mail gets a reply draft ``OUT/回复/<the e-mail's path>.eml`` (one per
e-mail, covering each of its workbooks): To the sender (its Reply-To when it has one), ``Re:`` its
subject, In-Reply-To and References its Message-ID, a Chinese body, and the annotated copies
attached. ``X-Unsent: 1`` makes a mail program open it as a draft to send. Workbooks that came as
files get the same text as ``OUT/回复/整改通知_<department>.txt`` (the file's name when the
department is not known), one per department.

Everything comes from the reports of OUT/reports.jsonl (those of a --resume run's earlier files
too) and the copies beside them. A file in 回复/ that xlscore did not write (review.own_output) is
never written over, its draft left out and named; the drafts of an earlier run that answer no input
of this one are removed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path, PurePosixPath

from ..findings.catalog import CATALOG
from ..read.cellref import col_index
from ..read.naming import component
from ..review import MAILER, NOTICE_OPENING, NOTICE_SIGNATURE, own_output
from ..score.scheme import SchemeError, load
from ..tables.layout import TABLE_ZH, role_zh
from ..write.atomic import replacing, write_text
from .runner import REPORTS

REPLIES = "回复"
NOTICE = "整改通知"
DEADLINE = "请于____年__月__日前修改后重新报送。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MEND = ("error", "warning")  # the findings a department is asked to mend; info ones are to check


def _reports(out_dir: Path) -> list[dict]:
    reports = []
    path = out_dir / REPORTS
    if not path.exists():
        return reports
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                data = json.loads(line)
            except json.JSONDecodeError:  # a line cut short by a stopped run
                continue
            if isinstance(data, dict) and isinstance(data.get("source"), dict):
                reports.append(data)
    return reports


def _scheme_title(scheme: str | None) -> str | None:
    if not scheme:
        return None

    try:
        return load(scheme).title
    except SchemeError:
        return None


_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> tuple[int, int]:
    """A1 reference -> 0-based (row, col); ValueError for anything else."""
    match = _REF_RE.match(str(ref).strip())
    if not match:
        raise ValueError(ref)
    return int(match.group(2)) - 1, col_index(match.group(1))


def _header_leaf(header: str) -> str:
    return header.split(" / ")[-1].strip() if header else ""


def locate(report: dict, finding: dict) -> str:
    """Where ``finding`` is, as a person says it: the table, the row's label (a fund row, a scoring
    indicator) and the column's (``资金安排情况表 · 资金到位率(7) · 市级``), followed by its cell
    (``资金安排情况!C11``). A finding of no cell: the sheet, or nothing."""
    sheet, cell = finding.get("sheet"), finding.get("cell")
    ref = f"{sheet}!{cell}" if sheet and cell else (sheet or "")
    if not (sheet and cell):
        return ref
    try:
        row0, col0 = parse_ref(cell)
    except (ValueError, TypeError):
        return ref
    row = row0 + 1
    for table in report.get("layout") or []:
        kind = table.get("table")
        for part in table.get("parts") or []:
            if part.get("sheet") != sheet:
                continue
            try:
                first, last = (parse_ref(end) for end in str(part.get("range", "")).split(":"))
            except (ValueError, TypeError):
                continue
            if not (first[0] <= row0 <= last[0]):
                continue
            words = [TABLE_ZH.get(kind, kind)]
            rows = {each["row"]: each for each in part.get("rows") or []}
            if row in rows:
                words.append(role_zh(kind, rows[row]["role"]))
            elif kind == "scoring":
                name = finding.get("indicator") or next(
                    (each.get("name") for each in report.get("indicators") or []
                     if each.get("sheet") == sheet and each.get("row") == row0), None)
                if name:
                    words.append(str(name))
            column = next((each for each in part.get("columns") or [] if col_index(each["column"]) == col0),
                          None)
            if column is not None:
                words.append(role_zh(kind, column["role"]) if kind in ("scoring", "usage")
                             else _header_leaf(column.get("header", "")) or role_zh(kind, column["role"]))
            if len(words) > 1:
                return f"{' · '.join(words)}（{ref}）"
    return ref


def _project_text(report: dict) -> list[str]:
    """The lines of one workbook's report in the reply."""
    project = report.get("project") or {}
    name = project.get("name") or PurePosixPath(str(report.get("file", ""))).name
    attachment = ((report.get("source") or {}).get("email") or {}).get("attachment")
    lines = [f"项目：{name}" + (f"（{attachment}）" if attachment else "")]
    if report.get("status") != "ok":
        reason = (report.get("error") or {}).get("message") or "文件无法读取"
        lines.append(f"  该文件未能复核：{reason}。请检查后重新报送。")
        return lines
    totals, grade = report.get("totals") or {}, report.get("grade") or {}
    title = _scheme_title(report.get("scheme"))
    if title:
        lines.append(f"  指标体系：{title}")
    score = totals.get("review_score")
    self_score = totals.get("self_score")
    if score is not None:
        said = f"  复核得分：{score:g} 分" + (f"（自评 {self_score:g} 分）" if self_score is not None else "")
        if grade.get("review"):
            said += f"，评价等级：{grade['review']}" + (f"（自评 {grade['self']}）" if grade.get("self") and
                                                    grade["self"] != grade["review"] else "")
        lines.append(said)
    mend = [f for f in report.get("findings") or [] if f.get("severity") in _MEND]
    check = [f for f in report.get("findings") or [] if f.get("severity") not in _MEND]
    if mend:
        lines.append("  需修改的问题：")
        for number, finding in enumerate(mend, 1):
            lines.append(_finding_line(report, finding, number))
    else:
        lines.append("  未发现需修改的问题。")
    if check:
        lines.append("  请核实的事项：")
        for number, finding in enumerate(check, 1):
            lines.append(_finding_line(report, finding, number))
    return lines


def _finding_line(report: dict, finding: dict, number: int) -> str:
    entry = CATALOG.get(finding.get("code", ""))
    title = entry.title if entry else ""
    where = locate(report, finding)
    head = f"    {number}. " + (f"{where}：" if where else "")
    return head + (f"{title}——" if title else "") + str(finding.get("message", ""))


def body(reports: list[dict], whom: str | None = None) -> str:
    """The Chinese text of a reply (or notice) about ``reports``."""
    lines = [f"{whom}：" if whom else "您好：", "", NOTICE_OPENING, ""]
    for report in reports:
        lines += _project_text(report)
        lines.append("")
    if any(report.get("status") != "ok" or any(f.get("severity") in _MEND for f in report.get("findings") or [])
           for report in reports):
        lines.append(f"    {DEADLINE}")
    else:
        lines.append("    复核未发现需修改的问题。")
    lines += ["", "    此致", "", NOTICE_SIGNATURE, "____年__月__日", ""]
    return "\n".join(lines)


def _department(report: dict) -> str:
    return ((report.get("project") or {}).get("department") or "").strip()


def _mail_key(report: dict) -> str:
    """The e-mail a report's workbook came in: its path (the key before the attachment's name)."""
    return str((report.get("source") or {}).get("path", "")).rsplit(":", 1)[0] if ":" in \
        str((report.get("source") or {}).get("path", "")) else str(report.get("file", ""))


def _reply_to(email_fields: dict) -> str:
    for header in ("reply_to", "from"):
        if email_fields.get(header):
            addresses = [address for address in getaddresses([email_fields[header]]) if address[1]]
            if addresses:
                return email_fields[header]
    return ""


def _subject(subject: str | None) -> str:
    subject = (subject or "").strip()
    if re.match(r"^(re|回复|答复)\s*[:：]", subject, re.IGNORECASE):
        return subject
    return f"Re: {subject}" if subject else "Re: 项目支出绩效自评表复核结果"


def reply_message(reports: list[dict], out_dir: Path) -> EmailMessage:
    """The reply draft to the e-mail that brought ``reports``' workbooks."""
    fields = (reports[0].get("source") or {}).get("email") or {}
    message = EmailMessage(policy=SMTP)
    to = _reply_to(fields)
    if to:
        message["To"] = to
    if fields.get("to"):
        message["From"] = fields["to"]  # the bureau's address the department wrote to
    message["Subject"] = _subject(fields.get("subject"))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="xlscore.invalid")
    if fields.get("message_id"):
        message["In-Reply-To"] = fields["message_id"]
        message["References"] = fields["message_id"]
    message["X-Unsent"] = "1"  # a draft: Outlook and others open it to be sent
    message["X-Mailer"] = MAILER  # with X-Unsent: xlscore's draft (review.own_output)
    message.set_content(body(reports, _greeting(to)), charset="utf-8")
    for report in reports:
        output = (report.get("source") or {}).get("output")
        if output and (out_dir / output).is_file():
            message.add_attachment((out_dir / output).read_bytes(), maintype=XLSX.split("/")[0],
                                   subtype=XLSX.split("/")[1], filename=PurePosixPath(output).name)
    return message


def _greeting(address: str) -> str | None:
    pairs = getaddresses([address]) if address else []
    return pairs[0][0] if pairs and pairs[0][0] else None


@dataclass
class Replies:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # someone else's file where a draft was to go: not written
    removed: list[Path] = field(default_factory=list)  # an earlier run's drafts that answer no input now


def write_replies(out_dir: Path) -> Replies:
    """Write the reply drafts and notices of the batch in ``out_dir``, and remove the earlier ones
    no report asks for now."""
    out_dir = Path(out_dir)
    reports = _reports(out_dir)
    mails: dict[str, list[dict]] = {}
    departments: dict[str, list[dict]] = {}
    for report in reports:
        if (report.get("source") or {}).get("email"):
            mails.setdefault(_mail_key(report), []).append(report)
        else:
            department = _department(report) or PurePosixPath(str(report.get("file", ""))).stem
            departments.setdefault(department, []).append(report)
    done = Replies()
    for key, group in sorted(mails.items()):
        dest = out_dir / REPLIES / "/".join(component(part, "") for part in PurePosixPath(key).parts)
        if dest.suffix.lower() != ".eml":
            dest = dest.with_name(dest.name + ".eml")
        if not own_output(dest):
            done.kept.append(dest)
            continue
        with replacing(dest) as tmp:
            tmp.write_bytes(reply_message(group, out_dir).as_bytes())
        done.written.append(dest)
    for department, group in sorted(departments.items()):
        dest = out_dir / REPLIES / f"{component(f'{NOTICE}_{department}', '.txt')}.txt"
        if not own_output(dest):
            done.kept.append(dest)
            continue
        write_text(body(group, department), dest)
        done.written.append(dest)
    done.removed = _remove_stale(out_dir / REPLIES, set(done.written) | set(done.kept))
    return done


def _remove_stale(folder: Path, wanted: set[Path]) -> list[Path]:
    """Remove from ``folder`` xlscore's drafts and notices not in ``wanted``, and the folders that
    leaves empty; anything else stays."""
    removed = []
    if not folder.is_dir() or folder.is_symlink():
        return removed
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        here = Path(dirpath)
        for name in filenames:
            path = here / name
            if path in wanted or name.startswith(".") or not name.lower().endswith((".eml", ".txt")):
                continue
            if own_output(path):
                path.unlink()
                removed.append(path)
        if here != folder and not any(here.iterdir()):
            here.rmdir()
    return removed
