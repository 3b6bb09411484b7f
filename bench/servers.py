"""gunicorn subprocesses with the production settings, on free loopback ports, always stopped."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.settings import ROOT

WORKERS = "2"
THREADS = "4"  # the Makefile's `make run` settings: what production runs
START_TIMEOUT = 60  # seconds for the workers to import the app and answer /healthz
STOP_TIMEOUT = 15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    url: str
    pid: int  # gunicorn's master

    def worker_peak_mb(self) -> float:
        """The largest peak resident memory (VmHWM) of the master's workers so far."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return max((_peak_mb(int(child)) for child in children), default=0.0)


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


@contextmanager
def gunicorn(target: str, env: dict[str, str], log: Path) -> Iterator[Served]:
    """Serve the WSGI ``target`` ("wsgi:app"); stop it however the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", WORKERS, "--threads", THREADS,
               "--bind", f"127.0.0.1:{port}", target]
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                                   stdout=log_file, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, base_url, log)
        yield Served(base_url, process.pid)
    finally:
        process.terminate()  # gunicorn's graceful shutdown stops the workers too
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT} s; see {log}:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
