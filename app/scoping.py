"""The one mechanism that keeps every query inside the user's region subtree.

A scope is the materialized path of the user's region (``/140000/140500/140522/``). A
``do_orm_execute`` hook adds it as loader criteria to every ORM SELECT, UPDATE and DELETE,
relationship loads included (a region's children, a record's rows), so a view cannot forget
it: a record outside the subtree simply is not found, and the view answers 404 whatever the
id. Reading upward (a township's county, for breadcrumbs and names) is deliberate:
``Region.ancestors()``. A ``before_flush`` hook refuses to write a record into a region
outside the scope.

The side doors are shut while a scope is in force: a Core statement on a scoped table or a
raw ``text()`` is refused (they would bypass the criteria), and so is a bulk UPDATE or DELETE
of an audited model (it would write no audit entry). Code that means it says so with
``execution_options(unscoped=True)``; ``tests/test_scoping.py`` keeps the list of modules
allowed to build such statements at all.

A scope is in force inside every request (nothing is visible until the logged-in user's scope
is set, so an anonymous request can never list records by accident) and inside ``acting_as``
(a background job runs with its creator's scope). Elsewhere (CLI, migrations, seeding)
nothing is filtered.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache

from flask import abort, g, has_app_context, has_request_context
from sqlalchemy import TextClause, and_, any_, event, func, select, update
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from app.audit.models import Audited, AuditEntry, record_key
from app.extensions import db
from app.parsing import id_or_404
from app.regional import SCOPE_ROOT, RegionScoped, subtree_end
from app.regions.models import Region

# Paths start with "/", so this prefix matches no region at all.
DENY_ALL = "!"


class OutOfScope(Exception):
    """A write tried to place a record in a region the user may not touch."""


class ScopeBypass(RuntimeError):
    """A statement would read or write past the scope (a programming error, never user input)."""


def set_scope(region_path: str | None) -> None:
    g.scope_path = region_path


def scope_for(region: Region) -> str | None:
    """The scope of a user of ``region``: its path, or None when its subtree is the whole tree.

    A filter that keeps every row still costs: SQLite then reads a 200,000-row ledger
    through the region index instead of its date index. So the root's users go unfiltered.
    """
    if region.parent_id is None:
        roots = db.session.execute(
            select(func.count()).select_from(Region).where(Region.parent_id.is_(None)),
            execution_options={"unscoped": True},
        ).scalar_one()
        if roots == 1:
            return None
    return region.path


@contextmanager
def unscoped():
    """Lift the scope for a deliberate, system-level step inside a request
    (logging in, loading the session's user), and put it back afterwards."""
    had_scope, previous = "scope_path" in g, g.get("scope_path")
    g.scope_path = None
    try:
        yield
    finally:
        if had_scope:
            g.scope_path = previous
        else:  # outside a request and a job nothing was in force: leave it so (not DENY_ALL)
            g.pop("scope_path", None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Run work outside a request (a background job) with ``user``'s scope, and as ``user``
    in the audit log; inside an app context, which keeps what is set here."""
    previous = {key: g.get(key) for key in ("scope_path", "acting_user")}
    g.scope_path = scope_for(user.region)
    g.acting_user = user
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                g.pop(key, None)
            else:
                setattr(g, key, value)


def scope_in_force() -> bool:
    """Inside a request or an ``acting_as`` block: the side doors are shut, even for users
    whose scope filters nothing."""
    return has_request_context() or (has_app_context() and "scope_path" in g)


def current_scope() -> str | None:
    """The path prefix in force, or None when nothing is filtered."""
    if not scope_in_force():
        return None
    return g.get("scope_path", DENY_ALL)


def in_scope(region_path: str, scope: str | None = None) -> bool:
    scope = current_scope() if scope is None else scope
    return scope is None or region_path.startswith(scope)


def scoped_get_or_404(model, ident, *options):
    """Load by primary key through a real query, so the scope criteria always apply
    (Session.get() could answer from the identity map without asking the database).
    ``options`` are loader options, e.g. to load what the page shows in the same go."""
    ident = id_or_404(ident)
    obj = db.session.execute(select(model).where(model.id == ident).options(*options)).scalar_one_or_none()
    if obj is None:
        abort(404)
    return obj


# --------------------------------------------------------------------------- moving records

def scope_children(record) -> Iterator:
    """The records whose ``__scope_parent__`` is ``record``, loaded through the scope."""
    table = record.__tablename__
    key = record_key(record)
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        # Audit entries move in bulk (rehome below), not one loaded row at a time.
        if not issubclass(cls, RegionScoped) or cls is AuditEntry:
            continue
        parent = cls.__scope_parent__
        if parent == SCOPE_ROOT:
            continue
        if isinstance(parent, tuple):
            type_column, id_column = (getattr(cls, name) for name in parent)
            where = (type_column == table, id_column == int(key))
        else:
            column = mapper.columns[parent]
            if not any(fk.column.table.name == table for fk in column.foreign_keys):
                continue
            where = (column == int(key),)
        yield from db.session.execute(select(cls).where(*where)).scalars()


def rehome(record, region: Region) -> list:
    """Move ``record`` and everything that belongs to it (as the models' ``__scope_parent__``
    declare) into ``region``, their audit history included, so the new region sees the whole
    record and the old one nothing of it. Returns the records moved, ``record`` first.

    Each record changes through the ORM, so every move is audited; signed inspections stay
    signed (their immutability guard lets the region alone change)."""
    moved, pending = [], [record]
    while pending:
        current = pending.pop()
        moved.append(current)
        pending.extend(scope_children(current))
    for each in moved:
        each.region_id = region.id
    db.session.flush()
    by_table: dict[str, list[str]] = {}
    for each in moved:
        by_table.setdefault(each.__tablename__, []).append(record_key(each))
    for table, keys in by_table.items():
        # Audit entries are not audited themselves: one statement per table moves their history.
        db.session.execute(
            update(AuditEntry).where(AuditEntry.record_type == table, AuditEntry.record_id.in_(keys))
            .values(region_id=region.id),
            execution_options={"synchronize_session": False},
        )
    return moved


# --------------------------------------------------------------------------- the hooks

@cache
def _scoped_tables() -> frozenset:
    tables = {m.local_table for m in db.Model.registry.mappers if issubclass(m.class_, RegionScoped)}
    return frozenset(tables | {Region.__table__})


def _refuse_side_doors(state) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        raise ScopeBypass("text() bypasses the region scope: build the query with the ORM, "
                          "or pass execution_options(unscoped=True) where the bypass is meant")
    if not state.is_orm_statement:
        touched = set(find_tables(statement, include_crud=True)) & _scoped_tables()
        if touched:
            names = ", ".join(sorted(t.name for t in touched))
            raise ScopeBypass(f"a Core statement on {names} bypasses the region scope: select the model instead")
    elif (state.is_update or state.is_delete) and issubclass(state.bind_mapper.class_, Audited):
        raise ScopeBypass(f"bulk {'UPDATE' if state.is_update else 'DELETE'} of {state.bind_mapper.class_.__name__} "
                          "writes no audit entry: change the records through the ORM")


@event.listens_for(Session, "do_orm_execute")
def _add_scope_criteria(state):
    if state.execution_options.get("unscoped") or not scope_in_force():
        return
    _refuse_side_doors(state)
    path = current_scope()
    if path is None or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(*_scope_criteria(path, state.session.get_bind().dialect.name))


@lru_cache(maxsize=4096)
def _scope_criteria(path: str, dialect: str) -> tuple:
    """The loader criteria of one scope, built once per process and scope: every statement of
    every request carries them, and building them cost more than some pages' queries."""
    # The subquery names the regions table, not the entity: the entity would get the Region
    # criteria again inside it, a second range for the database to plan on every statement.
    # The bounds are computed here: SQLAlchemy caches the lambdas by their closure values.
    regions, end = Region.__table__, subtree_end(path)
    if dialect == "postgresql":
        # ``= ANY(ARRAY(subquery))`` is computed once, before the plan runs: PostgreSQL then reads
        # the subtree's rows by their region index. With ``IN (subquery)`` it plans a semi-join
        # and, under any other filter it cannot estimate (a search's ILIKE), scans the whole table.
        def in_subtree(cls):
            return cls.region_id == any_(func.array(
                select(regions.c.id).where(regions.c.path >= path, regions.c.path < end).scalar_subquery()))
    else:
        def in_subtree(cls):
            return cls.region_id.in_(select(regions.c.id).where(regions.c.path >= path, regions.c.path < end))
    return (
        with_loader_criteria(Region, lambda cls: and_(cls.path >= path, cls.path < end), include_aliases=True),
        with_loader_criteria(RegionScoped, in_subtree, include_aliases=True),
    )


@event.listens_for(Session, "before_flush")
def _refuse_out_of_scope_writes(session, flush_context, instances):
    scope = current_scope()
    if scope is None:
        return
    region_ids = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Region):
            if not in_scope(obj.path or "", scope):
                raise OutOfScope(f"region {obj.id}")
        elif isinstance(obj, RegionScoped):
            region_ids.add(obj.region_id)
    if not region_ids:
        return
    # One query for the whole flush, however many rows it writes.
    paths = dict(session.execute(
        select(Region.id, Region.path).where(Region.id.in_(region_ids)), execution_options={"unscoped": True}
    ).all())
    for region_id in region_ids:
        if region_id not in paths or not in_scope(paths[region_id], scope):
            raise OutOfScope(f"region {region_id}")
