"""Role checks for views: who may do what, answered with 403 otherwise."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Logged in and holding one of ``roles`` (``Role`` values), else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# A plain string: importing Role here would import the auth blueprint, which imports this module.
admin_required = roles_required("admin")
