"""Importing a platform's export (issue #8): the sample export uploaded, its columns mapped once,
previewed and confirmed into registered, scoped, audited cases; the same file again changes
nothing; the later export's 回访 results land on the timelines; bad rows are named at their row
and column and block the confirmation; another county's work order is a row error; a clerk
cannot import; a large file goes through a background job."""
import io
import re
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.cases import platform_import as imports
from app.cases import services
from app.cases.models import ActionKind, Case, CaseAction, CaseCategory, CaseType, ImportMapping
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import JobStatus
from app.rules import RuleError
from app.timeutil import local_today
from tests.factories import read_xlsx, user

UPLOAD = "/cases/import"
HEADERS = ["工单编号", "来电时间", "来电人", "来电号码", "诉求类型", "诉求分类", "所属区域", "诉求内容", "工单状态",
           "回访结果", "满意度"]


@pytest.fixture(autouse=True)
def _jobs_run_by_the_test(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_IN_PROCESS", False)


def export(rows: list[list], headers: list[str] = HEADERS, title: str | None = "阳城县12345政务服务便民热线工单导出") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def order(number: int, **values) -> list:
    row = {"工单编号": f"SX2026110{number:04d}", "来电时间": "2026-11-02 09:15", "来电人": "张三",
           "来电号码": "13812341234", "诉求类型": "投诉", "诉求分类": "文体旅游/健身设施", "所属区域": "凤城镇",
           "诉求内容": f"凤城镇文化广场健身器材损坏（{number}）。", "工单状态": "办理中", "回访结果": "",
           "满意度": ""} | values
    return [row[h] for h in HEADERS]


def sample(app, later: bool = False) -> bytes:
    with app.app_context():
        return imports.sample_export("阳城县", ["凤城镇", "北留镇"], local_today(), later=later)


def uploaded(client, data: bytes, name: str = "工单导出.xlsx", channel: str = "hotline12345") -> str:
    response = client.post(UPLOAD, data={"file": (io.BytesIO(data), name), "channel": channel},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def proposed(page: str) -> dict[str, str]:
    """The mapping the page proposes: each select's selected option."""
    chosen = {}
    for key, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        match = re.search(r'<option selected value="([^"]*)"', body)
        chosen[key] = match.group(1) if match else ""
    return chosen


def previewed(client, data: bytes, mapping: dict | None = None, **upload):
    """Upload, then post the mapping the page proposes (changed by ``mapping``): the preview."""
    location = uploaded(client, data, **upload)
    page = client.get(location).get_data(as_text=True)
    chosen = proposed(page) | (mapping or {})
    response = client.post(location, data=chosen)
    return location, chosen, response


def confirmed(client, location: str, mapping: dict):
    return client.post(f"{location}/confirm", data=mapping)


def cases(app) -> list[Case]:
    with app.app_context():
        rows = db.session.execute(select(Case).order_by(Case.external_id), execution_options={"unscoped": True}
                                  ).scalars().all()
        for case in rows:
            case.actions  # noqa: B018 - loaded before detaching
        db.session.expunge_all()
        return rows


def test_the_sample_export_imported_again_and_then_its_later_export(app, client_as, world):
    supervisor = client_as("supervisor")
    page = supervisor.get(UPLOAD).get_data(as_text=True)
    assert "下载示例导出文件" in page and "下载后续导出（含回访结果）" in page
    assert supervisor.get("/cases").get_data(as_text=True).count("导入平台工单") == 1
    first = supervisor.get("/cases/import/sample-first.xlsx")
    assert first.status_code == 200 and read_xlsx(first.data)[1][:3] == ("序号", "工单编号", "来电时间")

    # The first import: every column proposed by its name, 40 new cases.
    location, mapping, preview = previewed(supervisor, first.data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert mapping["external_id"] == "工单编号" and mapping["satisfaction"] == "满意度" and mapping["place_region"] == "所属区域"
    assert "新增 <strong>40</strong> 件" in html and "确认导入（新增 40 件，更新 0 件）" in html
    assert cases(app) == []  # the preview wrote nothing
    response = confirmed(supervisor, location, mapping)
    assert response.status_code == 303 and response.headers["Location"] == "/cases"
    assert "已导入：新增 40 件，更新 0 件。" in supervisor.get("/cases").get_data(as_text=True)
    imported = cases(app)
    assert len(imported) == 40 and {c.region_id for c in imported} == {world.county_a.id}
    assert {c.place_region_id for c in imported} <= {world.town_a1.id, world.town_a2.id}
    assert all(c.external_id.startswith("SX") and c.platform_status for c in imported)
    assert {a.kind for c in imported for a in c.actions} == {ActionKind.REGISTER, ActionKind.PLATFORM_REPORT}
    with app.app_context():
        audited = db.session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_type == "cases", AuditEntry.action == "insert")).scalar()
        assert audited == 40
        mapping_row = db.session.execute(select(ImportMapping)).scalar_one()
        assert mapping_row.region_id == world.county_a.id and mapping_row.columns["received_at"] == "来电时间"

    # The same file again: nothing new, nothing to confirm.
    location, mapping, preview = previewed(supervisor, first.data)
    html = preview.get_data(as_text=True)
    assert "无变化 <strong>40</strong> 件" in html and "确认导入" not in html
    assert confirmed(supervisor, location, mapping).status_code == 303
    assert len(cases(app)) == 40

    # The later export: the platform's 回访 and satisfaction onto the same cases, on their timelines.
    later = supervisor.get("/cases/import/sample-later.xlsx").data
    location, mapping, preview = previewed(supervisor, later)
    html = preview.get_data(as_text=True)
    assert "更新 <strong>40</strong> 件" in html and "新增 <strong>0</strong> 件" in html and "更新（" in html
    assert confirmed(supervisor, location, mapping).status_code == 303
    after = cases(app)
    assert len(after) == 40 and all(c.platform_callback.startswith("已回访") and c.platform_satisfaction for c in after)
    reports = [a for a in after[0].actions if a.kind == ActionKind.PLATFORM_REPORT]
    assert len(reports) == 2 and "平台回访：已回访" in reports[-1].text
    detail = supervisor.get(f"/cases/{after[0].id}").get_data(as_text=True)
    assert "平台回访" in detail and after[0].platform_callback in detail


def test_the_mapping_is_remembered_per_county_and_proposed_next_time(app, client_as):
    supervisor = client_as("supervisor")
    headers = ["单号", "时间", "内容", "乡镇名称"]
    data = export([["A-1", "2026-11-02 09:15", "体育馆不开放。", "北留镇"]], headers, title=None)
    location = uploaded(supervisor, data)
    page = supervisor.get(location).get_data(as_text=True)
    assert proposed(page)["external_id"] == ""  # names it does not know are not guessed
    refused = supervisor.post(location, data={"external_id": "单号"})
    assert refused.status_code == 422 and "请选择哪一列是来电时间。" in refused.get_data(as_text=True)
    mapping = {"external_id": "单号", "received_at": "时间", "content": "内容", "place_region": "乡镇名称"}
    assert "新增 <strong>1</strong> 件" in supervisor.post(location, data=mapping).get_data(as_text=True)
    # Next time (another file of the same platform), the county's mapping is proposed.
    again = supervisor.get(uploaded(supervisor, data)).get_data(as_text=True)
    assert {k: v for k, v in proposed(again).items() if v} == mapping
    # Another county has its own.
    other = client_as("supervisor_b")
    assert proposed(other.get(uploaded(other, data)).get_data(as_text=True))["external_id"] == ""
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_type == "import_mappings")).scalar() == 1


def test_bad_rows_are_named_at_their_row_and_column_and_nothing_can_be_confirmed(app, client_as):
    supervisor = client_as("supervisor")
    data = export([
        order(1),
        order(2, 来电时间="2026-13-01"),
        order(3, 诉求内容=""),
        order(1, 诉求内容="同一工单又出现一次。"),
        order(5, 来电时间="2099-01-01 08:00"),
        order(6, 来电人="名" * 41),
        order(7, 诉求类型="其他", 所属区域="外县某镇"),
    ])
    location, mapping, response = previewed(supervisor, data)
    html = response.get_data(as_text=True)
    for message in ("第4行 来电时间：无法识别的时间“2026-13-01”", "第5行 诉求内容：必填，不能为空。",
                    "第6行 工单编号：与第3行的工单编号相同", "第7行 来电时间：时间“2099-01-01 08:00”晚于现在。",
                    "第8行 来电人：不能超过 40 个字（现有 41 个）。"):
        assert message in html, message
    assert "错误 <strong>5</strong> 行" in html and "未导入任何数据" in html and "确认导入" not in html
    # Row 9 is fine, with what was assumed said beside it.
    assert "诉求类型“其他”无法对应，按咨询登记。" in html and "所属区域“外县某镇”不是阳城县的乡镇（街道）" in html
    refused = confirmed(supervisor, location, mapping)
    assert refused.status_code == 422 and cases(app) == []


def test_rows_are_read_into_the_desks_types_categories_classes_and_townships(app, world):
    with app.app_context():
        channel = services.active_channels()[0]
        county = db.session.get(type(world.county_a), world.county_a.id)
        data = export([
            order(1, 诉求类型="投诉举报", 诉求分类="文体旅游/噪音扰民", 所属区域="阳城县北留镇"),
            order(2, 诉求类型="意见建议", 诉求分类="", 诉求内容="建议成立门球协会。", 所属区域="140522100"),
            order(3, 诉求类型="", 诉求分类="", 诉求内容="没有关键词。", 所属区域="阳城县"),
        ] + [order(4, 来电时间=datetime(2026, 11, 3, 8, 5))], HEADERS + ["紧急程度"])
        mapping = imports.guess_mapping(imports.read(data).headers)
        assert mapping["channel_class"] == "紧急程度"
        rows = imports.build_preview(data, channel, mapping, county, datetime(2026, 12, 4, 9, 0)).rows
        first, second, third, fourth = (r.new for r in rows)
        assert (first.type, first.category, first.place_region_id) == (CaseType.COMPLAINT, CaseCategory.NOISE,
                                                                        world.town_a2.id)
        assert (second.type, second.category, second.place_region_id) == (CaseType.SUGGESTION,
                                                                          CaseCategory.ORGANIZATIONS, world.town_a1.id)
        assert (third.type, third.category, third.place_region_id) == (CaseType.CONSULTATION, CaseCategory.OTHER, None)
        assert fourth.received_at == datetime(2026, 11, 3, 8, 5) and first.channel_class.code == "general"
        assert not any(r.notes for r in rows) and [r.township for r in rows] == ["北留镇", "凤城镇", "", "凤城镇"]


def test_another_countys_work_order_is_a_row_error(app, client_as, world):
    with app.app_context():
        other = user("supervisor_b")
        channel = services.active_channels()[0]
        services.register_case(services.NewCase(
            channel_class=channel.classes[0], received_at=datetime(2026, 11, 1, 9, 0), type=CaseType.HELP,
            category=CaseCategory.OTHER, content="泽州县的工单。", external_id="SX20261100001"),
            other, other.region, datetime(2026, 12, 1, 9, 0))
        db.session.commit()
    location, mapping, response = previewed(client_as("supervisor"), export([order(1), order(2)]))
    html = response.get_data(as_text=True)
    assert "第3行 工单编号：工单号 SX20261100001 已在其他县登记，不能导入到阳城县。" in html
    assert "确认导入" not in html and len(cases(app)) == 1


def test_only_a_countys_own_users_import(app, client_as):
    for username in ("clerk", "viewer"):
        client = client_as(username)
        assert client.get(UPLOAD).status_code == 403
        assert client.get("/cases/import/sample-first.xlsx").status_code == 403
    assert "导入平台工单" not in client_as("clerk").get("/cases").get_data(as_text=True)
    assert client_as("admin").get(UPLOAD).status_code == 403  # the province registers no cases
    # An upload token is this browser's own: another user's is gone for them.
    location = uploaded(client_as("supervisor"), export([order(1)]))
    elsewhere = client_as("supervisor_b").get(location)
    assert elsewhere.status_code == 303 and elsewhere.headers["Location"] == UPLOAD


@pytest.mark.parametrize("data, words", [
    (b"", "上传的文件是空的。"),
    ("这不是表格。\n".encode(), "找不到表头行"),
    (export([]), "只有表头"),
    (b"<html><table></table></html>", "网页"),
])
def test_a_bad_file_is_refused_at_the_field_and_nothing_kept(app, client_as, data, words):
    from app.spreadsheets.pending import uploads_dir

    with app.test_request_context():
        folder = uploads_dir()
    kept_before = set(folder.glob("*")) if folder.exists() else set()
    response = client_as("supervisor").post(UPLOAD, data={"file": (io.BytesIO(data), "导出.xls"),
                                                          "channel": "hotline12345"},
                                            content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and words in html and 'class="error' in html
    assert (set(folder.glob("*")) if folder.exists() else set()) == kept_before


def test_a_large_file_is_imported_by_a_job_all_or_nothing(app, client_as, monkeypatch, world):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    supervisor = client_as("supervisor")
    location, mapping, _ = previewed(supervisor, export([order(n) for n in range(1, 6)]))
    response = confirmed(supervisor, location, mapping)
    job_id = int(re.fullmatch(r"/jobs/(\d+)", response.headers["Location"]).group(1))
    assert "排队中" in supervisor.get(f"/jobs/{job_id}").get_data(as_text=True)
    with app.app_context():
        job = jobs.run_job(job_id)
        assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5), job.error
    assert len(cases(app)) == 5
    result = read_xlsx(supervisor.get(f"/jobs/{job_id}/download").data)
    assert result[0] == ("行号", "工单编号", "处理", "诉求件编号") and result[1][2] == "新增"
    assert result[1][3].startswith("阳城体诉〔2026〕")

    # A work order another county registered meanwhile fails the whole job, which says why.
    location, mapping, _ = previewed(supervisor, export([order(n) for n in range(6, 11)]))
    job_id = int(re.fullmatch(r"/jobs/(\d+)", confirmed(supervisor, location, mapping).headers["Location"]).group(1))
    with app.app_context():
        channel = services.active_channels()[0]
        other = user("supervisor_b")
        services.register_case(services.NewCase(
            channel_class=channel.classes[0], received_at=datetime(2026, 11, 1, 9, 0), type=CaseType.HELP,
            category=CaseCategory.OTHER, content="先登记了。", external_id="SX20261100009"),
            other, other.region, datetime(2026, 12, 1, 9, 0))
        db.session.commit()
        job = jobs.run_job(job_id)
        assert job.status == JobStatus.FAILED and "第6行 工单编号：工单号 SX20261100009 已在其他县登记" in job.error
        assert "未导入任何数据" in job.error
    assert len(cases(app)) == 6  # the five of the first job and the one registered meanwhile
    assert "未导入任何数据" in supervisor.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_timeline_entries_name_the_importer(app, client_as):
    supervisor = client_as("supervisor")
    location, mapping, _ = previewed(supervisor, export([order(1, 工单状态="已办结", 回访结果="已回访，满意。",
                                                             满意度="满意")]))
    confirmed(supervisor, location, mapping)
    with app.app_context():
        action = db.session.execute(select(CaseAction).where(CaseAction.kind == ActionKind.PLATFORM_REPORT),
                                    execution_options={"unscoped": True}).scalar_one()
        assert action.text == "平台状态：已办结；平台回访：已回访，满意。；满意度：满意"
        assert "测试supervisor" in action.actor_name


def test_a_row_refused_while_writing_rolls_the_whole_import_back(app, world):
    """The preview said 新增; a colleague registers one of the work orders before the confirmation
    writes: that row is refused, and with it every row already written."""
    with app.app_context():
        supervisor = user("supervisor")
        channel = services.active_channels()[0]
        county = supervisor.region
        preview = imports.build_preview(export([order(1), order(2), order(3)]), channel,
                                        imports.guess_mapping(HEADERS), county, datetime(2026, 12, 4, 9, 0))
        assert preview.counts["新增"] == 3
        services.register_case(preview.rows[2].new, supervisor, county, datetime(2026, 12, 4, 9, 0))
        db.session.commit()
        with pytest.raises(RuleError) as caught:
            imports.apply(preview, supervisor, county, datetime(2026, 12, 4, 9, 1))
        db.session.rollback()
        assert caught.value.message.startswith("第5行：工单号 SX20261100003 已登记为 阳城体诉〔2026〕")
        assert caught.value.message.endswith("未导入任何数据。")
        assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 1


def test_a_long_preview_lists_errors_first_and_a_capped_number_of_rows():
    rows = [imports.ImportRow(n, {}, errors={"received_at": "x"} if n % 3 == 0 else {}) for n in range(2, 1202)]
    preview = imports.ImportPreview(None, {}, None, rows)
    shown = preview.shown(limit=200, error_limit=150)
    assert [r.number for r in shown[:150]] == [r.number for r in rows if r.errors][:150]
    assert len(shown) == 200 and not any(r.errors for r in shown[150:])
    assert preview.counts == {"新增": 800, "更新": 0, "无变化": 0, "错误": 400} and not preview.ok


@pytest.mark.parametrize("kind", ["xls", "csv-gbk", "csv-utf8-bom"])
def test_an_old_excel_file_or_a_csv_imports_as_the_xlsx_does(app, client_as, kind):
    from tests.spreadsheets.test_tables import csv_text, xls_bytes

    rows = [HEADERS, order(1), order(2, 来电时间="2026/11/3 8:05", 诉求类型="求助")]
    data = {"xls": lambda: xls_bytes(rows), "csv-gbk": lambda: csv_text(rows).encode("gbk"),
            "csv-utf8-bom": lambda: b"\xef\xbb\xbf" + csv_text(rows).encode()}[kind]()
    supervisor = client_as("supervisor")
    location, mapping, preview = previewed(supervisor, data, name=f"导出.{kind[:3]}")
    assert "新增 <strong>2</strong> 件" in preview.get_data(as_text=True)
    assert confirmed(supervisor, location, mapping).status_code == 303
    imported = cases(app)
    assert [(c.external_id, c.received_at, c.type) for c in imported] == [
        ("SX20261100001", datetime(2026, 11, 2, 9, 15), CaseType.COMPLAINT),
        ("SX20261100002", datetime(2026, 11, 3, 8, 5), CaseType.HELP)]


def test_a_row_that_seems_to_repeat_a_case_here_says_which_in_the_preview(app, client_as, world):
    with app.app_context():
        supervisor = user("supervisor")
        channel = services.active_channels()[0]
        earlier = services.register_case(services.NewCase(
            channel_class=channel.classes[0], received_at=datetime(2026, 10, 30, 9, 0), type=CaseType.COMPLAINT,
            category=CaseCategory.EQUIPMENT_DAMAGE, content="凤城镇文化广场的健身器材坏了好几天了，没人修。",
            requester_phone="13812341234"), supervisor, supervisor.region, datetime(2026, 10, 30, 10, 0))
        db.session.commit()
        number = earlier.number
    # The same caller about the same matter, reworded; another caller about another matter.
    client = client_as("supervisor")
    location, mapping, response = previewed(client, export([
        order(1, 诉求内容="凤城镇文化广场健身器材损坏，无人维修。"),
        order(2, 来电号码="13900001111", 诉求内容="咨询北留镇体育馆开放时间。", 所属区域="北留镇"),
    ]))
    html = response.get_data(as_text=True)
    assert f"疑似重复：{number}（同一来电号码，内容相似" in html and html.count("疑似重复：") == 1
    # Registered, the row is proposed as that case's repeat on its page.
    assert confirmed(client, location, mapping).status_code == 303 and len(cases(app)) == 3
    with app.app_context():
        from app.cases.models import CaseMatch
        proposal = db.session.execute(select(CaseMatch), execution_options={"unscoped": True}).scalar_one()
        assert proposal.match.number == number and proposal.case.external_id == "SX20261100001"
