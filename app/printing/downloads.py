"""The one way a PDF or a spreadsheet goes to the browser, under a Chinese file name."""
import io
import os
import re
from pathlib import Path
from urllib.parse import quote

from flask import request, send_file

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# What no file system (Windows above all) accepts in a name, control characters included, and
# the quotes and spaces that old download dialogs cut names at.
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|“”\s\x00-\x1f\x7f]+')
MAX_STEM = 120
ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(*parts: str, suffix: str) -> str:
    """The non-empty ``parts`` joined by "-", made safe, with ``suffix`` (".pdf", ".xlsx")."""
    stem = UNSAFE_IN_NAMES.sub("", "-".join(p for p in parts if p))[:MAX_STEM]
    return (stem or "download") + suffix


def ascii_name(*parts, suffix: str) -> str:
    """A name old browsers keep, from ASCII parts (codes, dates): audit-sheet-140522100-2026-12-02.pdf."""
    cleaned = (ASCII_UNSAFE.sub("-", str(p)).strip("-") for p in parts if p)
    stem = "-".join(p for p in cleaned if p)
    return (stem[:MAX_STEM] or "download") + suffix


def send_download(content: bytes | Path, name: str, *, inline: bool = False, content_type: str | None = None,
                  fallback: str | None = None):
    """Send ``content`` as ``name``: shown by the browser (``inline``, PDFs) or saved.

    The name travels as filename* (RFC 5987). Browsers too old for it get ``fallback`` (an
    ``ascii_name``), else the address's own (sheet.pdf) when it ends like the file, else "download".
    """
    stem, suffix = os.path.splitext(name)
    suffix = UNSAFE_IN_NAMES.sub("", suffix)
    name = file_name(stem, suffix=suffix)
    fallback = fallback if fallback and fallback.isascii() and not UNSAFE_IN_NAMES.search(fallback) \
        else _ascii_name(name, suffix)
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    response = send_file(source, mimetype=content_type or CONTENT_TYPES.get(suffix, "application/octet-stream"),
                         download_name=fallback, as_attachment=not inline)
    response.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; "
        f"filename*=UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"
    )
    return response


def _ascii_name(name: str, suffix: str) -> str:
    if name.isascii():
        return name
    own = request.path.rsplit("/", 1)[-1]
    if own.isascii() and own.endswith(suffix) and own != suffix and not UNSAFE_IN_NAMES.search(own):
        return own
    return f"download{suffix}"
