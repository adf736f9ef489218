"""The command line: a thin layer over the pipeline. Help and messages are in Chinese.

Each command imports the stages it runs when it runs (a start-up guard: the pipeline alone costs
about 260 ms to import, and ``xlscore --help`` or a mistyped option must answer at once)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from . import clizh

clizh.install()  # click's own messages ("Missing argument", "No such option" …) in Chinese
_HEADINGS = {"Usage: ": "用法：", "Options": "选项", "Commands": "命令", "Arguments": "参数"}


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args.replace("[OPTIONS]", "[选项]"), prefix="用法：")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


click.Context.formatter_class = _Formatter
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _help_option(func):
    return click.help_option("-h", "--help", help="显示本帮助并退出。")(func)


class _Group(click.Group):
    """Ctrl-C anywhere: a Chinese word and exit code 130, not click's English "Aborted!" (``score``
    answers it itself, see xlscore.interrupt)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\n已中断。", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings=CONTEXT, help="xlscore：项目支出绩效自评表的检查、复核评分与批注工具。")
@click.version_option(package_name="xlscore", message="xlscore %(version)s", help="显示版本并退出。")
@_help_option
def main() -> None:
    pass


@main.command(context_settings=CONTEXT, help="检查自评表：读取资金安排、资金使用和评分表，列出计算不符之处。\n\n"
              "文件 为 .xlsx/.xlsm/.xls/.ods 工作簿或文件夹（其中全部工作簿），可给多个。退出码：0 无错误；1 有错误项；2 文件无法读取。")
@click.argument("files", metavar="文件...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式（默认 text）：text 每项一行（文件:工作表!单元格: 代码 说明）；json 机器可读报告（多个文件时每行一个 JSON 对象）。")
@click.option("--scheme", default=None, metavar="体系",
              help="指标体系 id（见 xlscore schemes），或自定义体系文件路径；默认按评分表自动识别。")
@click.option("--explain", is_flag=True,
              help="先列出找到的每张表（工作表、范围）及每一列按什么读取（如“分值”列读作一级指标权重），便于发现读错的列。")
@_help_option
def check(files: tuple[str, ...], fmt: str, scheme: str | None, explain: bool) -> None:
    from .findings.report import json_line
    from .pipeline import check_reports

    scheme = _load_scheme(scheme)
    worst = 0
    single = len(files) == 1 and not os.path.isdir(files[0])
    # JSON escapes every control character: written as is, without click's ANSI stripping (a
    # regular-expression pass over each report when the output is not a terminal). Into a file or a
    # pipe it goes as UTF-8 bytes, as JSON is exchanged; a console gets text in its own encoding.
    binary = getattr(sys.stdout, "buffer", None) if fmt == "json" and not sys.stdout.isatty() else None
    sys.stdout.flush()
    for path in _expand(files):
        reports = check_reports(path, scheme=scheme)
        report = reports[0]
        if fmt == "json":
            # a workbook of several projects: a list of their reports, on one line like any report
            data = report.to_dict() if len(reports) == 1 else [each.to_dict() for each in reports]
            line = json_line(data, pretty=single)
            if binary is not None:
                binary.write(line)
                binary.flush()
            else:
                sys.stdout.write(line.decode("utf-8"))
                sys.stdout.flush()
        else:
            from .findings.report import text_lines
            from .tables.layout import explain_lines

            for each in reports:
                if explain and each.status == "ok":
                    for line in explain_lines(each.to_dict()):
                        click.echo(line)
                for line in text_lines(each):
                    click.echo(line)
        worst = max([worst, *(each.exit_code for each in reports)])
    sys.exit(worst)


@main.command(context_settings=CONTEXT, help="复核评分并写出批注副本：每个工作簿写出“<文件名>_复核.xlsx”"
              "（复核列、标色、批注、复核结果页、打印设置），报告写在输出文件夹的“报告”文件夹中（同名 .json）。\n\n"
              "路径 为工作簿、保存的邮件（.eml）或文件夹。给出文件夹或邮件时按批量处理：递归查找全部工作簿和邮件附件，"
              "多进程并行，显示进度，输出按原目录结构存放，写出 reports.jsonl 和汇总工作簿 汇总.xlsx。原文件只读不改。\n\n"
              "退出码：单个文件同 check；批量时 0 全部可读取，1 有文件无法读取，2 参数或输出文件夹有误；"
              "3 磁盘已满；130 被 Ctrl-C 中断，143 被终止（kill）。中断或磁盘已满时已写出的报告都保留，"
              "用同样的命令加 --resume 继续。")
@click.argument("paths", metavar="路径...", nargs=-1, required=True)
@click.option("--out", "out_dir", default="output", metavar="文件夹", help="输出文件夹（默认 output/）。")
@click.option("--scheme", default=None, metavar="体系",
              help="指标体系 id（见 xlscore schemes），或自定义体系文件路径；默认按评分表自动识别。")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N",
              help="并行的工作进程数（默认为 CPU 核数）。")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=120, metavar="秒",
              help="每个文件的处理时限（默认 120 秒），超时记为该文件的错误。")
@click.option("--resume", is_flag=True, help="续跑：reports.jsonl 中已有且内容未变的文件不再处理。")
@click.option("--pdf", is_flag=True, help="另存 PDF：每个批注副本和汇总.xlsx 旁各写一份同名 .pdf（需安装 LibreOffice）。")
@_help_option
def score(paths: tuple[str, ...], out_dir: str, scheme: str | None, jobs: int | None, timeout: float,
          resume: bool, pdf: bool) -> None:

    inputs = [Path(p) for p in paths]
    batch = any(p.is_dir() or p.suffix.lower() == ".eml" for p in inputs)
    # a missing workbook is that file's FILE_NOT_FOUND report; a missing folder is a usage error
    from .read.files import WORKBOOK_SUFFIXES

    missing = [str(p) for p in inputs if not p.exists() and (batch or p.suffix.lower() not in WORKBOOK_SUFFIXES)]
    if missing:
        _usage_error(f"找不到输入：{'、'.join(missing)}")
    scheme = _load_scheme(scheme)
    out = Path(out_dir)
    _a_folder(out)
    _apart(inputs, out)
    _writable(out)
    from .batch.interrupt import Interrupted, interrupts
    from .write.atomic import FolderBusy, OutputError, folder_lock, scratch

    again = "用同样的命令加 --resume 继续" if batch else "重新运行"
    with interrupts():
        try:
            with folder_lock(out), scratch(out):
                if batch:
                    _score_batch(inputs, out, scheme, jobs or os.cpu_count() or 1, timeout, resume, pdf)
                _score_files(inputs, out, scheme, pdf)
        except FolderBusy as busy:
            held = f"（进程 {busy.pid}）" if busy.pid else ""
            _usage_error(f"输出文件夹 {out} 正由另一次复核{held}使用，已有一次复核正在运行；请等它结束后再运行，或另选输出文件夹")
        except OutputError as error:
            _output_failed(error, f"；{again}")
        except Interrupted as interrupted:
            click.echo(f"已中断；{again}", err=True)
            sys.exit(interrupted.exit_code)


def _output_failed(error, tail: str) -> None:
    """An output could not be written: said in Chinese, exit 3 for a full disk, else 2."""
    if error.disk_full:
        click.echo(f"{error.reason}：无法写入 {error.path}。请腾出磁盘空间{tail}", err=True)
    else:
        click.echo(f"无法写入 {error.path}（{error.reason}）{tail}", err=True)
    sys.exit(error.exit_code)


def _score_files(inputs, out, scheme, pdf: bool = False) -> None:

    from .batch.inbox import single_jobs
    from .findings.report import text_lines
    from .read.naming import clean
    from .review import output_paths, score_file

    jobs = single_jobs(inputs)  # 自评表.xlsx from two folders: 自评表_复核.xlsx and 自评表_2_复核.xlsx
    _not_overwriting([path for job in jobs for path in output_paths(out, job.out_rel)])
    worst, written = 0, []
    for job in jobs:
        result = score_file(job.path, out, scheme=scheme, display=clean(str(job.path)), out_prefix=Path(job.out_rel))
        for report in result.reports:
            for line in text_lines(report):
                click.echo(line)
        if result.workbook is not None:
            click.echo(f"已写出：{result.workbook}")
        worst = max([worst, *(report.exit_code for report in result.reports)])
        written += [result.workbook] if result.workbook is not None else []
    if pdf:
        _pdfs(written)
    sys.exit(worst)


def _pdfs(workbooks) -> None:
    """--pdf: a PDF beside each workbook written, by LibreOffice (after the run; the exit code stays)."""
    from .write import pdf

    for line in pdf.lines(workbooks):
        click.echo(line)


def _usage_error(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(2)


FILE_LIKE = (".json", ".jsonl", ".csv", ".txt", ".pdf", ".eml", ".et", ".zip", ".doc", ".docx")


def _a_folder(out) -> None:
    """--out names a folder: a name that looks like a file's (结果.xlsx), not already a folder, is refused."""
    from .read.files import WORKBOOK_SUFFIXES

    if out.suffix.lower() in (*WORKBOOK_SUFFIXES, *FILE_LIKE) and not out.is_dir():
        _usage_error(f"--out 应为输出文件夹，而“{out}”看来是一个文件名；复核结果是一组文件（副本、报告、汇总），"
                     "请给出一个文件夹，如 --out 复核结果")


def _apart(inputs, out) -> None:
    """Refuse an output folder that is an input folder, holds an input, or lies inside an input
    folder where the department's own workbooks are (they would be passed over, and written among)."""
    from .read.files import WORKBOOK_SUFFIXES
    from .review import SUFFIX

    target = out.resolve()
    for source in inputs:
        where = source.resolve()
        if where == target:
            _usage_error(f"输出文件夹 {out} 就是输入文件夹，复核结果会写在原文件之间、覆盖原文件；请另选一个输出文件夹")
        if target in where.parents:
            _usage_error(f"输出文件夹 {out} 中有输入文件 {source}，复核结果会写在原文件之间、覆盖原文件；请另选一个输出文件夹")
        if where.is_dir() and where in target.parents and target.is_dir():
            for dirpath, dirnames, filenames in os.walk(target):
                dirnames[:] = [d for d in dirnames if not d.startswith(".") and  # nor the reply drafts
                               not (d == "回复" and os.path.samefile(dirpath, target))]
                for name in filenames:
                    lower = name.lower()
                    own = lower.startswith((".", "~$")) or name == "汇总.xlsx" or \
                        any(lower.endswith(f"{SUFFIX}{suffix}") for suffix in (".xlsx", ".json"))
                    if not own and (lower.endswith(WORKBOOK_SUFFIXES) or lower.endswith(".eml")):
                        found = os.path.join(dirpath, name)
                        _usage_error(f"输出文件夹 {out} 位于输入文件夹 {source} 之中，且其中有待复核的文件 {found}；"
                                     "请另选一个输出文件夹")


def _not_overwriting(paths) -> None:
    """Stop before any work when an output path holds a file xlscore did not write."""
    from .review import own_output

    for path in paths:
        if not own_output(path):
            _usage_error(f"输出文件夹中已有文件 {path}，它不是 xlscore 写出的复核结果，为免覆盖已停止；"
                         "请移走该文件或另选输出文件夹")


def _writable(out) -> None:
    """The output folder exists (or can be made) and takes files, or stop before any work."""

    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".~xlscore-check-"):
            pass
    except OSError as exc:
        from .write.atomic import OutputError

        error = OutputError.of(out, exc)
        if error.disk_full:
            _output_failed(error, "")
        _usage_error(f"输出文件夹 {out} 无法写入（{error.reason}）")


def _score_batch(inputs, out, scheme, jobs: int, timeout: float, resume: bool, pdf: bool = False) -> None:
    from .batch.inbox import discover
    from .batch.runner import REPORTS, run_batch
    from .batch.summary import write_summary

    inbox = discover(inputs, out)
    if not inbox.jobs:
        where = "、".join(str(path) for path in inputs)
        _usage_error(f"{where} 中没有工作簿（.xlsx/.xlsm/.xls/.ods）或带工作簿附件的邮件（.eml）")
    from .batch.summary import SUMMARY
    from .review import output_paths

    planned = [out / REPORTS, out / SUMMARY]
    for job in inbox.jobs:
        planned += output_paths(out, job.out_rel)
    _not_overwriting(planned)
    outcome = run_batch(inbox, out, jobs=jobs, timeout=timeout, resume=resume, scheme=scheme,
                        progress=sys.stderr.isatty())
    if outcome.stopped is not None:
        _batch_stopped(outcome, out)
    summary = write_summary(out, inbox.skipped)
    from .batch.replies import REPLIES, write_replies

    replies = write_replies(out)
    lines = [
        f"发现工作簿 {outcome.found} 个，跳过 {len(outcome.skipped)} 个文件；"
        f"本次处理 {outcome.done} 个" + (f"，沿用上次结果 {outcome.resumed} 个" if outcome.resumed else "") + "。",
        f"有错误项 {outcome.with_errors} 个，无法读取 {len(outcome.unreadable)} 个。",
    ]
    for name, reason in outcome.unreadable[:20]:
        lines.append(f"  无法读取：{name}：{reason}")
    if len(outcome.unreadable) > 20:
        lines.append(f"  …… 其余 {len(outcome.unreadable) - 20} 个见 汇总.xlsx 的“无法读取”表")
    for name, reason in outcome.skipped[:10]:
        lines.append(f"  已跳过：{name}（{reason}）")
    if len(outcome.skipped) > 10:
        lines.append(f"  …… 其余 {len(outcome.skipped) - 10} 个见 汇总.xlsx 的“已跳过”表")
    lines.append(f"汇总：{summary}；报告：{out / REPORTS}")
    if replies.written:
        lines.append(f"回复草稿及整改通知 {len(replies.written)} 份（未发送，请核对后发出）：{out / REPLIES}")
    for path in replies.kept:
        lines.append(f"  未写出：{path} 已有一个不是 xlscore 写出的文件，为免覆盖未写这份回复；请移走该文件后重新运行")
    lines.append(f"用时 {outcome.seconds:.1f} 秒")
    for line in lines:
        click.echo(line)
    if pdf:
        from .batch.summary import copies

        _pdfs([*copies(out), summary])
    sys.exit(outcome.exit_code)


def _batch_stopped(outcome, out) -> None:
    """The batch stopped before its end (a signal, an output it could not write): how far it got,
    and that --resume goes on from there."""
    from .batch.interrupt import Interrupted
    from .batch.runner import REPORTS

    stopped = outcome.stopped
    far = (f"已复核 {outcome.done + outcome.resumed} / {outcome.found} 个文件，报告已保存在 {out / REPORTS}"
           "（汇总.xlsx 在全部复核完后生成）")
    if isinstance(stopped, Interrupted):
        click.echo(f"已中断：{far}；用同样的命令加 --resume 继续", err=True)
    elif stopped.disk_full:
        click.echo(f"{stopped.reason}：无法写入 {stopped.path}。{far}；腾出磁盘空间后用同样的命令加 --resume 继续", err=True)
    else:
        click.echo(f"无法写入 {stopped.path}（{stopped.reason}）。{far}；排除问题后用同样的命令加 --resume 继续", err=True)
    sys.exit(outcome.exit_code)


@main.command(context_settings=CONTEXT, help="生成空白自评表（填表说明、资金安排情况、资金使用情况、自评价评分附件表），"
              "带公式、数据验证、锁定的公式单元格和打印设置。\n\n体系 为指标体系 id（默认 municipal，见 xlscore schemes）"
              "或体系文件路径。")
@click.argument("scheme_id", metavar="[体系]", required=False, default="municipal")
@click.option("--out", "out", default=None, metavar="文件", help="输出文件（默认 output/自评表模板_<体系>.xlsx）。")
@click.option("--project", default=None, metavar="名称", help="预填项目名称。")
@click.option("--department", default=None, metavar="部门", help="预填主管部门。")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, metavar="年份", help="预填年度（四位年份）。")
@_help_option
def template(scheme_id: str, out: str | None, project: str | None, department: str | None, year: int | None) -> None:
    from .template import write_template

    scheme = _load_scheme(scheme_id)
    dest = out or f"output/自评表模板_{scheme.id}.xlsx"
    fields = {"项目名称": project, "主管部门": department, "年度": year}
    write_template(scheme, dest, {k: v for k, v in fields.items() if v is not None})
    click.echo(f"已生成：{dest}")


def _load_scheme(scheme: str | None):
    """The scheme named on the command line, loaded once; a bad one stops here with exit 2."""
    if scheme is None:
        return None
    from .score.scheme import SchemeError, load

    try:
        return load(scheme)
    except SchemeError as exc:
        click.echo(f"错误：无法使用指标体系 {scheme}：{exc}", err=True)
        sys.exit(2)


def _expand(paths) -> list[str]:
    """Files as given; a folder stands for the workbooks in it (recursively, lock/temp/hidden skipped)."""

    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            from .batch.inbox import discover

            found = [str(job.path) for job in discover([path], path / ".none").jobs if job.part is None]
            if not found:
                _usage_error(f"文件夹 {raw} 中没有工作簿（.xlsx/.xlsm/.xls/.ods）")
            out += found
        else:
            out.append(raw)
    return out


@main.command(context_settings=CONTEXT, help="列出全部检查结果代码（代码、严重程度、名称、消息模板）。")
@click.option("--markdown", is_flag=True, help="以 Markdown 表格输出（即 docs/findings.md）。")
@_help_option
def codes(markdown: bool) -> None:
    from .findings.catalog import CATALOG, SEVERITY_ZH
    from .findings.catalog import markdown as as_markdown

    if markdown:
        click.echo(as_markdown(), nl=False)
        return
    for entry in CATALOG.values():
        click.echo(f"{entry.code:<24} {SEVERITY_ZH[entry.severity]}  {entry.title}：{entry.template}")


@main.command(context_settings=CONTEXT, help="列出指标体系：每行一个，依次为体系 id、名称、指标数和评价等级。\n\n"
              "--lint 检查体系本身（评分标准最高档与权重不符、要素与评分标准不符、权重相加不符等），"
              "每行以体系 id 开头；--file 改为列出或检查单位自己编写的体系文件（格式见 docs/schemes.md）。"
              "退出码：0 正常（检查出问题也是 0）；2 体系文件无法载入。")
@click.option("--lint", "do_lint", is_flag=True, help="检查指标体系，每个可疑之处一行。")
@click.option("--file", "paths", multiple=True, metavar="文件",
              help="自定义指标体系文件（.yaml），可重复给出多个；不给时处理内置体系。")
@_help_option
def schemes(do_lint: bool, paths: tuple[str, ...]) -> None:
    from .score.scheme import SchemeError, bundled_ids, lint, load, load_file

    loaded = []
    failed = False
    for source in paths or bundled_ids():
        try:
            loaded.append(load_file(source) if paths else load(source))
        except SchemeError as exc:
            click.echo(f"错误：{exc}", err=True)
            failed = True
    width = max((len(s.id) for s in loaded), default=0)
    for item in loaded:
        if do_lint:
            lines = lint(item)
            for line in lines:
                click.echo(f"{item.id}: {line}")
            if not lines:
                click.echo(f"{item.id}: 未发现问题")
        else:
            click.echo(f"{item.id:<{width}}  {item.title}  {len(item.indicators)} 个指标  "
                       f"等级：{item.grade_bands_text()}")
    sys.exit(2 if failed else 0)


@main.command(context_settings=CONTEXT, help="启动网页服务（部门自查、财政局批量复核、登记簿），在浏览器中使用。\n\n"
              "默认只在本机（127.0.0.1）可访问；用 --host 让局域网访问时须凭访问码进入"
              "（--token 指定，不指定则启动时生成并显示）。需安装 xlscore[web]。")
@click.option("--host", default="127.0.0.1", metavar="地址", help="监听地址（默认 127.0.0.1，仅本机）。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, metavar="端口", help="端口（默认 8000）。")
@click.option("--data", "data", default="xlscore-data", metavar="文件夹",
              help="数据文件夹：临时文件和登记簿（默认 ./xlscore-data）。")
@click.option("--token", default=None, metavar="访问码", help="访问码；监听本机以外的地址时必需，不给则自动生成。")
@_help_option
def serve(host: str, port: int, data: str, token: str | None) -> None:
    try:  # start-up guard: the web extra is optional, imported only here
        import uvicorn

        from .web.app import create_app, is_loopback
    except ImportError:
        click.echo("错误：网页服务所需的组件未安装，请运行 pip install \"xlscore[web]\"", err=True)
        sys.exit(2)
    import secrets

    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(12)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"网页服务已启动：http://{shown}:{port}/  （按 Ctrl+C 停止）")
    if token is not None:
        click.echo(f"访问码：{token}  （首次访问时输入，或打开 http://{shown}:{port}/?token={token}）")
    click.echo(f"数据文件夹：{Path(data).resolve()}")
    app = create_app(Path(data), token, workers=max(1, os.cpu_count() or 1))  # a batch uses every core, as score does
    uvicorn.run(app, host=host, port=port, log_level="warning")


if __name__ == "__main__":  # pragma: no cover
    main()
