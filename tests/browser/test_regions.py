"""行政区划 in a real browser: scoped navigation, active search and the add-region form,
each with htmx active (js) and without (nojs)."""
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import settled

MARKER_SET = "window.__deskMarker = 'kept'"
MARKER_KEPT = "window.__deskMarker === 'kept'"
OTHER_COUNTY = ("泽州县", "南村镇")


def nav_link(page, name):
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True)


def test_clerk_sees_own_township_only(page, world, login, live_server, js_enabled):
    login("clerk")
    page.evaluate(MARKER_SET)
    nav_link(page, "行政区划").click()

    expect(page.get_by_role("heading", name="行政区划")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/regions")
    expect(page).to_have_title("行政区划 - 县域体育工作台")
    expect(nav_link(page, "行政区划")).to_have_attribute("aria-current", "page")
    expect(nav_link(page, "我的待办")).not_to_have_attribute("aria-current", "page")
    breadcrumbs = page.get_by_role("navigation", name="上级区划")
    expect(breadcrumbs).to_contain_text("凤城镇")
    expect(page.locator("#results")).to_contain_text("暂无下级区划。")
    # A township clerk may not add regions.
    expect(page.get_by_role("link", name=re.compile("添加"))).to_have_count(0)
    # hx-boost: the nav link swapped the body instead of loading a new page.
    assert page.evaluate(MARKER_KEPT) is js_enabled, "boosted nav should keep the page (js) / reload it (nojs)"

    # Searching the whole subtree finds the own township, never the neighbours'.
    settled(page)
    search = page.locator("main input[name=q]")
    search.fill("镇")
    if not js_enabled:
        page.get_by_role("button", name="查询").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("凤城镇")
    expect(page.locator("#results")).to_contain_text("140522100")
    body = page.locator("body").inner_text()
    for name in OTHER_COUNTY + ("北留镇",):
        assert name not in body, f"clerk of 凤城镇 must not see {name}"

    page.get_by_role("link", name="详情").click()
    expect(page.get_by_role("heading", name=re.compile("凤城镇"))).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("阳城县凤城镇")


def test_active_search_updates_results_in_place(page, world, login, live_server, js_enabled):
    login("admin")
    page.goto("/regions")
    results = page.locator("#results")
    expect(results).to_contain_text("晋城市")
    page.evaluate(MARKER_SET)
    search_requests = []
    page.on("request", lambda r: "/regions?" in r.url and search_requests.append(r.headers))

    page.locator("main input[name=q]").fill("北留")
    if not js_enabled:
        page.get_by_role("button", name="查询").click()

    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("北留镇")
    expect(results).not_to_contain_text("晋城市")
    assert parse_qs(urlsplit(page.url).query).get("q") == ["北留"], f"search not in the address bar: {page.url}"
    expect(page.locator("main input[name=q]")).to_have_value("北留")
    # Only the results were swapped in: one top bar, no page nested inside #results.
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(results.locator("form.search, h1")).to_have_count(0)
    assert page.evaluate(MARKER_KEPT) is js_enabled, "active search should not reload the page (js)"
    if js_enabled:
        assert search_requests and all(h.get("hx-request") == "true" for h in search_requests)
        assert not any(h.get("hx-boosted") for h in search_requests)

    # The pushed URL is a real page: reloading it gives the whole page, not the fragment.
    page.reload()
    expect(page.get_by_role("heading", name="行政区划")).to_be_visible()
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(results).to_contain_text("北留镇")

    # Clearing the search brings back the admin's own level.
    page.locator("main input[name=q]").fill("")
    if not js_enabled:
        page.get_by_role("button", name="查询").click()
    expect(results).to_contain_text("晋城市")
    expect(results).not_to_contain_text("北留镇")


def test_back_button_after_boosted_navigation(page, world, login, live_server):
    login("supervisor")
    nav_link(page, "行政区划").click()
    expect(page.locator("#results")).to_contain_text("北留镇")
    page.go_back()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.locator("#results")).to_have_count(0)
    page.go_forward()
    expect(page.get_by_role("heading", name="行政区划")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("凤城镇")


def drill_to_yangcheng(page):
    nav_link(page, "行政区划").click()
    expect(page.get_by_role("heading", name="行政区划")).to_be_visible()
    page.locator("#results").get_by_role("link", name="晋城市", exact=True).click()
    page.locator("#results").get_by_role("link", name="阳城县", exact=True).click()
    expect(page.get_by_role("navigation", name="上级区划")).to_have_text(re.compile(r"^\s*山西省\s*›\s*晋城市\s*›\s*阳城县\s*$"))
    expect(page.locator("#results")).to_contain_text("北留镇")


def test_admin_adds_township(page, world, login, live_server, js_enabled):
    login("admin")
    page.evaluate(MARKER_SET)
    drill_to_yangcheng(page)
    page.get_by_role("link", name="在“阳城县”下添加乡镇（街道）").click()

    expect(page.get_by_role("heading", name="在“阳城县”下添加乡镇（街道）")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/regions/{world.county_a.id}/new")
    expect(page.get_by_label("区划代码")).to_have_attribute("placeholder", "140522…")
    page.get_by_label("名称").fill("町店镇")
    page.get_by_label("区划代码").fill("140522102")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".flash-success")).to_have_text("已添加乡镇（街道）“町店镇”。")
    expect(page).to_have_url(f"{live_server}/regions?parent={world.county_a.id}")
    row = page.locator("#results tbody tr", has_text="町店镇")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("140522102")
    expect(row).to_contain_text("乡镇（街道）")
    expect(row).to_contain_text("正常")
    assert page.evaluate(MARKER_KEPT) is js_enabled

    # The audit trail on the detail page names the admin.
    row.get_by_role("link", name="详情").click()
    expect(page.get_by_role("heading", name=re.compile("町店镇"))).to_be_visible()
    expect(page.locator(".history")).to_contain_text("admin")


def test_bad_region_code_shows_error_at_field_and_keeps_name(page, world, login, live_server):
    login("admin")
    page.goto(f"/regions/{world.county_a.id}/new")
    page.get_by_label("名称").fill("町店镇")
    page.get_by_label("区划代码").fill("123")
    page.get_by_role("button", name="保存").click()

    code_field = page.locator(".field", has=page.locator("input[name=code]"))
    expect(code_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(code_field.locator("p.error")).to_have_text("乡镇（街道）级代码应为 9 位数字。")
    expect(page.locator("input[name=code]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=code]")).to_have_value("123")
    expect(page.get_by_label("名称")).to_have_value("町店镇")
    expect(page.get_by_role("alert")).to_have_text("提交的内容有误，请按提示修改后再保存。")
    expect(page).to_have_url(f"{live_server}/regions/{world.county_a.id}/new")

    # Correct the code: the re-rendered form (new CSRF token included) saves.
    page.get_by_label("区划代码").fill("140522102")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_have_text("已添加乡镇（街道）“町店镇”。")
    expect(page.locator("#results tbody tr", has_text="町店镇")).to_have_count(1)
