"""What an account may see: its children, their establishments, the services opened there.

Each function is one query, whatever the number of children or services.
"""

from __future__ import annotations

from teleservices.core.api import Child, Etablissement, ServiceSpec, UserType, Viewer
from teleservices.core.tables import CompteEleve, ServiceActivation

_E = CompteEleve.eleve
_ETAB = _E.etablissement
ETAB_FIELDS = list(Etablissement.__dataclass_fields__)


async def children_of(viewer: Viewer) -> list[Child]:
    """The pupils this account may see, in a stable order (by first name, then id)."""
    if viewer.type == UserType.PERSONNEL:
        return []
    rows = (
        await CompteEleve.select(
            _E.id,
            _E.eleve_id,
            _E.nom_de_famille,
            _E.prenom,
            _E.code_sexe,
            _E.date_naiss,
            _E.acces_suivi_retire,
            _E.division.libelle.as_alias("division"),
            *(getattr(_ETAB, f).as_alias(f"etab_{f}") for f in ETAB_FIELDS),
        )
        .where(CompteEleve.compte == viewer.compte_id)
        .order_by(_E.date_naiss, ascending=False)
        .order_by(_E.id)
    )
    return [_child(row) for row in rows]


def _child(row: dict) -> Child:
    etab = Etablissement(**{f: row[f"etab_{f}"] for f in ETAB_FIELDS})
    return Child(
        id=row["eleve.id"],
        eleve_id=row["eleve.eleve_id"],
        nom_de_famille=row["eleve.nom_de_famille"],
        prenom=row["eleve.prenom"],
        code_sexe=row["eleve.code_sexe"],
        date_naiss=row["eleve.date_naiss"],
        division=row["division"] or "",
        acces_suivi_retire=bool(row["eleve.acces_suivi_retire"]),
        etablissement=etab,
    )


async def opened_services(etablissement_id: int) -> set[str]:
    rows = await ServiceActivation.select(ServiceActivation.service).where(
        (ServiceActivation.etablissement == etablissement_id) & (ServiceActivation.ouvert == True)  # noqa: E712
    )
    return {row["service"] for row in rows}


def refusal(spec: ServiceSpec, viewer: Viewer, child: Child, opened: set[str]) -> str | None:
    """Why this viewer may not use this service for this child, or None if they may.

    The one rule behind both the home screen's list and the guard of every service route.
    """
    if spec.key not in opened:
        return "Ce service n'est pas ouvert par l'établissement."
    if not spec.visible_to(viewer.type):
        return "Ce service n'est pas proposé à votre type de compte."
    if spec.national and viewer.type == UserType.ELEVE and child.acces_suivi_retire:
        return "L'établissement a retiré l'accès à ce service."
    return None


def visible_services(
    services: dict[str, ServiceSpec], viewer: Viewer, child: Child, opened: set[str]
) -> list[ServiceSpec]:
    return [s for s in services.values() if refusal(s, viewer, child, opened) is None]
