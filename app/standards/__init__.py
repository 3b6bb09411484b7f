from flask import Blueprint

bp = Blueprint("standards", __name__)

from app.standards import print_routes, routes  # noqa: E402,F401
