"""赛事活动: the competitions, events, trainings and displays an organisation holds.

An activity is the evidence of the standards' 有活动 item and the source of the year's figures
(activities held, trainings, participants). One that must be filed beforehand (报备) goes to the
county with its 规程 and is approved or sent back; after it is held, the organisation reports
what happened (信息上报: the actual participants, the results, photos).
"""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.enums import LabelledEnum
from app.extensions import db, enum_type
from app.organizations.models import Organization
from app.regional import RegionScoped
from app.standards.models import InspectionResult
from app.timeutil import utcnow
from app.versioning import RowVersioned


class ActivityKind(LabelledEnum):
    COMPETITION = "competition", "赛事"
    EVENT = "event", "活动"
    TRAINING = "training", "培训"
    SHOWCASE = "showcase", "展演"


class ActivityLevel(LabelledEnum):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村（社区）级"


class ActivityStatus(LabelledEnum):
    PLANNED = "planned", "筹备中"  # registered; no filing needed, or not yet filed
    FILED = "filed", "报备待审"
    APPROVED = "approved", "报备已同意"
    RETURNED = "returned", "报备退回"
    REPORTED = "reported", "已上报"  # held, and its 信息上报 is in
    CANCELLED = "cancelled", "已取消"


class Activity(RowVersioned, Audited, RegionScoped, db.Model):
    """One competition, event, training or display of an organisation, from plan to report."""

    __tablename__ = "activities"
    __scope_parent__ = "organization_id"
    __region_index__ = False  # the ledger's index below leads with the region
    __table_args__ = (
        Index("ix_activities_region_starts", "region_id", "starts_on", "id"),
        Index("ix_activities_org_starts", "organization_id", "starts_on"),
        # Unfiltered readers (the province's administrator): the ledger's order, the filings to decide.
        Index("ix_activities_starts", "starts_on", "id"),
        Index("ix_activities_status_starts", "status", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    title: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ActivityKind] = mapped_column(enum_type(ActivityKind, 16))
    level: Mapped[ActivityLevel] = mapped_column(enum_type(ActivityLevel, 16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(100), default="")  # 主办单位, as printed
    co_organisers: Mapped[str] = mapped_column(String(300), default="")  # 协办/承办单位
    expected_participants: Mapped[int | None]
    # Whether the county must approve it beforehand (报备); its 规程 is an attachment.
    needs_filing: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ActivityStatus] = mapped_column(enum_type(ActivityStatus, 16), default=ActivityStatus.PLANNED)
    filed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(60), default="")
    review_note: Mapped[str] = mapped_column(Text, default="")  # the county's word on the filing
    # 信息上报, after the event.
    actual_participants: Mapped[int | None]
    results: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()

    __audit_exclude__ = frozenset({"updated_at"})

    def __str__(self) -> str:
        return self.title


class ActivityEvidence(Audited, RegionScoped, db.Model):
    """An activity an inspector attached to an inspection's 有活动 item as that item's evidence."""

    __tablename__ = "activity_evidence"
    __scope_parent__ = "result_id"
    __version_parent__ = "inspection_result"  # attaching one is a change of the inspection
    __region_index__ = False
    __table_args__ = (UniqueConstraint("result_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("inspection_results.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship()
    inspection_result: Mapped[InspectionResult] = relationship(back_populates="activity_evidence")

    def __str__(self) -> str:
        return self.activity.title
