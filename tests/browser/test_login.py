"""Logging in and out in a real browser, with htmx active (js) and without (nojs)."""
import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

MARKER_SET = "window.__deskMarker = 'kept'"
MARKER_KEPT = "window.__deskMarker === 'kept'"


def test_clerk_logs_in_and_lands_on_todo_list(page, world, live_server, js_enabled):
    page.goto("/")
    # Not logged in: sent to the login form, with the way back kept.
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.evaluate(MARKER_SET)

    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/")
    expect(page).to_have_title("我的待办 - 县域体育工作台")
    expect(page.locator(".flash-success")).to_have_text("欢迎，测试clerk。")
    expect(page.locator(".account")).to_contain_text("凤城镇 · 测试clerk")
    # With htmx the form was posted by a boosted request: the page itself never reloaded.
    assert page.evaluate(MARKER_KEPT) is js_enabled, "boosted login should keep the page (js) / reload it (nojs)"


def test_wrong_password_shows_error_at_field_and_keeps_username(page, world):
    page.goto("/login")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码", exact=True).fill("Wrong-2026")
    page.get_by_role("button", name="登录").click()

    password_field = page.locator(".field", has=page.locator("input[name=password]"))
    expect(password_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(password_field.locator("p.error")).to_have_text("用户名或密码错误。")
    password = page.locator("input[name=password]")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", "password-error")
    expect(password).to_have_value("")  # a password is never sent back
    expect(page.locator("input[name=username]")).to_have_value("clerk")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.locator(".mainnav")).to_have_count(0)

    # The form still works after the error (a fresh CSRF token came with the re-rendered form).
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()


def test_logout_button(page, world, login, live_server):
    login("clerk")
    page.locator(".account").get_by_role("button", name="退出").click()

    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.locator(".flashes")).to_contain_text("您已退出登录。")
    expect(page.locator(".account")).to_have_count(0)
    # Really logged out: the home page asks for a login again.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))


def test_session_cookie_marked_secure_works_on_127_0_0_1(page, world, app, live_server):
    """The README says browsers accept Secure cookies from http://127.0.0.1 (a secure context),
    which is why SESSION_COOKIE_SECURE defaults to on even for `make run` on plain HTTP."""
    saved = app.config["SESSION_COOKIE_SECURE"], app.config["REMEMBER_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    try:
        page.goto("/login")
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert "session" in cookies, f"Chromium did not keep the Secure session cookie over http: {cookies}"
        assert cookies["session"]["secure"] is True
        assert cookies["session"]["httpOnly"] is True
        assert cookies["session"]["sameSite"] == "Lax"

        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_label("在本机保持登录").check()
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="我的待办")).to_be_visible()

        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["remember_token"]["secure"] is True
        page.goto("/regions")
        expect(page.get_by_role("heading", name="行政区划")).to_be_visible()
    finally:
        app.config["SESSION_COOKIE_SECURE"], app.config["REMEMBER_COOKIE_SECURE"] = saved
