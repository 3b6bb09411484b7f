"""整改 (rectification): opened for every failed item when an inspection is signed, reported by
the township with evidence, closed (销号) or sent back by the county. Each function changes
state and flushes; the view commits once. A broken rule raises RuleError."""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.attachments.services import attach
from app.auth.models import User
from app.extensions import db
from app.organizations.models import Organization
from app.pagination import apply_search
from app.rules import RuleError
from app.standards.models import Inspection, ItemResult, Rectification, RectificationStatus, StandardItem
from app.standards.rules import DEFAULT_RECTIFICATION_DAYS
from app.timeutil import utcnow
from app.versioning import require_version


class RefusedFiles(RuleError):
    """Some uploaded files were refused; ``errors`` has one sentence per file."""

    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors), "evidence")
        self.errors = errors


def rectification_query(filters, today: date):
    """The rectifications the ledger's filters (RectificationFilters) ask for, by due date."""
    stmt = (
        select(Rectification)
        .join(Rectification.organization)
        .join(Rectification.item)
        # The joins the search needs also fill the columns (joinedload would join them twice).
        .options(contains_eager(Rectification.organization), contains_eager(Rectification.item),
                 joinedload(Rectification.region))
        .order_by(Rectification.due_on, Rectification.id)
    )
    stmt = apply_search(stmt, filters.q.data, Organization.name, StandardItem.title, Rectification.owner)
    if status := filters.chosen("status", RectificationStatus):
        stmt = stmt.where(Rectification.status == status)
    if filters.overdue.data:
        stmt = stmt.where(Rectification.status != RectificationStatus.CLOSED, Rectification.due_on < today)
    return filters.ordered(stmt)


def open_for_failures(inspection: Inspection, *, due_on: date | None = None, owner: str = "") -> list[Rectification]:
    """One rectification per failed item of a signed inspection."""
    due = due_on or inspection.signed_on + timedelta(days=DEFAULT_RECTIFICATION_DAYS)
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


def submit_rectification(rectification: Rectification, user: User, response: str,
                         uploads: tuple[list, list[str]] = ([], []), opened_version: int | None = None) -> None:
    """The township reports what it did, with its evidence (``uploads``: the files posted,
    checked and stored, and a sentence per file refused); a refused file refuses the report."""
    require_version(rectification, opened_version)
    if not user.can_write:
        raise RuleError("只读账号不能提交整改。", "response")
    if rectification.status != RectificationStatus.OPEN:
        raise RuleError("只有整改中的事项可以提交核验。", "response")
    if not response.strip():
        raise RuleError("请说明整改情况。", "response")
    prepared, errors = uploads
    if errors:
        raise RefusedFiles(errors)
    attach(prepared, owner=rectification, region_id=rectification.region_id)
    rectification.response = response.strip()
    rectification.status = RectificationStatus.SUBMITTED
    rectification.submitted_at = utcnow()
    db.session.flush()


def close_rectification(rectification: Rectification, user: User, note: str = "",
                        opened_version: int | None = None) -> None:
    """销号: the county has verified the fix."""
    require_version(rectification, opened_version)
    if not user.is_county:
        raise RuleError("只有县级督导员可以核验销号。", "note")
    if rectification.status != RectificationStatus.SUBMITTED:
        raise RuleError("乡镇提交整改情况后才能核验销号。", "note")
    rectification.status = RectificationStatus.CLOSED
    rectification.review_note = note.strip()
    rectification.closed_at = utcnow()
    rectification.closed_by = user.display_name
    db.session.flush()


def send_back(rectification: Rectification, user: User, note: str, opened_version: int | None = None) -> None:
    """退回: the fix does not hold; the township works on, told why."""
    require_version(rectification, opened_version)
    if not user.is_county:
        raise RuleError("只有县级督导员可以退回整改。", "note")
    if rectification.status != RectificationStatus.SUBMITTED:
        raise RuleError("只有待核验的整改可以退回。", "note")
    if not note.strip():
        raise RuleError("退回时请写明原因。", "note")
    rectification.status = RectificationStatus.OPEN
    rectification.review_note = note.strip()
    rectification.times_returned += 1
    db.session.flush()
