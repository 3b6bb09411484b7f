import re

from sqlalchemy.exc import OperationalError

from app.extensions import db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_healthz_is_503_when_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_home_shows_empty_todo_list(clerk_client):
    html = clerk_client.get("/").get_data(as_text=True)
    assert "我的待办" in html
    assert "暂无待办事项" in html


def test_navigation_is_role_aware(admin_client, clerk_client):
    assert "用户管理" in admin_client.get("/").get_data(as_text=True)
    clerk_html = clerk_client.get("/").get_data(as_text=True)
    assert "用户管理" not in clerk_html and "审计日志" not in clerk_html


def test_security_headers_and_private_cache(clerk_client):
    response = clerk_client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_pages_are_gzipped_when_accepted(clerk_client):
    response = clerk_client.get("/regions", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_static_files_have_hashed_names_and_long_cache(app, client):
    store = app.extensions["assets"]
    with app.test_request_context():
        url = store.url("js/htmx-2.0.11.min.js")
    assert re.fullmatch(r"/static/js/htmx-2\.0\.11\.min\.[0-9a-f]{10}\.js", url)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/static/js/htmx-2.0.11.min.js").status_code == 404  # unhashed names are not served


def test_a_locked_database_answers_a_clear_retry_page(app, clerk_client, world, monkeypatch):
    """SQLite's one writer at a time: a write that waits out the busy timeout gets 请稍后重试 (503)."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from app.organizations import services

    def locked(*args, **kwargs):
        raise OperationalError("INSERT INTO organizations ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(services, "create_organization", locked)
    from tests.organizations.test_views import org_form

    response = clerk_client.post("/organizations/new", data=org_form(world))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "请稍后重试" in response.get_data(as_text=True)


def test_permissions_policy_everywhere_and_hsts_over_https(client, world):
    plain = client.get("/login")
    assert "camera=()" in plain.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/login", base_url="https://tiyu.example.cn")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_header_shows_the_role_and_a_way_to_change_the_password(clerk_client):
    html = clerk_client.get("/").get_data(as_text=True)
    header = html.split('class="account"', 1)[1].split("</div>", 1)[0]
    assert "乡镇文体干事" in header and '>修改密码</a>' in header
