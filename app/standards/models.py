"""标准 (四有/五有/六有), inspections against them (自查/验收/抽查/复查), and rectification (整改).

Standards are versioned data: an administrator changes one by publishing a new version,
and every inspection keeps the version it was made with.
"""
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.enums import LabelledEnum
from app.extensions import db, enum_type
from app.organizations.models import Organization, OrgKind, OrgLevel
from app.regional import RegionScoped
from app.timeutil import utcnow
from app.versioning import RowVersioned

if TYPE_CHECKING:  # the activities' models import these: a name for the annotation only
    from app.activities.models import ActivityEvidence


class Standard(Audited, db.Model):
    """A named checklist for one kind and level of organisation, e.g. 乡镇体育总会"四有"."""

    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))  # 四有
    title: Mapped[str] = mapped_column(String(100))  # 乡镇体育总会"四有"标准
    org_kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, 32))
    org_level: Mapped[OrgLevel] = mapped_column(enum_type(OrgLevel, 16))

    versions: Mapped[list["StandardVersion"]] = relationship(
        back_populates="standard", order_by="StandardVersion.number.desc()"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> "StandardVersion | None":
        return self.versions[0] if self.versions else None

    def applies_to(self, organization: Organization) -> bool:
        return organization.kind == self.org_kind and organization.level == self.org_level


class StandardVersion(Audited, db.Model):
    __tablename__ = "standard_versions"
    __table_args__ = (UniqueConstraint("standard_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    number: Mapped[int]
    note: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(64), default="")

    standard: Mapped[Standard] = relationship(back_populates="versions")
    items: Mapped[list["StandardItem"]] = relationship(
        back_populates="version", order_by="StandardItem.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.standard.title} 第{self.number}版"

    @property
    def required_items(self) -> list["StandardItem"]:
        return [item for item in self.items if item.required]


class StandardItem(Audited, db.Model):
    __tablename__ = "standard_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(10))  # "1", "2.1"
    title: Mapped[str] = mapped_column(String(60))  # 有场地
    criterion: Mapped[str] = mapped_column(Text)
    evidence_hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    version: Mapped[StandardVersion] = relationship(back_populates="items")

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class InspectionKind(LabelledEnum):
    SELF_CHECK = "self_check", "自查"
    ACCEPTANCE = "acceptance", "验收"
    SPOT_CHECK = "spot_check", "抽查"
    RECHECK = "recheck", "复查"


class InspectionStatus(LabelledEnum):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    FINALIZED = "finalized", "已定稿"


class ItemResult(LabelledEnum):
    PASS = "pass", "达标"
    FAIL = "fail", "不达标"
    NOT_APPLICABLE = "na", "不适用"


class Verdict(LabelledEnum):
    PASS = "pass", "达标"
    FAIL = "fail", "不达标"


class Inspection(RowVersioned, Audited, RegionScoped, db.Model):
    __tablename__ = "inspections"
    __scope_parent__ = "organization_id"
    __table_args__ = (
        Index("ix_inspections_region_inspected", "region_id", "inspected_on", "id"),
        # An organisation's latest finalized inspection (the coverage boards) is one index probe.
        Index("ix_inspections_org_latest", "organization_id", "status", "inspected_on", "finalized_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"))
    kind: Mapped[InspectionKind] = mapped_column(enum_type(InspectionKind, 16))
    status: Mapped[InspectionStatus] = mapped_column(enum_type(InspectionStatus, 16), default=InspectionStatus.DRAFT)
    # A re-check (复查) points at the finalized inspection it corrects or follows up.
    recheck_of_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # Why the county sent it back (退回修改), shown until it is submitted again.
    return_reason: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[Verdict | None] = mapped_column(enum_type(Verdict, 8))
    signed_by: Mapped[str] = mapped_column(String(60), default="")
    signed_on: Mapped[date | None] = mapped_column(Date)
    finalized_at: Mapped[datetime | None]
    # Printed on the paper: typed in or scanned, it leads back to this record.
    verification_code: Mapped[str] = mapped_column(String(12), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Row versions (app.versioning): of two people finalizing at once, the second gets
    # StaleDataError instead of a second set of rectifications; a stale form is refused.

    organization: Mapped[Organization] = relationship()
    version: Mapped[StandardVersion] = relationship()
    results: Mapped[list["InspectionResult"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="InspectionResult.position"
    )
    rectifications: Mapped[list["Rectification"]] = relationship(
        back_populates="inspection", order_by="Rectification.id"
    )
    recheck_of: Mapped["Inspection | None"] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return f"{self.organization.name} {self.kind.label} {self.inspected_on:%Y-%m-%d}"

    @property
    def is_finalized(self) -> bool:
        return self.status == InspectionStatus.FINALIZED

    @property
    def sheet_title(self) -> str:
        """乡镇体育总会"四有"验收检查表"""
        standard = self.version.standard
        return f"{standard.title.removesuffix('标准')}{self.kind.label}检查表"


class InspectionResult(Audited, RegionScoped, db.Model):
    """One item's result in one inspection."""

    __tablename__ = "inspection_results"
    __scope_parent__ = "inspection_id"
    __version_parent__ = "inspection"  # a changed result is a new version of its inspection
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("standard_items.id"))
    position: Mapped[int]
    result: Mapped[ItemResult | None] = mapped_column(enum_type(ItemResult, 8))
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="results")
    item: Mapped[StandardItem] = relationship()
    # The activities attached as the item's evidence (有活动): app.activities.evidence.
    activity_evidence: Mapped[list["ActivityEvidence"]] = relationship(
        back_populates="inspection_result", cascade="all, delete-orphan", order_by="ActivityEvidence.id"
    )

    def __str__(self) -> str:
        return f"{self.item.code}. {self.item.title}"


class RectificationStatus(LabelledEnum):
    OPEN = "open", "整改中"
    SUBMITTED = "submitted", "待核验"
    CLOSED = "closed", "已销号"


class Rectification(RowVersioned, Audited, RegionScoped, db.Model):
    """整改: a failed item of a finalized inspection, followed until the county closes it (销号)."""

    __tablename__ = "rectifications"
    __scope_parent__ = "inspection_id"
    __table_args__ = (
        Index("ix_rectifications_region_status_due", "region_id", "status", "due_on"),
        UniqueConstraint("inspection_id", "item_id"),  # one finding per failed item
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("standard_items.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    finding: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[RectificationStatus] = mapped_column(
        enum_type(RectificationStatus, 16), default=RectificationStatus.OPEN
    )
    response: Mapped[str] = mapped_column(Text, default="")  # what the township did
    review_note: Mapped[str] = mapped_column(Text, default="")  # the county's word when sending back or closing
    times_returned: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="rectifications")
    item: Mapped[StandardItem] = relationship()
    organization: Mapped[Organization] = relationship()

    def __str__(self) -> str:
        return f"{self.organization.name}：{self.item.title}"

    def is_overdue(self, today: date) -> bool:
        return self.status != RectificationStatus.CLOSED and self.due_on < today
