"""The Starlette application of ``xlscore serve``: see the package's docstring. Every page is
Chinese; every failure (a bad upload, a file that cannot be read, a bug) is a Chinese page, and
the server keeps serving."""

from __future__ import annotations

import ipaddress
import json
import math
import secrets
import shutil
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import review
from ..batch.summary import COLUMNS, RATES, frames
from ..findings.catalog import SEVERITY_ZH
from ..read.files import MAX_FILE_BYTES
from ..read.naming import REPORT_DIR, SUFFIX
from . import batch, jobs, register
from .html import esc, message, number, page, table, td
from .report import render, title_of

MB = 1024 * 1024
MAX_UPLOAD = 20 * MB  # one workbook (部门自查)
MAX_BATCH = 500 * MB  # one batch upload, all its files together
COOKIE = "xlscore_token"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INPUT_STEM = "workbook"  # a self-check's upload is stored as workbook.<suffix>, never under its own name


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: the access code (when one is set) on every request but the login form's,
    and the size limit of a request's body (counted as it arrives, not only by its header)."""

    def __init__(self, app, token: str | None, limits: dict[str, int]):
        self.app, self.token, self.limits = app, token, limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.token is not None and request.url.path != "/login":
            given = request.query_params.get("token")
            if given is not None and secrets.compare_digest(given.encode(), self.token.encode()):
                response = RedirectResponse(_without_token(request), status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
                await response(scope, receive, send)
                return
            cookie = request.cookies.get(COOKIE, "")
            if not secrets.compare_digest(cookie.encode(), self.token.encode()):
                await _login_page(request.url.path)(scope, receive, send)
                return
        limit = next((size for prefix, size in self.limits.items() if request.url.path.startswith(prefix)), None)
        if limit is None or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen, started = 0, False

        async def counted():
            nonlocal seen
            event = await receive()
            if event["type"] == "http.request":
                seen += len(event.get("body", b""))
                if seen > limit:
                    raise TooLarge()
            return event

        async def sending(event):
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self.app(scope, counted, sending)
        except TooLarge:
            if not started:
                await _too_large(limit)(scope, receive, send)


def _without_token(request: Request) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
    return request.url.path + ("?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query) if query else "")


def _too_large(limit: int) -> Response:
    return HTMLResponse(message("文件过大", f"上传的文件超过 {limit // MB} MB 的上限，未予处理。请压缩或分批上传。"),
                        status_code=413)


def _login_page(path: str) -> Response:
    body = ('<p>本服务需要访问码（启动服务时显示，或向管理员索取）。</p>'
            '<form method="post" action="/login" enctype="multipart/form-data">'
            f'<input type="hidden" name="next" value="{esc(path)}">'
            '<label>访问码：<input type="password" name="token" autofocus></label> <button>进入</button></form>')
    return HTMLResponse(page("请输入访问码", body), status_code=401)


def create_app(data: Path, token: str | None = None, *, max_upload: int = MAX_UPLOAD,
               max_batch: int = MAX_BATCH, workers: int = 1) -> Starlette:
    """The application, its files under ``data``; ``token`` (when given) asked of every request."""
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    threads: dict = {}  # job id -> the thread of its batch (tests wait on it)

    async def login(request: Request) -> Response:
        if request.method == "GET" or token is None:
            return _login_page("/") if token is not None else RedirectResponse("/", status_code=303)
        form = await request.form()
        given, target = str(form.get("token") or ""), str(form.get("next") or "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        if not secrets.compare_digest(given.encode(), token.encode()):
            return HTMLResponse(message("访问码不正确", "访问码不正确，请重新输入。", "/login"), status_code=401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def home(request: Request) -> Response:
        body = ('<ul><li><a href="/check">部门自查</a>：上传一个自评表，立即查看检查结果、资金复算和复核评分，'
                '下载批注副本；确认后可提交登记。</li>'
                '<li><a href="/batch">财政局批量复核</a>：上传多个自评表或一个 .zip 压缩包，后台批量复核，'
                '查看汇总表并下载 汇总.xlsx、全部批注副本和回复草稿。</li>'
                '<li><a href="/register">登记簿</a>：已提交的自查记录，以及同一项目再次提交时的变化。</li></ul>')
        return HTMLResponse(page("首页", body))

    # --- 部门自查 ---------------------------------------------------------------------------

    async def check_form(request: Request) -> Response:
        body = ('<form method="post" action="/check" enctype="multipart/form-data">'
                '<p><label>自评表（.xlsx / .xlsm / .xls / .ods / .et）：<input type="file" name="file" required></label></p>'
                f'<p>文件不超过 {max_upload // MB} MB。上传的文件只用于本次检查，提交登记前不会保存。</p>'
                '<p><button>检查</button></p></form>')
        return HTMLResponse(page("部门自查", body))

    async def check_upload(request: Request) -> Response:
        form = await _form(request, max_upload)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _refused("请选择一个自评表文件后再上传。", "/check")
        suffix = jobs.workbook_suffix(upload.filename)
        if suffix is None:
            return _refused(f"“{jobs.display_name(upload.filename)}”不是工作簿，请上传 .xlsx、.xlsm、.xls、.ods 或 .et 文件。",
                            "/check")
        shown = jobs.display_name(upload.filename)
        job_id, folder = jobs.new_job(data, "check", name=shown)
        try:
            source = folder / f"{INPUT_STEM}{suffix}"
            await _save(upload, source, max_upload)
            await run_in_threadpool(review.score_file, source, folder / "out", None, shown)
        except BaseException:  # nothing is left of a check that did not finish
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return RedirectResponse(f"/check/{job_id}", status_code=303)

    def _check_job(request: Request) -> tuple[str, Path, dict, list[dict]]:
        job_id = request.path_params["job"]
        found = jobs.find_job(data, job_id, "check")
        if found is None:
            raise HTTPException(404)
        folder, meta = found
        path = folder / "out" / REPORT_DIR / f"{INPUT_STEM}{SUFFIX}.json"
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise HTTPException(404) from None
        return job_id, folder, meta, loaded if isinstance(loaded, list) else [loaded]

    async def check_page(request: Request) -> Response:
        job_id, folder, meta, reports = _check_job(request)
        parts = [f"<p>文件：{esc(meta.get('name'))}</p>"]
        copy = folder / "out" / f"{INPUT_STEM}{SUFFIX}.xlsx"
        if copy.is_file():
            parts.append(f'<p><a href="/check/{job_id}/copy">下载批注副本（{esc(_copy_name(meta))}）</a></p>')
        elif all(r.get("status") == "error" for r in reports):
            parts.append("<p>文件无法读取，没有批注副本。</p>")
        for i, report in enumerate(reports):
            if len(reports) > 1:
                parts.append(f"<h3>项目 {i + 1} / {len(reports)}</h3>")
            parts.append(render(report))
        if any(r.get("status") == "ok" for r in reports):
            parts.append(f'<form method="post" action="/check/{job_id}/submit" enctype="multipart/form-data">'
                         '<p>确认无误后可提交至登记簿（只登记项目信息、文件摘要和复核结果）。</p>'
                         '<button>提交登记</button></form>')
        return HTMLResponse(page("自查结果", "".join(parts)))

    async def check_copy(request: Request) -> Response:
        job_id, folder, meta, _reports = _check_job(request)
        copy = folder / "out" / f"{INPUT_STEM}{SUFFIX}.xlsx"
        if not copy.is_file():
            raise HTTPException(404)
        return FileResponse(copy, filename=_copy_name(meta), media_type=XLSX)

    async def check_submit(request: Request) -> Response:
        job_id, folder, meta, reports = _check_job(request)
        if meta.get("submitted"):
            return RedirectResponse(f"/register/{meta['submitted'][0]}?submitted=1", status_code=303)
        ok = [r for r in reports if r.get("status") == "ok"]
        if not ok:
            return _refused("无法读取的文件不能提交登记。", f"/check/{job_id}")
        source = next(p for p in folder.iterdir() if p.name.startswith(INPUT_STEM + "."))
        digest = await run_in_threadpool(register.file_hash, source)
        numbers = [register.record(data, report, meta.get("name") or "", digest) for report in ok]
        meta["submitted"] = numbers
        jobs.write_meta(folder, meta)
        return RedirectResponse(f"/register/{numbers[0]}?submitted=1", status_code=303)

    # --- 登记簿 ----------------------------------------------------------------------------

    async def register_list(request: Request) -> Response:
        rows = [[f'<td><a href="/register/{s.id}">{s.id}</a></td>', td(s.submitted_at), td(s.department),
                 td(s.project), td(s.year), td(s.file_name), td(s.review_total, True), td(s.grade),
                 td(s.findings_count)] for s in register.all_submissions(data)]
        if not rows:
            return HTMLResponse(page("登记簿", "<p>尚无提交记录。部门自查后点击“提交登记”即记入登记簿。</p>"))
        return HTMLResponse(page("登记簿", table(["编号", "提交时间", "单位", "项目", "年度", "文件", "复核得分",
                                                 "复核等级", "检查结果数"], rows)))

    async def register_entry(request: Request) -> Response:
        entry = register.get(data, request.path_params["n"])
        if entry is None:
            raise HTTPException(404)
        parts = []
        if request.query_params.get("submitted"):
            parts.append(f'<p class="box">已提交登记，编号 {entry.id}。</p>')
        parts.append(table(["单位", "项目", "年度", "文件", "文件摘要（SHA-256）", "提交时间", "自评得分", "复核得分",
                            "复核等级", "检查结果数"],
                           [[td(entry.department), td(entry.project), td(entry.year), td(entry.file_name),
                             f"<td><code>{esc(entry.sha256)}</code></td>", td(entry.submitted_at),
                             td(entry.self_total, True), td(entry.review_total, True), td(entry.grade),
                             td(entry.findings_count)]]))
        changed = register.change(data, entry)
        if changed is None:
            parts.append("<p>该项目首次提交。</p>")
        else:
            before = changed.previous
            diff = changed.score_difference
            said = "无法比较" if diff is None else (f"提高 {diff:.2f} 分" if diff > 0 else
                                                 f"降低 {-diff:.2f} 分" if diff < 0 else "没有变化")
            parts.append(f'<h3>与上次提交相比（<a href="/register/{before.id}">编号 {before.id}</a>，'
                         f"{esc(before.submitted_at)}）</h3>"
                         f"<p>复核得分：{number(before.review_total)} → {number(entry.review_total)}，{esc(said)}；"
                         f"已整改 {len(changed.mended)} 项，新出现 {len(changed.new)} 项，仍存在 {len(changed.kept)} 项。</p>")
            if before.sha256 == entry.sha256:
                parts.append("<p>两次提交的文件内容相同。</p>")
            for title, items in (("已整改", changed.mended), ("新出现", changed.new), ("仍存在", changed.kept)):
                if items:
                    parts.append(f"<h4>{title}（{len(items)} 项）</h4>" + _findings_table(items))
        parts.append(f"<h3>本次检查结果（{entry.findings_count} 项）</h3>" + (_findings_table(entry.findings)
                     if entry.findings else "<p>未发现问题。</p>"))
        return HTMLResponse(page(f"登记记录 {entry.id}", "".join(parts)))

    # --- 财政局批量复核 -------------------------------------------------------------------------

    async def batch_form(request: Request) -> Response:
        body = ('<form method="post" action="/batch" enctype="multipart/form-data">'
                '<p><label>自评表、保存的邮件（.eml）或 .zip 压缩包（可多选）：'
                '<input type="file" name="files" multiple required></label></p>'
                '<p><label>或选择整个文件夹：<input type="file" name="files" webkitdirectory directory multiple></label></p>'
                f'<p>一次上传合计不超过 {max_batch // MB} MB。复核在后台进行，页面会自动刷新显示进度。</p>'
                '<p><button>开始复核</button></p></form>')
        return HTMLResponse(page("财政局批量复核", body))

    async def batch_upload(request: Request) -> Response:
        form = await _form(request, max_batch)
        uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
        if not uploads:
            return _refused("请选择要复核的文件后再上传。", "/batch")
        job_id, folder = jobs.new_job(data, "batch", status="queued", found=0)
        inbox = batch.inbox_of(folder)
        inbox.mkdir()
        skipped, placed = [], 0
        for index, upload in enumerate(uploads):
            name = jobs.display_name(upload.filename)
            if name.lower().endswith(".zip"):
                archive = folder / "uploads" / f"{index}.zip"
                archive.parent.mkdir(exist_ok=True)
                await _save(upload, archive, max_batch)
                try:
                    skipped += await run_in_threadpool(jobs.unpack, archive, inbox / f"{index}_{archive.stem}",
                                                       MAX_FILE_BYTES)
                except jobs.UploadRefused as exc:
                    shutil.rmtree(folder, ignore_errors=True)
                    return _refused(f"“{name}”：{exc}", "/batch")
                placed += 1
            elif name.lower().endswith(jobs.BATCH_SUFFIXES):
                await _save(upload, jobs.place(inbox, name), max_batch)
                placed += 1
            else:
                skipped.append((name, "不是工作簿、邮件或 .zip 压缩包"))
        if not placed:
            shutil.rmtree(folder, ignore_errors=True)
            return _refused("上传的文件中没有工作簿（.xlsx/.xlsm/.xls/.ods/.et）、邮件（.eml）或 .zip 压缩包。", "/batch")
        threads[job_id] = batch.start(folder, skipped, workers)
        return RedirectResponse(f"/batch/{job_id}", status_code=303)

    def _batch_job(request: Request) -> tuple[str, Path, dict]:
        job_id = request.path_params["job"]
        found = jobs.find_job(data, job_id, "batch")
        if found is None:
            raise HTTPException(404)
        return job_id, *found

    def _finished(request: Request) -> tuple[str, Path, dict]:
        job_id, folder, meta = _batch_job(request)
        if meta.get("status") != "done":
            raise HTTPException(404)
        return job_id, folder, meta

    async def batch_page(request: Request) -> Response:
        job_id, folder, meta = _batch_job(request)
        status = meta.get("status")
        if status == "failed":
            return HTMLResponse(message("批量复核未完成", meta.get("error") or "批量复核未完成。", "/batch"))
        if status != "done":
            found, done = meta.get("found") or 0, batch.progress(folder)
            text = "排队等候中（前一批复核完成后开始）" if status == "queued" else f"正在复核：已完成 {done} / {found} 个文件"
            body = (f'<p>{esc(text)}</p><p><progress value="{done}" max="{max(found, 1)}">{done}/{found}</progress></p>'
                    '<p>本页每 2 秒自动刷新；也可稍后再打开本页链接查看结果。</p>')
            return HTMLResponse(page("批量复核进行中", body, refresh=2))
        return HTMLResponse(page("批量复核结果", batch_results(job_id, folder, meta, request.query_params)))

    async def batch_file(request: Request) -> Response:
        job_id, folder, meta = _finished(request)
        all_reports = batch.reports(folder)
        names = batch.files(all_reports)
        number = request.path_params["n"]
        if not 0 <= number < len(names):
            raise HTTPException(404)
        mine = [r for r in all_reports if batch.key_of(r) == names[number]]
        parts = [f'<p><a href="/batch/{job_id}">返回汇总</a></p><p>文件：{esc(names[number])}</p>']
        email = (mine[0].get("source") or {}).get("email") if mine else None
        if email:
            parts.append(f"<p>来源邮件：{esc(email.get('from'))}，{esc(email.get('subject'))}，{esc(email.get('date'))}</p>")
        if any((r.get("source") or {}).get("output") for r in mine):
            parts.append(f'<p><a href="/batch/{job_id}/copy/{number}">下载批注副本</a></p>')
        for i, report in enumerate(mine):
            if len(mine) > 1:
                parts.append(f"<h3>项目 {i + 1} / {len(mine)}</h3>")
            parts.append(render(report))
        return HTMLResponse(page("文件复核结果", "".join(parts)))

    async def batch_copy(request: Request) -> Response:
        job_id, folder, meta = _finished(request)
        all_reports = batch.reports(folder)
        names = batch.files(all_reports)
        number = request.path_params["n"]
        if not 0 <= number < len(names):
            raise HTTPException(404)
        output = next(((r.get("source") or {}).get("output") for r in all_reports
                       if batch.key_of(r) == names[number] and (r.get("source") or {}).get("output")), None)
        out = batch.out_of(folder).resolve()
        path = (out / output).resolve() if output else None
        if path is None or not path.is_relative_to(out) or not path.is_file():
            raise HTTPException(404)
        return FileResponse(path, filename=path.name, media_type=XLSX)

    async def batch_summary(request: Request) -> Response:
        _job_id, folder, _meta = _finished(request)
        path = batch.summary_path(folder)
        if not path.is_file():
            raise HTTPException(404)
        return FileResponse(path, filename="汇总.xlsx", media_type=XLSX)

    async def batch_copies(request: Request) -> Response:
        _job_id, folder, _meta = _finished(request)
        path = await run_in_threadpool(batch.copies_zip, folder)
        return FileResponse(path, filename="批注副本.zip", media_type="application/zip")

    async def batch_replies(request: Request) -> Response:
        _job_id, folder, _meta = _finished(request)
        path = await run_in_threadpool(batch.replies_zip, folder)
        return FileResponse(path, filename="回复草稿.zip", media_type="application/zip")

    # --- errors ------------------------------------------------------------------------------

    async def not_found(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return HTMLResponse(message("未找到", "没有这个页面或文件：链接有误，或已过期（文件保存一天）。"), status_code=404)
        if exc.status_code == 405:
            return HTMLResponse(message("操作有误", "请从页面上的表单提交。"), status_code=405)
        return HTMLResponse(message("请求有误", "请求无法处理，请返回重试。"), status_code=exc.status_code)

    async def failed(request: Request, exc: Exception) -> Response:
        return HTMLResponse(message("处理出错", "处理时程序出错，请稍后重试；如仍出错，请将文件反馈给维护人员。"),
                            status_code=500)

    async def refused(request: Request, exc: jobs.UploadRefused) -> Response:
        return _refused(str(exc), "/")

    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/check", check_form, methods=["GET"]),
        Route("/check", check_upload, methods=["POST"]),
        Route("/check/{job}", check_page),
        Route("/check/{job}/copy", check_copy),
        Route("/check/{job}/submit", check_submit, methods=["POST"]),
        Route("/register", register_list),
        Route("/register/{n:int}", register_entry),
        Route("/batch", batch_form, methods=["GET"]),
        Route("/batch", batch_upload, methods=["POST"]),
        Route("/batch/{job}", batch_page),
        Route("/batch/{job}/file/{n:int}", batch_file),
        Route("/batch/{job}/copy/{n:int}", batch_copy),
        Route("/batch/{job}/summary.xlsx", batch_summary),
        Route("/batch/{job}/copies.zip", batch_copies),
        Route("/batch/{job}/replies.zip", batch_replies),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found, jobs.UploadRefused: refused,
                                                        Exception: failed})
    app.state.data = data
    app.state.threads = threads
    app.add_middleware(Guard, token=token, limits={"/check": max_upload, "/batch": max_batch})
    return app


MONEY_OR_SCORE = ("预算安排（元）", "资金到位（元）", "实际支出（元）", "自评得分", "复核得分", "差异")


def batch_results(job_id: str, folder: Path, meta: dict, query) -> str:
    """The 汇总 table (sortable by any column through links: no script), each file's page linked,
    and the downloads."""
    all_reports = batch.reports(folder)
    numbers = {name: i for i, name in enumerate(batch.files(all_reports))}
    by_file = {r.get("file"): batch.key_of(r) for r in all_reports}
    table, _findings, _unreadable = frames(all_reports)
    rows = table.to_dict("records")
    column = query.get("sort")
    descending = query.get("desc") == "1"
    if column in COLUMNS:
        present = [r for r in rows if r.get(column) is not None and r.get(column) == r.get(column)]
        absent = [r for r in rows if r not in present]
        present.sort(key=lambda r: (isinstance(r[column], str), r[column]), reverse=descending)
        rows = present + absent
    columns = [c for c in COLUMNS if c != "来源邮件" or any(r.get(c) for r in rows)]
    heads = []
    for name in columns:
        flip = "1" if name == column and not descending else "0"
        arrow = (" ▼" if descending else " ▲") if name == column else ""
        heads.append(f'<th><a href="/batch/{job_id}?sort={quote(name)}&amp;desc={flip}">{esc(name)}</a>{esc(arrow)}</th>')
    lines = []
    for row in rows:
        cells = []
        for name in columns:
            value = row.get(name)
            if isinstance(value, float) and math.isnan(value):  # a blank the summary table holds as NaN
                value = None
            if name == "来源文件" and value in by_file and by_file[value] in numbers:
                cells.append(f'<td><a href="/batch/{job_id}/file/{numbers[by_file[value]]}">{esc(value)}</a></td>')
            elif name in RATES:
                cells.append(f'<td class="num">{"" if value is None else f"{value * 100:.2f}%"}</td>')
            elif name in MONEY_OR_SCORE:
                cells.append(f'<td class="num">{number(value)}</td>')
            else:
                cells.append(f"<td>{esc(value)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    downloads = [f'<a href="/batch/{job_id}/summary.xlsx">下载 汇总.xlsx</a>',
                 f'<a href="/batch/{job_id}/copies.zip">下载全部批注副本（.zip）</a>',
                 f'<a href="/batch/{job_id}/replies.zip">下载回复草稿及整改通知（.zip）</a>']
    parts = [f"<p>共 {len(numbers)} 个文件，{len(rows)} 个项目；无法读取 {meta.get('unreadable', 0)} 个；"
             f"用时 {meta.get('seconds', 0)} 秒。</p>",
             "<p>" + "　".join(downloads) + "</p>",
             "<p>点击列名可排序；点击来源文件查看该文件的检查结果。</p>",
             f"<table><thead><tr>{''.join(heads)}</tr></thead><tbody>{''.join(lines)}</tbody></table>"]
    skipped = meta.get("skipped") or []
    if skipped:
        parts.append("<h3>已跳过</h3><ul>" + "".join(f"<li>{esc(n)}：{esc(why)}</li>" for n, why in skipped) + "</ul>")
    return "".join(parts)


def _findings_table(findings: list[dict]) -> str:
    return table(["严重程度", "问题", "说明", "位置"],
                 [[td(SEVERITY_ZH.get(f.get("severity"), "")), td(title_of(f.get("code"))), td(f.get("message")),
                   td(f"{f.get('sheet')}!{f.get('cell')}" if f.get("sheet") and f.get("cell") else f.get("sheet"))]
                  for f in findings])


def _copy_name(meta: dict) -> str:
    stem = jobs.display_name(meta.get("name") or "")
    suffix = jobs.workbook_suffix(stem)
    if suffix:
        stem = stem[: -len(suffix)]
    return f"{stem}{SUFFIX}.xlsx"


def _refused(text: str, back: str) -> Response:
    return HTMLResponse(message("无法处理", text, back), status_code=400)


async def _form(request: Request, limit: int):
    """The multipart form of ``request``; a body that is not one is refused in Chinese."""
    try:
        return await request.form(max_files=10000, max_fields=1000)
    except TooLarge:
        raise
    except Exception as exc:  # a body that is not multipart, cut short, or malformed
        raise jobs.UploadRefused("上传的内容不完整或格式不对，请重新选择文件上传。") from exc


async def _save(upload: UploadFile, target: Path, limit: int) -> int:
    """Copy ``upload`` to ``target``; refused when it is larger than ``limit``."""
    written = 0
    with open(target, "wb") as sink:
        while chunk := await upload.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                raise TooLarge()
            sink.write(chunk)
    return written
