"""Helpers for the printed-paper tests: finalized inspections made through the real services,
and PDFs read back with poppler (pdftotext, pdffonts, pdfinfo, pdfimages)."""
import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.auth.models import User
from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgLevel
from app.standards import inspections
from app.standards.models import Inspection, InspectionKind, ItemResult


@pytest.fixture(autouse=True)
def _jobs_run_synchronously(app):
    """Tests run jobs themselves through the service function, unless a test starts the thread."""
    previous = app.config.get("JOBS_IN_PROCESS", True)
    app.config["JOBS_IN_PROCESS"] = False
    yield
    app.config["JOBS_IN_PROCESS"] = previous


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def make_org(region, name: str) -> Organization:
    org = Organization(name=name, kind=OrgKind.FEDERATION, level=OrgLevel.TOWNSHIP, region_id=region.id,
                       contact_person="王晓燕")
    db.session.add(org)
    db.session.flush()
    return org


def make_inspection(org: Organization, *, finalize: bool = True, fail: tuple[str, ...] = (),
                    inspected_on: date = date(2026, 3, 5), summary: str = "") -> Inspection:
    """An acceptance check by the county supervisor; items in ``fail`` (by title) fail."""
    supervisor = user("supervisor")
    inspection = inspections.start_inspection(org, InspectionKind.ACCEPTANCE, user=supervisor,
                                           inspected_on=inspected_on, inspectors="李建国、张伟")
    inspections.record_results(inspection, supervisor, {
        r.id: (ItemResult.FAIL if r.item.title in fail else ItemResult.PASS,
               f"{r.item.title}现场核实情况" if r.item.title not in fail else "未见活动记录，年度计划缺失")
        for r in inspection.results
    })
    if summary:
        inspections.update_header(inspection, supervisor, inspected_on=inspected_on, inspectors="李建国、张伟",
                               summary=summary)
    if finalize:
        inspections.finalize(inspection, supervisor, signed_by="李建国", signed_on=inspected_on)
    return inspection


def save_pdf(data: bytes, tmp_path: Path, name: str = "out.pdf") -> Path:
    assert data[:5] == b"%PDF-", data[:200]
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdf_text(path: Path) -> str:
    """The text in content-stream order (-raw keeps each table cell together), whitespace removed."""
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def pdf_fonts(path: Path) -> list[dict]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = []
    for line in lines[2:]:
        # name, type (may contain spaces), encoding, emb, sub, uni, object, id
        parts = line.split()
        fonts.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5], "line": line})
    return fonts


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_images(path: Path) -> list[str]:
    lines = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in lines.splitlines()[2:] if line.strip()]


def jpeg_bytes(width: int = 1200, height: int = 900, color: str = "green") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()
