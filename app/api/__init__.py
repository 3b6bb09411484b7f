"""The JSON API (``/api/v1/``) the 12345 platform and the city's integration office call, each
caller with a token scoped to a region subtree; and the administrator's page of tokens.

Modules: ``models`` (ApiToken), ``tokens`` (issuing, revoking, checking a token), ``schemas``
(the pydantic models that validate requests and shape answers), ``openapi`` (the declared
operations and the OpenAPI 3.1 document built from them and the schemas), ``routes`` (the API's
views), ``token_routes`` (the administrator's pages), ``cli`` (``flask api-token …``)."""
from flask import Blueprint

bp = Blueprint("api", __name__, cli_group="api-token")
