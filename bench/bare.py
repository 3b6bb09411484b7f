"""The bare reference: plain Flask, SQLAlchemy Core and Jinja on the same data, without the app's
login, CSRF, scoping hooks, audit listeners, htmx rendering or compression.

Its township page runs the query a township list needs (the 50 newest rows of the township's
subtree) written by hand, so the app's pages can be held against what the bare stack costs.
Its inspection page does the same for the inspection list (with the organisation's and the
township's names joined in).
Served by gunicorn as ``bench.bare:app`` with ``DATABASE_URL`` pointing at the scratch database.
"""
import os

from flask import Flask, abort, render_template, request
from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, create_engine, select, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"])

metadata = MetaData()
regions = Table(
    "regions", metadata,
    Column("id", Integer, primary_key=True), Column("code", String), Column("name", String),
    Column("level", String), Column("path", String), Column("active", Boolean),
)
audit_entries = Table(
    "audit_entries", metadata,
    Column("id", Integer, primary_key=True), Column("created_at", DateTime), Column("username", String),
    Column("action", String), Column("record_type", String), Column("record_id", String),
    Column("record_label", String), Column("changes", JSON), Column("remote_addr", String),
    Column("region_id", Integer),
)

organizations = Table(
    "organizations", metadata,
    Column("id", Integer, primary_key=True), Column("name", String), Column("region_id", Integer),
)
inspections = Table(
    "inspections", metadata,
    Column("id", Integer, primary_key=True), Column("organization_id", Integer), Column("kind", String),
    Column("status", String), Column("inspected_on", Date), Column("verdict", String),
    Column("verification_code", String), Column("region_id", Integer),
)
LABELS = {
    "self_check": "自查", "acceptance": "验收", "spot_check": "抽查", "recheck": "复查",
    "draft": "草稿", "submitted": "已提交", "finalized": "已定稿", "pass": "达标", "fail": "不达标",
}


def _subtree(conn, region_id: int | None):
    """Ids of the region and everything below it, as a subquery (the app's scope, by hand)."""
    path = conn.execute(select(regions.c.path).where(regions.c.id == region_id)).scalar_one_or_none()
    if path is None:
        abort(404)
    return select(regions.c.id).where(regions.c.path.startswith(path))


@app.route("/audit")
def audit():
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_entries)
            .where(audit_entries.c.region_id.in_(_subtree(conn, request.args.get("region", type=int))))
            .order_by(audit_entries.c.created_at.desc(), audit_entries.c.id.desc())
            .limit(50)
        ).all()
    return render_template("bare/audit.html", rows=rows)


@app.route("/regions")
def region_list():
    with engine.connect() as conn:
        rows = conn.execute(
            select(regions)
            .where(regions.c.id.in_(_subtree(conn, request.args.get("region", type=int))))
            .order_by(regions.c.code)
            .limit(50)
        ).all()
    return render_template("bare/regions.html", rows=rows)


@app.route("/inspections")
def inspection_list():
    with engine.connect() as conn:
        rows = conn.execute(
            select(inspections, organizations.c.name.label("organization"), regions.c.name.label("region"))
            .join(organizations, organizations.c.id == inspections.c.organization_id)
            .join(regions, regions.c.id == inspections.c.region_id)
            .where(inspections.c.region_id.in_(_subtree(conn, request.args.get("region", type=int))))
            .order_by(inspections.c.inspected_on.desc(), inspections.c.id.desc())
            .limit(50)
        ).all()
    return render_template("bare/inspections.html", rows=rows, labels=LABELS)


@app.route("/healthz")
def healthz():
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return "ok"
