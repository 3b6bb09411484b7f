"""The registry's lists (organisations, inspections, rectifications, activities) are kept as
rendered results (app.kept_results): a write shows at once, the day's turn marks what fell
overdue, and a reader of another county never gets a kept list."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

import app.kept_results as kept_results
from app.extensions import db
from app.organizations.models import Organization
from app.standards.models import ItemResult, Rectification
from app.timeutil import local_now
from tests.factories import make_activity, make_inspection, make_org

LISTS = ["/organizations", "/inspections", "/rectifications", "/activities"]


@pytest.fixture
def registry(app, world):
    with app.app_context():
        org = make_org(world.town_a1)
        make_inspection(org, results={"有经费": ItemResult.FAIL}, finalize=True)
        make_activity(org)
        db.session.execute(select(Rectification)).scalar_one().due_on = local_now().date()
        db.session.commit()
        return org.id


def text(client, path):
    return client.get(path).get_data(as_text=True)


def test_a_renamed_organisation_shows_at_once_on_every_kept_list(app, client_as, registry):
    supervisor = client_as("supervisor")
    for path in LISTS:
        assert "凤城镇体育总会" in text(supervisor, path), path  # kept from here
    with app.app_context():
        db.session.get(Organization, registry).name = "凤城镇全民健身体育总会"
        db.session.commit()
    for path in LISTS:
        assert "凤城镇全民健身体育总会" in text(supervisor, path), path


def test_another_countys_reader_never_gets_a_kept_list(client_as, registry):
    supervisor, other = client_as("supervisor"), client_as("supervisor_b")
    for path in LISTS:
        assert "凤城镇体育总会" in text(supervisor, path), path
        assert "凤城镇体育总会" not in text(other, path), path
        # The htmx request for the results alone reads the same kept results.
        fragment = supervisor.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "凤城镇体育总会" in fragment and "<html" not in fragment, path


def test_a_kept_rectification_list_marks_what_fell_overdue_at_midnight(client_as, registry, monkeypatch):
    supervisor = client_as("supervisor")
    assert "已逾期" not in text(supervisor, "/rectifications")  # due today: kept from here
    tomorrow = datetime.combine(local_now().date() + timedelta(days=1), datetime.min.time())
    monkeypatch.setattr(kept_results, "local_now", lambda: tomorrow)
    assert "已逾期" in text(supervisor, "/rectifications")


def test_the_kept_coverage_boards_count_a_new_check_at_once(app, world, client_as, registry):
    from datetime import date

    supervisor, admin = client_as("supervisor"), client_as("admin")
    county_board = f"/coverage?region={world.county_a.id}"
    assert "<strong>0</strong> 个乡镇体育总会达到" in text(supervisor, county_board)  # kept from here
    assert "<strong>0</strong> 个乡镇体育总会达标" in text(admin, "/coverage")
    with app.app_context():
        make_inspection(db.session.get(Organization, registry), inspected_on=date(2026, 6, 1), finalize=True)
        db.session.commit()
    assert "<strong>1</strong> 个乡镇体育总会达到" in text(supervisor, county_board)
    assert "<strong>1</strong> 个乡镇体育总会达标" in text(admin, "/coverage")
