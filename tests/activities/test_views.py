"""Activities over HTTP: the ledger (page, fragment, filters, Excel), the activity page and its steps,
the form, the organisation's panel and 我的待办; login, roles and scope."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.activities.models import Activity, ActivityKind, ActivityLevel, ActivityStatus
from app.attachments.models import Attachment
from app.extensions import db
from tests.factories import jpeg_bytes, make_activity, make_org, read_xlsx

S = ActivityStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ids(app, world):
    """凤城镇体育总会 with a small 展演 (held, nothing to file) and a 联赛 to file; 北留镇 a 培训 of
    2025; 南村镇 (the other county) a 赛事."""
    with app.app_context():
        a1 = make_org(world.town_a1)
        a2 = make_org(world.town_a2)
        b1 = make_org(world.town_b1)
        show = make_activity(a1, title="广场舞展演", kind=ActivityKind.SHOWCASE, place="镇文体广场",
                             starts_on=date(2026, 5, 20))
        league = make_activity(a1, title="镇篮球联赛", kind=ActivityKind.COMPETITION, place="镇体育馆",
                               starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 3), organiser="凤城镇人民政府")
        training = make_activity(a2, title="社会体育指导员培训", kind=ActivityKind.TRAINING, level=ActivityLevel.COUNTY,
                                 starts_on=date(2025, 11, 5), by="clerk_a2")
        other = make_activity(b1, title="南村镇乒乓球赛", kind=ActivityKind.COMPETITION, by="clerk_b")
        db.session.commit()
        return {"a1": a1.id, "a2": a2.id, "b1": b1.id, "show": show.id, "league": league.id,
                "training": training.id, "other": other.id}


def status_of(app, activity_id: int) -> ActivityStatus:
    with app.app_context():
        return db.session.get(Activity, activity_id).status


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/activities/\d+">([^<]+)</a>', html)


def version(client, activity_id: int) -> str:
    html = client.get(f"/activities/{activity_id}").get_data(as_text=True)
    return re.search(r'name="row_version" type="hidden" value="(\d+)"', html).group(1)


def activity_form(**kw) -> dict:
    data = {"title": "全镇健步走", "kind": "event", "level": "township", "starts_on": "2026-10-01",
            "ends_on": "2026-10-01", "place": "滨河公园", "organiser": "", "co_organisers": "镇文化站",
            "expected_participants": "150"}
    data.update(kw)
    return data


# ---------------------------------------------------------------- access

def urls(ids) -> list[tuple[str, str]]:
    a = ids["other"]
    return [("GET", "/activities"), ("GET", "/activities.xlsx"), ("GET", "/activities/print-view"),
            ("GET", f"/activities/{a}"), ("GET", f"/activities/{a}/edit"), ("GET", f"/organizations/{ids['b1']}/activities/new"),
            *[("POST", f"/activities/{a}/{step}") for step in ("file", "approve", "return", "report", "cancel")]]


def test_login_required(client, ids):
    for method, url in urls(ids):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_clerk_of_another_township_neither_sees_nor_acts_on_an_activity(app, client_as, ids):
    clerk = client_as("clerk")
    for method, url in urls(ids)[3:]:
        expected = 403 if url.endswith(("/approve", "/return")) else 404  # the role is checked before the load
        assert clerk.open(url, method=method).status_code == expected, url
    html = clerk.get("/activities").get_data(as_text=True)
    assert "广场舞展演" in html and "南村镇乒乓球赛" not in html and "社会体育指导员培训" not in html
    assert status_of(app, ids["other"]) == S.PLANNED


def test_the_other_countys_supervisor_gets_404(client_as, ids):
    assert client_as("supervisor_b").get(f"/activities/{ids['league']}").status_code == 404
    assert client_as("supervisor_b").post(f"/activities/{ids['league']}/approve").status_code == 404


@pytest.mark.parametrize("step", ["approve", "return"])
def test_only_the_county_decides(client_as, ids, step):
    assert client_as("clerk").post(f"/activities/{ids['league']}/{step}", data={"note": "x"}).status_code == 403


def test_the_viewer_reads_the_city_and_writes_nothing(app, viewer_client, ids):
    html = viewer_client.get("/activities").get_data(as_text=True)
    assert {"广场舞展演", "南村镇乒乓球赛", "社会体育指导员培训"} <= set(titles(html))
    page = viewer_client.get(f"/activities/{ids['show']}").get_data(as_text=True)
    assert "信息上报" not in page and "取消活动" not in page and "编辑" not in page
    assert viewer_client.get(f"/organizations/{ids['a1']}/activities/new").status_code == 403
    assert viewer_client.get(f"/activities/{ids['show']}/edit").status_code == 403
    for step in ("file", "report", "cancel", "approve"):
        assert viewer_client.post(f"/activities/{ids['show']}/{step}").status_code == 403
    assert status_of(app, ids["show"]) == S.PLANNED


# ---------------------------------------------------------------- the ledger

def test_the_ledger_page_and_its_fragment(supervisor_client, ids):
    page = supervisor_client.get("/activities")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    assert "<h1>赛事活动台账</h1>" in html and 'aria-current="page"' in html
    assert titles(html) == ["镇篮球联赛", "广场舞展演", "社会体育指导员培训"]  # newest first, 阳城县 only
    fragment = supervisor_client.get("/activities?q=篮球", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<h1>" not in fragment and "<html" not in fragment
    assert titles(fragment) == ["镇篮球联赛"]
    assert 'href="/activities.xlsx?q=%E7%AF%AE%E7%90%83"' in fragment  # the export keeps the filters


@pytest.mark.parametrize(("query", "expected"), [
    ("q=体育馆", ["镇篮球联赛"]),  # the place
    ("q=人民政府", ["镇篮球联赛"]),  # the organiser
    ("kind=training", ["社会体育指导员培训"]),
    ("level=county", ["社会体育指导员培训"]),
    ("status=planned&kind=showcase", ["广场舞展演"]),
    ("year=2026", ["镇篮球联赛", "广场舞展演"]),
    ("year=2025", ["社会体育指导员培训"]),
    ("date_from=2026-05-01&date_to=2026-06-30", ["广场舞展演"]),
    ("year=2026&date_from=2026-08-01", ["镇篮球联赛"]),
    ("to_report=1", ["广场舞展演", "社会体育指导员培训"]),  # held, nothing to file; the 联赛 waits for its filing
    ("date_from=not-a-date&kind=bogus", ["镇篮球联赛", "广场舞展演", "社会体育指导员培训"]),  # a stale link filters nothing
    ("sort=starts_on", ["社会体育指导员培训", "广场舞展演", "镇篮球联赛"]),
])
def test_the_ledger_filters(supervisor_client, ids, query, expected):
    assert titles(supervisor_client.get(f"/activities?{query}").get_data(as_text=True)) == expected


def test_the_ledger_of_one_organisation(supervisor_client, ids):
    html = supervisor_client.get(f"/activities?org={ids['a1']}").get_data(as_text=True)
    assert titles(html) == ["镇篮球联赛", "广场舞展演"]
    assert "只看" in html and f'name="org" value="{ids["a1"]}"' in html
    # Another county's organisation is not named, and its activities are not listed.
    other = supervisor_client.get(f"/activities?org={ids['b1']}").get_data(as_text=True)
    assert titles(other) == [] and "南村镇体育总会" not in other


def test_the_excel_export_holds_the_filtered_ledger(supervisor_client, ids):
    for query in ("", "year=2026", "kind=competition", f"org={ids['a1']}&sort=starts_on"):
        page = titles(supervisor_client.get(f"/activities?{query}").get_data(as_text=True))
        response = supervisor_client.get(f"/activities.xlsx?{query}")
        assert response.status_code == 200
        rows = read_xlsx(response.data)
        assert rows[0][:3] == ("开始日期", "结束日期", "活动名称")
        assert [r[2] for r in rows[1:]] == page, query
    rows = read_xlsx(supervisor_client.get("/activities.xlsx?q=篮球").data)
    assert rows[1][5:10] == ("晋城市阳城县凤城镇", "凤城镇体育总会", "凤城镇人民政府", None, "镇体育馆")  # an empty cell
    assert rows[1][12:14] == ("是", "筹备中")


def test_the_print_view_holds_the_filtered_rows(supervisor_client, ids):
    html = supervisor_client.get("/activities/print-view?kind=competition").get_data(as_text=True)
    assert titles(html) == ["镇篮球联赛"] and "活动类型：赛事" in html


# ---------------------------------------------------------------- registering and editing

def test_new_activity_form_defaults_to_the_organisation(clerk_client, ids):
    html = clerk_client.get(f"/organizations/{ids['a1']}/activities/new").get_data(as_text=True)
    assert 'value="凤城镇体育总会"' in html  # 主办单位
    assert re.search(r'<option selected value="township">|<option value="township" selected>', html)


def test_a_refused_form_keeps_what_was_typed_with_the_messages_at_the_fields(app, clerk_client, ids):
    response = clerk_client.post(f"/organizations/{ids['a1']}/activities/new",
                                 data=activity_form(title="", ends_on="2026-09-30", expected_participants="-3"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写活动名称。" in html and "结束日期不能早于开始日期。" in html and "请填写不小于 0 的整数。" in html
    assert 'value="滨河公园"' in html and 'value="镇文化站"' in html and 'value="2026-09-30"' in html
    with app.app_context():
        assert db.session.execute(select(Activity).where(Activity.place == "滨河公园")).first() is None


def test_registering_an_activity_that_must_be_filed(app, clerk_client, ids):
    response = clerk_client.post(f"/organizations/{ids['a1']}/activities/new",
                                 data=activity_form(expected_participants="500"))
    assert response.status_code == 303
    page = clerk_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已登记“全镇健步走”。该活动须报备" in page and "须报县级同意" in page and "提交县级审核" in page
    with app.app_context():
        activity = db.session.execute(select(Activity).where(Activity.title == "全镇健步走")).scalar_one()
        assert activity.needs_filing and activity.organiser == "凤城镇体育总会" and activity.created_by_id


def test_edit_saves_and_refuses_a_stale_form(app, client_as, ids):
    first, second = client_as("clerk"), client_as("supervisor")
    opened = version(first, ids["show"])
    assert second.post(f"/activities/{ids['show']}/edit",
                       data=activity_form(title="广场舞展演", row_version=version(second, ids["show"]))).status_code == 303
    stale = first.post(f"/activities/{ids['show']}/edit", data=activity_form(title="我的标题", row_version=opened))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "其他人修改了这条记录" in html and 'value="我的标题"' in html
    with app.app_context():
        assert db.session.get(Activity, ids["show"]).place == "滨河公园"


def test_a_filed_activity_is_no_longer_edited(app, client_as, ids):
    with app.app_context():
        db.session.get(Activity, ids["league"]).status = S.FILED
        db.session.commit()
    response = client_as("clerk").get(f"/activities/{ids['league']}/edit")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/activities/{ids['league']}")


# ---------------------------------------------------------------- the steps

def test_filing_needs_the_rules_and_takes_only_pdf_or_word(app, clerk_client, ids):
    url = f"/activities/{ids['league']}/file"
    missing = clerk_client.post(url, data={})
    assert missing.status_code == 422 and "报备须附活动规程（PDF 或 Word 文件）。" in missing.get_data(as_text=True)
    photo = clerk_client.post(url, data={"rules_document": (io.BytesIO(jpeg_bytes(64, 64)), "规程.jpg")})
    assert photo.status_code == 422 and "活动规程须为 PDF 或 Word 文件" in photo.get_data(as_text=True)
    assert status_of(app, ids["league"]) == S.PLANNED
    done = clerk_client.post(url, data={"rules_document": (io.BytesIO(PDF), "篮球联赛规程.pdf")})
    assert done.status_code == 303
    assert status_of(app, ids["league"]) == S.FILED
    assert "篮球联赛规程.pdf" in clerk_client.get(f"/activities/{ids['league']}").get_data(as_text=True)


def test_the_county_returns_with_a_reason_and_approves_a_second_filing(app, client_as, ids):
    clerk, supervisor = client_as("clerk"), client_as("supervisor")
    clerk.post(f"/activities/{ids['league']}/file", data={"rules_document": (io.BytesIO(PDF), "规程.pdf")})
    no_reason = supervisor.post(f"/activities/{ids['league']}/return", data={"note": ""})
    assert no_reason.status_code == 422 and "退回报备时请写明原因。" in no_reason.get_data(as_text=True)
    assert supervisor.post(f"/activities/{ids['league']}/return", data={"note": "请补充安全预案"}).status_code == 303
    assert status_of(app, ids["league"]) == S.RETURNED
    assert "请补充安全预案" in clerk.get("/").get_data(as_text=True)  # 被退回的活动报备
    assert clerk.post(f"/activities/{ids['league']}/file", data={}).status_code == 303  # the 规程 is on file
    assert "待审核的活动报备" in supervisor.get("/").get_data(as_text=True)
    assert supervisor.post(f"/activities/{ids['league']}/approve", data={"note": ""}).status_code == 303
    page = supervisor.get(f"/activities/{ids['league']}").get_data(as_text=True)
    assert "报备已同意" in page and "测试supervisor" in page and "修改记录" in page
    assert "审核意见：（空） → 请补充安全预案" in page and "活动名称：镇篮球联赛" in page  # the history in its own words


def test_the_report_with_a_photo_and_a_refused_one_keeping_the_text(app, clerk_client, ids):
    url = f"/activities/{ids['show']}/report"
    refused = clerk_client.post(url, data={"actual_participants": "", "results": "共 8 支队伍参演"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写实际参与人数。" in html and "共 8 支队伍参演" in html
    done = clerk_client.post(url, data={"actual_participants": "180", "results": "共 8 支队伍参演",
                                        "photos": (io.BytesIO(jpeg_bytes(800, 600)), "现场.jpg")})
    assert done.status_code == 303
    assert status_of(app, ids["show"]) == S.REPORTED
    page = clerk_client.get(f"/activities/{ids['show']}").get_data(as_text=True)
    assert "180" in page and "共 8 支队伍参演" in page and "/thumb.jpg" in page
    with app.app_context():
        assert db.session.execute(select(Attachment.caption).where(Attachment.owner_id == ids["show"],
                                                                   Attachment.owner_type == "activities")).scalar_one() == "活动照片"
    assert "已上报" in clerk_client.get("/activities?status=reported").get_data(as_text=True)


def test_a_filed_activity_is_not_reported_before_its_approval(app, clerk_client, ids):
    response = clerk_client.post(f"/activities/{ids['league']}/report", data={"actual_participants": "10", "results": "x"})
    assert response.status_code == 422 and "须报备的活动在县级同意报备后才能上报。" in response.get_data(as_text=True)
    assert status_of(app, ids["league"]) == S.PLANNED


def test_a_step_on_a_page_someone_changed_since_is_refused_and_shows_the_change(app, client_as, ids):
    clerk, supervisor = client_as("clerk"), client_as("supervisor")
    clerk.post(f"/activities/{ids['league']}/file", data={"rules_document": (io.BytesIO(PDF), "规程.pdf")})
    opened = version(supervisor, ids["league"])
    assert clerk.post(f"/activities/{ids['league']}/cancel", data={"row_version": version(clerk, ids["league"])}) \
        .status_code == 303
    stale = supervisor.post(f"/activities/{ids['league']}/approve", data={"note": "同意", "row_version": opened})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "其他人修改了这条记录" in html and "报备待审 → 已取消" in html
    assert status_of(app, ids["league"]) == S.CANCELLED


def test_cancel(app, clerk_client, ids):
    assert clerk_client.post(f"/activities/{ids['show']}/cancel").status_code == 303
    assert status_of(app, ids["show"]) == S.CANCELLED
    again = clerk_client.post(f"/activities/{ids['show']}/cancel")
    assert again.status_code == 422 and "“已取消”的活动不能取消。" in again.get_data(as_text=True)


# ---------------------------------------------------------------- elsewhere

def test_the_organisation_page_shows_its_activities(client_as, ids):
    html = client_as("clerk").get(f"/organizations/{ids['a1']}").get_data(as_text=True)
    assert "<h2>赛事活动</h2>" in html and "镇篮球联赛" in html and "广场舞展演" in html
    assert f'href="/activities?org={ids["a1"]}"' in html and "登记活动" in html
    assert "登记活动" not in client_as("viewer").get(f"/organizations/{ids['a1']}").get_data(as_text=True)


def test_the_clerks_to_do_lists_activities_held_but_not_reported(client_as, ids):
    html = client_as("clerk").get("/").get_data(as_text=True)
    assert "待上报的活动" in html and "广场舞展演" in html and 'href="/activities?to_report=1"' in html
    assert "镇篮球联赛" not in html  # to be filed first
    assert "待上报的活动" not in client_as("viewer").get("/").get_data(as_text=True)
