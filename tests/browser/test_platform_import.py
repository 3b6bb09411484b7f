"""Importing a platform's export in a real browser, with htmx active (js) and without JavaScript
(nojs): the sample export uploaded from the ledger's 导入平台工单, its columns proposed by name,
previewed and confirmed; then the later export, whose 回访 results land on a case's timeline."""
from playwright.sync_api import Page, expect

from app.cases import platform_import as imports
from app.timeutil import local_today
from tests.browser.test_haves_workflow import flash, log_in_as


def import_file(page: Page, path, expected: str, button: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="诉求件", exact=True).click()
    page.get_by_role("link", name="导入平台工单").click()
    page.get_by_label("导出文件").set_input_files(path)
    page.get_by_role("button", name="上传并对应列").click()
    expect(page.locator("h1")).to_contain_text("对应列")
    expect(page.get_by_label("工单编号（必选）")).to_have_value("工单编号")
    page.get_by_role("button", name="预览导入结果").click()
    expect(page.locator("p.counts")).to_contain_text(expected)
    page.get_by_role("button", name=button).click()


def test_the_sample_export_and_its_later_export(page, world, live_server, js_enabled, tmp_path):
    first, later = tmp_path / "工单导出.xlsx", tmp_path / "后续导出.xlsx"
    first.write_bytes(imports.sample_export("阳城县", ["凤城镇", "北留镇"], local_today()))
    later.write_bytes(imports.sample_export("阳城县", ["凤城镇", "北留镇"], local_today(), later=True))
    log_in_as(page, "supervisor")
    import_file(page, first, "新增 40 件", "确认导入（新增 40 件，更新 0 件）")
    expect(flash(page)).to_contain_text("已导入：新增 40 件，更新 0 件。")
    import_file(page, later, "更新 40 件", "确认导入（新增 0 件，更新 40 件）")
    expect(flash(page)).to_contain_text("已导入：新增 0 件，更新 40 件。")
    page.locator("#results a", has_text="阳城体诉").first.click()
    expect(page.locator("ol.timeline")).to_contain_text("平台回访")
    expect(page.locator("ol.timeline")).to_contain_text("已回访")
