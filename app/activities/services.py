"""Activities (赛事活动): registering and editing them, 报备 with the 规程, the county's decision,
信息上报 with photos, cancelling; and the ledger's query.

Each function checks its rule (app.activities.rules), changes the activity, flushes and leaves
the commit to the view; the audit entries come from the models. A broken rule raises RuleError
with the field it concerns. Other domains (the demo data, the bench seed) create activities
through these same functions.
"""
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager, load_only

from app.activities import rules
from app.activities.models import Activity, ActivityKind, ActivityLevel, ActivityStatus
from app.attachments.models import Attachment
from app.attachments.services import PreparedFile, attach, attachments_for
from app.auth.models import User
from app.extensions import db
from app.organizations.models import Organization, OrgStatus
from app.pagination import apply_search
from app.regions.models import Region
from app.rules import RuleError
from app.timeutil import local_today, utcnow
from app.versioning import require_version

S = ActivityStatus

# The editable facts of an activity, as the form and the services name them.
ACTIVITY_FIELDS = ("title", "kind", "level", "starts_on", "ends_on", "place", "organiser", "co_organisers",
                   "expected_participants", "needs_filing")
TEXT_FIELDS = ("title", "place", "organiser", "co_organisers")

# An activity's files: the 规程 filed with it and the photos of its report, told apart by caption.
RULES_CAPTION = "活动规程"
PHOTO_CAPTION = "活动照片"
RULES_TYPES = frozenset({
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
})

# What the ledger shows of each activity (its page reads no more).
LIST_COLUMNS = (Activity.id, Activity.organization_id, Activity.region_id, Activity.title, Activity.kind,
                Activity.level, Activity.starts_on, Activity.ends_on, Activity.place, Activity.expected_participants,
                Activity.actual_participants, Activity.needs_filing, Activity.status)


def _refuse(problem: rules.Problem | None) -> None:
    if problem is not None:
        raise RuleError(*problem)


def _require_writer(user: User) -> None:
    if not user.can_write:
        raise RuleError("只读账号不能修改赛事活动。")


def _apply(activity: Activity, fields: dict) -> None:
    for key in ACTIVITY_FIELDS:
        if key in fields:
            value = fields[key]
            setattr(activity, key, value.strip() if isinstance(value, str) else value)
    # A 赛事 or a large crowd is filed whatever was ticked; others only when ticked.
    activity.needs_filing = bool(activity.needs_filing) or rules.filing_required(activity.kind,
                                                                                 activity.expected_participants)


def create_activity(organization: Organization, fields: dict, user: User) -> Activity:
    """Register an activity of ``organization`` from ``fields`` (keys from ACTIVITY_FIELDS)."""
    _require_writer(user)
    if organization.status == OrgStatus.DISSOLVED:
        raise RuleError("该组织已注销，不能再登记活动。")
    if problems := rules.field_problems(fields):
        raise RuleError.of(problems)
    activity = Activity(organization=organization, region_id=organization.region_id, status=S.PLANNED,
                        created_by_id=user.id, needs_filing=False)
    _apply(activity, fields)
    activity.organiser = activity.organiser or organization.name  # 主办 by itself unless told otherwise
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(activity: Activity, fields: dict, user: User, opened_version: int | None = None) -> None:
    """Save the form's ``fields``; raises RuleError, StaleEdit when changed since the form was opened."""
    require_version(activity, opened_version)
    _require_writer(user)
    _refuse(rules.edit_problem(activity))
    if problems := rules.field_problems({**{k: getattr(activity, k) for k in ACTIVITY_FIELDS}, **fields}):
        raise RuleError.of(problems)
    _apply(activity, fields)
    if not activity.needs_filing and activity.status == S.RETURNED:
        activity.status = S.PLANNED  # no longer filed at all: the county's return is moot
    db.session.flush()


def files_of(activity: Activity) -> dict[str, list[Attachment]]:
    """The activity's files by caption: its 规程 (RULES_CAPTION) and its report's photos (PHOTO_CAPTION)."""
    grouped: dict[str, list[Attachment]] = {RULES_CAPTION: [], PHOTO_CAPTION: []}
    for attachment in attachments_for(Activity.__tablename__, [activity.id])[activity.id]:
        grouped.setdefault(attachment.caption, []).append(attachment)
    return grouped


def file_activity(activity: Activity, user: User, documents: list[PreparedFile] = (), *,
                  opened_version: int | None = None, now: datetime | None = None) -> None:
    """报备: the activity goes to the county with its 规程 (``documents``, PDF or Word, added to
    any filed before: a returned filing may be sent again as it was)."""
    require_version(activity, opened_version)
    _require_writer(user)
    documents = list(documents)
    if wrong := [f.filename for f in documents if f.content_type not in RULES_TYPES]:
        raise RuleError(f"活动规程须为 PDF 或 Word 文件：{'、'.join(wrong)} 不是。", "rules_document")
    _refuse(rules.file_problem(activity, bool(documents) or bool(files_of(activity)[RULES_CAPTION])))
    attach(documents, owner=activity, region_id=activity.region_id, caption=RULES_CAPTION)
    activity.status = S.FILED
    activity.filed_at = now or utcnow()
    db.session.flush()


def decide_filing(activity: Activity, user: User, approve: bool, note: str = "", *,
                  opened_version: int | None = None, now: datetime | None = None) -> None:
    """The county's word on a filing: 同意, or 退回 with the reason (the organisation may file again)."""
    require_version(activity, opened_version)
    if not user.is_county:
        raise RuleError("只有县级督导员或管理员可以审核报备。", "note")
    _refuse(rules.decide_problem(activity, approve, note))
    activity.status = S.APPROVED if approve else S.RETURNED
    activity.review_note = note.strip()
    activity.decided_at = now or utcnow()
    activity.decided_by = user.display_name
    db.session.flush()


def report_activity(activity: Activity, user: User, actual_participants: int | None, results: str,
                    photos: list[PreparedFile] = (), *, opened_version: int | None = None,
                    today: date | None = None, now: datetime | None = None) -> None:
    """信息上报: how many took part, what came of it, and its photos (images only)."""
    require_version(activity, opened_version)
    _require_writer(user)
    _refuse(rules.report_problem(activity, today or local_today()))
    if problems := rules.report_values_problems(actual_participants, results):
        raise RuleError.of(problems)
    photos = list(photos)
    if wrong := [f.filename for f in photos if not f.content_type.startswith("image/")]:
        raise RuleError(f"活动照片须为图片（JPG、PNG、WebP）：{'、'.join(wrong)} 不是。", "photos")
    attach(photos, owner=activity, region_id=activity.region_id, caption=PHOTO_CAPTION)
    activity.actual_participants = actual_participants
    activity.results = results.strip()
    activity.status = S.REPORTED
    activity.reported_at = now or utcnow()
    db.session.flush()


def cancel_activity(activity: Activity, user: User, *, opened_version: int | None = None) -> None:
    require_version(activity, opened_version)
    _require_writer(user)
    _refuse(rules.cancel_problem(activity))
    activity.status = S.CANCELLED
    db.session.flush()


# ---------------------------------------------------------------- reading

def awaiting_report(today: date):
    """SQL condition: held (begun by ``today``) and open to 信息上报, i.e. approved, or never to be
    filed (rules.report_problem, for many rows at once)."""
    return and_(Activity.starts_on <= today,
                or_(Activity.status == S.APPROVED, and_(Activity.status == S.PLANNED, Activity.needs_filing.is_(False))))


def activity_query(filters, today: date, columns=LIST_COLUMNS):
    """The activities the ledger's filters (ActivityFilters) ask for, newest first, with their
    organisation's and region's names, reading only ``columns`` of each activity."""
    stmt = (
        select(Activity)
        .join(Activity.organization)
        .join(Region, Activity.region_id == Region.id)
        .options(load_only(*columns), contains_eager(Activity.organization).load_only(Organization.name),
                 contains_eager(Activity.region))
        .order_by(Activity.starts_on.desc(), Activity.id.desc())
    )
    stmt = apply_search(stmt, filters.q.data, Activity.title, Activity.place, Activity.organiser, Organization.name)
    for name, enum, column in (("kind", ActivityKind, Activity.kind), ("status", ActivityStatus, Activity.status),
                               ("level", ActivityLevel, Activity.level)):
        if chosen := filters.chosen(name, enum):
            stmt = stmt.where(column == chosen)
    start, end = filters.period()
    if start is not None:
        stmt = stmt.where(Activity.starts_on >= start)
    if end is not None:
        stmt = stmt.where(Activity.starts_on <= end)
    if filters.to_report.data:
        stmt = stmt.where(awaiting_report(today))
    if filters.organization_id is not None:
        stmt = stmt.where(Activity.organization_id == filters.organization_id)
    return filters.ordered(stmt)


RECENT = 5  # rows of the organisation page's panel


def recent_activities(organization: Organization) -> list[Activity]:
    """The organisation's newest activities for its page (the ledger holds the rest)."""
    return list(db.session.execute(
        select(Activity).where(Activity.organization_id == organization.id)
        .options(load_only(Activity.id, Activity.title, Activity.kind, Activity.starts_on, Activity.ends_on,
                           Activity.status, Activity.actual_participants, Activity.expected_participants))
        .order_by(Activity.starts_on.desc(), Activity.id.desc()).limit(RECENT)
    ).scalars())
