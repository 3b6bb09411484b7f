from sqlalchemy import select

from app import pagination
from app.regions.models import Region
from app.scoping import set_scope


def test_pages_and_capped_count(app, world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    with app.test_request_context("/?page=2"):
        set_scope(None)
        page = pagination.paginate(select(Region).order_by(Region.code), per_page=2)
        assert [r.code for r in page.items] == ["140522", "140522100"]
        assert page.has_prev and page.has_next
        assert page.total_capped and page.total_label == "5+"
    with app.test_request_context("/?page=4"):
        set_scope(None)
        last = pagination.paginate(select(Region).order_by(Region.code), per_page=2)
        assert [r.code for r in last.items] == ["140525100"] and not last.has_next


def test_search_escapes_wildcards(app, world):
    with app.app_context():
        from app.extensions import db

        stmt = pagination.apply_search(select(Region), "%", Region.name)
        assert db.session.execute(stmt).all() == []
        assert len(db.session.execute(pagination.apply_search(select(Region), "镇", Region.name)).all()) == 3
