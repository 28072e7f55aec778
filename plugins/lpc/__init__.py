"""Le livret personnel de compétences: guide section 3.6."""

from teleservices.core.api import DemoContext, ServiceSpec, StaffRole, UserType, hookimpl, lazy_gettext as _l
from teleservices.plugins.lpc import demo, famille
from teleservices.plugins.lpc.api import ROUTES as API_ROUTES
from teleservices.plugins.lpc.import_page import ROUTES as IMPORT_ROUTES
from teleservices.plugins.lpc.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="lpc",
    label=_l("Le livret personnel de compétences"),
    icon="lpc/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=False,
    order=30,
    description=_l("Les compétences du socle commun et leur date de validation."),
    routes=famille.ROUTES,
    staff_routes=[*STAFF_ROUTES, *IMPORT_ROUTES],
    api_routes=API_ROUTES,
    staff_roles=frozenset({StaffRole.ENSEIGNANT}),
    audit_actions=(
        ("lpc.validation", "Livret de compétences validé"),
        ("lpc.import", "Fichier LPC importé"),
        ("lpc.api", "Validations du LPC reçues d'un logiciel (API)"),
    ),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.lpc.piccolo_app"]


@hookimpl
async def demo_data(context: DemoContext) -> None:
    await demo.load(context)
