"""The registry's rules, without HTTP: credit codes, terms, lifecycle events, annual reviews."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.organizations import services
from app.organizations.models import (
    EventKind,
    Organization,
    OrgKind,
    OrgLevel,
    OrgStatus,
    ReviewResult,
    TermStatus,
)
from app.organizations.services import ReviewState, record_event, term_status
from app.regions.models import Region
from app.rules import RuleError
from app.scoping import set_scope
from tests.factories import TODAY, make_org, valid_code


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield world
        db.session.rollback()


# ---------------------------------------------------------------- credit code

def test_generated_and_published_codes_are_valid():
    assert services.credit_code_problem(valid_code(1)) is None
    assert services.credit_code_problem("91110000600037341L") is None  # python-stdnum's own example


def test_credit_code_is_normalised_before_checking():
    code = valid_code(2)
    assert services.credit_code_problem(" " + code[:8].lower() + " " + code[8:].lower()) is None
    assert services.normalise_credit_code(code[:9] + "-" + code[9:]) == code


@pytest.mark.parametrize("code, problem", [
    ("", "请填写统一社会信用代码"),
    ("5114052200000000", "应为 18 位，现为 16 位"),
    ("511405220000000012X", "应为 18 位，现为 19 位"),
    ("A11405220000000011", "格式不正确"),
    ("51140522000000001I", "格式不正确"),
])
def test_credit_code_problems_are_chinese(code, problem):
    assert problem in services.credit_code_problem(code)


def test_wrong_check_digit_is_reported():
    code = valid_code(3)
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    assert services.credit_code_problem(wrong) == "统一社会信用代码校验位不正确，请核对后重新输入。"


# ---------------------------------------------------------------- term status

@pytest.mark.parametrize("end_offset, expected", [
    (None, TermStatus.UNKNOWN),
    (400, TermStatus.CURRENT),
    (91, TermStatus.CURRENT),
    (90, TermStatus.DUE_SOON),
    (0, TermStatus.DUE_SOON),
    (-1, TermStatus.OVERDUE),
    (-800, TermStatus.OVERDUE),
])
def test_term_status_warns_ninety_days_ahead_and_flags_overdue(end_offset, expected):
    end = None if end_offset is None else TODAY + timedelta(days=end_offset)
    org = Organization(status=OrgStatus.ACTIVE, term_end=end)
    assert term_status(org, TODAY) == expected


@pytest.mark.parametrize("end_offset", [None, -30, 30])
def test_dissolved_organisations_are_never_flagged(end_offset):
    end = None if end_offset is None else TODAY + timedelta(days=end_offset)
    org = Organization(status=OrgStatus.DISSOLVED, term_end=end)
    assert term_status(org, TODAY) not in (TermStatus.DUE_SOON, TermStatus.OVERDUE)


def test_list_filter_agrees_with_term_status(app, ctx):
    ids = {offset: make_org(ctx.town_a1, term_start=date(2020, 1, 1),
                            term_end=None if offset is None else TODAY + timedelta(days=offset))
           for offset in (None, 400, 91, 90, 0, -1, -800)}
    make_org(ctx.town_a1, term_end=TODAY - timedelta(days=5), status=OrgStatus.DISSOLVED)
    active = list(ids.values())
    for status in TermStatus:
        found = set(db.session.execute(
            select(Organization.id).where(services.term_status_clause(status, TODAY))).scalars())
        assert found == {o.id for o in active if term_status(o, TODAY) == status}, status


def test_terms_end_after_the_charter_years_and_survive_leap_days():
    assert services.term_end_for(date(2021, 6, 10), 5) == date(2026, 6, 10)
    assert services.term_end_for(date(2024, 2, 29), 5) == date(2029, 2, 28)


# ---------------------------------------------------------------- level and region

def test_level_must_fit_the_region(ctx):
    town = db.session.get(Region, ctx.town_a1.id)
    county = db.session.get(Region, ctx.county_a.id)
    province = db.session.get(Region, ctx.province.id)
    assert services.level_problem(OrgLevel.TOWNSHIP, town) is None
    assert services.level_problem(OrgLevel.COUNTY, county) is None
    assert "乡镇级组织应属于乡镇（街道）级区划" in services.level_problem(OrgLevel.TOWNSHIP, county)
    assert "县级组织应属于县（市、区）级区划" in services.level_problem(OrgLevel.COUNTY, town)
    assert "只能登记在市、县、乡镇或村级区划下" in services.level_problem(OrgLevel.CITY, province)


def fields(world, **kw):
    values = dict(name="凤城镇体育总会", kind=OrgKind.FEDERATION, level=OrgLevel.TOWNSHIP,
                  region_id=world.town_a1.id, term_years=5, contact_phone="0356-4220000")
    values.update(kw)
    return values


def test_create_organization_derives_the_term_end(ctx):
    org = services.create_organization(fields(ctx, term_start=date(2023, 3, 1), credit_code=valid_code(7).lower()))
    assert org.term_end == date(2028, 3, 1)
    assert org.credit_code == valid_code(7)
    assert org.contact_phone == "0356-4220000"


def test_create_organization_refuses_broken_rules_at_their_fields(ctx):
    with pytest.raises(RuleError) as caught:
        services.create_organization(fields(ctx, level=OrgLevel.COUNTY, member_count=-1, contact_phone="12ab",
                                            term_start=date(2023, 1, 1), term_end=date(2022, 1, 1)))
    assert set(caught.value.problems) == {"level", "member_count", "contact_phone", "term_end"}


def test_credit_code_is_unique_across_scopes(app, ctx):
    code = valid_code(8)
    make_org(ctx.town_b1, credit_code=code)  # 泽州县, outside 凤城镇's scope
    with app.test_request_context():
        set_scope(ctx.town_a1.path)
        problems = services.organization_problems(fields(ctx, credit_code=code))
    assert problems == {"credit_code": "该统一社会信用代码已被其他组织使用。"}


def test_region_outside_the_scope_is_refused(app, ctx):
    with app.test_request_context():
        set_scope(ctx.town_a1.path)
        problems = services.organization_problems(fields(ctx, region_id=ctx.town_b1.id))
    assert "region_id" in problems


def test_same_name_in_the_same_region_is_refused(app, ctx):
    make_org(ctx.town_a1, name="凤城镇体育总会")
    assert "name" in services.organization_problems(fields(ctx))
    assert "name" not in services.organization_problems(fields(ctx, region_id=ctx.town_a2.id))


def test_update_keeps_own_credit_code(app, ctx):
    org = make_org(ctx.town_a1, credit_code=valid_code(9))
    services.update_organization(org, {"contact_person": "王晓燕", "credit_code": valid_code(9)})
    assert org.contact_person == "王晓燕"


# ---------------------------------------------------------------- lifecycle events

def test_founding_starts_the_first_term(app, ctx):
    org = make_org(ctx.town_a1)
    record_event(org, EventKind.FOUNDING, date(2021, 6, 10), today=TODAY)
    assert (org.term_start, org.term_end, org.registered_on) == (date(2021, 6, 10), date(2026, 6, 10), date(2021, 6, 10))
    assert term_status(org, TODAY) == TermStatus.DUE_SOON


def test_founding_is_recorded_once(app, ctx):
    org = make_org(ctx.town_a1)
    record_event(org, EventKind.FOUNDING, date(2021, 6, 10), today=TODAY)
    with pytest.raises(RuleError) as caught:
        record_event(org, EventKind.FOUNDING, date(2022, 6, 10), today=TODAY)
    assert "kind" in caught.value.problems
    assert EventKind.FOUNDING not in services.allowed_event_kinds(org)


def test_reelection_moves_the_term(app, ctx):
    org = make_org(ctx.town_a1, term_years=4, term_start=date(2016, 5, 1), term_end=date(2020, 5, 1))
    assert term_status(org, TODAY) == TermStatus.OVERDUE
    outcome = record_event(org, EventKind.REELECTION, date(2026, 5, 20), approval_number="阳民社〔2026〕3号",
                           today=TODAY)
    assert (org.term_start, org.term_end) == (date(2026, 5, 20), date(2030, 5, 20))
    assert term_status(org, TODAY) == TermStatus.CURRENT
    assert outcome.event.region_id == org.region_id and outcome.warnings == []


def test_reelection_cannot_go_back_before_the_current_term(app, ctx):
    org = make_org(ctx.town_a1, term_start=date(2024, 5, 1), term_end=date(2029, 5, 1))
    with pytest.raises(RuleError) as caught:
        record_event(org, EventKind.REELECTION, date(2023, 5, 1), today=TODAY)
    assert "2024-05-01" in caught.value.problems["event_date"]


def test_events_cannot_be_dated_in_the_future(app, ctx):
    org = make_org(ctx.town_a1)
    with pytest.raises(RuleError) as caught:
        record_event(org, EventKind.CHANGE, TODAY + timedelta(days=1), today=TODAY)
    assert caught.value.problems == {"event_date": "日期不能晚于今天。"}


def test_dissolution_closes_the_record(app, ctx):
    org = make_org(ctx.town_a1, term_end=TODAY - timedelta(days=10))
    record_event(org, EventKind.DISSOLUTION, date(2026, 5, 1), today=TODAY)
    assert org.status == OrgStatus.DISSOLVED
    assert services.allowed_event_kinds(org) == []
    for kind in EventKind:
        with pytest.raises(RuleError, match="已注销"):
            record_event(org, kind, date(2026, 5, 20), review_year=2025, review_result=ReviewResult.QUALIFIED,
                         today=TODAY)
    assert len(org.events) == 1


def test_change_registered_late_warns_with_article_18(app, ctx):
    org = make_org(ctx.town_a1)
    on_time = record_event(org, EventKind.CHANGE, date(2026, 3, 30), approved_on=date(2026, 3, 1), today=TODAY)
    assert on_time.warnings == []
    assert on_time.event.approved_on == date(2026, 3, 1)
    late = record_event(org, EventKind.CHANGE, date(2026, 4, 30), approved_on=date(2026, 3, 1),
                        description="法定代表人变更", today=TODAY)
    assert len(late.warnings) == 1 and "第十八条" in late.warnings[0] and "60 天" in late.warnings[0]
    assert late.event.description.endswith("法定代表人变更")


def test_change_approved_after_registration_is_an_error(app, ctx):
    org = make_org(ctx.town_a1)
    with pytest.raises(RuleError) as caught:
        record_event(org, EventKind.CHANGE, date(2026, 3, 1), approved_on=date(2026, 3, 5), today=TODAY)
    assert "approved_on" in caught.value.problems


def test_annual_review_needs_its_year_and_result(app, ctx):
    org = make_org(ctx.town_a1, registered_on=date(2020, 1, 1))
    with pytest.raises(RuleError) as caught:
        record_event(org, EventKind.ANNUAL_REVIEW, date(2026, 4, 1), today=TODAY)
    assert set(caught.value.problems) == {"review_year", "review_result"}
    outcome = record_event(org, EventKind.ANNUAL_REVIEW, date(2026, 4, 1), review_year=2025,
                           review_result=ReviewResult.QUALIFIED, today=TODAY)
    assert (outcome.event.review_year, outcome.event.review_result, outcome.warnings) == (2025, ReviewResult.QUALIFIED, [])
    with pytest.raises(RuleError) as caught:
        record_event(org, EventKind.ANNUAL_REVIEW, date(2026, 4, 2), review_year=2025,
                     review_result=ReviewResult.QUALIFIED, today=TODAY)
    assert "已登记" in caught.value.problems["review_year"]


def test_late_annual_review_warns_with_article_28(app, ctx):
    org = make_org(ctx.town_a1)
    outcome = record_event(org, EventKind.ANNUAL_REVIEW, date(2026, 6, 1), review_year=2024,
                           review_result=ReviewResult.BASICALLY_QUALIFIED, today=TODAY)
    assert "第二十八条" in outcome.warnings[0]


def test_annual_review_status_per_year(app, ctx):
    orgs = reviewed, missing, young, gone = [
        make_org(ctx.town_a1, registered_on=date(2019, 3, 1)),
        make_org(ctx.town_a1, registered_on=date(2020, 3, 1)),
        make_org(ctx.town_a1, registered_on=date(2026, 1, 10)),
        make_org(ctx.town_a1, registered_on=date(2018, 1, 10), status=OrgStatus.DISSOLVED)]
    record_event(reviewed, EventKind.ANNUAL_REVIEW, date(2026, 4, 1), review_year=2025,
                 review_result=ReviewResult.QUALIFIED, today=TODAY)

    after = services.annual_review_status(orgs, 2025, today=date(2026, 6, 1))
    assert after[reviewed.id].state == ReviewState.DONE and after[reviewed.id].label == "已年审（合格）"
    assert after[missing.id].state == ReviewState.OVERDUE
    assert after[young.id].state == ReviewState.NOT_APPLICABLE
    assert after[gone.id].state == ReviewState.NOT_APPLICABLE
    before = services.annual_review_status(orgs, 2025, today=date(2026, 5, 31))
    assert before[missing.id].state == ReviewState.PENDING


def test_review_history_lists_each_year_since_registration(app, ctx):
    org = make_org(ctx.town_a1, registered_on=date(2022, 8, 1))
    record_event(org, EventKind.ANNUAL_REVIEW, date(2024, 4, 1), review_year=2023,
                 review_result=ReviewResult.QUALIFIED, today=TODAY)
    history = services.review_history(org, today=TODAY)
    assert [year for year, _ in history] == [2025, 2024, 2023, 2022]
    assert dict(history)[2023].state == ReviewState.DONE
    assert dict(history)[2022].state == ReviewState.OVERDUE


def test_backfilled_founding_keeps_the_current_term(app, ctx):
    org = make_org(ctx.town_a1)
    record_event(org, EventKind.REELECTION, date(2024, 3, 1), today=TODAY)
    record_event(org, EventKind.FOUNDING, date(2015, 3, 1), today=TODAY)
    assert org.term_start == date(2024, 3, 1) and org.term_end == date(2029, 3, 1)


def test_moving_an_organisation_takes_its_records_along(app, ctx):
    from app.organizations.models import LifecycleEvent
    from app.standards.models import Inspection, InspectionResult, Rectification
    from app.standards.models import ItemResult as R
    from tests.factories import make_inspection

    org = make_org(ctx.town_a1, name="凤城镇体育总会")
    inspection = make_inspection(org, results={"有经费": R.FAIL}, finalize=True)
    record_event(org, EventKind.CHANGE, date(2026, 3, 30), approved_on=date(2026, 3, 20), today=TODAY)
    services.update_organization(org, {"region_id": ctx.town_a2.id})
    for model in (Inspection, InspectionResult, Rectification, LifecycleEvent):
        assert {row.region_id for row in db.session.execute(select(model)).scalars()} == {ctx.town_a2.id}
    assert inspection.status.value == "finalized" and inspection.verdict.value == "fail"
