"""Numbers in addresses and forms: whatever is typed or hand-edited into a link, the answer is
a page, a 404 or an error at the field, never a 500 (issue: 500s on numbers)."""
import pytest

from app.parsing import parse_id, parse_page, parse_year

BAD_NUMBERS = ["999999999999999999", "⁰⁴⁵", "１２", "-1", "0", "1e3", " ", "٣", "2147483648", "%00", "\x00"]


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_bad_numbers_are_no_numbers(text):
    assert parse_id(text) is None and parse_year(text) is None and parse_page(text) == 1


def test_good_numbers_are_numbers():
    assert parse_id("42") == 42 and parse_id(7) == 7 and parse_year("2026") == 2026 and parse_page("3") == 3
    assert parse_id("2147483647") == 2**31 - 1 and parse_year("1999") is None


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("url", [
    "/organizations?region={v}", "/organizations?page={v}", "/inspections?page={v}", "/inspections/self-checks?year={v}",
    "/rectifications?page={v}", "/regions?parent={v}", "/coverage?region={v}", "/audit?page={v}", "/users?page={v}",
    "/organizations/{v}", "/inspections/{v}", "/inspections/print?region_id={v}",
])
def test_no_number_in_an_address_answers_500(admin_client, world, url, value):
    response = admin_client.get(url.format(v=value))
    assert response.status_code in (200, 404), (url, value, response.status_code)


def test_a_huge_member_count_is_refused_at_the_field(clerk_client, world):
    from tests.organizations.test_views import org_form  # the registry form as a clerk fills it

    response = clerk_client.post("/organizations/new", data=org_form(world, member_count="9" * 19))
    assert response.status_code == 422
    assert "人数不能超过" in response.get_data(as_text=True)


def test_a_review_year_link_of_superscripts_is_ignored(app, clerk_client, world):
    from app.extensions import db
    from tests.factories import make_org

    with app.app_context():
        org = make_org(world.town_a1)
        db.session.commit()
        org_id = org.id
    response = clerk_client.get(f"/organizations/{org_id}/events/new?kind=annual_review&review_year=²⁰²⁵")
    assert response.status_code == 200
