"""The scope mechanism: reads are filtered to the user's subtree, writes outside it are refused."""
import pytest
from flask import g
from sqlalchemy import select

from app.audit.models import AuditEntry
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


# ---------------------------------------------------------------- the side doors are shut

def test_a_core_select_of_a_scoped_table_is_refused(app, world):
    from app.scoping import ScopeBypass

    with app.test_request_context():
        set_scope(world.town_a1.path)
        with pytest.raises(ScopeBypass):
            db.session.execute(select(User.__table__))
        with pytest.raises(ScopeBypass):
            db.session.execute(select(Region.__table__.c.name))


def test_text_is_refused_inside_a_scope_and_allowed_when_meant(app, world):
    from sqlalchemy import text

    from app.scoping import ScopeBypass

    with app.test_request_context():
        set_scope(world.town_a1.path)
        with pytest.raises(ScopeBypass):
            db.session.execute(text("SELECT username FROM users"))
        rows = db.session.execute(text("SELECT count(*) FROM users"), execution_options={"unscoped": True})
        assert rows.scalar_one() == len(world.users)


def test_the_root_user_without_a_filter_still_has_no_side_doors(app, world):
    from app.scoping import ScopeBypass

    with app.test_request_context():
        set_scope(None)  # the sole root's users: nothing is filtered, the mechanism still watches
        with pytest.raises(ScopeBypass):
            db.session.execute(select(User.__table__))


def test_a_bulk_update_of_an_audited_model_is_refused(app, world):
    from sqlalchemy import update

    from app.scoping import ScopeBypass

    with app.test_request_context():
        set_scope(world.county_a.path)
        with pytest.raises(ScopeBypass):
            db.session.execute(update(User).values(phone="13800138000"))
        db.session.rollback()
    with app.app_context():
        assert {u.phone for u in db.session.execute(select(User)).scalars()} == {""}


def test_relationship_loads_are_scoped_and_reading_upward_is_deliberate(app, world):
    with app.test_request_context():
        set_scope(None)
        county = db.session.get(Region, world.county_a.id)
        town = db.session.get(Region, world.town_a1.id)
        db.session.expunge_all()
        set_scope(world.town_a1.path)
        town = db.session.merge(town, load=False)
        county = db.session.merge(county, load=False)
        assert [r.name for r in county.children] == ["凤城镇"]  # not 北留镇, outside the clerk's scope
        assert [r.name for r in town.ancestors()] == ["山西省", "晋城市", "阳城县"]
        assert town.ancestor(RegionLevel.COUNTY).name == "阳城县"


ALLOWED_LOW_LEVEL = {
    "app/scoping.py": "the scope subquery names the regions table",
    "app/audit/listeners.py": "audit entries are inserted on the flush's own connection",
}


def test_no_module_builds_statements_past_the_scope():
    """Core selects on ``Model.__table__`` and raw ``text()`` skip the scope criteria: only the
    modules above may build them (a new one must be argued for here)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"\.__table__\b|(?<![.\w])text\(")
    offenders = []
    for path in sorted((root / "app").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative in ALLOWED_LOW_LEVEL:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line.split("#", 1)[0]):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


# ---------------------------------------------------------------- records move whole

def test_every_region_scoped_model_is_a_root_or_declares_its_parent(app):
    from app.regional import SCOPE_ROOT, RegionScoped

    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if not issubclass(cls, RegionScoped):
            continue
        assert "__scope_parent__" in vars(cls), f"{cls.__name__} must declare __scope_parent__"
        parent = cls.__scope_parent__
        if parent == SCOPE_ROOT:
            continue
        names = parent if isinstance(parent, tuple) else (parent,)
        assert all(name in mapper.columns for name in names), f"{cls.__name__}.__scope_parent__ names no column"
        if not isinstance(parent, tuple):
            assert mapper.columns[parent].foreign_keys, f"{cls.__name__}.{parent} is no foreign key"


def test_a_moved_organisation_takes_its_whole_history_to_the_new_township(app, world):
    from datetime import date

    from app.audit.history import history_for
    from app.organizations import services
    from app.organizations.models import EventKind, Organization
    from app.standards.models import ItemResult
    from tests.factories import TODAY, committed, make_inspection, make_org

    org_id = committed(app, make_org, world.town_a1, name="凤城镇体育总会")
    with app.test_request_context():
        set_scope(world.county_a.path)
        org = db.session.get(Organization, org_id)
        services.update_organization(org, {"contact_person": "王芳"})
        services.update_organization(org, {"address": "凤城镇文化站"})
        services.record_event(org, EventKind.CHANGE, date(2026, 3, 30), today=TODAY)
        make_inspection(org, results={"有经费": ItemResult.FAIL}, finalize=True)
        db.session.commit()
        before = len(history_for(org))
        services.update_organization(org, {"region_id": world.town_a2.id})
        db.session.commit()
        everything = len(history_for(org))
        assert everything == before + 1
    with app.test_request_context():
        set_scope(world.town_a2.path)  # the new township's clerk
        org = db.session.get(Organization, org_id)
        assert len(history_for(org)) == everything
        related = db.session.execute(select(db.func.count()).select_from(AuditEntry)).scalar_one()
        assert related > everything  # the event's, the inspection's and its results' entries came too
    with app.test_request_context():
        set_scope(world.town_a1.path)  # the old one keeps nothing of it
        left = db.session.execute(select(AuditEntry.record_type).where(AuditEntry.record_type.notin_(["users", "regions"]))).all()
        assert left == []


def test_lifting_the_scope_outside_a_request_leaves_nothing_in_force(app):
    """A command (seed-demo, a backup) lifting the scope for a step must not leave every
    later query of the command refused: before, the block put back DENY_ALL."""
    from app.scoping import current_scope, scope_in_force, unscoped

    with app.app_context():
        with unscoped():
            assert current_scope() is None
        assert not scope_in_force() and current_scope() is None
