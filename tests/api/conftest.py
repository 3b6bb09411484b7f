"""API fixtures: tokens issued by the world's administrator, and a client that sends one."""
import pytest

from app.api import tokens
from app.extensions import db
from app.regions.models import Region
from app.timeutil import utcnow
from tests.factories import user

CASE = {
    "channel": "hotline12345", "class": "general", "external_id": "JC20261008000123",
    "received_at": "2026-10-08T09:30:00+08:00", "requester_name": "张三", "requester_phone": "13812341234",
    "content": "凤城镇文化广场健身器材损坏，无人维修。", "type": "complaint", "category": "equipment_damage",
    "place": "凤城镇文化广场", "region_code": "140522100",
}


def issue(app, region_code: str, name: str = "晋城市12345平台", by: str = "admin") -> str:
    with app.app_context():
        region = db.session.execute(db.select(Region).filter_by(code=region_code)).scalar_one()
        _, secret = tokens.issue_token(name, region, user(by), utcnow())
        db.session.commit()
        return secret


class Api:
    """A test client that calls the API with a token."""

    def __init__(self, client, secret: str | None):
        self.client, self.secret = client, secret

    def headers(self, extra=None):
        return {**({"Authorization": f"Bearer {self.secret}"} if self.secret else {}), **(extra or {})}

    def get(self, path, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.client.post(f"/api/v1{path}", json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def push(self, **fields):
        return self.post("/cases", json=CASE | fields)


@pytest.fixture
def token(app, world) -> str:
    """A token for 阳城县 (county A)."""
    return issue(app, "140522")


@pytest.fixture
def api(app, token) -> Api:
    return Api(app.test_client(), token)


@pytest.fixture
def api_b(app, world) -> Api:
    """The other county's platform: a token for 泽州县."""
    return Api(app.test_client(), issue(app, "140525", name="泽州县平台"))
