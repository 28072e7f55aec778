"""La fiche de renseignements: guide section 3.3."""

from teleservices.core.api import ServiceSpec, StaffRole, UserType, hookimpl
from teleservices.plugins.fiche import famille
from teleservices.plugins.fiche.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="fiche",
    label="La fiche de renseignements",
    icon="fiche/icon.svg",
    audiences=frozenset({UserType.PARENT}),
    national=False,
    mobile=False,
    order=40,
    description="Mettre à jour les données administratives de l'élève et de ses responsables.",
    routes=famille.ROUTES,
    staff_routes=STAFF_ROUTES,
    staff_roles=frozenset({StaffRole.SECRETARIAT}),
    audit_actions=(
        ("fiche.decision", "Fiche de renseignements traitée"),
        ("fiche.export", "Modifications acceptées exportées (CSV)"),
    ),
    # Told to families when the school decides on a request (staff.py), besides the decision mail.
    notifications=(("fiche.decision", "Réponse de l'établissement à une demande de modification"),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.fiche.piccolo_app"]
