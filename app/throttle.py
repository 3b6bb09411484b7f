"""A small rate limit for lookups that must not be tried at machine speed (the verification
code of a printed sheet). Counted per process in memory: with several workers the limit is
per worker, which still turns thousands of guesses a minute into a few dozen."""
import threading
import time
from collections import defaultdict, deque

_hits: dict[str, deque] = defaultdict(deque)
_lock = threading.Lock()


def allow(key: str, limit: int, per_seconds: float) -> bool:
    """Record one attempt under ``key``; False when ``limit`` were already made in the window."""
    now = time.monotonic()
    with _lock:
        hits = _hits[key]
        while hits and hits[0] <= now - per_seconds:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        return True


def forget() -> None:
    """Clear every count (tests)."""
    with _lock:
        _hits.clear()
