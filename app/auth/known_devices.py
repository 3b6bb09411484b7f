"""这台电脑登录过: a signed cookie naming the accounts that logged in from this browser.

The per-address login throttle stops guessing across many accounts, but a township office
shares one address: a known browser logging in to its own account is not held up by someone
else's mistakes there (OWASP's device cookie). The cookie proves nothing else; the password
and the per-account lock-out still apply."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "known_device"
MAX_AGE = 90 * 24 * 3600
MAX_NAMES = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def names(request) -> list[str]:
    value = request.cookies.get(COOKIE)
    if not value:
        return []
    try:
        found = _serializer().loads(value, max_age=MAX_AGE)
    except BadSignature:
        return []
    return [n for n in found if isinstance(n, str)] if isinstance(found, list) else []


def remember(response, known: list[str], username: str) -> None:
    kept = [username] + [n for n in known if n != username][: MAX_NAMES - 1]
    response.set_cookie(COOKIE, _serializer().dumps(kept), max_age=MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
