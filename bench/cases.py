"""Synthetic cases (诉求件) for the province: 200,000 over two years, mostly 12345 calls, each with
its deadlines and its timeline, dispatched to the township where the matter is.

The channels and their rules are not invented here: the classes and rule ids are read from the
migrated database (the case-desk migration loads them) into a ``ChannelSnapshot``. The benchmark
county gets a heavy share (its ledger, its supervisor's 我的待办 and a case page are measured);
the rest is spread over every county. Ids grow with the received time, as the app writes them.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

from app.cases.models import ActionKind, CaseCategory, CaseStatus, CaseType, DeadlineKind, Priority, UnitKind
from app.printing.codes import CODE_ALPHABET
from app.regions.models import RegionLevel
from bench.names import person_name
from bench.registry import REFERENCE_DAY
from bench.world import World

CASES = 200_000
BENCH_COUNTY_CASES = 6_000  # the measured county's two years, as a busy county has them
SPAN_DAYS = 730
OPEN_DAYS = 20  # cases received in the last twenty days are still being handled
CONTENTS = ("{place}健身器材损坏，请求维修。", "咨询{place}体育馆开放时间。", "{place}广场舞噪音扰民。",
            "{place}体育培训机构停课不退费。", "建议在{place}增设篮球场。")
CATEGORIES = (CaseCategory.EQUIPMENT_DAMAGE, CaseCategory.VENUE_OPENING, CaseCategory.NOISE,
              CaseCategory.TRAINING_REFUND, CaseCategory.OTHER)


@dataclass(frozen=True)
class ChannelSnapshot:
    """The migrated channels the bench uses: (channel id, class id, {kind: rule id})."""

    hotline: tuple[int, int, dict]
    letter: tuple[int, int, dict]


@dataclass
class CasePlan:
    units: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    landmarks: dict = field(default_factory=dict)


def _short(county_name: str) -> str:
    for suffix in ("县", "市", "区"):
        if county_name.endswith(suffix):
            return county_name[: -len(suffix)]
    return county_name


def plan_cases(world: World, channels: ChannelSnapshot, rng: Random) -> CasePlan:
    plan = CasePlan()
    regions = {r["id"]: r for r in world.regions}
    townships = [r for r in world.regions if r["level"] == RegionLevel.TOWNSHIP]
    for township in townships:
        plan.units.append({"id": len(plan.units) + 1, "name": township["name"], "kind": UnitKind.TOWNSHIP,
                           "active": True, "region_id": township["id"]})
    unit_of = {u["region_id"]: u["id"] for u in plan.units}
    by_county: dict[int, list[dict]] = {}
    for township in townships:
        by_county.setdefault(township["parent_id"], []).append(township)
    bench_county = world.landmarks["county_id"]
    supervisors = {u["region_id"]: u["id"] for u in world.users if u["role"].value == "supervisor"}
    others = [c for c in by_county if c != bench_county]
    counties = [bench_county] * BENCH_COUNTY_CASES + [others[i % len(others)] for i in range(CASES - BENCH_COUNTY_CASES)]
    rng.shuffle(counties)
    start = datetime.combine(REFERENCE_DAY, datetime.min.time()) - timedelta(days=SPAN_DAYS)
    offsets = sorted(rng.random() * SPAN_DAYS * 86400 for _ in range(CASES))
    serials: dict[tuple[int, int], int] = {}
    codes: set[str] = set()
    for index, (county_id, offset) in enumerate(zip(counties, offsets, strict=True), start=1):
        received = start + timedelta(seconds=offset)
        township = rng.choice(by_county[county_id])
        key = (county_id, received.year)
        serials[key] = serials.get(key, 0) + 1
        channel_id, class_id, _ = channels.letter if rng.random() < 0.08 else channels.hotline
        age = (datetime.combine(REFERENCE_DAY, datetime.min.time()) - received).days
        status = _status(rng, age)
        matter = rng.randrange(len(CONTENTS))
        code = ""
        while not code or code in codes:
            code = "".join(rng.choices(CODE_ALPHABET, k=8))
        codes.add(code)
        dispatched = status not in (CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.REJECTED)
        plan.cases.append({
            "id": index, "county_id": county_id, "year": received.year, "serial": serials[key],
            "number": f"{_short(regions[county_id]['name'])}体诉〔{received.year}〕{serials[key]:04d}号",
            "verification_code": code, "channel_id": channel_id, "class_id": class_id,
            "external_id": f"GD{index:09d}" if channel_id == channels.hotline[0] else None,
            "received_at": received, "type": CaseType.COMPLAINT if matter != 1 else CaseType.CONSULTATION,
            "category": CATEGORIES[matter], "requester_name": person_name(rng),
            "requester_phone": f"13{rng.randrange(10**9):09d}", "content": CONTENTS[matter].format(place=township["name"]),
            "place": township["name"], "place_region_id": township["id"], "organization_id": None,
            "unit_id": unit_of[township["id"]] if dispatched else None, "priority": Priority.NORMAL, "status": status,
            "round": 1, "extended": False, "pending": "", "reply_result": "已解决" if status == CaseStatus.CLOSED else "",
            "satisfaction": "满意" if status == CaseStatus.CLOSED else "",
            "registered_by_id": supervisors.get(county_id), "closed_at": received + timedelta(days=4)
            if status == CaseStatus.CLOSED else None, "created_at": received, "row_version": 1,
            "region_id": township["id"] if dispatched else county_id,
        })
    bench_cases = [c for c in plan.cases if c["county_id"] == bench_county and c["status"] == CaseStatus.HANDLING]
    plan.landmarks = {"case_id": bench_cases[-1]["id"], "case_month": f"{REFERENCE_DAY:%Y-%m}"}
    return plan


def _status(rng: Random, age_days: int) -> CaseStatus:
    if age_days > OPEN_DAYS:
        return CaseStatus.REJECTED if rng.random() < 0.02 else CaseStatus.CLOSED
    return rng.choice((CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.HANDLING,
                       CaseStatus.HANDLING, CaseStatus.REPLIED, CaseStatus.CALLBACK))


def deadline_rows(plan: CasePlan, channels: ChannelSnapshot, rng: Random):
    """The answer deadline of every case and the sign-for of the dispatched ones."""
    rules = {channels.hotline[1]: channels.hotline[2], channels.letter[1]: channels.letter[2]}
    row_id = 0
    for case in plan.cases:
        kinds = [DeadlineKind.ANSWER] + ([DeadlineKind.SIGN_FOR] if case["unit_id"] else [])
        for kind in kinds:
            row_id += 1
            start = case["received_at"]
            due = start + timedelta(days=7 if kind == DeadlineKind.ANSWER else 1)
            met = start + timedelta(days=3) if case["status"] in (CaseStatus.CLOSED, CaseStatus.CALLBACK,
                                                                  CaseStatus.REPLIED) else None
            yield {"id": row_id, "case_id": case["id"], "kind": kind, "rule_id": rules[case["class_id"]][kind],
                   "round": 1, "starts_at": start, "due_at": due.replace(hour=23, minute=59, second=59),
                   "provisional": False, "moved_from": None, "met_at": met,
                   "cancelled": case["status"] == CaseStatus.REJECTED, "region_id": case["region_id"]}


ORDER = (ActionKind.REGISTER, ActionKind.ACCEPT, ActionKind.DISPATCH, ActionKind.SIGN_FOR, ActionKind.REPLY,
         ActionKind.APPROVE_REPLY, ActionKind.CALLBACK, ActionKind.CLOSE)
REACHED = {CaseStatus.REGISTERED: 1, CaseStatus.ACCEPTED: 2, CaseStatus.DISPATCHED: 3, CaseStatus.HANDLING: 4,
           CaseStatus.REPLIED: 5, CaseStatus.CALLBACK: 6, CaseStatus.CLOSED: 8}


def steps_of(case: dict) -> tuple[ActionKind, ...]:
    """The timeline of a case in its state: 登记, 受理, 派单, 签收, 回复, 审核, 回访, 办结 as far as it got."""
    if case["status"] == CaseStatus.REJECTED:
        return ActionKind.REGISTER, ActionKind.REJECT
    return ORDER[:REACHED[case["status"]]]


def action_rows(plan: CasePlan, rng: Random):
    row_id = 0
    for case in plan.cases:
        for n, kind in enumerate(steps_of(case)):
            row_id += 1
            yield {"id": row_id, "case_id": case["id"], "kind": kind, "round": 1, "actor_id": case["registered_by_id"],
                   "actor_name": "督导员", "at": case["received_at"] + timedelta(hours=6 * n),
                   "text": "已办理。" if kind == ActionKind.REPLY else "", "details": {},
                   "region_id": case["region_id"]}
