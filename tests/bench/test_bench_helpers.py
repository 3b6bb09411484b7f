"""The benchmark harness's pure helpers: percentiles, HTML parsing, sizes, the planned world, targets."""
import gzip
from email.message import Message

import pytest

from app.regions.models import CODE_LENGTH, RegionLevel
from bench.client import Response, parse_page
from bench.measure import percentile
from bench.pages import PAGES
from bench.report import checks
from bench.world import build_world


def test_percentile_interpolates_between_ranks():
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([float(v) for v in range(1, 201)], 95) == pytest.approx(190.05)
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_parse_page_finds_csrf_token_and_assets():
    html = """<html><head>
      <link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="/static/css/app.1a2b.css">
      <script src="/static/js/htmx-2.0.11.min.3c4d.js" defer></script><script>inline()</script>
    </head><body><form><input type="hidden" value="tok-123" name="csrf_token"></form></body></html>"""
    page = parse_page(html)
    assert page.csrf_token == "tok-123"
    assert page.assets == ["/static/css/app.1a2b.css", "/static/js/htmx-2.0.11.min.3c4d.js"]


def _response(body: bytes, gzipped: bool) -> Response:
    headers = Message()
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(200, headers, gzip.compress(body) if gzipped else body, 0.001)


def test_sizes_are_taken_as_served_or_gzipped_by_us():
    body = "行政区划".encode() * 200
    served = _response(body, gzipped=True)
    assert served.body == body and served.gzip_bytes == len(served.raw)
    plain = _response(body, gzipped=False)
    assert plain.body == body and plain.gzip_bytes == len(gzip.compress(body, 9))


def test_world_codes_and_paths_follow_the_parent():
    world = build_world()
    by_id = {r["id"]: r for r in world.regions}
    for region in world.regions:
        assert len(region["code"]) == CODE_LENGTH[region["level"]]
        parent = by_id.get(region["parent_id"])
        if parent is None:
            assert region["path"] == f"/{region['code']}/"
            continue
        assert region["path"] == f"{parent['path']}{region['code']}/"
        if region["level"] in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
            assert region["code"].startswith(parent["code"])
    townships = [r for r in world.regions if r["level"] == RegionLevel.TOWNSHIP]
    assert 1_800 <= len(townships) <= 2_200
    assert len({r["code"] for r in world.regions}) == len(world.regions)
    assert set(world.landmarks["users"]) == {"admin", "supervisor", "clerk", "viewer"}


def test_targets_skip_the_bare_references():
    result = {
        "pages": [
            {"name": "home", "ratio_to_bare": 1.2, "gzip_bytes": 2_000},
            {"name": "audit", "ratio_to_bare": 3.0, "gzip_bytes": 20_000},
            {"name": "bare", "ratio_to_bare": 1.0, "gzip_bytes": 90_000},
        ],
        "first_visit_gzip_bytes": 50_000,
    }
    specs = [{"name": "home"}, {"name": "audit"}, {"name": "bare", "server": "bare"}]
    met = {target: ok for target, ok, _ in checks(result, specs)}
    assert len(met) == 5 and not any(target.startswith("bare") for target in met)
    assert met["home: p95 ≤ 1.5 × bare"] and not met["audit: p95 ≤ 1.5 × bare"]
    assert not met["audit: ≤ 15 KB gzipped"] and not met["first visit ≤ 40 KB gzipped"]


def test_every_page_names_a_reference_or_a_user():
    assert any(page["name"] == "bare" for page in PAGES)
    for page in PAGES:
        assert page.get("server") == "bare" or page["user"] in {"admin", "supervisor", "clerk", "viewer"}


def test_paper_is_held_to_the_sheets_size_not_a_pages():
    result = {
        "pages": [
            {"name": "ledger-pdf", "ratio_to_bare": 9.0, "gzip_bytes": 60_000, "html_bytes": 70_000},
            {"name": "bare", "ratio_to_bare": 1.0, "gzip_bytes": 1_000, "html_bytes": 3_000},
        ],
        "first_visit_gzip_bytes": 30_000,
    }
    specs = [{"name": "ledger-pdf", "paper": True}, {"name": "bare", "server": "bare"}]
    met = {target: ok for target, ok, _ in checks(result, specs)}
    assert met == {"ledger-pdf: p95 ≤ 1.5 × bare": False, "ledger-pdf: ≤ 200 KB": True,
                   "first visit ≤ 40 KB gzipped": True}


def test_the_first_print_is_held_to_the_warm_ones():
    def met(first_ms: float) -> bool:
        result = {"pages": [{"name": "bare", "ratio_to_bare": 1.0, "gzip_bytes": 1_000}],
                  "first_visit_gzip_bytes": 30_000,
                  "first_print": {"first_ms": first_ms, "warm_ms": 100.0, "ratio": first_ms / 100.0}}
        found = {target: ok for target, ok, _ in checks(result, [{"name": "bare", "server": "bare"}])}
        return found["first sheet ≤ 1.5 × a warm one"]

    assert met(140.0) and not met(600.0)


def test_a_gunicorn_worker_starts_warm_and_collects_garbage_in_larger_steps(monkeypatch):
    import gc
    import importlib
    import sys

    from app.printing import engine

    calls = []
    monkeypatch.setattr(engine, "warm_up", lambda: calls.append("warm"))
    monkeypatch.setattr(gc, "set_threshold", lambda *threshold: calls.append(threshold))
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/27.0.1")
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)
    wsgi = importlib.import_module("wsgi")
    assert calls == ["warm", (50_000, 20, 10)]
    compiled = {name for _, name in wsgi.app.jinja_env.cache.keys()}
    assert {"standards/pdf/audit_sheet.html", "base.html", "cases/detail.html"} <= compiled
    monkeypatch.delenv("SERVER_SOFTWARE")
    monkeypatch.delitem(sys.modules, "wsgi")
    importlib.import_module("wsgi")  # the flask CLI imports it too, and does not print
    assert calls == ["warm", (50_000, 20, 10)]
