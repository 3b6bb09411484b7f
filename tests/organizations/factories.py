"""Small factories for the organisation tests."""
import io
import itertools
from datetime import date

from openpyxl import Workbook, load_workbook
from stdnum.cn import uscc

from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgStatus
from app.organizations.services import ORG_LEVEL_FOR
from app.regions.models import Region

_numbers = itertools.count(1)


def valid_code(n: int | None = None, region_code: str = "140522") -> str:
    """A checksum-valid USCC of a social organisation (5 = civil affairs, 1 = social group)."""
    body = f"51{region_code}{(n if n is not None else next(_numbers)):09d}"
    return body + uscc.calc_check_digit(body)


def make_org(app, region, **kw) -> int:
    """An organisation in ``region`` (a Region or its id), written straight to the database; its id."""
    with app.app_context():
        region = db.session.get(Region, region if isinstance(region, int) else region.id)
        fields = dict(name=f"测试组织{next(_numbers)}", kind=OrgKind.FEDERATION, level=ORG_LEVEL_FOR[region.level],
                      region_id=region.id, status=OrgStatus.ACTIVE, term_years=5)
        fields.update(kw)
        org = Organization(**fields)
        db.session.add(org)
        db.session.commit()
        return org.id


def get_org(app, org_id: int) -> Organization | None:
    with app.app_context():
        org = db.session.get(Organization, org_id)
        if org is not None:
            org.events  # noqa: B018 - load before detaching
            db.session.expunge_all()
        return org


def xlsx(rows: list[list], headers: list[str] | None = None) -> bytes:
    """A workbook whose first sheet holds ``headers`` (default: the template's) and ``rows``."""
    from app.organizations.importing import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def roster_row(**values) -> list:
    """One row in the template's column order, from column keys."""
    from app.organizations.importing import COLUMNS

    return [values.get(c.key) for c in COLUMNS]


def read_xlsx(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


TODAY = date(2026, 6, 1)
