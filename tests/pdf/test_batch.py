"""Batch printing: a background job with progress, every finalized inspection in one PDF."""
import time
from datetime import date

import pytest

from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import Job, JobStatus
from app.standards.models import ItemResult
from tests.factories import make_inspection, make_org
from tests.pdf.conftest import pdf_pages, pdf_text, save_pdf


@pytest.fixture
def county(app, world):
    """Three finalized checks in 阳城县 (two townships), a draft there, and one check in 泽州县, all in March."""
    march = date(2026, 3, 5)
    with app.app_context():
        names = {}
        for region, name in [(world.town_a1, "凤城镇体育总会"), (world.town_a2, "北留镇体育总会"),
                             (world.town_a1, "凤城镇老年人体育协会")]:
            results = {"有经费": ItemResult.FAIL} if "北留" in name else {}
            inspection = make_inspection(make_org(region, name=name), results=results, inspected_on=march, finalize=True)
            names[inspection.id] = name
        draft = make_inspection(make_org(world.town_a2, name="北留镇篮球协会"), inspected_on=march)
        other = make_inspection(make_org(world.town_b1, name="南村镇体育总会"), inspected_on=march, finalize=True)
        db.session.commit()
        return {"names": names, "draft": draft.id, "other": other.id}


def post_batch(client, **form):
    return client.post("/inspections/print", data=form)


def job_row(app, job_id) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_batch_job_renders_every_finalized_inspection_of_the_county(app, supervisor_client, county, tmp_path):
    response = post_batch(supervisor_client)
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = job_row(app, job_id)
    assert job.status == JobStatus.QUEUED and job.total == 3
    assert sorted(job.params["inspection_ids"]) == sorted(county["names"])

    page = supervisor_client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert "排队中" in page.get_data(as_text=True) and "刷新" in page.get_data(as_text=True)

    with app.app_context():
        jobs.run_job(job_id)
    job = job_row(app, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert job.done == job.total == 3

    html = supervisor_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "下载 PDF" in html and "hx-trigger" not in html
    download = supervisor_client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("inline")
    path = save_pdf(download.data, tmp_path)
    text = pdf_text(path)
    for name in county["names"].values():
        assert name in text
    assert "北留镇篮球协会" not in text and "南村镇体育总会" not in text  # draft, other county
    assert "草稿" not in text
    assert pdf_pages(path) == 3
    assert text.count("第1页共1页") == 3  # each sheet numbers its own pages


def test_batch_with_filters(app, supervisor_client, county, world):
    response = post_batch(supervisor_client, region_id=str(world.town_a1.id), kind="acceptance",
                          date_from="2026-03-01", date_to="2026-03-31")
    assert response.status_code == 303
    job_id = int(response.headers["Location"].split("/")[-1])
    ids = job_row(app, job_id).params["inspection_ids"]
    assert sorted(county["names"][i] for i in ids) == ["凤城镇体育总会", "凤城镇老年人体育协会"]


def test_batch_with_nothing_to_print_errors_at_the_field(supervisor_client, county):
    response = post_batch(supervisor_client, date_from="2020-01-01", date_to="2020-12-31")
    assert response.status_code == 422
    assert "没有符合条件的已定稿检查" in response.get_data(as_text=True)


def test_batch_dates_must_be_in_order(supervisor_client, county):
    response = post_batch(supervisor_client, date_from="2026-04-01", date_to="2026-03-01")
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)


def test_batch_of_a_region_out_of_scope_is_refused(client_as, county, world):
    response = post_batch(client_as("clerk"), region_id=str(world.town_b1.id))
    assert response.status_code in (404, 422)  # not even offered as a choice
    with client_as("clerk").application.app_context():
        assert db.session.execute(db.select(Job)).first() is None


def test_batch_form_page(supervisor_client, county):
    response = supervisor_client.get("/inspections/print")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "批量打印检查表" in page and "凤城镇" in page and "南村镇" not in page


def test_read_only_viewer_may_print_a_batch_of_its_city(app, viewer_client, world, county):
    # Printing changes no record, so the city viewer may do it; the job is the viewer's own.
    response = post_batch(viewer_client)
    assert response.status_code == 303
    job = job_row(app, int(response.headers["Location"].split("/")[-1]))
    assert job.region_id == world.city.id


def test_job_page_polls_with_htmx_until_finished(app, supervisor_client, county):
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    fragment = supervisor_client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'hx-trigger="every 1s"' in body and 'id="job-progress"' in body
    assert "HX-Request" in fragment.headers.get("Vary", "")
    full = supervisor_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    # Without JavaScript the running job's page reloads itself; with it, htmx polls instead.
    assert "<html" in full and '<noscript><meta http-equiv="refresh"' in full


def test_jobs_are_scoped_to_their_region(app, supervisor_client, client_as, county):
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    with app.app_context():
        jobs.run_job(job_id)
    for username in ("clerk", "supervisor_b", "clerk_b"):
        client = client_as(username)
        assert client.get(f"/jobs/{job_id}").status_code == 404
        assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert client_as("admin").get(f"/jobs/{job_id}/download").status_code == 200


def test_download_before_the_job_is_done_is_404(supervisor_client, county):
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    assert supervisor_client.get(f"/jobs/{job_id}/download").status_code == 404


def test_a_job_is_claimed_once(app, supervisor_client, county):
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    with app.app_context():
        first = jobs.claim_next_job()
        assert first is not None and first.id == job_id and first.status == JobStatus.RUNNING
        assert jobs.claim_next_job() is None  # nothing left for a second worker


def test_a_failing_job_is_reported(app, supervisor_client, county, monkeypatch):
    import app.standards.pdf as pdf

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pdf, "batch_pdf", broken)
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    with app.app_context():
        jobs.run_job(job_id)
    job = job_row(app, job_id)
    assert job.status == JobStatus.FAILED and "生成失败" in job.error
    assert "生成失败" in supervisor_client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_batch_in_two_processes_merges_into_one_pdf(app, county, tmp_path, monkeypatch):
    """The multi-process path (forkserver children + pypdf merge), with progress reported."""
    import app.printing.batch as batch
    import app.standards.pdf as pdf
    from app.scoping import set_scope

    monkeypatch.setattr(batch, "IN_PROCESS_BATCH", 1)
    seen = []
    ids = list(county["names"])
    stats = {}
    with app.test_request_context(base_url="http://127.0.0.1:5000/"):
        set_scope(None)
        out = pdf.batch_pdf(ids, lambda done, total: seen.append((done, total)), out_path=tmp_path / "b.pdf",
                            processes=2, stats=stats)
    assert stats["processes"] == 2 and len(stats["children_peak_mb"]) == 2  # what bench/pdf.py reads
    assert stats["html_s"] <= stats["layout_and_parts_s"] <= stats["total_s"]
    assert seen[0] == (0, 3) and seen[-1] == (3, 3) and len(seen) == 4
    text = pdf_text(out)
    for name in county["names"].values():
        assert name in text
    assert pdf_pages(out) == 3
    assert not list(tmp_path.glob("*.part*.pdf"))  # partial files cleaned up


def test_in_process_worker_thread_runs_the_job(app, supervisor_client, county):
    """The embedded default: posting the form starts a thread in this process that runs the job."""
    from app.jobs.worker import in_process_worker

    app.config["JOBS_IN_PROCESS"] = True
    try:
        job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = job_row(app, job_id)
            if job.finished:
                break
            time.sleep(0.2)
    finally:
        in_process_worker(app).stop()
    assert job.status == JobStatus.DONE, job.error
    assert supervisor_client.get(f"/jobs/{job_id}/download").status_code == 200


def test_worker_cli_runs_queued_jobs(app, supervisor_client, county):
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "已处理 1 个任务" in result.output
    assert job_row(app, job_id).status == JobStatus.DONE


def test_my_print_jobs_and_a_finished_job_page(app, supervisor_client, viewer_client, county):
    job_id = int(post_batch(supervisor_client).headers["Location"].split("/")[-1])
    with app.app_context():
        jobs.run_job(job_id)
    listing = supervisor_client.get("/jobs").get_data(as_text=True)
    assert "我的后台任务" in listing and f"/jobs/{job_id}/download" in listing
    assert f"/jobs/{job_id}" not in viewer_client.get("/jobs").get_data(as_text=True)  # one's own jobs only
    done = supervisor_client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "http-equiv" not in done and "文件已生成，可以下载" in done


def test_the_viewer_is_offered_batch_printing(viewer_client, county):
    page = viewer_client.get("/inspections/print").get_data(as_text=True)
    assert 'action="/inspections/print"' in page and "只读账号不能" not in page
