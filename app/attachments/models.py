"""佐证材料: uploaded evidence (photos, PDFs, office files), stored on disk by content hash."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import Audited
from app.extensions import db
from app.regional import RegionScoped
from app.timeutil import utcnow


class Attachment(Audited, RegionScoped, db.Model):
    """A file attached to one record (``owner_type`` is the owner's table, ``owner_id`` its id)."""

    __tablename__ = "attachments"
    # Evidence belongs to the record it was attached to (a result, a rectification, an event).
    __scope_parent__ = ("owner_type", "owner_id")
    __table_args__ = (Index("ix_attachments_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200))  # as the user named it
    caption: Mapped[str] = mapped_column(String(100), default="")  # what the uploader says it shows
    content_type: Mapped[str] = mapped_column(String(100))  # as detected from the content
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))  # the stored file's name
    width: Mapped[int | None]
    height: Mapped[int | None]
    uploaded_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
