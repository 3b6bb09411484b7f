"""The case desk's paper: the 交办单 and the 回复单 read back with pdftotext and pdffonts, the
requester masked, the verification code leading to public facts only."""
import subprocess

import pytest

from tests.cases.test_pages import registered, step, units_offered
from tests.pdf.conftest import assert_one_embedded_cjk_face, pdf_pages, pdf_text, save_pdf


@pytest.fixture
def answered(app, client_as):
    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    case_id = registered(supervisor)
    step(supervisor, app, case_id, "accept")
    units = units_offered(supervisor.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    step(supervisor, app, case_id, "dispatch", unit_id=units["凤城镇"], text="请核实器材损坏情况，3日内回复。")
    step(clerk, app, case_id, "sign_for")
    step(clerk, app, case_id, "reply", result="已解决", text="已于当日更换扭腰器一台，经诉求人确认已解决。")
    return case_id


def test_the_assignment_sheet(client_as, answered, tmp_path):
    response = client_as("clerk").get(f"/cases/{answered}/assignment.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    path = save_pdf(response.data, tmp_path)
    text = pdf_text(path).replace(" ", "")
    for expected in ("阳城县诉求件交办单", "阳城体诉〔2026〕0001号", "12345热线（一般）", "2026年9月30日16:20", "张*",
                     "138****1234", "凤城镇文化广场健身器材损坏", "承办单位凤城镇", "办结答复：2026年10月13日",
                     "请核实器材损坏情况", "承办单位签收人（签字）", "交办单位（盖章）", "核验码"):
        assert expected in text, expected
    assert "张三" not in text and "13812341234" not in text
    assert pdf_pages(path) == 1
    assert_one_embedded_cjk_face(path)


def test_the_reply_sheet(client_as, answered, tmp_path):
    path = save_pdf(client_as("supervisor").get(f"/cases/{answered}/reply.pdf").data, tmp_path)
    text = pdf_text(path).replace(" ", "")
    for expected in ("诉求件办理情况回复单", "阳城体诉〔2026〕0001号", "√已解决", "已于当日更换扭腰器一台",
                     "承办人（签字）", "单位负责人（签字）", "承办单位（盖章）"):
        assert expected in text, expected
    assert "张三" not in text
    assert pdf_pages(path) == 1
    assert_one_embedded_cjk_face(path)


def test_paper_is_for_dispatched_cases_in_scope(app, client_as, answered):
    undispatched = registered(client_as("supervisor"))
    assert client_as("supervisor").get(f"/cases/{undispatched}/assignment.pdf").status_code == 404
    for username in ("clerk_b", "clerk_a2", "supervisor_b"):
        assert client_as(username).get(f"/cases/{answered}/assignment.pdf").status_code == 404
        assert client_as(username).get(f"/cases/{answered}/reply.pdf").status_code == 404


def test_the_code_on_the_paper_shows_public_facts_only(app, client, client_as, answered):
    from app.cases.models import Case
    from app.extensions import db

    with app.app_context():
        code = db.session.get(Case, answered).verification_code
    page = client.get(f"/v/{code}").get_data(as_text=True)
    assert "阳城体诉〔2026〕0001号" in page and "凤城镇" in page and "12345热线" in page
    for private in ("张", "138", "健身器材损坏"):
        assert private not in page.split("<main")[1]
    # A user in whose region the case lies is taken to it.
    assert client_as("clerk").get(f"/v/{code}").headers["Location"].endswith(f"/cases/{answered}")


def test_a_petitions_letters_follow_its_steps(app, client_as, tmp_path):
    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    case_id = registered(supervisor, channel="来信", received_at="2026-11-02T09:00")
    assert client_as("supervisor").get(f"/cases/{case_id}/letters/accept_notice.pdf").status_code == 404  # not yet
    step(supervisor, app, case_id, "accept")
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "打印信访事项受理告知书" in page and "处理意见书" not in page
    text = pdf_text(save_pdf(supervisor.get(f"/cases/{case_id}/letters/accept_notice.pdf").data, tmp_path, "a.pdf"))
    for expected in ("信访事项受理告知书", "张*：", "2026年11月2日通过来信提出", "第二十三条", "六十日内", "阳城县（盖章）"):
        assert expected in text.replace(" ", ""), expected
    units = units_offered(supervisor.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    step(supervisor, app, case_id, "dispatch", unit_id=units["凤城镇"])
    step(clerk, app, case_id, "sign_for")
    step(clerk, app, case_id, "reply", result="已解释说明", text="经核实，该器材已列入更换计划，预计12月底前更换。")
    text = pdf_text(save_pdf(supervisor.get(f"/cases/{case_id}/letters/opinion.pdf").data, tmp_path, "o.pdf"))
    for expected in ("信访事项处理意见书", "经凤城镇调查核实", "预计12月底前更换", "三十日内", "请求复查"):
        assert expected in text.replace(" ", ""), expected
    assert client_as("supervisor").get(f"/cases/{case_id}/letters/proposal_reply.pdf").status_code == 404


def test_a_rejected_petition_gets_its_notice_with_the_reason(app, client_as, tmp_path):
    supervisor = client_as("supervisor")
    case_id = registered(supervisor, channel="来访", received_at="2026-11-02T09:00")
    step(supervisor, app, case_id, "reject", text="该事项已由人民法院受理，依法不予受理。")
    text = pdf_text(save_pdf(supervisor.get(f"/cases/{case_id}/letters/reject_notice.pdf").data, tmp_path))
    assert "信访事项不予受理告知书" in text.replace(" ", "") and "已由人民法院受理" in text


def test_the_monthly_ledger_prints_landscape_with_its_totals(app, client_as, tmp_path):
    from tests.pdf.conftest import pdf_fonts

    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor, channel="来信", received_at="2026-09-12T10:00", content="体育馆周末不开放。")
    registered(supervisor, received_at="2026-10-02T10:00", content="十月的来电。")
    assert 'href="/cases/ledger.pdf"' in supervisor.get("/cases").get_data(as_text=True)
    response = supervisor.get("/cases/ledger.pdf?month=2026-09")
    assert response.status_code == 200
    path = save_pdf(response.data, tmp_path)
    text = pdf_text(path).replace(" ", "")
    for expected in ("阳城县诉求件台账（2026年9月）", "收件月份：2026-09", "共2件", "12345热线", "来信", "合计",
                     "阳城体诉〔2026〕0001号", "体育馆周末不开放", "张*"):
        assert expected in text, expected
    assert "十月的来电" not in text and "张三" not in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info  # A4, landscape: wider than high
    assert len(pdf_fonts(path)) == 1
