"""The per-item results form of one inspection, built as a class from the inspection's items."""
from wtforms import MultipleFileField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.activities.evidence import takes_activities
from app.attachments import kept
from app.forms import EditForm
from app.standards.forms import InspectionHeaderForm
from app.standards.inspections import ResultsEntry
from app.standards.models import Inspection, InspectionResult, ItemResult

# Posted once per item whose activities the page offers: an item with none ticked is then
# told apart from one the page did not show.
ACTIVITY_ITEMS = "activity_items"


def _choices(required: bool) -> list[SelectChoice]:
    # A required item either meets the standard or not; only optional items may be 不适用.
    results = [ItemResult.PASS, ItemResult.FAIL] + ([] if required else [ItemResult.NOT_APPLICABLE])
    return [SelectChoice(r.value, r.label) for r in results]


def activities_field_name(row: InspectionResult) -> str:
    return f"activities_{row.id}"


def _activities_field(row: InspectionResult) -> SelectMultipleField:
    # The choices are the page's to offer (app.activities.evidence.evidence_choices); which
    # ids may be attached is the service's rule, so the field takes any id.
    return SelectMultipleField("活动佐证", coerce=int, validate_choice=False,
                               default=[e.activity_id for e in row.activity_evidence])


def activities_form(row: InspectionResult):
    """One item's activities alone, as htmx posts them when a box is ticked, with the page's
    row version."""
    class ActivitiesForm(EditForm):
        pass

    setattr(ActivitiesForm, activities_field_name(row), _activities_field(row))
    return ActivitiesForm(row_version=row.inspection.row_version)


def results_form(inspection: Inspection, **kwargs):
    """Filled from the request on POST (Flask-WTF), from the stored results otherwise
    (or when ``formdata=None``)."""
    class ResultsForm(InspectionHeaderForm):
        pass

    for row in inspection.results:
        setattr(ResultsForm, f"result_{row.id}", RadioField(
            row.item.title, choices=_choices(row.item.required), validate_choice=False,
            default=row.result.value if row.result else None,
        ))
        setattr(ResultsForm, f"note_{row.id}", TextAreaField(
            "说明", default=row.note, validators=[Length(max=1000, message="说明不能超过 1000 个字。")],
        ))
        setattr(ResultsForm, f"evidence_{row.id}", MultipleFileField("佐证材料"))
        setattr(ResultsForm, f"caption_{row.id}", StringField(
            "照片说明", validators=[Length(max=100, message="照片说明不能超过 100 个字。")],
        ))
        if takes_activities(row.item):
            setattr(ResultsForm, activities_field_name(row), _activities_field(row))
    return ResultsForm(obj=inspection, **kwargs)


def kept_field(result_id: int) -> str:
    return f"{kept.FIELD}_{result_id}"


def posted_uploads(inspection: Inspection, request) -> dict[int, tuple[list, list[str]]]:
    """Per result, the files posted with the page (newly chosen, or kept from a refused submit),
    checked and stored, and a sentence per file refused. Read before anything else is checked,
    so a refusal can hand the accepted files back (``kept_tokens``) instead of losing them."""
    return {r.id: kept.gather(request, request.files.getlist(f"evidence_{r.id}"), kept_field(r.id))
            for r in inspection.results}


def kept_tokens(uploads: dict[int, tuple[list, list[str]]]) -> dict[int, list[tuple]]:
    """The accepted files of a refused page, as (file, token) per result: the page names them
    (已选择：…) and the next submit attaches them without choosing them again."""
    return {row_id: [(f, kept.token(f)) for f in files] for row_id, (files, _) in uploads.items() if files}


def posted_entry(form, inspection: Inspection, request, uploads: dict[int, tuple[list, list[str]]]) -> ResultsEntry:
    """What a validated results form posted, with its ``posted_uploads``; an unknown result
    value counts as unanswered."""
    values = {}
    for row in inspection.results:
        raw = form[f"result_{row.id}"].data
        values[row.id] = (ItemResult(raw) if raw in ItemResult._value2member_map_ else None,
                          form[f"note_{row.id}"].data or "")
    return ResultsEntry(
        inspected_on=form.inspected_on.data, inspectors=form.inspectors.data or "", summary=form.summary.data or "",
        values=values,
        uploads=uploads,
        captions={r.id: form[f"caption_{r.id}"].data or "" for r in inspection.results},
        remove_attachment_ids=request.form.getlist("remove_evidence", type=int),
        activities={row.id: form[activities_field_name(row)].data for row in inspection.results
                    if takes_activities(row.item) and row.id in request.form.getlist(ACTIVITY_ITEMS, type=int)},
        opened_version=form.opened_version,
    )
