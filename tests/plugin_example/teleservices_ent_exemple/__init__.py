"""Example third-party plugin: "ENT de l'académie", the links each establishment publishes.

It imports only from ``teleservices.core.api``, ships its own template, table and migration,
and registers through the ``teleservices`` entry-point group.
"""

from litestar import Request, Response, get

from teleservices.core.api import CurrentChild, DemoContext, ServiceSpec, hookimpl, render
from teleservices_ent_exemple.tables import EntExempleLien


@get("/", name="ent_exemple:liens")
async def liens(request: Request, child: CurrentChild) -> Response:
    rows = await EntExempleLien.select(EntExempleLien.libelle, EntExempleLien.url).where(
        EntExempleLien.etablissement_id == child.etablissement.id
    ).order_by(EntExempleLien.libelle)
    return render(request, "ent_exemple/liens.html", {"child": child, "liens": rows})


@hookimpl
def services() -> list[ServiceSpec]:
    return [ServiceSpec(key="ent_exemple", label="ENT de l'académie", order=90, routes=[liens],
                        description="Les liens de l'espace numérique de travail de l'établissement.")]


@hookimpl
def piccolo_apps() -> list[str]:
    return ["teleservices_ent_exemple.piccolo_app"]


@hookimpl
async def demo_data(context: DemoContext) -> None:
    for kind, etablissement_id in context.etablissements.items():
        exists = await EntExempleLien.exists().where(EntExempleLien.etablissement_id == etablissement_id)
        if not exists:
            await EntExempleLien.insert(EntExempleLien(
                etablissement_id=etablissement_id, libelle=f"Espace numérique ({kind})",
                url=f"https://ent.example.org/{kind}",
            ))
