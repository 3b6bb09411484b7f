"""Account rules: logging in with throttling and lock-out, and managing accounts.

Services change state and flush; the view commits once. A broken rule raises RuleError.
"""
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import LoginAttempt, User
from app.auth.roles import Role, role_region_problem
from app.extensions import db
from app.regions.models import Region
from app.rules import RuleError
from app.scoping import unscoped
from app.timeutil import utcnow


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the username is unknown, so a wrong name costs what a wrong password does."""
    return generate_password_hash("not a password", method=method)


@dataclass
class LoginResult:
    user: User | None = None
    error: str = ""
    throttled: bool = False


def find_user(username: str) -> User | None:
    """Usernames are unique across all regions, so the lookup is deliberately unscoped."""
    with unscoped():
        return db.session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()


def _recent_failures(now, *conditions) -> list:
    """Failed attempts matching ``conditions`` within the login window, newest first."""
    since = now - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return list(db.session.execute(
        select(LoginAttempt.created_at)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since, *conditions)
        .order_by(LoginAttempt.created_at.desc())
    ).scalars())


def authenticate(username: str, password: str, remote_addr: str, known_device: bool = False) -> LoginResult:
    """Check a password, counting failures per account (lock-out) and per address (throttle).

    ``known_device``: this browser has logged in to this account before (a signed cookie), so
    the address throttle, meant for guessing across many accounts, does not shut it out: a
    township office behind one address keeps working while someone there mistypes.
    Logging in happens before the user's scope exists, so it runs unscoped."""
    with unscoped():
        return _authenticate(username, password, remote_addr, known_device)


def _lock_message(until, now) -> str:
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    return f"该账号因多次密码错误已临时锁定，请约 {minutes} 分钟后再试。"


def _authenticate(username: str, password: str, remote_addr: str, known_device: bool) -> LoginResult:
    cfg = current_app.config
    now = utcnow()
    name = username.strip()[:64]
    if not known_device and len(_recent_failures(now, LoginAttempt.remote_addr == (remote_addr or ""))) \
            >= cfg["LOGIN_IP_MAX_FAILURES"]:
        return LoginResult(error=f"登录失败次数过多，请 {cfg['LOGIN_WINDOW_MINUTES']} 分钟后再试。", throttled=True)

    user = find_user(name)
    # An unknown name is locked out exactly like an account, so the answers never tell which
    # usernames exist; its lock is read from the attempts made under that name.
    if user is not None:
        locked_until = user.locked_until if user.is_locked(now) else None
    else:
        failures = _recent_failures(now, LoginAttempt.username == name)
        locked_until = None
        if len(failures) >= cfg["LOGIN_MAX_FAILURES"]:
            until = failures[cfg["LOGIN_MAX_FAILURES"] - 1] + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
            locked_until = until if until > now else None
    if locked_until is not None:
        return LoginResult(error=_lock_message(locked_until, now), throttled=True)

    # The same password work whether the account exists or not: no timing tells them apart.
    dummy = _dummy_hash(cfg["PASSWORD_HASH_METHOD"])
    password_ok = user.check_password(password) if user is not None else check_password_hash(dummy, password)
    ok = user is not None and user.active and password_ok
    if not ok:
        failures_now = (user.failed_logins + 1) if user is not None else \
            len(_recent_failures(now, LoginAttempt.username == name)) + 1
    db.session.add(LoginAttempt(username=name, remote_addr=remote_addr or "", succeeded=ok))
    if not ok:
        if user is not None:
            user.failed_logins = failures_now
        if failures_now >= cfg["LOGIN_MAX_FAILURES"]:
            if user is not None:
                user.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
                user.failed_logins = 0
            db.session.flush()
            return LoginResult(
                error=f"密码连续错误 {cfg['LOGIN_MAX_FAILURES']} 次，账号已锁定 {cfg['LOGIN_LOCK_MINUTES']} 分钟。",
                throttled=True,
            )
        db.session.flush()
        if user is not None and not user.active and password_ok:
            return LoginResult(error="该账号已停用，请联系管理员。")  # told only to whoever knows the password
        return LoginResult(error="用户名或密码错误。")

    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return LoginResult(user=user)


def _check_role_region(role: Role, region_id: int) -> None:
    """The level rule holds for every way an account is made or changed, not only the form."""
    region = db.session.get(Region, region_id)
    if region is None:
        raise RuleError("请选择所属区划。", "region_id")
    if problem := role_region_problem(role, region):
        raise RuleError(problem, "region_id")


def create_user(*, username: str, display_name: str, role: Role, region_id: int, password: str, phone: str = "") -> User:
    """A new account, which must change its password at first login; raises RuleError."""
    _check_role_region(role, region_id)
    user = User(
        username=username.strip(),
        display_name=display_name.strip(),
        role=role,
        region_id=region_id,
        phone=phone.strip(),
        must_change_password=True,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, display_name: str, role: Role, region_id: int, phone: str) -> None:
    _check_role_region(role, region_id)
    user.display_name = display_name.strip()
    user.role = role
    user.region_id = region_id
    user.phone = phone.strip()
    db.session.flush()


def log_out(user: User) -> None:
    """A copy of the session cookie taken before logging out must not work afterwards: the
    session token changes, as on a password change, ending the account's sessions server-side."""
    user.end_sessions()
    db.session.flush()


def reset_password(user: User, new_password: str) -> None:
    """An administrator sets a temporary password; the owner must change it at next login."""
    user.set_password(new_password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def change_own_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    user.active = active
    db.session.flush()
