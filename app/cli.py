"""Command-line tasks: ``flask --app wsgi seed-demo``."""
import click
from flask import Blueprint
from sqlalchemy import func, select

from app.extensions import db
from app.regions.models import Region

bp = Blueprint("cli", __name__, cli_group=None)


@bp.cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Load even when the database already holds regions.")
def seed_demo(force: bool):
    """Load the demo city with its regions, users, organisations, inspections and rectifications."""
    from app.demo import load_demo_data

    if not force and db.session.execute(select(func.count()).select_from(Region)).scalar_one():
        click.echo("数据库中已有数据，跳过演示数据。")
        return
    click.echo("正在载入演示数据（含一年约 1,100 件诉求件，约需 40 秒）……")
    summary = load_demo_data()
    db.session.commit()
    click.echo("演示数据已载入：" + "，".join(f"{k} {v}" for k, v in summary.items()))
