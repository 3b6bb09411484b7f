from flask import Blueprint

# cli_group=None: the commands are ``flask --app wsgi backup`` and ``restore``, not ``flask backup …``.
bp = Blueprint("backup", __name__, cli_group=None)
