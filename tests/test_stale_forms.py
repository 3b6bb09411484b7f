"""A form opened before someone else saved cannot silently overwrite that change (issue:
silent overwrite from a stale form): the save is refused with the other change shown, what the
user typed stays on the page, and saving again after looking goes through."""
import re

from app.extensions import db
from app.organizations.models import Organization
from app.standards.models import Inspection, InspectionResult
from tests.factories import make_inspection, make_org
from tests.organizations.test_views import org_form


def _version(html: str) -> str:
    return re.search(r'name="row_version" type="hidden" value="(\d+)"|type="hidden" name="row_version" value="(\d+)"',
                     html).group(0)


def _answers(result_ids, note: str, summary: str, version: str) -> dict:
    data = {"inspected_on": "2026-05-10", "inspectors": "李建国", "summary": summary,
            "row_version": re.search(r'value="(\d+)"', version).group(1)}
    for rid in result_ids:
        data[f"result_{rid}"] = "pass"
        data[f"note_{rid}"] = note
    return data


def test_the_second_of_two_open_inspection_pages_does_not_overwrite_the_first(app, client_as, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1))
        db.session.commit()
        inspection_id, result_ids = inspection.id, [r.id for r in inspection.results]
    first, second = client_as("supervisor"), client_as("supervisor")
    opened_first = _version(first.get(f"/inspections/{inspection_id}").get_data(as_text=True))
    opened_second = _version(second.get(f"/inspections/{inspection_id}").get_data(as_text=True))

    saved = first.post(f"/inspections/{inspection_id}", data=_answers(result_ids, "场地已挂牌", "甲的总结", opened_first))
    assert saved.status_code == 303
    stale = second.post(f"/inspections/{inspection_id}", data=_answers(result_ids, "乙的说明", "乙的总结", opened_second))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "您打开此页后" in html and "乙的总结" in html and "乙的说明" in html  # what was typed stays
    assert "甲的总结" in html  # the other person's change is shown
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).summary == "甲的总结"
        assert db.session.get(InspectionResult, result_ids[0]).note == "场地已挂牌"
    # Having seen it, the second person saves on purpose: the form now carries the new version.
    again = second.post(f"/inspections/{inspection_id}", data=_answers(result_ids, "乙的说明", "乙的总结", _version(html)))
    assert again.status_code == 303
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).summary == "乙的总结"


def test_a_changed_note_alone_makes_a_new_version_of_the_inspection(app, world):
    with app.app_context():
        inspection = make_inspection(make_org(world.town_a1))
        db.session.commit()
        before = inspection.row_version
        inspection.results[0].note = "只改了一条说明"
        db.session.commit()
        assert inspection.row_version == before + 1


def test_a_stale_organisation_form_is_refused_and_keeps_the_typing(app, client_as, world):
    with app.app_context():
        org = make_org(world.town_a1)
        db.session.commit()
        org_id = org.id
    first, second = client_as("clerk"), client_as("supervisor")
    opened_first = _version(first.get(f"/organizations/{org_id}/edit").get_data(as_text=True))
    opened_second = _version(second.get(f"/organizations/{org_id}/edit").get_data(as_text=True))
    version = lambda tag: re.search(r'value="(\d+)"', tag).group(1)  # noqa: E731
    assert first.post(f"/organizations/{org_id}/edit", data=org_form(
        world, contact_person="张三", row_version=version(opened_first))).status_code == 303
    stale = second.post(f"/organizations/{org_id}/edit", data=org_form(
        world, contact_person="李四", row_version=version(opened_second)))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "您打开此页后" in html and 'value="李四"' in html and "张三" in html
    with app.app_context():
        assert db.session.get(Organization, org_id).contact_person == "张三"
