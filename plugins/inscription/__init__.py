"""L'inscription pour l'entrée au lycée: guide section 3.2, for parents only."""

from teleservices.core.api import ServiceSpec, StaffRole, UserType, hookimpl
from teleservices.plugins.inscription.affectation import lycee_d_affectation
from teleservices.plugins.inscription.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="inscription",
    label="L'inscription au lycée",
    icon="inscription/icon.svg",
    audiences=frozenset({UserType.PARENT}),
    national=False,
    mobile=False,
    order=50,
    description="Inscrire son enfant dans son lycée d'affectation à la fin de la troisième.",
    # Offered by the lycée of the pupil's affectation, once its campaign has begun.
    offered_by=lycee_d_affectation,
    staff_routes=STAFF_ROUTES,
    staff_roles=frozenset({StaffRole.SECRETARIAT}),
    audit_actions=(("inscription.campagne", "Campagne d'inscription au lycée modifiée"),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]



@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.inscription.piccolo_app"]
