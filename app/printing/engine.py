"""WeasyPrint, made once per process: the font configuration, the print stylesheet and the
local-only URL fetcher.

WeasyPrint is imported on first use (importing it costs about a second) and renders under a
lock: Pango's font map is not thread-safe and gunicorn may run threads. Local files only: the
URL fetcher reads the static folder and the stored uploads, never the network.
"""
from __future__ import annotations

import gc
import mimetypes
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
STYLESHEET = ROOT / "templates" / "printing" / "print.css"


class Engine:
    """WeasyPrint with its font configuration and the parsed stylesheet."""

    def __init__(self):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self._fetchers: dict = {}
        self.font_config = FontConfiguration()
        self.css = weasyprint.CSS(filename=str(STYLESHEET), font_config=self.font_config,
                                  url_fetcher=self.fetcher((str(STATIC_DIR),)))
        self.base_url = STATIC_DIR.as_uri() + "/"
        self.lock = threading.Lock()

    def fetcher(self, roots: tuple[str, ...]):
        if roots not in self._fetchers:
            self._fetchers[roots] = local_fetcher(roots)
        return self._fetchers[roots]

    def document(self, html: str, roots: tuple[str, ...]):
        """Lay out one HTML document (call with ``lock`` held)."""
        return self.weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher(roots)).render(
            font_config=self.font_config, stylesheets=[self.css]
        )


class no_gc:
    """Pause the cyclic garbage collector while WeasyPrint builds its (short-lived) box trees:
    measured 20–25 % faster, for a few MB more. Renders are serialized by the engine lock."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def allowed_roots() -> tuple[str, ...]:
    """Local folders the PDF may read: the static files and the stored uploads."""
    return (str(STATIC_DIR), str(Path(current_app.instance_path) / "uploads"))


def render_pdf(html: str) -> bytes:
    """One HTML document as a PDF."""
    eng = engine()
    with eng.lock, no_gc():
        return eng.document(html, allowed_roots()).write_pdf()


def page_count(html: str) -> int:
    """How many pages ``html`` prints on: the layout without writing the PDF."""
    eng = engine()
    with eng.lock, no_gc():
        return len(eng.document(html, allowed_roots()).pages)


# What the first sheet of a process would otherwise pay for: the page's margin boxes and
# counters, tables with borders, an SVG title and the QR code (segno and WeasyPrint's SVG
# drawing), the Chinese face at every size the sheets use, and writing it all as a PDF. A line
# of text alone left the first real sheet 1.6× a warm one.
SPECIMEN = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>样张</title></head><body>
<article class="sheet" data-code="核验码 0000-0000" data-org="样张" data-bookmark="样张">
<div class="watermark">草稿</div>
<svg class="title" viewBox="0 0 482 37" xmlns="http://www.w3.org/2000/svg"><text x="241" y="27"
 text-anchor="middle" font-family="Noto Serif CJK SC" font-size="22" fill="#000" stroke="#000"
 stroke-width="0.66" stroke-linejoin="round">乡镇体育总会“四有”验收检查表</text></svg>
<table class="info"><tr><td class="label">被检查单位</td><td>县域体育工作台 2026</td></tr></table>
<table class="items"><thead><tr><th>序号</th><th>检查项目</th><th>检查结果</th></tr></thead>
<tbody><tr><td class="c">1</td><td>有场地：有固定办公场所和开展活动的场地设施。</td><td class="c">符合</td></tr></tbody></table>
<h2>整改事项</h2>
<table class="sign"><tr><td><span class="sign-label">检查人（签字）：</span><span class="fill w34"></span></td>
<td class="qr">{qr}核验码 0000-0000</td></tr></table>
</article></body></html>"""


def specimen() -> str:
    from app.printing.filters import qr_svg

    return SPECIMEN.format(qr=qr_svg("https://example.invalid/v/0000-0000"))


def warm_up() -> None:
    """Import WeasyPrint, load the font and print a specimen sheet: what the first PDF of a
    process would otherwise pay. Web workers run it as they start (wsgi.py); the batch
    forkserver runs it once, so its children start warm."""
    eng = engine()
    with eng.lock:
        eng.document(specimen(), (str(STATIC_DIR),)).write_pdf()


def local_fetcher(roots: Sequence[str]):
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
