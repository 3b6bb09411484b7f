from datetime import timedelta

import pytest

from app.auth.models import LoginAttempt, User
from app.extensions import db
from tests.conftest import PASSWORD, get_user, login


def test_login_page_renders(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html


def test_login_and_logout(client, world):
    response = login(client, "clerk")
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 302


def test_wrong_password_is_an_error_at_the_field_and_keeps_the_username(client, world):
    response = login(client, "clerk", "wrong-pass1")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名或密码错误" in html
    assert 'value="clerk"' in html


def test_empty_fields_are_reported_in_chinese(client, world):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 422
    assert "请输入用户名" in response.get_data(as_text=True)


def test_account_locks_after_repeated_failures(app, client, world):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "clerk", "wrong-pass1")
    response = login(client, "clerk")  # even the right password is refused while locked
    assert response.status_code == 429
    assert "锁定" in response.get_data(as_text=True)
    assert get_user(app, "clerk").locked_until is not None


def test_lock_expires(app, client, world):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "clerk", "wrong-pass1")
    with app.app_context():
        user = db.session.get(User, world.users["clerk"])
        user.locked_until -= timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
        db.session.commit()
    assert login(client, "clerk").status_code == 303


def test_address_is_throttled_across_accounts(app, client, world):
    for i in range(app.config["LOGIN_IP_MAX_FAILURES"]):
        login(client, f"nobody{i}", "wrong-pass1")
    response = login(client, "admin")
    assert response.status_code == 429
    with app.app_context():
        assert db.session.query(LoginAttempt).filter_by(succeeded=False).count() == app.config["LOGIN_IP_MAX_FAILURES"]


def test_inactive_user_cannot_log_in_and_is_logged_out(app, client_as, client, world):
    logged_in = client_as("clerk")
    with app.app_context():
        user = db.session.get(User, world.users["clerk"])
        user.active = False
        db.session.commit()
    assert logged_in.get("/").status_code == 302
    assert "已停用" in login(client, "clerk").get_data(as_text=True)


def test_open_redirect_is_refused(client, world):
    response = client.post("/login?next=https://evil.example/x", data={"username": "clerk", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_password_is_hashed_with_a_kdf(app, world):
    user = get_user(app, "clerk")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_production_config_uses_scrypt_and_secure_cookies():
    from config import Config

    assert Config.PASSWORD_HASH_METHOD == "scrypt"
    assert Config.SESSION_COOKIE_HTTPONLY and Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_csrf_is_required_on_posts(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"username": "clerk", "password": PASSWORD})
        assert response.status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": token}).status_code == 303
        # htmx sends the token as a header, taken from <body hx-headers>.
        body = client.get("/").get_data(as_text=True)
        assert "X-CSRFToken" in body
        header_token = body.split('"X-CSRFToken": "')[1].split('"')[0]
        assert client.post("/logout", headers={"X-CSRFToken": header_token}).status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("target", [
    "/\r\nSet-Cookie:x=1", "/\nLocation: https://evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/",
    "/\x00", "javascript:alert(1)",
])
def test_next_must_be_a_plain_path_of_this_site(client, world, target):
    response = client.post("/login", query_string={"next": target},
                           data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_keeps_a_path_of_this_site(client, world):
    response = client.post("/login?next=/organizations%3Fq%3D%E5%87%A4", data={"username": "clerk", "password": PASSWORD})
    assert response.headers["Location"] == "/organizations?q=%E5%87%A4"


def test_crlf_in_a_raw_next_is_refused_after_login(client, world):
    """The adversarial run's case: the address itself carries %0D%0A (500 before)."""
    response = client.post("/login?next=/%0D%0ASet-Cookie:x=1", data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_a_cookie_copied_before_logout_no_longer_works(app, client, world):
    assert client.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 303
    copied = client.get_cookie("session").value
    assert client.post("/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/organizations")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_known_browser_logs_in_while_its_address_is_throttled(app, client, world):
    """One township office, one address: a colleague's mistakes do not shut out a known browser."""
    office_pc = app.test_client()
    assert login(office_pc, "clerk").status_code == 303
    office_pc.post("/logout")
    for i in range(app.config["LOGIN_IP_MAX_FAILURES"]):
        login(client, f"nobody{i}", "wrong-pass1")
    assert login(client, "clerk").status_code == 429  # a browser never seen before waits
    assert login(office_pc, "clerk").status_code == 303  # the known one gets in


def test_unknown_and_real_usernames_get_the_same_answers(app, client, world):
    """Neither the messages nor the lock-out tell whether a username exists."""
    def answers(username):
        texts = []
        for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
            response = login(client, username, "wrong-pass1")
            texts.append((response.status_code, response.get_data(as_text=True).count("锁定")))
        return texts

    assert answers("clerk_b") == answers("no_such_user")


def test_a_deactivated_account_is_named_only_to_whoever_knows_its_password(app, client, world):
    with app.app_context():
        db.session.get(User, world.users["clerk"]).active = False
        db.session.commit()
    assert "已停用" not in login(client, "clerk", "wrong-pass1").get_data(as_text=True)
    assert "已停用" in login(client, "clerk").get_data(as_text=True)
