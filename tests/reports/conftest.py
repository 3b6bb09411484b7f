"""The reports' fixtures: the hand-made KPI cases, and a reader's request context."""
import pytest

from app.extensions import db
from app.regions.models import Region
from app.scoping import set_scope
from tests.reports.kpi_cases import make_kpi_cases


@pytest.fixture
def made(app, world):
    return make_kpi_cases(app, world)


@pytest.fixture
def as_reader(app):
    """``as_reader(region)``: a request context under ``region``'s scope, as its users' requests
    have; the region, loaded in it."""
    contexts = []

    def enter(region):
        context = app.test_request_context()
        context.push()
        contexts.append(context)
        set_scope(region.path)
        return db.session.get(Region, region.id)

    yield enter
    for context in reversed(contexts):
        context.pop()
