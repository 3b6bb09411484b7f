"""A short help page per screen, linked from the header of the screen it explains."""
import pytest

from app.main.help_pages import TOPICS, topic_for


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_help_page_opens_for_every_role(client_as, topic):
    for role in ("clerk", "viewer"):
        response = client_as(role).get(f"/help/{topic.slug}")
        assert response.status_code == 200
        assert f"<h1>{topic.title}</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("path, slug", [
    ("/", "todo"), ("/organizations", "organizations"), ("/organizations/3/edit", "organizations"),
    ("/inspections/12", "inspections"), ("/inspections.xlsx", "inspections"), ("/rectifications", "rectifications"),
    ("/coverage", "coverage"), ("/standards/2", "standards"), ("/jobs/5", "printing"), ("/cases/3", "cases"),
    ("/activities/3", "activities"), ("/activities.xlsx", "activities"),
    ("/statistics/records", "statistics"), ("/statistics.docx", "statistics"),
    ("/kpis", "kpis"), ("/kpis/cases", "kpis"), ("/kpis.xlsx", "kpis"),
])
def test_a_page_finds_its_help_by_its_section(path, slug):
    assert topic_for(path).slug == slug


def test_the_header_links_the_help_of_the_page_shown(client_as):
    html = client_as("supervisor").get("/rectifications").get_data(as_text=True)
    assert '<a href="/help/rectifications">帮助</a>' in html
    assert client_as("clerk").get("/help/nothing-here").status_code == 404


def test_the_help_says_what_the_standards_mean_and_who_signs(client_as):
    standards = client_as("clerk").get("/help/standards").get_data(as_text=True)
    assert "有场地、有经费、有人员、有活动" in standards
    inspections = client_as("clerk").get("/help/inspections").get_data(as_text=True)
    assert "验收结论决定是否达标" in inspections and "谁签字" in inspections
