"""Every way a call can be wrong gets its JSON answer, never a page and never a 500: no token,
a wrong or revoked one, an issuer no longer active, bad JSON, bad fields, an oversized body,
too many calls, unknown addresses and methods; and whatever garbage is posted."""
import io
import json
from datetime import datetime

import pytest

from app.api.models import ApiToken
from app.auth.models import User
from app.extensions import db
from tests.api.conftest import CASE, Api


def assert_json_error(response, status: int, error: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.json["message"]
    if error:
        assert response.json["error"] == error


# --------------------------------------------------------------------------- the token

@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer wrong-token", "bearer " + "x" * 500])
def test_a_missing_or_wrong_token_is_401(app, world, header):
    client = app.test_client()
    response = client.get("/api/v1/channels", headers={"Authorization": header} if header else {})
    assert_json_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(app, api, admin_client):
    assert api.get("/channels").status_code == 200
    with app.app_context():
        token_id = db.session.execute(db.select(ApiToken.id)).scalar_one()
    assert admin_client.post(f"/api-tokens/{token_id}/revoke").status_code == 303
    response = api.get("/channels")
    assert_json_error(response, 401)
    assert "吊销" in response.json["message"]


def test_a_token_whose_issuer_left_is_401(app, api):
    with app.app_context():
        db.session.execute(db.select(User).filter_by(username="admin")).scalar_one().active = False
        db.session.commit()
    assert_json_error(api.get("/channels"), 401)


def test_a_session_opens_nothing_of_the_api(admin_client, world):
    """Logged in as the administrator, without a token: still 401 (the API ignores cookies)."""
    assert_json_error(admin_client.get("/api/v1/cases"), 401)
    assert_json_error(admin_client.post("/api/v1/cases", json=CASE), 401)


def test_csrf_does_not_apply_to_the_api(app, api):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert api.push().status_code == 201
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_calls_beyond_the_tokens_rate_are_429(app, api):
    default, app.config["API_RATE_LIMIT"] = app.config["API_RATE_LIMIT"], (3, 60)
    try:
        assert [api.get("/channels").status_code for _ in range(3)] == [200] * 3
        response = api.get("/channels")
        assert_json_error(response, 429, "rate_limited")
        assert response.headers["Retry-After"] == "60"
    finally:
        app.config["API_RATE_LIMIT"] = default


def test_guessing_tokens_runs_into_the_limit_too(app, world):
    default, app.config["API_RATE_LIMIT"] = app.config["API_RATE_LIMIT"], (2, 60)
    try:
        guesser = Api(app.test_client(), "guess")
        assert [guesser.get("/channels").status_code for _ in range(3)] == [401, 401, 429]
    finally:
        app.config["API_RATE_LIMIT"] = default


def test_last_use_is_noted_at_most_once_a_minute(app, api):
    api.get("/channels")
    with app.app_context():
        first = db.session.execute(db.select(ApiToken.last_used_at)).scalar_one()
    api.get("/channels")
    with app.app_context():
        assert db.session.execute(db.select(ApiToken.last_used_at)).scalar_one() == first
    assert first is not None and (datetime.utcnow() - first).total_seconds() < 60


# --------------------------------------------------------------------------- the body

@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"{'single': 'quotes'}", b"\xff\xfe\x00garbage",
                                 b'{"a": NaN}', b"[" * 5000 + b"]" * 5000, b"1" * 5000])
def test_invalid_json_is_400(api, raw):
    response = api.client.post("/api/v1/cases", data=raw, content_type="application/json", headers=api.headers())
    assert_json_error(response, 400, "bad_request")


@pytest.mark.parametrize("body", [[], [CASE], None, 42, "text", True])
def test_a_body_that_is_no_object_is_400(api, body):
    response = api.client.post("/api/v1/cases", data=json.dumps(body), content_type="application/json",
                               headers=api.headers())
    assert_json_error(response, 400)


def test_an_oversized_body_is_413_before_it_is_read(api):
    response = api.push(content="长" * 40_000)  # 120 KB of UTF-8
    assert_json_error(response, 413, "too_large")
    big = api.client.post("/api/v1/cases", data=b'{"content": "' + b"x" * (1024 * 1024) + b'"}',
                          content_type="application/json", headers=api.headers())
    assert_json_error(big, 413)


def test_a_body_without_its_length_is_cut_off_at_the_limit(api):
    """A chunked body (no Content-Length) is read only up to the limit, then refused."""
    body = io.BytesIO(b'{"content": "' + b"x" * (200 * 1024) + b'"}')
    response = api.client.post("/api/v1/cases", input_stream=body, content_type="application/json",
                               headers=api.headers({"Transfer-Encoding": "chunked"}),
                               environ_overrides={"wsgi.input_terminated": True})
    assert_json_error(response, 413)


@pytest.mark.parametrize("fields,wrong", [
    ({"received_at": "2026-10-08T09:30:00"}, "received_at"),  # no offset
    ({"received_at": "yesterday"}, "received_at"),
    ({"received_at": 1760000000}, "received_at"),
    ({"received_at": "9999-12-31T23:59:59-12:00"}, "received_at"),
    ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),  # in the future (the service's rule)
    ({"type": "rant"}, "type"),
    ({"category": 7}, "category"),
    ({"content": ""}, "content"),
    ({"content": "   \x00\x07  "}, "content"),  # nothing left once control characters go
    ({"content": 10**400}, "content"),
    ({"content": ["a"]}, "content"),
    ({"external_id": None}, "external_id"),
    ({"external_id": "x" * 61}, "external_id"),
    ({"requester_phone": {"a": 1}}, "requester_phone"),
    ({"region_code": "14052"}, "region_code"),
    ({"region_code": "999999"}, "region_code"),
    ({"class": 1.5}, "class"),
    ({"catgory": "noise"}, "catgory"),
])
def test_invalid_fields_are_422_with_a_sentence_at_each(app, api, fields, wrong):
    response = api.push(**fields)
    assert_json_error(response, 422, "invalid_fields")
    assert set(response.json["errors"]) == {wrong}
    assert all("\u4e00" <= ch <= "\u9fff" for ch in response.json["errors"][wrong][:2])  # in Chinese


def test_every_missing_field_is_named_at_once(api):
    response = api.post("/cases", json={})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"channel", "external_id", "received_at", "content", "type"}


def test_control_characters_are_cleaned_from_what_is_kept(api):
    case = api.push(requester_name="张\x00三\x1b", place="凤城镇\u200b广场\r\n").json
    assert case["place"] == "凤城镇\u200b广场"
    assert case["requester_name"] == "张*"


@pytest.mark.parametrize("body", [
    {"satisfaction": "很好"}, {}, {"status": 5}, {"visited_at": "soon", "status": "x"}, {"status": "x", "extra": 1},
])
def test_an_invalid_follow_up_is_422(api, body):
    number = api.push().json["number"]
    from urllib.parse import quote
    response = api.post(f"/cases/{quote(number)}/follow-ups", json=body)
    assert_json_error(response, 422)
    assert response.json["errors"]


# --------------------------------------------------------------------------- addresses

@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/v1/nothing", 404), ("GET", "/api/v1/cases/nope/more/parts", 404),
    ("GET", "/api/v1/cases/%E9%98%B3%E5%9F%8E%E4%BD%93%E8%AF%89", 404),
    ("DELETE", "/api/v1/cases", 405), ("PUT", "/api/v1/channels", 405), ("GET", "/api/v1/cases/x/follow-ups", 405),
])
def test_unknown_addresses_and_methods_answer_json(api, method, path, status):
    response = api.client.open(path, method=method, headers=api.headers())
    assert_json_error(response, status)


def test_query_parameters_are_checked_too(api):
    for query, field in [("per_page=0", "per_page"), ("per_page=abc", "per_page"), ("updated_since=tomorrow", "updated_since"),
                         ("colour=red", "colour"), ("channel=fax", "channel")]:
        response = api.get(f"/cases?{query}")
        assert response.status_code == 422 and field in response.json["errors"], (query, response.json)


@pytest.mark.parametrize("body", [
    {**CASE, "content": "\x00" * 1000},
    {**CASE, "external_id": "\ud800"},
    {**CASE, "received_at": "2026-02-30T09:00:00+08:00"},
    {**CASE, "received_at": "0001-01-01T00:00:00+14:00"},
    {**CASE, "received_at": "2026-10-08T09:30:00+25:00"},
    {**CASE, "region_code": "1" * 12},
    {**CASE, "channel": "hotline12345\n", "class": "general\t"},
    {**CASE, "type": None, "category": None, "place": None},
    {key: 10**18 for key in CASE},
    {key: [] for key in CASE},
    {key: {"$ne": 1} for key in CASE},
    {"__proto__": {}, "constructor": 1},
])
def test_garbage_never_makes_a_500(api, body):
    response = api.post("/cases", json=body)
    assert response.status_code in (200, 201, 400, 409, 422), response.get_data(as_text=True)
    assert response.mimetype == "application/json"
