"""The demo registry is fit for its own forms (issue: no demo organisation can be saved): each
record, opened in its edit form and saved unchanged, is accepted; and the registry's export
imports back into an empty registry, every row, every value."""
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.demo import DEMO_PASSWORD, load_demo_data
from app.extensions import db
from app.organizations.models import Organization
from app.organizations.services import ORG_FIELDS
from app.scoping import unscoped
from tests.organizations.test_import import IMPORT, token_of, upload


class FormValues(HTMLParser):
    """The values a browser would post for the first form with ``action`` on a page."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values, self.select, self.textarea = action, False, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
            self.values.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.values[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += data.lstrip("\n")


@pytest.fixture
def demo_admin(app):
    with app.app_context():
        load_demo_data()
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
        parser = FormValues(action)
        parser.feed(demo_admin.get(action).get_data(as_text=True))
        response = demo_admin.post(action, data=parser.values)
        assert response.status_code == 303, (org["name"], response.get_data(as_text=True)[-3000:])
    assert _organisations(app) == before


def test_the_demo_registry_exports_and_imports_back(app, demo_admin):
    before = _organisations(app)
    exported = demo_admin.get("/organizations/export.xlsx").data
    with app.app_context():
        tables = db.metadata.tables
        with db.engine.begin() as connection:  # an empty registry: the organisations and what hangs on them
            for name in ("attachments", "rectifications", "inspection_results", "inspections", "lifecycle_events",
                         "organizations"):
                connection.execute(tables[name].delete())
    preview = upload(demo_admin, exported)
    assert "全部检查通过" in preview.get_data(as_text=True)
    assert demo_admin.post(IMPORT, data={"token": token_of(preview)}).status_code == 303
    after = _organisations(app)
    strip = lambda rows: sorted(({k: v for k, v in r.items() if k != "id"} for r in rows), key=lambda r: r["credit_code"])  # noqa: E731
    assert strip(after) == strip(before)
