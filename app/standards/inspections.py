"""Inspections (检查): start one, save what the page posts, submit, return, sign (定稿), re-check,
and the county's spot-check sample. Each action is one function that changes state and flushes;
the view commits once. A broken rule raises RuleError, before anything is written where it can.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.activities.evidence import choose_activities
from app.attachments.services import PreparedFile, attach, attachments_for, delete_attachment
from app.auth.models import User
from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgLevel, OrgStatus
from app.pagination import apply_search
from app.printing.codes import new_verification_code
from app.regions.models import Region
from app.rules import RuleError
from app.standards import rectifications
from app.standards.models import (
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    Rectification,
    Standard,
    StandardVersion,
    Verdict,
)
from app.standards.rules import (
    allowed_kinds,
    edit_problem,
    inspection_verdict,
    result_problem,
    spot_check_sample,
    unanswered_problem,
)
from app.timeutil import utcnow
from app.versioning import require_version


@dataclass
class ResultsEntry:
    """What the inspection page posts: the header, each result with its note, evidence added
    (files by result id) and evidence removed (attachment ids)."""

    inspected_on: date
    inspectors: str = ""
    summary: str = ""
    values: dict[int, tuple[ItemResult | None, str]] = field(default_factory=dict)
    # Per result, the files posted, already checked and stored (prepare_uploads), and a sentence
    # per file refused.
    uploads: dict[int, tuple[list[PreparedFile], list[str]]] = field(default_factory=dict)
    captions: dict[int, str] = field(default_factory=dict)  # what the new files of a result show
    remove_attachment_ids: list[int] = field(default_factory=list)
    # Per result whose activities the page offered, the ids ticked (app.activities.evidence).
    activities: dict[int, list[int]] = field(default_factory=dict)
    opened_version: int | None = None  # the inspection's row version when the page was opened


# The field a missing result is reported under: the page marks the rows still to answer.
UNANSWERED = "results"


class RefusedEvidence(RuleError):
    """Files refused at their items; ``by_result`` holds the sentences by result id."""

    def __init__(self, by_result: dict[int, list[str]]):
        super().__init__("有文件未能上传，请按提示重新选择。")
        self.by_result = by_result


def inspection_query(filters):
    """The inspections the list's filters (InspectionFilters) ask for, newest first."""
    stmt = (
        select(Inspection)
        .join(Inspection.organization)
        .join(Region, Inspection.region_id == Region.id)
        .options(contains_eager(Inspection.organization), contains_eager(Inspection.region))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    )
    stmt = apply_search(stmt, filters.q.data, Organization.name, Region.name, Inspection.verification_code)
    if kind := filters.chosen("kind", InspectionKind):
        stmt = stmt.where(Inspection.kind == kind)
    if status := filters.chosen("status", InspectionStatus):
        stmt = stmt.where(Inspection.status == status)
    if verdict := filters.chosen("verdict", Verdict):
        stmt = stmt.where(Inspection.verdict == verdict)
    return filters.ordered(stmt)



def standard_for(organization: Organization) -> Standard | None:
    """The standard an organisation is checked against (四有 for a township federation …)."""
    return db.session.execute(
        select(Standard).where(Standard.org_kind == organization.kind, Standard.org_level == organization.level)
    ).scalars().first()


def start_inspection(
    organization: Organization,
    kind: InspectionKind,
    *,
    user: User,
    inspected_on: date,
    inspectors: str = "",
    version: StandardVersion | None = None,
    recheck_of: Inspection | None = None,
) -> Inspection:
    """A draft inspection with one empty result per item of the standard's current version."""
    if kind != InspectionKind.RECHECK and kind not in allowed_kinds(user):
        raise RuleError(f"您的角色不能发起{kind.label}。", "kind")
    if organization.status != OrgStatus.ACTIVE:
        raise RuleError("该组织已注销，不能再检查。", "kind")
    if kind == InspectionKind.SELF_CHECK and (open_check := open_self_check(organization, inspected_on.year)):
        raise RuleError(f"该组织 {inspected_on.year} 年已有一份未定稿的自查（{open_check.inspected_on}），"
                        "请在原自查上继续填写。", "kind")
    if version is None:
        standard = standard_for(organization)
        if standard is None or standard.current_version is None:
            raise RuleError(f"没有适用于{organization.level.label}{organization.kind.label}的标准。", "kind")
        version = standard.current_version
    inspection = Inspection(
        organization=organization,
        region_id=organization.region_id,
        version=version,
        kind=kind,
        status=InspectionStatus.DRAFT,
        inspected_on=inspected_on,
        inspectors=inspectors.strip(),
        verification_code=new_verification_code(),
        created_by_id=user.id,
        recheck_of=recheck_of,
    )
    inspection.results = [
        InspectionResult(item=item, position=item.position, region_id=organization.region_id)
        for item in version.items
    ]
    db.session.add(inspection)
    db.session.flush()
    return inspection


def open_self_check(organization: Organization, year: int) -> Inspection | None:
    """The organisation's self-check of ``year`` not yet finalized, if any: there is one at a time."""
    return db.session.execute(
        select(Inspection).where(
            Inspection.organization_id == organization.id, Inspection.kind == InspectionKind.SELF_CHECK,
            Inspection.status != InspectionStatus.FINALIZED,
            Inspection.inspected_on.between(date(year, 1, 1), date(year, 12, 31)),
        ).limit(1)
    ).scalar_one_or_none()


def start_recheck(original: Inspection, *, user: User, inspected_on: date, inspectors: str = "") -> Inspection:
    """复查: a new inspection of the same organisation against the same standard version. The
    items that passed carry their result and note over; only the failed ones are asked again."""
    if not user.is_county:
        raise RuleError("只有县级督导员可以发起复查。", "inspected_on")
    if not original.is_finalized:
        raise RuleError("只能对已定稿的检查发起复查。", "inspected_on")
    recheck = start_inspection(
        original.organization, InspectionKind.RECHECK, user=user, inspected_on=inspected_on,
        inspectors=inspectors, version=original.version, recheck_of=original,
    )
    previous = {r.item_id: r for r in original.results}
    for row in recheck.results:
        before = previous.get(row.item_id)
        if before is not None and before.result != ItemResult.FAIL:
            row.result, row.note = before.result, before.note
    db.session.flush()
    return recheck


def _require_editable(inspection: Inspection, user: User) -> None:
    if problem := edit_problem(inspection, user):
        raise RuleError(problem)


def record_results(inspection: Inspection, user: User, values: dict[int, tuple[ItemResult | None, str]]) -> None:
    """Save results by result id: ``{result_id: (result, note)}``."""
    _require_editable(inspection, user)
    by_id = {r.id: r for r in inspection.results}
    for result_id, (result, note) in values.items():
        row = by_id[result_id]
        if problem := result_problem(row.item, result):
            raise RuleError(problem, f"result_{row.id}")
        row.result = result
        row.note = note.strip()
    db.session.flush()


def update_header(inspection: Inspection, user: User, *, inspected_on: date, inspectors: str, summary: str) -> None:
    _require_editable(inspection, user)
    inspection.inspected_on = inspected_on
    inspection.inspectors = inspectors.strip()
    inspection.summary = summary.strip()
    db.session.flush()


def save(inspection: Inspection, user: User, entry: ResultsEntry) -> dict[int, list[str]]:
    """保存: everything the inspection page posts. A file refused does not cost the clerk the
    rest: the typed values and the acceptable files are kept, and the refused files are
    returned by result id, for the page to name at their items."""
    require_version(inspection, entry.opened_version)
    _require_editable(inspection, user)
    # The files were decoded and stored before the first row is written (posted_uploads).
    prepared = {row.id: entry.uploads.get(row.id, ([], [])) for row in inspection.results}
    update_header(inspection, user, inspected_on=entry.inspected_on, inspectors=entry.inspectors,
                  summary=entry.summary)
    record_results(inspection, user, entry.values)
    by_id = {r.id: r for r in inspection.results}
    for result_id, activity_ids in entry.activities.items():
        choose_activities(by_id[result_id], activity_ids, user)
    if entry.remove_attachment_ids:
        result_ids = [r.id for r in inspection.results]
        for attachments in attachments_for(InspectionResult.__tablename__, result_ids).values():
            for attachment in attachments:
                if attachment.id in entry.remove_attachment_ids:
                    delete_attachment(attachment)
    for row in inspection.results:
        attach(prepared[row.id][0], owner=row, region_id=inspection.region_id, caption=entry.captions.get(row.id, ""))
    return refused_files(prepared)


def refused_files(uploads: dict[int, tuple[list, list[str]]]) -> dict[int, list[str]]:
    """The sentences for the files refused, by result id, for the page to name at their items."""
    return {row_id: errors for row_id, (_, errors) in uploads.items() if errors}


def _save_all(inspection: Inspection, user: User, entry: ResultsEntry | None) -> None:
    """Before a step that hands the inspection on, what the page posted is saved in full:
    a refused file stops the step (nothing is handed on with evidence missing)."""
    if entry is not None and (refused := save(inspection, user, entry)):
        raise RefusedEvidence(refused)


def submit(inspection: Inspection, user: User, entry: ResultsEntry | None = None) -> None:
    """保存并提交: save what the page posted, then hand the inspection in."""
    _save_all(inspection, user, entry)
    _require_editable(inspection, user)
    if inspection.status != InspectionStatus.DRAFT:
        raise RuleError("只有草稿可以提交。")
    if problem := unanswered_problem(inspection):
        raise RuleError(problem, UNANSWERED)
    if inspection.kind != InspectionKind.SELF_CHECK:
        raise RuleError(f"{inspection.kind.label}由县级直接定稿签字，不需要提交。")
    inspection.status = InspectionStatus.SUBMITTED
    inspection.return_reason = ""  # answered by this submission; the history keeps it
    db.session.flush()


def return_to_draft(inspection: Inspection, user: User, reason: str) -> None:
    """退回修改: back to the township as a draft, with the reason it reads on the page and in 我的待办."""
    if not user.is_county:
        raise RuleError("只有县级督导员可以退回检查。", "reason")
    if inspection.status != InspectionStatus.SUBMITTED:
        raise RuleError("只有已提交的检查可以退回修改。", "reason")
    if not reason.strip():
        raise RuleError("退回时请写明原因。", "reason")
    inspection.status = InspectionStatus.DRAFT
    inspection.return_reason = reason.strip()
    db.session.flush()


def finalize(
    inspection: Inspection,
    user: User,
    *,
    signed_by: str,
    signed_on: date,
    due_on: date | None = None,
    owner: str = "",
    entry: ResultsEntry | None = None,
) -> list[Rectification]:
    """定稿签字: save what the page posted, compute the verdict, freeze the inspection and open
    a rectification per failed item."""
    if not user.is_county:
        raise RuleError("只有县级督导员可以定稿签字。", "signed_by")
    if inspection.is_finalized:
        raise RuleError("该检查已经定稿。", "signed_by")
    if inspection.kind == InspectionKind.SELF_CHECK and inspection.status != InspectionStatus.SUBMITTED:
        raise RuleError("乡镇提交自查后，县里才能审核定稿。", "signed_by")
    _save_all(inspection, user, entry)
    if problem := unanswered_problem(inspection):
        raise RuleError(problem, UNANSWERED)
    if not signed_by.strip():
        raise RuleError("请填写签字人姓名。", "signed_by")
    inspection.verdict = inspection_verdict(inspection)
    inspection.status = InspectionStatus.FINALIZED
    inspection.signed_by = signed_by.strip()
    inspection.signed_on = signed_on
    inspection.finalized_at = utcnow()
    return rectifications.open_for_failures(inspection, due_on=due_on, owner=owner)


def township_federations() -> list[Organization]:
    """Active township federations in the current scope, in region order."""
    return list(
        db.session.execute(
            select(Organization)
            .join(Organization.region)
            .options(contains_eager(Organization.region))
            .where(
                Organization.kind == OrgKind.FEDERATION,
                Organization.level == OrgLevel.TOWNSHIP,
                Organization.status == OrgStatus.ACTIVE,
            )
            .order_by(Region.code, Organization.name)
        ).scalars()
    )


def self_check_status(year: int) -> list[tuple[Organization, Inspection | None]]:
    """Each township federation with its latest self-check of ``year`` that left draft, or None."""
    organizations = township_federations()
    start, end = date(year, 1, 1), date(year, 12, 31)
    checks = db.session.execute(
        select(Inspection)
        .where(
            Inspection.kind == InspectionKind.SELF_CHECK,
            Inspection.status != InspectionStatus.DRAFT,
            Inspection.inspected_on.between(start, end),
            Inspection.organization_id.in_([o.id for o in organizations]),
        )
        .order_by(Inspection.inspected_on)
    ).scalars()
    latest = {c.organization_id: c for c in checks}
    return [(o, latest.get(o.id)) for o in organizations]


def start_spot_checks(candidates: list[Organization], size: int, *, user: User, inspected_on: date,
                      inspectors: str = "", seed: int | None = None) -> list[Inspection]:
    """Draw a sample and open a draft spot check (抽查) for each organisation drawn."""
    return [
        start_inspection(org, InspectionKind.SPOT_CHECK, user=user, inspected_on=inspected_on, inspectors=inspectors)
        for org in spot_check_sample(candidates, size, seed)
    ]


def organization_inspections(organization: Organization) -> list[Inspection]:
    """An organisation's inspections, newest first, for its page."""
    return db.session.execute(
        select(Inspection)
        .where(Inspection.organization_id == organization.id)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    ).scalars().all()
