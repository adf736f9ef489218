"""The Starlette application of ``xlscore serve``: see the package's docstring. Every page is
Chinese; every failure (a bad upload, a file that cannot be read, a bug) is a Chinese page, and
the server keeps serving."""

from __future__ import annotations

import ipaddress
import json
import secrets
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
from ..read.naming import REPORT_DIR, SUFFIX
from . import jobs
from .html import esc, message, page
from .report import render

MB = 1024 * 1024
MAX_UPLOAD = 20 * MB  # one workbook (部门自查)
MAX_BATCH = 500 * MB  # one batch upload, all its files together
COOKIE = "xlscore_token"
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
        source = folder / f"{INPUT_STEM}{suffix}"
        await _save(upload, source, max_upload)
        await run_in_threadpool(review.score_file, source, folder / "out", None, shown)
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
        return FileResponse(copy, filename=_copy_name(meta),
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

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
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found, jobs.UploadRefused: refused,
                                                        Exception: failed})
    app.state.data = data
    app.add_middleware(Guard, token=token, limits={"/check": max_upload, "/batch": max_batch})
    return app


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
