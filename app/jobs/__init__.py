from flask import Blueprint

# cli_group=None: the worker command is ``flask --app wsgi worker``, not ``flask jobs worker``.
bp = Blueprint("jobs", __name__, cli_group=None)
