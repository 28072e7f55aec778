"""Writing one checked file into one establishment, by SIECLE identifiers.

Each ``apply_*`` runs inside the file's transaction. It reads what exists in a few bulk
queries, inserts the new rows in multi-row INSERTs and updates only the columns that changed:
importing the same file twice writes nothing the second time. Pupils and guardians are never
deleted nor recreated, so the accounts that point at them (Compte, CompteEleve) and what families
entered stay untouched. Hand-written SQL, portable between SQLite and PostgreSQL: Piccolo's query
building costs milliseconds per query, too much for thousands of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable, Sequence

from piccolo.table import Table

from teleservices.core.i18n import gettext as _, ngettext
from teleservices.core.siecle.parsers import Parsed
from teleservices.core.tables import (
    Division, Eleve, EleveGroupe, Enseignant, Enseignement, Matiere, Mef, Responsable, ResponsableEleve,
)

MAX_PARAMETERS = 30_000  # below SQLite's 32,766 and PostgreSQL's 32,767 bind parameters
MAX_LISTED = 500  # skipped items listed one by one in a summary; beyond, only counted


@dataclass
class FileSummary:
    """What one file did: per kind of row, how many were created, updated or deleted; the
    pupils marked as left; what was skipped and why; or why the whole file was refused.

    The kinds (« élèves », « matières »…) are stable keys, named in the reader's language when
    shown (``siecle.web.counts_text``); the reasons and remarks are sentences, written in the
    language of whoever runs the import."""

    fichier: str
    type: str = ""
    libelle: str = ""
    crees: dict[str, int] = field(default_factory=dict)
    mis_a_jour: dict[str, int] = field(default_factory=dict)
    supprimes: dict[str, int] = field(default_factory=dict)
    sortis: int = 0
    ignores: list[str] = field(default_factory=list)
    ignores_total: int = 0
    remarques: list[str] = field(default_factory=list)
    erreur: str = ""

    @property
    def total_crees(self) -> int:
        return sum(self.crees.values())

    @property
    def total_mis_a_jour(self) -> int:
        return sum(self.mis_a_jour.values())

    def skip(self, reason: str) -> None:
        self.ignores_total += 1
        if len(self.ignores) < MAX_LISTED:
            self.ignores.append(reason)

    def count(self, what: str, created: int, updated: int) -> None:
        if created:
            self.crees[what] = self.crees.get(what, 0) + created
        if updated:
            self.mis_a_jour[what] = self.mis_a_jour.get(what, 0) + updated


# --- bulk helpers ----------------------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _select_in(table: type[Table], sql: str, values: Sequence, *args: Any) -> list[dict]:
    """``sql`` with ``{in}`` standing for a list of placeholders, run in chunks."""
    rows: list[dict] = []
    for chunk in _chunks(list(values), 1000):
        rows += await table.raw(sql.replace("{in}", ", ".join(["{}"] * len(chunk))), *args, *chunk)
    return rows


async def insert_rows(table: type[Table], rows: list[dict]) -> None:
    """Multi-row INSERTs, as many rows per statement as the bind parameters allow."""
    if not rows:
        return
    columns = list(rows[0])
    placeholders = "(" + ", ".join(["{}"] * len(columns)) + ")"
    for batch in _chunks(rows, max(1, min(1000, MAX_PARAMETERS // len(columns)))):
        await table.raw(
            f"INSERT INTO {table._meta.tablename} ({', '.join(columns)}) VALUES "
            + ", ".join([placeholders] * len(batch)),
            *[row[c] for row in batch for c in columns],
        )


async def update_row(table: type[Table], row_id: int, changes: dict[str, Any]) -> None:
    sets = ", ".join(f"{column} = {{}}" for column in changes)
    await table.raw(f"UPDATE {table._meta.tablename} SET {sets} WHERE id = {{}}", *changes.values(), row_id)


async def delete_ids(table: type[Table], ids: Sequence[int]) -> None:
    for chunk in _chunks(list(ids), 1000):
        await table.raw(f"DELETE FROM {table._meta.tablename} WHERE id IN ({', '.join(['{}'] * len(chunk))})", *chunk)


def _same(stored: Any, new: Any) -> bool:
    if isinstance(new, bool):
        return bool(stored) == new
    return stored == new


async def sync(
    table: type[Table], rows: list[dict], existing: dict[Hashable, dict], key: Callable[[dict], Hashable],
    update_columns: Sequence[str], fixed: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """Insert the rows whose key is new; update, column by column, the ones that changed.
    Returns (created, updated)."""
    new, updated = [], 0
    for row in {key(r): r for r in rows}.values():  # the last of duplicates wins
        old = existing.get(key(row))
        if old is None:
            new.append({**(fixed or {}), **row})
            continue
        changes = {c: row[c] for c in update_columns if not _same(old[c], row[c])}
        if changes:
            await update_row(table, old["id"], changes)
            updated += 1
    await insert_rows(table, new)
    return len(new), updated


# --- one establishment -----------------------------------------------------------------------------------------


@dataclass
class Target:
    etablissement_id: int
    today: dt.date


MEF_COLUMNS = ["formation", "libelle_long", "libelle_edition", "mef_rattachement"]
MATIERE_COLUMNS = ["code_gestion", "libelle", "libelle_court", "libelle_long"]


async def _sync_matieres(target: Target, rows: list[dict], summary: FileSummary) -> None:
    existing = await Matiere.raw(
        f"SELECT id, code_matiere, {', '.join(MATIERE_COLUMNS)} FROM matiere WHERE etablissement = {{}}",
        target.etablissement_id,
    )
    summary.count("matières", *await sync(
        Matiere, rows, {r["code_matiere"]: r for r in existing}, lambda r: r["code_matiere"], MATIERE_COLUMNS,
        {"etablissement": target.etablissement_id},
    ))


async def apply_nomenclature(target: Target, parsed: Parsed, summary: FileSummary) -> None:
    existing = await Mef.raw(
        f"SELECT id, code_mef, {', '.join(MEF_COLUMNS)} FROM mef WHERE etablissement = {{}}", target.etablissement_id
    )
    summary.count("MEF", *await sync(
        Mef, parsed.rows["mefs"], {r["code_mef"]: r for r in existing}, lambda r: r["code_mef"], MEF_COLUMNS,
        {"etablissement": target.etablissement_id},
    ))
    await _sync_matieres(target, parsed.rows["matieres"], summary)


async def _divisions(target: Target) -> dict[str, dict]:
    rows = await Division.raw(
        "SELECT id, code_structure, type_structure, code_mef FROM division WHERE etablissement = {}",
        target.etablissement_id,
    )
    return {r["code_structure"]: r for r in rows}


async def _sync_divisions(target: Target, rows: list[dict], summary: FileSummary) -> dict[str, int]:
    """Classes and groups by code; a structure keeps its MEF when a file does not say it."""
    existing = await _divisions(target)
    prepared = [
        {**row, "libelle": row["code_structure"],
         "code_mef": row["code_mef"] or existing.get(row["code_structure"], {}).get("code_mef", "")}
        for row in rows
    ]
    summary.count("classes et groupes", *await sync(
        Division, prepared, existing, lambda r: r["code_structure"], ["type_structure", "code_mef"],
        {"etablissement": target.etablissement_id},
    ))
    return {code: row["id"] for code, row in (await _divisions(target)).items()}


PUPIL_COLUMNS = [
    "ine", "nom_de_famille", "prenom", "prenom2", "prenom3", "code_sexe", "date_naiss", "code_pays_naiss",
    "ville_naiss", "code_commune_insee_naiss", "code_regime", "code_mef", "date_entree", "date_sortie",
]


def _who(pupil: dict) -> str:
    return f"{pupil['nom_de_famille']} {pupil['prenom']} (ELEVE_ID {pupil['eleve_id']})"


async def _pupils_here(target: Target) -> dict[str, int]:
    rows = await Eleve.raw("SELECT id, eleve_id FROM eleve WHERE etablissement = {}", target.etablissement_id)
    return {r["eleve_id"]: r["id"] for r in rows}


async def apply_eleves(target: Target, parsed: Parsed, summary: FileSummary) -> None:
    division_ids = await _sync_divisions(target, parsed.rows["divisions"], summary)
    pupils = parsed.rows["eleves"]
    existing = {
        r["eleve_id"]: r for r in await _select_in(
            Eleve, f"SELECT id, eleve_id, etablissement, division, {', '.join(PUPIL_COLUMNS)} FROM eleve "
            "WHERE eleve_id IN ({in})", [p["eleve_id"] for p in pupils],
        )
    }
    rows, columns = [], [*PUPIL_COLUMNS, "division"]
    for pupil in pupils:
        old = existing.get(pupil["eleve_id"])
        if old is not None and old["etablissement"] != target.etablissement_id:
            summary.skip(_("%(eleve)s : inscrit dans un autre établissement, ignoré", eleve=_who(pupil)))
            continue
        if pupil["division"] is None and old is None:
            summary.skip(_("%(eleve)s : sans division (aucune structure de type D), ignoré", eleve=_who(pupil)))
            continue
        division = division_ids.get(pupil["division"]) if pupil["division"] else (old or {}).get("division")
        rows.append({"eleve_id": pupil["eleve_id"], **{c: pupil[c] for c in PUPIL_COLUMNS}, "division": division})
        if pupil["date_sortie"] and pupil["date_sortie"] <= target.today:
            summary.sortis += 1
    summary.count("élèves", *await sync(
        Eleve, rows, existing, lambda r: r["eleve_id"], columns,
        {"etablissement": target.etablissement_id, "acces_suivi_retire": False, "mel": ""},
    ))
    here = await _pupils_here(target)
    in_file = {p["eleve_id"] for p in pupils}
    absent = len(set(here) - in_file)
    if absent:
        summary.remarques.append(ngettext(
            "%(num)d élève(s) de l'établissement absent(s) de ce fichier : conservé(s), rien n'est supprimé.",
            "%(num)d élève(s) de l'établissement absent(s) de ce fichier : conservé(s), rien n'est supprimé.",
            absent,
        ))
    await _sync_groups(target, [r for r in pupils if r["eleve_id"] in here], here, division_ids, summary)


async def _sync_groups(
    target: Target, pupils: list[dict], here: dict[str, int], division_ids: dict[str, int], summary: FileSummary,
) -> None:
    """Group memberships of the file's pupils become exactly the file's (no family data hangs on them)."""
    existing = await EleveGroupe.raw(
        "SELECT eg.id, eg.eleve, eg.division FROM eleve_groupe eg JOIN eleve e ON e.id = eg.eleve "
        "WHERE e.etablissement = {}", target.etablissement_id,
    )
    concerned = {here[p["eleve_id"]] for p in pupils}
    wanted = {(here[p["eleve_id"]], division_ids[g]) for p in pupils for g in p["groupes"]}
    have = {(r["eleve"], r["division"]): r["id"] for r in existing if r["eleve"] in concerned}
    stale = [row_id for pair, row_id in have.items() if pair not in wanted]
    await delete_ids(EleveGroupe, stale)
    new = sorted(wanted - set(have))
    await insert_rows(EleveGroupe, [{"eleve": e, "division": d} for e, d in new])
    summary.count("appartenances à un groupe", len(new), 0)
    if stale:
        summary.supprimes["appartenances à un groupe"] = len(stale)


PERSON_COLUMNS = [
    "lc_civilite", "nom_de_famille", "prenom", "code_profession", "ligne1_adresse", "ligne2_adresse",
    "ligne3_adresse", "ligne4_adresse", "code_postal", "libelle_postal", "commune_etrangere", "code_pays",
    "tel_personnel", "tel_professionnel", "tel_portable", "accepte_sms", "mel", "communication_adresse",
]
LINK_COLUMNS = ["resp_legal", "niveau_responsabilite", "code_parente"]


async def _people(personne_ids: Sequence[str]) -> dict[str, dict]:
    rows = await _select_in(
        Responsable, f"SELECT id, personne_id, {', '.join(PERSON_COLUMNS)} FROM responsable WHERE personne_id IN ({{in}})",
        personne_ids,
    )
    return {r["personne_id"]: r for r in rows}


async def apply_responsables(target: Target, parsed: Parsed, summary: FileSummary) -> None:
    here = await _pupils_here(target)
    links = []
    for link in parsed.rows["liens"]:
        if link["eleve_id"] in here:
            links.append(link)
        else:
            summary.skip(_(
                "lien du responsable %(personne)s avec l'élève %(eleve)s : élève inconnu dans l'établissement, ignoré",
                personne=link["personne_id"], eleve=link["eleve_id"],
            ))
    linked = {link["personne_id"] for link in links}
    people = []
    for person in parsed.rows["personnes"]:
        if person["personne_id"] in linked:
            people.append(person)
        else:
            summary.skip(_(
                "%(nom)s %(prenom)s (PERSONNE_ID %(personne)s) : responsable d'aucun élève de l'établissement, ignoré",
                nom=person["nom_de_famille"], prenom=person["prenom"], personne=person["personne_id"],
            ))
    existing = await _people([p["personne_id"] for p in people])
    summary.count("responsables", *await sync(
        Responsable, people, existing, lambda r: r["personne_id"], PERSON_COLUMNS,
    ))
    ids = {pid: row["id"] for pid, row in (await _people(list(linked))).items()}
    known = [link for link in links if link["personne_id"] in ids]
    for link in links:
        if link["personne_id"] not in ids:
            summary.skip(_("lien de l'élève %(eleve)s : personne %(personne)s absente du fichier, ignoré",
                           eleve=link["eleve_id"], personne=link["personne_id"]))
    rows = [
        {"eleve": here[link["eleve_id"]], "responsable": ids[link["personne_id"]], **{c: link[c] for c in LINK_COLUMNS}}
        for link in known
    ]
    existing_links = await ResponsableEleve.raw(
        f"SELECT re.id, re.eleve, re.responsable, {', '.join('re.' + c for c in LINK_COLUMNS)} "
        "FROM responsable_eleve re JOIN eleve e ON e.id = re.eleve WHERE e.etablissement = {}",
        target.etablissement_id,
    )
    pair = lambda r: (r["eleve"], r["responsable"])  # noqa: E731
    summary.count("liens élève-responsable", *await sync(
        ResponsableEleve, rows, {pair(r): r for r in existing_links}, pair, LINK_COLUMNS,
    ))
    concerned = {row["eleve"] for row in rows}
    kept = {pair(r) for r in existing_links if r["eleve"] in concerned} - {pair(r) for r in rows}
    if kept:
        summary.remarques.append(ngettext(
            "%(num)d lien(s) élève-responsable absent(s) de ce fichier : conservé(s) avec les comptes qui en dépendent.",
            "%(num)d lien(s) élève-responsable absent(s) de ce fichier : conservé(s) avec les comptes qui en dépendent.",
            len(kept),
        ))


TEACHER_COLUMNS = ["civilite", "nom", "prenom"]


async def apply_sts(target: Target, parsed: Parsed, summary: FileSummary) -> None:
    await _sync_matieres(target, parsed.rows["matieres"], summary)
    division_ids = await _sync_divisions(target, parsed.rows["divisions"], summary)
    existing = await Enseignant.raw(
        "SELECT id, sts_id, civilite, nom, prenom FROM enseignant WHERE etablissement = {}", target.etablissement_id
    )
    summary.count("enseignants", *await sync(
        Enseignant, parsed.rows["enseignants"], {r["sts_id"]: r for r in existing if r["sts_id"]},
        lambda r: r["sts_id"], TEACHER_COLUMNS, {"etablissement": target.etablissement_id},
    ))
    teachers = {
        r["sts_id"]: r["id"] for r in await Enseignant.raw(
            "SELECT id, sts_id FROM enseignant WHERE etablissement = {}", target.etablissement_id
        ) if r["sts_id"]
    }
    matieres = {
        r["code_matiere"]: r["id"] for r in await Matiere.raw(
            "SELECT id, code_matiere FROM matiere WHERE etablissement = {}", target.etablissement_id
        )
    }
    await _sync_services(target, parsed, teachers, matieres, division_ids, summary)


async def _sync_services(
    target: Target, parsed: Parsed, teachers: dict[str, int], matieres: dict[str, int],
    division_ids: dict[str, int], summary: FileSummary,
) -> None:
    """The teaching services become exactly the file's: STS-web is the whole picture."""
    principals = set(parsed.rows["principaux"])
    rows = []
    for sts_id, code_matiere, code_structure in parsed.rows["services"]:
        if sts_id not in teachers:
            summary.skip(_("service %(matiere)s en %(structure)s : enseignant %(enseignant)s inconnu, ignoré",
                           matiere=code_matiere, structure=code_structure, enseignant=sts_id))
        elif code_matiere not in matieres:
            summary.skip(_("service de l'enseignant %(enseignant)s en %(structure)s : matière %(matiere)s inconnue, ignoré",
                           enseignant=sts_id, structure=code_structure, matiere=code_matiere))
        else:
            rows.append({
                "enseignant": teachers[sts_id], "matiere": matieres[code_matiere],
                "division": division_ids[code_structure],
                "professeur_principal": (sts_id, code_structure) in principals,
            })
    with_service = {(sts_id, code) for sts_id, _matiere, code in parsed.rows["services"]}
    for sts_id, code in sorted(principals - with_service):
        summary.remarques.append(_(
            "professeur principal %(enseignant)s en %(structure)s sans service dans cette division : non enregistré.",
            enseignant=sts_id, structure=code,
        ))
    existing = await Enseignement.raw(
        "SELECT en.id, en.enseignant, en.matiere, en.division, en.professeur_principal FROM enseignement en "
        "JOIN division d ON d.id = en.division WHERE d.etablissement = {}", target.etablissement_id,
    )
    key = lambda r: (r["enseignant"], r["matiere"], r["division"])  # noqa: E731
    summary.count("services d'enseignement", *await sync(
        Enseignement, rows, {key(r): r for r in existing}, key, ["professeur_principal"],
    ))
    wanted = {key(row) for row in rows}
    stale = [r["id"] for r in existing if key(r) not in wanted]
    await delete_ids(Enseignement, stale)
    if stale:
        summary.supprimes["services d'enseignement"] = len(stale)


APPLY = {
    "nomenclature": apply_nomenclature,
    "eleves": apply_eleves,
    "responsables": apply_responsables,
    "sts": apply_sts,
}
