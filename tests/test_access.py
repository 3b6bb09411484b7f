"""Every protected page: login required, wrong role 403, out of scope 404.

The sweep walks ``app.url_map``, so a new blueprint's pages are checked the day they are added:
anonymous requests go to the login page (401 under /api/), and the read-only viewer is refused
every POST. The few exceptions are named here, on purpose, so widening them takes a test edit.
"""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.regions.models import Region
from app.standards.models import ItemResult
from tests.factories import make_activity, make_inspection, make_org

ADMIN_ONLY = ["/users", "/users/new", "/audit", "/api-tokens"]

# Open to everyone by design (the API's description: a caller reads it before it has a token).
PUBLIC_ENDPOINTS = {"static", "auth.login", "main.healthz", "verification.verify", "verification.lookup",
                    "api.openapi_document", "api.docs"}
# The API's calls: authenticated by a token, never by the session (app.api.calls).
TOKEN_ENDPOINTS = {"api.channels", "api.case", "api.cases", "api.create_case", "api.follow_up"}
# POSTs that change no domain record: a read-only viewer may make them.
READ_ONLY_POSTS = {"auth.logout", "auth.change_password", "sheets.batch"}
# A path argument named like this takes an id from that table; other ``<name>_id`` take it from
# the table ``<name>s`` (or ``..._<name>s``: version_id -> standard_versions).
ID_TABLES = {"org_id": "organizations", "parent_id": "regions", "match_id": "case_matches", "activity_id": "activities"}
STRING_ARGUMENTS = {"filename": "photo.jpg", "code": "ABCD2345", "kind": "accept", "slug": "todo",
                    "sheet": "assignment", "letter_kind": "opinion", "number": "阳城体诉〔2026〕0001号",
                    "decision": "link", "token": "0" * 32, "which": "first"}
METHODS = ("GET", "POST")


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC_ENDPOINTS), key=lambda r: r.rule)


def _id_table(argument: str) -> str | None:
    if argument in ID_TABLES:
        return ID_TABLES[argument]
    if not argument.endswith("_id"):
        return None
    plural = argument.removesuffix("_id") + "s"
    tables = db.metadata.tables
    return plural if plural in tables else next((t for t in tables if t.endswith("_" + plural)), None)


def _url(app, rule, real_ids: bool) -> str:
    """``rule`` with its arguments filled: dummy values, or (``real_ids``) the newest record of each table."""
    values = {}
    for argument in rule.arguments:
        if argument in STRING_ARGUMENTS:
            values[argument] = STRING_ARGUMENTS[argument]
            continue
        table_name = _id_table(argument)
        if not real_ids:
            values[argument] = 1
            continue
        assert table_name, f"{rule.rule}: no table for <{argument}>; name it in ID_TABLES or STRING_ARGUMENTS"
        with app.app_context():
            table = db.metadata.tables[table_name]
            newest = db.session.execute(select(func.max(table.c.id))).scalar()
        assert newest is not None, f"{rule.rule}: no {table_name} record; add one to the records fixture"
        values[argument] = newest
    with app.test_request_context():
        return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def records(app, world):
    """A record in every table an id in a URL points to: a finalized check with a finding, a
    draft, an activity, a registered case and its repeat (a duplicate proposal), an API token."""
    from datetime import datetime

    from app.api.tokens import issue_token
    from app.cases import services as cases
    from app.cases.models import CaseCategory, CaseType, ChannelClass
    from app.scoping import set_scope
    from tests.factories import user

    with app.app_context():
        org = make_org(world.town_a1)
        make_inspection(org, results={"有经费": ItemResult.FAIL}, finalize=True)
        make_inspection(org)
        make_activity(org)
        db.session.commit()
    with app.test_request_context():
        set_scope(None)
        hotline = db.session.execute(select(ChannelClass).order_by(ChannelClass.id)).scalars().first()
        received = datetime(2026, 10, 8, 9)
        for _ in range(2):
            cases.register_case(cases.NewCase(channel_class=hotline, received_at=received, type=CaseType.HELP,
                                              category=CaseCategory.OTHER, content="咨询", place="凤城镇"),
                                user("supervisor"), db.session.get(Region, world.county_a.id), received)
        issue_token("平台", db.session.get(Region, world.county_a.id), user("admin"), received)
        db.session.commit()


def test_the_exceptions_are_the_apps_own(app):
    """The views that declare the read-only allowance (app.permissions) are exactly these."""
    declared = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "read_only_allowed", False)}
    assert declared == READ_ONLY_POSTS


def test_the_token_endpoints_are_the_apis_own(app):
    """The views that declare token authentication (and so skip the session guard and CSRF) are exactly these."""
    declared = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "token_authenticated", False)}
    assert declared == TOKEN_ENDPOINTS
    assert all(app.url_map._rules_by_endpoint[e][0].rule.startswith("/api/v1/") for e in declared)


def test_every_page_requires_login(app, client):
    wrong = []
    for rule in _rules(app):
        url = _url(app, rule, real_ids=False)
        for method in METHODS:
            if method not in rule.methods:
                continue
            response = client.open(url, method=method)
            if rule.rule.startswith("/api/"):
                ok = response.status_code == 401
            else:
                ok = response.status_code == 302 and "/login" in response.headers.get("Location", "")
            if not ok:
                wrong.append((method, url, response.status_code))
    assert not wrong


def test_the_viewer_is_refused_every_change(app, viewer_client, records):
    posts = [r for r in _rules(app) if "POST" in r.methods and r.endpoint not in READ_ONLY_POSTS]
    assert len(posts) > 20  # the sweep found the app's forms
    wrong = []
    for rule in posts:
        url = _url(app, rule, real_ids=True)
        response = viewer_client.post(url, data={})
        # A session opens nothing of the API: without a token it is 401, whoever is logged in.
        expected = 401 if rule.endpoint in TOKEN_ENDPOINTS else 403
        if response.status_code != expected:
            wrong.append((rule.endpoint, url, response.status_code))
    assert not wrong


@pytest.mark.parametrize("username", ["supervisor", "clerk", "viewer"])
@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_admin_pages_refuse_other_roles(client_as, world, username, path):
    assert client_as(username).get(path).status_code == 403


def test_viewer_is_read_only(viewer_client, world):
    assert viewer_client.get("/regions").status_code == 200
    assert viewer_client.post(f"/regions/{world.county_a.id}/new", data={"name": "x", "code": "140522150"}).status_code == 403


def test_clerk_of_township_a_gets_404_for_township_b(client_as, world):
    clerk = client_as("clerk")
    assert clerk.get(f"/regions/{world.town_a1.id}").status_code == 200
    for region in (world.town_b1, world.town_a2, world.county_b):
        assert clerk.get(f"/regions/{region.id}").status_code == 404


def test_admin_of_a_county_cannot_reach_other_county_users(app, client_as, world):
    from app.auth.models import Role, User
    from app.auth.services import create_user
    from app.extensions import db

    with app.app_context():
        user = create_user(username="county_admin", display_name="县管理员", role=Role.ADMIN,
                           region_id=world.county_a.id, password="Test-2026")
        user.must_change_password = False
        db.session.commit()
    client = client_as("county_admin")
    assert client.get(f"/users/{world.users['clerk']}").status_code == 200
    assert client.get(f"/users/{world.users['clerk_b']}").status_code == 404
    assert client.post(f"/users/{world.users['clerk_b']}/active").status_code == 404
    assert client.post(f"/users/{world.users['clerk_b']}/password", data={"password": "Hack-2026x"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, world.users["clerk_b"]).active is True
