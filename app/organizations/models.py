"""体育社会组织: the sports social organisations a county bureau supervises, and their lifecycle."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.enums import LabelledEnum
from app.extensions import db, enum_type
from app.regional import SCOPE_ROOT, RegionScoped
from app.timeutil import utcnow
from app.versioning import RowVersioned


class OrgKind(LabelledEnum):
    FEDERATION = "federation", "体育总会"
    ASSOCIATION = "association", "单项体育协会"
    ELDERLY_ASSOCIATION = "elderly_association", "老年人体育协会"
    CLUB = "club", "体育俱乐部"
    COMMUNITY_ASSOCIATION = "community_association", "社区健身会"


class OrgLevel(LabelledEnum):
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class PartyBranch(LabelledEnum):
    ESTABLISHED = "established", "已建"
    JOINT = "joint", "联合"
    NONE = "none", "未建"


class OrgStatus(LabelledEnum):
    ACTIVE = "active", "正常"
    DISSOLVED = "dissolved", "已注销"


class TermStatus(LabelledEnum):
    CURRENT = "current", "任期内"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "逾期未换届"
    UNKNOWN = "unknown", "未登记任期"


class Organization(RowVersioned, Audited, RegionScoped, db.Model):
    __tablename__ = "organizations"
    __scope_parent__ = SCOPE_ROOT
    __table_args__ = (Index("ix_organizations_region_name", "region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, 32))
    level: Mapped[OrgLevel] = mapped_column(enum_type(OrgLevel, 16))
    sport: Mapped[str] = mapped_column(String(40), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    registered_on: Mapped[date | None] = mapped_column(Date)
    registration_authority: Mapped[str] = mapped_column(String(100), default="")
    supervising_unit: Mapped[str] = mapped_column(String(100), default="")
    legal_representative: Mapped[str] = mapped_column(String(40), default="")
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    party_branch: Mapped[PartyBranch] = mapped_column(
        enum_type(PartyBranch, 16), default=PartyBranch.NONE
    )
    member_count: Mapped[int | None]
    venue: Mapped[str] = mapped_column(String(200), default="")
    funding_source: Mapped[str] = mapped_column(String(200), default="")
    staff_count: Mapped[int | None]
    establishment_count: Mapped[int | None]  # 编制
    term_years: Mapped[int] = mapped_column(default=5)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[OrgStatus] = mapped_column(
        enum_type(OrgStatus, 16), default=OrgStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list["LifecycleEvent"]] = relationship(
        back_populates="organization", order_by="LifecycleEvent.event_date.desc()", cascade="all, delete-orphan"
    )

    __audit_exclude__ = frozenset({"updated_at"})

    def __str__(self) -> str:
        return self.name


class EventKind(LabelledEnum):
    FOUNDING = "founding", "成立"
    REELECTION = "reelection", "换届"
    CHANGE = "change", "变更"
    ANNUAL_REVIEW = "annual_review", "年审"
    DISSOLUTION = "dissolution", "注销"


class ReviewResult(LabelledEnum):
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class LifecycleEvent(Audited, RegionScoped, db.Model):
    """成立、换届、变更、年审、注销: one dated registration event, with its documents."""

    __tablename__ = "lifecycle_events"
    __scope_parent__ = "organization_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, 16))
    event_date: Mapped[date] = mapped_column(Date)
    review_year: Mapped[int | None]  # the year an annual review (年审) covers
    review_result: Mapped[ReviewResult | None] = mapped_column(enum_type(ReviewResult, 24))
    approval_number: Mapped[str] = mapped_column(String(60), default="")
    # For a 变更: the supervising unit's approval, registered within 30 days (条例 Art 18).
    approved_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="events")

    def __str__(self) -> str:
        return f"{self.kind.label} {self.event_date:%Y-%m-%d}"
