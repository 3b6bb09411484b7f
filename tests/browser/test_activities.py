"""An activity's course in a real browser, through the UI only, with htmx active (js) and without
JavaScript (nojs): the clerk registers a 赛事 (which must be filed), is refused without its 规程,
files it with the 规程; the supervisor approves it from 我的待办; the clerk reports it with a
photo; the ledger finds it by its place and shows it 已上报."""
import re

from playwright.sync_api import Page, expect

from app.timeutil import local_today
from tests.browser.conftest import settled
from tests.browser.test_haves_workflow import fact, flash, log_in_as, make_jpeg, nav
from tests.factories import committed, make_org

TITLE = "凤城镇第三届农民篮球赛"
ORG_NAME = "凤城镇体育总会"


def open_from_todo(page: Page, group: str) -> None:
    page.goto("/")
    section = page.locator("section.todo", has=page.get_by_role("heading", name=re.compile(group)))
    section.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page.get_by_role("heading", name=re.compile(TITLE))).to_be_visible()


def test_an_activity_from_registration_to_the_ledger(app, page, world, live_server, js_enabled, tmp_path):
    committed(app, make_org, world.town_a1, name=ORG_NAME)
    today = local_today().isoformat()
    rules_pdf = tmp_path / "篮球赛规程.pdf"
    rules_pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # The clerk registers the 赛事 from the organisation's page.
    log_in_as(page, "clerk")
    nav(page, "体育组织").click()
    page.get_by_role("link", name=ORG_NAME).click()
    page.get_by_role("link", name="登记活动").click()
    expect(page.get_by_role("heading", name=re.compile("登记赛事活动"))).to_be_visible()
    expect(page.get_by_label("主办单位")).to_have_value(ORG_NAME)
    page.get_by_label("活动名称").fill(TITLE)
    page.get_by_label("活动类型").select_option(label="赛事")
    page.get_by_label("开始日期").fill(today)
    page.get_by_label("结束日期").fill(today)
    page.get_by_label("活动地点").fill("镇文体中心篮球场")
    page.get_by_label("预计参与人数").fill("200")
    page.get_by_role("button", name="保存").click()
    expect(flash(page)).to_contain_text(f"已登记“{TITLE}”。该活动须报备")
    expect(fact(page, "报备")).to_have_text("须报县级同意")

    # Filing without the 规程 is refused at the field; with it, the filing goes to the county.
    page.get_by_role("button", name="提交县级审核").click()
    expect(page.locator(".field.has-error")).to_contain_text("报备须附活动规程")
    page.get_by_label("活动规程").set_input_files(rules_pdf)
    page.get_by_role("button", name="提交县级审核").click()
    expect(flash(page)).to_contain_text("已提交报备，等待县级审核。")
    expect(page.locator("h1 .tag")).to_have_text("报备待审")
    expect(fact(page, "活动规程")).to_contain_text("篮球赛规程.pdf")

    # The supervisor finds it on 我的待办 and approves it.
    log_in_as(page, "supervisor")
    open_from_todo(page, "待审核的活动报备")
    page.get_by_label("审核意见").fill("同意，请落实安全预案。")
    page.get_by_role("button", name="同意报备").click()
    expect(flash(page)).to_contain_text("已同意报备。")
    expect(fact(page, "审核意见")).to_have_text("同意，请落实安全预案。")

    # The clerk reports it, held today, with a photo.
    log_in_as(page, "clerk")
    open_from_todo(page, "待上报的活动")
    page.get_by_label("实际参与人数").fill("236")
    page.get_by_label("开展情况和成效").fill("共 12 支村队参赛，决出前三名。")
    page.get_by_label("活动照片").set_input_files(make_jpeg(tmp_path / "颁奖.jpg"))
    page.get_by_role("button", name="上报", exact=True).click()
    expect(flash(page)).to_contain_text("活动信息已上报。")
    expect(fact(page, "实际参与人数")).to_have_text("236")
    expect(page.locator("ul.evidence img")).to_have_count(1)

    # The ledger finds it by its place and shows it reported.
    nav(page, "赛事活动").click()
    expect(page.get_by_role("heading", name="赛事活动台账")).to_be_visible()
    settled(page)
    page.get_by_role("searchbox", name="活动名称、地点或主办单位").fill("篮球场")
    if not js_enabled:
        page.get_by_role("button", name="查询").click()
    row = page.locator("table.list tbody tr", has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("已上报")
    expect(row).to_contain_text("236")
    expect(page).to_have_url(re.compile(r"/activities\?q=.+"))
