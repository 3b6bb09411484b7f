"""A transaction that wrote nothing ends with COMMIT on PostgreSQL, so psycopg keeps the
statements it prepared (app/transactions.py); one that wrote anything is still rolled back."""
import pytest
from sqlalchemy import select, text, update

from app.extensions import db
from app.regions.models import Region

PREPARED = "SELECT count(*) FROM pg_prepared_statements"


@pytest.fixture
def connection(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg's prepared statements: PostgreSQL only")
        with db.engine.connect() as conn:
            yield conn


def _read_six_times(conn, region_id: int) -> None:
    for _ in range(6):  # psycopg prepares a statement at its sixth run on a connection
        conn.execute(select(Region.name).where(Region.id == region_id)).scalar_one()


def test_a_transaction_that_only_read_keeps_its_statements_prepared(connection, world):
    _read_six_times(connection, world.town_a1.id)
    connection.rollback()
    assert connection.exec_driver_sql(PREPARED).scalar() >= 1


def test_a_transaction_that_wrote_is_rolled_back(connection, world):
    _read_six_times(connection, world.town_a1.id)
    connection.execute(update(Region).where(Region.id == world.town_a1.id).values(name="改名镇"))
    connection.rollback()
    assert connection.execute(select(Region.name).where(Region.id == world.town_a1.id)).scalar_one() == "凤城镇"
    assert connection.exec_driver_sql(PREPARED).scalar() == 0  # what a real rollback costs


def test_a_failed_transaction_is_rolled_back(connection, world):
    with pytest.raises(Exception, match="division by zero"):
        connection.execute(text("SELECT 1 / 0"))
    connection.rollback()
    assert connection.execute(select(Region.name).where(Region.id == world.town_a1.id)).scalar_one() == "凤城镇"


def test_pages_read_keep_their_statements_prepared(app, client_as, world):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg's prepared statements: PostgreSQL only")
        db.engine.dispose()  # one connection, serving every request below
    client = client_as("supervisor")
    for _ in range(6):
        assert client.get("/organizations").status_code == 200
    with app.app_context():
        prepared = db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    # Loading the session's user, on every request: planned once, not on every page.
    assert any(statement.startswith("SELECT users.id") for statement in prepared)
