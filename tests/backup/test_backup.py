"""Backup and restore: a demo installation backed up while a write is open, restored into an empty
instance, compared table by table and file by file; damaged, foreign and newer archives refused;
an archive from an older schema migrated on restore. On SQLite, and on PostgreSQL with TEST_DATABASE_URL
(the restore targets are scratch databases created and dropped here)."""
import io
import json
import os
import secrets
import tarfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, make_url, select, text

from app import create_app
from app.backup import database
from app.backup.archive import MANIFEST, BackupError
from app.backup.services import create_backup, restore_backup
from app.demo import DEMO_PASSWORD, load_demo_data
from app.extensions import db
from app.regions.models import RegionLevel
from app.regions.services import create_region
from config import TestingConfig

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _server_engine():
    return create_engine(make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).set(database="postgres"),
                         isolation_level="AUTOCOMMIT")


@pytest.fixture
def make_instance(tmp_path):
    """``make_instance("name", revision="head")``: a second app with its own instance directory and
    database (a SQLite file, or a scratch PostgreSQL database), migrated to ``revision`` or empty."""
    apps, databases = [], []

    def make(name: str, revision: str | None = None):
        instance = tmp_path / name
        instance.mkdir()
        if PG_URL:
            scratch = f"{make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).database}_{name}_{secrets.token_hex(3)}"
            with _server_engine().connect() as conn:
                conn.execute(text(f"CREATE DATABASE \"{scratch}\" ENCODING 'UTF8' TEMPLATE template0"))
            databases.append(scratch)
            uri = make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).set(database=scratch).render_as_string(hide_password=False)
        else:
            uri = f"sqlite:///{instance / 'sports_desk.db'}"

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = uri
            INSTANCE_DIR = instance

        new = create_app(Config)
        if revision:
            with new.app_context():
                upgrade(revision=revision)
        apps.append(new)
        return new

    yield make
    for made in apps:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()
    if databases:
        with _server_engine().connect() as conn:
            for name in databases:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def all_rows(app) -> dict[str, list[tuple]]:
    """Every table of the app's database (as found there, alembic_version included), row by row."""
    with app.app_context(), db.engine.connect() as conn:
        tables = MetaData()
        tables.reflect(bind=conn)
        return {name: conn.execute(select(table).order_by(*(table.primary_key.columns or table.columns))).all()
                for name, table in tables.tables.items()}


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def head_revision(app) -> str:
    from alembic.script import ScriptDirectory
    with app.app_context():
        return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()


def test_demo_installation_backed_up_while_writing_restores_identically(app, make_instance, tmp_path):
    with app.app_context():
        load_demo_data(case_count=80)  # a sample of the year of cases: each kind, not the thousand
        db.session.commit()
        # The app keeps serving: a request's write is open while the backup runs, and stays out of it.
        with db.engine.connect() as writer:
            writer.execute(text("INSERT INTO regions (code, name, level, path, active) "
                                "VALUES ('990000', '未提交', 'province', '/990000/', true)"))
            archive, manifest = create_backup(tmp_path)
            writer.rollback()
    assert archive.parent == tmp_path and archive.name.startswith("sports-desk-") and archive.suffixes == [".tar", ".gz"]
    assert archive.stat().st_mode & 0o077 == 0  # it holds the secret key
    assert manifest["alembic_revision"] == head_revision(app)
    assert manifest["database"]["kind"] == ("postgresql" if PG_URL else "sqlite")
    source_files = all_files(Path(app.instance_path) / "uploads")
    assert manifest["uploads"] == len(source_files) >= 8  # the demo's photos and their thumbnails

    target = make_instance("restored")
    with target.app_context():
        result = restore_backup(archive)
    assert result["restored_revision"] == head_revision(app)

    source_rows, restored_rows = all_rows(app), all_rows(target)
    assert set(restored_rows) == set(source_rows)
    for name, rows in source_rows.items():
        assert restored_rows[name] == rows, name
    assert source_rows["inspections"] and source_rows["attachments"] and source_rows["audit_entries"]
    assert not any(row.code == "990000" for row in restored_rows["regions"])
    assert all_files(Path(target.instance_path) / "uploads") == source_files
    assert (Path(target.instance_path) / "secret_key").read_text() == app.config["SECRET_KEY"]
    assert (Path(target.instance_path) / "secret_key").stat().st_mode & 0o077 == 0

    # The restored installation works: new rows get new ids, the demo users log in.
    with target.app_context():
        region = create_region(name="新区划", code="980000", level=RegionLevel.PROVINCE, parent=None)
        db.session.commit()
        assert region.id > max(row.id for row in source_rows["regions"])
    client = target.test_client()
    assert client.post("/login", data={"username": "clerk", "password": DEMO_PASSWORD}).status_code == 303


@pytest.fixture
def source(make_instance):
    """A small migrated installation with one stored upload."""
    src = make_instance("source", revision="head")
    upload = Path(src.instance_path) / "uploads" / "ab" / ("ab" + "0" * 62)
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 scanned approval")
    return src


@pytest.fixture
def small_archive(source, tmp_path) -> Path:
    with source.app_context():
        return create_backup(tmp_path / "small.tar.gz")[0]


def rewrite(archive: Path, dest: Path, change) -> Path:
    """Copy ``archive`` to ``dest`` member by member; ``change(name, data)`` returns the new data,
    or None to leave the member out."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(dest, "w:gz") as out:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            if data is not None:
                info = tarfile.TarInfo(member.name)
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
    return dest


def with_extra(archive: Path, dest: Path, name: str) -> Path:
    rewrite(archive, dest, lambda _name, data: data)
    with tarfile.open(dest, "r:gz") as src:
        members = [(m, src.extractfile(m).read()) for m in src]
    with tarfile.open(dest, "w:gz") as out:
        for member, data in members + [(tarfile.TarInfo(name), b"extra")]:
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return dest


TAMPERINGS = {
    "changed upload": (lambda a, d: rewrite(a, d, lambda n, b: b + b"!" if n.startswith("uploads/") else b), "校验和不符"),
    "changed database": (lambda a, d: rewrite(a, d, lambda n, b: b[:-1] + b"\x01" if n.startswith("database.") else b),
                         "校验和不符"),
    "missing upload": (lambda a, d: rewrite(a, d, lambda n, b: None if n.startswith("uploads/") else b), "缺少"),
    "missing manifest": (lambda a, d: rewrite(a, d, lambda n, b: None if n == MANIFEST else b), "manifest.json"),
    "unlisted file": (lambda a, d: with_extra(a, d, "uploads/cd/extra"), "未列出"),
    "path outside": (lambda a, d: with_extra(a, d, "../outside"), "不允许"),
    "truncated": (lambda a, d: d.write_bytes(a.read_bytes()[: a.stat().st_size // 2]) and d, "损坏"),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_a_damaged_archive_is_refused_before_anything_changes(small_archive, make_instance, tmp_path, tampering):
    damage, message = TAMPERINGS[tampering]
    damaged = damage(small_archive, tmp_path / "damaged.tar.gz")
    target = make_instance("target")
    with target.app_context():
        with pytest.raises(BackupError, match=message):
            restore_backup(damaged)
        with db.engine.connect() as conn:
            assert database.revision(conn) is None
    left = {p.name for p in Path(target.instance_path).iterdir()}
    assert not left - {"sports_desk.db", "sports_desk.db-shm", "sports_desk.db-wal"}  # no uploads, no key, no temporary files
    assert not (tmp_path / "outside").exists()


def test_an_archive_from_a_newer_schema_is_refused(source, make_instance, tmp_path):
    with source.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        archive, manifest = create_backup(tmp_path)
    assert manifest["alembic_revision"] == "0099"
    target = make_instance("target")
    with target.app_context():
        with pytest.raises(BackupError, match="0099"):
            restore_backup(archive)
        assert not database.holds_data(db.engine)
        with db.engine.connect() as conn:
            assert database.revision(conn) is None


def test_an_archive_from_an_older_schema_is_migrated_on_restore(make_instance, tmp_path):
    old = make_instance("old", revision="0003")
    with old.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO regions (id, code, name, level, path, active) "
                              "VALUES (1, '140522', '阳城县', 'county', '/1/', true)"))
            conn.execute(text(
                "INSERT INTO jobs (kind, title, params, status, done, total, result_path, result_name, error, created_at, region_id) "
                "VALUES ('sheets', '检查表', '{}', 'done', 3, 3, 'jobs/1.pdf', '检查表.pdf', '', '2025-06-01 08:00:00', 1)"))
        archive, manifest = create_backup(tmp_path)
    assert manifest["alembic_revision"] == "0003"

    target = make_instance("target")
    with target.app_context():
        result = restore_backup(archive)
        assert result["restored_revision"] == head_revision(target) != "0003"
        with db.engine.connect() as conn:
            # 0004 ran on the restored data, and the schema is the one the models describe.
            assert conn.execute(text("SELECT result_type FROM jobs")).scalar_one() == "application/pdf"
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata) == []


def test_restore_refuses_a_database_with_data_unless_forced(source, small_archive, make_instance):
    # A freshly migrated database (only the default standards) counts as empty.
    target = make_instance("target", revision="head")
    with target.app_context():
        restore_backup(small_archive)
        create_region(name="恢复后新增", code="970000", level=RegionLevel.PROVINCE, parent=None)
        db.session.commit()
        with pytest.raises(BackupError, match="--force"):
            restore_backup(small_archive)
        restore_backup(small_archive, force=True)
    assert all_rows(target) == all_rows(source)


def test_the_commands(source, make_instance, tmp_path):
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output
    (archive,) = tmp_path.glob("sports-desk-*.tar.gz")
    manifest = json.loads(tarfile.open(archive, "r:gz").extractfile(MANIFEST).read())
    assert {f["path"] for f in manifest["files"]} == {manifest["database"]["file"], "secret_key", f"uploads/ab/ab{'0' * 62}"}

    runner = make_instance("target").test_cli_runner()
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "恢复完成" in result.output
    assert runner.invoke(args=["restore", str(archive)]).exit_code == 0  # only reference rows yet
    with runner.app.app_context():
        create_region(name="新区划", code="960000", level=RegionLevel.PROVINCE, parent=None)
        db.session.commit()
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1 and "已有数据" in refused.output
    assert runner.invoke(args=["restore", "--force", str(archive)]).exit_code == 0
    missing = runner.invoke(args=["restore", str(tmp_path / "none.tar.gz")])
    assert missing.exit_code == 1 and "找不到备份文件" in missing.output


def test_a_failed_backup_leaves_no_file(source, tmp_path, monkeypatch):
    def broken(engine, dest):
        dest.write_bytes(b"half")
        raise BackupError("磁盘已满")

    monkeypatch.setattr(database, "dump", broken)
    with source.app_context(), pytest.raises(BackupError, match="磁盘已满"):
        create_backup(tmp_path / "nightly.tar.gz")
    assert list(tmp_path.iterdir()) == [tmp_path / "source"]


def test_libpq_url_keeps_the_password_off_the_command_line():
    url, env = database.libpq_url(make_url("postgresql+psycopg://desk:s%40cret@db.example:5433/sports?sslmode=require"))
    assert url == "postgresql://desk@db.example:5433/sports?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret"
