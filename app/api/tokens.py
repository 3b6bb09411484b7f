"""Issuing, revoking and checking API tokens.

A token is 32 random bytes (``secrets.token_urlsafe``), shown once; the database keeps its
SHA-256 only. A plain hash (no salt, no slow function) is enough for a secret of 256 random
bits, which no dictionary holds, and lets a call find its token by one indexed lookup."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api.models import ApiToken
from app.auth.models import User
from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.rules import RuleError

PREFIX_LENGTH = 8
# A token works for a county or a wider region: the cases it pushes are numbered and kept by a county.
TOKEN_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
# last_used_at is written at most this often: a busy caller does not write on every call.
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(name: str, region: Region, user: User, now: datetime, *, secret: str | None = None
                ) -> tuple[ApiToken, str]:
    """A new token for ``region``'s subtree, issued by ``user``: the record and the secret (to
    show once). ``secret`` is given only for the demo's documented token."""
    name = (name or "").strip()
    if not name:
        raise RuleError("请填写令牌名称（调用方，如“晋城市12345平台”）。", "name")
    if len(name) > 80:
        raise RuleError("名称不能超过 80 个字。", "name")
    if region is None or region.level not in TOKEN_LEVELS:
        raise RuleError("令牌的范围应为省、市或县（市、区）。", "region_id")
    if not region.active:
        raise RuleError(f"{region.name}已停用。", "region_id")
    secret = secret or secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(secret), prefix=secret[:PREFIX_LENGTH], region_id=region.id,
                     created_by_id=user.id if user is not None else None, created_at=now)
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken, now: datetime) -> None:
    if token.revoked_at is not None:
        raise RuleError("该令牌已经吊销。", "token")
    token.revoked_at = now
    db.session.flush()


def find_token(secret: str) -> ApiToken | None:
    """The token ``secret`` names, revoked or not, whatever the scope (the caller has none yet)."""
    if not secret or len(secret) > 200:
        return None
    # Its region and issuer come along: the call's scope and audit entries are theirs.
    return db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
        .options(joinedload(ApiToken.region), joinedload(ApiToken.created_by).joinedload(User.region)),
        execution_options={"unscoped": True},
    ).scalar_one_or_none()


def refusal(token: ApiToken | None) -> str | None:
    """Why a call with ``token`` is refused (401); None when it may go on. The token's issuer
    must still be an active administrator: the calls are made, and audited, in their name."""
    if token is None:
        return "接口令牌无效。"
    if token.revoked_at is not None:
        return "接口令牌已吊销。"
    creator = token.created_by
    if creator is None or not creator.active or not creator.is_admin:
        return "签发该令牌的管理员账号已停用，令牌随之失效。"
    return None


def touch(token: ApiToken, now: datetime) -> bool:
    """Note the call on the token (at most once a minute); True when written."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    token.last_used_at = now
    return True
