"""The standards' printed paper: audit sheets, blank sheets, evidence appendices and batches.

This module gathers what each sheet shows and hands the HTML to the printing package
(``app.printing``: engine, batch render processes, filters, downloads). A batch (``batch_pdf``,
run by a background job) loads its inspections in a handful of queries and renders their
sheets' HTML one by one as the render processes take them.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from flask import current_app, render_template, request
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.jobs.registry import JobResult, Wording, job_handler
from app.printing.batch import ProgressCallback, render_batch
from app.printing.downloads import file_name
from app.printing.engine import STYLESHEET, page_count, render_pdf
from app.regions.names import full_region_name
from app.standards.rules import results_checksum

RESULT_OWNER = "inspection_results"


def site_url() -> str:
    """Where users reach the app, for the addresses printed on paper: PUBLIC_BASE_URL when set
    (a proxy may hide the real host), else the address of the current request. A background
    job has no request: it is handed this value, taken when the user asked for the print."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + request.script_root
    return request.url_root.rstrip("/")


def verify_url(code: str, site: str | None = None) -> str:
    """The address in the QR code of a sheet; ``site`` as ``site_url()`` gives it."""
    path = current_app.url_map.bind("localhost").build("verification.verify", {"code": code})
    return (site or site_url()) + path


def filename(*parts: str) -> str:
    """A PDF's download name from its parts."""
    return file_name(*parts, suffix=".pdf")


def sheet_filename(inspection) -> str:
    return filename(inspection.organization.name, inspection.sheet_title, f"{inspection.inspected_on:%Y%m%d}")


# --------------------------------------------------------------------------- single documents

def _sheet_context(inspection, site: str | None = None) -> dict:
    from app.activities.evidence import sheet_line, takes_activities

    return {
        "inspection": inspection,
        "title": inspection.sheet_title,
        "region_name": full_region_name(inspection.region),
        "results": inspection.results,
        # Under a 有活动 item, the activities attached as its evidence, in one line.
        "activity_lines": {r.id: sheet_line(sorted((e.activity for e in r.activity_evidence),
                                                   key=lambda a: (a.starts_on, a.id)))
                           for r in inspection.results if takes_activities(r.item)},
        "rectifications": inspection.rectifications,
        "draft": not inspection.is_finalized,
        "verify_url": verify_url(inspection.verification_code, site),
        "checksum": results_checksum(inspection),
    }


def sheet_html(inspection, site: str | None = None) -> str:
    return render_template("standards/pdf/audit_sheet.html", sheet=_sheet_context(inspection, site))


def audit_sheet_pdf(inspection) -> bytes:
    """The audit sheet (检查表) of one inspection; a draft prints with a 草稿 watermark."""
    return render_pdf(sheet_html(inspection))


SHEET_PAGES_KEPT = 1000
_sheet_pages: dict[tuple[int, str], int] = {}


def sheet_pages(inspection) -> int:
    """How many pages a finalized inspection's sheet prints on, for the verification page to
    confirm the paper is whole. A finalized sheet never changes, so each process lays it out
    once (a few hundred ms) and keeps the count."""
    key = (inspection.id, results_checksum(inspection))
    if key not in _sheet_pages:
        if len(_sheet_pages) >= SHEET_PAGES_KEPT:
            _sheet_pages.clear()
        _sheet_pages[key] = page_count(sheet_html(inspection))
    return _sheet_pages[key]


def blank_sheet_html(version, inspection=None) -> str:
    """The blank sheet of ``version``; printed for an ``inspection`` (from its page), it carries
    that inspection's organisation, region, kind, date, inspectors and verification code, so the
    hand-filled paper is tied to the record it will be typed into."""
    from app.standards.models import InspectionKind, ItemResult, Verdict

    standard = version.standard
    title = f"{standard.title.removesuffix('标准')}检查表"
    return render_template(
        "standards/pdf/blank_sheet.html", version=version, standard=standard, title=title, inspection=inspection,
        region_name=full_region_name(inspection.region) if inspection else "",
        verify_url=verify_url(inspection.verification_code) if inspection else None,
        kinds=[k.label for k in InspectionKind], results=[r.label for r in ItemResult],
        # A required item either meets the standard or not: its footnote forbids 不适用.
        required_results=[ItemResult.PASS.label, ItemResult.FAIL.label],
        verdicts=[v.label for v in Verdict],
    )


def blank_sheet_pdf(version, inspection=None) -> bytes:
    """A sheet to fill by hand on site: empty fields and □ boxes for every item."""
    return render_pdf(blank_sheet_html(version, inspection))


def evidence_html(inspection) -> str:
    from app.attachments.services import attachments_for, stored_path

    by_result = attachments_for(RESULT_OWNER, [r.id for r in inspection.results])
    sections, number = [], 0
    for result in inspection.results:
        photos, others = [], []
        for attachment in by_result.get(result.id, []):
            path = stored_path(attachment.sha256)
            if attachment.is_image and path.is_file():
                number += 1  # 图 1, 图 2 … through the whole appendix, as the sheet's text cites them
                photos.append({"src": path.as_uri(), "number": number, "caption": photo_caption(result, attachment)})
            else:
                others.append(attachment)
        if photos or others:
            sections.append({"result": result, "photos": photos, "others": others})
    return render_template(
        "standards/pdf/evidence.html", inspection=inspection, title="佐证材料", sheet_title=inspection.sheet_title,
        region_name=full_region_name(inspection.region), sections=sections, draft=not inspection.is_finalized,
    )


def photo_caption(result, attachment=None, limit: int = 60) -> str:
    """A photo says what it proves: its item, and what its uploader said it shows, else what the
    inspector noted on the item; never its file name."""
    text = " ".join(((attachment.caption if attachment is not None else "") or result.note).split())
    caption = f"{result.item.code}. {result.item.title}"
    return f"{caption}：{text[:limit]}{'…' if len(text) > limit else ''}" if text else caption


def evidence_pdf(inspection) -> bytes:
    """The evidence appendix (佐证材料): every photo attached to the inspection's items."""
    return render_pdf(evidence_html(inspection))


# --------------------------------------------------------------------------- batches

def load_inspections(inspection_ids: Sequence[int]) -> list:
    """The inspections with everything a sheet shows, in a handful of queries, in the given order."""
    from app.activities.models import ActivityEvidence
    from app.standards.models import Inspection, InspectionResult, Rectification, StandardVersion

    rows = db.session.execute(
        select(Inspection).where(Inspection.id.in_(list(inspection_ids))).options(
            selectinload(Inspection.organization),
            selectinload(Inspection.region),
            selectinload(Inspection.version).selectinload(StandardVersion.standard),
            selectinload(Inspection.results).selectinload(InspectionResult.item),
            selectinload(Inspection.results).selectinload(InspectionResult.activity_evidence)
            .selectinload(ActivityEvidence.activity),
            selectinload(Inspection.rectifications).selectinload(Rectification.item),
        )
    ).scalars().all()
    by_id = {i.id: i for i in rows}
    return [by_id[i] for i in inspection_ids if i in by_id]


def batch_html(inspection_ids: Sequence[int], *, inline_css: bool = False) -> str:
    """All the sheets as ONE HTML document (page breaks between sheets): what a browser would
    print, used to compare with headless Chromium. The batch PDF itself renders sheet by sheet."""
    inspections = load_inspections(inspection_ids)
    css = STYLESHEET.read_text(encoding="utf-8") if inline_css else ""
    return render_template("standards/pdf/batch.html", sheets=[_sheet_context(i) for i in inspections],
                           inline_css=Markup(css))


def batch_pdf(
    inspection_ids: Sequence[int],
    progress_callback: ProgressCallback | None = None,
    *,
    out_path: str | Path | None = None,
    processes: int | None = None,
    stats: dict | None = None,
    handed_over: Callable[[], None] | None = None,
    site: str | None = None,
) -> Path:
    """Every sheet in one PDF, each sheet with its own page numbers; returns the file's path.

    ``progress_callback(done, total)`` is called as sheets are laid out; ``handed_over()`` once
    every sheet's HTML is made (the caller may end its read transaction there). The verification
    URLs start with ``site`` (a request's own address when None); ``stats`` receives timings
    and peak memory.
    """
    started = time.perf_counter()
    inspections = load_inspections(inspection_ids)
    if not inspections:
        raise ValueError("no inspections to print")
    out = Path(out_path) if out_path else Path(tempfile.mkstemp(suffix=".pdf")[1])
    site = site or site_url()
    sheets = ((f"{i.organization.name} {i.kind.label} {i.inspected_on:%Y-%m-%d}", sheet_html(i, site))
              for i in inspections)
    timings = render_batch(sheets, len(inspections), out, title=f"检查表（{len(inspections)} 份）",
                           progress=progress_callback, processes=processes, handed_over=handed_over)
    if stats is not None:
        stats.update(timings, total_s=time.perf_counter() - started)
    return out


# --------------------------------------------------------------------------- batch selection and the job

BATCH_LIMIT = 500


def finalized_inspection_ids(region, *, kind=None, date_from: date | None = None, date_to: date | None = None) -> list[int]:
    """The finalized inspections of ``region``'s subtree (within the current scope), in print
    order: township by township, organisation by organisation, oldest first."""
    from app.organizations.models import Organization
    from app.regions.models import Region
    from app.standards.models import Inspection, InspectionStatus

    stmt = (
        select(Inspection.id)
        .join(Organization, Inspection.organization_id == Organization.id)
        .join(Region, Inspection.region_id == Region.id)
        .where(Inspection.status == InspectionStatus.FINALIZED, Region.path.startswith(region.path))
        .order_by(Region.code, Organization.name, Inspection.inspected_on, Inspection.id)
        .limit(BATCH_LIMIT + 1)
    )
    if kind is not None:
        stmt = stmt.where(Inspection.kind == kind)
    if date_from is not None:
        stmt = stmt.where(Inspection.inspected_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(Inspection.inspected_on <= date_to)
    return list(db.session.execute(stmt).scalars())


@job_handler("inspection_sheets", Wording("份", "已排版", "正在合成 PDF 文件…"))
def run_batch_job(job, progress: ProgressCallback) -> JobResult:
    """The ``inspection_sheets`` job: every sheet in one PDF under instance/jobs/.

    The QR codes carry the address the user printed from (``site``, taken with the request);
    the scope and the audit name are the job's creator's (jobs.services.run_job)."""
    from app.jobs.services import result_path

    params = job.params
    out = result_path(job, ".pdf")
    batch_pdf(params["inspection_ids"], progress, out_path=out, site=params["site"],
              handed_over=db.session.commit)  # the layout needs no read transaction left open
    return JobResult(out, params.get("filename") or filename(job.title), "application/pdf")
