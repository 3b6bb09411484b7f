import pytest
from sqlalchemy import select

from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.regions.services import code_problem


@pytest.mark.parametrize("code, level, problem", [
    ("140523", RegionLevel.COUNTY, None),
    ("14052", RegionLevel.COUNTY, "6 位数字"),
    ("150523", RegionLevel.COUNTY, "开头"),
    ("140500", RegionLevel.COUNTY, "本级位不能全为 0"),
    ("140522", RegionLevel.COUNTY, "已被其他区划使用"),
])
def test_county_codes_follow_the_city(app, world, code, level, problem):
    with app.app_context():
        city = db.session.get(Region, world.city.id)
        result = code_problem(code, level, city)
    assert (result is None) if problem is None else (problem in result)


def test_list_shows_children_of_own_region(clerk_client, supervisor_client):
    html = supervisor_client.get("/regions").get_data(as_text=True)
    assert "凤城镇" in html and "北留镇" in html and "南村镇" not in html


def test_search_is_scoped_and_serves_a_fragment_to_htmx(supervisor_client):
    full = supervisor_client.get("/regions?q=镇")
    assert "<html" in full.get_data(as_text=True)
    assert full.headers["Vary"] and "HX-Request" in full.headers["Vary"]
    fragment = supervisor_client.get("/regions?q=镇", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "凤城镇" in fragment and "南村镇" not in fragment


def test_boosted_navigation_gets_the_full_page(supervisor_client):
    html = supervisor_client.get("/regions", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in html


def test_out_of_scope_region_is_404(supervisor_client, world):
    assert supervisor_client.get(f"/regions/{world.town_b1.id}").status_code == 404
    assert supervisor_client.get(f"/regions?parent={world.county_b.id}").status_code == 404
    assert supervisor_client.get("/regions/999999").status_code == 404


def test_admin_adds_a_township(app, admin_client, world):
    response = admin_client.post(f"/regions/{world.county_a.id}/new", data={"name": "润城镇", "code": "140522102"})
    assert response.status_code == 303
    with app.app_context():
        region = db.session.execute(select(Region).filter_by(code="140522102")).scalar_one()
        assert region.level == RegionLevel.TOWNSHIP
        assert region.path == f"{world.county_a.path}140522102/"


def test_bad_code_is_an_error_at_the_field_and_keeps_the_name(admin_client, world):
    response = admin_client.post(f"/regions/{world.county_a.id}/new", data={"name": "润城镇", "code": "150522102"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "代码应以上级“阳城县”的代码 140522 开头" in html
    assert 'value="润城镇"' in html


def test_rename(app, admin_client, world):
    assert admin_client.post(f"/regions/{world.town_a1.id}/rename", data={"name": "凤城街道"}).status_code == 303
    with app.app_context():
        assert db.session.get(Region, world.town_a1.id).name == "凤城街道"


def test_move_township_to_other_county_moves_subtree_and_scope(app, admin_client, client_as, world):
    with app.app_context():
        town = db.session.get(Region, world.town_a2.id)
        from app.regions.services import create_region
        village = create_region(name="郭峪村", code="140522101201", level=RegionLevel.VILLAGE, parent=town)
        db.session.commit()
        village_id = village.id
    response = admin_client.post(f"/regions/{world.town_a2.id}/move",
                                 data={"parent_id": world.county_b.id, "code": "140525101"})
    assert response.status_code == 303
    with app.app_context():
        moved = db.session.get(Region, world.town_a2.id)
        assert moved.parent_id == world.county_b.id and moved.code == "140525101"
        assert db.session.get(Region, village_id).path.startswith(moved.path)
    # The county that lost the township no longer sees it; the other county does.
    assert client_as("supervisor").get(f"/regions/{world.town_a2.id}").status_code == 404
    assert client_as("supervisor_b").get(f"/regions/{world.town_a2.id}").status_code == 200


def test_move_with_code_of_old_parent_is_refused(admin_client, world):
    response = admin_client.post(f"/regions/{world.town_a2.id}/move",
                                 data={"parent_id": world.county_b.id, "code": "140522101"})
    assert response.status_code == 422
    assert "140525" in response.get_data(as_text=True)


def test_deactivate_takes_the_subtree_and_keeps_records(app, admin_client, world):
    assert admin_client.post(f"/regions/{world.county_b.id}/active").status_code == 303
    with app.app_context():
        assert db.session.get(Region, world.town_b1.id).active is False
    html = admin_client.get(f"/regions/{world.county_b.id}").get_data(as_text=True)
    assert "已停用" in html


def test_cannot_add_under_inactive_region(admin_client, world):
    admin_client.post(f"/regions/{world.county_b.id}/active")
    response = admin_client.post(f"/regions/{world.county_b.id}/new", data={"name": "新镇", "code": "140525199"})
    assert response.status_code == 422
    assert "已停用" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["supervisor", "clerk", "viewer"])
def test_only_admin_edits_regions(client_as, world, username):
    client = client_as(username)
    assert client.get(f"/regions/{world.town_a1.id}/rename").status_code == 403
    assert client.post(f"/regions/{world.town_a1.id}/rename", data={"name": "x"}).status_code == 403
