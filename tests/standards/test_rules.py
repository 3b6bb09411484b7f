"""Verdicts, transitions and immutability, without HTTP."""
from datetime import date

import pytest

from app.extensions import db
from app.rules import RuleError
from app.standards import inspections, rectifications, rules, versions
from app.standards.models import InspectionKind, InspectionStatus, ItemResult, RectificationStatus, Verdict
from app.standards.rules import compute_verdict
from tests.factories import make_inspection, make_org, user

P, F, NA = ItemResult.PASS, ItemResult.FAIL, ItemResult.NOT_APPLICABLE


@pytest.mark.parametrize("results, verdict", [
    ([(True, P), (True, P), (False, P)], Verdict.PASS),
    ([(True, P), (True, P), (False, F)], Verdict.PASS),  # an optional item never decides
    ([(True, P), (False, NA)], Verdict.PASS),
    ([(True, P), (True, F)], Verdict.FAIL),
    ([(True, P), (True, None)], Verdict.FAIL),
    ([(True, NA)], Verdict.FAIL),  # a required item must pass
])
def test_verdict(results, verdict):
    assert compute_verdict(results) == verdict


def test_inspection_uses_the_current_version_and_one_row_per_item(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1))
        assert inspection.version.standard.name == "四有"
        assert [r.item.title for r in inspection.results] == ["有场地", "有经费", "有人员", "有活动"]
        assert inspection.sheet_title == "乡镇体育总会“四有”验收检查表"
        assert len(inspection.verification_code) == 8


def test_required_item_cannot_be_not_applicable(app, world):
    with app.app_context():
        with pytest.raises(RuleError, match="必备项"):
            make_inspection(make_org(world.town_a1), results={"有经费": NA})


def test_clerk_may_only_self_check(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        with pytest.raises(RuleError):
            inspections.start_inspection(org, InspectionKind.ACCEPTANCE, user=user("clerk"), inspected_on=date.today())
        assert inspections.start_inspection(org, InspectionKind.SELF_CHECK, user=user("clerk"),
                                         inspected_on=date.today()).status == InspectionStatus.DRAFT


def test_self_check_is_finalized_by_the_county_after_submission(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1), InspectionKind.SELF_CHECK, by="clerk")
        with pytest.raises(RuleError, match="提交自查"):
            inspections.finalize(inspection, user("supervisor"), signed_by="李建国", signed_on=date.today())
        inspections.submit(inspection, user("clerk"))
        with pytest.raises(RuleError):
            inspections.finalize(inspection, user("clerk"), signed_by="王", signed_on=date.today())
        inspections.finalize(inspection, user("supervisor"), signed_by="李建国", signed_on=date.today())
        assert inspection.verdict == Verdict.PASS


def test_submit_requires_every_item(app, world):
    with app.app_context():
        inspection = inspections.start_inspection(make_org(world.town_a1), InspectionKind.ACCEPTANCE,
                                               user=user("supervisor"), inspected_on=date.today())
        with pytest.raises(RuleError, match="未填写结果"):
            inspections.submit(inspection, user("supervisor"))


def test_finalize_opens_a_rectification_per_failed_item(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1, contact_person="赵六"),
                                     results={"有经费": F, "有活动": F}, finalize=True)
        assert inspection.verdict == Verdict.FAIL
        assert [r.item.title for r in inspection.rectifications] == ["有经费", "有活动"]
        rect = inspection.rectifications[0]
        assert rect.owner == "赵六" and rect.due_on == date(2026, 6, 10)
        assert rect.region_id == world.town_a1.id and rect.finding == "有经费检查说明"


def test_finalized_inspection_is_immutable(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1), finalize=True)
        db.session.commit()
        with pytest.raises(RuleError, match="已定稿"):
            inspections.record_results(inspection, user("supervisor"), {inspection.results[0].id: (F, "")})
        # Even code that bypasses the services cannot change it.
        inspection.results[0].note = "改动"
        with pytest.raises(RuleError):
            db.session.flush()
        db.session.rollback()
        inspection.inspectors = "别人"
        with pytest.raises(RuleError):
            db.session.flush()
        db.session.rollback()


def test_recheck_corrects_a_finalized_inspection(app, world):
    with app.app_context():
        original = make_inspection(make_org(world.town_a1), results={"有经费": F}, finalize=True)
        recheck = inspections.start_recheck(original, user=user("supervisor"), inspected_on=date(2026, 6, 20))
        assert recheck.kind == InspectionKind.RECHECK and recheck.recheck_of is original
        assert recheck.version_id == original.version_id


def test_rectification_lifecycle(app, world):
    with app.app_context():
        rect = make_inspection(make_org(world.town_a1), results={"有经费": F}, finalize=True).rectifications[0]
        with pytest.raises(RuleError):
            rectifications.close_rectification(rect, user("supervisor"))  # nothing reported yet
        rectifications.submit_rectification(rect, user("clerk"), "已落实年度经费 2 万元")
        assert rect.status == RectificationStatus.SUBMITTED
        with pytest.raises(RuleError, match="原因"):
            rectifications.send_back(rect, user("supervisor"), "")
        rectifications.send_back(rect, user("supervisor"), "缺少拨款凭证")
        assert rect.status == RectificationStatus.OPEN and rect.times_returned == 1
        rectifications.submit_rectification(rect, user("clerk"), "补充拨款凭证")
        with pytest.raises(RuleError):
            rectifications.close_rectification(rect, user("clerk"))
        rectifications.close_rectification(rect, user("supervisor"), "材料齐全")
        assert rect.status == RectificationStatus.CLOSED and rect.closed_by == "测试supervisor"


def test_overdue(app, world):
    with app.app_context():
        rect = make_inspection(make_org(world.town_a1), results={"有经费": F}, finalize=True).rectifications[0]
        assert not rect.is_overdue(rect.due_on)
        assert rect.is_overdue(date(2026, 6, 11))
        rectifications.submit_rectification(rect, user("clerk"), "done")
        rectifications.close_rectification(rect, user("supervisor"))
        assert not rect.is_overdue(date(2027, 1, 1))


def test_self_check_status_and_sample(app, world):
    with app.app_context():
        a1, a2 = make_org(world.town_a1), make_org(world.town_a2)
        make_inspection(a1, InspectionKind.SELF_CHECK, by="clerk", finalize=True, inspected_on=date(2026, 3, 1))
        status = dict(inspections.self_check_status(2026))
        assert status[a1] is not None and status[a2] is None
        assert rules.spot_check_sample([a1, a2], 1, seed=1) == rules.spot_check_sample([a1, a2], 1, seed=1)
        with pytest.raises(RuleError):
            rules.spot_check_sample([a1, a2], 3)


def test_publishing_a_version_keeps_old_inspections(app, world):
    from app.standards.models import Standard

    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1), finalize=True)
        standard = db.session.execute(db.select(Standard).filter_by(code="township_federation_4")).scalar_one()
        items = [{"code": i.code, "title": i.title, "criterion": i.criterion, "required": i.required}
                 for i in standard.current_version.items]
        items.append({"code": "5", "title": "有制度", "criterion": "有章程和工作制度", "required": False})
        version = versions.publish_version(standard, note="增加有制度", items=items, published_by="admin")
        assert version.number == 2 and standard.current_version is version
        assert len(inspection.version.items) == 4 and inspection.version.number == 1
        with pytest.raises(RuleError, match="编号不能重复"):
            versions.publish_version(standard, note="x", items=items + [items[0]], published_by="admin")


def test_concurrent_changes_are_refused_not_doubled(app, world):
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from app.standards.models import Inspection, Rectification

    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1), results={"有经费": F})
        db.session.commit()
        # Someone else finalizes the same inspection meanwhile.
        with Session(db.engine) as other:
            theirs = other.get(Inspection, inspection.id)
            theirs.inspectors = "另一位督导员"
            other.commit()
        with pytest.raises(StaleDataError):
            inspections.finalize(inspection, user("supervisor"), signed_by="李建国", signed_on=date(2026, 5, 11))
        db.session.rollback()
        assert db.session.execute(db.select(Rectification)).first() is None
