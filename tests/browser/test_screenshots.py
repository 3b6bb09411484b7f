"""Screenshots for a human to judge the layout: skipped unless BROWSER_SHOTS_DIR is set, e.g.

    BROWSER_SHOTS_DIR=/tmp/shots .venv/bin/python -m pytest -q tests/browser -k screenshots
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

SHOTS_DIR = os.environ.get("BROWSER_SHOTS_DIR")
VIEWPORT = {"width": 1024, "height": 768}


@pytest.mark.skipif(not SHOTS_DIR, reason="set BROWSER_SHOTS_DIR to take screenshots")
def test_screenshots(browser, live_server, world):
    shots = Path(SHOTS_DIR)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/login")
        page.screenshot(path=shots / "login.png")
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
        page.screenshot(path=shots / "home.png")
        page.goto(f"/regions?parent={world.county_a.id}")
        expect(page.locator("#results")).to_contain_text("北留镇")
        page.screenshot(path=shots / "regions.png")
    finally:
        context.close()
