"""API tokens: a caller's secret, kept only as its SHA-256, scoped to a region subtree."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.extensions import db
from app.regional import SCOPE_ROOT, RegionScoped
from app.timeutil import utcnow


class ApiToken(Audited, RegionScoped, db.Model):
    """One caller's token. The token itself is shown once, when issued; ``prefix`` (its first
    characters) tells tokens apart on the page; revoked tokens stay, for the audit log."""

    __tablename__ = "api_tokens"
    __scope_parent__ = SCOPE_ROOT
    __audit_masked__ = frozenset({"token_hash"})
    # Touched by every call (at most once a minute): bookkeeping, not a change worth an entry.
    __audit_exclude__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    created_by = relationship("User")

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None
