"""Where the harness keeps its files, and the environment the app runs with under it.

Nothing here imports the app: ``__main__`` sets this environment before the app's config is read.
"""
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SCRATCH = BENCH / "scratch"  # gitignored: the SQLite database, the instance folder, server logs
INSTANCE = SCRATCH / "instance"
SQLITE_URL = f"sqlite:///{SCRATCH / 'bench.db'}"

# Plain HTTP on loopback, a fixed key shared by both workers, and an instance folder of our own
# (never the real instance/, whose database and key belong to `make run`).
APP_ENV = {
    "SESSION_COOKIE_SECURE": "0",
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "INSTANCE_PATH": str(INSTANCE),
}
