"""One search box over organisations, inspections and rectifications, within the user's scope."""
from datetime import date

from app.extensions import db
from app.main import search
from app.organizations.models import OrgKind
from app.standards.models import ItemResult
from tests.factories import make_inspection, make_org


def _records(app, world):
    with app.app_context():
        fengcheng = make_org(world.town_a1, name="凤城镇乒乓球协会", kind=OrgKind.ASSOCIATION)
        federation = make_org(world.town_a1, name="凤城镇体育总会")
        make_inspection(federation, inspected_on=date(2026, 4, 1), finalize=True, results={"有经费": ItemResult.FAIL})
        make_org(world.town_b1, name="南村镇乒乓球协会")
        db.session.commit()
        return fengcheng.id


def test_one_search_finds_matches_in_each_list(app, world, client_as):
    _records(app, world)
    html = client_as("supervisor").get("/search?q=凤城镇").get_data(as_text=True)
    organizations, inspections, rectifications = html.split("<section")[1:4]
    assert "凤城镇乒乓球协会" in organizations and "凤城镇体育总会" in organizations
    assert "2026-04-01" in inspections and "凤城镇体育总会" in inspections
    assert "有经费" in rectifications
    assert "南村镇" not in html  # another county's organisation is not found


def test_the_search_keeps_to_the_users_scope(app, world, client_as):
    _records(app, world)
    html = client_as("clerk_b").get("/search?q=乒乓球").get_data(as_text=True)
    assert "南村镇乒乓球协会" in html and "凤城镇乒乓球协会" not in html


def test_more_matches_than_shown_link_to_the_list(app, world, client_as, monkeypatch):
    _records(app, world)
    monkeypatch.setattr(search, "SHOWN", 1)
    html = client_as("supervisor").get("/search?q=凤城镇").get_data(as_text=True)
    assert "前 1 条" in html and 'href="/organizations?q=%E5%87%A4%E5%9F%8E%E9%95%87"' in html


def test_an_empty_search_asks_for_words_and_htmx_gets_only_the_results(app, world, client_as):
    client = client_as("clerk")
    assert "请输入要查找的文字" in client.get("/search").get_data(as_text=True)
    fragment = client.get("/search?q=x", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "没有找到" in fragment


def test_the_header_offers_the_search_box_on_every_page(client_as):
    html = client_as("viewer").get("/").get_data(as_text=True)
    assert 'class="topsearch" method="get" action="/search"' in html
