"""L'inscription pour l'entrée au lycée: guide section 3.2, for parents only.

The families' pages are ``famille``; the lycée's pages (campaign, offer, assigned pupils,
follow-up) are ``staff``, ``offre``, ``affectations`` and ``suivi``. The administrative step
reuses the fiche's forms and change requests: this plugin needs the fiche plugin.
"""

import datetime as dt

from teleservices.core.api import DemoContext, ServiceSpec, StaffRole, UserType, hookimpl, lazy_gettext as _l
from teleservices.plugins.inscription import affectations, demo, famille, offre, staff, suivi
from teleservices.plugins.inscription.affectation import lycee_d_affectation

SERVICE = ServiceSpec(
    key="inscription",
    label=_l("L'inscription au lycée"),
    icon="inscription/icon.svg",
    audiences=frozenset({UserType.PARENT}),
    national=False,
    mobile=False,
    order=50,
    description=_l("Inscrire son enfant dans son lycée d'affectation à la fin de la troisième."),
    # Offered by the lycée of the pupil's affectation, once its campaign has begun.
    offered_by=lycee_d_affectation,
    routes=famille.ROUTES,
    staff_routes=[*staff.ROUTES, *offre.ROUTES, *affectations.ROUTES, *suivi.ROUTES],
    staff_roles=frozenset({StaffRole.SECRETARIAT}),
    # The journal's filter shows these names in the page's language (its lines stay as written).
    audit_actions=(
        ("inscription.campagne", _l("Campagne d'inscription au lycée modifiée")),
        ("inscription.offre", _l("Offre de formation de l'inscription modifiée")),
        ("inscription.affectation", _l("Élèves affectés au lycée importés ou modifiés")),
        ("inscription.export", _l("Souhaits des inscriptions exportés (CSV)")),
        ("inscription.reouverture", _l("Inscription au lycée rouverte pour une famille")),
    ),
    # A lycée opens it; a collège's pupils are offered it by the lycée of their affectation.
    establishment_types=frozenset({"lycee"}),
    # Told to the families of the assigned pupils when the campaign opens (staff.py, affectations.py).
    notifications=(("inscription.campagne", _l("Ouverture de l'inscription au lycée")),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
async def daily(today: dt.date) -> None:
    """A campaign saved ahead of its first day is announced to the families on that day."""
    from teleservices.plugins.inscription.staff import announce_openings

    await announce_openings(today)


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.inscription.piccolo_app"]


@hookimpl
async def demo_data(context: DemoContext) -> None:
    await demo.load(context)
