from flask import abort, send_file
from flask_login import login_required

from app.attachments import bp
from app.attachments.models import Attachment
from app.attachments.services import stored_path
from app.scoping import scoped_get_or_404

ONE_YEAR = 365 * 24 * 3600


def _send(attachment: Attachment, thumb: bool):
    if thumb and not attachment.is_image:
        abort(404)
    # Content never changes under an id (files are named by hash), so browsers may keep it.
    response = send_file(stored_path(attachment.sha256, thumb=thumb), mimetype=attachment.content_type,
                         download_name=attachment.filename, as_attachment=not attachment.is_image,
                         max_age=ONE_YEAR)
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
