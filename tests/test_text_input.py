"""Text is cleaned once on the way in, for every form and every import (issue: control
characters stored as typed, then the Excel export answering 500)."""
import inspect
import io
import unicodedata

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict
from wtforms.fields import PasswordField, StringField, TextAreaField

from app.forms import Form, QueryForm
from app.text import clean_text

NAUGHTY = [
    "\x00凤城镇\x01", "\x1b[31m红色\x1b[0m", "  前后空格  ", "e\u0301", "行一\r\n行二", "\ttab\t", "\x7f\x85\x9f删除",
    "=HYPERLINK(\"http://evil\",\"click\")", "沁水/县", "沁水[县]?*", "'; DROP TABLE users; --", "<script>alert(1)</script>",
]
CONTROLS = set(range(0x00, 0x20)) | set(range(0x7F, 0xA0))


def _clean(value: str, multiline: bool) -> bool:
    allowed = {0x09, 0x0A} if multiline else set()
    return (all(ord(c) not in CONTROLS - allowed for c in value) and value == value.strip()
            and unicodedata.is_normalized("NFC", value))


@pytest.mark.parametrize("value", NAUGHTY)
def test_clean_text(value):
    assert _clean(clean_text(value), multiline=False)
    assert _clean(clean_text(value, multiline=True), multiline=True)
    assert clean_text("行一\r\n行二", multiline=True) == "行一\n行二"


def _all_forms(app):
    """Every form class of the app (the factory has imported every route and form module)."""
    found, todo = [], [Form, QueryForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("app."):
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def test_every_form_of_the_app_is_found(app):
    names = {f.__qualname__ for f in _all_forms(app)}
    assert {"OrganizationForm", "UserForm", "RegionForm", "RectificationSubmitForm", "InspectionFilters"} <= names


def test_every_text_field_of_every_form_cleans_its_input(app):
    checked = 0
    for form_class in _all_forms(app):
        fields = [(name, f) for name, f in vars(form_class).items() if getattr(f, "field_class", None)
                  and issubclass(f.field_class, StringField) and not issubclass(f.field_class, PasswordField)]
        if not fields:
            continue
        with app.test_request_context(method="POST"):
            for value in NAUGHTY:
                data = MultiDict({name: value for name, _ in fields})
                params = inspect.signature(form_class.__init__).parameters
                form = form_class(data) if "formdata" not in params else form_class(formdata=data)
                for name, unbound in fields:
                    multiline = issubclass(unbound.field_class, TextAreaField)
                    assert _clean(form[name].data, multiline), (form_class.__qualname__, name, value)
                    checked += 1
    assert checked > 100


def test_a_name_typed_with_controls_is_stored_clean_and_exports(app, clerk_client, world):
    from tests.organizations.test_views import org_form

    response = clerk_client.post("/organizations/new", data=org_form(
        world, name="\x00\x01凤城镇\x1b体育总会", contact_person="=HYPERLINK(\"http://evil\",\"click\")"))
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from app.organizations.models import Organization

        assert db.session.execute(select(Organization.name)).scalar_one() == "凤城镇体育总会"
    export = clerk_client.get("/organizations/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    assert "凤城镇体育总会" in [cell.value for cell in cells]
    typed = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert typed.data_type == "s" and typed.quotePrefix  # text in Excel, not a live formula
