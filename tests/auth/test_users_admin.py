from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db


def test_user_list_and_search(admin_client):
    html = admin_client.get("/users?q=clerk").get_data(as_text=True)
    assert "clerk_b" in html and "supervisor" not in html.split("<tbody>")[1]


def test_user_list_filters_by_role(admin_client):
    fragment = admin_client.get("/users?role=viewer", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert ">viewer<" in fragment and ">clerk<" not in fragment


def test_admin_creates_a_clerk(app, admin_client, world):
    response = admin_client.post("/users/new", data={
        "username": "clerk_new", "display_name": "张三", "role": "clerk",
        "region_id": world.town_a2.id, "phone": "0356-1234567", "password": "Start-2026"})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username="clerk_new")).scalar_one()
        assert user.role == Role.CLERK and user.must_change_password


def test_duplicate_username_and_wrong_level_are_errors_at_fields(admin_client, world):
    response = admin_client.post("/users/new", data={
        "username": "clerk", "display_name": "张三", "role": "clerk",
        "region_id": world.county_a.id, "password": "Start-2026"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "该用户名已被使用" in html
    assert "乡镇文体干事只能属于乡镇（街道）级区划" in html
    assert 'value="张三"' in html


def test_edit_user(app, admin_client, world):
    uid = world.users["clerk"]
    response = admin_client.post(f"/users/{uid}/edit", data={
        "username": "clerk", "display_name": "王晓燕", "role": "clerk", "region_id": world.town_a2.id, "phone": ""})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, uid).region_id == world.town_a2.id


def test_deactivate_and_reactivate(app, admin_client, world):
    uid = world.users["clerk"]
    admin_client.post(f"/users/{uid}/active")
    with app.app_context():
        assert db.session.get(User, uid).active is False
    admin_client.post(f"/users/{uid}/active")
    with app.app_context():
        assert db.session.get(User, uid).active is True


def test_admin_cannot_deactivate_self(app, admin_client, world):
    response = admin_client.post(f"/users/{world.users['admin']}/active", follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
