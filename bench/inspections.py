"""Synthetic inspections against the 四有 standard, their item results, and the rectifications
(整改) their failed items opened.

The standard is not invented here: its current version and items are read from the migrated
database (the default-standards migration loads them) into a ``StandardSnapshot``.
``plan_inspections`` decides, from its own random stream, every inspection of the township
federations with each item's outcome, so that the three tables agree: the verdict is the app's
own ``compute_verdict`` over the results, and a rectification is opened for each failed item of
a finalized inspection, as ``finalize`` does. Ids grow with ``created_at``, as they do when the
app writes them.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from app.organizations.models import OrgKind, OrgLevel
from app.printing.codes import CODE_ALPHABET
from app.standards.models import InspectionKind, InspectionStatus, ItemResult, RectificationStatus, Verdict
from app.standards.rules import DEFAULT_RECTIFICATION_DAYS, compute_verdict
from bench.names import person_name
from bench.registry import REFERENCE_DAY
from bench.world import World

INSPECTIONS = 20_000
SPAN = (date(2022, 1, 1), REFERENCE_DAY - timedelta(days=1))
RECENT_DAYS = 120  # the last four months: most checks still open
FINALIZED_SHARE = {"recent": 0.30, "older": 0.73}  # ~70 % finalized overall
KIND_WEIGHTS = {InspectionKind.SELF_CHECK: 0.5, InspectionKind.ACCEPTANCE: 0.25, InspectionKind.SPOT_CHECK: 0.25}
RECHECK_CHANCE = 0.25  # a later check of an organisation with an unchecked failure is its 复查
UNANSWERED_IN_DRAFT = 0.35
PDF_SAMPLE = 100

NOTES_PASS = {
    "有场地": ["办公场所挂牌明显，文化广场可开展活动。", "有固定办公室一间，共享学校体育场。", "场地使用协议在有效期内，照片齐全。"],
    "有经费": ["工作经费列入乡镇财政预算，账目清楚。", "年度经费 3 万元已拨付，有拨款凭证。", "经费纳入预算，专款专用。"],
    "有人员": ["设专职干事 1 名、兼职 3 名，组织机构健全。", "负责人和联络员明确，通讯录已更新。", "有任职文件，机构名单齐全。"],
    "有活动": ["年初有计划，全年开展活动 6 次，有记录和照片。", "组织广场舞、篮球赛等活动 5 次，有新闻报道。",
            "活动方案、照片齐全，全年活动 8 次。"],
}
NOTES_FAIL = {
    "有场地": ["无固定办公场所，未挂牌。", "活动场地借用村部，无使用协议。", "牌子缺失，办公场所与文化站混用。"],
    "有经费": ["未列入财政预算，经费无保障。", "经费账目不清，无拨款凭证。", "全年仅有临时拨款，无稳定来源。"],
    "有人员": ["联络员空缺，组织机构名单未更新。", "负责人调离后未补选。", "无任职文件，人员分工不明确。"],
    "有活动": ["全年仅开展活动 2 次，缺少活动记录。", "无年度工作计划。", "活动照片和记录不全。"],
}
NOTE_PASS_OTHER, NOTE_FAIL_OTHER = "符合要求。", "未达到要求，需限期整改。"
RESPONSES = ["已按要求整改，附整改前后照片。", "已将工作经费纳入下年度财政预算，附预算批复。", "已补选联络员并更新机构名单。",
             "已制定年度活动计划，本季度开展活动 2 次。", "已挂牌并签订场地使用协议。"]


@dataclass(frozen=True)
class Item:
    id: int
    position: int
    code: str
    title: str
    criterion: str
    required: bool


@dataclass(frozen=True)
class StandardSnapshot:
    """The township federation standard (四有) as migrated: its current version and items."""
    name: str
    version_id: int
    items: tuple[Item, ...]


@dataclass
class InspectionPlan:
    inspections: list[dict]  # inspections rows, id order
    # Per inspection, per item (in position order): the result, and the note when it failed.
    outcomes: list[list[tuple[ItemResult | None, str]]]
    failed: int  # failed items of finalized inspections: one rectification each
    landmarks: dict = field(default_factory=dict)


def plan_inspections(world: World, orgs: list[dict], standard: StandardSnapshot, rng: Random) -> InspectionPlan:
    federations = [o for o in orgs if o["kind"] == OrgKind.FEDERATION and o["level"] == OrgLevel.TOWNSHIP]
    user_of = {u["region_id"]: u for u in world.users}  # the clerk of each township, the supervisor of each county
    parent_of = {r["id"]: r["parent_id"] for r in world.regions}
    per_org = Counter(o["id"] for o in rng.choices(federations, k=INSPECTIONS))
    codes: set[str] = set()
    planned: list[tuple[dict, list]] = []
    for org in federations:
        clerk = user_of[org["region_id"]]
        supervisor = user_of[parent_of[org["region_id"]]]
        quality = rng.uniform(0.78, 0.98)
        days = sorted(rng.randrange((SPAN[1] - SPAN[0]).days + 1) for _ in range(per_org[org["id"]]))
        awaiting_recheck: list[dict] = []  # finalized failures, oldest first
        for day in days:
            inspected_on = SPAN[0] + timedelta(days=day)
            original = None
            ready = [i for i in awaiting_recheck if i["signed_on"] < inspected_on]
            if ready and rng.random() < RECHECK_CHANCE:
                original = ready[0]
                awaiting_recheck.remove(original)
                kind = InspectionKind.RECHECK
            else:
                kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
            recent = (REFERENCE_DAY - inspected_on).days <= RECENT_DAYS
            finalized = rng.random() < FINALIZED_SHARE["recent" if recent else "older"]
            if finalized:
                status = InspectionStatus.FINALIZED
            elif kind == InspectionKind.SELF_CHECK:
                status = rng.choice((InspectionStatus.DRAFT, InspectionStatus.SUBMITTED))
            else:
                status = InspectionStatus.DRAFT if rng.random() < 0.6 else InspectionStatus.SUBMITTED
            chance = quality + (1 - quality) * 0.6 if original else quality
            outcomes = [
                None if status == InspectionStatus.DRAFT and rng.random() < UNANSWERED_IN_DRAFT
                else ItemResult.PASS if rng.random() < chance else ItemResult.FAIL
                for _ in standard.items
            ]
            # A failed item's note is also its rectification's finding: decided here, once.
            fail_notes = [rng.choice(NOTES_FAIL.get(item.title, [NOTE_FAIL_OTHER])) if result == ItemResult.FAIL else ""
                          for item, result in zip(standard.items, outcomes, strict=True)]
            created_at = datetime.combine(inspected_on - timedelta(days=rng.randrange(3)), time(1)) \
                + timedelta(minutes=rng.randrange(540))
            if original:  # a 复查 is started from the signed original
                created_at = max(created_at, original["finalized_at"] + timedelta(minutes=rng.randrange(30, 600)))
            by_county = kind != InspectionKind.SELF_CHECK
            row = {
                "organization_id": org["id"], "region_id": org["region_id"], "version_id": standard.version_id,
                "kind": kind, "status": status, "recheck_of": original, "inspected_on": inspected_on,
                "inspectors": "、".join(person_name(rng) for _ in range(2)) if by_county else clerk["display_name"],
                "summary": "", "verdict": None, "signed_by": "", "signed_on": None, "finalized_at": None,
                "verification_code": _code(rng, codes),
                "created_by_id": (supervisor if by_county else clerk)["id"], "created_at": created_at,
            }
            if finalized:
                verdict = compute_verdict((item.required, result) for item, result in zip(standard.items, outcomes, strict=True))
                signed_on = min(inspected_on + timedelta(days=rng.randrange(8)), SPAN[1])
                finalized_at = max(datetime.combine(signed_on, time(1)) + timedelta(minutes=rng.randrange(540)),
                                   created_at + timedelta(hours=1))
                passed = sum(result == ItemResult.PASS for result in outcomes)
                row.update(
                    verdict=verdict, signed_by=supervisor["display_name"], signed_on=signed_on, finalized_at=finalized_at,
                    summary=f"共检查{len(outcomes)}项，达标{passed}项。"
                            + (f"符合“{standard.name}”要求。" if passed == len(outcomes) else "不达标项目限期整改。"),
                )
                if ItemResult.FAIL in outcomes:
                    awaiting_recheck.append(row)
            planned.append((row, list(zip(outcomes, fail_notes, strict=True))))

    planned.sort(key=lambda p: (p[0]["created_at"], p[0]["organization_id"]))
    for inspection_id, (row, _) in enumerate(planned, start=1):
        row["id"] = inspection_id
    for row, _ in planned:
        original = row.pop("recheck_of")
        row["recheck_of_id"] = original["id"] if original else None
    inspections = [row for row, _ in planned]
    outcomes = [o for _, o in planned]
    failed = sum(result == ItemResult.FAIL for row, o in planned if row["status"] == InspectionStatus.FINALIZED
                 for result, _ in o)
    return InspectionPlan(inspections, outcomes, failed, _landmarks(world, orgs, inspections))


def _code(rng: Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choices(CODE_ALPHABET, k=8))
        if code not in taken:
            taken.add(code)
            return code


def _landmarks(world: World, orgs: list[dict], inspections: list[dict]) -> dict:
    """The inspection page shows a finalized check in the clerk's township (a failed one, so that
    its rectifications are on the page too); the PDF sample is the county's newest finalized ones."""
    township, county = world.landmarks["township_id"], world.landmarks["county_id"]
    finalized = [i for i in inspections if i["status"] == InspectionStatus.FINALIZED]
    own = [i for i in finalized if i["region_id"] == township]
    if not own:
        raise RuntimeError("the plan left the clerk's township without a finalized inspection")
    failed = [i for i in own if i["verdict"] == Verdict.FAIL]
    in_county = {r["id"] for r in world.regions if r["parent_id"] == county}
    sample = [i["id"] for i in finalized if i["region_id"] in in_county][-PDF_SAMPLE:]
    return {"inspection_id": (failed or own)[-1]["id"], "pdf_inspection_ids": sample}


def result_rows(plan: InspectionPlan, standard: StandardSnapshot, rng: Random):
    """One result per item of every inspection, with the inspector's note."""
    result_id = 0
    for inspection, outcomes in zip(plan.inspections, plan.outcomes, strict=True):
        for item, (result, fail_note) in zip(standard.items, outcomes, strict=True):
            result_id += 1
            yield {
                "id": result_id, "inspection_id": inspection["id"], "item_id": item.id, "position": item.position,
                "result": result, "note": fail_note or _pass_note(rng, item, result), "region_id": inspection["region_id"],
            }


def _pass_note(rng: Random, item: Item, result: ItemResult | None) -> str:
    if result != ItemResult.PASS or rng.random() < 0.4:
        return ""
    return rng.choice(NOTES_PASS.get(item.title, [NOTE_PASS_OTHER]))


def rectification_rows(plan: InspectionPlan, standard: StandardSnapshot, orgs: list[dict], world: World,
                       rng: Random):
    """A rectification per failed item of every finalized inspection, due 30 days after signing, as
    ``finalize`` opens them; the older, the likelier closed (销号), and some left open past their deadline."""
    by_id = {o["id"]: o for o in orgs}
    user_of = {u["region_id"]: u for u in world.users}
    parent_of = {r["id"]: r["parent_id"] for r in world.regions}
    # Rectifications are written at finalization: their ids follow finalized_at, not created_at.
    order = sorted(
        (i for i in range(len(plan.inspections)) if plan.inspections[i]["status"] == InspectionStatus.FINALIZED),
        key=lambda i: (plan.inspections[i]["finalized_at"], plan.inspections[i]["id"]),
    )
    rect_id = 0
    for index in order:
        inspection, outcomes = plan.inspections[index], plan.outcomes[index]
        org = by_id[inspection["organization_id"]]
        supervisor = user_of[parent_of[org["region_id"]]]
        for item, (result, note) in zip(standard.items, outcomes, strict=True):
            if result != ItemResult.FAIL:
                continue
            rect_id += 1
            due_on = inspection["signed_on"] + timedelta(days=DEFAULT_RECTIFICATION_DAYS)
            row = {
                "id": rect_id, "inspection_id": inspection["id"], "item_id": item.id, "organization_id": org["id"],
                "region_id": org["region_id"],
                # finalize() copies the failed result's note, or says what the criterion asks.
                "finding": note or f"未达到“{item.title}”：{item.criterion}",
                "owner": org["contact_person"] or org["name"], "due_on": due_on, "status": RectificationStatus.OPEN,
                "response": "", "review_note": "", "times_returned": 0, "submitted_at": None, "closed_at": None,
                "closed_by": "", "created_at": inspection["finalized_at"],
            }
            _progress(rng, row, supervisor)
            yield row


def _progress(rng: Random, row: dict, supervisor: dict) -> None:
    """How far the township has got with it by REFERENCE_DAY."""
    due_on, created = row["due_on"], row["created_at"]
    if due_on < REFERENCE_DAY - timedelta(days=90):
        weights = (0.08, 0.04, 0.88)  # open, submitted, closed
    elif due_on < REFERENCE_DAY:
        weights = (0.30, 0.25, 0.45)
    else:
        weights = (0.60, 0.30, 0.10)
    status = rng.choices(list(RectificationStatus), weights)[0]
    row["status"] = status
    if status == RectificationStatus.OPEN:
        if rng.random() < 0.1:  # sent back once already
            row.update(times_returned=1, review_note="整改佐证不充分，请补充材料。", response=rng.choice(RESPONSES))
        return
    latest = datetime.combine(REFERENCE_DAY, time(0)) - timedelta(hours=1)
    submitted = min(created + timedelta(days=rng.randrange(3, 40), minutes=rng.randrange(600)), latest)
    row.update(status=status, response=rng.choice(RESPONSES), submitted_at=submitted,
               times_returned=1 if rng.random() < 0.12 else 0)
    if status == RectificationStatus.CLOSED:
        closed = min(submitted + timedelta(days=rng.randrange(1, 20), minutes=rng.randrange(600)), latest)
        row.update(closed_at=max(closed, submitted), closed_by=supervisor["display_name"],
                   review_note="经核实，整改到位，同意销号。")
