import ast
import hashlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.standards.defaults import insert_default_standards
from config import TestingConfig

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"

# Migrations are history: every existing database ran these files exactly as they are, so
# editing one changes nothing there and makes new databases differ from old ones. They are
# immutable. A change to the schema or the default standards needs a new migration; never
# update a hash here to make an edited migration pass.
IMMUTABLE_MIGRATIONS = {
    "0001_initial_schema.py": "a523a74fb89b17a695fea11e8568d1b3702bb326d24292424d2f8fce79cd6b46",
    "0002_default_standards.py": "b9d57b8a72622b83121deec61d0510cb4a377f5787f06d6dbabf224f4242fbaa",
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


def _standard_rows(connection) -> dict:
    """The default standards as plain rows, ids replaced by the codes they point to."""
    query = {
        "standards": "SELECT code, name, title, org_kind, org_level FROM standards ORDER BY code",
        "versions": "SELECT s.code, v.number, v.note, v.published_by FROM standard_versions v "
                    "JOIN standards s ON s.id = v.standard_id ORDER BY s.code, v.number",
        "items": "SELECT s.code, v.number, i.position, i.code, i.title, i.criterion, i.evidence_hint, i.required "
                 "FROM standard_items i JOIN standard_versions v ON v.id = i.version_id "
                 "JOIN standards s ON s.id = v.standard_id ORDER BY s.code, v.number, i.position",
    }
    return {name: [tuple(row) for row in connection.execute(text(sql))] for name, sql in query.items()}


def _scratch_app(tmp_path, name: str):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / name}.db"
        INSTANCE_DIR = tmp_path / name

    return create_app(Config)


def test_frozen_default_standards_match_the_app_defaults(tmp_path):
    """Migration 0002's literal rows are what app/standards/defaults.py defines today.

    When this fails, the app's defaults changed: existing databases keep what 0002 loaded, so
    the change needs a new migration (and this test then compares against the newest one)."""
    history = _scratch_app(tmp_path, "history")
    with history.app_context():
        upgrade(revision="0002")
        with db.engine.connect() as connection:
            frozen = _standard_rows(connection)
        db.engine.dispose()

    current = _scratch_app(tmp_path, "current")
    with current.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            insert_default_standards(connection)
        with db.engine.connect() as connection:
            defined = _standard_rows(connection)
        db.engine.dispose()

    assert len(frozen["standards"]) == 3 and len(frozen["items"]) == 15
    assert frozen == defined
