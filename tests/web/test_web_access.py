"""The access code: asked on every request when one is set (a cookie after the login form, or
?token=), and ``xlscore serve``'s options."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webtools import SAMPLE, client, upload  # noqa: E402

from xlscore.cli import main  # noqa: E402


def test_no_token_on_loopback(tmp_path):
    assert client(tmp_path).get("/").status_code == 200


def test_token_asked_everywhere(tmp_path):
    web = client(tmp_path, token="secret-code")
    for path in ("/", "/check", "/batch", "/register", "/check/" + "a" * 43):
        response = web.get(path)
        assert response.status_code == 401 and "访问码" in response.text
    assert upload(web, SAMPLE).status_code == 401
    assert not (tmp_path / "jobs").exists()


def test_login_form_sets_cookie(tmp_path):
    web = client(tmp_path, token="secret-code")
    wrong = web.post("/login", files={"token": (None, "nope"), "next": (None, "/check")})
    assert wrong.status_code == 401 and "不正确" in wrong.text
    right = web.post("/login", files={"token": (None, "secret-code"), "next": (None, "/check")})
    assert right.status_code == 200 and str(right.url).endswith("/check")
    assert upload(web, SAMPLE).status_code == 200


def test_login_next_stays_on_site(tmp_path):
    web = client(tmp_path, token="secret-code")
    response = web.post("/login", files={"token": (None, "secret-code"), "next": (None, "//evil.example/")},
                        follow_redirects=False)
    assert response.headers["location"] == "/"


def test_token_in_query(tmp_path):
    web = client(tmp_path, token="secret-code")
    response = web.get("/check?token=secret-code", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/check"
    assert web.get("/check").status_code == 200  # the cookie it set
    assert client(tmp_path, token="secret-code").get("/check?token=wrong").status_code == 401


def test_is_loopback():
    from xlscore.web.app import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_serve_command(monkeypatch, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: seen.update(app=app, host=host, port=port))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8123", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert "访问码：" in result.output
    token = result.output.split("访问码：")[1].split()[0]
    assert len(token) >= 12
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path)])
    assert result.exit_code == 0 and "访问码" not in result.output and seen["host"] == "127.0.0.1"
    result = CliRunner().invoke(main, ["serve", "--host", "10.0.0.5", "--token", "given", "--data", str(tmp_path)])
    assert "访问码：given" in result.output
