"""The OpenAPI document is valid OpenAPI 3.1, is made of the schemas that validate the requests
(a field it calls required is refused when missing), and reads as a page."""
import pytest
from openapi_spec_validator import validate

from app.api import schemas
from app.api.calls import OPERATIONS
from tests.api.conftest import CASE


@pytest.fixture
def doc(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.json


def test_the_document_is_valid_openapi_3_1(doc):
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_declared_operation_is_in_the_document(app, doc):
    documented = {(path, method.upper()) for path, methods in doc["paths"].items() for method in methods}
    assert documented == {(op.path, op.method) for op in OPERATIONS}
    rules = {(r.rule, m) for r in app.url_map.iter_rules() for m in r.methods}
    assert all((op.rule, op.method) in rules for op in OPERATIONS)


def test_the_request_schema_is_the_validating_model(doc):
    push = doc["paths"]["/cases"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CaseIn"}
    published = doc["components"]["schemas"]["CaseIn"]
    own = schemas.CaseIn.model_json_schema(ref_template="#/components/schemas/{model}")
    own.pop("$defs", None)
    assert published == own
    assert doc["components"]["schemas"]["CaseType"]["enum"] == ["consultation", "help", "complaint", "report",
                                                                 "suggestion", "praise"]


def test_each_field_the_document_requires_is_refused_when_missing(api, doc):
    required = doc["components"]["schemas"]["CaseIn"]["required"]
    assert set(required) == {"channel", "external_id", "received_at", "content", "type"}
    for name in required:
        body = {k: v for k, v in CASE.items() if k != name}
        response = api.post("/cases", json=body)
        assert response.status_code == 422 and list(response.json["errors"]) == [name]


def test_the_documents_example_is_accepted(api, doc):
    example = doc["paths"]["/cases"]["post"]["requestBody"]["content"]["application/json"]["example"]
    response = api.post("/cases", json=example | {"region_code": "140522100"})
    assert response.status_code == 201, response.json


def test_the_docs_page_shows_every_operation_with_curl(client, doc, world):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>" not in page.split("</head>", 1)[1]  # readable without JavaScript
    for path, methods in doc["paths"].items():
        for method in methods:
            assert f"{method.upper()} /api/v1{path}" in page
    assert "curl" in page and "Authorization: Bearer $TOKEN" in page and "sign_for" in page
