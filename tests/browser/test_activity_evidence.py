"""Ticking an activity as the evidence of 有活动 in a real browser: with htmx the tick is saved at
once and the page's 保存 afterwards is not taken for someone else's change; without JavaScript
the tick is saved with the page. Both keep what else was typed."""
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from app.activities.models import ActivityEvidence
from app.extensions import db
from tests.factories import make_activity_row, make_inspection, make_org


def _evidence(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.execute(select(ActivityEvidence.activity_id)).scalars())


def test_ticking_an_activity_attaches_it(app, page, world, login, js_enabled):
    with app.app_context():
        org = make_org(world.town_a1)
        inspection = make_inspection(org, inspected_on=date(2026, 6, 15))
        dance = make_activity_row(org, title="广场舞展演", starts_on=date(2026, 5, 1)).id
        make_activity_row(org, title="乒乓球联赛", starts_on=date(2026, 3, 20))
        db.session.commit()
        url, version = f"/inspections/{inspection.id}", inspection.row_version
    login("supervisor")
    page.goto(url)
    evidence = page.locator("fieldset.activity-evidence")
    expect(evidence).to_contain_text("乒乓球联赛")
    page.get_by_label("总体情况").fill("活动开展正常")
    evidence.get_by_label("广场舞展演").check()
    if js_enabled:  # saved at once; the page's row version moved on with it
        expect(page.locator("input[name=row_version]")).to_have_value(str(version + 1))
        assert _evidence(app) == [dance]
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("已保存。")
    assert _evidence(app) == [dance]
    expect(page.locator("fieldset.activity-evidence").get_by_label("广场舞展演")).to_be_checked()
    expect(page.get_by_label("总体情况")).to_have_value("活动开展正常")
