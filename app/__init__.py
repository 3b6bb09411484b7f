"""County Sports Desk (县域体育工作台): the application factory."""
from pathlib import Path

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import activities, cases, printing, reports, standards, transactions, versioning
from app.assets import init_assets
from app.audit.labels import readable_changes
from app.extensions import compress, csrf, db, login_manager, migrate
from app.permissions import current_view_allows
from app.scoping import scope_for, set_scope
from app.timeutil import format_local
from config import Config

ROOT = Path(__file__).resolve().parent.parent

# Security headers for every response. htmx needs no inline script or style:
# its indicator styles are switched off in the page's htmx-config.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # The desk needs none of the browser's powerful features; embedded content gets none either.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
}
# Sent only over HTTPS: a browser that saw it keeps to HTTPS for a year.
HSTS = "max-age=31536000; includeSubDomains"


def create_app(config_class=Config) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=None,
        instance_path=str(config_class.INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])

    db.init_app(app)
    transactions.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    init_assets(app, ROOT / "static")
    printing.init_app(app)

    _import_models()
    _register_blueprints(app)
    versioning.register()
    standards.init_app(app)
    cases.init_app(app)
    activities.init_app(app)
    reports.init_app(app)
    _register_request_hooks(app)
    app.jinja_env.filters["local_dt"] = format_local
    app.jinja_env.globals["audit_changes"] = readable_changes
    # Smaller pages for slow links: no blank lines where block tags stood.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


def _import_models() -> None:
    # Every model must be mapped before the first query, for relationships and Alembic.
    import app.activities.models  # noqa: F401
    import app.api.models  # noqa: F401
    import app.attachments.models  # noqa: F401
    import app.audit.listeners  # noqa: F401
    import app.audit.models  # noqa: F401
    import app.auth.models  # noqa: F401
    import app.cases.models  # noqa: F401
    import app.jobs.models  # noqa: F401
    import app.organizations.models  # noqa: F401
    import app.regions.models  # noqa: F401
    import app.revisions  # noqa: F401
    import app.standards.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    # A package holds only its blueprint; importing its route modules here attaches the views.
    # So a model can be imported (by scoping, audit, a job) without pulling in any views.
    from app import cli, errors
    from app.activities import routes as activity_routes
    from app.api import cli as api_token_commands  # noqa: F401 - attaches `flask api-token …` to api.bp
    from app.api import routes as api_routes
    from app.api import token_routes  # noqa: F401 - the administrator's token pages, on api.bp too
    from app.attachments import routes as attachment_routes
    from app.audit import routes as audit_routes
    from app.auth import routes as auth_routes
    from app.backup import cli as backup_commands
    from app.cases import import_routes as case_import_routes
    from app.cases import routes as case_routes
    from app.jobs import cli as job_commands  # noqa: F401 - attaches the worker commands to jobs.bp
    from app.jobs import routes as job_routes
    from app.main import routes as main_routes
    from app.organizations import routes as organization_routes
    from app.printing import verification_routes
    from app.regions import routes as region_routes
    from app.reports import (
        kpi_routes,  # noqa: F401 - the KPI pages, on reports.bp too
        statistics_routes,  # noqa: F401 - the year's statistics, on reports.bp too
    )
    from app.reports import routes as report_routes
    from app.standards import (
        inspection_routes,
        rectification_routes,
        sheet_routes,
        standard_routes,
    )

    for module in (main_routes, auth_routes, region_routes, organization_routes, inspection_routes,
                   rectification_routes, standard_routes, sheet_routes, verification_routes, report_routes,
                   case_routes, case_import_routes, activity_routes, job_routes, attachment_routes, audit_routes, api_routes,
                   errors, cli, backup_commands):
        app.register_blueprint(module.bp)


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def scope_and_guard():
        if request.endpoint == "static" or current_view_allows("token_authenticated"):
            return None  # the API's calls carry their own token, scope and identity (app.api.calls)
        if not current_user.is_authenticated:
            return None
        set_scope(scope_for(current_user.region))
        if current_view_allows("before_password_change"):
            return None
        if current_user.must_change_password and request.endpoint != "main.healthz":
            return redirect(url_for("auth.change_password"))
        if request.method == "POST" and not current_user.can_write and not current_view_allows("read_only_allowed"):
            abort(403)
        return None

    @app.after_request
    def keep_address_of_refused_forms(response):
        # A boosted form that is refused (422, 403 …) re-renders its page; the address bar must
        # keep the page's address, not the form's POST-only action, or a reload answers 405.
        if request.method == "POST" and response.status_code >= 400 and request.headers.get("HX-Request"):
            response.headers["HX-Push-Url"] = "false"
        return response

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if current_user and getattr(current_user, "is_authenticated", False) and request.endpoint != "static":
            # Pages hold personal and regional data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "private, no-cache")
        return response
