"""审计日志: who changed which record, when, from where, and what each field was before."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, inspect
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.regional import RegionScoped
from app.timeutil import utcnow


class Audited:
    """Marker mixin: inserts, updates and deletes of these models are written to the audit log.

    ``__audit_exclude__`` names bookkeeping columns whose changes are not worth an entry;
    ``__audit_masked__`` names columns recorded as changed without their values.
    """

    __audit_exclude__: frozenset[str] = frozenset()
    __audit_masked__: frozenset[str] = frozenset()
    @property
    def audit_region_id(self) -> int | None:
        """Regional records log under their region (Region itself overrides this with its own id)."""
        return getattr(self, "region_id", None)


def record_key(obj) -> str:
    """The record's primary key as text (set during the flush, before the identity map knows it)."""
    return str(inspect(obj).mapper.primary_key_from_instance(obj)[0])


ACTION_LABELS = {"insert": "新增", "update": "修改", "delete": "删除", "view": "查看"}


class AuditEntry(RegionScoped, db.Model):
    """One change to one record. Its region is the record's, so the log is scoped like the records."""

    __tablename__ = "audit_entries"
    __scope_parent__ = ("record_type", "record_id")
    __table_args__ = (
        Index("ix_audit_entries_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Kept as text too, so the entry still reads right after the account is renamed.
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    record_label: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    # Regional records log under their region; region-less ones (standards) under the editor's.
    # Only command-line changes to those are left without one.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)
