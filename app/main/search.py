"""One search box over the registry, the inspections and the rectification ledger: each list's own
query with the words typed, its first rows, and a link to the whole list with the same search."""
from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.organizations.services import organization_query
from app.standards.forms import InspectionFilters, RectificationFilters
from app.standards.inspections import inspection_query
from app.standards.rectifications import rectification_query

SHOWN = 10  # rows per section; the list itself has the rest


@dataclass
class Section:
    title: str
    endpoint: str  # the list that holds every match, searched the same way
    rows: list
    more: bool  # more matches than shown
    kind: str  # what the rows are: organizations, inspections or rectifications


def search_everything(term: str, today: date) -> list[Section]:
    """The matches of ``term`` in each list, within the user's scope (the lists' queries are scoped)."""
    if not term:
        return []
    args = MultiDict({"q": term})
    queries = [
        ("体育社会组织", "organizations.index", "organizations",
         organization_query(term=term, today=today)),
        ("检查验收", "inspections.index", "inspections", inspection_query(InspectionFilters(args))),
        ("整改台账", "rectifications.index", "rectifications", rectification_query(RectificationFilters(args), today)),
    ]
    sections = []
    for title, endpoint, kind, stmt in queries:
        rows = db.session.execute(stmt.limit(SHOWN + 1)).unique().scalars().all()
        sections.append(Section(title, endpoint, rows[:SHOWN], len(rows) > SHOWN, kind))
    return sections
