"""Les absences: guide section 3.5."""

from teleservices.core.api import DemoContext, ServiceOption, ServiceSpec, StaffRole, UserType, hookimpl
from teleservices.core.api import lazy_gettext as _l
from teleservices.plugins.absences import demo, famille
from teleservices.plugins.absences.api import ROUTES as API_ROUTES
from teleservices.plugins.absences.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="absences",
    label=_l("Les absences"),
    icon="absences/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=True,
    order=20,
    description=_l("Le nombre de demi-journées d'absence par semaine, et le contact de la vie scolaire."),
    options=(
        # Guide 3.5: absences are shown once the vie scolaire authorised their publication.
        ServiceOption(
            key="publication", label=_l("Publier les absences aux familles"), kind="bool", default=False,
            help=_l("Tant que la vie scolaire n'a pas autorisé la publication, les familles ne voient aucune absence."),
        ),
        # The « Contacter la vie scolaire » dialog; empty: the establishment's record.
        ServiceOption(key="contact_mel", label=_l("Courriel de la vie scolaire"), kind="text", default=""),
        ServiceOption(key="contact_telephone", label=_l("Téléphone de la vie scolaire"), kind="text", default=""),
        ServiceOption(key="contact_telecopie", label=_l("Télécopie de la vie scolaire"), kind="text", default=""),
    ),
    routes=famille.ROUTES,
    feed_routes=famille.FEED_ROUTES,
    staff_routes=STAFF_ROUTES,
    api_routes=API_ROUTES,
    staff_roles=frozenset({StaffRole.VIE_SCOLAIRE}),
    audit_actions=(
        ("absences.saisie", _l("Absences saisies")),
        ("absences.reglages", _l("Publication et contact des absences modifiés")),
        ("absences.api", _l("Absences reçues d'un logiciel (API)")),
    ),
    # Told to families when the vie scolaire records a half-day that counts (staff.py).
    notifications=(("absences.comptees", _l("Absences comptées")),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.absences.piccolo_app"]


@hookimpl
async def demo_data(context: DemoContext) -> None:
    await demo.load(context)
