"""Who runs the jobs: a thread inside the app process (the embedded default), or
``flask --app wsgi worker`` processes beside several app processes.

The thread starts when this process first queues a job (or shows a queued one), runs jobs
until none is left, polls a little longer for jobs queued by other processes, then stops;
the next job starts it again. Claiming is atomic (services.claim_next_job), so threads in
several gunicorn workers and separate worker processes never run a job twice.
"""
import logging
import os
import threading
import time

from app.extensions import db
from app.jobs import services

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
IDLE_STOP_SECONDS = 60.0
CLEAN_EVERY_SECONDS = 600.0


class Housekeeping:
    """Removes expired job files now and then, from whichever loop runs jobs."""

    def __init__(self):
        self._last = float("-inf")

    def maybe_clean(self) -> None:
        if time.monotonic() - self._last >= CLEAN_EVERY_SECONDS:
            self._last = time.monotonic()
            cleaned = services.clean_finished_jobs()
            if cleaned:
                log.info("cleaned %s finished jobs' files", cleaned)


class InProcessWorker:
    def __init__(self, app):
        self.app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._stopping = False
        self._housekeeping = Housekeeping()

    def wake(self) -> None:
        with self._lock:
            self._wake.set()  # inside the lock: a thread about to stop for idleness sees it
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="sports-desk-jobs", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Let the thread finish its job and end (tests; the thread is a daemon otherwise)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopping = True
            self._wake.set()
        if thread is not None:
            thread.join(timeout)
        self._stopping = False

    def _run(self) -> None:
        idle_since = time.monotonic()
        while not self._stopping and self.app.config.get("JOBS_IN_PROCESS", True):
            try:
                with self.app.app_context():
                    try:
                        self._housekeeping.maybe_clean()
                        ran = services.run_next_job() is not None
                    finally:
                        db.session.remove()
            except Exception:  # the database went away, say: try again later
                log.exception("job worker loop failed")
                ran = False
            if ran:
                idle_since = time.monotonic()
                continue
            if time.monotonic() - idle_since > IDLE_STOP_SECONDS:
                with self._lock:
                    if not self._wake.is_set():
                        self._thread = None
                        return
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()


_workers: dict[int, InProcessWorker] = {}
_workers_lock = threading.Lock()


def in_process_worker(app) -> InProcessWorker:
    with _workers_lock:
        worker = _workers.get(id(app))
        if worker is None:
            worker = _workers[id(app)] = InProcessWorker(app)
        return worker


def run_forever(*, once: bool = False, poll: float = POLL_SECONDS) -> int:
    """The ``flask worker`` loop (inside an app context): run queued jobs, sleep, repeat."""
    ran = 0
    housekeeping = Housekeeping()
    while True:
        housekeeping.maybe_clean()
        job = services.run_next_job()
        if job is not None:
            log.info("job %s %s: %s", job.id, job.kind, job.status.value)
        db.session.remove()
        if job is not None:
            ran += 1
            continue
        if once:
            return ran
        time.sleep(poll)
