"""The case desk end to end in a real browser, through the UI only, with htmx active (js) and
without JavaScript (nojs): a 12345 call received the day before National Day is registered and
due after the holiday, dispatched to 凤城镇, signed for and answered with a photo by its clerk,
reviewed, called back and closed by the supervisor, its 交办单 printed; a second case is returned,
redispatched to 北留镇, extended and urged. Every step is on the timeline and on the 我的待办 of
whoever acts next."""
from playwright.sync_api import Page, expect

from tests.browser.test_haves_workflow import flash, log_in_as, make_jpeg, open_pdf, pdf_text

CONTENT = "凤城镇文化广场的扭腰器损坏，存在安全隐患。"


def register(page: Page, content: str = CONTENT) -> str:
    """登记 as the logged-in supervisor; returns the case's number."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="诉求件", exact=True).click()
    page.get_by_role("link", name="登记诉求件").click()
    page.get_by_label("来源渠道").select_option(label="12345热线（一般）")
    page.get_by_label("收件时间").fill("2026-09-30T16:20")
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("诉求分类").select_option(label="健身器材损坏")
    page.get_by_label("诉求人").fill("张三")
    page.get_by_label("联系电话").fill("13812341234")
    page.get_by_label("诉求内容").fill(content)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(flash(page)).to_contain_text("已登记")
    return page.locator("h1").inner_text().split()[0]


def take(page: Page, step: str, **fields) -> None:
    """Fill the step's form on the case page and submit it."""
    form = page.locator("form.step", has=page.get_by_role("heading", name=step, exact=True))
    for label, value in fields.items():
        control = form.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        elif control.get_attribute("type") == "file":
            control.set_input_files(value)
        else:
            control.fill(value)
    form.get_by_role("button", name=step, exact=True).click()
    expect(flash(page)).to_contain_text(f"已{step}")


def open_case(page: Page, number: str, todo_group: str) -> None:
    """From 我的待办: the case waits in ``todo_group``."""
    page.goto("/")
    group = page.locator("section.todo", has=page.get_by_role("heading", name=todo_group))
    group.get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_contain_text(number)


def timeline(page: Page):
    return page.locator("ol.timeline")


def test_a_case_from_the_call_to_closing(page, world, live_server, js_enabled, tmp_path):
    log_in_as(page, "supervisor")
    number = register(page)
    assert number == "阳城体诉〔2026〕0001号"
    deadlines = page.locator("table.list").first
    expect(deadlines).to_contain_text("5个工作日")
    expect(deadlines).to_contain_text("2026-10-13")  # 10-01 to 10-07 off, 10-10 worked
    expect(page.locator("dl.facts")).to_contain_text("张*")
    take(page, "受理")
    take(page, "派单", 承办单位="凤城镇", 说明="请核实并在期限内回复。")
    expect(page.get_by_role("link", name="打印交办单")).to_be_visible()
    sheet = pdf_text(open_pdf(page, page.get_by_role("link", name="打印交办单"), tmp_path, "assignment.pdf"))
    for text in (number, "诉求件交办单", "凤城镇", "张*", "2026年10月13日"):
        assert text in sheet, text
    page.goto("/")  # back from the PDF viewer to the desk

    log_in_as(page, "clerk")
    open_case(page, number, "待签收的诉求件")
    take(page, "签收")
    photo = make_jpeg(tmp_path / "已修复.jpg")
    take(page, "提交回复", 办理结果="已解决", 说明="已更换扭腰器。", 附件=str(photo))
    expect(page.locator("dl.facts")).to_contain_text("已解决")
    expect(timeline(page).locator("img")).to_have_count(1)

    log_in_as(page, "supervisor")
    open_case(page, number, "待审核的回复")
    take(page, "审核通过")
    take(page, "记录回访", 回访结果="满意", 说明="电话回访，满意。")
    take(page, "办结")
    expect(page.locator("h1")).to_contain_text("已办结")
    for word in ("登记", "受理", "派单", "签收", "回复", "审核通过", "回访", "办结"):
        expect(timeline(page)).to_contain_text(word)
    expect(page.locator("form.step")).to_have_count(0)  # nothing left to do


def test_a_case_returned_redispatched_extended_and_urged(page, world, live_server, js_enabled):
    log_in_as(page, "supervisor")
    number = register(page, "北留镇体育馆周末不开放。")
    take(page, "受理")
    take(page, "派单", 承办单位="凤城镇")

    log_in_as(page, "clerk")
    open_case(page, number, "待签收的诉求件")
    take(page, "申请退单", 说明="体育馆在北留镇，不属于本镇。")
    expect(page.locator("h1")).to_contain_text("退单待审")

    log_in_as(page, "supervisor")
    open_case(page, number, "待审批的退单")
    take(page, "同意退单")
    take(page, "派单", 承办单位="北留镇")

    log_in_as(page, "clerk_a2")
    open_case(page, number, "待签收的诉求件")
    take(page, "签收")
    take(page, "申请延期", 说明="需与学校协商开放时间。")

    log_in_as(page, "supervisor")
    open_case(page, number, "待审批的延期")
    take(page, "批准延期", 延长天数="5")
    take(page, "催办", 说明="请尽快答复。")
    for word in ("申请退单", "同意退单", "→ 北留镇", "申请延期", "批准延期", "（延长 5 日）", "催办"):
        expect(timeline(page)).to_contain_text(word)
    # 凤城镇's clerk no longer sees the case it returned.
    log_in_as(page, "clerk")
    page.goto("/cases")
    expect(page.locator("#results")).not_to_contain_text(number)
