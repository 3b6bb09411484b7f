"""年度统计 in a real browser, with htmx active (js) and without (nojs): open the page from the
navigation, change the period, follow a number to the records behind it."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import settled
from tests.reports.statistics_data import make_year

MARKER_SET = "window.__deskMarker = 'kept'"
MARKER_KEPT = "window.__deskMarker === 'kept'"


def test_change_the_period_and_follow_a_number(page, app, world, login, live_server, js_enabled):
    make_year(app, world)
    login("supervisor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="年度统计", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"阳城县\d{4}年度体育社会组织工作统计"))

    settled(page)
    page.evaluate(MARKER_SET)
    page.get_by_label("统计期间").select_option("2026-H1")
    if not js_enabled:
        page.get_by_role("button", name="统计").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("阳城县2026年上半年体育社会组织工作统计")
    expect(page).to_have_url(re.compile(r"period=2026-H1"))
    expect(page.locator("main")).to_contain_text("上半年新成立体育社会组织1个（北留镇篮球俱乐部）")
    # htmx swapped the statistics in place; without JavaScript the form loaded a new page.
    assert page.evaluate(MARKER_KEPT) is js_enabled
    expect(page.locator("header.topbar")).to_have_count(1)

    founded = page.locator("table").filter(has_text="成立").get_by_role("link", name="1", exact=True).first
    founded.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("阳城县2026年上半年登记事项")
    expect(page.locator("#records tbody tr")).to_have_count(1)
    expect(page.locator("#records")).to_contain_text("北留镇篮球俱乐部")

    page.get_by_role("link", name="返回年度统计").click()
    expect(heading).to_have_text("阳城县2026年上半年体育社会组织工作统计")


def test_a_bad_period_is_told_at_the_field(page, app, world, login, live_server, js_enabled):
    login("supervisor")
    page.goto("/statistics?period=2026")
    settled(page)
    page.get_by_label("统计期间").select_option("dates")
    if not js_enabled:
        page.get_by_role("button", name="统计").click()
    expect(page.locator("#start-error")).to_have_text("请填写起始日期（年-月-日）。")
    settled(page)
    page.get_by_label("起始日期").fill("2026-03-01")
    page.get_by_label("截止日期").fill("2026-06-30")
    page.get_by_role("button", name="统计").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("阳城县2026年3月1日至2026年6月30日体育社会组织工作统计")
