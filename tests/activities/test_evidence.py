"""Activities as the evidence of 有活动, without HTTP: which items take them, the period offered,
attaching and detaching, and what is refused (a signed inspection, another organisation's
activity, one outside the period or cancelled)."""
from datetime import date

import pytest
from sqlalchemy import select

from app.activities.evidence import (
    activities_for_evidence,
    attach_activity,
    choose_activities,
    detach_activity,
    evidence_choices,
    evidence_period,
    sheet_line,
    takes_activities,
)
from app.activities.models import ActivityEvidence, ActivityStatus
from app.audit.labels import readable_changes
from app.audit.models import AuditEntry
from app.extensions import db
from app.rules import RuleError
from app.standards import inspections
from app.standards.models import StandardItem
from app.versioning import StaleEdit, require_version
from tests.factories import make_activity_row, make_inspection, make_org, user


@pytest.mark.parametrize(("title", "takes"), [
    ("有活动", True), ("开展赛事活动", True), ("有活动场地", False), ("有场地", False), ("有经费", False),
])
def test_items_about_activities_held_take_activities(title, takes):
    assert takes_activities(StandardItem(title=title)) is takes


@pytest.mark.parametrize(("inspected_on", "start"), [
    (date(2026, 6, 15), date(2025, 6, 16)),
    (date(2026, 1, 1), date(2025, 1, 2)),
    (date(2028, 2, 29), date(2027, 3, 1)),  # no 29 February a year before
])
def test_the_period_is_the_twelve_months_up_to_the_inspection(inspected_on, start):
    assert evidence_period(inspected_on) == (start, inspected_on)


@pytest.fixture(autouse=True)
def _in_app(app):
    with app.app_context():
        yield


@pytest.fixture
def draft(world):
    """A draft 验收 of 凤城镇体育总会 on 2026-06-15, and its 有活动 result."""
    inspection = make_inspection(make_org(world.town_a1), inspected_on=date(2026, 6, 15))
    db.session.commit()
    return inspection, _activity_row(inspection)


def _activity_row(inspection):
    return next(r for r in inspection.results if r.item.title == "有活动")


def test_the_period_offers_the_organisations_activities_not_cancelled(app, world, draft):
    inspection, _ = draft
    org = inspection.organization
    other = make_org(world.town_a2)
    kept = [make_activity_row(org, title="太极拳培训班", starts_on=date(2025, 6, 16)),
            make_activity_row(org, title="篮球赛", starts_on=date(2026, 6, 15), status=ActivityStatus.APPROVED)]
    make_activity_row(org, title="去年的徒步", starts_on=date(2025, 6, 15))  # a day too early
    make_activity_row(org, title="下周的比赛", starts_on=date(2026, 6, 16), status=ActivityStatus.PLANNED)
    make_activity_row(org, title="取消的联赛", starts_on=date(2026, 3, 1), status=ActivityStatus.CANCELLED)
    make_activity_row(other, title="北留镇广场舞", starts_on=date(2026, 3, 1))
    assert activities_for_evidence(inspection) == kept


def test_attach_and_detach_count_as_changes_of_the_inspection(app, world, draft):
    inspection, row = draft
    activity = make_activity_row(inspection.organization, title="全民健身日徒步", starts_on=date(2026, 4, 8))
    db.session.commit()
    before = inspection.row_version
    attach_activity(row, activity, user("supervisor"))
    attach_activity(row, activity, user("supervisor"))  # once only
    db.session.commit()
    evidence = db.session.execute(select(ActivityEvidence)).scalars().all()
    assert [(e.result_id, e.activity_id, e.region_id) for e in evidence] == [(row.id, activity.id, row.region_id)]
    assert inspection.row_version == before + 1
    entry = db.session.execute(select(AuditEntry).filter_by(record_type="activity_evidence", action="insert")).scalar()
    assert ("活动", "（空）", "全民健身日徒步") in readable_changes(entry)  # the audit log reads it by name
    assert ("检查项目", "（空）", "4. 有活动") in readable_changes(entry)

    detach_activity(row, activity, user("supervisor"))
    db.session.commit()
    assert db.session.execute(select(ActivityEvidence)).first() is None
    assert inspection.row_version == before + 2


def test_choosing_sets_exactly_what_was_ticked(app, world, draft):
    inspection, row = draft
    org = inspection.organization
    first, second, third = (make_activity_row(org, title=t, starts_on=date(2026, m, 1))
                            for t, m in (("乒乓球联赛", 3), ("广场舞展演", 4), ("健身骨干培训", 5)))
    choose_activities(row, [first.id, second.id], user("supervisor"))
    choose_activities(row, [second.id, third.id], user("supervisor"))
    db.session.commit()
    assert sorted(e.activity_id for e in row.activity_evidence) == [second.id, third.id]
    assert evidence_choices(inspection) == {row.id: [first, second, third]}


def test_a_signed_inspection_keeps_its_evidence(app, world):
    org = make_org(world.town_a1)
    activity = make_activity_row(org, starts_on=date(2026, 4, 1))
    inspection = make_inspection(org, inspected_on=date(2026, 5, 10))
    row = _activity_row(inspection)
    attach_activity(row, activity, user("supervisor"))
    make_activity_row(org, title="另一次活动", starts_on=date(2026, 4, 20))
    inspections.finalize(inspection, user("supervisor"), signed_by="李建国", signed_on=date(2026, 5, 11))
    db.session.commit()
    with pytest.raises(RuleError, match="已定稿"):
        detach_activity(row, activity, user("supervisor"))
    with pytest.raises(RuleError, match="已定稿"):
        choose_activities(row, [], user("supervisor"))
    # The backstop: not even a direct write gets past the signature.
    db.session.rollback()
    db.session.delete(row.activity_evidence[0])
    with pytest.raises(RuleError, match="已定稿"):
        db.session.flush()
    db.session.rollback()
    assert [e.activity_id for e in row.activity_evidence] == [activity.id]


def test_refused_another_organisations_cancelled_or_out_of_period_activity(app, world, draft):
    inspection, row = draft
    supervisor = user("supervisor")
    other = make_activity_row(make_org(world.town_a2), title="北留镇篮球赛", starts_on=date(2026, 4, 1))
    cancelled = make_activity_row(inspection.organization, title="取消的联赛", starts_on=date(2026, 4, 1),
                              status=ActivityStatus.CANCELLED)
    too_old = make_activity_row(inspection.organization, title="前年的比赛", starts_on=date(2025, 1, 1))
    with pytest.raises(RuleError, match="被检查组织自己的活动"):
        attach_activity(row, other, supervisor)
    with pytest.raises(RuleError, match="已取消"):
        attach_activity(row, cancelled, supervisor)
    with pytest.raises(RuleError, match="12 个月"):
        attach_activity(row, too_old, supervisor)
    with pytest.raises(RuleError, match="不存在") as refused:
        choose_activities(row, [10**6], supervisor)
    assert refused.value.field == f"activities_{row.id}"
    funding = next(r for r in inspection.results if r.item.title == "有经费")
    with pytest.raises(RuleError, match="不以活动作为佐证"):
        attach_activity(funding, make_activity_row(inspection.organization, starts_on=date(2026, 4, 2)), supervisor)
    assert row.activity_evidence == []


def test_a_clerk_cannot_change_a_county_check(app, world, draft):
    inspection, row = draft
    activity = make_activity_row(inspection.organization, starts_on=date(2026, 4, 1))
    with pytest.raises(RuleError, match="不能修改"):
        attach_activity(row, activity, user("clerk"))


def test_the_sheet_line_names_two_and_counts_the_rest(app, world):
    org = make_org(world.town_a1)
    reported = make_activity_row(org, title="广场舞展演", starts_on=date(2026, 5, 1), actual_participants=120)
    planned = make_activity_row(org, title="阳城县第三届全民健身运动会乒乓球比赛", starts_on=date(2026, 6, 1),
                            actual_participants=None, expected_participants=80, status=ActivityStatus.APPROVED)
    assert sheet_line([reported]) == "佐证：广场舞展演（2026-05-01，参与120人）"
    assert sheet_line([reported, planned]) == ("佐证：广场舞展演（2026-05-01，参与120人）、"
                                               "阳城县第三届全民健身运动会…（2026-06-01，预计80人）")
    third = make_activity_row(org, title="太极拳培训班", starts_on=date(2026, 6, 2))
    assert sheet_line([reported, planned, third]).endswith("等 3 项活动")
    assert sheet_line([]) == ""


def test_a_page_opened_before_an_attachment_is_told_of_it(app, world, draft):
    inspection, row = draft
    opened = inspection.row_version
    attach_activity(row, make_activity_row(inspection.organization, title="乒乓球联赛", starts_on=date(2026, 3, 1)),
                    user("supervisor"))
    db.session.commit()
    with pytest.raises(StaleEdit) as stale:
        require_version(inspection, opened)
    # The newest change named is the attachment (with whatever the same hand did moments before).
    assert stale.value.latest[-1].record_type == "activity_evidence"
