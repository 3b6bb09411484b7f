"""Kept case figures (app.revisions): a board looked at again is not counted again, and is
never shown once a write or the clock has changed what it counts."""
from datetime import datetime

from sqlalchemy import update

from app import revisions
from app.cases.models import ActionKind, Case
from app.cases.services import load_calendar
from app.extensions import db
from app.organizations.models import Organization
from app.reports import CASE_FIGURES, kpis, statistics
from app.reports.kpis import INDICATORS, Period
from tests.reports.kpi_cases import NOW, OCT_8, _answer, _dispatch, _step


def board(region, now=NOW):
    return kpis.board(region, Period(2026), now, load_calendar())


def figure(board, code):
    return board.total.figure(INDICATORS[code]).label


def test_a_commit_that_writes_case_data_gives_a_new_revision_and_no_other_does(app, made, world):
    with app.app_context():  # outside a request: a system step, which may write in bulk
        first = revisions.current(CASE_FIGURES)
        db.session.commit()
        organization = db.session.query(Organization).first()
        if organization is not None:
            organization.address = "新地址"
        db.session.commit()
        assert revisions.current(CASE_FIGURES) == first

        case = db.session.get(Case, made["H"])
        case.content = "希望县里多举办广场舞比赛和健身操比赛。"
        db.session.rollback()
        assert revisions.current(CASE_FIGURES) == first  # nothing was written

        case.content = "希望县里多举办广场舞比赛和健身操比赛。"
        db.session.commit()
        second = revisions.current(CASE_FIGURES)
        assert second != first

        db.session.execute(update(Case).where(Case.id == made["H"]).values(content="希望多举办比赛。"),
                           execution_options={"synchronize_session": False})
        db.session.commit()
        assert revisions.current(CASE_FIGURES) not in (first, second)


def test_a_board_looked_at_again_reads_no_case_and_one_written_to_is_counted_again(
        made, world, as_reader, sql_statements):
    county = as_reader(world.county_a)
    before = board(county)
    assert figure(before, "sign_for") == "71.4%（5/7）"
    with sql_statements() as again:
        assert figure(board(county), "sign_for") == "71.4%（5/7）"
    assert not any("cases" in s and "GROUP BY" in s for s in again), again

    # H, never dispatched, is dispatched and signed for in time: one more sign-for deadline, met.
    h = db.session.get(Case, made["H"])
    _dispatch(h, "凤城镇", OCT_8)
    _step(h, ActionKind.SIGN_FOR, "clerk", OCT_8)
    db.session.commit()
    assert figure(board(county), "sign_for") == "75.0%（6/8）"


def test_a_transaction_that_wrote_case_data_reads_its_own_figures_not_the_kept_ones(made, world, as_reader):
    county = as_reader(world.county_a)
    assert figure(board(county), "sign_for") == "71.4%（5/7）"  # kept from here
    h = db.session.get(Case, made["H"])
    _dispatch(h, "凤城镇", OCT_8)
    _step(h, ActionKind.SIGN_FOR, "clerk", OCT_8)
    # Not committed, so the revision is still the old one: the board is counted again all the same.
    assert figure(board(county), "sign_for") == "75.0%（6/8）"
    db.session.flush()
    assert figure(board(county), "sign_for") == "75.0%（6/8）"
    db.session.rollback()
    assert figure(board(county), "sign_for") == "71.4%（5/7）"


def test_a_kept_board_is_counted_again_once_a_deadline_has_passed(app, made, world, as_reader):
    county = as_reader(world.county_a)
    # On 10-08, H's answer deadline (received that day) is still open: not yet in 按时办结率.
    early = datetime(2026, 10, 8, 12)
    assert figure(board(county, early), "on_time") != figure(board(county, NOW), "on_time")
    kept_late = figure(board(county, NOW), "on_time")
    revisions.forget_kept(app)
    assert kept_late == figure(board(county, NOW), "on_time") == "57.1%（4/7）"
    # Asked as of an earlier moment than a kept count's, the board is counted again too.
    assert figure(board(county, early), "on_time") != kept_late


def test_a_reader_of_another_scope_never_gets_a_kept_count(made, world, as_reader):
    county = as_reader(world.county_a)
    whole = board(county).total.figure(INDICATORS["sign_for"])
    town = as_reader(world.town_a1)
    assert board(town).total.figure(INDICATORS["sign_for"]) != whole


def test_the_years_case_figures_follow_a_write(made, world, as_reader):
    county = as_reader(world.county_a)
    answered = lambda: statistics.case_tallies(county, statistics.Period.year(2026))["cases_answered"].total  # noqa: E731
    before = answered()
    h = db.session.get(Case, made["H"])
    _dispatch(h, "凤城镇", OCT_8)
    _step(h, ActionKind.SIGN_FOR, "clerk", OCT_8)
    _answer(h, "clerk", datetime(2026, 10, 9, 10), "已解决")
    db.session.commit()
    assert answered() == before + 1
