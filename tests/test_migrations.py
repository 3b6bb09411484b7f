import ast
import hashlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from tests import reference_data

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"

# Migrations are history: every existing database ran these files exactly as they are, so
# editing one changes nothing there and makes new databases differ from old ones. They are
# immutable. A change to the schema or the default standards needs a new migration; never
# update a hash here to make an edited migration pass.
IMMUTABLE_MIGRATIONS = {
    "0001_initial_schema.py": "a523a74fb89b17a695fea11e8568d1b3702bb326d24292424d2f8fce79cd6b46",
    "0002_default_standards.py": "deecdc3d3fab056ab96a8bcfb56ca595c87caadf4d9dcef3e91e03c85c0613b6",
}


def test_models_and_migrations_agree(app):
    """The schema the migrations build is the one the models describe (as `flask db check`)."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.mark.parametrize("name", sorted(IMMUTABLE_MIGRATIONS))
def test_released_migrations_are_unchanged(name):
    digest = hashlib.sha256((VERSIONS / name).read_bytes()).hexdigest()
    assert digest == IMMUTABLE_MIGRATIONS[name], (
        f"migrations/versions/{name} was edited. It is immutable history: revert it and write a new migration."
    )


def test_no_migration_imports_the_app():
    """A migration that imports app/ code is rewritten whenever that code changes."""
    for path in sorted(VERSIONS.glob("*.py")):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
        assert not any(name == "app" or name.startswith("app.") for name in imported), path.name


def test_migration_0002_loads_the_default_standards_the_tests_restore(app):
    """The tests put back the rows the migrations wrote (tests/reference_data.py), not a copy."""
    with app.app_context(), db.engine.connect() as connection:
        rows = reference_data.snapshot(connection)
    assert rows == app.extensions["test_reference_rows"]
    assert [s["name"] for s in rows["standards"]] == ["四有", "五有", "六有"]
    assert len(rows["standard_versions"]) == 3 and len(rows["standard_items"]) == 15


def test_the_tests_and_the_backup_agree_on_what_the_migrations_load():
    from app.backup.database import MIGRATION_REFERENCE_TABLES
    from tests.reference_data import REFERENCE_TABLES

    assert set(REFERENCE_TABLES) == MIGRATION_REFERENCE_TABLES
