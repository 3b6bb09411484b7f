"""Results: the JSON document, the targets, and the table printed at the end of a run."""
import json
from pathlib import Path

from bench.measure import Timing
from bench.pages import (
    BARE_REFERENCE,
    MAX_BATCH_RATIO,
    MAX_FIRST_PRINT_RATIO,
    MAX_FIRST_VISIT_BYTES,
    MAX_PAGE_GZIP_BYTES,
    MAX_RATIO_TO_BARE,
    MAX_SHEET_BYTES,
    MAX_SHEET_MS,
)

KB = 1024


def build(database: str, rows: dict[str, int], timed: list[tuple[dict, str, Timing]], first_visit: int) -> dict:
    """The results document; ``timed`` holds (page spec, requested path, timing) in page order."""
    bare_p95 = next(t.p95_ms for page, _, t in timed if page["name"] == BARE_REFERENCE)
    pages = [
        {
            "name": page["name"], "path": path,
            "p50_ms": round(t.p50_ms, 2), "p95_ms": round(t.p95_ms, 2),
            "ratio_to_bare": round(t.p95_ms / bare_p95, 2),
            "html_bytes": len(t.last.body), "gzip_bytes": t.last.gzip_bytes,
        }
        for page, path, t in timed
    ]
    # "pdf" is filled by bench/pdf.py's measure_pdf in the first database's run (bench/run.py).
    return {"database": database, "rows": rows, "pages": pages, "first_visit_gzip_bytes": first_visit, "pdf": {}}


def checks(result: dict, specs: list[dict]) -> list[tuple[str, bool, str]]:
    """(target, met, measured) for every target; the bare pages are references, not held to them."""
    bare = {spec["name"] for spec in specs if spec.get("server") == "bare"}
    paper = {spec["name"] for spec in specs if spec.get("paper")}
    found = []
    for page in result["pages"]:
        if page["name"] in bare:
            continue
        found.append((f"{page['name']}: p95 ≤ {MAX_RATIO_TO_BARE} × bare",
                      page["ratio_to_bare"] <= MAX_RATIO_TO_BARE, f"{page['ratio_to_bare']:.2f} ×"))
        if page["name"] in paper:
            found.append((f"{page['name']}: ≤ {MAX_SHEET_BYTES // KB} KB", page["html_bytes"] <= MAX_SHEET_BYTES,
                          f"{page['html_bytes'] / KB:.1f} KB"))
        else:
            found.append((f"{page['name']}: ≤ {MAX_PAGE_GZIP_BYTES // KB} KB gzipped",
                          page["gzip_bytes"] <= MAX_PAGE_GZIP_BYTES, f"{page['gzip_bytes'] / KB:.1f} KB"))
    first = result["first_visit_gzip_bytes"]
    found.append((f"first visit ≤ {MAX_FIRST_VISIT_BYTES // KB} KB gzipped",
                  first <= MAX_FIRST_VISIT_BYTES, f"{first / KB:.1f} KB"))
    if printed := result.get("first_print"):
        found.append((f"first sheet ≤ {MAX_FIRST_PRINT_RATIO} × a warm one", printed["ratio"] <= MAX_FIRST_PRINT_RATIO,
                      f"{printed['first_ms']} ms vs {printed['warm_ms']} ms = {printed['ratio']} ×"))
    pdf = result.get("pdf") or {}
    if "sheet_ms" in pdf:
        found.append((f"one sheet ≤ {MAX_SHEET_MS} ms warm", pdf["sheet_ms"] <= MAX_SHEET_MS, f"{pdf['sheet_ms']} ms"))
        found.append((f"one sheet ≤ {MAX_SHEET_BYTES // KB} KB", pdf["sheet_bytes"] <= MAX_SHEET_BYTES,
                      f"{pdf['sheet_bytes'] / KB:.0f} KB"))
    if "ratio_to_chromium" in pdf:
        found.append((f"100-sheet batch ≤ {MAX_BATCH_RATIO} × Chromium", pdf["ratio_to_chromium"] <= MAX_BATCH_RATIO,
                      f"{pdf['batch_100_s']} s vs {pdf['chromium_batch_100_s']} s = {pdf['ratio_to_chromium']} ×"))
    return found


def print_table(result: dict, specs: list[dict], requests: int) -> None:
    users = {spec["name"]: spec.get("user") or "-" for spec in specs}
    rows = " · ".join(f"{table} {n:,}" for table, n in result["rows"].items())
    print(f"\n{result['database']}: {rows}; {requests} measured requests per page")
    print(f"{'page':<20} {'user':<11} {'p50 ms':>8} {'p95 ms':>8} {'×bare':>6} {'html KB':>8} {'gzip KB':>8}  path")
    for page in result["pages"]:
        print(f"{page['name']:<20} {users[page['name']]:<11} "
              f"{page['p50_ms']:>8.2f} {page['p95_ms']:>8.2f} {page['ratio_to_bare']:>6.2f} "
              f"{page['html_bytes'] / KB:>8.1f} {page['gzip_bytes'] / KB:>8.1f}  {page['path']}")
    print(f"first visit (home + stylesheets + scripts): {result['first_visit_gzip_bytes'] / KB:.1f} KB gzipped")
    if printed := result.get("first_print"):
        print(f"first sheet after start {printed['first_ms']} ms, then {printed['warm_ms']} ms (median, over HTTP)")
    if "worker_peak_mb" in result:
        print(f"peak memory of a web worker after the run: {result['worker_peak_mb']} MB")
    if result.get("pdf"):
        print("pdf: " + ", ".join(f"{key} {value}" for key, value in result["pdf"].items()))
    found = checks(result, specs)
    print(f"\ntargets ({sum(ok for _, ok, _ in found)} of {len(found)} met):")
    for target, ok, measured in found:
        print(f"  {'ok  ' if ok else 'MISS'}  {target:<40} {measured}")


def write(result: dict, path: Path) -> None:
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
