"""Configuration classes, read from the environment (microblog style)."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _persisted_secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept under instance/.

    Sessions are signed cookies shared by every worker process, so the key must be
    stable across restarts and processes; generating it once and keeping it on disk
    gives that without asking the operator to invent one.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the common postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = _persisted_secret_key()
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sports_desk.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    INSTANCE_DIR = INSTANCE_DIR

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # The largest request: several phone photos at once. Bigger ones get the 413 page.
    MAX_CONTENT_LENGTH = 100 * 1024 * 1024
    # Printed QR codes and verification links: the address people reach the app at, e.g.
    # https://tiyu.example.gov.cn. Unset, the address of the request that printed is used.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")

    WTF_CSRF_TIME_LIMIT = None  # a clerk may leave a form open all morning
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "application/javascript", "text/javascript",
        "application/json", "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_MIN_SIZE = 500

    # Login throttling: lock an account after this many consecutive failures,
    # and refuse an address that fails too often inside the window.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_IP_MAX_FAILURES = 20
    LOGIN_WINDOW_MINUTES = 15

    # The JSON API (app.api): the largest body it reads, and the calls a token may make in a window
    # (counted per process, as app.throttle does).
    API_MAX_BODY = 64 * 1024
    API_RATE_LIMIT = (120, 60)  # calls, seconds

    PASSWORD_HASH_METHOD = "scrypt"
    PER_PAGE = 50
    # 重复件/重复来电: a new case is compared with the cases received this many days either side of it.
    DUPLICATE_WINDOW_DAYS = int(os.environ.get("DUPLICATE_WINDOW_DAYS", "30"))
    # Background jobs (batch PDFs): a thread in each app process runs them (the embedded default);
    # set JOBS_IN_PROCESS=0 when separate `flask --app wsgi worker` processes do.
    JOBS_IN_PROCESS = os.environ.get("JOBS_IN_PROCESS", "1") != "0"
    PDF_PROCESSES = int(os.environ.get("PDF_PROCESSES", "0"))  # 0: one per core, at most 4
    # A running job's process marks it alive this often; a job silent for JOB_STALE_SECONDS was
    # left behind by a process that died. Finished jobs' files are kept JOB_RESULT_HOURS.
    JOB_HEARTBEAT_SECONDS = 10.0
    JOB_STALE_SECONDS = 120.0
    JOB_RESULT_HOURS = float(os.environ.get("JOB_RESULT_HOURS", "168"))
    # Behind a reverse proxy, set to the number of proxies so remote addresses are real.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))


class TestingConfig(Config):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
