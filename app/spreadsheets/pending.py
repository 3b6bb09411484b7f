"""Uploads kept between an import's preview and its confirmation, under ``instance/imports/``.

The preview writes nothing; the file waits here under a random token (which the view ties to
the uploader's session) until the confirmation reads it again, and is forgotten after a day.
"""
import re
import secrets
import time
from pathlib import Path

from flask import current_app

KEEP_UPLOADS_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def uploads_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


def keep_upload(data: bytes) -> str:
    """Store the uploaded workbook under a random token; forget uploads older than a day."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.xlsx").write_bytes(data)
    return token


def upload_path(token: str) -> Path | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    path = uploads_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


def discard_upload(token: str) -> None:
    if path := upload_path(token):
        path.unlink(missing_ok=True)
