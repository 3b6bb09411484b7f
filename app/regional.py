"""What a record that belongs to a region is, and how the region tree is matched as a prefix.

This module sits below the models and the scoping mechanism (it imports neither), so that
regions, audit and scoping can all build on it without importing each other in a circle.
"""
from sqlalchemy import ForeignKey, String, and_
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

# ``__scope_parent__`` of a record whose region is its own: an organisation, a user, a job.
SCOPE_ROOT = "root"

# Region paths hold "/" and digits only. Compared byte by byte ("C" collation on PostgreSQL,
# SQLite's default), a subtree is one index range; a locale collation would skip the "/".
PATH_TYPE = String(255).with_variant(String(255, collation="C"), "postgresql")


class RegionScoped:
    """Mixin for every record that belongs to a region and is seen only within its subtree.

    Each class says in its own body where its region comes from, as ``__scope_parent__``:
    ``SCOPE_ROOT`` when the record is placed in a region directly; the name of the foreign-key
    column of the record it belongs to (``"organization_id"``); or a ``(type column, id column)``
    pair for a record that may belong to records of several tables (an attachment's owner).
    ``scoping.rehome`` follows these declarations when a record moves to another region.

    ``__region_index__ = False`` leaves ``region_id`` unindexed, for a child read only through
    its parent (a case's deadlines and timeline): the scope's ``region_id IN (…)`` then filters
    the rows its parent's index found, where an index of its own tempted the planner to read a
    whole county's rows instead.
    """

    __scope_parent__: str | tuple[str, str]
    __region_index__: bool = True

    @declared_attr
    def region_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("regions.id"), index=cls.__region_index__)

    @declared_attr
    def region(cls):
        return relationship("Region")


def subtree_end(path: str) -> str:
    """The first path after every path that starts with ``path`` ("/14/" → "/140")."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def in_subtree(path_column, path: str):
    """``path_column`` lies in the subtree of ``path``, as a range an index answers in one seek
    (``LIKE :p || '%'`` is a scan on SQLite and on PostgreSQL outside the C collation)."""
    return and_(path_column >= path, path_column < subtree_end(path))
