"""Synthetic activities (赛事活动) of the registry's organisations over 2025 and 2026.

Every active organisation holds a few a year (a township federation 2–7, the county's
federations and associations somewhat more, a village's elderly association one or two), so
the province has ~25,000: enough for the ledger and the year's statistics to be measured at
scale. Their state follows REFERENCE_DAY as the workflow leaves it: those held are mostly
reported (信息上报, with the actual participants), a few cancelled, the last weeks' still to
report; those to come are planned, or filed (报备) and mostly approved when the county must
approve them. Ids grow with ``created_at``, as they do when the app writes them.
"""
from datetime import date, datetime, time, timedelta
from random import Random

from app.activities.models import ActivityKind, ActivityLevel, ActivityStatus
from app.organizations.models import OrgLevel, OrgStatus
from app.regions.models import RegionLevel
from bench.registry import REFERENCE_DAY
from bench.world import World

YEARS = (2025, 2026)
C, E, T, S = ActivityKind.COMPETITION, ActivityKind.EVENT, ActivityKind.TRAINING, ActivityKind.SHOWCASE
# (title, kind, expected participants: low, high); "{place}" is the region's name, "{sport}" the association's.
TITLES = {
    OrgLevel.COUNTY: [("{place}全民健身运动会", C, 600, 1500), ("{place}“全民健身日”徒步活动", E, 800, 3000),
                      ("{place}{sport}锦标赛", C, 80, 240), ("{place}{sport}公开赛", C, 60, 200),
                      ("{place}社会体育指导员培训班", T, 50, 120), ("{sport}裁判员培训班", T, 30, 60),
                      ("{place}广场舞大赛", C, 200, 500), ("{sport}进社区展示活动", S, 80, 200),
                      ("{place}老年人门球赛", C, 60, 160), ("重阳节登高健身活动", E, 150, 400)],
    OrgLevel.TOWNSHIP: [("{place}广场舞展演", S, 100, 300), ("{place}全民健身日徒步", E, 150, 600),
                        ("{place}乒乓球联赛", C, 40, 100), ("{place}农民篮球赛", C, 100, 240),
                        ("{place}太极拳培训班", T, 30, 60), ("{place}拔河比赛", C, 100, 260),
                        ("{place}健身骨干培训", T, 30, 60), ("{place}迎新春趣味运动会", E, 200, 500),
                        ("{place}“村BA”篮球赛", C, 120, 260), ("{place}龙舟赛", C, 150, 400)],
    OrgLevel.VILLAGE: [("{place}老年人健步走", E, 40, 90), ("{place}重阳节趣味运动会", E, 50, 120),
                       ("{place}广场舞展演", S, 40, 100)],
}
LEVELS = {OrgLevel.COUNTY: ActivityLevel.COUNTY, OrgLevel.TOWNSHIP: ActivityLevel.TOWNSHIP,
          OrgLevel.VILLAGE: ActivityLevel.VILLAGE}
PER_YEAR = {OrgLevel.COUNTY: (3, 9), OrgLevel.TOWNSHIP: (2, 7), OrgLevel.VILLAGE: (1, 2)}
PLACES = {OrgLevel.COUNTY: ("全民健身中心", "体育馆", "人民广场"), OrgLevel.TOWNSHIP: ("文化广场", "中心学校操场", "综合文化站"),
          OrgLevel.VILLAGE: ("村部广场", "老年活动中心")}
CANCELLED = 0.03
TO_REPORT_DAYS = 21  # held this recently, the report may still be coming
RETURNED = 0.08  # of decided filings
RESULTS = {C: "{n} 人参赛，决出各组别名次，赛事安全有序。", T: "培训 {n} 人，考核合格后颁发结业证书。",
           S: "参演群众 {n} 人，反响热烈。", E: "参与群众 {n} 人，活动安全有序。"}


def plan_activities(world: World, orgs: list[dict], rng: Random) -> list[dict]:
    """Every activity as a row dict, ids assigned in the order they were registered."""
    regions = {r["id"]: r for r in world.regions}
    user_of = {u["region_id"]: u for u in world.users}
    rows = []
    for org in orgs:
        if org["status"] != OrgStatus.ACTIVE:
            continue
        region = regions[org["region_id"]]
        # Registered by the nearest user (the township's clerk; a village has none); the county answers filings.
        creator = _user_above(region, regions, user_of)
        decider = _user_above(region, regions, user_of, RegionLevel.COUNTY)
        for year in YEARS:
            for _ in range(rng.randint(*PER_YEAR[org["level"]])):
                rows.append(_activity(rng, org, region, year, creator, decider))
    rows.sort(key=lambda r: (r["created_at"], r["organization_id"]))
    for activity_id, row in enumerate(rows, start=1):
        row["id"] = activity_id
    return rows


def _activity(rng: Random, org: dict, region: dict, year: int, creator: dict, decider: dict) -> dict:
    title, kind, low, high = rng.choice(TITLES[org["level"]])
    starts_on = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    ends_on = starts_on + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
    level = LEVELS[org["level"]]
    expected = rng.randrange(low, high + 1) // 10 * 10
    needs_filing = kind == C and level == ActivityLevel.COUNTY or expected >= 500
    created_at = _at(rng, starts_on - timedelta(days=rng.randrange(20, 60)))
    row = {
        "organization_id": org["id"], "region_id": org["region_id"],
        "title": title.format(place=region["name"], sport=org["sport"] or "全民健身")[:100], "kind": kind,
        "level": level, "starts_on": starts_on, "ends_on": ends_on,
        "place": region["name"] + rng.choice(PLACES[org["level"]]), "organiser": org["name"], "co_organisers": "",
        "expected_participants": expected, "needs_filing": needs_filing, "status": ActivityStatus.PLANNED,
        "filed_at": None, "decided_at": None, "decided_by": "", "review_note": "", "actual_participants": None,
        "results": "", "reported_at": None, "created_by_id": creator["id"], "created_at": created_at,
    }
    now = datetime.combine(REFERENCE_DAY, time(0))
    if needs_filing and (filed_at := created_at + timedelta(days=rng.randrange(1, 10))) < now:
        row.update(filed_at=filed_at, status=ActivityStatus.FILED)
        if (decided_at := filed_at + timedelta(days=rng.randrange(1, 5), hours=rng.randrange(8))) < now:
            returned = rng.random() < RETURNED and starts_on > REFERENCE_DAY
            row.update(decided_at=decided_at, decided_by=decider["display_name"],
                       status=ActivityStatus.RETURNED if returned else ActivityStatus.APPROVED,
                       review_note="规程未写明安全保障措施，请补充后重新报备。" if returned else "同意举办。")
    # Held: over by REFERENCE_DAY, and approved first when it had to be filed.
    held = ends_on < REFERENCE_DAY and (not needs_filing or row["status"] == ActivityStatus.APPROVED)
    if held and rng.random() < CANCELLED:
        row["status"] = ActivityStatus.CANCELLED
    elif held and (since := (REFERENCE_DAY - ends_on).days) > max(1, TO_REPORT_DAYS * rng.random()):
        actual = max(5, round(expected * rng.uniform(0.75, 1.25)))
        row.update(status=ActivityStatus.REPORTED, actual_participants=actual,
                   results=RESULTS[kind].format(n=actual),
                   reported_at=_at(rng, ends_on + timedelta(days=rng.randrange(1, min(8, since)))))
    row["updated_at"] = max(t for t in (created_at, row["filed_at"], row["decided_at"], row["reported_at"]) if t)
    return row


def _user_above(region: dict, regions: dict, user_of: dict, level: RegionLevel | None = None) -> dict:
    """The user of ``region`` or of the nearest region above it (at ``level`` when given)."""
    while region["id"] not in user_of or (level is not None and region["level"] != level):
        region = regions[region["parent_id"]]
    return user_of[region["id"]]


def _at(rng: Random, day: date) -> datetime:
    """A working-hours moment of ``day`` (UTC: Beijing 09:00–17:00)."""
    return datetime.combine(day, time(1)) + timedelta(minutes=rng.randrange(480))
