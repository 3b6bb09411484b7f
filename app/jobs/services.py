"""Background jobs: create, claim, run and report progress (DESIGN.md §4, "Background work").

A job is a row; whoever runs it first claims it with one conditional UPDATE
(``... WHERE status = 'queued'``), so any number of processes (gunicorn workers with their
in-process thread, ``flask --app wsgi worker`` processes) may look for work at once and each
job still runs exactly once. A job runs as its creator: with the creator's scope, and under
the creator's name in the audit log. While it runs, a heartbeat marks it alive; a running job
whose heartbeat stopped was left behind by a process that died, and only such a job is failed.
Finished jobs' files are removed after ``JOB_RESULT_HOURS``.
"""
import logging
import secrets
import threading
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update

from app.auth.models import User
from app.extensions import db
from app.jobs.models import Job, JobStatus
from app.jobs.registry import JobResult, handler_for, is_registered
from app.rules import RuleError
from app.scoping import acting_as
from app.timeutil import utcnow

log = logging.getLogger(__name__)


def results_dir() -> Path:
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_path(job: Job, suffix: str) -> Path:
    """Where a handler writes the job's file: unguessable, under the instance folder."""
    return results_dir() / f"{job.id}-{secrets.token_hex(6)}{suffix}"


def create_job(*, kind: str, title: str, params: dict, user, total: int = 0) -> Job:
    """A queued job in the user's own region (jobs are scoped like every other record)."""
    if not is_registered(kind):
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, title=title[:200], params=params, status=JobStatus.QUEUED, total=total,
              region_id=user.region_id, created_by_id=user.id)
    db.session.add(job)
    db.session.flush()
    return job


def claim_next_job() -> Job | None:
    """Take the oldest queued job, atomically; None when there is nothing to do."""
    fail_abandoned_jobs()
    candidates = db.session.execute(
        select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.created_at, Job.id).limit(5)
    ).scalars().all()
    db.session.commit()  # end the read before writing (SQLite)
    for job_id in candidates:
        now = utcnow()
        claimed = db.session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now),
            execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(Job, job_id)
    return None


def fail_abandoned_jobs() -> int:
    """Fail the running jobs whose heartbeat stopped (their process died); never a live one."""
    silent_since = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    failed = db.session.execute(
        update(Job).where(Job.status == JobStatus.RUNNING,
                          func.coalesce(Job.heartbeat_at, Job.started_at) < silent_since)
        .values(status=JobStatus.FAILED, error="处理中断（服务曾重启），请重新提交。", finished_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return failed


def set_progress(job_id: int, done: int, total: int) -> None:
    """Write progress on its own connection and commit at once, whatever the runner's session holds."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(done=done, total=total, heartbeat_at=utcnow()))


class Heartbeat:
    """While a job runs, a thread marks it alive every ``JOB_HEARTBEAT_SECONDS`` on its own
    connection, so a long page of work between two progress reports never looks abandoned."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.engine = db.engine
        self.interval = current_app.config["JOB_HEARTBEAT_SECONDS"]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self.engine.begin() as connection:
                    connection.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow()))
            except Exception:  # a busy database: the next beat tries again, well within the limit
                log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)


def jobs_of(user, limit: int = 50) -> list[Job]:
    """A user's own jobs, newest first."""
    return list(db.session.execute(
        select(Job).where(Job.created_by_id == user.id).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    ).scalars())


def run_job(job_id: int) -> Job:
    """Run a claimed (or, in tests, a queued) job to the end, as its creator; record the result
    or the failure."""
    job = db.session.get(Job, job_id)
    if job.status == JobStatus.QUEUED:
        job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, utcnow(), utcnow()
        db.session.commit()
    creator = db.session.get(User, job.created_by_id)
    try:
        if creator is None or not creator.active:
            raise PermissionError("the job's creator can no longer run it")
        with Heartbeat(job_id), acting_as(creator):
            result: JobResult = handler_for(job.kind)(job, lambda done, total: set_progress(job_id, done, total))
            db.session.commit()  # what the job wrote, audited under its creator
    except RuleError as error:  # the job refused what it was asked: its page says why, as a form would
        db.session.rollback()
        outcome = {"status": JobStatus.FAILED, "error": error.message}
    except Exception as error:  # a failed job is reported on its page, never lost
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        outcome = {"status": JobStatus.FAILED,
                   "error": f"生成失败：{type(error).__name__}。请稍后重试，或联系管理员查看日志。"}
    else:
        outcome = {"status": JobStatus.DONE, "done": Job.total,
                   "result_path": result.path.relative_to(current_app.instance_path).as_posix(),
                   "result_name": result.download_name, "result_type": result.content_type}
    # Only a job still running is finished here: one the sweeper has meanwhile declared
    # abandoned stays failed, so its page never flips from 失败 back to 已完成.
    finished = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(finished_at=utcnow(), **outcome),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not finished:
        log.warning("job %s finished after it had been failed as abandoned", job_id)
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Job, job_id)


def run_next_job() -> Job | None:
    job = claim_next_job()
    return run_job(job.id) if job else None


def clean_finished_jobs() -> int:
    """Remove the files of jobs finished more than ``JOB_RESULT_HOURS`` ago; their pages then
    say the file has expired. Returns how many jobs were cleaned."""
    before = utcnow() - timedelta(hours=current_app.config["JOB_RESULT_HOURS"])
    old = db.session.execute(
        select(Job).where(Job.status.in_([JobStatus.DONE, JobStatus.FAILED]), Job.finished_at < before)
    ).scalars().all()
    for job in old:
        if job.result_path:
            (Path(current_app.instance_path) / job.result_path).unlink(missing_ok=True)
        job.result_path = ""
        if job.status == JobStatus.DONE:
            job.status = JobStatus.EXPIRED
    db.session.commit()
    return len(old)


def start(app=None) -> None:
    """Make sure this process runs queued jobs: the embedded worker thread, started lazily.
    With ``JOBS_IN_PROCESS`` false, separate ``flask --app wsgi worker`` processes run them."""
    app = app or current_app._get_current_object()
    if not app.config.get("JOBS_IN_PROCESS", True):
        return
    from app.jobs.worker import in_process_worker

    in_process_worker(app).wake()
