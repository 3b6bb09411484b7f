"""Files chosen on a form that was refused (a missing field, a broken rule) are not lost: they
were already checked and stored (``prepare_uploads``), so the page comes back naming them
("已选择：report.pdf") with a signed token each, and the next submit attaches them without
choosing them again. The token is signed for the user who uploaded, so it cannot be used to
claim someone else's stored file."""
from dataclasses import asdict

from flask import current_app
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.attachments.services import PreparedFile, prepare_uploads

FIELD = "kept_upload"
MAX_AGE = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"kept-upload:{current_user.get_id()}")


def token(prepared: PreparedFile) -> str:
    return _serializer().dumps(asdict(prepared))


def from_tokens(tokens) -> list[PreparedFile]:
    kept = []
    for value in tokens:
        try:
            kept.append(PreparedFile(**_serializer().loads(value, max_age=MAX_AGE)))
        except (BadSignature, TypeError):
            continue  # a stale or forged token is dropped; the file must be chosen again
    return kept


def gather(request, files, field: str = FIELD) -> tuple[list[PreparedFile], list[str]]:
    """The files kept from a refused submit (still ticked in ``field``) and the newly chosen
    ones, prepared; and one sentence per refused new file."""
    prepared, errors = prepare_uploads(files)
    kept = from_tokens(request.form.getlist(field))
    seen = {f.sha256 for f in kept}
    return kept + [f for f in prepared if f.sha256 not in seen], errors
