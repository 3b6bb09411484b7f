"""Printed paper (A4, WeasyPrint), for every domain that prints.

Typography follows Chinese official documents with ONE embedded face (DESIGN.md §6: every CJK
face costs 115–200 KB per PDF): Noto Serif CJK SC Regular for everything. Titles are made heavy
(小标宋 style) by drawing them as SVG text with a thin stroke over the fill
(``templates/printing/_macros.html``), which WeasyPrint writes as PDF text rendering mode 2 with
the same embedded face — no Bold face, no tofu.

- ``engine``: WeasyPrint, the font and the print stylesheet, made once per process; the URL
  fetcher that reads local files only.
- ``batch``: many documents in one PDF, laid out by render processes on every core.
- ``filters``: what the paper's templates use (``cn_date``, ``title_size``, ``qr_svg``),
  registered on the app by ``init_app``.
- ``downloads``: the one way to send a PDF or a spreadsheet to the browser.

A domain keeps only what gathers its paper's data (``app/standards/pdf.py``) and its templates
(``templates/<domain>/pdf/``, extending ``printing/base.html``).
"""
from flask import Flask

from app.printing.filters import cn_date, qr_svg, title_size


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(cn_date=cn_date, title_size=title_size, qr_svg=qr_svg)
