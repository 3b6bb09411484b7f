"""Every protected page: login required, wrong role 403, out of scope 404."""
import pytest

PROTECTED = ["/", "/regions", "/users", "/users/new", "/audit", "/account/password"]
ADMIN_ONLY = ["/users", "/users/new", "/audit"]


@pytest.mark.parametrize("path", PROTECTED)
def test_login_required(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["supervisor", "clerk", "viewer"])
@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_admin_pages_refuse_other_roles(client_as, world, username, path):
    assert client_as(username).get(path).status_code == 403


def test_viewer_is_read_only(viewer_client, world):
    assert viewer_client.get("/regions").status_code == 200
    assert viewer_client.post(f"/regions/{world.county_a.id}/new", data={"name": "x", "code": "140522150"}).status_code == 403


def test_clerk_of_township_a_gets_404_for_township_b(client_as, world):
    clerk = client_as("clerk")
    assert clerk.get(f"/regions/{world.town_a1.id}").status_code == 200
    for region in (world.town_b1, world.town_a2, world.county_b):
        assert clerk.get(f"/regions/{region.id}").status_code == 404


def test_admin_of_a_county_cannot_reach_other_county_users(app, client_as, world):
    from app.auth.models import Role, User
    from app.auth.services import create_user
    from app.extensions import db

    with app.app_context():
        user = create_user(username="county_admin", display_name="县管理员", role=Role.ADMIN,
                           region_id=world.county_a.id, password="Test-2026")
        user.must_change_password = False
        db.session.commit()
    client = client_as("county_admin")
    assert client.get(f"/users/{world.users['clerk']}").status_code == 200
    assert client.get(f"/users/{world.users['clerk_b']}").status_code == 404
    assert client.post(f"/users/{world.users['clerk_b']}/active").status_code == 404
    assert client.post(f"/users/{world.users['clerk_b']}/password", data={"password": "Hack-2026x"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, world.users["clerk_b"]).active is True
