"""The ledger's Excel export: a small one answered at once, a large one written by a background
job with progress (the same rows, masked, within its creator's scope), and one past the limit
refused with the way out, never cut short."""
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from app.cases import exports
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import Job, JobStatus
from app.timeutil import local_now
from tests.cases.test_pages import registered, step, units_offered
from tests.factories import read_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _jobs_run_by_the_test(app, monkeypatch):
    """The test runs each job itself (jobs.run_job), not a thread of the app."""
    monkeypatch.setitem(app.config, "JOBS_IN_PROCESS", False)


def queued_job(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.fullmatch(r"/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def run(app, job_id: int) -> Job:
    with app.app_context():
        job = jobs.run_job(job_id)
        db.session.expunge(job)
        return job


def dispatched(client, app, unit: str, **fields) -> int:
    case_id = registered(client, **fields)
    step(client, app, case_id, "accept")
    units = units_offered(client.get(f"/cases/{case_id}").get_data(as_text=True).split("steps/dispatch")[1])
    assert step(client, app, case_id, "dispatch", unit_id=units[unit]).status_code == 303
    return case_id


def job_count(app) -> int:
    with app.app_context():
        return len(db.session.execute(select(Job.id)).all())


def test_a_large_export_is_a_job_whose_file_holds_what_the_direct_export_holds(app, client_as, monkeypatch):
    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor, content="体育馆周末不开放。", category="venue_opening")
    registered(supervisor, content="学校操场不向社会开放。", category="venue_opening", requester_name="李四",
               requester_phone="13900001111")
    direct = supervisor.get("/cases.xlsx?category=venue_opening&sort=number")
    assert direct.status_code == 200 and direct.mimetype == XLSX and job_count(app) == 0
    expected = read_xlsx(direct.data)

    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 1)
    job_id = queued_job(supervisor.get("/cases.xlsx?category=venue_opening&sort=number"))
    page = supervisor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "诉求件台账（分类：场馆开放，2 条）" in page and "排队中，共 2 行" in page

    job = run(app, job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2), job.error
    page = supervisor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "已完成 2 行" in page and "下载 Excel 表格" in page
    download = supervisor.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == XLSX
    disposition = unquote(download.headers["Content-Disposition"])
    assert "attachment" in disposition and f"诉求件台账-{local_now():%Y%m%d}.xlsx" in disposition

    rows = read_xlsx(download.data)
    assert rows == expected and len(rows) == 3
    assert rows[0][:5] == ("编号", "来源渠道", "办理类别", "平台工单号", "收件时间")
    assert [r[9] for r in rows[1:]] == ["体育馆周末不开放。", "学校操场不向社会开放。"]
    assert [(r[7], r[8]) for r in rows[1:]] == [("张*", "138****1234"), ("李*", "139****1111")]
    assert "13812341234" not in str(rows) and "李四" not in str(rows)


def test_a_clerks_export_job_holds_only_the_clerks_townships_cases(app, client_as, monkeypatch):
    supervisor, clerk = client_as("supervisor"), client_as("clerk")
    dispatched(supervisor, app, "凤城镇", content="凤城镇广场器材损坏。")
    dispatched(supervisor, app, "北留镇", content="北留镇球场灯坏了。")
    registered(supervisor, content="尚未派单的来电。")
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)

    job_id = queued_job(clerk.get("/cases.xlsx"))
    assert run(app, job_id).status == JobStatus.DONE
    rows = read_xlsx(clerk.get(f"/jobs/{job_id}/download").data)
    assert [r[9] for r in rows[1:]] == ["凤城镇广场器材损坏。"] and rows[1][11] == "凤城镇"
    # The county's own export of the same filters holds all three.
    county_job = queued_job(supervisor.get("/cases.xlsx"))
    assert run(app, county_job).total == 3
    # Another region's user cannot open the clerk's job, nor its file.
    other = client_as("clerk_b")
    assert other.get(f"/jobs/{job_id}").status_code == 404
    assert other.get(f"/jobs/{job_id}/download").status_code == 404


def test_a_small_export_answers_at_once(app, client_as, monkeypatch):
    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor)
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 2)
    response = supervisor.get("/cases.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert len(read_xlsx(response.data)) == 3 and job_count(app) == 0
    # The ledger's link opens the address itself: a large export's redirect must open, not be saved.
    link = re.search(r'<a href="/cases.xlsx"[^>]*>', supervisor.get("/cases").get_data(as_text=True)).group(0)
    assert " download" not in link


def test_an_export_past_the_limit_is_refused_with_the_way_out(app, client_as, monkeypatch):
    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor)
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 1)
    response = supervisor.get("/cases.xlsx?channel=hotline12345")
    assert response.status_code == 303 and response.headers["Location"] == "/cases?channel=hotline12345"
    page = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert "无法一次导出。请按月份或来源渠道筛选后分批导出" in page and job_count(app) == 0


def test_a_job_that_finds_too_many_rows_by_the_time_it_runs_fails_saying_why(app, client_as, monkeypatch):
    supervisor = client_as("supervisor")
    registered(supervisor)
    registered(supervisor)
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)
    job_id = queued_job(supervisor.get("/cases.xlsx"))
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 1)  # as if cases had come in since
    job = run(app, job_id)
    assert job.status == JobStatus.FAILED and job.error == exports.TOO_MANY and not job.result_path
    assert "请按月份或来源渠道筛选后分批导出" in supervisor.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_export_job_reports_its_progress_and_its_page_speaks_of_rows(app, client_as, monkeypatch):
    from app.auth.models import User
    from app.scoping import acting_as

    supervisor = client_as("supervisor")
    for _ in range(3):
        registered(supervisor)
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    job_id = queued_job(supervisor.get("/cases.xlsx"))
    seen = []
    with app.app_context():
        job = db.session.get(Job, job_id)
        with acting_as(db.session.get(User, job.created_by_id)):
            result = exports.run_export(job, lambda done, total: seen.append((done, total)))
        assert len(read_xlsx(result.path.read_bytes())) == 4
        # Every row read, the file being written: what the page says meanwhile.
        job.status, job.done, job.total = JobStatus.RUNNING, 3, 3
        db.session.commit()
    assert seen == [(0, 3), (2, 3), (3, 3)]
    fragment = supervisor.get(f"/jobs/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "已读取 3 行，正在写入 Excel 文件…" in fragment and "份" not in fragment
