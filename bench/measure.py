"""Timing pages and weighing what they send."""
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.client import Client, Response, parse_page

BUDGET = 180  # seconds of measured rounds per database at most, whatever the request count


@dataclass
class Timing:
    samples_ms: list[float]
    last: Response  # the sizes are taken from one response; the pages are deterministic

    @property
    def p50_ms(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples_ms, 95)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile with linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_pages(targets: list[tuple[Client, str]], warmup: int, requests: int) -> list[Timing]:
    """Time each (client, path) in round robin: ``warmup`` unmeasured rounds (pools, caches,
    compiled templates), then ``requests`` measured rounds, one request at a time. Round robin
    spreads any background load over all pages alike, so the ratios to the bare page stay fair.
    Rounds stop early only when BUDGET runs out."""
    for _ in range(warmup):
        for client, path in targets:
            _checked(client, path)
    samples: list[list[float]] = [[] for _ in targets]
    last: list[Response] = []
    deadline = time.monotonic() + BUDGET
    for _ in range(requests):
        last = []
        for (client, path), page_samples in zip(targets, samples, strict=False):
            response = _checked(client, path)
            page_samples.append(response.seconds * 1000)
            last.append(response)
        if time.monotonic() > deadline:
            break
    return [Timing(page_samples, response) for page_samples, response in zip(samples, last, strict=False)]


SHEET_RUNS = 10


def first_print(client: Client, path: str) -> dict:
    """The first sheet a freshly started server prints, and the median of the next ones: what
    a user waits after a restart against any other time. A worker that loaded WeasyPrint and
    the font when it started (wsgi.py) prints its first sheet as fast as the next."""
    first = _checked(client, path).seconds * 1000
    warm = sorted(_checked(client, path).seconds * 1000 for _ in range(SHEET_RUNS))
    median = percentile(warm, 50)
    return {"first_ms": round(first, 1), "warm_ms": round(median, 1), "ratio": round(first / median, 2)}


def first_visit_bytes(client: Client, path: str = "/") -> int:
    """What a first visit downloads, gzipped as served: the page and every stylesheet and script."""
    page = _checked(client, path)
    total = page.gzip_bytes
    for asset in parse_page(page.text).assets:
        total += _checked(client, urlsplit(asset).path).gzip_bytes
    return total


def _checked(client: Client, path: str) -> Response:
    response = client.get(path)
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status} {response.headers.get('Location', '')}")
    return response
