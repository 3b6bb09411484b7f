"""The activity services on the database: each step's change, its audit entries, and the scope."""
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from app.activities import services
from app.activities.models import Activity, ActivityKind, ActivityStatus
from app.attachments.services import prepare_upload
from app.audit.models import AuditEntry
from app.extensions import db
from app.rules import RuleError
from app.scoping import OutOfScope, acting_as, set_scope
from app.versioning import StaleEdit
from tests.factories import jpeg_bytes, make_activity, make_org, pdf_upload, user

S = ActivityStatus
TODAY = date(2026, 6, 1)


def _photo():
    return prepare_upload(FileStorage(io.BytesIO(jpeg_bytes(640, 480)), filename="现场.jpg"))


def _entries(activity: Activity) -> list[AuditEntry]:
    return list(db.session.execute(select(AuditEntry).where(AuditEntry.record_type == "activities",
                                                            AuditEntry.record_id == str(activity.id))
                                   .order_by(AuditEntry.id)).scalars())


def test_a_competition_or_a_crowd_is_filed_whatever_was_ticked(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        race = make_activity(org, kind=ActivityKind.COMPETITION, needs_filing=False)
        crowd = make_activity(org, expected_participants=300, needs_filing=False)
        ticked = make_activity(org, needs_filing=True)
        small = make_activity(org, organiser="")
        assert (race.needs_filing, crowd.needs_filing, ticked.needs_filing, small.needs_filing) == (True, True, True, False)
        assert small.organiser == org.name  # 主办 by the organisation unless told otherwise
        assert race.region_id == org.region_id and race.status == S.PLANNED


def test_the_whole_course_of_a_filed_activity_leaves_its_audit_trail(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        activity = make_activity(org, kind=ActivityKind.COMPETITION, title="镇篮球联赛")
        clerk, supervisor = user("clerk"), user("supervisor")
        with acting_as(clerk):
            with pytest.raises(RuleError) as refused:
                services.file_activity(activity, clerk, [])
            assert refused.value.field == "rules_document"
            services.file_activity(activity, clerk, [prepare_upload(pdf_upload())], now=datetime(2026, 5, 1, 2))
        assert activity.status == S.FILED and activity.filed_at == datetime(2026, 5, 1, 2)
        assert [a.filename for a in services.files_of(activity)[services.RULES_CAPTION]] == ["活动规程.pdf"]
        with acting_as(supervisor):
            services.decide_filing(activity, supervisor, False, "请补充安全预案")
        assert (activity.status, activity.review_note, activity.decided_by) == (S.RETURNED, "请补充安全预案", "测试supervisor")
        with acting_as(clerk):
            services.file_activity(activity, clerk, [])  # sent again with the 规程 already filed
        with acting_as(supervisor):
            services.decide_filing(activity, supervisor, True)
        assert activity.status == S.APPROVED
        with acting_as(clerk):
            services.report_activity(activity, clerk, 260, "共 12 支队伍参赛", [_photo()], today=TODAY)
        assert (activity.status, activity.actual_participants, activity.results) == (S.REPORTED, 260, "共 12 支队伍参赛")
        assert [a.is_image for a in services.files_of(activity)[services.PHOTO_CAPTION]] == [True]

        statuses = [e.changes["status"] for e in _entries(activity) if "status" in e.changes]
        assert statuses[0] == [None, "planned"] and statuses[-1] == ["approved", "reported"]
        assert [s[1] for s in statuses[1:]] == ["filed", "returned", "filed", "approved", "reported"]
        assert [e.username for e in _entries(activity)][1:] == ["clerk", "supervisor", "clerk", "supervisor", "clerk"]


def test_only_the_county_decides_and_a_return_says_why(app, world):
    with app.app_context():
        activity = make_activity(make_org(world.town_a1), needs_filing=True)
        services.file_activity(activity, user("clerk"), [prepare_upload(pdf_upload())])
        with pytest.raises(RuleError, match="只有县级"):
            services.decide_filing(activity, user("clerk"), True)
        with pytest.raises(RuleError, match="写明原因"):
            services.decide_filing(activity, user("supervisor"), False, " ")
        assert activity.status == S.FILED


def test_the_rules_are_a_pdf_or_word_file_and_the_photos_images(app, world):
    with app.app_context():
        activity = make_activity(make_org(world.town_a1), needs_filing=True)
        with pytest.raises(RuleError, match="PDF 或 Word") as refused:
            services.file_activity(activity, user("clerk"), [_photo()])
        assert refused.value.field == "rules_document" and activity.status == S.PLANNED
        plain = make_activity(make_org(world.town_a1, name="凤城镇老年体协"))
        with pytest.raises(RuleError, match="须为图片") as refused:
            services.report_activity(plain, user("clerk"), 10, "x", [prepare_upload(pdf_upload())], today=TODAY)
        assert refused.value.field == "photos" and plain.status == S.PLANNED


def test_a_report_waits_for_the_start_and_for_the_approval(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        later = make_activity(org, starts_on=date(2026, 7, 1))
        with pytest.raises(RuleError, match="活动开始"):
            services.report_activity(later, user("clerk"), 10, "x", today=TODAY)
        filed = make_activity(org, needs_filing=True)
        with pytest.raises(RuleError, match="同意报备后"):
            services.report_activity(filed, user("clerk"), 10, "x", today=TODAY)
        with pytest.raises(RuleError) as missing:
            services.report_activity(make_activity(org), user("clerk"), None, "", today=TODAY)
        assert set(missing.value.problems) == {"actual_participants", "results"}


def test_edit_checks_the_row_version_and_the_dates(app, world):
    with app.app_context():
        activity = make_activity(make_org(world.town_a1))
        db.session.commit()
        opened = activity.row_version
        services.update_activity(activity, {"place": "镇体育馆"}, user("clerk"), opened)
        db.session.commit()
        with pytest.raises(StaleEdit):
            services.update_activity(activity, {"place": "镇广场"}, user("clerk"), opened)
        with pytest.raises(RuleError) as refused:
            services.update_activity(activity, {"ends_on": date(2026, 5, 1)}, user("clerk"), activity.row_version)
        assert refused.value.problems == {"ends_on": "结束日期不能早于开始日期。"}
        assert [e.changes.get("place") for e in _entries(activity)][-1] == ["镇文体广场", "镇体育馆"]


def test_a_returned_activity_no_longer_filed_goes_back_to_planning(app, world):
    with app.app_context():
        activity = make_activity(make_org(world.town_a1), needs_filing=True)
        services.file_activity(activity, user("clerk"), [prepare_upload(pdf_upload())])
        services.decide_filing(activity, user("supervisor"), False, "规模小，无需报备")
        services.update_activity(activity, {"needs_filing": False}, user("clerk"))
        assert activity.status == S.PLANNED


def test_cancel_before_the_report_only_and_never_by_a_viewer(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        activity = make_activity(org)
        with pytest.raises(RuleError, match="只读"):
            services.cancel_activity(activity, user("viewer"))
        services.cancel_activity(activity, user("clerk"))
        assert activity.status == S.CANCELLED
        with pytest.raises(RuleError, match="已取消"):
            services.cancel_activity(activity, user("clerk"))
        reported = make_activity(org)
        services.report_activity(reported, user("clerk"), 50, "顺利举办", today=TODAY)
        with pytest.raises(RuleError, match="已上报"):
            services.cancel_activity(reported, user("clerk"))
        with pytest.raises(RuleError, match="已注销"):
            make_activity(make_org(world.town_a1, name="已注销协会", status="dissolved"))


def test_a_clerk_cannot_write_an_activity_into_another_township(app, world):
    with app.app_context():
        other = make_org(world.town_b1)
        db.session.commit()
        set_scope(world.town_a1.path)
        with pytest.raises(OutOfScope):
            make_activity(other)
        db.session.rollback()


def test_the_ledger_reads_only_the_scope(app, world):
    from app.activities.forms import ActivityFilters

    with app.app_context():
        mine = make_activity(make_org(world.town_a1), title="凤城镇活动")
        make_activity(make_org(world.town_b1), title="南村镇活动", by="clerk_b")
        db.session.commit()
        set_scope(world.town_a1.path)
        rows = db.session.execute(services.activity_query(ActivityFilters(MultiDict()), TODAY)).scalars().all()
        assert [a.id for a in rows] == [mine.id]
