"""考核指标 in a real browser, with htmx (js) and without JavaScript (nojs): the supervisor opens the
page from the navigation, narrows it to October, reads the charts and the numbers beside them,
and follows a figure to the cases behind it."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import settled
from tests.reports.kpi_cases import make_kpi_cases


def test_the_supervisor_follows_a_figure_to_its_cases(page, app, world, login, js_enabled):
    make_kpi_cases(app, world)
    login("supervisor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="考核指标").click()
    expect(page.get_by_role("heading", name="阳城县诉求件考核指标")).to_be_visible()
    on_time = page.locator("table.kpi-summary tr", has=page.get_by_role("rowheader", name="按时办结率", exact=True))
    expect(on_time).to_contain_text("57.1%（4/7）")
    settled(page)

    page.get_by_label("统计期间").select_option(label="2026年10月")
    if not js_enabled:
        page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", name="2026年10月阳城县考核指标")).to_be_visible()
    expect(page).to_have_url(re.compile(r"period=2026-10"))  # the address keeps the choice (hx-push-url)
    expect(on_time).to_contain_text("50.0%（3/6）")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(2)
    expect(charts.first).to_contain_text("凤城镇")
    expect(page.locator("table", has=page.locator("caption", has_text="按时办结率排名"))).to_contain_text("凤城镇")

    on_time.locator("td").nth(1).get_by_role("link", name="3", exact=True).click()  # 其中：超期 3
    expect(page.get_by_role("heading", name="阳城县2026年10月按时办结率：超期")).to_be_visible()
    expect(page.locator("table.list tbody tr")).to_have_count(3)
    page.locator("table.list tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("阳城体诉〔2026〕")
