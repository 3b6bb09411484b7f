from sqlalchemy import func, select

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


def test_pages_found_by_their_keys_and_in_one_pass_are_the_same_pages(app, world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    stmt = select(Region).where(Region.name.contains("镇") | Region.name.contains("县")).order_by(Region.code)
    for number in (1, 2, 3, 4):
        pages = []
        for how in ({}, {"keys_first": True}, {"keys_first": True, "one_pass": True}):
            with app.test_request_context(f"/?page={number}"):
                set_scope(None)
                page = pagination.paginate(stmt, per_page=2, **how)
                pages.append(([r.code for r in page.items], page.total, page.has_next))
        assert pages[0] == pages[1] == pages[2], number
        assert pages[0][0] or number == 4


def test_a_page_is_loaded_with_the_statements_own_options_and_order(app, world):
    from sqlalchemy.orm import joinedload

    from app.extensions import db

    with app.test_request_context("/?page=1"):
        set_scope(None)
        page = pagination.paginate(select(Region).options(joinedload(Region.parent)).order_by(Region.code.desc()),
                                   per_page=3, keys_first=True)
        codes = [r.code for r in page.items]
        assert codes == sorted(codes, reverse=True) and len(codes) == 3
        assert all("parent" in r.__dict__ for r in page.items)  # loaded with the page, not one by one
        assert page.total == db.session.execute(select(func.count()).select_from(Region)).scalar_one()
