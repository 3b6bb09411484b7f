"""Users, their roles, and the login attempts used to throttle guessing."""
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.models import Audited
from app.auth.roles import Role
from app.extensions import db, enum_type
from app.permissions import COUNTY_ROLES, WRITING_ROLES
from app.regional import SCOPE_ROOT, RegionScoped
from app.timeutil import utcnow


class User(UserMixin, Audited, RegionScoped, db.Model):
    __tablename__ = "users"
    __scope_parent__ = SCOPE_ROOT
    __audit_exclude__ = frozenset({"failed_logins", "locked_until", "last_login_at"})
    __audit_masked__ = frozenset({"password_hash", "session_token"})

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[Role] = mapped_column(enum_type(Role, 16))
    phone: Mapped[str] = mapped_column(String(20), default="")
    # The handling unit (承办单位) a county user works in: its cases are theirs to act on.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_units.id"))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the session's user id: a new password (or deactivation) changes it, which
    # ends every session and remember-me cookie issued before.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        # scrypt (memory-hard) by default; the test configuration picks a cheaper method.
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.end_sessions()

    def end_sessions(self) -> None:
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_write(self) -> bool:
        return self.role in WRITING_ROLES

    @property
    def is_county(self) -> bool:
        return self.role in COUNTY_ROLES


class LoginAttempt(db.Model):
    """A security record, not a domain record: it throttles guessing by account and by address."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_addr_time", "remote_addr", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
