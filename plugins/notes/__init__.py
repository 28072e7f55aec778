"""Les notes: the grades service of guide section 3.4."""

from teleservices.core.api import DemoContext, ServiceOption, ServiceSpec, StaffRole, UserType, hookimpl
from teleservices.core.api import lazy_gettext as _l
from teleservices.plugins.notes import demo, famille
from teleservices.plugins.notes.api import ROUTES as API_ROUTES
from teleservices.plugins.notes.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="notes",
    label=_l("Les notes"),
    icon="notes/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=True,
    order=10,
    description=_l(
        "Les notes des devoirs par période et par matière, avec la moyenne, la note la plus basse et la plus haute."
    ),
    # Guide 3.4: grades are shown once the teacher and the school allowed their publication,
    # as they come or from a chosen date.
    options=(
        ServiceOption(
            key="publication", label=_l("Publication des notes"), kind="choice", default="au_fil_de_l_eau",
            choices=(("au_fil_de_l_eau", _l("Au fil de l'eau")), ("a_partir_du", _l("À partir d'une date"))),
        ),
        *(
            ServiceOption(
                key=f"publication_t{n}", label=_l("Date de publication des notes du trimestre %(n)s", n=n),
                kind="date", default="",
                help=_l("Pour la publication « À partir d'une date » : les notes des devoirs du trimestre %(n)s "
                        "sont visibles à partir de ce jour (aucune tant que la date n'est pas fixée).", n=n),
            )
            for n in (1, 2, 3)
        ),
    ),
    routes=famille.ROUTES,
    staff_routes=STAFF_ROUTES,
    api_routes=API_ROUTES,
    staff_roles=frozenset({StaffRole.ENSEIGNANT}),
    # The audit journal is a record: its actions' labels stay French, as its lines.
    audit_actions=(
        ("notes.devoir.creer", "Devoir créé"),
        ("notes.devoir.modifier", "Devoir modifié"),
        ("notes.saisie", "Notes saisies"),
        ("notes.import", "Notes importées d'un fichier"),
        ("notes.publier", "Notes d'un devoir publiées"),
        ("notes.depublier", "Publication des notes d'un devoir retirée"),
        ("notes.api", "Notes reçues d'un logiciel (API)"),
    ),
    # Told to families when a devoir's grades become visible to them (staff.py).
    notifications=(("notes.publiees", _l("Nouvelles notes publiées")),),
)


@hookimpl
def services() -> list[ServiceSpec]:
    return [SERVICE]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices.plugins.notes.piccolo_app"]


@hookimpl
async def demo_data(context: DemoContext) -> None:
    await demo.load(context)


@hookimpl
async def accounts_merged(kept: int, merged: int) -> None:
    await famille.fusionner_visites(kept, merged)
