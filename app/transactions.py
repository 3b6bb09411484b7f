"""How a transaction that wrote nothing ends on PostgreSQL: with COMMIT, so that psycopg keeps
the statements it has prepared and PostgreSQL plans each of them once per connection.

psycopg prepares a statement once a connection has run it five times; PostgreSQL then keeps its
plan. On the province's data, planning is most of what a page's queries cost there (the
inspection page's main query: 2.2 ms planning, 0.4 ms executing; its nine statements about 5 ms
of planning in all). But psycopg forgets every prepared statement whenever a transaction is
rolled back (it cannot know what the transaction dropped), and a request that only read ends
with a rollback: the session's close. So nothing stayed prepared past the request.

Just before SQLAlchemy rolls a transaction back, this asks PostgreSQL whether the transaction
has a transaction id, which it gets at its first write (a row, a row lock, a table). Without
one, COMMIT does exactly what ROLLBACK would, and it is sent instead; SQLAlchemy's ROLLBACK then
finds no transaction and psycopg keeps its statements. A transaction that wrote anything is
rolled back as before. (A plain ``SET`` inside a transaction would outlive a COMMIT; the app
issues none, and ``SET LOCAL`` ends with the transaction either way.) The question and the
COMMIT go to the driver directly: they are the transaction's ending, not statements of a page.
"""
import psycopg
from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# NULL until the transaction writes: one round trip, no plan.
WROTE_NOTHING = "SELECT pg_current_xact_id_if_assigned() IS NULL"


def init_app(app: Flask) -> None:
    if not event.contains(Engine, "rollback", commit_if_nothing_written):
        event.listen(Engine, "rollback", commit_if_nothing_written)


def commit_if_nothing_written(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    driver = connection.connection.driver_connection
    if driver is None or driver.info.transaction_status != TransactionStatus.INTRANS:
        return  # idle, or failed (only ROLLBACK ends that), or the connection is gone
    try:
        if driver.execute(WROTE_NOTHING).fetchone()[0]:
            driver.commit()
    except psycopg.Error:
        return  # SQLAlchemy's ROLLBACK follows and deals with the connection as before
