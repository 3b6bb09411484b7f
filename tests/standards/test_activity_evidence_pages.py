"""Activities as the evidence of 有活动 through HTTP: offered on the inspection page, ticked and
saved with the page (JavaScript off) or at once through htmx (that item's list swapped), shown
once signed, printed on the sheet; scope, role and login as for the rest of the inspection."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.activities.evidence import attach_activity
from app.activities.models import Activity, ActivityEvidence, ActivityStatus
from app.extensions import db
from app.standards import inspections
from app.standards.models import Inspection
from tests.factories import make_activity_row, make_inspection, make_org, user
from tests.pdf.conftest import pdf_pages, pdf_text, save_pdf

HTMX = {"HX-Request": "true"}


@pytest.fixture
def case(app, world):
    """A draft 验收 of 凤城镇体育总会 (2026-06-15), three activities of its year and one of another
    township: ids by name."""
    with app.app_context():
        org = make_org(world.town_a1)
        inspection = make_inspection(org, inspected_on=date(2026, 6, 15))
        ids = {"inspection": inspection.id, "org": org.id,
               "row": next(r.id for r in inspection.results if r.item.title == "有活动"),
               "funding_row": next(r.id for r in inspection.results if r.item.title == "有经费"),
               "dance": make_activity_row(org, title="广场舞展演", starts_on=date(2026, 5, 1)).id,
               "walk": make_activity_row(org, title="全民健身日徒步", starts_on=date(2025, 8, 8), actual_participants=None,
                                     expected_participants=300, status=ActivityStatus.APPROVED).id,
               "league": make_activity_row(org, title="乒乓球联赛", starts_on=date(2026, 3, 20)).id,
               "elsewhere": make_activity_row(make_org(world.town_a2), title="北留镇篮球赛", starts_on=date(2026, 4, 1)).id}
        make_activity_row(org, title="已取消的比赛", starts_on=date(2026, 4, 1), status=ActivityStatus.CANCELLED)
        db.session.commit()
        return ids


def _attached(app, case) -> list[int]:
    with app.app_context():
        return sorted(db.session.execute(
            select(ActivityEvidence.activity_id).where(ActivityEvidence.result_id == case["row"])).scalars())


def _version(app, case) -> int:
    with app.app_context():
        return db.session.get(Inspection, case["inspection"]).row_version


def _page_form(html: str) -> dict:
    """What the page's results form posts as it stands (inputs, ticked boxes, chosen radios)."""
    form = html[html.index('<form method="post" action="/inspections/'):]
    form = form[:form.index("</form>")]
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("checkbox", "radio", "file") and " checked" not in tag):
            continue
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [text.strip()]
    return data


def test_the_page_offers_the_years_activities_under_the_item(client_as, case):
    html = client_as("supervisor").get(f"/inspections/{case['inspection']}").get_data(as_text=True)
    block = html[html.index(f'id="activities-{case["row"]}"'):]
    block = block[:block.index("</fieldset>")]
    assert "2025-06-16 至 2026-06-15" in block
    for title in ("全民健身日徒步", "乒乓球联赛", "广场舞展演"):
        assert title in block
    assert block.index("全民健身日徒步") < block.index("乒乓球联赛") < block.index("广场舞展演")  # oldest first
    assert "已取消的比赛" not in block and "北留镇篮球赛" not in block
    assert "展演，2026-05-01，参与120人，已上报" in block and "预计300人，报备已同意" in block
    assert f'name="activities_{case["row"]}" value="{case["dance"]}"' in block and " checked" not in block
    assert html.count("activity-evidence") == 1  # only the 有活动 item


def test_ticked_boxes_are_saved_with_the_page_without_javascript(app, client_as, case):
    supervisor = client_as("supervisor")
    url = f"/inspections/{case['inspection']}"
    data = _page_form(supervisor.get(url).get_data(as_text=True))
    data[f"activities_{case['row']}"] = [str(case["dance"]), str(case["walk"])]
    data[f"note_{case['row']}"] = ["全年开展活动 6 次"]
    assert supervisor.post(url, data=data).status_code == 303
    assert _attached(app, case) == sorted([case["dance"], case["walk"]])
    html = supervisor.get(url).get_data(as_text=True)
    assert f'value="{case["dance"]}" checked' in html and f'value="{case["league"]}" checked' not in html

    data = _page_form(html)  # unticking one is saved the same way
    data[f"activities_{case['row']}"] = [str(case["walk"])]
    assert supervisor.post(url, data=data).status_code == 303
    assert _attached(app, case) == [case["walk"]]


def test_a_form_without_the_items_list_leaves_the_evidence_alone(app, client_as, case):
    supervisor = client_as("supervisor")
    url = f"/inspections/{case['inspection']}"
    data = _page_form(supervisor.get(url).get_data(as_text=True))
    data[f"activities_{case['row']}"] = [str(case["dance"])]
    assert supervisor.post(url, data=data).status_code == 303
    del data["activity_items"], data[f"activities_{case['row']}"]
    data["row_version"] = [str(_version(app, case))]
    assert supervisor.post(url, data=data).status_code == 303
    assert _attached(app, case) == [case["dance"]]


def test_another_organisations_activity_is_refused_at_the_item_and_nothing_typed_is_lost(app, client_as, case):
    supervisor = client_as("supervisor")
    url = f"/inspections/{case['inspection']}"
    data = _page_form(supervisor.get(url).get_data(as_text=True))
    data[f"activities_{case['row']}"] = [str(case["dance"]), str(case["elsewhere"])]
    data["summary"] = ["总体情况良好"]
    response = supervisor.post(url, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "只能选择被检查组织自己的活动。" in html and "总体情况良好" in html
    assert _attached(app, case) == []


def test_htmx_saves_a_tick_at_once_and_swaps_only_that_item(app, client_as, case):
    supervisor = client_as("supervisor")
    url = f"/inspections/{case['inspection']}"
    page = _page_form(supervisor.get(url).get_data(as_text=True))
    opened = _version(app, case)
    response = supervisor.post(f"{url}/items/{case['row']}/activities", headers=HTMX,
                               data={"row_version": opened, f"activities_{case['row']}": [case["league"]]})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<fieldset class="activity-evidence" id="activities-{case["row"]}"')
    assert "<html" not in html and f'value="{case["league"]}" checked' in html
    assert _attached(app, case) == [case["league"]]
    # The page's row version moves on with it, so the page's next 保存 is not taken for someone else's.
    assert _version(app, case) == opened + 1
    assert re.search(rf'<input[^>]*hx-swap-oob="true"[^>]*value="{opened + 1}"', html)
    page["row_version"] = [str(opened + 1)]
    page[f"activities_{case['row']}"] = [str(case["league"])]
    assert supervisor.post(url, data=page).status_code == 303


def test_htmx_refusals_answer_with_the_item_alone(app, client_as, case):
    supervisor = client_as("supervisor")
    address = f"/inspections/{case['inspection']}/items/{case['row']}/activities"
    opened = _version(app, case)
    forged = supervisor.post(address, headers=HTMX, data={"row_version": opened,
                                                          f"activities_{case['row']}": [case["elsewhere"]]})
    assert forged.status_code == 422
    assert "只能选择被检查组织自己的活动。" in forged.get_data(as_text=True)
    stale = supervisor.post(address, headers=HTMX, data={"row_version": opened - 1,
                                                         f"activities_{case['row']}": [case["dance"]]})
    assert stale.status_code == 409 and "其他人修改了这条记录" in stale.get_data(as_text=True)
    assert _attached(app, case) == []


def test_the_items_address_without_htmx_redirects_back_to_the_page(app, client_as, case):
    response = client_as("supervisor").post(
        f"/inspections/{case['inspection']}/items/{case['row']}/activities",
        data={"row_version": _version(app, case), f"activities_{case['row']}": [case["dance"]]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/inspections/{case['inspection']}#item-{case['row']}")
    assert _attached(app, case) == [case["dance"]]


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("clerk", 403), ("clerk_b", 404),
                                                  ("supervisor_b", 404)])
def test_the_items_address_keeps_scope_and_role(app, client_as, case, username, status):
    response = client_as(username).post(f"/inspections/{case['inspection']}/items/{case['row']}/activities",
                                        headers=HTMX, data={f"activities_{case['row']}": [case["dance"]]})
    assert response.status_code == status
    assert _attached(app, case) == []


def test_only_an_item_about_activities_has_the_address(client_as, case):
    supervisor = client_as("supervisor")
    assert supervisor.post(f"/inspections/{case['inspection']}/items/{case['funding_row']}/activities",
                           headers=HTMX, data={}).status_code == 404
    assert supervisor.post(f"/inspections/{case['inspection'] + 1}/items/{case['row']}/activities",
                           headers=HTMX, data={}).status_code == 404


def test_login_required(client, case):
    response = client.post(f"/inspections/{case['inspection']}/items/{case['row']}/activities")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _sign(app, case, *activity_names):
    """Attach the named activities to 有活动 and sign the inspection."""
    with app.app_context():
        inspection = db.session.get(Inspection, case["inspection"])
        row = next(r for r in inspection.results if r.id == case["row"])
        for name in activity_names:
            attach_activity(row, db.session.get(Activity, case[name]), user("supervisor"))
        inspections.finalize(inspection, user("supervisor"), signed_by="李建国", signed_on=date(2026, 6, 16))
        db.session.commit()


def test_a_signed_inspection_shows_its_activities_and_offers_none(app, client_as, case):
    _sign(app, case, "dance", "walk")
    html = client_as("clerk").get(f"/inspections/{case['inspection']}").get_data(as_text=True)
    assert "activity-evidence" not in html and "乒乓球联赛" not in html
    assert "全民健身日徒步" in html and "广场舞展演" in html and "参与120人" in html
    # Loaded with the results in one join: two activities do not make the item's row twice.
    assert html.count("全民健身日徒步") == html.count("广场舞展演") == 1
    assert client_as("supervisor").post(f"/inspections/{case['inspection']}/items/{case['row']}/activities",
                                        headers=HTMX, data={}).status_code == 403


def test_the_sheet_prints_the_evidence_in_one_line_under_the_item(app, client_as, case, tmp_path):
    supervisor = client_as("supervisor")
    _sign(app, case, "dance", "walk", "league")
    path = save_pdf(supervisor.get(f"/inspections/{case['inspection']}/sheet.pdf").data, tmp_path)
    text = pdf_text(path)
    assert "佐证：全民健身日徒步（2025-08-08，预计300人）、乒乓球联赛（2026-03-20，参与120人）等3项活动" in text
    assert text.index("有活动") < text.index("佐证：全民健身日徒步")
    assert pdf_pages(path) == 1
