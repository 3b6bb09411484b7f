"""Data revisions, and the figures kept by them.

A figure that costs a scan of many rows (a KPI board's counts, the year's case figures) is kept
in the worker's memory and shown again only while it is still exact: it is keyed by the
revision of the data it counts, and a revision is a fresh random token written in the same
transaction as any change to the tables it watches (the revision's row is updated as the last
step before COMMIT, so its lock is held for the commit alone). A token, not a counter: a
rolled-back or restored database never hands out a token that meant other data.

Figures that also depend on the clock (a deadline is due once it has passed) are kept with the
moment they stop being exact: the next deadline that will pass. A writer that goes around the
ORM session (a raw connection, a bulk load) must call ``revise`` itself.
"""
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

# How many a worker keeps, per shelf: a few boards per region and period looked at; a to-do
# list per user at work; the lists' results last looked at (one kind does not push out another).
SHELVES = {"figures": 64, "todo": 256, "results": 128}


class DataRevision(db.Model):
    """The current revision of one body of data (``cases``: what the case figures count)."""

    __tablename__ = "data_revisions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


_watched: dict[type, set[str]] = {}  # model -> the revisions its writes change


def watch(name: str, *models: type) -> None:
    """Writes to ``models`` change revision ``name``."""
    for model in models:
        _watched.setdefault(model, set()).add(name)
    if not event.contains(Session, "after_flush", _note_flushed):
        event.listen(Session, "after_flush", _note_flushed)
        event.listen(Session, "do_orm_execute", _note_bulk_writes)
        event.listen(Session, "before_commit", _write_revisions)
        event.listen(Session, "after_commit", _forget_tokens)
        event.listen(Session, "after_rollback", _forget_tokens)


def _pending(session: Session) -> set:
    # Kept across a rollback, even a savepoint's: a needless new revision costs one recount,
    # a missed one would show a stale figure.
    return session.info.setdefault("revised", set())


def _note_flushed(session: Session, flush_context) -> None:
    for obj in (*session.new, *session.deleted, *session.dirty):
        names = _watched.get(type(obj))
        if names and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            _pending(session).update(names)


def _note_bulk_writes(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        _pending(state.session).update(_watched.get(state.bind_mapper.class_, ()))


def _write_revisions(session: Session) -> None:
    session.flush()  # commit flushes after this hook: what it would write must be noted first
    names = session.info.pop("revised", None)
    if names:
        revise(session, *names)


def revise(session: Session, *names: str) -> None:
    """Give ``names`` new revisions, in ``session``'s transaction."""
    _forget_tokens(session)
    for name in sorted(names):  # one order for every writer
        session.execute(update(DataRevision).where(DataRevision.name == name).values(token=uuid.uuid4().hex),
                        execution_options={"synchronize_session": False})


def _written(session: Session, names: tuple[str, ...]) -> bool:
    """Whether ``session``'s transaction has changed, or is about to flush, data of ``names``:
    its revision is new only once it commits."""
    if _pending(session).intersection(names):
        return True
    return any(_watched.get(type(obj), set()).intersection(names)
               for obj in (*session.new, *session.deleted, *session.dirty))


def current(*names: str) -> tuple[str, ...] | None:
    """The revisions of ``names``, in order; None when one is missing (nothing is kept then).
    Every revision is read at the first call in a transaction, and held until it ends: a page
    asks for several kept things, and a newer revision committed meanwhile only means a figure
    counted from newer data is kept under the older token, never a stale one shown."""
    tokens = db.session.info.get("revisions")
    if tokens is None:
        tokens = db.session.info["revisions"] = dict(db.session.execute(select(DataRevision.name, DataRevision.token)).all())
    return tuple(tokens[name] for name in names) if all(name in tokens for name in names) else None


def _forget_tokens(session: Session, *args) -> None:
    session.info.pop("revisions", None)


@dataclass(frozen=True)
class _Kept:
    revision: tuple[str, ...]
    since: datetime
    until: datetime | None
    value: Any


def kept(names: tuple[str, ...], key: Hashable, now: datetime, compute: Callable[[], tuple[Any, datetime | None]],
         shelf: str = "figures"):
    """The figure ``key``, counted from the data of the revisions ``names`` as of ``now``: kept from an
    earlier count when the data have not changed since and no deadline has passed in between,
    else counted again. ``compute`` returns the figure and the moment it stops being exact as
    the clock moves (None: never). ``shelf`` (SHELVES) says how many of its kind are kept."""
    if _written(db.session, names):
        return compute()[0]  # this transaction changed the data: no kept figure counted them
    revision = current(*names)
    shelves: dict = current_app.extensions.setdefault("kept_figures", {})
    store: OrderedDict = shelves.setdefault(shelf, OrderedDict())
    entry = store.get(key)
    if (entry is not None and revision is not None and entry.revision == revision and entry.since <= now
            and (entry.until is None or now < entry.until)):
        store.move_to_end(key)
        return entry.value
    value, until = compute()
    if revision is not None:
        store[key] = _Kept(revision, now, until, value)
        store.move_to_end(key)
        while len(store) > SHELVES[shelf]:
            store.popitem(last=False)
    return value


def forget_kept(app) -> None:
    """Drop every kept figure: for whoever replaces the data behind the revisions' back."""
    app.extensions.pop("kept_figures", None)
