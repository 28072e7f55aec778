"""Example third-party plugin: "ENT de l'académie", the links each establishment publishes.

It imports only from ``teleservices.core.api``, ships its own template, table, migration and
English catalog (``locale/``, found like ``templates/``), and registers through the ``teleservices`` entry-point group. The ENT pushes the links itself:
``PUT /api/v1/ent_exemple/liens`` with an API key of the establishment.
"""

from typing import Annotated

import msgspec
from litestar import Request, Response, get, put
from litestar.params import JSONBody

from teleservices.core.api import (
    CurrentApiClient, CurrentChild, DemoContext, ServiceSpec, audit, hookimpl, render,
)
from teleservices.core.api import lazy_gettext as _l
from teleservices_ent_exemple.tables import EntExempleLien


@get("/", name="ent_exemple:liens")
async def liens(request: Request, child: CurrentChild) -> Response:
    rows = await EntExempleLien.select(EntExempleLien.libelle, EntExempleLien.url).where(
        EntExempleLien.etablissement_id == child.etablissement.id
    ).order_by(EntExempleLien.libelle)
    return render(request, "ent_exemple/liens.html", {"child": child, "liens": rows})


class Lien(msgspec.Struct, forbid_unknown_fields=True):
    libelle: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    url: Annotated[str, msgspec.Meta(max_length=300, pattern=r"^https?://[^\s]+$")]


class Liens(msgspec.Struct, forbid_unknown_fields=True):
    """Every link of the establishment: the list replaces the former one."""

    liens: Annotated[list[Lien], msgspec.Meta(max_length=200)]


class LiensRemplaces(msgspec.Struct):
    liens: int


@put("/liens", summary="Remplace les liens ENT de l'établissement", description=(
    "La liste envoyée remplace tous les liens de l'établissement de la clé. Un corps invalide est "
    "refusé (400, erreurs détaillées) et rien n'est écrit."
))
async def remplacer_liens(request: Request, data: JSONBody[Liens], api_client: CurrentApiClient) -> LiensRemplaces:
    """Replaces the links of the key's establishment (only its own), in one transaction. An
    invalid body is refused (400, with the errors) before anything is written."""
    etablissement_id = api_client.etablissement_id
    async with EntExempleLien._meta.db.transaction():
        await EntExempleLien.delete().where(EntExempleLien.etablissement_id == etablissement_id)
        if data.liens:
            await EntExempleLien.insert(*(
                EntExempleLien(etablissement_id=etablissement_id, libelle=lien.libelle, url=lien.url)
                for lien in data.liens
            ))
        await audit(request, "ent_exemple.liens", f"{len(data.liens)} lien(s) ENT publiés")
    return LiensRemplaces(liens=len(data.liens))


@hookimpl
def services() -> list[ServiceSpec]:
    return [ServiceSpec(key="ent_exemple", label=_l("ENT de l'académie"), order=90, routes=[liens],
                        api_routes=[remplacer_liens],
                        description=_l("Les liens de l'espace numérique de travail de l'établissement."))]


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
