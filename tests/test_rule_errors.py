"""Services enforce their rules themselves and say so with one kind of error, so an import,
a job or an API call that skips the forms cannot skip the rules."""
import pytest
from wtforms import Form, StringField

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user, update_user
from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.regions.services import create_region, move_region, set_region_active
from app.rules import RuleError


class _Form(Form):
    code = StringField()


def test_a_rule_error_lands_at_its_field_or_above_the_form():
    form = _Form()
    RuleError.of({"code": "代码有误。", None: "整体有误。"}).show_on(form)
    assert form.code.errors == ["代码有误。"]
    assert form.form_errors == ["整体有误。"]


def test_a_rule_error_without_field_goes_to_the_fallback_field():
    form = _Form()
    RuleError("不能这样做。").show_on(form, fallback="code")
    assert form.code.errors == ["不能这样做。"]


def test_account_level_rule_is_kept_by_the_service(app, world):
    with app.app_context():
        with pytest.raises(RuleError) as caught:
            create_user(username="wang", display_name="王", role=Role.CLERK, region_id=world.county_a.id,
                        password="Abcdefg-1")
        assert caught.value.field == "region_id"
        assert "乡镇文体干事只能属于乡镇（街道）级区划" in caught.value.message
        clerk = db.session.get(User, world.users["clerk"])
        with pytest.raises(RuleError, match="县级督导员只能属于"):
            update_user(clerk, display_name="李", role=Role.SUPERVISOR, region_id=world.town_a1.id, phone="")


def test_region_code_and_parent_rules_are_kept_by_the_service(app, world):
    with app.app_context():
        county = db.session.get(Region, world.county_a.id)
        with pytest.raises(RuleError) as caught:
            create_region(name="润城镇", code="140525102", level=RegionLevel.TOWNSHIP, parent=county)
        assert caught.value.field == "code"
        assert "代码应以上级“阳城县”的代码 140522 开头" in caught.value.message
        town = db.session.get(Region, world.town_a2.id)
        with pytest.raises(RuleError, match="代码应以上级"):
            move_region(town, db.session.get(Region, world.county_b.id), "140522101")


def test_own_region_cannot_be_deactivated_by_the_service(app, world):
    with app.app_context():
        admin = db.session.get(User, world.users["admin"])
        with pytest.raises(RuleError, match="不能停用自己所属的区划"):
            set_region_active(db.session.get(Region, admin.region_id), False, admin)
