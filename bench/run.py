"""One benchmark run on one database: seed, serve, log in, measure, report."""
import os
import time

from bench import measure, report, seed, servers
from bench.client import Client, login
from bench.pages import PAGES
from bench.settings import APP_ENV, SCRATCH


def run_database(database: str, url: str, *, reseed: bool, warmup: int, requests: int, pdf: bool) -> dict:
    print(f"== {database}: preparing the scratch database", flush=True)
    seeded = seed.prepare(url, reseed)
    print(f"   {'reused' if seeded.reused else 'seeded'} in {seeded.seconds:.1f} s: {seeded.rows}", flush=True)

    started = time.perf_counter()
    env = {**APP_ENV, "DATABASE_URL": url}
    logs = [SCRATCH / f"gunicorn-{server}-{database}.log" for server in ("app", "bare")]
    try:
        with (
            servers.gunicorn("wsgi:app", env, logs[0]) as app_server,
            servers.gunicorn("bench.bare:app", env, logs[1]) as bare_server,
        ):
            clients = _clients(app_server.url, bare_server.url, seeded.landmarks["users"])
            # Before anything else has printed: a fresh worker's first sheet against its next ones.
            sheet_path = f"/inspections/{seeded.landmarks['pdf_inspection_ids'][0]}/sheet.pdf"
            first_print = measure.first_print(clients["supervisor"], sheet_path)
            paths = [page["path"].format(**seeded.landmarks) for page in PAGES]
            targets = [(clients["bare" if page.get("server") == "bare" else page["user"]], path)
                       for page, path in zip(PAGES, paths, strict=False)]
            print(f"   measuring {len(PAGES)} pages: {warmup} warm-up and {requests} measured rounds", flush=True)
            load_before = os.getloadavg()
            timings = measure.time_pages(targets, warmup, requests)
            first_visit = measure.first_visit_bytes(clients["clerk"])
            load_after = os.getloadavg()
            worker_peak_mb = app_server.worker_peak_mb()
    except RuntimeError as error:
        raise RuntimeError(f"{error}\nserver logs: {', '.join(map(str, logs))}") from error
    measuring = time.perf_counter() - started

    result = report.build(database, seeded.rows, list(zip(PAGES, paths, timings, strict=False)), first_visit)
    result["first_print"] = first_print
    result["worker_peak_mb"] = round(worker_peak_mb, 1)
    if pdf:
        result["pdf"] = _measure_pdf(url, seeded.landmarks["pdf_inspection_ids"])
    report.print_table(result, PAGES, len(timings[0].samples_ms))
    print(f"\n{database}: seeding {seeded.seconds:.1f} s ({'reused' if seeded.reused else 'fresh'}), "
          f"serving and measuring {measuring:.1f} s")
    # Tails (p95) move with whatever else the machine runs: say how busy it was.
    print(f"load average (1, 5, 15 min) before measuring {_load(load_before)}, after {_load(load_after)} "
          f"on {os.cpu_count()} CPUs")
    return result


def _measure_pdf(url: str, inspection_ids: list[int]) -> dict:
    """One sheet warm, a 100-sheet batch, and headless Chromium printing the same batch HTML.
    Rendering reads the database once, so one database's run is enough."""
    from app import create_app
    from bench.pdf import measure_pdf

    print("   measuring PDFs: one sheet, a 100-sheet batch, and Chromium on the same HTML", flush=True)
    app = create_app(seed.bench_config(url))
    return measure_pdf(app, inspection_ids)


def _load(averages: tuple[float, float, float]) -> str:
    return " ".join(f"{a:.2f}" for a in averages)


def _clients(app_url: str, bare_url: str, usernames: dict[str, str]) -> dict[str, Client]:
    """A logged-in client per role the pages use (the clerk's also loads the first visit),
    and one for the bare app, which has no login."""
    roles = {page["user"] for page in PAGES if page.get("server") != "bare"} | {"clerk"}
    clients = {"bare": Client(bare_url)}
    for role in sorted(roles):
        clients[role] = Client(app_url)
        login(clients[role], usernames[role], seed.PASSWORD)
    return clients
