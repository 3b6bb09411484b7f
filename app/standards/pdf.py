"""Printed paper: audit sheets, blank sheets, evidence appendices and batches (WeasyPrint, A4).

Typography follows Chinese official documents with ONE embedded face (DESIGN.md §6: every CJK
face costs 115–200 KB per PDF): Noto Serif CJK SC Regular for everything. Titles are made heavy
(小标宋 style) by drawing them as SVG text with a thin stroke over the fill, which WeasyPrint
writes as PDF text rendering mode 2 with the same embedded face — no Bold face, no tofu.

WeasyPrint is imported once per process, on first use (importing it costs about a second), and
renders under a lock: Pango's font map is not thread-safe and gunicorn may run threads. Local
files only: the URL fetcher reads the static folder and the stored uploads, never the network.

A batch (``batch_pdf``, run by a background job) renders its sheets' HTML in the calling process
(database and templates) and feeds it, sheet by sheet, to one render process per core, forked
from a forkserver that has WeasyPrint imported and the font loaded (app.jobs.pdf_preload). Each
lays out the sheets it takes as separate documents (so each sheet numbers its own pages),
reports progress through a queue and writes its part; the parts' pages are put back in order
with pypdf. The render processes never touch the database.
"""
from __future__ import annotations

import gc
import math
import mimetypes
import multiprocessing
import os
import queue as queue_module
import re
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.jobs.registry import JobResult, job_handler

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
CSS_PATH = ROOT / "templates" / "standards" / "pdf" / "print.css"
RESULT_OWNER = "inspection_results"
TITLE_WIDTH_PT = 470  # the printable width (170 mm) less a little air, in points
# Below this many sheets a batch renders in the calling process: starting children costs more.
IN_PROCESS_BATCH = 6

ProgressCallback = Callable[[int, int], None]


# --------------------------------------------------------------------------- engine

class _Engine:
    """WeasyPrint with its font configuration and the parsed stylesheet, made once per process."""

    def __init__(self):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self._fetchers: dict = {}
        self.font_config = FontConfiguration()
        self.css = weasyprint.CSS(filename=str(CSS_PATH), font_config=self.font_config,
                                  url_fetcher=self.fetcher((str(STATIC_DIR),)))
        self.base_url = STATIC_DIR.as_uri() + "/"
        self.lock = threading.Lock()

    def fetcher(self, roots: tuple[str, ...]):
        if roots not in self._fetchers:
            self._fetchers[roots] = _local_fetcher(roots)
        return self._fetchers[roots]

    def document(self, html: str, roots: tuple[str, ...]):
        """Lay out one HTML document (call with ``lock`` held)."""
        return self.weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher(roots)).render(
            font_config=self.font_config, stylesheets=[self.css]
        )

    def pdf(self, html: str) -> bytes:
        with self.lock, _no_gc():
            return self.document(html, _allowed_roots()).write_pdf()


class _no_gc:
    """Pause the cyclic garbage collector while WeasyPrint builds its (short-lived) box trees:
    measured 20–25 % faster, for a few MB more. Renders are serialized by the engine lock."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _allowed_roots() -> tuple[str, ...]:
    """Local folders the PDF may read: the static files and the stored uploads."""
    return (str(STATIC_DIR), str(Path(current_app.instance_path) / "uploads"))


def engine() -> _Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = _Engine()
    return _engine


def warm_up() -> None:
    """Import WeasyPrint, load the font and lay out a line: what the first PDF of a process
    would otherwise pay. The batch forkserver runs it once, so its children start warm."""
    eng = engine()
    with eng.lock:
        eng.document('<p class="x">县域体育工作台 2026</p>', (str(STATIC_DIR),)).write_pdf()


def _local_fetcher(roots: Sequence[str]):
    """A URL fetcher for local files under ``roots`` and data: URLs; anything else (the network
    above all) is refused, so a stray URL in user text can never make the server fetch it."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = [Path(r).resolve() for r in roots]

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"refused non-local URL: {url[:80]}")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed) or not path.is_file():
                raise ValueError(f"refused file outside the allowed folders: {path.name}")
            body = path.read_bytes()
            content_type = mimetypes.guess_type(path.name)[0] or (
                "image/jpeg" if body[:2] == b"\xff\xd8" else "application/octet-stream")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return LocalFetcher(timeout=2)


# --------------------------------------------------------------------------- helpers for templates

def cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def title_size(text: str, largest: float = 22) -> float:
    """二号 (22 pt) unless the title would not fit on one line."""
    return min(largest, math.floor(10 * TITLE_WIDTH_PT / max(len(text), 1)) / 10)


def verify_url(code: str) -> str:
    """The address on the paper: PUBLIC_BASE_URL when set (a proxy may hide the real host)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base + url_for("standards.verify", code=code)
    return url_for("standards.verify", code=code, _external=True)


def qr_svg(data: str) -> Markup:
    """The QR code as inline SVG: one <path>, sized by the stylesheet (viewBox, no width/height).
    Measured against a 1-pixel-per-module PNG data URI: no faster, and the SVG is vector."""
    import segno

    return Markup(segno.make(data, error="m").svg_inline(scale=1, border=0, omitsize=True))


def region_name(region) -> str:
    """晋城市阳城县凤城镇: the full name below the province, read once per region."""
    cache = _region_names()
    if region.id not in cache:
        cache[region.id] = region.full_name
    return cache[region.id]


def _region_names() -> dict:
    from flask import g

    if "_pdf_region_names" not in g:
        g._pdf_region_names = {}
    return g._pdf_region_names


def filename(*parts: str) -> str:
    """A file name that every system accepts (the download header encodes it per RFC 5987)."""
    name = "-".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|“”\s]+', "", name)[:120] + ".pdf"


def sheet_filename(inspection) -> str:
    return filename(inspection.organization.name, inspection.sheet_title, f"{inspection.inspected_on:%Y%m%d}")


# --------------------------------------------------------------------------- single documents

def _sheet_context(inspection) -> dict:
    url = verify_url(inspection.verification_code)
    return {
        "inspection": inspection,
        "title": inspection.sheet_title,
        "region_name": region_name(inspection.region),
        "results": inspection.results,
        "rectifications": inspection.rectifications,
        "draft": not inspection.is_finalized,
        "verify_url": url,
        "qr": qr_svg(url),
    }


def sheet_html(inspection, **extra) -> str:
    return render_template("standards/pdf/audit_sheet.html", sheet=_sheet_context(inspection),
                           cn_date=cn_date, title_size=title_size, **extra)


def audit_sheet_pdf(inspection) -> bytes:
    """The audit sheet (检查表) of one inspection; a draft prints with a 草稿 watermark."""
    return engine().pdf(sheet_html(inspection))


def blank_sheet_html(version, **extra) -> str:
    from app.standards.models import InspectionKind, ItemResult, Verdict

    standard = version.standard
    title = f"{standard.title.removesuffix('标准')}检查表"
    return render_template(
        "standards/pdf/blank_sheet.html", version=version, standard=standard, title=title,
        kinds=[k.label for k in InspectionKind], results=[r.label for r in ItemResult],
        verdicts=[v.label for v in Verdict], cn_date=cn_date, title_size=title_size, **extra,
    )


def blank_sheet_pdf(version) -> bytes:
    """A sheet to fill by hand on site: empty fields and □ boxes for every item."""
    return engine().pdf(blank_sheet_html(version))


def evidence_html(inspection, **extra) -> str:
    from app.attachments.services import attachments_for, stored_path

    by_result = attachments_for(RESULT_OWNER, [r.id for r in inspection.results])
    sections = []
    for result in inspection.results:
        photos, others = [], []
        for attachment in by_result.get(result.id, []):
            path = stored_path(attachment.sha256)
            if attachment.is_image and path.is_file():
                photos.append((attachment, path.as_uri()))  # stored photos are JPEG: embedded as they are
            else:
                others.append(attachment)
        if photos or others:
            sections.append({"result": result, "photos": photos, "others": others})
    return render_template(
        "standards/pdf/evidence.html", inspection=inspection, title="佐证材料", sheet_title=inspection.sheet_title,
        region_name=region_name(inspection.region), sections=sections, draft=not inspection.is_finalized,
        cn_date=cn_date, title_size=title_size, **extra,
    )


def evidence_pdf(inspection) -> bytes:
    """The evidence appendix (佐证材料): every photo attached to the inspection's items."""
    return engine().pdf(evidence_html(inspection))


# --------------------------------------------------------------------------- batches

def load_inspections(inspection_ids: Sequence[int]) -> list:
    """The inspections with everything a sheet shows, in a handful of queries, in the given order."""
    from app.standards.models import Inspection, InspectionResult, Rectification, StandardVersion

    rows = db.session.execute(
        select(Inspection).where(Inspection.id.in_(list(inspection_ids))).options(
            selectinload(Inspection.organization),
            selectinload(Inspection.region),
            selectinload(Inspection.version).selectinload(StandardVersion.standard),
            selectinload(Inspection.results).selectinload(InspectionResult.item),
            selectinload(Inspection.rectifications).selectinload(Rectification.item),
        )
    ).scalars().all()
    by_id = {i.id: i for i in rows}
    return [by_id[i] for i in inspection_ids if i in by_id]


def batch_html(inspection_ids: Sequence[int], *, inline_css: bool = False) -> str:
    """All the sheets as ONE HTML document (page breaks between sheets): what a browser would
    print, used to compare with headless Chromium. The batch PDF itself renders sheet by sheet."""
    inspections = load_inspections(inspection_ids)
    css = CSS_PATH.read_text(encoding="utf-8") if inline_css else ""
    return render_template("standards/pdf/batch.html", sheets=[_sheet_context(i) for i in inspections],
                           inline_css=Markup(css), cn_date=cn_date, title_size=title_size)


def batch_pdf(
    inspection_ids: Sequence[int],
    progress_callback: ProgressCallback | None = None,
    *,
    out_path: str | Path | None = None,
    processes: int | None = None,
    stats: dict | None = None,
) -> Path:
    """Every sheet in one PDF, each sheet with its own page numbers; returns the file's path.

    ``progress_callback(done, total)`` is called as sheets are laid out. Needs an app and a
    request context (for the verification URLs); ``stats`` receives timings and peak memory.
    """
    started = time.perf_counter()
    progress = progress_callback or (lambda done, total: None)
    inspections = load_inspections(inspection_ids)
    total = len(inspections)
    if not total:
        raise ValueError("no inspections to print")
    out = Path(out_path) if out_path else Path(tempfile.mkstemp(suffix=".pdf")[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    if processes is None:
        processes = current_app.config.get("PDF_PROCESSES") or default_processes()
    processes = max(1, min(processes, total))
    labels = [f"{i.organization.name} {i.kind.label} {i.inspected_on:%Y-%m-%d}" for i in inspections]
    timings = {"processes": processes}
    progress(0, total)
    if processes == 1 or total < IN_PROCESS_BATCH:
        htmls = [sheet_html(i) for i in inspections]
        db.session.commit()  # end the read transaction: SQLite writers must not wait on us
        timings["html_s"] = time.perf_counter() - started
        peaks = _render_in_process(htmls, out, progress)
    else:
        peaks = _render_in_children(inspections, labels, out, processes, progress, _allowed_roots(), timings)
    if stats is not None:
        stats.update(timings, total_s=time.perf_counter() - started, children_peak_mb=peaks)
    return out


def default_processes() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _render_in_process(htmls: list[str], out: Path, progress: ProgressCallback) -> list[float]:
    eng = engine()
    roots = _allowed_roots()
    pages = []
    first = None
    for done, html in enumerate(htmls, start=1):
        with eng.lock, _no_gc():
            document = eng.document(html, roots)
        first = first or document
        pages.extend(document.pages)
        progress(done, len(htmls))
    with eng.lock, _no_gc():
        first.copy(pages).write_pdf(out)
    return []


_forkserver_lock = threading.Lock()
_context = None


def _process_context():
    """A forkserver that has imported WeasyPrint and loaded the font once (app.jobs.pdf_preload):
    each batch's children start from it warm, fresh (no memory kept between batches), and
    without forking a threaded web process."""
    global _context
    with _forkserver_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["app.jobs.pdf_preload"])
            _context = context
    return _context


def _render_in_children(inspections: list, labels: list[str], out: Path, processes: int,
                        progress: ProgressCallback, roots: tuple[str, ...], timings: dict) -> list[float]:
    """Children take sheets from a shared queue as this process renders their HTML (so neither
    waits for the other), lay them out, and each writes its part; the parts' pages are then
    put back in the sheets' order, with a bookmark per sheet."""
    from pypdf import PdfReader, PdfWriter

    started = time.perf_counter()
    context = _process_context()
    tasks, events = context.Queue(), context.Queue()
    parts = [out.with_name(f"{out.stem}.part{n}.pdf") for n in range(processes)]
    children = [
        context.Process(target=render_worker, args=(n, str(parts[n]), roots, tasks, events), daemon=True)
        for n in range(processes)
    ]
    for child in children:
        child.start()
    total = len(inspections)
    done, finished, peaks, layout = 0, set(), [], {}  # layout: sheet index -> (part, first page, pages)

    def handle(event) -> None:
        nonlocal done
        kind, number, value = event
        if kind == "sheet":
            done += 1
            progress(done, total)
        elif kind == "done":
            finished.add(number)
            peak_mb, placed = value
            peaks.append(peak_mb)
            for index, first_page, page_count in placed:
                layout[index] = (number, first_page, page_count)
        else:
            raise RuntimeError(f"PDF render process {number} failed:\n{value}")

    try:
        for index, inspection in enumerate(inspections):
            tasks.put((index, sheet_html(inspection)))
            while True:  # report progress while feeding
                try:
                    handle(events.get_nowait())
                except queue_module.Empty:
                    break
        for _ in children:
            tasks.put(None)
        db.session.commit()  # end the read transaction: SQLite writers must not wait on us
        timings["html_s"] = time.perf_counter() - started
        deadline = time.monotonic() + 60 + 3 * total  # far beyond any healthy run
        while len(finished) < len(children):
            if time.monotonic() > deadline:
                raise TimeoutError("PDF render processes took too long")
            try:
                handle(events.get(timeout=1))
            except queue_module.Empty:
                dead = [c for n, c in enumerate(children) if n not in finished and c.exitcode is not None]
                if dead:
                    raise RuntimeError(f"PDF render process exited with code {dead[0].exitcode}") from None
        timings["layout_and_parts_s"] = time.perf_counter() - started
        readers = {n: PdfReader(str(part)) for n, part in enumerate(parts) if part.exists()}
        writer = PdfWriter()
        for index in range(total):
            number, first_page, page_count = layout[index]
            part_pages = readers[number].pages
            for offset in range(page_count):
                writer.add_page(part_pages[first_page + offset])
                if offset == 0:
                    writer.add_outline_item(title=labels[index], page_number=len(writer.pages) - 1)
        writer.add_metadata({"/Title": f"检查表（{total} 份）", "/Creator": "县域体育工作台"})
        with open(out, "wb") as f:
            writer.write(f)
        timings["merge_s"] = time.perf_counter() - started - timings["layout_and_parts_s"]
    finally:
        for child in children:
            child.join(5)
            if child.is_alive():
                child.terminate()
        for part in parts:
            part.unlink(missing_ok=True)
        tasks.close()
        events.close()
    return peaks


def render_worker(number: int, part_path: str, roots: tuple[str, ...], tasks, events) -> None:
    """In a child process: take sheets until told to stop, lay out each as its own document
    (its own page numbers), then write them as one PDF with the font embedded once.

    The process is short-lived: no cyclic GC while it works, no tearing down at the end."""
    gc.disable()
    try:
        eng = engine()
        roots = tuple(roots)
        pages, first, placed = [], None, []
        while (task := tasks.get()) is not None:
            index, html = task
            document = eng.document(html, roots)
            first = first or document
            placed.append((index, len(pages), len(document.pages)))
            pages.extend(document.pages)
            events.put(("sheet", number, None))
        if first is not None:
            first.copy(pages).write_pdf(part_path)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        events.put(("done", number, (peak_mb, placed)))
    except BaseException:  # report anything, even an interrupt, to the parent
        import traceback

        events.put(("error", number, traceback.format_exc()))
        raise
    events.close()
    events.join_thread()  # the messages are out: leave without freeing the boxes one by one
    os._exit(0)


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


@job_handler("inspection_sheets")
def run_batch_job(job, progress: ProgressCallback) -> JobResult:
    """The ``inspection_sheets`` job: every sheet in one PDF under instance/jobs/.

    A request context on the address the user printed from gives the QR codes their absolute
    URLs; the scope and the audit name are the job's creator's (jobs.services.run_job)."""
    from app.jobs.services import result_path

    params = job.params
    out = result_path(job, ".pdf")
    with current_app.test_request_context("/", base_url=params.get("base_url") or "http://localhost/"):
        batch_pdf(params["inspection_ids"], progress, out_path=out)
    return JobResult(out, params.get("filename") or filename(job.title), "application/pdf")
