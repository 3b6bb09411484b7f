"""Verification codes (核验码): eight letters and digits printed with a QR code on every sheet
the desk prints, unique across every kind of record that carries one, so ``/v/<code>`` finds
the one record it names."""
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select

from app.extensions import db

# No 0/O, 1/I/L: a code read off paper is typed back without guessing.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def coded_models() -> list:
    """The mapped classes that carry a ``verification_code``: inspections, cases …"""
    return [m.class_ for m in db.Model.registry.mappers if "verification_code" in m.columns]


def new_verification_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = any(db.session.execute(
            select(exists().where(model.verification_code == code)), execution_options={"unscoped": True}
        ).scalar() for model in coded_models())
        if not taken:
            return code


def find_by_code(code: str):
    """The record printed with ``code``, whatever its kind and region, or None."""
    for model in coded_models():
        record = db.session.execute(
            select(model).where(model.verification_code == code), execution_options={"unscoped": True}
        ).scalar_one_or_none()
        if record is not None:
            return record
    return None


@dataclass(frozen=True)
class Verification:
    """What ``/v/<code>`` does with a record of one kind: the public page (what its paper says,
    nothing personal) and the address a user in its region is taken to."""

    page: Callable[[object], str]
    address: Callable[[object], str]


_VERIFICATIONS: dict[type, Verification] = {}


def register_verification(model: type, *, page: Callable, address: Callable) -> None:
    """Called by each domain that prints codes (standards for inspections, cases for cases)."""
    _VERIFICATIONS[model] = Verification(page, address)


def verification_of(record) -> Verification:
    return _VERIFICATIONS[type(record)]
