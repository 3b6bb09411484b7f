"""``python -m bench`` (``make bench``): measure on SQLite, and on PostgreSQL when
``BENCH_DATABASE_URL`` names a database the harness may empty."""
import argparse
import os
import sys

from bench.settings import APP_ENV, BENCH, INSTANCE, SQLITE_URL


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--reseed", action="store_true", help="seed again even when the scratch data are current")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per page (default 20)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF measurements (sheet, batch, Chromium)")
    options = parser.parse_args(argv)

    # config.py reads SECRET_KEY and INSTANCE_PATH when the app is first imported: set them before
    # that, so seeding never writes a key into the real instance/ folder.
    os.environ.update(APP_ENV)
    INSTANCE.mkdir(parents=True, exist_ok=True)
    from bench.report import write
    from bench.run import run_database
    from config import database_url

    runs = [("sqlite", SQLITE_URL, BENCH / "results.json")]
    if os.environ.get("BENCH_DATABASE_URL"):
        url = database_url(os.environ["BENCH_DATABASE_URL"])
        if not url.startswith("postgresql"):
            parser.error("BENCH_DATABASE_URL must be a PostgreSQL URL (its tables are dropped)")
        runs.append(("postgresql", url, BENCH / "results-postgresql.json"))

    for index, (database, url, results) in enumerate(runs):
        result = run_database(database, url, reseed=options.reseed, warmup=options.warmup, requests=options.requests,
                              pdf=index == 0 and not options.no_pdf)
        write(result, results)
        print(f"{database}: results written to {results.relative_to(BENCH.parent)}\n")
    from bench import uploads

    uploads.main()  # the worst uploads' cost in worker memory (the database plays no part)
    return 0


if __name__ == "__main__":
    sys.exit(main())
