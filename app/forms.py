"""The base of every form: each text field's input is cleaned (app.text) before validation,
so no form can forget it and a new field needs nothing."""
from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms.fields import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from app.parsing import parse_id
from app.text import clean_text


def _clean_multiline(value):
    return clean_text(value, multiline=True)


def bind_cleaned(form, unbound_field, options):
    """Add the text cleaning as the first filter of every text field (passwords excepted: they
    are compared as typed)."""
    field_class = unbound_field.field_class
    if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
        cleaner = _clean_multiline if issubclass(field_class, TextAreaField) else clean_text
        # A copy: the unbound field is shared by every instance of the form class.
        kwargs = dict(unbound_field.kwargs, filters=[cleaner, *unbound_field.kwargs.get("filters", ())])
        unbound_field = UnboundField(field_class, *unbound_field.args, **kwargs)
    return unbound_field.bind(form=form, **options)


class Form(FlaskForm):
    """A posted form (with its CSRF token)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            return bind_cleaned(form, unbound_field, options)


class EditForm(Form):
    """A form that changes one stored record: it carries the row version the record had when
    the form was opened (app.versioning), so saving over a newer change is refused."""

    row_version = HiddenField()

    @property
    def opened_version(self) -> int | None:
        return parse_id(self.row_version.data)

    def reopen_at(self, record) -> None:
        """After a refused stale save: the next save is made over what is stored now."""
        self.row_version.data = record.row_version


class QueryForm(PlainForm):
    """A form read from the query string (filters, lookups): no CSRF, the same cleaning."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            return bind_cleaned(form, unbound_field, options)


def enum_options(enum_class) -> list[SelectChoice]:
    """A select's options, one per member of a labelled enum (value, Chinese label)."""
    return [SelectChoice(value, label) for value, label in enum_class.choices()]
