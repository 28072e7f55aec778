"""The school's administrative record of a pupil and of their legal guardians, as the fiche de
renseignements reads and changes it (guide 3.3): one query each, rows as dicts; changes only to
the fields the forms show (``PUPIL_FIELDS``, ``GUARDIAN_FIELDS``), so that no request, however
crafted, reaches the régime, the class or an identifier.
"""

from __future__ import annotations

from typing import Any, Iterable

from teleservices.core.tables import Eleve, Responsable, ResponsableEleve

# What a family may ask to change, on the pupil's form and on a guardian's.
PUPIL_FIELDS = (
    "nom_de_famille", "prenom", "prenom2", "prenom3", "code_sexe", "date_naiss", "code_pays_naiss", "ville_naiss",
    "adresse_resp1", "tel_domicile", "tel_travail", "tel_portable", "mel",
)
GUARDIAN_FIELDS = (
    "code_parente", "lc_civilite", "nom_de_famille", "prenom", "code_profession", "ligne1_adresse", "ligne2_adresse",
    "ligne3_adresse", "ligne4_adresse", "code_postal", "libelle_postal", "code_pays", "communication_adresse",
    "tel_personnel", "tel_professionnel", "tel_portable", "accepte_sms", "mel",
)
# code_parente is the link's (RESPONSABLE_ELEVE), the others the person's (PERSONNE).
LINK_FIELDS = ("code_parente",)

# The pupil's record and their legal guardians (1, then 2) in one query: the pupil's columns are
# prefixed « e_ » on every row; a pupil without guardian gives one row whose guardian is NULL.
# ``detenu``: whether the account given (0: none) holds this guardian, as HELD_SQL decides.
RECORD_SQL = f"""
SELECT e.id AS e_id, e.code_regime AS e_code_regime, {", ".join(f"e.{f} AS e_{f}" for f in PUPIL_FIELDS)},
       r.id, re.id AS lien_id, re.resp_legal, re.code_parente,
       {", ".join(f"r.{f}" for f in GUARDIAN_FIELDS if f not in LINK_FIELDS)},
       (EXISTS (SELECT 1 FROM compte_eleve ce JOIN responsable_eleve h ON h.id = ce.responsable_eleve
                WHERE ce.compte = {{}} AND ce.eleve = e.id AND h.responsable = r.id)
        OR EXISTS (SELECT 1 FROM compte c WHERE c.id = {{}} AND c.responsable = r.id)) AS detenu
FROM eleve e
LEFT JOIN responsable_eleve re ON re.eleve = e.id AND re.resp_legal IN (1, 2)
LEFT JOIN responsable r ON r.id = re.responsable
WHERE e.id = {{}}
ORDER BY re.resp_legal, r.id
"""
# The guardians an account holds for a pupil: those of its links to the pupil, and its own person.
HELD_SQL = """
SELECT re.responsable FROM compte_eleve ce JOIN responsable_eleve re ON re.id = ce.responsable_eleve
WHERE ce.compte = {} AND ce.eleve = {}
UNION
SELECT re.responsable FROM compte c JOIN responsable_eleve re ON re.responsable = c.responsable
WHERE c.id = {} AND re.eleve = {}
"""
BOOLEANS = ("adresse_resp1", "communication_adresse", "accepte_sms", "detenu")


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """Booleans as booleans (SQLite gives integers)."""
    return {k: bool(v) if k in BOOLEANS else v for k, v in row.items()}


async def pupil_and_guardians(eleve_id: int, held_by: int | None = None) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The pupil's record (id, code_regime, ``PUPIL_FIELDS``), or None, and their legal guardians
    (resp_legal 1, then 2: id (the person), lien_id, resp_legal, ``GUARDIAN_FIELDS`` and
    ``detenu``: whether the account ``held_by`` holds them), in one query."""
    account = held_by or 0
    rows = await Eleve.raw(RECORD_SQL, account, account, eleve_id)
    if not rows:
        return None, []
    pupil = _typed({name.removeprefix("e_"): value for name, value in rows[0].items() if name.startswith("e_")})
    guardians = [_typed({name: value for name, value in row.items() if not name.startswith("e_")})
                 for row in rows if row["id"] is not None]
    return pupil, guardians


async def pupil_record(eleve_id: int) -> dict[str, Any] | None:
    """The pupil's record: id, code_regime (never changed here) and ``PUPIL_FIELDS``."""
    return (await pupil_and_guardians(eleve_id))[0]


async def guardians(eleve_id: int, held_by: int | None = None) -> list[dict[str, Any]]:
    """The pupil's legal guardians (``pupil_and_guardians``)."""
    return (await pupil_and_guardians(eleve_id, held_by))[1]


async def held_guardians(compte_id: int, eleve_id: int) -> set[int]:
    """The guardians (person ids) whose data this account may see and change for this pupil:
    with separate accounts, each guardian only their own."""
    rows = await Responsable.raw(HELD_SQL, compte_id, eleve_id, compte_id, eleve_id)
    return {row["responsable"] for row in rows}


def _only(values: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Champs non modifiables : {', '.join(sorted(unknown))}")
    return values


async def update_pupil(eleve_id: int, values: dict[str, Any]) -> None:
    """Write accepted changes to the pupil's record (``PUPIL_FIELDS`` only)."""
    values = _only(values, PUPIL_FIELDS)
    if values:
        await Eleve.update({getattr(Eleve, k): v for k, v in values.items()}).where(Eleve.id == eleve_id)


async def update_guardian(responsable_id: int, eleve_id: int, values: dict[str, Any]) -> None:
    """Write accepted changes to a guardian's record (``GUARDIAN_FIELDS`` only; the link's
    code_parente to their link with this pupil)."""
    values = _only(values, GUARDIAN_FIELDS)
    person = {k: v for k, v in values.items() if k not in LINK_FIELDS}
    link = {k: v for k, v in values.items() if k in LINK_FIELDS}
    if person:
        await Responsable.update({getattr(Responsable, k): v for k, v in person.items()}).where(
            Responsable.id == responsable_id)
    if link:
        await ResponsableEleve.update({getattr(ResponsableEleve, k): v for k, v in link.items()}).where(
            (ResponsableEleve.responsable == responsable_id) & (ResponsableEleve.eleve == eleve_id))


NAMES_SQL = "SELECT id, lc_civilite, nom_de_famille, prenom FROM responsable WHERE id IN ({ids})"


async def guardian_names(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Guardians by id (lc_civilite, nom_de_famille, prenom), in one query; none for no id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = await Responsable.raw(NAMES_SQL.replace("{ids}", ", ".join("{}" for _ in ids)), *ids)
    return {row["id"]: row for row in rows}


ACCOUNT_SQL = "SELECT identifiant, mel, langue FROM compte WHERE id = {}"


async def account_contact(compte_id: int) -> dict[str, str] | None:
    """The identifier, e-mail address and chosen language (« »: none) of an account: where its
    mails go, and in which language."""
    rows = await Eleve.raw(ACCOUNT_SQL, compte_id)
    return rows[0] if rows else None
