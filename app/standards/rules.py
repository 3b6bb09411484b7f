"""The inspection rules as plain functions: who may run which check, the verdict, what a
result may be, and when an inspection may still change. No database, no request: tested alone."""
import random
from collections.abc import Iterable

from app.auth.models import User
from app.auth.roles import Role
from app.rules import RuleError
from app.standards.models import (
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    StandardItem,
    Verdict,
)

DEFAULT_RECTIFICATION_DAYS = 30
FROZEN = "该检查已定稿签字，不能再修改；如需更正请发起复查。"

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


def allowed_kinds(user: User) -> tuple[InspectionKind, ...]:
    return KINDS_BY_ROLE[user.role]


def can_edit(inspection: Inspection, user: User) -> bool:
    """Drafts are edited by whoever may run that kind of check; submitted ones only by the county."""
    if inspection.status == InspectionStatus.FINALIZED or not user.can_write:
        return False
    if inspection.status == InspectionStatus.SUBMITTED:
        return user.is_county
    if inspection.kind == InspectionKind.SELF_CHECK:
        return True
    return user.is_county


def edit_problem(inspection: Inspection, user: User) -> str | None:
    """Why ``user`` may not change ``inspection`` now; None when they may."""
    if inspection.is_finalized:
        return FROZEN
    if not can_edit(inspection, user):
        return "您不能修改这份检查。"
    return None


def unanswered_problem(inspection: Inspection) -> str | None:
    missing = unanswered(inspection)
    if missing:
        return "还有未填写结果的项目：" + "、".join(r.item.title for r in missing) + "。"
    return None


def results_checksum(inspection: Inspection) -> str:
    """结果校验码: eight characters printed on the sheet and shown by the public verification
    page, so paper whose results were altered by hand does not match the record."""
    import hashlib

    text = ";".join(f"{r.item.code}={r.result.value if r.result else '-'}"
                    for r in sorted(inspection.results, key=lambda r: r.position))
    digest = hashlib.sha256(f"{inspection.verification_code}|{text}".encode()).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}"


def spot_check_sample(candidates: list, size: int, seed: int | None = None) -> list:
    """抽取部分社会组织: a uniform random sample, reproducible when a seed is given."""
    if size <= 0:
        raise RuleError("抽查数量至少为 1。", "size")
    if size > len(candidates):
        raise RuleError(f"抽查数量不能超过可抽取的组织数（{len(candidates)} 个）。", "size")
    return sorted(random.Random(seed).sample(candidates, size), key=lambda o: (o.region_id, o.name))
