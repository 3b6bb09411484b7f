"""Lists sort by their column headers (the page, its pages and its export alike) and print as paper."""
import io
import re
from datetime import date

from openpyxl import load_workbook

from app.extensions import db
from app.standards.models import InspectionKind, ItemResult
from tests.factories import make_inspection, make_org


def _inspections(app, world):
    with app.app_context():
        a = make_org(world.town_a1, name="北体育总会")
        b = make_org(world.town_a2, name="南体育总会")
        make_inspection(a, inspected_on=date(2026, 3, 1), finalize=True, results={"有经费": ItemResult.FAIL})
        make_inspection(b, InspectionKind.SPOT_CHECK, inspected_on=date(2026, 5, 1), finalize=True)
        make_inspection(a, InspectionKind.RECHECK, inspected_on=date(2026, 4, 1))
        db.session.commit()


def _dates(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap">(2026-\d\d-\d\d)</td>', html)


def test_inspections_sort_by_a_header_and_back(app, world, client_as):
    _inspections(app, world)
    client = client_as("supervisor")
    assert _dates(client.get("/inspections").get_data(as_text=True)) == ["2026-05-01", "2026-04-01", "2026-03-01"]
    page = client.get("/inspections").get_data(as_text=True)
    # The date's first click sorts newest first; the link keeps the filters and drops the page.
    assert 'href="/inspections?sort=-inspected_on"' in page and 'href="/inspections?sort=organization"' in page
    ascending = client.get("/inspections?sort=inspected_on&status=finalized&page=1").get_data(as_text=True)
    assert _dates(ascending) == ["2026-03-01", "2026-05-01"]
    assert 'aria-sort="ascending"' in ascending and "检查日期 ▲" in ascending
    assert 'href="/inspections?sort=-inspected_on&amp;status=finalized"' in ascending
    by_kind = client.get("/inspections?sort=kind").get_data(as_text=True)  # 验收, 抽查, 复查: as declared
    assert [k for k in re.findall(r"<td>(验收|抽查|复查)</td>", by_kind)] == ["验收", "抽查", "复查"]
    assert client.get("/inspections?sort=password_hash").status_code == 200  # unknown: the list's own order


def test_the_export_follows_the_sort(app, world, client_as):
    _inspections(app, world)
    sheet = load_workbook(io.BytesIO(client_as("supervisor").get("/inspections.xlsx?sort=organization").data)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["北体育总会", "北体育总会", "南体育总会"]


def test_registry_and_ledger_headers_sort(app, world, client_as):
    _inspections(app, world)
    client = client_as("supervisor")
    names = re.findall(r">(北|南)体育总会</a>", client.get("/organizations?sort=-name").get_data(as_text=True))
    assert names == ["南", "北"]
    ledger = client.get("/rectifications?sort=-due_on").get_data(as_text=True)
    assert 'aria-sort="descending"' in ledger and "期限 ▼" in ledger


def test_the_print_view_holds_every_row_the_filters_select_without_navigation(app, world, client_as):
    _inspections(app, world)
    client = client_as("supervisor")
    page = client.get("/inspections?status=finalized").get_data(as_text=True)
    assert 'href="/inspections/print-view?status=finalized"' in page
    printed = client.get("/inspections/print-view?status=finalized&sort=inspected_on").get_data(as_text=True)
    assert "阳城县检查验收台账" in printed and "筛选：状态：已定稿" in printed and "共 2 条" in printed
    assert _dates(printed) == ["2026-03-01", "2026-05-01"]
    assert 'class="topbar"' not in printed and "sort=" not in printed.split("<table")[1]  # plain headers
    assert 'href="/inspections?status=finalized&amp;sort=inspected_on"' in printed  # back to the same list
    ledger = client.get("/rectifications/print-view?overdue=1").get_data(as_text=True)
    assert "阳城县整改台账" in ledger and "筛选：只看逾期" in ledger and "有经费" in ledger


def test_the_print_view_keeps_to_the_scope(app, world, client_as):
    _inspections(app, world)
    printed = client_as("clerk_b").get("/inspections/print-view").get_data(as_text=True)
    assert "没有符合条件的记录" in printed and "北体育总会" not in printed
