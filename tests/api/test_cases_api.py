"""The API's case operations end to end: a push registers one case per work order with its
deadlines, reads back with its timeline, lists by change, takes the platform's follow-up; and
the token's region bounds everything."""
from datetime import datetime
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from app.api import routes
from app.audit.models import AuditEntry
from app.cases import services
from app.cases.models import ActionKind, Case, CaseAction, CaseCategory, CaseType, ChannelClass
from app.extensions import db
from app.regions.models import Region
from app.scoping import set_scope
from tests.api.conftest import CASE, Api, issue
from tests.factories import user


def path_of(number: str) -> str:
    return f"/cases/{quote(number)}"


def count_cases(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Case)).scalar_one()


def test_a_push_registers_the_case_with_its_deadlines(app, api):
    response = api.push()
    assert response.status_code == 201
    case = response.json
    assert case["number"] == "阳城体诉〔2026〕0001号"
    assert case["status"] == "registered" and case["status_label"] == "待受理"
    assert response.headers["Location"] == case["api_url"]
    assert urlsplit(case["url"]).path.startswith("/cases/")
    # 2026-10-08 (Thu) 09:30: signed for within 1 working day, answered within 5 (10-09 Fri, 10-10 Sat
    # worked after the National Day holiday, 10-12 … 10-14).
    assert case["deadlines"]["sign_for"]["due"] == "2026-10-09T23:59:59+08:00"
    assert case["deadlines"]["answer"]["due"] == "2026-10-14T23:59:59+08:00"
    assert case["provisional"] is False
    assert case["requester_name"] == "张*" and case["requester_phone"] == "138****1234"
    assert [e["actor"] for e in case["timeline"]] == ["12345平台接口（晋城市12345平台）"]
    with app.app_context():
        stored = db.session.execute(select(Case)).scalar_one()
        assert (stored.requester_name, stored.external_id, stored.place_region.code) == ("张三", "JC20261008000123", "140522100")
        # Written, and audited, as the token's issuer.
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.record_type == "cases")).scalar_one()
        assert (entry.username, entry.remote_addr) == ("admin", "127.0.0.1")


def test_an_urgent_case_is_signed_for_within_hours(api):
    case = api.push(**{"class": "urgent"}).json
    assert case["deadlines"]["sign_for"]["due"] == "2026-10-08T11:30:00+08:00"
    assert case["deadlines"]["answer"]["due"] == "2026-10-09T09:30:00+08:00"


def test_the_same_work_order_twice_is_one_case(app, api):
    first = api.push()
    again = api.push(content="内容不同的第二次推送")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["number"] == first.json["number"]
    assert again.json["content"] == CASE["content"]  # a push again changes nothing
    assert count_cases(app) == 1


def test_two_pushes_at_once_make_one_case(app, api, monkeypatch):
    """Both passed the look-up before either was saved: the second is refused by the service
    (or by the unique constraint) and answers the first's case."""
    first = api.push().json
    monkeypatch.setattr(routes, "_already_here", lambda channel, external_id, real=routes._already_here:
                        monkeypatch.setattr(routes, "_already_here", real))
    assert api.push().json["number"] == first["number"]
    monkeypatch.setattr(services, "same_work_order", lambda channel_id, external_id: None)
    monkeypatch.setattr(routes, "_already_here", lambda channel, external_id, real=routes._already_here:
                        monkeypatch.setattr(routes, "_already_here", real))
    response = api.push()
    assert response.status_code == 200 and response.json["number"] == first["number"]
    assert count_cases(app) == 1


def test_a_case_reads_back_with_its_timeline(app, api, client_as):
    number = api.push().json["number"]
    with app.app_context():
        case_id = db.session.execute(select(Case.id)).scalar_one()
    supervisor = client_as("supervisor")
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    version = int(page.split('name="accept-row_version"')[1].split('value="')[1].split('"')[0])
    assert supervisor.post(f"/cases/{case_id}/steps/accept",
                           data={"accept-row_version": version, "accept-text": "受理"}).status_code == 303
    case = api.get(path_of(number)).json
    assert [e["kind"] for e in case["timeline"]] == ["register", "accept"]
    assert case["status"] == "accepted"
    assert case["deadlines"]["sign_for"]["met_at"] is not None  # the county's acceptance signs the work order for


def test_a_case_is_found_by_its_work_order(api):
    number = api.push().json["number"]
    found = api.get("/cases?external_id=JC20261008000123").json
    assert [c["number"] for c in found["items"]] == [number] and found["next"] is None
    assert api.get("/cases?external_id=nothing").json["items"] == []


def test_changes_are_listed_since_a_moment_page_by_page(app, api):
    numbers = [api.push(external_id=f"W{n}").json["number"] for n in range(5)]
    seen, url = [], "/cases?per_page=2&updated_since=2026-01-01T00:00:00%2B08:00"
    while url:
        page = api.get(url)
        assert page.status_code == 200, page.json
        seen += [c["number"] for c in page.json["items"]]
        url = page.json["next"] and page.json["next"].split("/api/v1", 1)[1]
    assert seen == numbers
    # Nothing changed after now; a follow-up is a change.
    later = quote(datetime.now().astimezone().isoformat())
    assert api.get(f"/cases?updated_since={later}").json["items"] == []
    api.post(path_of(numbers[2]) + "/follow-ups", json={"status": "已回访"})
    assert [c["number"] for c in api.get(f"/cases?updated_since={later}").json["items"]] == [numbers[2]]


def test_a_plus_left_unescaped_in_the_query_still_reads(api):
    api.push()
    assert len(api.get("/cases?updated_since=2026-01-01T00:00:00+08:00").json["items"]) == 1


def test_a_bad_cursor_is_refused_at_the_field(api):
    response = api.get("/cases?cursor=not-a-cursor")
    assert response.status_code == 422 and "cursor" in response.json["errors"]


def test_a_follow_up_changes_the_platform_fields_with_one_timeline_entry(app, api):
    number = api.push().json["number"]
    body = {"status": "已回访", "callback": "诉求人表示器材已修复。", "satisfaction": "满意",
            "visited_at": "2026-10-16T10:00:00+08:00"}
    response = api.post(path_of(number) + "/follow-ups", json=body)
    assert response.status_code == 200
    assert response.json["changed"] == ["平台状态", "平台回访", "满意度"]
    assert response.json["platform"]["satisfaction"] == "满意"
    assert api.post(path_of(number) + "/follow-ups", json=body).json["changed"] == []  # nothing new: no entry
    with app.app_context():
        entries = db.session.execute(select(CaseAction).where(CaseAction.kind == ActionKind.PLATFORM_REPORT)).scalars().all()
        assert len(entries) == 1
        assert entries[0].actor_name == "12345平台接口（晋城市12345平台）" and "回访时间 2026-10-16 10:00" in entries[0].text
        case = db.session.execute(select(Case)).scalar_one()
        assert (case.platform_status, case.platform_satisfaction) == ("已回访", "满意")
        assert case.status.value == "registered"  # the desk's own workflow is untouched


def test_a_follow_up_needs_a_platform_case(app, api, world):
    with app.test_request_context():
        set_scope(None)
        walk_in = db.session.execute(select(ChannelClass)).scalars().first()
        received = datetime(2026, 10, 8, 9)
        number = services.register_case(
            services.NewCase(channel_class=walk_in, received_at=received, type=CaseType.HELP, category=CaseCategory.OTHER,
                             content="来访"), user("supervisor"), db.session.get(Region, world.county_a.id), received).number
        db.session.commit()
    assert api.post(path_of(number) + "/follow-ups", json={"status": "已回访"}).status_code == 409


def test_channels_list_their_classes_and_rules(api):
    channels = {c["code"]: c for c in api.get("/channels").json["items"]}
    hotline = channels["hotline12345"]
    assert [c["code"] for c in hotline["classes"]] == ["general", "complex", "urgent"]
    rules = {r["kind"]: r["text"] for r in hotline["classes"][0]["rules"]}
    assert rules["answer"] == "5个工作日" and rules["sign_for"] == "1个工作日"
    assert [c["code"] for c in channels["cppcc_proposal"]["classes"]] == ["general", "difficult"]


def test_a_deadline_over_a_year_without_its_arrangement_is_provisional(api, monkeypatch):
    monkeypatch.setattr(routes, "local_now", lambda: datetime(2027, 1, 20, 12))
    case = api.push(received_at="2027-01-18T09:00:00+08:00", external_id="Y2027").json
    assert case["deadlines"]["answer"]["provisional"] is True and case["provisional"] is True


# --------------------------------------------------------------------------- the token's region

def test_another_countys_token_sees_nothing_of_this_county(app, api, api_b):
    number = api.push().json["number"]
    assert api_b.get(path_of(number)).status_code == 404
    assert api_b.post(path_of(number) + "/follow-ups", json={"status": "x"}).status_code == 404
    assert api_b.get("/cases").json["items"] == []
    assert api_b.get("/cases?external_id=JC20261008000123").json["items"] == []
    refused = api_b.push(external_id="B1")  # 凤城镇 lies in 阳城县, outside 泽州县's token
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"region_code"}


def test_a_work_order_registered_in_another_county_is_a_conflict_without_details(api, api_b):
    number = api.push().json["number"]
    response = api_b.push(region_code="140525100")
    assert response.status_code == 409
    assert number not in response.get_data(as_text=True) and "阳城" not in response.get_data(as_text=True)


def test_a_county_token_may_leave_the_region_out(api):
    case = api.push(region_code=None)
    assert case.status_code == 201 and case.json["region_code"] == "140522"


def test_a_city_token_must_name_the_county(app, world):
    city = Api(app.test_client(), issue(app, "140500"))
    response = city.push(region_code=None)
    assert response.status_code == 422 and "region_code" in response.json["errors"]
    assert city.push(region_code="140500").status_code == 422  # the city itself numbers no cases
    assert city.push(region_code="140525100").json["number"].startswith("泽州体诉")


@pytest.mark.parametrize("field,value", [("channel", "fax"), ("class", "difficult")])
def test_unknown_codes_are_refused_with_the_valid_ones(api, field, value):
    response = api.push(**{field: value})
    assert response.status_code == 422
    assert "general" in response.json["errors"][field] or "hotline12345" in response.json["errors"][field]
