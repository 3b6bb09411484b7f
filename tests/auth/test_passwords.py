from tests.conftest import PASSWORD, get_user, login


def test_user_changes_own_password(client_as, client, world):
    clerk = client_as("clerk")
    response = clerk.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "Better-2027", "confirm": "Better-2027"})
    assert response.status_code == 303
    assert login(client, "clerk", "Better-2027").status_code == 303


def test_change_password_errors_at_fields(clerk_client):
    response = clerk_client.post("/account/password", data={
        "current_password": "nope-1234", "new_password": "short", "confirm": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "至少 8 位" in html and "两次输入的新密码不一致" in html


def test_wrong_current_password_is_refused(clerk_client):
    response = clerk_client.post("/account/password", data={
        "current_password": "nope-1234", "new_password": "Better-2027", "confirm": "Better-2027"})
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_admin_reset_forces_a_change_at_next_login(app, admin_client, client, world):
    user_id = world.users["clerk"]
    assert admin_client.post(f"/users/{user_id}/password", data={"password": "Temp-2026x"}).status_code == 303
    assert login(client, "clerk", "Temp-2026x").status_code == 303
    assert client.get("/").headers["Location"].endswith("/account/password")
    client.post("/account/password", data={"current_password": "Temp-2026x", "new_password": "Mine-2026x",
                                           "confirm": "Mine-2026x"})
    assert client.get("/").status_code == 200
    assert get_user(app, "clerk").must_change_password is False


def test_a_password_reset_ends_the_sessions_already_open(app, admin_client, client_as, world):
    stolen = client_as("clerk")
    assert stolen.get("/").status_code == 200
    admin_client.post(f"/users/{world.users['clerk']}/password", data={"password": "Temp-2026x"})
    assert stolen.get("/").status_code == 302  # back to the login page


def test_changing_the_own_password_keeps_this_session(client_as, world):
    clerk = client_as("clerk")
    clerk.post("/account/password", data={"current_password": PASSWORD, "new_password": "Better-2027",
                                          "confirm": "Better-2027"})
    assert clerk.get("/").status_code == 200


def test_every_password_error_shows_in_one_round(clerk_client):
    response = clerk_client.post("/account/password", data={
        "current_password": "not-my-password1", "new_password": "short", "confirm": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "当前密码不正确" in html and "至少 8 位" in html and "两次输入的新密码不一致" in html
    assert "请按提示修改后再提交" in html and 'href="#current_password"' in html and 'href="#new_password"' in html
