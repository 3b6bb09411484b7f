"""API tokens: kept only as a hash, refused once revoked or when their issuer is gone; issued
and revoked on the administrator's page (audited) and on the command line."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.api import tokens
from app.api.models import ApiToken
from app.audit.models import AuditEntry
from app.extensions import db
from app.regions.models import Region
from app.rules import RuleError
from tests.api.conftest import Api
from tests.factories import user

NOW = datetime(2026, 10, 8, 1)


def region(code: str) -> Region:
    return db.session.execute(select(Region).filter_by(code=code)).scalar_one()


def test_a_token_is_kept_only_as_its_hash(app, world):
    with app.app_context():
        token, secret = tokens.issue_token("平台", region("140522"), user("admin"), NOW)
        db.session.commit()
        assert len(secret) >= 40 and token.prefix == secret[:8]
        assert token.token_hash == tokens.hash_token(secret) != secret
        assert secret not in str(db.session.execute(select(AuditEntry.changes)).scalars().all())
        assert tokens.find_token(secret) is token
        assert tokens.find_token(secret + "x") is None and tokens.find_token("") is None


def test_what_refuses_a_token(app, world):
    with app.app_context():
        token, _ = tokens.issue_token("平台", region("140522"), user("admin"), NOW)
        assert tokens.refusal(token) is None
        assert tokens.refusal(None) == "接口令牌无效。"
        tokens.revoke_token(token, NOW)
        assert "吊销" in tokens.refusal(token)
        with pytest.raises(RuleError):
            tokens.revoke_token(token, NOW)
        other, _ = tokens.issue_token("平台", region("140522"), user("admin"), NOW)
        user("admin").active = False
        assert "停用" in tokens.refusal(other)


@pytest.mark.parametrize("name,code,field", [("", "140522", "name"), ("x" * 81, "140522", "name"),
                                              ("平台", "140522100", "region_id")])
def test_a_token_needs_a_name_and_a_region_at_a_county_or_above(app, world, name, code, field):
    with app.app_context(), pytest.raises(RuleError) as refused:
        tokens.issue_token(name, region(code), user("admin"), NOW)
    assert refused.value.field == field


def test_last_use_is_written_at_most_once_a_minute(app, world):
    with app.app_context():
        token, _ = tokens.issue_token("平台", region("140522"), user("admin"), NOW)
        assert tokens.touch(token, NOW) is True
        assert tokens.touch(token, NOW + timedelta(seconds=30)) is False
        assert tokens.touch(token, NOW + timedelta(seconds=61)) is True
        db.session.commit()
        # Bookkeeping, not a change: no audit entry of it.
        updates = db.session.execute(select(AuditEntry).where(AuditEntry.record_type == "api_tokens",
                                                              AuditEntry.action == "update")).scalars().all()
        assert updates == []


# --------------------------------------------------------------------------- the administrator's page

def test_the_page_issues_a_token_shown_once_that_works(app, admin_client):
    with app.app_context():
        county = region("140522").id
    response = admin_client.post("/api-tokens", data={"name": "晋城市12345平台", "region_id": county})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'readonly value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert Api(app.test_client(), secret).get("/channels").status_code == 200
    listing = admin_client.get("/api-tokens").get_data(as_text=True)
    assert secret not in listing and secret[:8] in listing and "晋城市12345平台" in listing
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.record_type == "api_tokens")).scalar_one()
        assert (entry.action, entry.username, entry.changes["token_hash"][1]) == ("insert", "admin", "******")


def test_a_refused_issue_keeps_what_was_typed(admin_client, world):
    response = admin_client.post("/api-tokens", data={"name": "", "region_id": world.town_a1.id})
    assert response.status_code == 422
    assert "请填写名称" in response.get_data(as_text=True)
    response = admin_client.post("/api-tokens", data={"name": "平台", "region_id": world.town_a1.id})
    assert response.status_code == 422 and 'value="平台"' in response.get_data(as_text=True)
    for bogus in ("abc", "99999", ""):
        page = admin_client.post("/api-tokens", data={"name": "平台", "region_id": bogus})
        assert page.status_code == 422 and "令牌的范围应为省、市或县" in page.get_data(as_text=True)


def test_the_page_revokes_a_token_audited(app, admin_client, token):
    with app.app_context():
        token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    response = admin_client.post(f"/api-tokens/{token_id}/revoke")
    assert response.status_code == 303
    assert Api(app.test_client(), token).get("/channels").status_code == 401
    assert "已吊销" in admin_client.get("/api-tokens").get_data(as_text=True)
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.record_type == "api_tokens",
                                                            AuditEntry.action == "update")).scalar_one()
        assert "revoked_at" in entry.changes and entry.username == "admin"


def test_a_county_administrator_sees_and_revokes_only_their_countys_tokens(app, client_as, world, token):
    from app.auth.models import Role
    from app.auth.services import create_user
    from tests.api.conftest import issue

    issue(app, "140525", name="泽州县平台")
    with app.app_context():
        create_user(username="admin_b", display_name="泽州管理员", role=Role.ADMIN, region_id=world.county_b.id,
                    password="Test-2026").must_change_password = False
        db.session.commit()
        token_a = db.session.execute(select(ApiToken.id).filter_by(region_id=world.county_a.id)).scalar_one()
    admin_b = client_as("admin_b")
    page = admin_b.get("/api-tokens").get_data(as_text=True)
    assert "<td>泽州县平台</td>" in page and "<td>晋城市12345平台</td>" not in page
    assert admin_b.post(f"/api-tokens/{token_a}/revoke").status_code == 404
    assert 'value="' + str(world.county_a.id) + '"' not in page  # only their own county to issue for


# --------------------------------------------------------------------------- the command line

def test_the_command_line_issues_a_token_that_works_lists_and_revokes_it(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["api-token", "create", "--region", "140522", "--name", "晋城市12345平台"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert Api(app.test_client(), secret).push().status_code == 201
    listed = runner.invoke(args=["api-token", "list"]).output
    assert secret[:8] in listed and secret not in listed
    assert runner.invoke(args=["api-token", "revoke", secret[:8]]).exit_code == 0
    assert Api(app.test_client(), secret).get("/channels").status_code == 401


def test_the_command_line_refuses_an_unknown_region(app, world):
    result = app.test_cli_runner().invoke(args=["api-token", "create", "--region", "999999", "--name", "x"])
    assert result.exit_code != 0 and "999999" in result.output
