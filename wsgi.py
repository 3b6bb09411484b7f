"""Entry point for gunicorn (``wsgi:app``) and the flask CLI (``flask --app wsgi``)."""
import gc
import os

from app import create_app
from app.printing import engine

app = create_app()
if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):  # the arbiter sets it for its workers
    # A web worker imports WeasyPrint, loads the font and compiles every template now, not
    # during someone's first print (a second or more) or first view of a page; the flask CLI,
    # which imports this module too, skips it.
    engine.warm_up()
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
    # A page makes some 100,000 objects (ORM rows and states, template output) that die with the
    # request: at the default threshold (700) the young generation is collected ~100 times in
    # it, and now and then a full pass lands in some request's middle. Every 50,000 allocations
    # instead: the bench pages' p95 fell 5-20 %, for a few MB more between collections.
    gc.set_threshold(50_000, 20, 10)
# What start-up made (modules, the app, its mappers and templates) lives as long as the worker:
# keep it out of the collector's full passes, which otherwise walk those ~110,000 objects
# (~35 ms here) in the middle of some request.
gc.freeze()
