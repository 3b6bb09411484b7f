"""A job's page (progress, then the download) and its result file."""
from pathlib import Path

from flask import abort, current_app, render_template
from flask_login import current_user, login_required

from app.htmx import render
from app.jobs import bp, services
from app.jobs.models import Job, JobStatus
from app.printing.downloads import ascii_name, send_download
from app.scoping import scoped_get_or_404


@bp.route("/jobs/<int:job_id>")
@login_required
def detail(job_id: int):
    """Progress; with htmx the fragment polls itself every second until the job ends,
    without JavaScript a plain 刷新 link does the same."""
    job = scoped_get_or_404(Job, job_id)
    if job.status == JobStatus.QUEUED:
        services.start(current_app._get_current_object())  # a restarted process picks it up again
    return render("jobs/detail.html", "jobs/_progress.html", job=job,
                  keep_hours=current_app.config["JOB_RESULT_HOURS"])


@bp.route("/jobs")
@login_required
def index():
    """我的后台任务: the user's own jobs, newest first."""
    return render_template("jobs/index.html", jobs=services.jobs_of(current_user))


@bp.route("/jobs/<int:job_id>/download")
@login_required
def download(job_id: int):
    job = scoped_get_or_404(Job, job_id)
    path = Path(current_app.instance_path) / job.result_path if job.result_path else None
    if job.status != JobStatus.DONE or path is None or not path.is_file():
        abort(404)
    # PDFs open in the browser; other files (spreadsheets) are saved.
    return send_download(path, job.result_name or path.name, inline=job.result_type == "application/pdf",
                         content_type=job.result_type or None,
                         fallback=ascii_name(job.kind.replace("_", "-"), job.id, suffix=path.suffix))
