"""The demo's year of activities reads like a real one and holds together: filed ones carry their
规程, reported ones their participants and photos, the demo inspections' 有活动 their evidence;
and seeding a database that already holds the demo adds nothing."""
from collections import Counter

from sqlalchemy import func, select

from app.activities.evidence import evidence_period, takes_activities
from app.activities.models import Activity, ActivityEvidence, ActivityStatus
from app.attachments.models import Attachment
from app.demo import load_demo_data
from app.demo.activities import AS_OF, load_activities
from app.demo.organizations import load_organizations
from app.demo.regions import load_regions_and_users
from app.extensions import db
from app.standards.models import ItemResult

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_demo_year_of_activities(app):
    """One load of the demo (a dozen seconds), every check on it."""
    with app.app_context():
        load_demo_data(case_count=80)  # a sample of the year of cases: each kind, not the thousand
        db.session.commit()
        _every_state_in_a_year()
        _filed_ones_carry_their_rules_and_reported_ones_what_happened()
        _passed_activity_items_of_the_demo_inspections_hold_the_years_activities()
        _seeding_again_adds_nothing(app)


def _files() -> dict[int, list[Attachment]]:
    by_activity: dict[int, list[Attachment]] = {}
    for attachment in db.session.execute(select(Attachment).where(Attachment.owner_type == "activities")).scalars():
        by_activity.setdefault(attachment.owner_id, []).append(attachment)
    return by_activity


def _every_state_in_a_year():
    activities = db.session.execute(select(Activity)).scalars().all()
    assert 80 <= len(activities) <= 150
    years = Counter(a.starts_on.year for a in activities)
    assert years[2026] > 0.75 * len(activities) and years[2025] > 0
    statuses = Counter(a.status for a in activities)
    assert statuses[ActivityStatus.REPORTED] > 0.7 * len(activities)
    for status in (ActivityStatus.FILED, ActivityStatus.RETURNED, ActivityStatus.CANCELLED, ActivityStatus.PLANNED):
        assert statuses[status] >= 1, status
    assert any(a.starts_on > AS_OF and a.status == ActivityStatus.PLANNED for a in activities)
    assert len({a.organization_id for a in activities}) > 20
    assert len({a.kind for a in activities}) == 4
    for activity in activities:
        assert activity.region_id == activity.organization.region_id
        assert activity.starts_on <= activity.ends_on and activity.title and activity.place and activity.organiser
        assert activity.created_at <= activity.updated_at


def _filed_ones_carry_their_rules_and_reported_ones_what_happened():
    files = _files()
    for activity in db.session.execute(select(Activity)).scalars():
        documents = [f for f in files.get(activity.id, []) if f.content_type == DOCX]
        photos = [f for f in files.get(activity.id, []) if f.is_image]
        if activity.filed_at is not None:
            assert activity.needs_filing and len(documents) == 1, activity.title
            assert documents[0].filename.endswith("规程.docx")
        if activity.status in (ActivityStatus.FILED, ActivityStatus.APPROVED, ActivityStatus.RETURNED):
            assert activity.filed_at is not None
        if activity.decided_at is not None:
            assert activity.filed_at < activity.decided_at and activity.decided_by and activity.review_note
        if activity.status == ActivityStatus.REPORTED:
            assert activity.actual_participants and activity.results and 1 <= len(photos) <= 2, activity.title
            assert activity.reported_at.date() > activity.ends_on
            assert not activity.needs_filing or activity.decided_at is not None
        else:
            assert activity.actual_participants is None and not photos
        assert all(p.size < 20_000 for p in photos)  # a few KB: the demo stays small


def _passed_activity_items_of_the_demo_inspections_hold_the_years_activities():
    evidence = db.session.execute(select(ActivityEvidence)).scalars().all()
    assert len(evidence) >= 10
    for e in evidence:
        result, activity = e.inspection_result, e.activity
        inspection = result.inspection
        start, end = evidence_period(inspection.inspected_on)
        assert takes_activities(result.item) and result.result == ItemResult.PASS
        assert activity.organization_id == inspection.organization_id and e.region_id == inspection.region_id
        assert start <= activity.starts_on <= end and activity.status != ActivityStatus.CANCELLED


def _seeding_again_adds_nothing(app):
    before = db.session.execute(select(func.count()).select_from(Activity)).scalar_one()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "跳过演示数据" in result.output
    assert db.session.execute(select(func.count()).select_from(Activity)).scalar_one() == before


def test_the_demo_activities_are_the_same_on_every_run(app):
    runs = []
    for _ in range(2):
        with app.app_context():
            regions, users = load_regions_and_users()
            load_activities(load_organizations(regions), users)
            runs.append(db.session.execute(
                select(Activity.title, Activity.starts_on, Activity.status, Activity.actual_participants,
                       Activity.created_at).order_by(Activity.id)).all())
            db.session.rollback()
    assert runs[0] == runs[1] and runs[0]
