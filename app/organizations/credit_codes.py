"""Made-up but valid 统一社会信用代码 (GB 32100-2015) for demo data, the benchmark and the tests.

An 18-character code is: the registration authority (1 character), the entity type (1), the
region code (6 digits), the organisation code (9 characters: 8 and their GB 11714 check
character) and the GB 32100 check character. Civil affairs number the social organisations they
register "MJ" + a serial, so a generated code reads ``51`` + region + ``MJ`` + serial + checks.
The same arguments always give the same code, and different serials in one region never collide.
"""
from stdnum.cn import uscc

# 5 = 民政 (civil affairs), 1 = 社会团体 (social group): the registry's 体育社会组织.
CIVIL_AFFAIRS = "5"
SOCIAL_GROUP = "1"
ORG_CODE_PREFIX = "MJ"
MAX_SERIAL = 999_999  # six digits after "MJ"

# GB 11714 (organisation code): 8 characters, then a check character.
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_GB11714_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def organisation_code(body: str) -> str:
    """``body`` (8 characters) with its GB 11714 check character."""
    check = 11 - sum(_GB11714_VALUES[c] * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(region_code: str, serial: int, *, authority: str = CIVIL_AFFAIRS,
                     entity_type: str = SOCIAL_GROUP) -> str:
    """The 统一社会信用代码 of organisation number ``serial`` registered in ``region_code``.

    ``region_code`` is an administrative division code; its first six digits (the county) are
    used, so a township's 9-digit code gives its county's registrations.
    """
    region = region_code[:6]
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"region code must start with six digits: {region_code!r}")
    if not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be between 0 and {MAX_SERIAL}: {serial}")
    body = authority + entity_type + region + organisation_code(f"{ORG_CODE_PREFIX}{serial:06d}")
    return body + uscc.calc_check_digit(body)
