"""Le livret personnel de compétences: guide section 3.6."""

from teleservices.core.api import ServiceSpec, UserType, hookimpl

SERVICE = ServiceSpec(
    key="lpc",
    label="Le livret personnel de compétences",
    icon="lpc/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=False,
    order=30,
    description="Les compétences du socle commun et leur date de validation.",
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]

