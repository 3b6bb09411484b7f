"""The one set of ``make_*`` helpers that build domain records for tests.

Every ``make_*`` runs inside an app context, adds its record to the session, flushes (so ids are
set) and returns the record; the test commits when a request must see it. Tests that hold no app
context and only need the id use ``committed(app, make_org, region, ...)``.
"""
import io
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook
from PIL import Image

from app.activities import services as activity_services
from app.activities.models import Activity, ActivityKind, ActivityLevel, ActivityStatus
from app.auth.models import User
from app.extensions import db
from app.organizations.credit_codes import make_credit_code
from app.organizations.models import Organization, OrgKind, OrgLevel
from app.organizations.services import ORG_LEVEL_FOR
from app.regions.models import Region
from app.standards import inspections
from app.standards.models import Inspection, InspectionKind, ItemResult

# "Today" for the registry's rule tests (terms, annual reviews).
TODAY = date(2026, 6, 1)

def valid_code(serial: int, region_code: str = "140522") -> str:
    """A valid 统一社会信用代码 from the app's one generator: serial ``serial`` in the county ``region_code``."""
    return make_credit_code(region_code, serial)


def committed(app, factory, *args, **kwargs) -> int:
    """Run ``factory`` in its own app context, commit, and return the new record's id."""
    with app.app_context():
        record = factory(*args, **kwargs)
        db.session.commit()
        return record.id


def make_org(region: Region | int, *, name: str | None = None, kind: OrgKind = OrgKind.FEDERATION,
             level: OrgLevel | None = None, contact_person: str = "王晓燕", **fields) -> Organization:
    """An organisation in ``region`` (a Region or its id), by default its 体育总会 at the region's level.

    Any other column (credit_code, term_start, status, ...) may be given as a keyword.
    """
    region = db.session.get(Region, region if isinstance(region, int) else region.id)
    org = Organization(name=name or f"{region.name}体育总会", kind=kind, level=level or ORG_LEVEL_FOR[region.level],
                       region_id=region.id, contact_person=contact_person, **fields)
    db.session.add(org)
    db.session.flush()
    return org


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def make_inspection(org: Organization, kind: InspectionKind = InspectionKind.ACCEPTANCE, *,
                    results: dict[str, ItemResult] | None = None, notes: dict[str, str] | None = None,
                    by: str = "supervisor", inspected_on: date = date(2026, 5, 10), summary: str = "",
                    finalize: bool = False, signed_on: date | None = None) -> Inspection:
    """An inspection with every item PASS unless ``results`` (item title -> result) says otherwise.

    Each item's note is ``notes[title]``, else "<title>检查说明"; a failed item's note becomes its
    rectification's finding. ``finalize`` signs it (the day after the inspection unless ``signed_on``),
    submitting a self-check first.
    """
    actor = user(by if kind != InspectionKind.SELF_CHECK or by != "supervisor" else "clerk")
    inspection = inspections.start_inspection(org, kind, user=actor, inspected_on=inspected_on, inspectors="李建国、张伟")
    results, notes = results or {}, notes or {}
    inspections.record_results(inspection, actor, {
        r.id: (results.get(r.item.title, ItemResult.PASS), notes.get(r.item.title, f"{r.item.title}检查说明"))
        for r in inspection.results
    })
    if summary:
        inspections.update_header(inspection, actor, inspected_on=inspected_on, inspectors="李建国、张伟", summary=summary)
    if finalize:
        if kind == InspectionKind.SELF_CHECK:
            inspections.submit(inspection, actor)
        inspections.finalize(inspection, user("supervisor"), signed_by="李建国",
                          signed_on=signed_on or inspected_on + timedelta(days=1))
    return inspection


def make_activity(org: Organization, *, title: str = "全民健身广场舞展演", kind: ActivityKind = ActivityKind.EVENT,
                  starts_on: date = date(2026, 5, 20), by: str = "clerk", **fields) -> Activity:
    """An activity of ``org`` registered by ``by`` through the service (筹备中), one day long and
    small enough to need no filing unless ``kind`` or ``fields`` say otherwise."""
    fields = {"title": title, "kind": kind, "level": ActivityLevel.TOWNSHIP, "starts_on": starts_on,
              "ends_on": starts_on, "place": "镇文体广场", "expected_participants": 120, **fields}
    return activity_services.create_activity(org, fields, user(by))


def pdf_upload(name: str = "活动规程.pdf"):
    """A small PDF as a browser posts it (for the services: ``prepare_upload(pdf_upload())``)."""
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), filename=name)


def get_org(app, org_id: int) -> Organization | None:
    """The organisation with its events loaded, detached (readable after the context closes)."""
    with app.app_context():
        org = db.session.get(Organization, org_id)
        if org is not None:
            org.events  # noqa: B018 - load before detaching
            db.session.expunge_all()
        return org


def jpeg_bytes(width: int = 2400, height: int = 1800, color: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def xlsx(rows: list[list], headers: list[str] | None = None) -> bytes:
    """A workbook whose first sheet holds ``headers`` (default: the roster template's) and ``rows``."""
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
    """One row in the roster template's column order, from column keys."""
    from app.organizations.importing import COLUMNS

    return [values.get(c.key) for c in COLUMNS]


def read_xlsx(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def make_activity_row(org: Organization, *, title: str = "广场舞展演", starts_on: date = date(2026, 5, 1),
                      ends_on: date | None = None, status: ActivityStatus = ActivityStatus.REPORTED,
                      **fields) -> Activity:
    """An activity of ``org`` in any state, written as a row (``make_activity`` goes through the
    workflow's service and starts 筹备中): by default a township display held and reported
    (已上报) with 120 taking part. Any other column may be given as a keyword."""
    values = {"kind": ActivityKind.SHOWCASE, "level": ActivityLevel.TOWNSHIP, "expected_participants": 100,
              "actual_participants": 120, "organiser": org.name, "place": "镇文化广场"} | fields
    activity = Activity(organization_id=org.id, region_id=org.region_id, title=title, starts_on=starts_on,
                        ends_on=ends_on or starts_on, status=status, **values)
    db.session.add(activity)
    db.session.flush()
    return activity
