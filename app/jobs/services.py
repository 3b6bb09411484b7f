"""Background jobs: create, claim, run and report progress (DESIGN.md §4, "Background work").

A job is a row; whoever runs it first claims it with one conditional UPDATE
(``... WHERE status = 'queued'``), so any number of processes (gunicorn workers with their
in-process thread, ``flask --app wsgi worker`` processes) may look for work at once and each
job still runs exactly once. Runners live outside requests, where nothing is scoped: jobs carry
explicit ids, checked against the user's scope when the job is created.
"""
import importlib
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.jobs.models import Job, JobStatus
from app.timeutil import utcnow

log = logging.getLogger(__name__)

# kind -> "module:function"; the function takes (job, progress) and sets result_path/result_name.
HANDLERS = {
    "inspection_sheets": "app.standards.pdf:run_batch_job",
}
# A job "running" this long without finishing was left behind by a process that died.
STALE_AFTER = timedelta(hours=1)

Progress = Callable[[int, int], None]


def results_dir() -> Path:
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(*, kind: str, title: str, params: dict, user, total: int = 0) -> Job:
    """A queued job in the user's own region (jobs are scoped like every other record)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, title=title[:200], params=params, status=JobStatus.QUEUED, total=total,
              region_id=user.region_id, created_by_id=user.id)
    db.session.add(job)
    db.session.flush()
    return job


def claim_next_job() -> Job | None:
    """Take the oldest queued job, atomically; None when there is nothing to do."""
    _fail_stale_jobs()
    candidates = db.session.execute(
        select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.created_at, Job.id).limit(5)
    ).scalars().all()
    db.session.commit()  # end the read before writing (SQLite)
    for job_id in candidates:
        claimed = db.session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, started_at=utcnow()),
            execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(Job, job_id)
    return None


def _fail_stale_jobs() -> None:
    db.session.execute(
        update(Job).where(Job.status == JobStatus.RUNNING, Job.started_at < utcnow() - STALE_AFTER)
        .values(status=JobStatus.FAILED, error="处理中断（服务曾重启），请重新提交。", finished_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def set_progress(job_id: int, done: int, total: int) -> None:
    """Write progress on its own connection and commit at once, whatever the runner's session holds."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(done=done, total=total))


def _handler(kind: str) -> Callable[[Job, Progress], None]:
    module_name, _, function = HANDLERS[kind].partition(":")
    return getattr(importlib.import_module(module_name), function)


def run_job(job_id: int) -> Job:
    """Run a claimed (or, in tests, a queued) job to the end; record the result or the failure."""
    job = db.session.get(Job, job_id)
    if job.status == JobStatus.QUEUED:
        job.status, job.started_at = JobStatus.RUNNING, utcnow()
        db.session.commit()
    try:
        _handler(job.kind)(job, lambda done, total: set_progress(job_id, done, total))
    except Exception as error:  # a failed job is reported on its page, never lost
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        job = db.session.get(Job, job_id)
        job.status = JobStatus.FAILED
        job.error = f"生成失败：{type(error).__name__}。请稍后重试，或联系管理员查看日志。"
    else:
        db.session.refresh(job, ["done", "total"])
        job.status = JobStatus.DONE
        job.done = job.total
    job.finished_at = utcnow()
    db.session.commit()
    return job


def run_next_job() -> Job | None:
    job = claim_next_job()
    return run_job(job.id) if job else None


def start(app=None) -> None:
    """Make sure this process runs queued jobs: the embedded worker thread, started lazily.
    With ``JOBS_IN_PROCESS`` false, separate ``flask --app wsgi worker`` processes run them."""
    app = app or current_app._get_current_object()
    if not app.config.get("JOBS_IN_PROCESS", True):
        return
    from app.jobs.worker import in_process_worker

    in_process_worker(app).wake()
