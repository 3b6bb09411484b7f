from flask import abort
from flask_login import login_required

from app.attachments import bp
from app.attachments.models import Attachment
from app.attachments.services import stored_path
from app.printing.downloads import send_download
from app.scoping import scoped_get_or_404

ONE_YEAR = 365 * 24 * 3600


def _send(attachment: Attachment, thumb: bool):
    if thumb and not attachment.is_image:
        abort(404)
    # Content never changes under an id (files are named by hash), so browsers may keep it.
    # The stored name is sent through the one download helper, which makes any name safe for
    # the header (names stored before names were cleaned on the way in included).
    response = send_download(stored_path(attachment.sha256, thumb=thumb), attachment.filename,
                             inline=attachment.is_image, content_type=attachment.content_type)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    return response


@bp.route("/attachments/<int:attachment_id>/<path:filename>")
@login_required
def download(attachment_id: int, filename: str):
    return _send(scoped_get_or_404(Attachment, attachment_id), thumb=False)


@bp.route("/attachments/<int:attachment_id>/thumb.jpg")
@login_required
def thumbnail(attachment_id: int):
    return _send(scoped_get_or_404(Attachment, attachment_id), thumb=True)
