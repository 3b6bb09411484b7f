"""``flask --app wsgi api-token create --region CODE --name NAME`` (prints the token once),
``api-token list`` and ``api-token revoke PREFIX``. Commands run unscoped, as the server's operator."""
import click
from sqlalchemy import select

from app.api import bp, tokens
from app.api.models import ApiToken
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.regions.models import Region
from app.rules import RuleError
from app.timeutil import format_local, utcnow


@bp.cli.command("create")
@click.option("--region", "region_code", required=True, help="区划代码：令牌的范围（省、市或县）。")
@click.option("--name", required=True, help="调用方名称，如“晋城市12345平台”。")
@click.option("--admin", "username", default=None, help="以哪个管理员账号的名义调用（默认：范围内最早的管理员）。")
def create(region_code: str, name: str, username: str | None):
    """Issue a token and print it (once: only its hash is kept)."""
    region = db.session.execute(select(Region).where(Region.code == region_code)).scalar_one_or_none()
    if region is None:
        raise click.ClickException(f"找不到区划代码 {region_code}。")
    admin = _issuer(region, username)
    try:
        token, secret = tokens.issue_token(name, region, admin, utcnow())
    except RuleError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"已签发令牌“{token.name}”（范围：{region.name}，以 {admin.username} 的名义调用）。")
    click.echo("令牌只显示这一次，请妥善保存：")
    click.echo(secret)


def _issuer(region: Region, username: str | None) -> User:
    """The administrator the calls run as: named, or the first active one whose region holds ``region``."""
    admins = db.session.execute(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)).scalars().all()
    if username is not None:
        admins = [a for a in admins if a.username == username]
    admin = next((a for a in admins if region.path.startswith(a.region.path)), None)
    if admin is None:
        raise click.ClickException(f"没有管辖{region.name}的在用管理员账号{'“' + username + '”' if username else ''}。")
    return admin


@bp.cli.command("list")
def list_tokens():
    """List the tokens: prefix, name, region, issuer, last use, revoked."""
    for token in db.session.execute(select(ApiToken).order_by(ApiToken.id)).scalars():
        state = f"已吊销 {format_local(token.revoked_at)}" if token.revoked_at else "有效"
        used = format_local(token.last_used_at) or "从未使用"
        click.echo(f"{token.prefix}…  {token.name}  {token.region.name}  {token.created_by.username if token.created_by else '-'}"
                   f"  最近使用：{used}  {state}")


@bp.cli.command("revoke")
@click.argument("prefix")
def revoke(prefix: str):
    """Revoke the token whose first characters are PREFIX (as `list` shows them)."""
    found = db.session.execute(select(ApiToken).where(ApiToken.prefix == prefix)).scalars().all()
    if len(found) != 1:
        raise click.ClickException("没有这个前缀的令牌。" if not found else "有多个令牌是这个前缀，请在管理页面吊销。")
    try:
        tokens.revoke_token(found[0], utcnow())
    except RuleError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"已吊销令牌“{found[0].name}”。")
