"""Le cahier de textes: an academic service (guide, section 1: « il est possible d'y ajouter des
services académiques (à titre d'exemple : le cahier de textes) »), as a third party writes one.

It imports only from ``teleservices.core.api`` and registers through the ``teleservices``
entry-point group under the name « cahier »: its tables are ``cahier_*``, its static files are
served under ``/static/cahier/``, its templates live in ``templates/cahier/``.

- Families (parents and the pupil): ``/eleves/{id}/cahier/`` (famille.py).
- Teachers: ``/administration/cahier/`` (staff.py).
- School software: ``PUT /api/v1/cahier/seances`` and ``/devoirs`` (api.py).

Not a national follow-up service (``national=False``): when the school removes a pupil's access
to the national services (notes, absences, LPC), the pupil keeps the cahier de textes.
"""

from teleservices.core.api import DemoContext, ServiceSpec, StaffRole, UserType, hookimpl, lazy_gettext as _l
from teleservices_cahier_de_textes import demo, famille
from teleservices_cahier_de_textes.api import ROUTES as API_ROUTES
from teleservices_cahier_de_textes.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="cahier",
    label=_l("Le cahier de textes"),
    icon="cahier/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=False,
    mobile=True,
    order=60,
    description=_l("Les séances et le travail à faire, jour par jour, pour la classe et les groupes de l'élève."),
    routes=famille.ROUTES,
    staff_routes=STAFF_ROUTES,
    staff_roles=frozenset({StaffRole.ENSEIGNANT}),
    api_routes=API_ROUTES,
    audit_actions=(
        ("cahier.seance.ajouter", _l("Cahier de textes : séance ajoutée")),
        ("cahier.seance.modifier", _l("Cahier de textes : séance modifiée")),
        ("cahier.seance.supprimer", _l("Cahier de textes : séance supprimée")),
        ("cahier.devoir.ajouter", _l("Cahier de textes : travail à faire ajouté")),
        ("cahier.devoir.modifier", _l("Cahier de textes : travail à faire modifié")),
        ("cahier.devoir.supprimer", _l("Cahier de textes : travail à faire supprimé")),
        ("cahier.api", _l("Cahier de textes reçu d'un logiciel (API)")),
    ),
    # Told to the families when a teacher or the school's software gives homework (avis.py).
    notifications=(("cahier.devoir", _l("Travail à faire donné")),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices_cahier_de_textes.piccolo_app"]


@hookimpl
async def demo_data(context: DemoContext) -> None:
    await demo.load(context)
