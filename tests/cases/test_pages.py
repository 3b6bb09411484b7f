"""The case desk through HTTP: registering, the ledger with masked personal data, the audited
reveal, a case walked from 登记 to 办结 by the supervisor and the township's clerk with every
step on the timeline and on the right person's 我的待办, refusals at their field, two people
acting at once, and another county's users getting 404 on every case address."""
import io
import re

import pytest
from sqlalchemy import select, update

from app import revisions
from app.attachments.models import Attachment
from app.audit.models import AuditEntry
from app.cases.models import ActionKind, Case, CaseAction, CaseStatus, HandlingUnit
from app.extensions import db
from app.reports import CASE_FIGURES
from tests.factories import jpeg_bytes

NEW = "/cases/new"


def registered(client, channel: str = "12345热线（一般）", **fields) -> int:
    page = client.get(NEW).get_data(as_text=True)
    chosen = re.search(rf'<option value="(\d+)">{re.escape(channel)}</option>', page).group(1)
    data = {"channel_class": chosen, "received_at": "2026-09-30T16:20", "type": "complaint",
            "category": "equipment_damage", "requester_name": "张三", "requester_phone": "13812341234",
            "content": "凤城镇文化广场健身器材损坏，无人维修。", "place": "凤城镇文化广场", "priority": "normal"} | fields
    response = client.post(NEW, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def version_of(app, case_id: int) -> int:
    with app.app_context():
        return db.session.get(Case, case_id).row_version


def step(client, app, case_id: int, kind: str, **data):
    """Post the step's form as the page names its fields (prefixed with the step)."""
    files = {k: v for k, v in data.items() if isinstance(v, tuple)}
    fields = {f"{kind}-{name}": value for name, value in ({"row_version": version_of(app, case_id)} | data).items()}
    return client.post(f"/cases/{case_id}/steps/{kind}", data=fields,
                       content_type="multipart/form-data" if files else None)


def units_offered(page: str) -> dict[str, str]:
    return {name: value for value, name in re.findall(r'<option value="(\d+)">([^<]+)</option>', page)}


def test_a_case_received_the_day_before_national_day_shows_its_due_date(app, client_as):
    supervisor = client_as("supervisor")
    case_id = registered(supervisor)
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "阳城体诉〔2026〕0001号" in page and "12345热线" in page and "待受理" in page
    assert "办结答复" in page and "5个工作日" in page and "2026-10-13" in page
    assert "张*" in page and "138****1234" in page and "13812341234" not in page


def test_registration_errors_are_shown_at_their_fields_and_keep_what_was_typed(client_as):
    response = client_as("supervisor").post(NEW, data={"channel_class": "", "received_at": "昨天", "type": "complaint",
                                                       "category": "noise", "content": "", "place": "东关广场"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("请选择来源渠道。", "请填写诉求内容。", "东关广场"):
        assert message in html
    assert "收件时间" in html and 'aria-invalid="true"' in html


def test_clerks_and_viewers_cannot_register(client_as):
    assert client_as("clerk").get(NEW).status_code == 403
    assert client_as("viewer").post(NEW, data={}).status_code == 403


def test_the_ledger_masks_names_and_phones_and_the_reveal_is_audited(app, client_as):
    supervisor = client_as("supervisor")
    case_id = registered(supervisor)
    ledger = supervisor.get("/cases").get_data(as_text=True)
    assert "阳城体诉〔2026〕0001号" in ledger and "张*" in ledger and "138****1234" in ledger
    assert "张三" not in ledger and "13812341234" not in ledger
    revealed = supervisor.post(f"/cases/{case_id}/reveal").get_data(as_text=True)
    assert "张三" in revealed and "13812341234" in revealed
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "view")).scalar_one()
        assert (entry.record_type, entry.record_id, entry.username) == ("cases", str(case_id), "supervisor")
    # The township's clerk is no handler of an undispatched case: no reveal for them, and no case.
    assert client_as("clerk").post(f"/cases/{case_id}/reveal").status_code == 404


def test_a_case_walked_from_registration_to_closing(app, client_as):
    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    case_id = registered(supervisor)
    assert "待受理的诉求件" in supervisor.get("/").get_data(as_text=True)
    assert step(supervisor, app, case_id, "accept").status_code == 303
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    units = units_offered(page.split('steps/dispatch')[1])
    assert step(supervisor, app, case_id, "dispatch", unit_id=units["凤城镇"], text="请3日内核实。").status_code == 303

    todo = clerk.get("/").get_data(as_text=True)
    assert "待签收的诉求件" in todo and "阳城体诉〔2026〕0001号" in todo
    assert step(clerk, app, case_id, "sign_for").status_code == 303
    assert step(clerk, app, case_id, "reply", result="已解决", text="已更换损坏的器材。",
                evidence=(io.BytesIO(jpeg_bytes(800, 600)), "更换后.jpg")).status_code == 303
    assert "待审核的回复" in supervisor.get("/").get_data(as_text=True)
    assert step(supervisor, app, case_id, "approve_reply").status_code == 303
    assert step(supervisor, app, case_id, "callback", satisfaction="满意", text="电话回访，表示满意。").status_code == 303
    assert step(supervisor, app, case_id, "close").status_code == 303

    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    timeline = page.split("办理记录")[1]
    for word in ("登记", "受理", "派单", "→ 凤城镇", "签收", "回复", "（已解决）", "审核通过", "回访", "（满意）", "办结"):
        assert word in timeline, word
    assert "已办结" in page
    with app.app_context():
        assert db.session.get(Case, case_id).status == CaseStatus.CLOSED
        photo = db.session.execute(select(Attachment)).scalar_one()
        assert (photo.owner_type, photo.filename) == ("case_actions", "更换后.jpg")
    assert f"/attachments/{photo.id}/thumb.jpg" in timeline
    todo = clerk.get("/").get_data(as_text=True).split("<h1>我的待办</h1>")[1]
    assert "阳城体诉〔2026〕0001号" not in todo  # nothing left to do


def test_a_refused_step_says_why_at_its_field(app, client_as):
    supervisor = client_as("supervisor")
    case_id = registered(supervisor)
    refused = step(supervisor, app, case_id, "reject", text="  ")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请写明不予受理的理由。" in html
    step(supervisor, app, case_id, "accept")
    no_unit = step(supervisor, app, case_id, "dispatch", unit_id="")
    assert no_unit.status_code == 422 and "请选择承办单位。" in no_unit.get_data(as_text=True)
    assert step(supervisor, app, case_id, "accept").status_code == 422  # accepted already
    assert client_as("supervisor").post(f"/cases/{case_id}/steps/register").status_code == 404


def test_two_people_acting_on_one_case_at_once(app, client_as):
    supervisor = client_as("supervisor")
    case_id = registered(supervisor)
    opened = version_of(app, case_id)
    assert supervisor.post(f"/cases/{case_id}/steps/accept", data={"accept-row_version": opened}).status_code == 303
    late = supervisor.post(f"/cases/{case_id}/steps/reject", data={"reject-row_version": opened, "reject-text": "重复件"})
    assert late.status_code == 409
    with app.app_context():
        assert db.session.get(Case, case_id).status == CaseStatus.ACCEPTED


def _case_addresses(app, case_id: int, action_id: int, match_id: int):
    """Every address of the app that names a case, found from the url map (a new one is covered)."""
    values = {"case_id": case_id, "action_id": action_id, "kind": "accept", "sheet": "assignment",
              "letter_kind": "accept_notice", "match_id": match_id, "decision": "dismiss"}
    addresses = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "case_id" in rule.arguments:
                method = "POST" if "POST" in rule.methods else "GET"
                addresses.append((method, rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]))
    return addresses


@pytest.mark.parametrize("username", ["supervisor_b", "clerk_b", "clerk_a2"])
def test_another_regions_users_get_404_on_every_case_address(app, client_as, username):
    supervisor = client_as("supervisor")
    registered(supervisor, channel="来信")  # the earlier case the next one repeats: a proposal to decide on
    case_id = registered(supervisor, channel="来信")
    step(supervisor, app, case_id, "accept")
    units = units_offered(supervisor.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    step(supervisor, app, case_id, "dispatch", unit_id=units["凤城镇"])
    step(supervisor, app, case_id, "urge", text="请抓紧。")
    with app.app_context():
        from app.cases.models import CaseAction, CaseMatch

        urge = db.session.execute(select(CaseAction.id).where(CaseAction.case_id == case_id)
                                  .order_by(CaseAction.id.desc())).scalars().first()
        match = db.session.execute(select(CaseMatch.id).where(CaseMatch.case_id == case_id)).scalar_one()
    addresses = _case_addresses(app, case_id, urge, match)
    assert len(addresses) >= 6  # page, reveal, steps, paper, letters, notices …
    for method, address in addresses:
        assert supervisor.open(address, method=method).status_code != 404, address  # they exist
    other = client_as(username)
    for method, address in addresses:
        assert other.open(address, method=method, data={"text": "x"}).status_code == 404, address
    assert "阳城体诉" not in other.get("/cases").get_data(as_text=True)


def test_the_ledger_filters_and_searches(app, client_as):
    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor, content="体育馆周末不开放。", category="venue_opening", requester_phone="13900001111")
    assert "体育馆周末不开放" in supervisor.get("/cases?q=13900001111").get_data(as_text=True)
    assert "文化广场健身器材损坏" not in supervisor.get("/cases?category=venue_opening").get_data(as_text=True)
    overdue = supervisor.get("/cases?overdue=1").get_data(as_text=True)  # received in September: long overdue
    assert overdue.count("已超期") >= 2
    fragment = supervisor.get("/cases?channel=petition_letter", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "没有符合条件的诉求件" in fragment


def test_the_kept_ledger_shows_each_write_at_once_counts_down_as_of_now_and_keeps_to_its_reader(
        app, client_as, monkeypatch):
    from datetime import timedelta

    import app.cases.routes as ledger_page
    from app.timeutil import local_now

    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    today = local_now()
    first = registered(supervisor, received_at=f"{today:%Y-%m-%dT%H:%M}")
    assert "剩余" in supervisor.get("/cases").get_data(as_text=True)  # kept from here
    registered(supervisor, content="体育馆周末不开放。", received_at=f"{today:%Y-%m-%dT%H:%M}")
    assert "体育馆周末不开放" in supervisor.get("/cases").get_data(as_text=True)
    # Another county's supervisor, and the township's clerk, read the same address with other rows.
    assert "阳城体诉" not in client_as("supervisor_b").get("/cases").get_data(as_text=True)
    assert "阳城体诉" not in clerk.get("/cases").get_data(as_text=True)
    # A unit renamed shows at once too.
    step(supervisor, app, first, "accept")
    units = units_offered(supervisor.get(f"/cases/{first}").get_data(as_text=True).split("steps/dispatch")[1])
    step(supervisor, app, first, "dispatch", unit_id=units["凤城镇"])
    assert "阳城体诉〔2026〕0001号" in clerk.get("/cases").get_data(as_text=True)
    assert "凤城镇人民政府" not in supervisor.get("/cases").get_data(as_text=True)
    with app.app_context():
        db.session.get(HandlingUnit, int(units["凤城镇"])).name = "凤城镇人民政府"
        db.session.commit()
    assert "凤城镇人民政府" in supervisor.get("/cases").get_data(as_text=True)
    # Only the clock moves: the kept rows count down as of the request.
    later = today + timedelta(days=40)
    monkeypatch.setattr(ledger_page, "local_now", lambda: later)
    ledger = supervisor.get("/cases").get_data(as_text=True)
    assert "剩余" not in ledger and ledger.count("已超期") >= 2


def test_the_administrator_enters_a_years_arrangement_and_provisional_deadlines_follow(app, client_as):
    supervisor, admin = client_as("supervisor"), client_as("admin")
    # A letter: 60 days from 11-02 is 2027-01-01, a Friday while 2027 is not entered.
    case_id = registered(supervisor, channel="来信", received_at="2026-11-02T09:00")
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "2027-01-01" in page and "暂按双休日计算，待录入年度节假日安排" in page
    assert supervisor.get("/cases/calendar").status_code == 403
    calendar = admin.get("/cases/calendar").get_data(as_text=True)
    assert "2027 年的节假日安排尚未录入" in calendar

    refused = admin.post("/cases/calendar", data={"year": "2027", "holidays": "元旦", "workdays": ""})
    assert refused.status_code == 422 and "“元旦”不是日期" in refused.get_data(as_text=True)
    done = admin.post("/cases/calendar", data={"year": "2027", "holidays": "2027-01-01\n2027-02-06至2027-02-12",
                                               "workdays": "2027-02-14", "note": "国务院办公厅通知"},
                      follow_redirects=True)
    assert "已录入 2027 年节假日安排（放假 8 天，调休上班 1 天），重新计算了 1 个暂定期限" in done.get_data(as_text=True)
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "2027-01-04" in page and "原为 2027-01-01，遇节假日顺延" in page and "暂按双休日计算" not in page


def test_the_ledger_exports_what_its_filters_select_masked(app, client_as):
    from openpyxl import load_workbook

    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor, content="体育馆周末不开放。", category="venue_opening")
    page = supervisor.get("/cases?category=venue_opening").get_data(as_text=True)
    assert 'href="/cases.xlsx?category=venue_opening"' in page
    response = supervisor.get("/cases.xlsx?category=venue_opening")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "来源渠道", "办理类别", "平台工单号", "收件时间")
    assert len(rows) == 2 and rows[1][9] == "体育馆周末不开放。" and rows[1][7] == "张*" and rows[1][8] == "138****1234"
    assert "13812341234" not in str(rows)
    assert client_as("clerk_b").get("/cases.xlsx").status_code == 200  # its own (empty) scope
    assert len(list(load_workbook(io.BytesIO(client_as("clerk_b").get("/cases.xlsx").data)).active.iter_rows())) == 1


def test_the_administrator_changes_a_limit_for_cases_received_afterwards(app, client_as):
    from app.cases.models import DeadlineKind, DeadlineRule

    admin = client_as("admin")
    page = admin.get("/cases/channels").get_data(as_text=True)
    assert "12345热线" in page and "5个工作日" in page and "60日，遇节假日顺延" in page
    assert client_as("supervisor").get("/cases/channels").status_code == 403
    with app.app_context():
        rule = db.session.execute(select(DeadlineRule).where(DeadlineRule.kind == DeadlineKind.ANSWER)
                                  .order_by(DeadlineRule.id)).scalars().first()
        rule_id = rule.id
    bad = admin.post(f"/cases/rules/{rule_id}", data={f"rule{rule_id}-amount": "0", f"rule{rule_id}-unit": "working_days"})
    assert bad.status_code == 422 and "期限应为 1 到 999 的整数。" in bad.get_data(as_text=True)
    done = admin.post(f"/cases/rules/{rule_id}", data={f"rule{rule_id}-amount": "3", f"rule{rule_id}-unit": "working_days",
                                                      f"rule{rule_id}-roll_to_workday": "y"}, follow_redirects=True)
    assert "对此后收到的诉求件生效" in done.get_data(as_text=True)
    with app.app_context():
        old = db.session.get(DeadlineRule, rule_id)
        assert old.valid_until is not None
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.record_type == "deadline_rules",
                                                            AuditEntry.action == "insert")).scalars().all()
        assert entry  # the change is in the audit log
    assert admin.post(f"/cases/rules/{rule_id}", data={f"rule{rule_id}-amount": "4",
                                                      f"rule{rule_id}-unit": "working_days"}).status_code == 422


def test_a_county_office_with_its_member_handles_a_case(app, client_as, world):
    admin, supervisor = client_as("admin"), client_as("supervisor")
    url = f"/cases/units?county={world.county_a.id}"
    assert admin.post(url, data={"name": ""}).status_code == 422
    assert admin.post(url, data={"name": "县体育中心"}).status_code == 303
    assert "已有“县体育中心”" in admin.post(url, data={"name": "县体育中心"}).get_data(as_text=True)
    page = admin.get(url).get_data(as_text=True)
    unit_id = re.search(r'/cases/units/(\d+)/members', page).group(1)
    assert admin.post(f"/cases/units/{unit_id}/members", data={"user_id": world.users["clerk"]},
                      follow_redirects=True).get_data(as_text=True).count("只有本县的县级账号可以加入县直单位") == 1
    assert admin.post(f"/cases/units/{unit_id}/members", data={"user_id": world.users["supervisor"]}).status_code == 303
    assert "测试supervisor（supervisor）" in admin.get(url).get_data(as_text=True)

    case_id = registered(supervisor)
    step(supervisor, app, case_id, "accept")
    units = units_offered(supervisor.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    assert step(supervisor, app, case_id, "dispatch", unit_id=units["县体育中心"]).status_code == 303
    assert step(supervisor, app, case_id, "sign_for").status_code == 303  # a member of the office
    assert "县体育中心" in supervisor.get(f"/cases/{case_id}").get_data(as_text=True)


def test_the_kept_todo_list_shows_each_step_at_once_and_counts_down_as_of_now(app, client_as, monkeypatch):
    from datetime import timedelta

    import app.main.routes as home
    from app.timeutil import local_now

    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    case_id = registered(supervisor, received_at=f"{local_now():%Y-%m-%dT%H:%M}")
    assert "待签收的诉求件" not in clerk.get("/").get_data(as_text=True)  # the clerk's list is kept from here
    step(supervisor, app, case_id, "accept")
    units = units_offered(supervisor.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    step(supervisor, app, case_id, "dispatch", unit_id=units["凤城镇"])
    todo = clerk.get("/").get_data(as_text=True)
    assert "待签收的诉求件" in todo and "剩余" in todo and "已逾期" not in todo
    # Only the clock moves: the kept list counts down as of the request.
    later = local_now() + timedelta(days=40)
    monkeypatch.setattr(home, "local_now", lambda: later)
    todo = clerk.get("/").get_data(as_text=True)
    assert "已超期" in todo and "已逾期" in todo and "剩余" not in todo
    monkeypatch.undo()
    # An action on the case, and nothing else of it, changes the list too (被督办 counts the actions).
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(status=CaseStatus.HANDLING))
        revisions.revise(db.session, CASE_FIGURES)
        db.session.commit()
    assert "被督办的诉求件" not in clerk.get("/").get_data(as_text=True)
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.add(CaseAction(case_id=case_id, kind=ActionKind.URGE, round=case.round, region_id=case.region_id,
                                  actor_name="督办人", text="请今日内办理。"))
        db.session.commit()
    assert "被督办的诉求件" in clerk.get("/").get_data(as_text=True)


def test_an_overdue_case_is_supervised_up_the_ladder_with_printed_notices(app, client_as, tmp_path):
    from tests.pdf.conftest import assert_one_embedded_cjk_face, pdf_text, save_pdf

    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    case_id = registered(supervisor)  # received in September: its answer is long overdue
    step(supervisor, app, case_id, "accept")
    units = units_offered(supervisor.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    step(supervisor, app, case_id, "dispatch", unit_id=units["凤城镇"])
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "建议催办：办理超期" in page and "steps/supervise" not in page
    assert step(supervisor, app, case_id, "urge", text="请今日内签收办理。").status_code == 303
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "建议督办：办理超期" in page and "steps/supervise" in page and "steps/list_supervision" not in page
    assert step(supervisor, app, case_id, "supervise", text="限两个工作日内办结并报送情况。").status_code == 303
    todo = clerk.get("/").get_data(as_text=True)
    assert "被督办的诉求件" in todo

    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    notice = re.findall(rf'/cases/{case_id}/notices/(\d+)\.pdf', page)
    assert len(notice) == 2  # 催办 and 督办, each printable
    path = save_pdf(supervisor.get(f"/cases/{case_id}/notices/{notice[1]}.pdf").data, tmp_path)
    text = pdf_text(path).replace(" ", "")
    for expected in ("阳城县诉求件督办通知", "凤城镇：", "存在办理超期的情况，现予督办", "限两个工作日内办结", "督办单位（盖章）"):
        assert expected in text, expected
    assert_one_embedded_cjk_face(path)
    assert client_as("clerk_b").get(f"/cases/{case_id}/notices/{notice[1]}.pdf").status_code == 404


def test_a_work_order_is_registered_once(app, client_as):
    supervisor = client_as("supervisor")
    registered(supervisor, external_id="GD20260930001")
    page = supervisor.get(NEW).get_data(as_text=True)
    hotline = re.search(r'<option value="(\d+)">12345热线（一般）</option>', page).group(1)
    again = supervisor.post(NEW, data={"channel_class": hotline, "received_at": "2026-09-30T16:20", "type": "complaint",
                                       "category": "noise", "content": "同一工单", "external_id": "GD20260930001",
                                       "priority": "normal"})
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and "工单号 GD20260930001 已登记为 阳城体诉〔2026〕0001号" in html and "同一工单" in html
