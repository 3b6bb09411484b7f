"""Back up and restore a whole installation: the database, ``instance/uploads/`` and the secret key.

``create_backup`` runs while the app keeps serving: the database copy is one committed state, and
the uploads are read after it, so every file that copy refers to is on disk already (a file is
stored before the row naming it is committed, and stored files are never changed or removed).
``restore_backup`` checks the whole archive before it touches anything.
"""
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade

from app.backup import database
from app.backup.archive import ArchiveWriter, BackupError, extract_verified
from app.extensions import db

UPLOADS = "uploads"
SECRET_KEY = "secret_key"


def backup_file_name(now: datetime) -> str:
    return f"sports-desk-{now:%Y%m%dT%H%M%SZ}.tar.gz"


def _instance_dir() -> Path:
    return Path(current_app.instance_path)


def _secret_key_source(key: str) -> str:
    """Where the key the app signs with came from: instance/secret_key, the environment, or config."""
    key_file = _instance_dir() / SECRET_KEY
    if key_file.is_file() and key_file.read_text().strip() == key:
        return "instance"
    return "environment" if os.environ.get("SECRET_KEY") == key else "config"


def _upload_files(uploads: Path) -> list[Path]:
    if not uploads.is_dir():
        return []
    # A ".part" file is a store still being written; its final name appears when it is complete.
    return sorted(p for p in uploads.rglob("*") if p.is_file() and not p.is_symlink() and p.suffix != ".part")


def create_backup(path: Path) -> tuple[Path, dict]:
    """Write one archive of the database, the uploads and the secret key to ``path`` (a directory:
    a dated file in it). Returns the archive's path and its manifest."""
    now = datetime.now(timezone.utc)
    path = Path(path)
    if path.is_dir():
        path = path / backup_file_name(now)
    if not path.parent.is_dir():
        raise BackupError(f"目录 {path.parent} 不存在。")
    engine = db.engine
    kind = database.kind(engine)
    key = str(current_app.config["SECRET_KEY"])
    uploads = _instance_dir() / UPLOADS

    with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as work, ArchiveWriter(path) as archive:
        dump = Path(work) / database.DUMP_FILES[kind]
        revision = database.dump(engine, dump)
        archive.add_file(dump.name, dump)
        dump.unlink()
        files = _upload_files(uploads)
        for file in files:
            archive.add_file(f"{UPLOADS}/{file.relative_to(uploads).as_posix()}", file)
        archive.add_bytes(SECRET_KEY, key.encode("utf-8"), mode=0o600)
        manifest = archive.finish({
            "created_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "alembic_revision": revision,
            "database": {"kind": kind, "file": dump.name},
            "uploads": len(files),
            "secret_key_source": _secret_key_source(key),
        })
    return path, manifest


def _known_revisions() -> tuple[set[str], str | None]:
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return {rev.revision for rev in script.walk_revisions()}, script.get_current_head()


def check_revision(revision: str | None) -> None:
    """Refuse a database whose schema this code does not know: made by a newer version of the app."""
    known, head = _known_revisions()
    if revision is not None and revision not in known:
        raise BackupError(f"备份的数据库结构版本 {revision} 不在本程序的迁移中（本程序最新为 {head}），"
                          "应是更新版本的程序所做。请先把程序升级到不低于备份时的版本，再恢复。")


def restore_backup(path: Path, force: bool = False) -> dict:
    """Check the archive at ``path``, then put its database, uploads and secret key in place and
    migrate the database to this code's head. Returns the manifest plus ``restored_revision``."""
    instance = _instance_dir()
    instance.mkdir(parents=True, exist_ok=True)
    engine = db.engine
    kind = database.kind(engine)
    # Unpacked inside the instance directory, so the uploads are moved into place, not copied.
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=instance) as work:
        work = Path(work)
        manifest = extract_verified(Path(path), work)
        try:
            source_kind, dump_name = manifest["database"]["kind"], manifest["database"]["file"]
            revision = manifest["alembic_revision"]
        except (KeyError, TypeError):
            raise BackupError("manifest.json 缺少数据库信息，备份文件已损坏。") from None
        if dump_name not in {f["path"] for f in manifest["files"]}:
            raise BackupError("manifest.json 中的数据库文件不在文件清单中，备份文件已损坏。")
        if source_kind != kind:
            raise BackupError(f"这是 {source_kind} 数据库的备份，当前配置的是 {kind} 数据库，不能直接恢复。")
        check_revision(revision)
        if not force and database.holds_data(engine):
            raise BackupError("目标数据库中已有数据。确认要用备份覆盖时，请加 --force 再运行。")

        db.session.remove()
        database.load(engine, work / dump_name)
        _move_uploads(work / UPLOADS, instance / UPLOADS)
        if (work / SECRET_KEY).is_file():
            _put_secret_key(work / SECRET_KEY, instance / SECRET_KEY)
    upgrade()  # an archive from an older version is brought to this code's schema
    with engine.connect() as connection:
        return {**manifest, "restored_revision": database.revision(connection)}


def _move_uploads(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        dest = target / file.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(file, dest)


def _put_secret_key(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".secret_key.", dir=target.parent)  # owner-only, as config.py makes it
    with os.fdopen(fd, "wb") as f:
        f.write(source.read_bytes())
    os.replace(tmp, target)
