"""Les notes: the grades service of guide section 3.4."""

from teleservices.core.api import ServiceSpec, UserType, hookimpl

SERVICE = ServiceSpec(
    key="notes",
    label="Les notes",
    icon="notes/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=True,
    order=10,
    description="Les notes des devoirs par période et par matière, avec la moyenne, la note la plus basse et la plus haute.",
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]

