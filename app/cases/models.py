"""诉求件: hotline calls, petitions, proposals and online questions, handled on legal deadlines.

A ``Case`` arrives through a ``Channel`` (来源渠道) under one of its handling classes, whose
``DeadlineRule`` rows give each limit; a rule is never edited in place (an edit closes it and
opens its successor), so a case keeps the rules it was received under. The case belongs to the
region of whoever must act on it: the county while it is registered and reviewed, the township
once dispatched there (``scoping.rehome`` moves it, its deadlines, actions and history along).
Every step is a ``CaseAction``, written once and never changed: the timeline.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.cases.deadlines import Limit, Unit
from app.enums import LabelledEnum
from app.extensions import db, enum_type
from app.regional import SCOPE_ROOT, RegionScoped
from app.timeutil import utcnow
from app.versioning import RowVersioned


class DeadlineKind(LabelledEnum):
    SIGN_FOR = "sign_for", "签收"
    ACCEPT_NOTICE = "accept_notice", "受理告知"
    OBJECTION = "objection", "错派异议（退单）"
    ANSWER = "answer", "办结答复"
    EXTENSION_MAX = "extension_max", "最长延期"
    REVIEW_REQUEST = "review_request", "申请复查（复核）"
    REVIEW_ANSWER = "review_answer", "复查（复核）答复"
    REANSWER = "reanswer", "不满意重办"


# Windows, not duties: the time a unit has to object to a wrong assignment, a petitioner to ask
# for a review, the longest extension. Their end passing is no lateness of anyone's.
WINDOW_KINDS = frozenset({DeadlineKind.OBJECTION, DeadlineKind.REVIEW_REQUEST, DeadlineKind.EXTENSION_MAX})


class Channel(Audited, db.Model):
    """来源渠道: 12345热线, 来信, 来访 … The code is stable: the API and imports use it."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    is_petition: Mapped[bool] = mapped_column(Boolean, default=False)  # 信访: 告知书, 复查/复核
    is_proposal: Mapped[bool] = mapped_column(Boolean, default=False)  # 建议/提案: 答复函, 再答复
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    classes: Mapped[list["ChannelClass"]] = relationship(back_populates="channel", order_by="ChannelClass.position")

    def __str__(self) -> str:
        return self.name


class ChannelClass(Audited, db.Model):
    """A handling class of a channel (12345: 一般/复杂/紧急; proposals: 一般/重点难点)."""

    __tablename__ = "channel_classes"
    __table_args__ = (UniqueConstraint("channel_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)

    channel: Mapped[Channel] = relationship(back_populates="classes")
    rules: Mapped[list["DeadlineRule"]] = relationship(back_populates="channel_class")

    def __str__(self) -> str:
        return f"{self.channel.name}（{self.name}）"


class DeadlineRule(Audited, db.Model):
    """One limit of a handling class, in force from ``valid_from`` until ``valid_until``."""

    __tablename__ = "deadline_rules"
    __table_args__ = (Index("ix_deadline_rules_class_kind", "channel_class_id", "kind", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_class_id: Mapped[int] = mapped_column(ForeignKey("channel_classes.id"))
    kind: Mapped[DeadlineKind] = mapped_column(enum_type(DeadlineKind, 20))
    amount: Mapped[int]
    unit: Mapped[Unit] = mapped_column(enum_type(Unit, 20))
    roll_to_workday: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]

    channel_class: Mapped[ChannelClass] = relationship(back_populates="rules")

    @property
    def limit(self) -> Limit:
        return Limit(self.amount, self.unit, self.roll_to_workday)

    def __str__(self) -> str:
        return f"{self.kind.label}{self.limit.label}"


class CalendarDay(Audited, db.Model):
    """A date the administrator has set as a working day or a day off (调休, a holiday)."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(60), default="")

    def __str__(self) -> str:
        return f"{self.day}{'上班' if self.workday else '休息'}"


class CalendarYear(Audited, db.Model):
    """A year whose whole holiday arrangement has been entered (as the State Council published it)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(200), default="")  # 国办发明电〔2026〕X号
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by: Mapped[str] = mapped_column(String(64), default="")

    @property
    def id(self) -> int:  # the audit log names records by id
        return self.year

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class UnitKind(LabelledEnum):
    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY_OFFICE = "county_office", "县直单位（股室）"


class HandlingUnit(Audited, RegionScoped, db.Model):
    """承办单位: a township (its clerks handle its cases) or a county office (股室, 体育中心 …),
    kept by the administrator per county with the users who work in it."""

    __tablename__ = "handling_units"
    __scope_parent__ = SCOPE_ROOT
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind, 16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class CaseType(LabelledEnum):
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"


class CaseCategory(LabelledEnum):
    VENUE_OPENING = "venue_opening", "场馆开放"
    EQUIPMENT_DAMAGE = "equipment_damage", "健身器材损坏"
    NOISE = "noise", "噪音扰民"
    TRAINING_REFUND = "training_refund", "培训退费"
    EVENTS = "events", "赛事活动"
    ORGANIZATIONS = "organizations", "体育社会组织"
    OTHER = "other", "其他"


class CaseStatus(LabelledEnum):
    REGISTERED = "registered", "待受理"
    ACCEPTED = "accepted", "待派单"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "待签收"
    HANDLING = "handling", "办理中"
    RETURN_REQUESTED = "return_requested", "退单待审"
    REPLIED = "replied", "待审核"
    CALLBACK = "callback", "待回访"
    CLOSED = "closed", "已办结"
    REVIEWING = "reviewing", "复查（复核）中"


class Priority(LabelledEnum):
    NORMAL = "normal", "一般"
    HIGH = "high", "优先"


class Case(RowVersioned, Audited, RegionScoped, db.Model):
    """诉求件: one matter raised by a caller, a petitioner or a deputy, from receipt to 办结."""

    __tablename__ = "cases"
    __scope_parent__ = SCOPE_ROOT
    __audit_masked__ = frozenset({"requester_name", "requester_phone"})
    __table_args__ = (
        UniqueConstraint("county_id", "year", "serial"),
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_cases_region_received", "region_id", "received_at", "id"),
        Index("ix_cases_region_status", "region_id", "status"),
        # Duplicate candidates: the county's cases around a date, and a caller's earlier cases.
        Index("ix_cases_county_received", "county_id", "received_at"),
        Index("ix_cases_requester_phone", "requester_phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))  # whose number series it is in
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)  # 阳城体诉〔2026〕0123号
    verification_code: Mapped[str] = mapped_column(String(12), unique=True)  # printed on its paper
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("channel_classes.id"))
    external_id: Mapped[str | None] = mapped_column(String(60))  # the platform's 工单号
    received_at: Mapped[datetime]  # China time, as the paper and the law count it
    type: Mapped[CaseType] = mapped_column(enum_type(CaseType, 20))
    category: Mapped[CaseCategory] = mapped_column(enum_type(CaseCategory, 24))
    requester_name: Mapped[str] = mapped_column(String(40), default="")  # empty: anonymous
    requester_phone: Mapped[str] = mapped_column(String(30), default="")
    content: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200), default="")
    place_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))  # where the matter is
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_units.id"), index=True)
    priority: Mapped[Priority] = mapped_column(enum_type(Priority, 10), default=Priority.NORMAL)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, 20), default=CaseStatus.REGISTERED)
    round: Mapped[int] = mapped_column(default=1)  # 重办 starts a new round on the same case
    extended: Mapped[bool] = mapped_column(Boolean, default=False)  # the one extension (信访 Art 34) is used
    pending: Mapped[str] = mapped_column(String(20), default="")  # a request awaiting the county: extension
    reply_result: Mapped[str] = mapped_column(String(20), default="")
    satisfaction: Mapped[str] = mapped_column(String(20), default="")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A duplicate merged into the case that answers it (重复件): closed, pointing there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # What the platform (12345) owns and says of its work order: its status, its own 回访 and
    # satisfaction. A re-import or the API updates only these (PlatformReport).
    platform_status: Mapped[str] = mapped_column(String(40), default="")
    platform_callback: Mapped[str] = mapped_column(Text, default="")
    platform_satisfaction: Mapped[str] = mapped_column(String(20), default="")
    platform_updated_at: Mapped[datetime | None]

    # Three columns point at regions: the one the case lives in (the scope), its county's number
    # series (read upward with Region.ancestor: a township's clerk may name, not open, the
    # county), and where the matter is.
    region = relationship("Region", foreign_keys="Case.region_id")
    place_region = relationship("Region", foreign_keys=[place_region_id])
    channel: Mapped[Channel] = relationship()
    channel_class: Mapped[ChannelClass] = relationship()
    unit: Mapped[HandlingUnit | None] = relationship()
    organization = relationship("Organization")
    merged_into: Mapped["Case | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    deadlines: Mapped[list["CaseDeadline"]] = relationship(back_populates="case", order_by="CaseDeadline.id")
    actions: Mapped[list["CaseAction"]] = relationship(back_populates="case", order_by="CaseAction.id")

    def __str__(self) -> str:
        return self.number

    def open_deadline(self, kind: DeadlineKind) -> "CaseDeadline | None":
        return next((d for d in self.deadlines if d.kind == kind and d.met_at is None and not d.cancelled), None)


class CaseDeadline(Audited, RegionScoped, db.Model):
    """One deadline of a case, computed under the rule in force when it started."""

    __tablename__ = "case_deadlines"
    __scope_parent__ = "case_id"
    __region_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DeadlineKind] = mapped_column(enum_type(DeadlineKind, 20))
    rule_id: Mapped[int] = mapped_column(ForeignKey("deadline_rules.id"))
    round: Mapped[int] = mapped_column(default=1)
    starts_at: Mapped[datetime]  # China time
    due_at: Mapped[datetime]  # China time; a day-based limit ends with its day
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    moved_from: Mapped[date | None] = mapped_column(Date)  # the rest day it fell on
    met_at: Mapped[datetime | None]  # China time: signed for, answered …
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)  # the step it waited for is no longer due

    case: Mapped[Case] = relationship(back_populates="deadlines")
    rule: Mapped[DeadlineRule] = relationship()

    def __str__(self) -> str:
        return f"{self.kind.label}期限"

    @property
    def is_window(self) -> bool:
        return self.kind in WINDOW_KINDS


class ActionKind(LabelledEnum):
    REGISTER = "register", "登记"
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    DISPATCH = "dispatch", "派单"
    SIGN_FOR = "sign_for", "签收"
    REQUEST_RETURN = "request_return", "申请退单"
    APPROVE_RETURN = "approve_return", "同意退单"
    REFUSE_RETURN = "refuse_return", "驳回退单"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "批准延期"
    REFUSE_EXTENSION = "refuse_extension", "不批准延期"
    REPLY = "reply", "回复"
    APPROVE_REPLY = "approve_reply", "审核通过"
    SEND_BACK = "send_back", "审核退回"
    CALLBACK = "callback", "回访"
    CLOSE = "close", "办结"
    REDO = "redo", "重办"
    REQUEST_REVIEW = "request_review", "申请复查"
    REQUEST_RECHECK = "request_recheck", "申请复核"
    REVIEW_OPINION = "review_opinion", "复查（复核）意见"
    URGE = "urge", "催办"
    SUPERVISE = "supervise", "督办"
    LIST_SUPERVISION = "list_supervision", "挂牌督办"
    SUMMON = "summon", "约谈通报"
    NOTE = "note", "备注"
    PLATFORM_REPORT = "platform_report", "平台回访"  # the platform's status, 回访 and satisfaction
    LINK = "link", "关联重复件"
    MERGE = "merge", "合并为重复件"


# The supervision ladder, each rung a step up from the one before it (潍坊 Art 26: 日常督办, 挂牌督办,
# 约谈督办).
SUPERVISION_LADDER = (ActionKind.URGE, ActionKind.SUPERVISE, ActionKind.LIST_SUPERVISION, ActionKind.SUMMON)


class CaseAction(RegionScoped, db.Model):
    """One step of a case, as it happened: who, when, what they wrote, with what. Written once:
    the timeline is never edited (the audit log would have nothing to add, so it is not Audited)."""

    __tablename__ = "case_actions"
    __scope_parent__ = "case_id"
    __region_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[ActionKind] = mapped_column(enum_type(ActionKind, 24))
    round: Mapped[int] = mapped_column(default=1)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80), default="")  # as it was: 张伟（凤城镇）
    at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # the unit dispatched to, the result …

    case: Mapped[Case] = relationship(back_populates="actions")

    def __str__(self) -> str:
        return self.kind.label


class CaseCounter(db.Model):
    """The last serial handed out per county and year: incremented in one UPDATE, so two
    processes registering at once never get the same number."""

    __tablename__ = "case_counters"

    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class MatchReason(LabelledEnum):
    SAME_WORK_ORDER = "same_work_order", "同一工单号"
    SAME_PHONE = "same_phone", "同一来电号码，内容相似"
    SAME_PLACE = "same_place", "同一地点，内容高度相似"


class MatchStatus(LabelledEnum):
    PROPOSED = "proposed", "待确认"
    LINKED = "linked", "已关联"
    MERGED = "merged", "已合并"
    DISMISSED = "dismissed", "不是重复件"


class CaseMatch(Audited, RegionScoped, db.Model):
    """A newer case proposed as a duplicate or repeat of an earlier one (重复件/重复来电), with why
    and how similar; a handler links the two, merges the newer into the earlier, or dismisses it."""

    __tablename__ = "case_matches"
    __scope_parent__ = "case_id"
    __region_index__ = False
    __table_args__ = (UniqueConstraint("case_id", "match_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)  # the newer case
    match_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)  # the earlier one
    reason: Mapped[MatchReason] = mapped_column(enum_type(MatchReason, 20))
    similarity: Mapped[int] = mapped_column(default=0)  # percent, 0–100
    status: Mapped[MatchStatus] = mapped_column(enum_type(MatchStatus, 12), default=MatchStatus.PROPOSED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    match: Mapped[Case] = relationship(foreign_keys=[match_id])

    def __str__(self) -> str:
        return f"{self.reason.label}（{self.similarity}%）"


class ImportMapping(Audited, RegionScoped, db.Model):
    """Which column of a platform's export holds which case field, remembered per county and
    channel and proposed again at the next import: ``columns`` maps a field name to a header."""

    __tablename__ = "import_mappings"
    __scope_parent__ = SCOPE_ROOT
    __table_args__ = (UniqueConstraint("region_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    channel: Mapped[Channel] = relationship()

    def __str__(self) -> str:
        return f"{self.channel.name}导入列对应"
