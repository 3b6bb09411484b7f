"""Entry point for gunicorn (``wsgi:app``) and the flask CLI (``flask --app wsgi``)."""
import gc

from app import create_app

app = create_app()
# What start-up made (modules, the app, its mappers and templates) lives as long as the worker:
# keep it out of the collector's full passes, which otherwise walk those ~110,000 objects
# (~35 ms here) in the middle of some request.
gc.freeze()
