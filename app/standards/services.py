"""Inspection and rectification rules: verdicts, allowed transitions, immutability.

Plain functions over the models, tested without HTTP. They flush; the view commits.
A rule broken raises RuleError with the sentence to show the user.
"""
import random
import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import event, exists, inspect, select
from sqlalchemy.orm import Session, contains_eager

from app.attachments.services import attachments_for, delete_attachment, save_uploads
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgLevel, OrgStatus
from app.regions.models import Region
from app.rules import RuleError
from app.standards.models import (
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    Rectification,
    RectificationStatus,
    Standard,
    StandardItem,
    StandardVersion,
    Verdict,
)
from app.timeutil import utcnow

DEFAULT_RECTIFICATION_DAYS = 30
# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


# Who may start which kind of inspection: the township checks itself, the county checks others.
KINDS_BY_ROLE = {
    Role.CLERK: (InspectionKind.SELF_CHECK,),
    Role.SUPERVISOR: (InspectionKind.ACCEPTANCE, InspectionKind.SPOT_CHECK, InspectionKind.SELF_CHECK),
    Role.ADMIN: (InspectionKind.ACCEPTANCE, InspectionKind.SPOT_CHECK, InspectionKind.SELF_CHECK),
    Role.VIEWER: (),
}


def compute_verdict(results: Iterable[tuple[bool, ItemResult | None]]) -> Verdict:
    """达标 when every required item passes; optional items never decide the verdict."""
    return Verdict.PASS if all(result == ItemResult.PASS for required, result in results if required) else Verdict.FAIL


def inspection_verdict(inspection: Inspection) -> Verdict:
    return compute_verdict((r.item.required, r.result) for r in inspection.results)


def unanswered(inspection: Inspection) -> list[InspectionResult]:
    return [r for r in inspection.results if r.result is None]


def result_problem(item: StandardItem, result: ItemResult | None) -> str | None:
    if result == ItemResult.NOT_APPLICABLE and item.required:
        return f"“{item.title}”是必备项，不能选择不适用。"
    return None


def new_verification_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        taken = db.session.execute(
            select(exists().where(Inspection.verification_code == code)), execution_options={"unscoped": True}
        ).scalar()
        if not taken:
            return code


def standard_for(organization: Organization) -> Standard | None:
    """The standard an organisation is checked against (四有 for a township federation …)."""
    return db.session.execute(
        select(Standard).where(Standard.org_kind == organization.kind, Standard.org_level == organization.level)
    ).scalars().first()


def allowed_kinds(user: User) -> tuple[InspectionKind, ...]:
    return KINDS_BY_ROLE[user.role]


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
        raise RuleError(f"您的角色不能发起{kind.label}。")
    if organization.status != OrgStatus.ACTIVE:
        raise RuleError("该组织已注销，不能再检查。")
    if version is None:
        standard = standard_for(organization)
        if standard is None or standard.current_version is None:
            raise RuleError(f"没有适用于{organization.level.label}{organization.kind.label}的标准。")
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


def start_recheck(original: Inspection, *, user: User, inspected_on: date, inspectors: str = "") -> Inspection:
    """复查: a new inspection of the same organisation against the same standard version."""
    if not user.is_county:
        raise RuleError("只有县级督导员可以发起复查。")
    if not original.is_finalized:
        raise RuleError("只能对已定稿的检查发起复查。")
    return start_inspection(
        original.organization, InspectionKind.RECHECK, user=user, inspected_on=inspected_on,
        inspectors=inspectors, version=original.version, recheck_of=original,
    )


def can_edit(inspection: Inspection, user: User) -> bool:
    """Drafts are edited by whoever may run that kind of check; submitted ones only by the county."""
    if inspection.status == InspectionStatus.FINALIZED or not user.can_write:
        return False
    if inspection.status == InspectionStatus.SUBMITTED:
        return user.is_county
    if inspection.kind == InspectionKind.SELF_CHECK:
        return True
    return user.is_county


def _require_editable(inspection: Inspection, user: User) -> None:
    if inspection.is_finalized:
        raise RuleError("该检查已定稿签字，不能再修改；如需更正请发起复查。")
    if not can_edit(inspection, user):
        raise RuleError("您不能修改这份检查。")


def record_results(inspection: Inspection, user: User, values: dict[int, tuple[ItemResult | None, str]]) -> None:
    """Save results by result id: ``{result_id: (result, note)}``."""
    _require_editable(inspection, user)
    by_id = {r.id: r for r in inspection.results}
    for result_id, (result, note) in values.items():
        row = by_id[result_id]
        problem = result_problem(row.item, result)
        if problem:
            raise RuleError(problem)
        row.result = result
        row.note = note.strip()
    db.session.flush()


def update_header(inspection: Inspection, user: User, *, inspected_on: date, inspectors: str, summary: str) -> None:
    _require_editable(inspection, user)
    inspection.inspected_on = inspected_on
    inspection.inspectors = inspectors.strip()
    inspection.summary = summary.strip()
    db.session.flush()


def save_inspection(
    inspection: Inspection,
    user: User,
    *,
    inspected_on: date,
    inspectors: str,
    summary: str,
    values: dict[int, tuple[ItemResult | None, str]],
    uploads: dict[int, list],
    remove_attachment_ids: list[int],
) -> dict[int, list[str]]:
    """Everything the inspection page posts, in one go. Returns the refused files' errors by
    result id: the acceptable files and all typed values are saved regardless."""
    update_header(inspection, user, inspected_on=inspected_on, inspectors=inspectors, summary=summary)
    record_results(inspection, user, values)
    result_ids = [r.id for r in inspection.results]
    for attachments in attachments_for(InspectionResult.__tablename__, result_ids).values():
        for attachment in attachments:
            if attachment.id in remove_attachment_ids:
                delete_attachment(attachment)
    upload_errors = {}
    for row in inspection.results:
        _, errors = save_uploads(uploads.get(row.id, []), owner=row, region_id=inspection.region_id)
        if errors:
            upload_errors[row.id] = errors
    return upload_errors


def submit(inspection: Inspection, user: User) -> None:
    _require_editable(inspection, user)
    if inspection.status != InspectionStatus.DRAFT:
        raise RuleError("只有草稿可以提交。")
    missing = unanswered(inspection)
    if missing:
        raise RuleError("还有未填写结果的项目：" + "、".join(r.item.title for r in missing) + "。")
    inspection.status = InspectionStatus.SUBMITTED
    db.session.flush()


def return_to_draft(inspection: Inspection, user: User) -> None:
    if not user.is_county:
        raise RuleError("只有县级督导员可以退回检查。")
    if inspection.status != InspectionStatus.SUBMITTED:
        raise RuleError("只有已提交的检查可以退回修改。")
    inspection.status = InspectionStatus.DRAFT
    db.session.flush()


def finalize(
    inspection: Inspection,
    user: User,
    *,
    signed_by: str,
    signed_on: date,
    due_on: date | None = None,
    owner: str = "",
) -> list[Rectification]:
    """定稿签字: compute the verdict, freeze the inspection, open a rectification per failed item."""
    if not user.is_county:
        raise RuleError("只有县级督导员可以定稿签字。")
    if inspection.is_finalized:
        raise RuleError("该检查已经定稿。")
    if inspection.kind == InspectionKind.SELF_CHECK and inspection.status != InspectionStatus.SUBMITTED:
        raise RuleError("乡镇提交自查后，县里才能审核定稿。")
    missing = unanswered(inspection)
    if missing:
        raise RuleError("还有未填写结果的项目：" + "、".join(r.item.title for r in missing) + "。")
    if not signed_by.strip():
        raise RuleError("请填写签字人姓名。")
    inspection.verdict = inspection_verdict(inspection)
    inspection.status = InspectionStatus.FINALIZED
    inspection.signed_by = signed_by.strip()
    inspection.signed_on = signed_on
    inspection.finalized_at = utcnow()
    due = due_on or signed_on + timedelta(days=DEFAULT_RECTIFICATION_DAYS)
    rectifications = [
        Rectification(
            inspection=inspection,
            item=result.item,
            organization=inspection.organization,
            region_id=inspection.region_id,
            finding=result.note or f"未达到“{result.item.title}”：{result.item.criterion}",
            owner=(owner or inspection.organization.contact_person or inspection.organization.name).strip(),
            due_on=due,
        )
        for result in inspection.results
        if result.result == ItemResult.FAIL
    ]
    db.session.add_all(rectifications)
    db.session.flush()
    return rectifications


class RefusedFiles(RuleError):
    """Some uploaded files were refused; ``errors`` has one sentence per file."""

    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


def submit_rectification(rectification: Rectification, user: User, response: str, files=()) -> None:
    """The township reports what it did, with its evidence; a refused file refuses the report."""
    if not user.can_write:
        raise RuleError("只读账号不能提交整改。")
    if rectification.status != RectificationStatus.OPEN:
        raise RuleError("只有整改中的事项可以提交核验。")
    if not response.strip():
        raise RuleError("请说明整改情况。")
    _, errors = save_uploads(files, owner=rectification, region_id=rectification.region_id)
    if errors:
        raise RefusedFiles(errors)
    rectification.response = response.strip()
    rectification.status = RectificationStatus.SUBMITTED
    rectification.submitted_at = utcnow()
    db.session.flush()


def close_rectification(rectification: Rectification, user: User, note: str = "") -> None:
    """销号: the county has verified the fix."""
    if not user.is_county:
        raise RuleError("只有县级督导员可以核验销号。")
    if rectification.status != RectificationStatus.SUBMITTED:
        raise RuleError("乡镇提交整改情况后才能核验销号。")
    rectification.status = RectificationStatus.CLOSED
    rectification.review_note = note.strip()
    rectification.closed_at = utcnow()
    rectification.closed_by = user.display_name
    db.session.flush()


def send_back(rectification: Rectification, user: User, note: str) -> None:
    if not user.is_county:
        raise RuleError("只有县级督导员可以退回整改。")
    if rectification.status != RectificationStatus.SUBMITTED:
        raise RuleError("只有待核验的整改可以退回。")
    if not note.strip():
        raise RuleError("退回时请写明原因。")
    rectification.status = RectificationStatus.OPEN
    rectification.review_note = note.strip()
    rectification.times_returned += 1
    db.session.flush()


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


def spot_check_sample(candidates: list[Organization], size: int, seed: int | None = None) -> list[Organization]:
    """抽取部分社会组织: a uniform random sample, reproducible when a seed is given."""
    if size <= 0:
        raise RuleError("抽查数量至少为 1。")
    if size > len(candidates):
        raise RuleError(f"抽查数量不能超过可抽取的组织数（{len(candidates)} 个）。")
    return sorted(random.Random(seed).sample(candidates, size), key=lambda o: (o.region_id, o.name))


def _committed_status(inspection: Inspection) -> InspectionStatus | None:
    history = inspect(inspection).attrs.status.history
    return history.deleted[0] if history.deleted else inspection.status


# What may still change on a signed record: the region, when its organisation moves.
MOVABLE = frozenset({"region_id"})


def _changes_content(session, obj) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    state = inspect(obj)
    changed = {attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()}
    return bool(changed - MOVABLE)


@event.listens_for(Session, "before_flush")
def _freeze_finalized_inspections(session, flush_context, instances):
    """Backstop behind the rules above: a signed inspection never changes, whatever code path tries."""
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        if isinstance(obj, Inspection):
            inspection = obj if obj not in session.new else None
        elif isinstance(obj, InspectionResult):
            inspection = obj.inspection
        else:
            continue
        if inspection is not None and _committed_status(inspection) == InspectionStatus.FINALIZED \
                and _changes_content(session, obj):
            raise RuleError("该检查已定稿签字，不能再修改；如需更正请发起复查。")


def publish_version(standard: Standard, *, note: str, items: list[dict], published_by: str) -> StandardVersion:
    """Publish a new version of ``standard``; earlier versions (and inspections made with them) stay as they were.

    ``items`` are dicts with code, title, criterion, evidence_hint, required; rows without
    a title are dropped. Raises RuleError when what is left cannot form a checklist.
    """
    rows = [row for row in items if (row.get("title") or "").strip()]
    if not rows:
        raise RuleError("至少保留一个检查项目。")
    missing = [row["title"] for row in rows if not (row.get("criterion") or "").strip()]
    if missing:
        raise RuleError("请填写以下项目的检查标准：" + "、".join(missing) + "。")
    codes = [(row.get("code") or "").strip() or str(i) for i, row in enumerate(rows, start=1)]
    if len(set(codes)) != len(codes):
        raise RuleError("项目编号不能重复。")
    number = max((v.number for v in standard.versions), default=0) + 1
    version = StandardVersion(standard=standard, number=number, note=note.strip(), published_by=published_by)
    version.items = [
        StandardItem(
            position=position, code=code, title=row["title"].strip(), criterion=row["criterion"].strip(),
            evidence_hint=(row.get("evidence_hint") or "").strip(), required=bool(row.get("required")),
        )
        for position, (code, row) in enumerate(zip(codes, rows, strict=True), start=1)
    ]
    db.session.add(version)
    db.session.flush()
    db.session.expire(standard, ["versions"])
    return version

