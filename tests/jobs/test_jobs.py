"""The jobs mechanism: who a job runs as, its heartbeat, its file and how long it is kept."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import Job, JobStatus
from app.jobs.registry import JobResult, job_handler
from app.organizations.models import Organization
from app.timeutil import utcnow
from tests.factories import committed, make_org

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@job_handler("test_rename_organizations")
def rename_organizations(job, progress) -> JobResult:
    """Renames every organisation the job can see, and writes what it saw to a spreadsheet."""
    organizations = db.session.execute(select(Organization).order_by(Organization.id)).scalars().all()
    for done, org in enumerate(organizations, start=1):
        org.name += "（已核对）"
        progress(done, len(organizations))
    db.session.flush()
    path = jobs.result_path(job, ".xlsx")
    path.write_bytes(b"PK fake workbook")
    return JobResult(path, "核对结果.xlsx", XLSX)


@job_handler("test_slow")
def slow(job, progress) -> JobResult:
    """Does nothing for a while without reporting progress: only the heartbeat speaks for it."""
    time.sleep(job.params["seconds"])
    path = jobs.result_path(job, ".pdf")
    path.write_bytes(b"%PDF-1.7")
    return JobResult(path, "slow.pdf", "application/pdf")


def queue(app, kind: str, username: str, **params) -> int:
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        job = jobs.create_job(kind=kind, title="测试任务", params=params, user=user)
        db.session.commit()
        return job.id


def job_row(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_a_job_runs_with_its_creators_scope_and_name(app, world):
    mine = committed(app, make_org, world.town_a1, name="凤城镇体育总会")
    other = committed(app, make_org, world.town_b1, name="南村镇体育总会")
    job_id = queue(app, "test_rename_organizations", "clerk")
    with app.app_context():
        assert jobs.run_job(job_id).status == JobStatus.DONE
        names = {o.id: o.name for o in db.session.execute(select(Organization)).scalars()}
        assert names == {mine: "凤城镇体育总会（已核对）", other: "南村镇体育总会"}
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.record_type == "organizations", AuditEntry.action == "update")
        ).scalar_one()
        assert (entry.username, entry.user_id, entry.record_id) == ("clerk", world.users["clerk"], str(mine))


def test_a_job_carries_the_type_of_its_file(app, world, clerk_client):
    committed(app, make_org, world.town_a1)
    job_id = queue(app, "test_rename_organizations", "clerk")
    with app.app_context():
        jobs.run_job(job_id)
    assert "下载 Excel 表格" in clerk_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    download = clerk_client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == XLSX


def test_a_running_job_is_kept_alive_by_its_heartbeat(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0.5)
    job_id = queue(app, "test_slow", "supervisor", seconds=1.5)
    failed_meanwhile = []

    def sweep():  # another process looking for abandoned jobs all along
        with app.app_context():
            for _ in range(12):
                time.sleep(0.1)
                failed_meanwhile.append(jobs.fail_abandoned_jobs())
                db.session.remove()

    with app.app_context():
        sweeper = threading.Thread(target=sweep)
        sweeper.start()
        jobs.run_job(job_id)
        sweeper.join()
    job = job_row(app, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert sum(failed_meanwhile) == 0 and len(failed_meanwhile) == 12


def test_a_job_whose_heartbeat_stopped_is_failed(app, world):
    job_id = queue(app, "test_slow", "supervisor", seconds=0)
    with app.app_context():
        job = db.session.get(Job, job_id)
        long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
        job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, long_ago, long_ago
        db.session.commit()
        assert jobs.fail_abandoned_jobs() == 1
    job = job_row(app, job_id)
    assert job.status == JobStatus.FAILED and "中断" in job.error


def test_finished_jobs_files_are_cleaned_after_the_retention_time(app, world, supervisor_client):
    job_id = queue(app, "test_slow", "supervisor", seconds=0)
    fresh_id = queue(app, "test_slow", "supervisor", seconds=0)
    with app.app_context():
        jobs.run_job(job_id)
        jobs.run_job(fresh_id)
        old = db.session.get(Job, job_id)
        path = app.instance_path + "/" + old.result_path
        old.finished_at = utcnow() - timedelta(hours=app.config["JOB_RESULT_HOURS"] + 1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["clean-jobs"])
    assert "已清理 1 个" in result.output
    assert job_row(app, job_id).status == JobStatus.EXPIRED and job_row(app, fresh_id).status == JobStatus.DONE
    import os

    assert not os.path.exists(path)
    assert "已超过保存期限" in supervisor_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert supervisor_client.get(f"/jobs/{job_id}/download").status_code == 404
    assert supervisor_client.get(f"/jobs/{fresh_id}/download").status_code == 200


def test_an_unknown_kind_is_refused(app, world):
    with pytest.raises(ValueError):
        queue(app, "no_such_kind", "clerk")


def test_a_kind_cannot_be_registered_twice():
    with pytest.raises(ValueError):
        job_handler("test_slow")(lambda job, progress: None)


@job_handler("test_late")
def finishes_after_being_swept(job, progress) -> JobResult:
    """Meanwhile another process declares the job abandoned (its heartbeat looked stopped)."""
    with db.engine.begin() as connection:
        connection.execute(db.update(Job).where(Job.id == job.id).values(status=JobStatus.FAILED, error="处理中断"))
    path = jobs.result_path(job, ".pdf")
    path.write_bytes(b"%PDF-1.7")
    return JobResult(path, "late.pdf", "application/pdf")


def test_a_job_failed_as_abandoned_is_not_marked_done_when_it_finishes_late(app, world):
    """The sweeper and a slow worker race: the sweeper's verdict stands."""
    job_id = queue(app, "test_late", "clerk")
    with app.app_context():
        jobs.run_job(job_id)
    job = job_row(app, job_id)
    assert job.status == JobStatus.FAILED and job.error == "处理中断"


@pytest.mark.parametrize(("kind", "queued", "finishing"), [
    ("inspection_sheets", "排队中，共 3 份", "已排版 3 份，正在合成 PDF 文件…"),
    ("case_ledger_xlsx", "排队中，共 3 行", "已读取 3 行，正在写入 Excel 文件…"),
    ("test_slow", "排队中，共 3 项", "已处理 3 项，正在生成文件…"),  # a kind that names no words of its own
])
def test_a_jobs_page_counts_in_the_words_of_its_kind(app, world, supervisor_client, monkeypatch, kind, queued,
                                                      finishing):
    monkeypatch.setitem(app.config, "JOBS_IN_PROCESS", False)  # the page would start the queued job
    with app.app_context():
        user = db.session.get(User, world.users["supervisor"])
        job_id = jobs.create_job(kind=kind, title="测试任务", params={}, user=user, total=3).id
        db.session.commit()
    assert queued in supervisor_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    with app.app_context():
        job = db.session.get(Job, job_id)
        job.status, job.done = JobStatus.RUNNING, 3
        db.session.commit()
    assert finishing in supervisor_client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
