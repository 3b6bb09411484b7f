"""PDF benchmark: one audit sheet (warm time, bytes), a 100-sheet batch (time, peak memory) in
two processes and in one, and headless Chromium printing the same batch HTML side by side.

``measure_pdf(app, inspection_ids)`` is what the harness calls (inspection ids of finalized
inspections in ``app``'s database; fewer than 100 are repeated up to 100).
``python -m bench.pdf`` seeds its own scratch database of 100 finalized sheets and prints the figures.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH_SIZE = 100
SHEET_RUNS = 10
ROUNDS = 3
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
]


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def measure_pdf(app, inspection_ids, *, base_url: str = "http://127.0.0.1:5000/") -> dict:
    from sqlalchemy import select

    from app.extensions import db
    from app.scoping import set_scope
    from app.standards import pdf
    from app.standards.models import Inspection

    ids = list(inspection_ids)
    if not ids:
        raise ValueError("measure_pdf needs at least one finalized inspection id")
    batch_ids = (ids * (BATCH_SIZE // len(ids) + 1))[:BATCH_SIZE]
    result: dict = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    with app.test_request_context("/", base_url=base_url):
        set_scope(None)  # the harness is a system step: no user, no region filter

        # One sheet, warm: load it and render it, as the route does.
        def one_sheet() -> bytes:
            db.session.expire_all()
            inspection = db.session.execute(select(Inspection).where(Inspection.id == ids[0])).scalar_one()
            return pdf.audit_sheet_pdf(inspection)

        # A web worker loads WeasyPrint when it starts (wsgi.py); its first print is measured over
        # HTTP (bench/measure.py first_print). Here the first render only warms up.
        sheet = one_sheet()
        timings = []
        for _ in range(SHEET_RUNS):
            started = time.perf_counter()
            sheet = one_sheet()
            timings.append(time.perf_counter() - started)
        result["sheet_ms"] = round(statistics.median(timings) * 1000, 1)
        result["sheet_bytes"] = len(sheet)

        workdir = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
        try:
            html_path = workdir / "batch.html"
            html_path.write_text(pdf.batch_html(batch_ids, inline_css=True), encoding="utf-8")
            # Two processes (both cores), the way the job runs it. The first batch of a process
            # also starts the forkserver (imports WeasyPrint once): measured apart, as "cold".
            started = time.perf_counter()
            pdf.batch_pdf(batch_ids, None, out_path=workdir / "cold.pdf", processes=2)
            result["batch_100_cold_s"] = round(time.perf_counter() - started, 2)
            # Then warm batches and Chromium in turns, so both see the same machine load.
            ours, theirs, peaks = [], [], []
            for _ in range(ROUNDS):
                stats: dict = {}
                started = time.perf_counter()
                out = pdf.batch_pdf(batch_ids, None, out_path=workdir / "batch.pdf", processes=2, stats=stats)
                ours.append(time.perf_counter() - started)
                peaks.append(stats["children_peak_mb"])
                result["batch_html_s"] = round(stats["html_s"], 2)
                chromium = chromium_print(html_path, workdir / "chromium.pdf")
                if chromium.get("chromium_batch_100_s") is None:
                    result.update(chromium)
                    break
                theirs.append(chromium.pop("chromium_batch_100_s"))
                result.update(chromium)
            result["batch_100_s"] = round(statistics.median(ours), 2)
            result["batch_100_runs_s"] = [round(t, 2) for t in ours]
            result["batch_bytes"] = out.stat().st_size
            result["batch_peak_mb"] = round(max(max(p) for p in peaks), 1)  # the largest render process
            result["batch_children_total_mb"] = round(max(sum(p) for p in peaks), 1)
            if theirs:
                result["chromium_batch_100_s"] = round(statistics.median(theirs), 2)
                result["chromium_runs_s"] = [round(t, 2) for t in theirs]
                result["ratio_to_chromium"] = round(result["batch_100_s"] / result["chromium_batch_100_s"], 2)
                result["ratio_per_round"] = [round(a / b, 2) for a, b in zip(ours, theirs, strict=False)]

            # One process, for comparison (memory: this process's high-water mark, if it rises).
            before = _rss_mb()
            started = time.perf_counter()
            pdf.batch_pdf(batch_ids, None, out_path=workdir / "one.pdf", processes=1)
            result["batch_100_one_process_s"] = round(time.perf_counter() - started, 2)
            result["batch_one_process_peak_mb"] = round(max(_rss_mb(), before), 1)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def chromium_print(html_path: Path, pdf_path: Path) -> dict:
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        return {"chromium_batch_100_s": None, "chromium_error": "chromium not installed"}
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
               html_path.as_uri()]
    try:
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, timeout=300)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if completed.returncode != 0 or not pdf_path.exists():
        return {"chromium_batch_100_s": None, "chromium_error": completed.stderr.decode(errors="replace")[-500:]}
    return {"chromium_batch_100_s": round(seconds, 2), "chromium_batch_bytes": pdf_path.stat().st_size}


# --------------------------------------------------------------------------- standalone run

def _seed(app, count: int) -> list[int]:
    """A county with ten townships and ``count`` finalized acceptance checks of their federations."""
    from datetime import date, timedelta

    from app.auth.models import Role
    from app.auth.services import create_user
    from app.extensions import db
    from app.organizations.models import Organization, OrgKind, OrgLevel
    from app.regions.models import RegionLevel
    from app.regions.services import create_region
    from app.standards import inspections
    from app.standards.models import InspectionKind, ItemResult

    province = create_region(name="山西省", code="140000", level=RegionLevel.PROVINCE, parent=None)
    city = create_region(name="晋城市", code="140500", level=RegionLevel.CITY, parent=province)
    county = create_region(name="阳城县", code="140522", level=RegionLevel.COUNTY, parent=city)
    towns = [create_region(name=f"第{n}镇", code=f"140522{100 + n}", level=RegionLevel.TOWNSHIP, parent=county)
             for n in range(10)]
    supervisor = create_user(username="supervisor", display_name="李建国", role=Role.SUPERVISOR,
                             region_id=county.id, password="Bench-2026")
    supervisor.must_change_password = False
    ids = []
    for n in range(count):
        town = towns[n % len(towns)]
        org = Organization(name=f"{town.name}体育总会{n // len(towns) + 1}分会", kind=OrgKind.FEDERATION,
                           level=OrgLevel.TOWNSHIP, region_id=town.id, contact_person="王晓燕")
        db.session.add(org)
        db.session.flush()
        day = date(2026, 3, 1) + timedelta(days=n % 28)
        inspection = inspections.start_inspection(org, InspectionKind.ACCEPTANCE, user=supervisor,
                                               inspected_on=day, inspectors="李建国、张伟")
        inspections.record_results(inspection, supervisor, {
            r.id: (ItemResult.FAIL if (n + r.position) % 7 == 0 else ItemResult.PASS,
                   f"现场查看{r.item.title}，资料齐全，{town.name}提供了相关佐证。") for r in inspection.results
        })
        inspections.update_header(inspection, supervisor, inspected_on=day, inspectors="李建国、张伟",
                               summary="检查组逐条逐项查看了场地、经费、人员和活动资料，听取了工作汇报。")
        inspections.finalize(inspection, supervisor, signed_by="李建国", signed_on=day)
        ids.append(inspection.id)
    db.session.commit()
    return ids


def main() -> int:
    scratch = Path(__file__).resolve().parent / "scratch" / "pdf"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ["INSTANCE_PATH"] = str(scratch)
    from flask_migrate import upgrade

    from app import create_app
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{scratch / 'pdf.db'}"
        INSTANCE_DIR = scratch

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        ids = _seed(app, BATCH_SIZE)
    result = measure_pdf(app, ids)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
