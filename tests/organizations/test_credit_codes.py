"""The one credit-code generator: its codes pass the app's own validator, and never collide."""
import pytest
from sqlalchemy import select

from app.demo import load_demo_data
from app.extensions import db
from app.organizations.credit_codes import make_credit_code, organisation_code
from app.organizations.models import Organization
from app.organizations.services import credit_code_problem

REGIONS = ["140522", "140525", "140500", "110101", "510105", "650102"]
SERIALS = [0, 1, 2, 9, 10, 11, 99, 100, 1234, 54321, 99_999, 100_000, 999_999]


@pytest.mark.parametrize("region_code", REGIONS)
def test_generated_codes_pass_the_validator(region_code):
    for serial in [*SERIALS, *range(1, 500)]:
        code = make_credit_code(region_code, serial)
        assert len(code) == 18, code
        assert credit_code_problem(code) is None, code


def test_codes_are_unique_per_region_and_serial():
    codes = {(region, serial): make_credit_code(region, serial) for region in REGIONS for serial in range(2000)}
    assert len(set(codes.values())) == len(codes)


def test_codes_are_deterministic_and_read_as_a_social_group():
    code = make_credit_code("140522", 1)
    assert code == make_credit_code("140522", 1)
    assert code.startswith("51140522MJ000001")
    assert code[8:17] == organisation_code("MJ000001")


def test_a_townships_code_registers_with_its_county():
    assert make_credit_code("140522100", 7) == make_credit_code("140522", 7)


@pytest.mark.parametrize("region_code, serial", [("1405", 1), ("14052A", 1), ("140522", -1), ("140522", 1_000_000)])
def test_impossible_input_is_refused(region_code, serial):
    with pytest.raises(ValueError):
        make_credit_code(region_code, serial)


def test_every_demo_organisation_has_a_valid_unique_code(app):
    with app.app_context():
        load_demo_data(case_count=80)  # a sample of the year of cases: each kind, not the thousand
        db.session.flush()
        codes = db.session.execute(select(Organization.name, Organization.credit_code),
                                   execution_options={"unscoped": True}).all()
        db.session.rollback()
    assert codes
    assert {name: credit_code_problem(code) for name, code in codes if credit_code_problem(code)} == {}
    assert len({code for _, code in codes}) == len(codes)
