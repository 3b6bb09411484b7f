"""Each action on the inspection and rectification pages has its own address, its own form,
one service call and one commit; a refused action writes nothing and shows what was typed."""
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from app.standards.models import Inspection, InspectionKind, InspectionStatus, ItemResult, RectificationStatus
from tests.factories import make_inspection, make_org


@pytest.fixture
def draft(app, world):
    """A self-check draft: the kind that is handed in (提交) before the county signs it."""
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1), InspectionKind.SELF_CHECK)
        db.session.commit()
        return inspection.id, [r.id for r in inspection.results]


@pytest.fixture
def acceptance(app, world):
    """A 验收 draft: the county fills it in and signs it (定稿签字) directly."""
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1))
        db.session.commit()
        return inspection.id, [r.id for r in inspection.results]


@contextmanager
def counting_commits(app):
    """Commits made by the app's session while the block runs."""
    commits = []
    with app.app_context():
        session_class = db.session.session_factory.class_
    listener = lambda session: commits.append(session)  # noqa: E731
    event.listen(session_class, "after_commit", listener)
    try:
        yield commits
    finally:
        event.remove(session_class, "after_commit", listener)


def _result_ids(app, inspection_id) -> list[int]:
    with app.app_context():
        return [r.id for r in db.session.get(Inspection, inspection_id).results]


def _answers(result_ids, first=None) -> dict:
    data = {"inspected_on": "2026-05-10", "inspectors": "李建国", "summary": "总体良好"}
    for n, rid in enumerate(result_ids):
        data[f"result_{rid}"] = first if (n == 0 and first is not None) else "pass"
        data[f"note_{rid}"] = f"第{n + 1}项"
    return data


def test_submitting_saves_and_submits_in_one_commit(app, client_as, draft):
    inspection_id, result_ids = draft
    supervisor = client_as("supervisor")
    with counting_commits(app) as commits:
        response = supervisor.post(f"/inspections/{inspection_id}/submit", data=_answers(result_ids))
    assert response.status_code == 303
    assert len(commits) == 1
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert inspection.status == InspectionStatus.SUBMITTED and inspection.summary == "总体良好"


def test_a_refused_submit_writes_nothing_and_keeps_what_was_typed(app, client_as, draft):
    inspection_id, result_ids = draft
    data = _answers(result_ids, first="")  # the first item left without a result
    supervisor = client_as("supervisor")
    with counting_commits(app) as commits:
        response = supervisor.post(f"/inspections/{inspection_id}/submit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert commits == []
    assert "还有未填写结果的项目" in html and "总体良好" in html and "第2项" in html
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert inspection.status == InspectionStatus.DRAFT and inspection.summary == ""


def test_saving_no_longer_submits_whatever_the_button_says(app, client_as, draft):
    inspection_id, result_ids = draft
    response = client_as("supervisor").post(f"/inspections/{inspection_id}",
                                            data={**_answers(result_ids), "action": "submit"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).status == InspectionStatus.DRAFT


def test_the_page_posts_each_action_to_its_own_address(app, client_as, draft, acceptance):
    inspection_id, _ = draft
    html = client_as("clerk").get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert f'action="/inspections/{inspection_id}"' in html
    assert f'formaction="/inspections/{inspection_id}/submit"' in html
    assert 'name="action"' not in html
    county_check, _ = acceptance
    html = client_as("supervisor").get(f"/inspections/{county_check}").get_data(as_text=True)
    assert f'formaction="/inspections/{county_check}/finalize"' in html
    assert f'formaction="/inspections/{county_check}/submit"' not in html  # signed, not handed in to nobody


def test_a_refused_finalize_writes_nothing(app, client_as, acceptance):
    inspection_id, result_ids = acceptance
    data = {**_answers(result_ids, first=""), "with_results": "1", "signed_by": "李建国",
            "signed_on": "2026-05-12", "confirm": "y"}
    supervisor = client_as("supervisor")
    with counting_commits(app) as commits:
        response = supervisor.post(f"/inspections/{inspection_id}/finalize", data=data)
    assert response.status_code == 422 and commits == []
    assert "还有未填写结果的项目" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).inspectors == "李建国、张伟"  # unchanged


def test_closing_and_sending_back_a_rectification_are_two_addresses(app, client_as, world):
    from app.standards import rectifications
    from tests.factories import user

    with app.app_context():
        rect = make_inspection(make_org(world.town_a1), results={"有经费": ItemResult.FAIL}, finalize=True).rectifications[0]
        rectifications.submit_rectification(rect, user("clerk"), "已列入预算")
        db.session.commit()
        rect_id = rect.id
    supervisor = client_as("supervisor")
    refused = supervisor.post(f"/rectifications/{rect_id}/send-back", data={"note": ""})
    assert refused.status_code == 422 and "退回时请写明原因" in refused.get_data(as_text=True)
    assert supervisor.post(f"/rectifications/{rect_id}/send-back", data={"note": "缺少批复"}).status_code == 303
    with app.app_context():
        from app.standards.models import Rectification

        assert db.session.get(Rectification, rect_id).status == RectificationStatus.OPEN
    assert "已退回：缺少批复" in client_as("clerk").get("/").get_data(as_text=True)  # marked on 我的待办


@pytest.mark.parametrize("query", ["kind=nonsense&status=draft", "verdict=%27%3B--&kind=", "status=submitted&kind=self_check"])
def test_list_filters_ignore_unknown_choices(client_as, draft, query):
    response = client_as("supervisor").get(f"/inspections?{query}")
    assert response.status_code == 200


def test_inspection_filters_select_what_they_say(app, client_as, world):
    with app.app_context():
        make_inspection(make_org(world.town_a1, name="甲镇体育总会"), finalize=True)
        make_inspection(make_org(world.town_a2, name="乙镇体育总会"))
        db.session.commit()
    supervisor = client_as("supervisor")
    finalized = supervisor.get("/inspections?status=finalized").get_data(as_text=True)
    assert "甲镇体育总会" in finalized and "乙镇体育总会" not in finalized
    everything = supervisor.get("/inspections?status=bogus").get_data(as_text=True)
    assert "甲镇体育总会" in everything and "乙镇体育总会" in everything
    assert re.search(r'<option selected value="finalized">|<option value="finalized" selected>', finalized)


@pytest.mark.parametrize("path, section", [
    ("/inspections/self-checks", "检查验收"), ("/inspections/print", "检查验收"), ("/rectifications", "整改台账"),
    ("/standards", "标准"), ("/regions", "行政区划"), ("/users", "用户管理"), ("/", "我的待办"),
])
def test_navigation_knows_its_section(admin_client, path, section):
    html = admin_client.get(path).get_data(as_text=True)
    current = re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)
    assert current == [section]


def test_a_return_needs_a_reason_which_the_township_reads(app, client_as, world):
    from app.standards import inspections
    from tests.factories import user

    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1), InspectionKind.SELF_CHECK)
        inspections.submit(inspection, user("clerk"))
        db.session.commit()
        inspection_id = inspection.id
    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    refused = supervisor.post(f"/inspections/{inspection_id}/return", data={"reason": " "})
    assert refused.status_code == 422 and "退回时请写明原因" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).status == InspectionStatus.SUBMITTED
    assert supervisor.post(f"/inspections/{inspection_id}/return",
                           data={"reason": "有活动一项缺少照片"}).status_code == 303
    page = clerk.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "已退回修改：" in page and "有活动一项缺少照片" in page
    assert "已退回：有活动一项缺少照片" in clerk.get("/").get_data(as_text=True)
    assert supervisor.post(f"/inspections/{inspection_id}/submit", data=_answers(
        [r for r in _result_ids(app, inspection_id)])).status_code == 303
    page = supervisor.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "已退回修改：" not in page  # answered by the new submission
    history = page.split("修改记录", 1)[1]
    assert "有活动一项缺少照片" in history  # the history keeps why it was returned


def test_one_open_self_check_per_organisation_and_year(app, client_as, draft):
    inspection_id, _ = draft
    with app.app_context():
        org_id = db.session.get(Inspection, inspection_id).organization_id
    response = client_as("clerk").post(f"/organizations/{org_id}/inspections/new",
                                       data={"kind": "self_check", "inspected_on": "2026-08-01"})
    assert response.status_code == 422 and "已有一份未定稿的自查" in response.get_data(as_text=True)


def test_a_recheck_carries_over_what_passed_and_asks_again_what_failed(app, world):
    from app.standards import inspections
    from tests.factories import user

    with app.app_context():
        original = make_inspection(make_org(world.town_a1), results={"有经费": ItemResult.FAIL}, finalize=True)
        recheck = inspections.start_recheck(original, user=user("supervisor"), inspected_on=original.signed_on)
        by_title = {r.item.title: r for r in recheck.results}
        assert by_title["有经费"].result is None and by_title["有经费"].note == ""
        assert by_title["有场地"].result == ItemResult.PASS and by_title["有场地"].note == "有场地检查说明"


def test_the_signer_defaults_to_the_logged_in_user(client_as, acceptance):
    inspection_id, _ = acceptance
    html = client_as("supervisor").get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="signed_by"[^>]*value="测试supervisor"', html)


def test_the_lists_export_what_their_filters_select(app, client_as, world):
    import io

    from openpyxl import load_workbook

    with app.app_context():
        make_inspection(make_org(world.town_a1, name="甲镇体育总会"), results={"有经费": ItemResult.FAIL}, finalize=True)
        make_inspection(make_org(world.town_a2, name="乙镇体育总会"))
        db.session.commit()
    supervisor = client_as("supervisor")
    page = supervisor.get("/inspections?status=finalized").get_data(as_text=True)
    assert 'href="/inspections.xlsx?status=finalized"' in page
    sheet = load_workbook(io.BytesIO(supervisor.get("/inspections.xlsx?status=finalized").data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["甲镇体育总会"]
    ledger = load_workbook(io.BytesIO(supervisor.get("/rectifications.xlsx?status=open").data)).active
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[6]) for r in rows] == [("甲镇体育总会", "有经费", "整改中")]
    assert client_as("clerk_b").get("/rectifications.xlsx").status_code == 200  # scoped: its own, none here
    other = load_workbook(io.BytesIO(client_as("clerk_b").get("/rectifications.xlsx").data)).active
    assert list(other.iter_rows(min_row=2, values_only=True)) == []


def test_a_submit_refused_for_missing_results_marks_the_rows_to_answer(client_as, draft):
    inspection_id, result_ids = draft
    response = client_as("clerk").post(f"/inspections/{inspection_id}/submit", data=_answers(result_ids, first=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<tr id="item-{result_ids[0]}" class="unanswered">' in html
    assert f'<tr id="item-{result_ids[1]}">' in html
