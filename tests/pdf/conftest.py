"""Helpers for the printed-paper tests: PDFs read back with poppler (pdftotext, pdffonts, pdfinfo,
pdfimages). The records they print come from tests/factories.py."""
import re
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _jobs_run_synchronously(app):
    """Tests run jobs themselves through the service function, unless a test starts the thread."""
    previous = app.config.get("JOBS_IN_PROCESS", True)
    app.config["JOBS_IN_PROCESS"] = False
    yield
    app.config["JOBS_IN_PROCESS"] = previous


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


def assert_one_embedded_cjk_face(path: Path) -> None:
    """The paper's typography: one embedded Noto Serif CJK face (no Bold, no fallback, no Type 3)."""
    fonts = pdf_fonts(path)
    assert len(fonts) == 1, [f["line"] for f in fonts]
    font = fonts[0]
    assert "Noto-Serif-CJK-SC" in font["name"], font["line"]
    assert font["emb"] == "yes", font["line"]
    assert "Type 3" not in font["type"], font["line"]
