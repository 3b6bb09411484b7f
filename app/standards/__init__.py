"""The 五有/四有 standards and everything measured against them: inspections, rectification,
the printed sheets and their verification codes. One blueprint per thing acted on, each in
its route module (inspection_routes, rectification_routes, standard_routes, sheet_routes);
services by the same split (inspections, rectifications, versions), pure rules in ``rules``;
what a sheet's verification code shows in ``verification``."""


def init_app(app) -> None:
    """Register what the standards add to the rest of the app: the immutability backstop, the
    inspections panel on the organisation page, and what a sheet's code shows."""
    from app.organizations.panels import add_panel
    from app.printing.codes import register_verification
    from app.standards import listeners, verification
    from app.standards.inspections import organization_inspections
    from app.standards.models import Inspection

    listeners.register()
    register_verification(Inspection, page=verification.public_page, address=verification.address)
    add_panel(app, "standards/_org_inspections.html", lambda organization: {
        "checks": organization_inspections(organization)})
