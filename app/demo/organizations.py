"""Demo organisations: a federation in every township and county, associations, clubs, elderly associations."""
import random
from datetime import date

from app.extensions import db
from app.organizations.credit_codes import make_credit_code
from app.organizations.models import (
    EventKind,
    LifecycleEvent,
    Organization,
    OrgKind,
    OrgLevel,
    OrgStatus,
    PartyBranch,
    ReviewResult,
)
from app.regions.models import Region, RegionLevel

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["建国", "晓燕", "志强", "丽华", "海涛", "春梅", "国庆", "红霞", "振华", "秀英", "伟", "敏", "军", "静", "磊", "芳"]
SPORTS = ["篮球", "乒乓球", "太极拳", "门球", "羽毛球", "象棋", "健身气功", "广场舞"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _organization(rng, region, name, kind, level, serial, term_start, **extra) -> Organization:
    org = Organization(
        name=name, kind=kind, level=level, region_id=region.id, credit_code=make_credit_code(region.code, serial),
        registered_on=term_start, registration_authority=f"{_county_of(region).name}民政局",
        supervising_unit=f"{_county_of(region).name}文化和旅游体育局", legal_representative=_person(rng),
        contact_person=_person(rng), contact_phone=f"139{rng.randrange(10**8):08d}",
        address=f"山西省晋城市{_county_of(region).name}{region.name if region.level != RegionLevel.COUNTY else ''}文化活动中心",
        party_branch=rng.choice(list(PartyBranch)), member_count=rng.randrange(30, 400),
        venue=rng.choice(["镇文化广场", "综合文化站二楼", "全民健身中心", "学校体育场（共享）"]),
        funding_source=rng.choice(["乡镇财政拨款", "县财政补助", "会费及社会捐助"]),
        staff_count=rng.randrange(2, 8), establishment_count=rng.randrange(0, 3),
        term_years=5, term_start=term_start, term_end=term_start.replace(year=term_start.year + 5), **extra,
    )
    org.events = [LifecycleEvent(kind=EventKind.FOUNDING, event_date=term_start, region_id=region.id,
                                 approval_number=f"晋民社〔{term_start.year}〕{serial}号", description="经批准成立")]
    org.events += [
        LifecycleEvent(kind=EventKind.ANNUAL_REVIEW, event_date=date(year + 1, 5, 20), review_year=year,
                       review_result=rng.choice([ReviewResult.QUALIFIED] * 4 + [ReviewResult.BASICALLY_QUALIFIED]),
                       region_id=region.id)
        for year in range(term_start.year, 2026)
    ]
    return org


def _county_of(region: Region) -> Region:
    return region if region.level == RegionLevel.COUNTY else region.parent


def load_organizations(regions: dict[str, Region]) -> list[Organization]:
    rng = random.Random(2026)
    orgs = []
    serial = 1
    counties = [r for r in regions.values() if r.level == RegionLevel.COUNTY]
    for county in counties:
        orgs.append(_organization(rng, county, f"{county.name}体育总会", OrgKind.FEDERATION, OrgLevel.COUNTY,
                                  serial, date(2019, 3, 18)))
        serial += 1
        for sport in rng.sample(SPORTS, 3):
            orgs.append(_organization(rng, county, f"{county.name}{sport}协会", OrgKind.ASSOCIATION, OrgLevel.COUNTY,
                                      serial, date(rng.randrange(2018, 2024), rng.randrange(1, 13), 10), sport=sport))
            serial += 1
        orgs.append(_organization(rng, county, f"{county.name}老年人体育协会", OrgKind.ELDERLY_ASSOCIATION,
                                  OrgLevel.COUNTY, serial, date(2020, 9, 9)))
        serial += 1
    for township in (r for r in regions.values() if r.level == RegionLevel.TOWNSHIP):
        # Terms started 2019–2022: some end soon, some are already overdue for 换届.
        start = date(rng.choice([2020, 2021, 2021, 2022, 2022]), rng.randrange(1, 13), 15)
        if township.code in ("140522105", "140525104"):
            start = date(2021, 8, 1)  # term ended 2026-08-01: overdue
        orgs.append(_organization(rng, township, f"{township.name}体育总会", OrgKind.FEDERATION, OrgLevel.TOWNSHIP,
                                  serial, start))
        serial += 1
    for village in (r for r in regions.values() if r.level == RegionLevel.VILLAGE):
        orgs.append(_organization(rng, village, f"{village.name}老年人体育协会", OrgKind.ELDERLY_ASSOCIATION,
                                  OrgLevel.VILLAGE, serial, date(2022, 4, 1)))
        serial += 1
    fengcheng = regions["140522100"]
    orgs.append(_organization(rng, fengcheng, "凤城镇太极拳俱乐部", OrgKind.CLUB, OrgLevel.TOWNSHIP, serial,
                              date(2023, 6, 1), sport="太极拳"))
    orgs.append(_organization(rng, regions["140522100001"], "东关社区健身会", OrgKind.COMMUNITY_ASSOCIATION,
                              OrgLevel.VILLAGE, serial + 1, date(2024, 2, 1)))
    orgs += _registrations_of_2026(rng, regions, orgs, serial + 2)
    db.session.add_all(orgs)
    db.session.flush()
    return orgs


def _registrations_of_2026(rng, regions, orgs, serial) -> list[Organization]:
    """The demo year's registration work, as seed 000 tells a half-year's: "新成立排球协会，另有体育
    产业联合会、乒乓球协会、瑜伽协会先后完成了换届选举" — a founding, re-elections, a change and a
    dissolution in 阳城县, so the year's statistics have names to give. Returns the new organisations."""
    county = regions["140522"]
    volleyball = _organization(rng, county, "阳城县排球协会", OrgKind.ASSOCIATION, OrgLevel.COUNTY, serial,
                               date(2026, 3, 16), sport="排球")
    skating = _organization(rng, county, "阳城县青少年轮滑俱乐部", OrgKind.CLUB, OrgLevel.COUNTY, serial + 1,
                            date(2020, 5, 8), sport="轮滑", status=OrgStatus.DISSOLVED)
    skating.events.append(LifecycleEvent(kind=EventKind.DISSOLUTION, event_date=date(2026, 9, 10), region_id=county.id,
                                         approval_number="阳民社注〔2026〕3号", description="会员大会决议注销，清算完毕"))
    for org, day in ((_county_org(orgs, county, OrgKind.ASSOCIATION), date(2026, 4, 22)),
                     (_county_org(orgs, county, OrgKind.ELDERLY_ASSOCIATION), date(2026, 6, 18))):
        org.events.append(LifecycleEvent(kind=EventKind.REELECTION, event_date=day, region_id=county.id,
                                         description="召开会员代表大会，选举产生新一届理事会"))
        org.term_start, org.term_end = day, day.replace(year=day.year + org.term_years)
    federation = _county_org(orgs, county, OrgKind.FEDERATION)
    federation.events.append(LifecycleEvent(kind=EventKind.CHANGE, event_date=date(2026, 7, 28), region_id=county.id,
                                            approved_on=date(2026, 7, 10), description="法定代表人变更"))
    return [volleyball, skating]


def _county_org(orgs: list[Organization], county: Region, kind: OrgKind) -> Organization:
    return next(o for o in orgs if o.region_id == county.id and o.kind == kind)
