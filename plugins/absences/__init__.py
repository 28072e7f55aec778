"""Les absences: guide section 3.5."""

from teleservices.core.api import ServiceSpec, UserType, hookimpl

SERVICE = ServiceSpec(
    key="absences",
    label="Les absences",
    icon="absences/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=True,
    order=20,
    description="Le nombre de demi-journées d'absence par semaine, et le contact de la vie scolaire.",
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]

