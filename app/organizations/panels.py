"""Sections other domains add to an organisation's page (its inspections, later its cases and
activities). A domain registers its panel from its ``init_app``; the page renders the panels
it is handed, each from its own template with its own data, and knows none of them by name."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, render_template
from markupsafe import Markup

from app.organizations.models import Organization

EXTENSION_KEY = "organization_panels"


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Organization], dict]  # the panel's data for one organisation


def add_panel(app, template: str, context: Callable[[Organization], dict]) -> None:
    app.extensions.setdefault(EXTENSION_KEY, []).append(Panel(template, context))


def render_panels(organization: Organization) -> list[Markup]:
    return [
        Markup(render_template(panel.template, organization=organization, **panel.context(organization)))
        for panel in current_app.extensions.get(EXTENSION_KEY, [])
    ]
