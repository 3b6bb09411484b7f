"""Fixtures: the app on a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
a clean database for each test, a small region tree, and a logged-in client per role."""
import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, event

from app import create_app, revisions, throttle
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user
from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.regions.services import create_region
from config import TestingConfig
from tests import reference_data

PASSWORD = "Test-2026"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = TestingConfig.SQLALCHEMY_DATABASE_URI
        INSTANCE_DIR = tmp_path_factory.mktemp("instance")

    if not os.environ.get("TEST_DATABASE_URL"):
        # A file, not :memory:, so the browser tests' server thread sees the same data.
        Config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{Config.INSTANCE_DIR / 'test.db'}"
    app = create_app(Config)
    with app.app_context():
        _drop_everything()
        upgrade()  # the real migrations build the schema, so they are tested too
        with db.engine.connect() as conn:
            app.extensions["test_reference_rows"] = reference_data.snapshot(conn)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything():
    """Start from an empty database, whatever an earlier run left (alembic_version included)."""
    leftovers = MetaData()
    leftovers.reflect(bind=db.engine)
    leftovers.drop_all(bind=db.engine)


@pytest.fixture(autouse=True)
def _clean_db(app):
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            # Reference data the migrations load, back for the next test.
            reference_data.restore(conn, app.extensions["test_reference_rows"])
    throttle.forget()  # rate-limit counts belong to one test
    revisions.forget_kept(app)  # the tables were emptied behind the revisions' back


@pytest.fixture
def sql_statements(app):
    """``with sql_statements() as statements:`` the SQL the app sends inside the block, in order."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def capture():
        statements = []

        def note(connection, cursor, statement, *rest):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", note)

    return capture


@dataclass
class World:
    province: Region
    city: Region
    county_a: Region
    county_b: Region
    town_a1: Region
    town_a2: Region
    town_b1: Region
    users: dict


@pytest.fixture
def world(app) -> World:
    """山西省 › 晋城市 › 阳城县 (凤城镇, 北留镇) and 泽州县 (南村镇), one user per role."""
    with app.app_context():
        province = create_region(name="山西省", code="140000", level=RegionLevel.PROVINCE, parent=None)
        city = create_region(name="晋城市", code="140500", level=RegionLevel.CITY, parent=province)
        county_a = create_region(name="阳城县", code="140522", level=RegionLevel.COUNTY, parent=city)
        county_b = create_region(name="泽州县", code="140525", level=RegionLevel.COUNTY, parent=city)
        town_a1 = create_region(name="凤城镇", code="140522100", level=RegionLevel.TOWNSHIP, parent=county_a)
        town_a2 = create_region(name="北留镇", code="140522101", level=RegionLevel.TOWNSHIP, parent=county_a)
        town_b1 = create_region(name="南村镇", code="140525100", level=RegionLevel.TOWNSHIP, parent=county_b)
        users = {}
        for username, role, region in [
            ("admin", Role.ADMIN, province),
            ("supervisor", Role.SUPERVISOR, county_a),
            ("supervisor_b", Role.SUPERVISOR, county_b),
            ("clerk", Role.CLERK, town_a1),
            ("clerk_a2", Role.CLERK, town_a2),
            ("clerk_b", Role.CLERK, town_b1),
            ("viewer", Role.VIEWER, city),
        ]:
            user = create_user(username=username, display_name=f"测试{username}", role=role,
                               region_id=region.id, password=PASSWORD)
            user.must_change_password = False
            users[username] = user.id
        db.session.commit()
        world = World(province, city, county_a, county_b, town_a1, town_a2, town_b1, users)
        # Loaded, then detached: ids, names and paths stay readable after the context closes.
        for region in (province, city, county_a, county_b, town_a1, town_a2, town_b1):
            db.session.refresh(region)
        db.session.expunge_all()
        return world


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def client_as(app, world):
    """``client_as("clerk")`` gives a test client logged in as that world user."""

    def make(username: str):
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return make


@pytest.fixture
def admin_client(client_as):
    return client_as("admin")


@pytest.fixture
def supervisor_client(client_as):
    return client_as("supervisor")


@pytest.fixture
def clerk_client(client_as):
    return client_as("clerk")


@pytest.fixture
def viewer_client(client_as):
    return client_as("viewer")


@pytest.fixture
def client(app):
    return app.test_client()


def get_user(app, username: str) -> User:
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        db.session.expunge(user)
        return user
