"""The reference data the migrations load (the default standards and channels, the data
revisions), kept for the tests.

The suite empties every table after each test; this puts back exactly the rows the real
migrations wrote, read once from the freshly migrated database, so no second copy of the
standards exists anywhere to drift from the history."""
from sqlalchemy import select

from app.extensions import db

REFERENCE_TABLES = ("standards", "standard_versions", "standard_items", "channels", "channel_classes",
                    "deadline_rules", "data_revisions")  # in foreign-key order


def snapshot(connection) -> dict[str, list[dict]]:
    tables = db.metadata.tables
    # Ordered by key: PostgreSQL returns an updated row from its new place on the heap.
    return {name: [dict(row._mapping) for row in connection.execute(
                select(tables[name]).order_by(*tables[name].primary_key.columns))]
            for name in REFERENCE_TABLES}


def restore(connection, rows: dict[str, list[dict]]) -> None:
    for name in REFERENCE_TABLES:
        if rows[name]:
            connection.execute(db.metadata.tables[name].insert(), rows[name])
