"""Les notes: the grades service of guide section 3.4."""

from teleservices.core.api import DemoContext, ServiceOption, ServiceSpec, StaffRole, UserType, hookimpl
from teleservices.plugins.notes import demo, famille
from teleservices.plugins.notes.api import ROUTES as API_ROUTES
from teleservices.plugins.notes.staff import ROUTES as STAFF_ROUTES

SERVICE = ServiceSpec(
    key="notes",
    label="Les notes",
    icon="notes/icon.svg",
    audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
    national=True,
    mobile=True,
    order=10,
    description="Les notes des devoirs par période et par matière, avec la moyenne, la note la plus basse et la plus haute.",
    # Guide 3.4: grades are shown once the teacher and the school allowed their publication,
    # as they come or from a chosen date.
    options=(
        ServiceOption(
            key="publication", label="Publication des notes", kind="choice", default="au_fil_de_l_eau",
            choices=(("au_fil_de_l_eau", "Au fil de l'eau"), ("a_partir_du", "À partir d'une date")),
        ),
        *(
            ServiceOption(
                key=f"publication_t{n}", label=f"Date de publication des notes du trimestre {n}", kind="date",
                default="",
                help=f"Pour la publication « À partir d'une date » : les notes des devoirs du trimestre {n} "
                "sont visibles à partir de ce jour (aucune tant que la date n'est pas fixée).",
            )
            for n in (1, 2, 3)
        ),
    ),
    routes=famille.ROUTES,
    staff_routes=STAFF_ROUTES,
    api_routes=API_ROUTES,
    staff_roles=frozenset({StaffRole.ENSEIGNANT}),
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
    notifications=(("notes.publiees", "Nouvelles notes publiées"),),
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
