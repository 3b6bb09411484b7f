"""Who may do what: the role groups, the view decorators that answer 403, and the few posts
that a read-only account or one that must first change its password may still make.

Views declare their allowance with a decorator; the request guard in the app factory reads
it from the view, so a new blueprint needs no list of endpoint names kept elsewhere.
"""
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user, login_required

from app.auth.roles import Role

COUNTY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})  # 县级: accept, spot-check, verify, sign
WRITING_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.CLERK})  # everyone but the read-only viewer


def roles_required(*roles: Role):
    """Logged in and holding one of ``roles``, else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required(Role.ADMIN)
county_required = roles_required(*COUNTY_ROLES)
writer_required = roles_required(*WRITING_ROLES)


def read_only_allowed(view):
    """A POST that changes no domain record (printing, say): a read-only viewer may make it."""
    view.read_only_allowed = True
    return view


def before_password_change(view):
    """A POST an account that must first change its password may still make."""
    view.before_password_change = True
    view.read_only_allowed = True
    return view


def current_view_allows(allowance: str) -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, allowance, False)
