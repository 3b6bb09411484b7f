"""The benchmark's planned registry, inspections and activities: valid codes, consistent tables, stable plans."""
from collections import Counter
from random import Random

import pytest
from stdnum.cn import uscc

from app.activities.models import ActivityStatus
from app.organizations.credit_codes import organisation_code
from app.organizations.models import OrgKind, OrgLevel, OrgStatus
from app.regions.models import RegionLevel
from app.standards.models import InspectionStatus, ItemResult, RectificationStatus, Verdict
from app.standards.rules import compute_verdict
from bench.activities import plan_activities
from bench.inspections import Item, StandardSnapshot, plan_inspections, rectification_rows, result_rows
from bench.registry import REFERENCE_DAY, founding_event_rows, plan_organizations
from bench.seed import FINGERPRINT_SOURCES, TABLES
from bench.world import build_world

# The 四有 as the default-standards migration loads it (ids as a fresh database numbers them).
STANDARD = StandardSnapshot("四有", 1, tuple(
    Item(position, position, str(position), title, f"{title}的检查标准", True)
    for position, title in enumerate(("有场地", "有经费", "有人员", "有活动"), start=1)
))


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture(scope="module")
def orgs(world):
    return plan_organizations(world, Random("bench:organizations"))


@pytest.fixture(scope="module")
def plan(world, orgs):
    return plan_inspections(world, orgs, STANDARD, Random("bench:inspections"))


def test_organisation_code_check_character():
    # GB 11714's worked example: D2143569 → X.
    assert organisation_code("D2143569") == "D2143569X"


def test_organisations_have_valid_unique_credit_codes_and_sit_at_their_level(world, orgs):
    regions = {r["id"]: r for r in world.regions}
    assert len({o["credit_code"] for o in orgs}) == len(orgs)
    assert len({o["id"] for o in orgs}) == len(orgs)
    for org in orgs:
        assert uscc.is_valid(org["credit_code"]), org["credit_code"]
        assert regions[org["region_id"]]["level"].value == org["level"].value
    townships = [r for r in world.regions if r["level"] == RegionLevel.TOWNSHIP]
    federations = Counter(o["region_id"] for o in orgs if o["kind"] == OrgKind.FEDERATION
                          and o["level"] == OrgLevel.TOWNSHIP)
    assert set(federations) == {t["id"] for t in townships} and set(federations.values()) == {1}
    overdue = sum(1 for o in orgs if o["term_end"] is not None and o["term_end"] < REFERENCE_DAY)
    assert 0.05 < overdue / len(orgs) < 0.3  # some 换届 are overdue
    events = list(founding_event_rows(orgs, Random("bench:lifecycle_events")))
    assert [e["organization_id"] for e in events] == [o["id"] for o in orgs]
    assert all(e["region_id"] == o["region_id"] for e, o in zip(events, orgs, strict=True))


def test_inspections_results_and_rectifications_agree(orgs, plan):
    by_id = {o["id"]: o for o in orgs}
    inspections = plan.inspections
    assert [i["id"] for i in inspections] == list(range(1, len(inspections) + 1))
    assert len({i["verification_code"] for i in inspections}) == len(inspections)
    finalized = [i for i in inspections if i["status"] == InspectionStatus.FINALIZED]
    assert 0.6 < len(finalized) / len(inspections) < 0.8
    by_inspection = {i["id"]: i for i in inspections}
    for inspection, outcomes in zip(inspections, plan.outcomes, strict=True):
        assert inspection["region_id"] == by_id[inspection["organization_id"]]["region_id"]
        results = [result for result, _ in outcomes]
        if inspection["status"] == InspectionStatus.FINALIZED:
            assert inspection["verdict"] == compute_verdict((True, r) for r in results)
            assert inspection["signed_by"] and inspection["finalized_at"] > inspection["created_at"]
        else:
            assert inspection["verdict"] is None and inspection["finalized_at"] is None
        if inspection["recheck_of_id"]:
            original = by_inspection[inspection["recheck_of_id"]]
            assert original["id"] < inspection["id"] and original["verdict"] == Verdict.FAIL
            assert original["organization_id"] == inspection["organization_id"]

    results = list(result_rows(plan, STANDARD, Random("bench:inspection_results")))
    assert len(results) == len(inspections) * len(STANDARD.items)
    rectifications = list(rectification_rows(plan, STANDARD, orgs, build_world(), Random("bench:rectifications")))
    failed = Counter((r["inspection_id"], r["item_id"]) for r in results
                     if r["result"] == ItemResult.FAIL
                     and by_inspection[r["inspection_id"]]["status"] == InspectionStatus.FINALIZED)
    assert Counter((r["inspection_id"], r["item_id"]) for r in rectifications) == failed
    assert len(rectifications) == plan.failed
    assert {r["status"] for r in rectifications} == set(RectificationStatus)
    for rect in rectifications:
        assert rect["region_id"] == by_inspection[rect["inspection_id"]]["region_id"]


def test_landmark_inspection_is_finalized_in_the_clerks_township(world, plan):
    inspection = next(i for i in plan.inspections if i["id"] == plan.landmarks["inspection_id"])
    assert inspection["status"] == InspectionStatus.FINALIZED
    assert inspection["region_id"] == world.landmarks["township_id"]
    assert len(plan.landmarks["pdf_inspection_ids"]) == 100


def test_plans_are_the_same_on_every_run(world, orgs, plan):
    again = plan_inspections(world, plan_organizations(world, Random("bench:organizations")), STANDARD,
                             Random("bench:inspections"))
    assert again.inspections == plan.inspections and again.outcomes == plan.outcomes


@pytest.fixture(scope="module")
def activities(world, orgs):
    return plan_activities(world, orgs, Random("bench:activities"))


def test_activities_are_the_active_organisations_two_years_in_their_workflow_states(world, orgs, activities):
    assert 20_000 <= len(activities) <= 30_000
    assert [a["id"] for a in activities] == list(range(1, len(activities) + 1))
    assert [a["created_at"] for a in activities] == sorted(a["created_at"] for a in activities)
    by_id = {o["id"]: o for o in orgs}
    users = {u["id"] for u in world.users}
    assert {a["starts_on"].year for a in activities} == {2025, 2026}
    assert {by_id[a["organization_id"]]["status"] for a in activities} == {OrgStatus.ACTIVE}
    statuses = Counter(a["status"] for a in activities)
    assert set(statuses) == set(ActivityStatus) and statuses[ActivityStatus.REPORTED] > 0.8 * len(activities)
    for a in activities:
        assert a["region_id"] == by_id[a["organization_id"]]["region_id"] and a["created_by_id"] in users
        assert a["starts_on"] <= a["ends_on"] and a["created_at"] <= a["updated_at"]
        reported = a["status"] == ActivityStatus.REPORTED
        assert (a["actual_participants"] is not None) == reported == (a["reported_at"] is not None)
        if reported:
            assert a["ends_on"] < REFERENCE_DAY and a["reported_at"].date() > a["ends_on"]
            assert not a["needs_filing"] or a["decided_at"] is not None
        if a["status"] in (ActivityStatus.FILED, ActivityStatus.APPROVED, ActivityStatus.RETURNED):
            assert a["needs_filing"] and a["filed_at"] is not None
        if a["decided_at"] is not None:
            assert a["filed_at"] < a["decided_at"] and a["decided_by"]
        if a["starts_on"] > REFERENCE_DAY:
            assert a["status"] not in (ActivityStatus.REPORTED, ActivityStatus.CANCELLED)
    assert plan_activities(world, orgs, Random("bench:activities")) == activities


def test_the_seed_writes_and_fingerprints_the_activities():
    assert "activities" in [seed.table for seed in TABLES]
    assert "activities.py" in [path.name for path in FINGERPRINT_SOURCES]
