"""``flask --app wsgi backup PATH`` and ``flask --app wsgi restore PATH`` (README: 备份与恢复)."""
import os
import sys

import click

from app.backup import bp, services
from app.backup.archive import BackupError


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


@bp.cli.command("backup")
@click.argument("path", type=click.Path(file_okay=True, dir_okay=True, writable=True))
def backup(path: str):
    """Write the database, instance/uploads/ and the secret key into one archive at PATH
    (a directory: a dated file in it). The app may keep serving meanwhile."""
    try:
        archive, manifest = services.create_backup(path)
    except BackupError as error:
        click.echo(f"备份失败：{error}", err=True)
        sys.exit(1)
    click.echo(f"备份完成：{archive}（{_size(archive.stat().st_size)}，数据库结构版本 {manifest['alembic_revision']}，"
               f"上传文件 {manifest['uploads']} 个）")
    if manifest["secret_key_source"] != "instance":
        click.echo("注意：应用的密钥来自环境变量 SECRET_KEY，备份中保存了它的值；恢复后的主机请设置同样的 SECRET_KEY。")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Restore even when the configured database already holds data.")
def restore(path: str, force: bool):
    """Check the archive at PATH and restore its database, uploads and secret key, then migrate
    the database to this version's schema. Stop the app first; restart it afterwards."""
    try:
        result = services.restore_backup(path, force=force)
    except BackupError as error:
        click.echo(f"恢复失败：{error}", err=True)
        sys.exit(1)
    click.echo(f"恢复完成：{result['created_at']} 的备份，数据库结构版本 {result['alembic_revision']} → "
               f"{result['restored_revision']}，上传文件 {result['uploads']} 个。请重启应用进程。")
    if os.environ.get("SECRET_KEY"):
        click.echo("注意：环境变量 SECRET_KEY 已设置，应用会用它而不是恢复的 instance/secret_key。")
