"""The scope mechanism: reads are filtered to the user's subtree, writes outside it are refused."""
import pytest
from flask import g
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.scoping import DENY_ALL, OutOfScope, set_scope


def _names(app, scope_path):
    with app.test_request_context():
        if scope_path is not DENY_ALL:
            set_scope(scope_path)
        return {r.name for r in db.session.execute(select(Region)).scalars()}


def test_reads_are_limited_to_the_subtree(app, world):
    assert _names(app, world.county_a.path) == {"阳城县", "凤城镇", "北留镇"}
    assert _names(app, world.town_b1.path) == {"南村镇"}
    assert len(_names(app, world.province.path)) == 7


def test_a_request_without_a_user_sees_nothing(app, world):
    assert _names(app, DENY_ALL) == set()


def test_outside_a_request_nothing_is_filtered(app, world):
    with app.app_context():
        assert db.session.execute(select(db.func.count()).select_from(Region)).scalar_one() == 7


def test_scoped_models_are_filtered_through_their_region(app, world):
    with app.test_request_context():
        set_scope(world.town_a1.path)
        usernames = {u.username for u in db.session.execute(select(User)).scalars()}
    assert usernames == {"clerk"}


def test_writing_into_another_region_is_refused(app, world):
    with app.test_request_context():
        set_scope(world.town_a1.path)
        user = db.session.execute(select(User).filter_by(username="clerk")).scalar_one()
        user.region_id = world.town_b1.id
        with pytest.raises(OutOfScope):
            db.session.flush()
        db.session.rollback()
        assert g.scope_path == world.town_a1.path


def test_the_sole_root_is_unfiltered_but_a_second_root_brings_the_filter_back(app, world):
    from app.regions.services import create_region
    from app.scoping import scope_for

    with app.app_context():
        province = db.session.get(Region, world.province.id)
        county = db.session.get(Region, world.county_a.id)
        assert scope_for(province) is None
        assert scope_for(county) == county.path
        create_region(name="河南省", code="410000", level=RegionLevel.PROVINCE, parent=None)
        assert scope_for(province) == province.path
        db.session.rollback()
