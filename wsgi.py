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
# What start-up made (modules, the app, its mappers and templates) lives as long as the worker:
# keep it out of the collector's full passes, which otherwise walk those ~110,000 objects
# (~35 ms here) in the middle of some request.
gc.freeze()
