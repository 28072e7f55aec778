"""Les liens externes: the ENT of the academy and other links (academic services, a school's
site) on the families' home screen, configured by the academy administrator for the whole
academy or one establishment, and by the head for their establishment (guide 1.1: « il est
possible d'y ajouter des services académiques […] et l'ENT mis en place dans l'académie »).

The links are not a service a family opens: they come to the home screen through the
``home_links`` hook, whatever the services the establishment opened, and stay for a pupil whose
access to the national follow-up services was removed (guide 1.2). The service declared here
carries the staff pages (``/administration/liens/``) and the journal's labels; it is meant for
no family (no audience), so it never shows on the home screen itself.
"""

from teleservices.core.api import Child, DemoContext, HomeLink, ServiceSpec, Viewer, hookimpl, lazy_gettext as _l
from teleservices.plugins.liens import demo, famille
from teleservices.plugins.liens.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="liens",
    label=_l("Liens externes (ENT)"),
    icon="liens/lien.svg",
    audiences=frozenset(),
    order=80,
    description=_l("L'ENT et les autres liens (services académiques, site de l'établissement) affichés sur "
                   "l'écran d'accueil des familles, dans un nouvel onglet."),
    staff_routes=STAFF_ROUTES,
    audit_actions=(
        ("liens.ajouter", _l("Lien externe ajouté")),
        ("liens.modifier", _l("Lien externe modifié")),
        ("liens.supprimer", _l("Lien externe supprimé")),
    ),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.liens.piccolo_app"]


@hookimpl
async def home_links(viewer: Viewer, child: Child) -> list[HomeLink]:
    return await famille.liens_accueil(viewer, child)


@hookimpl
async def demo_data(context: DemoContext) -> None:
    await demo.load(context)
