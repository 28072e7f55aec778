"""Les absences: guide section 3.5."""

from teleservices.core.api import ServiceOption, ServiceSpec, StaffRole, UserType, hookimpl

SERVICE = ServiceSpec(
    key="absences",
    label="Les absences",
    icon="absences/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=True,
    order=20,
    description="Le nombre de demi-journées d'absence par semaine, et le contact de la vie scolaire.",
    # Guide 3.5: absences are shown only when the vie scolaire authorised their publication.
    options=(
        ServiceOption(key="publication", label="Publier les absences aux familles", kind="bool", default=True),
    ),
    staff_roles=frozenset({StaffRole.VIE_SCOLAIRE}),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]

