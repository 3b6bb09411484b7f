from flask import Blueprint

bp = Blueprint("standards", __name__)

from app.standards import print_routes, rectification_routes, routes, standard_routes  # noqa: E402,F401
