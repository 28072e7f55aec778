"""La fiche de renseignements: guide section 3.3."""

from teleservices.core.api import ServiceSpec, StaffRole, UserType, hookimpl

SERVICE = ServiceSpec(
    key="fiche",
    label="La fiche de renseignements",
    icon="fiche/icon.svg",
    audiences=frozenset({UserType.PARENT}),
    national=False,
    mobile=False,
    order=40,
    description="Mettre à jour les données administratives de l'élève et de ses responsables.",
    staff_roles=frozenset({StaffRole.SECRETARIAT}),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]



@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.fiche.piccolo_app"]
