"""A hand-counted year for the statistics tests: 阳城县 (凤城镇, 北留镇, and three villages under
凤城镇), with 泽州县's records beside it that no 阳城县 figure may count. The expected figures are
written next to the records that make them."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.activities.models import Activity, ActivityKind, ActivityLevel, ActivityStatus
from app.extensions import db
from app.organizations.models import EventKind, LifecycleEvent, Organization, OrgKind, OrgLevel, OrgStatus
from app.regions.models import Region, RegionLevel
from app.regions.services import create_region
from app.standards.models import InspectionKind, ItemResult, Rectification, RectificationStatus
from tests.factories import make_inspection, make_org


@dataclass
class Year:
    """Ids of the records the tests look up."""

    fengcheng_federation: int
    beiliu_federation: int
    county_federation: int
    dongguan: int  # 东关社区, which has a 社区健身会
    rectification: int


def _event(org, kind: EventKind, on: date) -> None:
    db.session.add(LifecycleEvent(organization=org, region_id=org.region_id, kind=kind, event_date=on))


def _activity(org, title: str, kind: ActivityKind, on: date, status: ActivityStatus = ActivityStatus.REPORTED,
              participants: int | None = None) -> None:
    db.session.add(Activity(organization=org, region_id=org.region_id, title=title, kind=kind,
                            level=ActivityLevel.TOWNSHIP, starts_on=on, ends_on=on, status=status,
                            actual_participants=participants))


def add_training(app, year: "Year") -> None:
    """A training planned by 凤城镇's federation in November 2026: one more 培训 in the year."""
    with app.app_context():
        _activity(db.session.get(Organization, year.fengcheng_federation), "健身气功培训班", ActivityKind.TRAINING,
                  date(2026, 11, 5), ActivityStatus.PLANNED)
        db.session.commit()


def make_year(app, world) -> Year:
    with app.app_context():
        town_a1 = db.session.get(Region, world.town_a1.id)
        dongguan = create_region(name="东关社区", code="140522100001", level=RegionLevel.VILLAGE, parent=town_a1)
        create_region(name="西关社区", code="140522100002", level=RegionLevel.VILLAGE, parent=town_a1)
        create_region(name="上孔村", code="140522100201", level=RegionLevel.VILLAGE, parent=town_a1)  # a 村: not counted

        # 凤城镇体育总会 passed its acceptance, then failed a spot check: by the latest it fails in
        # 2026 (and passes for a period ending before the spot check). Its own later self-check,
        # all passing, never counts.
        fengcheng = make_org(world.town_a1, registered_on=date(2020, 1, 1))
        make_inspection(fengcheng, inspected_on=date(2026, 3, 1), finalize=True)
        spot = make_inspection(fengcheng, InspectionKind.SPOT_CHECK, inspected_on=date(2026, 6, 1), finalize=True,
                               results={"有经费": ItemResult.FAIL})
        make_inspection(fengcheng, InspectionKind.SELF_CHECK, by="clerk", inspected_on=date(2026, 9, 1), finalize=True)
        make_inspection(fengcheng, inspected_on=date(2026, 10, 1))  # a draft: no figure counts it
        rectification = db.session.execute(select(Rectification).where(Rectification.inspection_id == spot.id)).scalar_one()
        rectification.created_at = datetime(2026, 6, 2, 2, 0)  # UTC: 2026-06-02 10:00 in China
        rectification.status = RectificationStatus.CLOSED
        rectification.closed_at = datetime(2026, 6, 30, 17, 0)  # UTC: 2026-07-01 01:00 in China, the second half

        # 北留镇体育总会, registered in 2026: passes; its township was not covered in 2025.
        beiliu = make_org(world.town_a2, registered_on=date(2026, 2, 1))
        make_inspection(beiliu, inspected_on=date(2026, 4, 1), finalize=True)

        county = make_org(world.county_a, registered_on=date(2010, 5, 1))  # 阳城县体育总会, 五有
        make_inspection(county, inspected_on=date(2026, 5, 10), finalize=True)
        _event(county, EventKind.REELECTION, date(2026, 2, 10))
        _event(county, EventKind.CHANGE, date(2025, 12, 20))  # outside 2026

        club = make_org(world.town_a2, name="北留镇篮球俱乐部", kind=OrgKind.CLUB, registered_on=date(2026, 3, 15))
        _event(club, EventKind.FOUNDING, date(2026, 3, 15))
        volleyball = make_org(world.county_a, name="阳城县排球协会", kind=OrgKind.ASSOCIATION,
                              registered_on=date(2026, 8, 1))
        _event(volleyball, EventKind.FOUNDING, date(2026, 8, 1))
        gateball = make_org(world.county_a, name="阳城县门球协会", kind=OrgKind.ASSOCIATION,
                            registered_on=date(2015, 4, 1), status=OrgStatus.DISSOLVED)
        _event(gateball, EventKind.DISSOLUTION, date(2026, 5, 20))  # active at the end of 2025, not of 2026
        make_org(dongguan, name="东关社区健身会", kind=OrgKind.COMMUNITY_ASSOCIATION, level=OrgLevel.VILLAGE)

        _activity(fengcheng, "凤城镇全民健身乒乓球赛", ActivityKind.COMPETITION, date(2026, 5, 1), participants=300)
        _activity(fengcheng, "社会体育指导员培训班", ActivityKind.TRAINING, date(2026, 7, 10), participants=50)
        _activity(fengcheng, "重阳登山活动", ActivityKind.EVENT, date(2026, 9, 1), ActivityStatus.PLANNED)  # not reported
        _activity(fengcheng, "广场舞展演", ActivityKind.SHOWCASE, date(2026, 10, 1), ActivityStatus.CANCELLED)
        _activity(fengcheng, "去年的篮球赛", ActivityKind.COMPETITION, date(2025, 11, 1), participants=80)

        # 泽州县: never in 阳城县's figures.
        nancun = make_org(world.town_b1, registered_on=date(2026, 1, 5))
        _event(nancun, EventKind.FOUNDING, date(2026, 1, 5))
        make_inspection(nancun, by="supervisor_b", inspected_on=date(2026, 5, 1), finalize=True)
        _activity(nancun, "南村镇拔河比赛", ActivityKind.COMPETITION, date(2026, 6, 1), participants=999)
        db.session.commit()
        return Year(fengcheng.id, beiliu.id, county.id, dongguan.id, rectification.id)
