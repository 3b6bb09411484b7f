"""Small ``make_*`` helpers that build domain records for tests (call inside an app context)."""
import io
from datetime import date

from PIL import Image

from app.auth.models import User
from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgLevel
from app.standards import inspections
from app.standards.models import Inspection, InspectionKind, ItemResult


def make_org(region, name: str | None = None, kind: OrgKind = OrgKind.FEDERATION,
             level: OrgLevel = OrgLevel.TOWNSHIP, **fields) -> Organization:
    org = Organization(name=name or f"{region.name}体育总会", kind=kind, level=level, region_id=region.id,
                       contact_person=fields.pop("contact_person", "王晓燕"), **fields)
    db.session.add(org)
    db.session.flush()
    return org


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def make_inspection(org: Organization, kind: InspectionKind = InspectionKind.ACCEPTANCE, *,
                    results: dict[str, ItemResult] | None = None, by: str = "supervisor",
                    finalize: bool = False, inspected_on: date | None = None) -> Inspection:
    """An inspection with every item PASS unless ``results`` (item title -> result) says otherwise."""
    actor = user(by if kind != InspectionKind.SELF_CHECK or by != "supervisor" else "clerk")
    inspection = inspections.start_inspection(org, kind, user=actor, inspected_on=inspected_on or date(2026, 5, 10),
                                           inspectors="李建国、张伟")
    results = results or {}
    inspections.record_results(inspection, actor, {
        r.id: (results.get(r.item.title, ItemResult.PASS), f"{r.item.title}检查说明") for r in inspection.results
    })
    if finalize:
        if kind == InspectionKind.SELF_CHECK:
            inspections.submit(inspection, actor)
        inspections.finalize(inspection, user("supervisor"), signed_by="李建国", signed_on=date(2026, 5, 11))
    return inspection


def jpeg_bytes(width: int = 2400, height: int = 1800, color: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()
