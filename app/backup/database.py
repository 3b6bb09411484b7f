"""The database part of a backup: a consistent copy taken while the app keeps serving, and its restore.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database page by page
  under a read lock, so the copy is one committed state even while requests write; restore runs
  the same API the other way, into the configured database.
- PostgreSQL: ``pg_dump --format=custom`` reads one snapshot of the database (MVCC, no lock on
  writers); restore is ``pg_restore --clean --if-exists --no-owner`` in one transaction.
"""
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import MetaData, literal, select
from sqlalchemy.engine import URL, Engine

from app.backup.archive import BackupError

DUMP_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}

# Tables the migrations fill themselves (the default standards and channels with their deadline
# rules, the data revisions): a freshly migrated database holds them and is still empty for a
# restore. A restored database brings its own revisions, which name exactly the data it holds.
MIGRATION_REFERENCE_TABLES = frozenset({"standards", "standard_versions", "standard_items",
                                        "channels", "channel_classes", "deadline_rules", "data_revisions"})


def kind(engine: Engine) -> str:
    if engine.dialect.name not in DUMP_FILES:
        raise BackupError(f"不支持备份 {engine.dialect.name} 数据库，只支持 SQLite 和 PostgreSQL。")
    return engine.dialect.name


def revision(connection) -> str | None:
    """The Alembic revision the database is at; None when it was never migrated."""
    versions = MigrationContext.configure(connection).get_current_heads()
    if len(versions) > 1:
        raise BackupError(f"数据库同时处于多个迁移版本（{'、'.join(versions)}），无法判断结构版本。")
    return versions[0] if versions else None


def holds_data(engine: Engine) -> bool:
    """Whether any table holds rows, apart from what the migrations put there."""
    with engine.connect() as connection:
        tables = MetaData()
        tables.reflect(bind=connection)
        for table in tables.sorted_tables:
            if table.name == "alembic_version" or table.name in MIGRATION_REFERENCE_TABLES:
                continue
            if connection.execute(select(literal(1)).select_from(table).limit(1)).first():
                return True
    return False


def dump(engine: Engine, dest: Path) -> str | None:
    """Write a consistent copy of the database to ``dest``; return the revision it is at."""
    if kind(engine) == "sqlite":
        return _sqlite_dump(engine, dest)
    return _pg_dump(engine, dest)


def load(engine: Engine, source: Path) -> None:
    """Replace the configured database's contents with the copy at ``source``."""
    if kind(engine) == "sqlite":
        _sqlite_load(engine, source)
    else:
        _pg_restore(engine, source)


# -- SQLite -----------------------------------------------------------------------------------

def _sqlite_dump(engine: Engine, dest: Path) -> str | None:
    raw = engine.raw_connection()  # the app's own connection, so an in-memory database works too
    try:
        target = sqlite3.connect(dest)
        try:
            raw.driver_connection.backup(target)  # one step: a single committed state
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the live one uses
            return _sqlite_revision(target)
        finally:
            target.close()
    finally:
        raw.close()


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone():
        return None
    versions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    if len(versions) > 1:
        raise BackupError(f"数据库同时处于多个迁移版本（{'、'.join(versions)}），无法判断结构版本。")
    return versions[0] if versions else None


def _sqlite_load(engine: Engine, source: Path) -> None:
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("备份中的 SQLite 数据库未通过完整性检查，已拒绝恢复。")
        raw = engine.raw_connection()
        try:
            copy.backup(raw.driver_connection)  # every page replaced, under the database's own locks
        finally:
            raw.close()
    except sqlite3.Error as error:
        raise BackupError(f"恢复 SQLite 数据库失败：{error}") from None
    finally:
        copy.close()


# -- PostgreSQL -------------------------------------------------------------------------------

def libpq_url(url: URL) -> tuple[str, dict]:
    """The libpq address of a SQLAlchemy URL (``postgresql+psycopg://`` → ``postgresql://``) and the
    environment for pg_dump/pg_restore: the password goes in PGPASSWORD, never on a command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    return libpq.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 {name}。PostgreSQL 的备份与恢复需要 postgresql-client（apt-get install postgresql-client）。")
    return path


def _tool_major(path: str) -> int | None:
    found = re.search(r"(\d+)(?:\.\d+)?", subprocess.run([path, "--version"], capture_output=True, text=True).stdout)
    return int(found.group(1)) if found else None


def _server_major(connection) -> int:
    return connection.dialect.server_version_info[0]


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what}失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _pg_dump(engine: Engine, dest: Path) -> str | None:
    pg_dump = _tool("pg_dump")
    with engine.connect() as connection:
        server, before = _server_major(connection), revision(connection)
    tool = _tool_major(pg_dump)
    if tool is not None and tool < server:
        raise BackupError(f"pg_dump 是 {tool} 版，数据库服务器是 {server} 版；pg_dump 不能比服务器旧，"
                          f"请安装 {server} 版的 postgresql-client。")
    url, env = libpq_url(engine.url)
    _run([pg_dump, "--format=custom", "--file", str(dest), "--dbname", url], env, "pg_dump ")
    with engine.connect() as connection:
        after = revision(connection)
    if after != before:
        raise BackupError(f"备份期间数据库结构从 {before} 迁移到了 {after}，请重新备份。")
    return before


def _pg_restore(engine: Engine, source: Path) -> None:
    pg_restore = _tool("pg_restore")
    engine.dispose()  # no idle connection of ours holds a lock on a table pg_restore drops
    url, env = libpq_url(engine.url)
    # --no-owner/--no-privileges: the objects belong to the role restoring, whatever roles the
    # backed-up server had. One transaction: a failed restore leaves the database as it was.
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", "--dbname", url, str(source)], env, "pg_restore ")
