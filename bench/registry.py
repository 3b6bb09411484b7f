"""The synthetic organisation registry (体育社会组织), planned from the world before it is written.

A township federation (乡镇体育总会) in every township, a county federation in every county, a
few county associations and clubs (单项体育协会, 老年人体育协会, 俱乐部) per county, and a village
老年人体育协会 in each village of the benchmark county. Each organisation gets a well-formed
统一社会信用代码 (GB 32100 with the GB 11714 organisation code inside it), a contact, a term
(5 years; some overdue for 换届 on REFERENCE_DAY) and one founding event (成立).

Dates are fixed, never taken from the clock: the plan is the same on every run.
"""
from datetime import date, datetime, timedelta
from random import Random

from app.organizations.credit_codes import make_credit_code
from app.organizations.models import EventKind, OrgKind, OrgLevel, OrgStatus, PartyBranch
from app.organizations.services import term_end_for
from app.regions.models import RegionLevel
from bench.names import person_name, phone, place_name
from bench.world import World

# "Today" for the synthetic data: terms and deadlines are laid out around it.
REFERENCE_DAY = date(2026, 11, 1)
ROSTER_IMPORTED = datetime(2025, 2, 10, 2, 0)  # when the registry was loaded into the app (UTC)
TERM_YEARS = 5
FOUNDED = (date(2006, 1, 1), date(2024, 6, 30))
MISSED_REELECTION = 0.15  # share of organisations whose last 换届 is overdue
UNKNOWN_TERM = 0.03  # term never recorded
ASSOCIATIONS_PER_COUNTY = (2, 5)  # besides the county federation
DISSOLVED = 0.04  # of associations and clubs; federations stay active

SPORTS = ["篮球", "乒乓球", "羽毛球", "足球", "太极拳", "门球", "象棋", "围棋", "健身气功", "广场舞", "龙舟",
          "武术", "游泳", "田径", "登山", "自行车", "钓鱼", "舞龙舞狮", "气排球", "网球"]
VENUES = ["乡镇文化广场", "综合文化站二楼", "全民健身中心", "学校体育场（共享）", "村部篮球场", "体育馆"]
FUNDING = ["乡镇财政拨款", "县财政补助", "会费及社会捐助", "体育彩票公益金补助", "财政拨款及会费"]
SUPERVISING_UNIT = "文化旅游广电体育局"

def plan_organizations(world: World, rng: Random) -> list[dict]:
    """Every organisation as a row dict, ids assigned, in region order."""
    by_id = {r["id"]: r for r in world.regions}
    orgs: list[dict] = []

    def add(region: dict, county: dict, name: str, kind: OrgKind, level: OrgLevel, sport: str = "") -> dict:
        org_id = len(orgs) + 1
        founded = FOUNDED[0] + timedelta(days=rng.randrange((FOUNDED[1] - FOUNDED[0]).days))
        term_start, term_end = _term(rng, founded)
        city = by_id[county["parent_id"]]
        place = region["name"] if region is not county else ""
        dissolved = kind != OrgKind.FEDERATION and rng.random() < DISSOLVED
        org = {
            "id": org_id, "name": name, "kind": kind, "level": level, "region_id": region["id"], "sport": sport,
            "credit_code": make_credit_code(county["code"], org_id), "registered_on": founded,
            "registration_authority": f"{county['name']}民政局",
            "supervising_unit": f"{county['name']}{SUPERVISING_UNIT}",
            "legal_representative": person_name(rng), "contact_person": person_name(rng),
            "contact_phone": phone(rng),
            "address": f"湖南省{city['name']}{county['name']}{place}{rng.choice(('文化活动中心', '综合文化站', '人民政府院内'))}",
            "party_branch": rng.choice(list(PartyBranch)), "member_count": rng.randrange(20, 600),
            "venue": rng.choice(VENUES), "funding_source": rng.choice(FUNDING),
            "staff_count": rng.randrange(1, 9), "establishment_count": rng.randrange(0, 4),
            "term_years": TERM_YEARS, "term_start": term_start, "term_end": term_end,
            "status": OrgStatus.DISSOLVED if dissolved else OrgStatus.ACTIVE,
            "created_at": ROSTER_IMPORTED + timedelta(seconds=org_id),
            "updated_at": ROSTER_IMPORTED + timedelta(seconds=org_id),
        }
        orgs.append(org)
        return org

    county_of = {}
    for region in world.regions:
        level = region["level"]
        if level == RegionLevel.COUNTY:
            county_of[region["id"]] = region
            add(region, region, f"{region['name']}体育总会", OrgKind.FEDERATION, OrgLevel.COUNTY)
            add(region, region, f"{region['name']}老年人体育协会", OrgKind.ELDERLY_ASSOCIATION, OrgLevel.COUNTY)
            taken: set[str] = set()
            for sport in rng.sample(SPORTS, rng.randint(*ASSOCIATIONS_PER_COUNTY) - 1):
                if rng.random() < 0.7:
                    add(region, region, f"{region['name']}{sport}协会", OrgKind.ASSOCIATION, OrgLevel.COUNTY, sport)
                else:
                    club = f"{region['name']}{place_name(rng, taken)}{sport}俱乐部"
                    add(region, region, club, OrgKind.CLUB, OrgLevel.COUNTY, sport)
        elif level == RegionLevel.TOWNSHIP:
            county = county_of[region["parent_id"]]
            county_of[region["id"]] = county
            add(region, county, f"{region['name']}体育总会", OrgKind.FEDERATION, OrgLevel.TOWNSHIP)
        elif level == RegionLevel.VILLAGE:
            county = county_of[region["parent_id"]]
            add(region, county, f"{region['name']}老年人体育协会", OrgKind.ELDERLY_ASSOCIATION, OrgLevel.VILLAGE)
    return orgs


def _term(rng: Random, founded: date) -> tuple[date | None, date | None]:
    """The current term: re-elected every TERM_YEARS since founding, the last 换届 sometimes missed."""
    if rng.random() < UNKNOWN_TERM:
        return None, None
    terms = 0
    while term_end_for(founded, TERM_YEARS * (terms + 1)) <= REFERENCE_DAY:
        terms += 1
    if terms and rng.random() < MISSED_REELECTION:
        terms -= 1  # the term ran out and no 换届 was held: overdue
    start = term_end_for(founded, TERM_YEARS * terms)
    return start, term_end_for(start, TERM_YEARS)


def founding_event_rows(orgs: list[dict], rng: Random):
    """One 成立 per organisation, on its registration day."""
    for index, org in enumerate(orgs, start=1):
        founded = org["registered_on"]
        yield {
            "id": index, "organization_id": org["id"], "region_id": org["region_id"], "kind": EventKind.FOUNDING,
            "event_date": founded, "review_year": None, "review_result": None,
            "approval_number": f"{org['registration_authority'][:1]}民社〔{founded.year}〕{rng.randrange(1, 200)}号",
            "approved_on": None, "description": "经业务主管单位审查同意，准予成立登记。",
            "created_at": org["created_at"],
        }
