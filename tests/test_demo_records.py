"""The demo registry is fit for its own forms (issue: no demo organisation can be saved): each
record, opened in its edit form and saved unchanged, is accepted; and the registry's export
imports back into an empty registry, every row, every value."""
import pytest
from sqlalchemy import select

from app.demo import DEMO_PASSWORD, load_demo_data
from app.extensions import db
from app.organizations.models import Organization
from app.organizations.services import ORG_FIELDS
from app.scoping import unscoped
from bench.forms import form_values
from tests.organizations.test_import import IMPORT, token_of, upload


@pytest.fixture
def demo_admin(app):
    with app.app_context():
        load_demo_data(case_count=80)  # a sample of the year of cases: each kind, not the thousand
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD}).status_code == 303
    return client


def _organisations(app) -> list[dict]:
    with app.app_context(), unscoped():
        rows = db.session.execute(select(Organization).order_by(Organization.id)).scalars().all()
        return [{"id": o.id, **{k: getattr(o, k) for k in ORG_FIELDS if k != "region_id"}, "region": o.region.code}
                for o in rows]


def test_every_demo_organisation_saves_unchanged_through_its_form(app, demo_admin):
    before = _organisations(app)
    assert len(before) > 10
    for org in before:
        action = f"/organizations/{org['id']}/edit"
        values = form_values(demo_admin.get(action).get_data(as_text=True), action)
        response = demo_admin.post(action, data=values)
        assert response.status_code == 303, (org["name"], response.get_data(as_text=True)[-3000:])
    assert _organisations(app) == before


def test_the_demo_registry_exports_and_imports_back(app, demo_admin):
    before = _organisations(app)
    exported = demo_admin.get("/organizations/export.xlsx").data
    with app.app_context():
        tables = db.metadata.tables
        with db.engine.begin() as connection:  # an empty registry: the organisations and what hangs on them
            for name in ("attachments", "activity_evidence", "activities", "rectifications", "inspection_results",
                         "inspections", "lifecycle_events", "organizations"):
                connection.execute(tables[name].delete())
    preview = upload(demo_admin, exported)
    assert "全部检查通过" in preview.get_data(as_text=True)
    assert demo_admin.post(IMPORT, data={"token": token_of(preview)}).status_code == 303
    after = _organisations(app)
    strip = lambda rows: sorted(({k: v for k, v in r.items() if k != "id"} for r in rows), key=lambda r: r["credit_code"])  # noqa: E731
    assert strip(after) == strip(before)
