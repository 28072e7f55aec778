"""La fiche de renseignements: guide section 3.3."""

from teleservices.core.api import ServiceSpec, StaffRole, UserType, hookimpl, lazy_gettext as _l
from teleservices.plugins.fiche import famille
from teleservices.plugins.fiche.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="fiche",
    label=_l("La fiche de renseignements"),
    icon="fiche/icon.svg",
    audiences=frozenset({UserType.PARENT}),
    national=False,
    mobile=False,
    order=40,
    description=_l("Mettre à jour les données administratives de l'élève et de ses responsables."),
    routes=famille.ROUTES,
    staff_routes=STAFF_ROUTES,
    staff_roles=frozenset({StaffRole.SECRETARIAT}),
    audit_actions=(
        ("fiche.decision", _l("Fiche de renseignements traitée")),
        ("fiche.export", _l("Modifications acceptées exportées (CSV)")),
    ),
    # Told to families when the school decides on a request (staff.py), besides the decision mail.
    notifications=(("fiche.decision", _l("Réponse de l'établissement à une demande de modification")),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.fiche.piccolo_app"]
