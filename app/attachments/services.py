"""Storing evidence: the type is judged by the content, never the name; phone photos are
turned upright and downscaled so a township PC on a slow link can open them."""
import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_login import current_user
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from app.attachments.models import Attachment
from app.extensions import db
from app.printing.downloads import UNSAFE_IN_NAMES
from app.rules import RuleError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
# What a photo may cost to decode, in pixels held in memory at once. A JPEG decodes at 1/2,
# 1/4 or 1/8 scale straight away (draft mode), so a 12000×12000 one costs 1500×1500; a PNG or
# WebP decodes whole. 16 million pixels (a 4000×4000 PNG) keep a worker well under 300 MB with
# the copies rotating and flattening make; the header tells the size before any decoding.
MAX_DECODED_PIXELS = 16_000_000
DRAFT_SCALES = (8, 4, 2)
THUMB_MAX_SIDE = 320
ACCEPTED = "照片（JPG、PNG、WebP）、PDF、Word、Excel 文件"
# The HTML accept attribute only helps the file picker; the content decides.
ACCEPT_ATTR = "image/jpeg,image/png,image/webp,.pdf,.doc,.docx,.xls,.xlsx"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OFFICE_ZIP_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# The extensions a stored file may have, by the type its bytes show (the first is the default):
# a PDF named report.html is kept and served as report.pdf.
EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "application/pdf": (".pdf",),
    "application/msword": (".doc", ".xls"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
}
MAX_NAME = 200


def stored_filename(original: str | None, content_type: str) -> str:
    """The name a file is kept under: the last part of what the browser sent, without control
    characters or what file systems refuse, ending in an extension of its real type."""
    stem, extension = os.path.splitext((original or "").replace("\\", "/").rsplit("/", 1)[-1])
    allowed = EXTENSIONS[content_type]
    if extension.lower() not in allowed:
        extension = allowed[0]
    stem = UNSAFE_IN_NAMES.sub("", stem)[: MAX_NAME - len(extension)]
    return (stem or "未命名文件") + extension.lower()


def detect_document_type(data: bytes) -> str | None:
    """The MIME type of a PDF or office file, judged from its bytes."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(OLE_MAGIC):
        return "application/msword"  # .doc/.xls of old Office; both open with the same programs
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, mimetype in OFFICE_ZIP_TYPES.items():
                if any(n.startswith(prefix) for n in names):
                    return mimetype
    return None


def _normalise_photo(data: bytes) -> tuple[bytes, int, int]:
    """Upright, at most PHOTO_MAX_SIDE pixels, JPEG: a 6 MB phone photo becomes ~300 KB."""
    with Image.open(io.BytesIO(data)) as img:
        # JPEG decodes straight at 1/2, 1/4 or 1/8 scale: a fraction of the memory and time.
        img.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        img = ImageOps.exif_transpose(img)
        img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        if img.mode != "RGB":
            background = Image.new("RGB", img.size, "white")
            background.paste(img, mask=img.convert("RGBA").getchannel("A"))
            img = background
        out = io.BytesIO()
        img.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        return out.getvalue(), img.width, img.height


def _thumbnail(photo: bytes) -> bytes:
    with Image.open(io.BytesIO(photo)) as img:
        img.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=75)
        return out.getvalue()


def decoded_pixels(image_format: str, width: int, height: int) -> int:
    """The pixels decoding will hold: JPEGs at the smallest draft scale still above PHOTO_MAX_SIDE."""
    if image_format in {"JPEG", "MPO"}:
        for scale in DRAFT_SCALES:
            if min(width, height) / scale >= PHOTO_MAX_SIDE:
                return -(-width // scale) * -(-height // scale)
    return width * height


def _too_large(width: int, height: int) -> RuleError:
    return RuleError(f"照片尺寸过大（{width}×{height} 像素），解码需要的内存超出限制。"
                     f"请缩小到 {MAX_DECODED_PIXELS // 10_000} 万像素以内（如 4000×4000）后再上传。")


def _read_image(data: bytes) -> bool:
    """Whether ``data`` is a photo we take; the header is read, the pixels not yet decoded."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in {"JPEG", "PNG", "WEBP", "MPO"}:
                return False
            image_format, size = img.format, (img.width, img.height)
            if decoded_pixels(image_format, *size) <= MAX_DECODED_PIXELS:
                img.verify()
    except Image.DecompressionBombError as error:
        raise RuleError("照片尺寸过大，解码需要的内存超出限制，请缩小后再上传。") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    if decoded_pixels(image_format, *size) > MAX_DECODED_PIXELS:
        raise _too_large(*size)
    return True


def storage_dir() -> Path:
    return Path(current_app.instance_path) / "uploads"


def stored_path(sha256: str, thumb: bool = False) -> Path:
    return storage_dir() / sha256[:2] / (f"{sha256}.thumb.jpg" if thumb else sha256)


def _store(data: bytes, thumb: bytes | None) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = stored_path(digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():  # same content, same file: stored once
        # A temporary name of its own: two uploads of one photo at the same moment both write,
        # and the second rename simply replaces the first with the same bytes.
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as tmp:
            tmp.write(data)
        Path(tmp.name).replace(path)
    if thumb is not None and not stored_path(digest, thumb=True).exists():
        stored_path(digest, thumb=True).write_bytes(thumb)
    return digest


def check_upload(file_storage) -> tuple[bytes, str, int | None, int | None]:
    """Read and judge one uploaded file: (bytes to store, content type, width, height)."""
    name = file_storage.filename or "未命名文件"
    data = file_storage.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise RuleError(f"文件“{name}”是空的。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise RuleError(f"文件“{name}”超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请压缩后再上传。")
    if _read_image(data):
        photo, width, height = _normalise_photo(data)
        return photo, "image/jpeg", width, height
    content_type = detect_document_type(data)
    if content_type is None:
        raise RuleError(f"文件“{name}”不是支持的类型，只能上传{ACCEPTED}。")
    return data, content_type, None, None


@dataclass(frozen=True)
class PreparedFile:
    """A checked upload, already decoded, downscaled and stored on disk: attaching it to a
    record is one row insert, so no write transaction waits on image work (SQLite has one
    writer at a time)."""

    filename: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def prepare_upload(file_storage) -> PreparedFile:
    """Check, convert and store one uploaded file, touching no database row; raises RuleError."""
    data, content_type, width, height = check_upload(file_storage)
    digest = _store(data, _thumbnail(data) if content_type == "image/jpeg" else None)
    return PreparedFile(stored_filename(file_storage.filename, content_type), content_type, len(data), digest,
                        width, height)


def prepare_uploads(files) -> tuple[list[PreparedFile], list[str]]:
    """Every acceptable file prepared; one error sentence per refused file."""
    prepared, errors = [], []
    for file_storage in files:
        if not file_storage or not file_storage.filename:
            continue
        try:
            prepared.append(prepare_upload(file_storage))
        except RuleError as error:
            errors.append(str(error))
    return prepared, errors


def attach(prepared: list[PreparedFile], *, owner, region_id: int, caption: str = "") -> list[Attachment]:
    """Record prepared files as ``owner``'s attachments, each with the uploader's ``caption``.
    Content the record already has (the same photo sent again after a reload on a slow link)
    is not attached a second time."""
    uploader = current_user if current_user and current_user.is_authenticated else None
    held = set(db.session.execute(
        select(Attachment.sha256).where(Attachment.owner_type == owner.__tablename__, Attachment.owner_id == owner.id)
    ).scalars()) if prepared else set()
    fresh = []
    for f in prepared:
        if f.sha256 not in held:
            held.add(f.sha256)
            fresh.append(f)
    attachments = [
        Attachment(
            owner_type=owner.__tablename__, owner_id=owner.id, filename=f.filename, caption=caption[:100],
            content_type=f.content_type, size=f.size, sha256=f.sha256, width=f.width, height=f.height, region_id=region_id,
            uploaded_by=uploader.username if uploader else "系统", uploaded_by_id=uploader.id if uploader else None,
        )
        for f in fresh
    ]
    db.session.add_all(attachments)
    db.session.flush()
    return attachments


def save_upload(file_storage, *, owner, region_id: int) -> Attachment:
    """Prepare and attach one uploaded file for ``owner`` (the one it already has, when the
    same content was attached before); raises RuleError."""
    prepared = prepare_upload(file_storage)
    for attachment in attach([prepared], owner=owner, region_id=region_id):
        return attachment
    return db.session.execute(select(Attachment).where(
        Attachment.owner_type == owner.__tablename__, Attachment.owner_id == owner.id,
        Attachment.sha256 == prepared.sha256)).scalars().first()


def save_uploads(files, *, owner, region_id: int) -> tuple[list[Attachment], list[str]]:
    """Attach every acceptable file; return what was saved and one error sentence per refused file."""
    prepared, errors = prepare_uploads(files)
    return attach(prepared, owner=owner, region_id=region_id), errors


def attachments_for(owner_type: str, owner_ids) -> dict[int, list[Attachment]]:
    """Attachments of many owners at once (no query per row), keyed by owner id."""
    ids = list(owner_ids)
    grouped: dict[int, list[Attachment]] = {i: [] for i in ids}
    if not ids:
        return grouped
    rows = db.session.execute(
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(ids))
        .order_by(Attachment.id)
    ).scalars()
    for attachment in rows:
        grouped[attachment.owner_id].append(attachment)
    return grouped


def delete_attachment(attachment: Attachment) -> None:
    """Forget the record; the file stays, since other records may share its content."""
    db.session.delete(attachment)
    db.session.flush()
