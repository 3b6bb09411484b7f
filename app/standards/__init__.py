"""The 五有/四有 standards and everything measured against them: inspections, rectification,
the printed sheets and their verification codes. One blueprint per thing acted on, each in
its route module (inspection_routes, rectification_routes, standard_routes, sheet_routes,
verification_routes); services by the same split (inspections, rectifications, versions),
pure rules in ``rules``."""


def init_app(app) -> None:
    """Register what the standards add to the rest of the app: the immutability backstop and
    the inspections panel on the organisation page."""
    from app.organizations.panels import add_panel
    from app.standards import listeners
    from app.standards.inspections import organization_inspections

    listeners.register()
    add_panel(app, "standards/_org_inspections.html", lambda organization: {
        "checks": organization_inspections(organization)})
