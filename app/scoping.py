"""The one mechanism that keeps every query inside the user's region subtree.

Each request carries a scope: the materialized path of the user's region
(``/140000/140500/140522/``). A ``do_orm_execute`` hook adds that scope as loader criteria to
every ORM SELECT, UPDATE and DELETE, so a view cannot forget it: a record outside
the subtree simply is not found, and the view answers 404 whatever the id.
A ``before_flush`` hook refuses to write a record into a region outside the scope.

Outside a request (CLI, migrations, seeding) there is no scope. Inside a request
the default is to see nothing until the logged-in user's scope is set, so an
anonymous request can never list records by accident.
"""
from contextlib import contextmanager

from flask import abort, g, has_request_context
from sqlalchemy import ForeignKey, event, func, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship, with_loader_criteria

from app.extensions import db

# Paths start with "/", so this prefix matches no region at all.
DENY_ALL = "!"


class OutOfScope(Exception):
    """A write tried to place a record in a region the user may not touch."""


class RegionScoped:
    """Mixin for every record that belongs to a region and is seen only within its subtree."""

    @declared_attr
    def region_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("regions.id"), index=True)

    @declared_attr
    def region(cls):
        return relationship("Region")


def set_scope(region_path: str | None) -> None:
    g.scope_path = region_path


def scope_for(region) -> str | None:
    """The scope of a user of ``region``: its path, or None when its subtree is the whole tree.

    A filter that keeps every row still costs: SQLite then reads a 200,000-row ledger
    through the region index instead of its date index. So the root's users go unfiltered.
    """
    if region.parent_id is None:
        Region = _region_model()
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
    previous = g.get("scope_path", DENY_ALL)
    g.scope_path = None
    try:
        yield
    finally:
        g.scope_path = previous


def current_scope() -> str | None:
    """The path prefix in force, or None when nothing is filtered (outside requests)."""
    if not has_request_context():
        return None
    return g.get("scope_path", DENY_ALL)


def in_scope(region_path: str, scope: str | None = None) -> bool:
    scope = current_scope() if scope is None else scope
    return scope is None or region_path.startswith(scope)


def scoped_get_or_404(model, ident, *options):
    """Load by primary key through a real query, so the scope criteria always apply
    (Session.get() could answer from the identity map without asking the database).
    ``options`` are loader options, e.g. to load what the page shows in the same go."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < ident < 2**31:  # beyond INTEGER, PostgreSQL would fail the query
        abort(404)
    obj = db.session.execute(select(model).where(model.id == ident).options(*options)).scalar_one_or_none()
    if obj is None:
        abort(404)
    return obj


def _region_model():
    from app.regions.models import Region

    return Region


@event.listens_for(Session, "do_orm_execute")
def _add_scope_criteria(state):
    if not (state.is_select or state.is_update or state.is_delete):
        return
    # Relationship loads start from a record already in scope (its region's parent,
    # say); filtering them would only blank out names the user is entitled to read.
    if state.is_relationship_load or state.execution_options.get("unscoped"):
        return
    path = current_scope()
    if path is None:
        return
    Region = _region_model()
    # The subquery names the regions table, not the entity: the entity would get the Region
    # criteria again inside it, a second LIKE for the database to plan on every statement.
    regions = Region.__table__
    state.statement = state.statement.options(
        with_loader_criteria(Region, lambda cls: cls.path.startswith(path), include_aliases=True),
        with_loader_criteria(
            RegionScoped,
            lambda cls: cls.region_id.in_(select(regions.c.id).where(regions.c.path.startswith(path))),
            include_aliases=True,
        ),
    )


@event.listens_for(Session, "before_flush")
def _refuse_out_of_scope_writes(session, flush_context, instances):
    scope = current_scope()
    if scope is None:
        return
    Region = _region_model()
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
