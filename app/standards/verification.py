"""What the verification page (/v/<code>) shows of an inspection: what its audit sheet says and
anyone may confirm, nothing personal."""
from flask import render_template, url_for

from app.standards import pdf
from app.standards.models import Inspection
from app.standards.rules import results_checksum


def public_facts(inspection: Inspection) -> dict:
    """What the paper says and anyone may confirm: no phone, no notes, no findings."""
    return {
        "code": inspection.verification_code, "organization": inspection.organization.name,
        "region": inspection.region.full_name, "title": inspection.sheet_title,
        "standard": f"{inspection.version.standard.title} 第 {inspection.version.number} 版",
        "kind": inspection.kind.label, "inspected_on": inspection.inspected_on,
        "finalized": inspection.is_finalized, "verdict": inspection.verdict.label if inspection.verdict else "",
        "signed_by": inspection.signed_by, "signed_on": inspection.signed_on,
        "item_count": len(inspection.results), "checksum": results_checksum(inspection),
        "pages": pdf.sheet_pages(inspection) if inspection.is_finalized else None,
    }


def public_page(inspection: Inspection) -> str:
    return render_template("standards/verification.html", facts=public_facts(inspection))


def address(inspection: Inspection) -> str:
    return url_for("inspections.detail", inspection_id=inspection.id)
