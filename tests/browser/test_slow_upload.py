"""A photo sent over a slow link (issue: uploads look frozen): the button is disabled while the
file goes, a progress bar shows how far it has got, and the photo arrives once."""
import re

from playwright.sync_api import expect

from tests.browser.test_haves_workflow import item_row, log_in_as, mark, register_organisation, start_inspection
from tests.factories import jpeg_bytes

KBIT = 1024 / 8  # bytes per second in one kbit/s


def test_a_slow_upload_shows_progress_and_cannot_be_sent_twice(page, world, live_server, js_enabled, tmp_path):
    if not js_enabled:
        # Without JavaScript the browser posts the form itself; the hint beside the button says to wait.
        log_in_as(page, "clerk")
        register_organisation(page)
        start_inspection(page, "自查")
        expect(page.locator(".upload-status")).to_contain_text("请等待上传完成")
        return
    log_in_as(page, "clerk")
    register_organisation(page)
    start_inspection(page, "自查")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg_bytes(3000, 2000, "navy") + b"\x00" * 200_000)  # ~0.25 MB on the wire
    for title in ("有场地", "有经费", "有人员", "有活动"):
        mark(page, title, "达标")
    page.get_by_label("有场地的佐证材料").set_input_files(photo)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 100,
                                                   "uploadThroughput": 256 * KBIT, "downloadThroughput": 256 * KBIT})
    save = page.get_by_role("button", name="保存", exact=True)
    save.click()
    expect(save).to_be_disabled()
    expect(page.locator("progress.upload-progress")).to_be_visible()
    expect(page.locator(".upload-status")).to_contain_text(re.compile(r"正在上传 \d+%"))
    expect(page.get_by_text("已保存。")).to_be_visible(timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                   "uploadThroughput": -1, "downloadThroughput": -1})
    expect(item_row(page, "有场地").locator("ul.evidence li")).to_have_count(1)
