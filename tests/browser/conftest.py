"""Browser fixtures: the test app served on 127.0.0.1 in a background thread, one Chromium
for the session, and a fresh page per test, once with JavaScript (htmx active) and once without.

Plain Playwright (sync API) under pytest; Chromium is the Debian package, never downloaded.
"""
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1024, "height": 768}

# Chromium logs every 4xx answer as a console error. A 422 form re-render is expected, and so
# (for now) is the 404 for /favicon.ico: the app has no icon and Chromium asks for one.
EXPECTED_CONSOLE_TEXT = ("Failed to load resource: the server responded with a status of 422",)
EXPECTED_CONSOLE_URLS = ("/favicon.ico",)

expect.set_options(timeout=5_000)

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser is a ``browser`` test (``make test-fast`` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # errors still go through log_error


@pytest.fixture(scope="session")
def _server(app):
    """The session's app on a free port of 127.0.0.1, served by a thread per request."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def live_server(app, _server):
    """Base URL of the running app, with CSRF protection switched on for this test.

    The app fixture is session-wide and the other suites run with CSRF off, so the
    setting is put back after every browser test rather than at the end of the session.
    """
    saved = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield _server
    app.config["WTF_CSRF_ENABLED"] = saved


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js_enabled(request) -> bool:
    return request.param


@pytest.fixture
def allowed_console() -> list[str]:
    """Console errors a test expects (substrings), such as the 404 of a dead link it follows."""
    return []


@pytest.fixture
def page(browser, live_server, js_enabled, allowed_console):
    """A page in its own context (own cookies), at 1024x768, with base_url set to the live server.

    Uncaught script errors and console errors (a CSP violation, say) fail the test at teardown.
    """
    context = browser.new_context(java_script_enabled=js_enabled, base_url=live_server,
                                  viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"uncaught script error: {exc}"))

    def on_console(msg):
        if msg.type != "error" or msg.text.startswith(EXPECTED_CONSOLE_TEXT):
            return
        if any(expected in msg.text for expected in allowed_console):
            return
        source = (msg.location or {}).get("url", "")
        if source.endswith(EXPECTED_CONSOLE_URLS):
            return
        problems.append(f"console error on {page.url} (from {source}): {msg.text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not problems, "the browser reported errors:\n" + "\n".join(problems)


SETTLED = "!window.htmx || !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def settled(page) -> None:
    """Wait until htmx has finished the last swap. htmx wires up swapped-in content only when the
    swap settles (20 ms later): typing into a search box before that fires no search, and a
    change made while a request is in flight is dropped (both seen in CI)."""
    page.wait_for_function(f"() => {SETTLED}")


def fill_login_form(page, username: str, password: str = PASSWORD) -> None:
    """Type into the login form once the page is still: after a boosted swap htmx focuses the
    autofocused username field when the swap settles, and typing begun before that lands there
    (a password typed into the username field, seen in CI). Without JavaScript the browser
    focused it on load."""
    page.wait_for_function(f"() => ({SETTLED}) && document.activeElement && "
                           "document.activeElement.name === 'username'")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    expect(page.get_by_label("用户名")).to_have_value(username)


@pytest.fixture
def login(page):
    """``login("clerk")`` logs in through the /login form and waits for 我的待办."""

    def log_in(username: str, password: str = PASSWORD):
        page.goto("/login")
        fill_login_form(page, username, password)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
        return page

    return log_in
