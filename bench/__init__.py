"""The benchmark behind ``make bench``.

It seeds a province-sized synthetic data set into a scratch database (SQLite under
``bench/scratch/``, and PostgreSQL when ``BENCH_DATABASE_URL`` is set), serves the app and a
bare Flask reference page with gunicorn exactly as production does, and measures every main
page: latency against the bare page, and bytes on the wire. Results go to ``bench/results.json``
(and ``bench/results-postgresql.json``).

Modules: ``pages`` lists what is measured and the targets; ``world`` (with ``names``) plans the
region tree and users in memory, ``registry`` the organisations, ``inspections`` the inspections
with their results and rectifications; ``seed`` writes them and the big tables; ``servers`` runs
gunicorn; ``bare`` is the reference app; ``client`` speaks HTTP; ``measure`` times pages;
``report`` prints and writes results; ``run`` ties them together for one database; ``settings``
holds paths and the app's environment.
"""
