"""``flask --app wsgi worker``: run background jobs in a separate process.

Use it when several app processes serve the site and the in-process thread is switched off
(``JOBS_IN_PROCESS = False``); any number of workers may run side by side.
"""
import logging

import click

from app.jobs import bp, services
from app.jobs.worker import run_forever


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then exit.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks for new jobs.")
def worker(once: bool, poll: float):
    """Run queued background jobs (batch PDFs …)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo("后台任务进程已启动。" if not once else "处理排队中的后台任务……")
    try:
        ran = run_forever(once=once, poll=poll)
    except KeyboardInterrupt:
        click.echo("后台任务进程已停止。")
        return
    click.echo(f"已处理 {ran} 个任务。")


@bp.cli.command("clean-jobs")
def clean_jobs():
    """Remove the files of jobs finished longer ago than JOB_RESULT_HOURS (the worker does it too)."""
    click.echo(f"已清理 {services.clean_finished_jobs()} 个过期任务的文件。")
