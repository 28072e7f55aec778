"""Accounts created by the school (guide 1.1 and 1.2): normalized identifiers, provisional
passwords, one account per pupil and per legal guardian, and the data of the letters.

Identifiers are ``prenom.nom`` in lower-case ASCII (see :func:`base_identifier` for the rule),
with a number appended on collision (``arthur.dupont``, ``arthur.dupont2``...). A guardian who
already has an account keeps it: the new child is added to it and the letter only recalls the
identifier.

Clear passwords are never stored. A letter for an account that still has its provisional
password carries a new one, made when the letter is made: printing the letters again gives new
passwords, and the earlier letters stop working.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from piccolo.engine.sqlite import SQLiteEngine

from teleservices.core import clock, sessions
from teleservices.core.db import write_transaction
from teleservices.core.security import hash_password_async
from teleservices.core.tables import Compte, CompteEleve, Division, Etablissement, Jeton

# No 0/O/o, 1/l/I/i: a provisional password is read on paper and typed by hand.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 10  # about 58 bits
MAX_PART = 35  # characters kept of the first name and of the family name
CHUNK = 400  # rows per multi-row statement, well under SQLite's limit on bound parameters

LETTERS_FOR = ("parent", "eleve")
# Letters never speak of first names 2 and 3, nor use them in identifiers.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
                            "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i"})


# --- identifiers and passwords ---------------------------------------------------------------


def _ascii_part(value: str, *, spaces: str) -> str:
    """One half of an identifier: ASCII letters and inner hyphens only."""
    text = unicodedata.normalize("NFKD", (value or "").translate(_LIGATURES)).lower()
    out = []
    for ch in text:
        if "a" <= ch <= "z":
            out.append(ch)
        elif unicodedata.category(ch) == "Pd":  # any dash: "-", "‐", "–"...
            out.append("-")
        elif ch.isspace():
            out.append(spaces)
        # accents (combining marks once decomposed), apostrophes, dots, digits...: dropped
    part = re.sub(r"-{2,}", "-", "".join(out)).strip("-")
    return part[:MAX_PART].strip("-")


def base_identifier(prenom: str, nom: str) -> str:
    """The identifier before any collision number.

    The rule: the first first name, a dot, the family name; lower-case ASCII.

    - accents are removed (``Zoé`` → ``zoe``, ``ÇELIK`` → ``celik``), ligatures spelled out
      (``Œ`` → ``oe``);
    - hyphens are kept (``Jean-Baptiste`` → ``jean-baptiste``, ``LE GOFF-KERVELLA`` →
      ``legoff-kervella``), any dash counting as a hyphen;
    - apostrophes, dots and digits are dropped (``N'DIAYE`` → ``ndiaye``);
    - spaces are dropped in the family name (``DE LA FONTAINE`` → ``delafontaine``) and become
      hyphens in the first name (a first name typed ``Marie Anne`` → ``marie-anne``);
    - only the first name of the ``prenom`` field is used (prenom2 and prenom3 never are);
    - each half keeps at most 35 characters; an empty half is left out with its dot, and an
      identifier left empty (a name with no Latin letter at all) becomes ``compte``.
    """
    first = _ascii_part(prenom, spaces="-")
    last = _ascii_part(nom, spaces="")
    return ".".join(part for part in (first, last) if part) or "compte"


def allocate_identifiers(bases: Iterable[str], taken: Iterable[str]) -> list[str]:
    """A free identifier for each base, in order: the base itself, else base2, base3...

    ``taken`` holds the identifiers already in use; the ones given here are added to it, so that
    two pupils of the same name get ``arthur.dupont`` and ``arthur.dupont2``.
    """
    used = set(taken)
    result = []
    for base in bases:
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}{n}"
        used.add(candidate)
        result.append(candidate)
    return result


def provisional_password(length: int = PASSWORD_LENGTH) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


async def hashed_passwords(count: int) -> list[tuple[str, str]]:
    """``count`` new provisional passwords with their hashes, computed on the hashing pool: on
    every core, off the event loop."""
    if count <= 0:
        return []
    clear = [provisional_password() for _ in range(count)]
    hashes = await asyncio.gather(*(hash_password_async(p) for p in clear))
    return list(zip(clear, hashes))


# --- what the letters need ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pupil:
    id: int
    prenom: str
    nom: str
    division: str

    @property
    def label(self) -> str:
        return f"{self.prenom} {self.nom}" + (f" ({self.division})" if self.division else "")


@dataclass(frozen=True)
class Letter:
    """One letter: one account. ``mot_de_passe`` is the clear provisional password, or None for
    an account whose password is not (or no longer) provisional: then only the identifier is
    recalled."""

    compte_id: int
    identifiant: str
    mot_de_passe: str | None
    type: str  # "parent" | "eleve"
    civilite: str
    prenom: str
    nom: str
    eleves: tuple[Pupil, ...]
    adresse: tuple[str, ...] = ()  # postal address lines of a guardian, the last with the town

    @property
    def existant(self) -> bool:
        return self.mot_de_passe is None


@dataclass
class Batch:
    """Letters of an establishment or of one of its classes, with what their header needs."""

    etablissement: dict
    division: str | None
    letters: list[Letter] = field(default_factory=list)


@dataclass
class CreationResult:
    etablissement: dict
    division: str | None
    eleves_crees: int = 0
    parents_crees: int = 0
    rattachements: int = 0  # existing guardian accounts given a new child
    letters: list[Letter] = field(default_factory=list)

    @property
    def rien(self) -> bool:
        return not (self.eleves_crees or self.parents_crees or self.rattachements)


class NotFound(LookupError):
    """The establishment or the class does not exist (or the class is another school's)."""


# --- reading the establishment -------------------------------------------------------------------

ETAB_COLUMNS = (
    Etablissement.id, Etablissement.uai, Etablissement.nom, Etablissement.sigle, Etablissement.adresse_ligne1,
    Etablissement.adresse_ligne2, Etablissement.code_postal, Etablissement.commune, Etablissement.telephone,
    Etablissement.mel,
)


async def establishment(etablissement_id: int | None = None, uai: str | None = None) -> dict:
    where = Etablissement.id == etablissement_id if uai is None else Etablissement.uai == uai.strip().upper()
    row = await Etablissement.select(*ETAB_COLUMNS).where(where).first()
    if row is None:
        raise NotFound("Établissement introuvable.")
    return row


async def division_of(etablissement_id: int, *, division_id: int | None = None, code: str | None = None) -> dict:
    """A class of this establishment, by id or by code (``4G``); NotFound for another school's."""
    where = Division.etablissement == etablissement_id
    where &= Division.id == division_id if code is None else Division.code_structure == code.strip().upper()
    row = await Division.select(Division.id, Division.code_structure, Division.libelle).where(where).first()
    if row is None:
        raise NotFound("Classe introuvable dans cet établissement.")
    return row


def _scope(etablissement_id: int, division_id: int | None, alias: str = "e", *,
           eleve_id: int | None = None) -> tuple[str, list]:
    """The WHERE clause choosing the pupils of an establishment, of one of its classes, or one
    pupil of it. Pupils who left (SIECLE DATE_SORTIE, today or before) are never in scope."""
    where = [f"{alias}.etablissement = {{}}", f"({alias}.date_sortie IS NULL OR {alias}.date_sortie > {{}})"]
    args: list = [etablissement_id, clock.now().date()]
    if division_id is not None:
        where.append(f"{alias}.division = {{}}")
        args.append(division_id)
    if eleve_id is not None:
        where.append(f"{alias}.id = {{}}")
        args.append(eleve_id)
    return " AND ".join(where), args


PUPILS_SQL = """
SELECT e.id, e.prenom, e.nom_de_famille, COALESCE(d.libelle, '') AS division, d.code_structure
FROM eleve e LEFT JOIN division d ON d.id = e.division
WHERE {scope}
ORDER BY COALESCE(d.code_structure, ''), e.nom_de_famille, e.prenom, e.id
"""
GUARDIAN_LINKS_SQL = """
SELECT re.id AS lien, re.eleve, re.responsable, re.resp_legal,
       r.lc_civilite, r.prenom, r.nom_de_famille
FROM responsable_eleve re
JOIN eleve e ON e.id = re.eleve
JOIN responsable r ON r.id = re.responsable
WHERE {scope} AND re.resp_legal IN (1, 2)
ORDER BY r.nom_de_famille, r.prenom, r.id, re.resp_legal
"""
# The guardians' accounts: theirs (compte.responsable), or one that sees a child through one of
# their guardian links (an account kept by a merge).
GUARDIAN_ACCOUNTS_SQL = """
SELECT c.id, c.identifiant, c.etat, c.responsable AS titulaire, re2.responsable AS par_lien
FROM compte c
LEFT JOIN compte_eleve ce ON ce.compte = c.id
LEFT JOIN responsable_eleve re2 ON re2.id = ce.responsable_eleve
WHERE c.type = 'parent' AND (c.responsable IN ({guardians}) OR re2.responsable IN ({guardians}))
ORDER BY c.id
"""
GUARDIANS_SUBQUERY = """
SELECT re.responsable FROM responsable_eleve re JOIN eleve e ON e.id = re.eleve
WHERE {scope} AND re.resp_legal IN (1, 2)
"""
LINKS_SQL = """
SELECT ce.compte, ce.eleve, c.type
FROM compte_eleve ce JOIN compte c ON c.id = ce.compte JOIN eleve e ON e.id = ce.eleve
WHERE {scope}
"""
# Identifiers already used by any base: a base has no digit, so an identifier stripped of its
# final digits equals its base ("arthur.dupont12" -> "arthur.dupont"). Portable: rtrim(x, chars)
# exists in SQLite and PostgreSQL.
TAKEN_SQL = "SELECT identifiant FROM compte WHERE rtrim(identifiant, '0123456789') IN ({})"


async def _raw(sql: str, args: Sequence) -> list[dict]:
    return await Compte.raw(sql, *args)


@dataclass
class _NewAccount:
    type: str
    base: str
    responsable: int | None
    links: list[tuple[int, int | None]]  # (eleve, responsable_eleve)
    civilite: str
    prenom: str
    nom: str
    eleves: list[Pupil]


@dataclass
class _Plan:
    new: list[_NewAccount]
    extra_links: list[tuple[int, int, int]]  # (compte, eleve, responsable_eleve) for existing accounts
    # existing account -> (its row, the guardian it stands for, its new children)
    recalled: dict[int, tuple[dict, int, list[Pupil]]]


async def _plan(etablissement_id: int, division_id: int | None, eleve_id: int | None = None) -> _Plan:
    """What creating the accounts would do now: five queries, whatever the number of pupils."""
    scope, args = _scope(etablissement_id, division_id, eleve_id=eleve_id)
    pupils = {row["id"]: row for row in await _raw(PUPILS_SQL.format(scope=scope), args)}
    guardian_links = await _raw(GUARDIAN_LINKS_SQL.format(scope=scope), args)
    subquery = GUARDIANS_SUBQUERY.format(scope=scope)
    accounts = await _raw(GUARDIAN_ACCOUNTS_SQL.format(guardians=subquery), [*args, *args])
    existing_links = await _raw(LINKS_SQL.format(scope=scope), args)

    def pupil(eleve_id: int) -> Pupil:
        row = pupils[eleve_id]
        return Pupil(id=row["id"], prenom=row["prenom"], nom=row["nom_de_famille"], division=row["division"])

    with_pupil_account = {row["eleve"] for row in existing_links if row["type"] == "eleve"}
    seen = {(row["compte"], row["eleve"]) for row in existing_links}
    # A guardian's own account first, else one that reaches a child through their link.
    own: dict[int, dict] = {}
    through_link: dict[int, dict] = {}
    for row in accounts:
        if row["titulaire"] is not None:
            own.setdefault(row["titulaire"], row)
        if row["par_lien"] is not None:
            through_link.setdefault(row["par_lien"], row)

    new: list[_NewAccount] = [
        _NewAccount("eleve", base_identifier(row["prenom"], row["nom_de_famille"]), None, [(row["id"], None)],
                    "", row["prenom"], row["nom_de_famille"], [pupil(row["id"])])
        for row in pupils.values() if row["id"] not in with_pupil_account
    ]
    new_guardians: dict[int, _NewAccount] = {}
    extra_links: list[tuple[int, int, int]] = []
    recalled: dict[int, tuple[dict, int, list[Pupil]]] = {}
    for link in guardian_links:
        responsable = link["responsable"]
        account = own.get(responsable) or through_link.get(responsable)
        if account is None:
            entry = new_guardians.get(responsable)
            if entry is None:
                entry = new_guardians[responsable] = _NewAccount(
                    "parent", base_identifier(link["prenom"], link["nom_de_famille"]), responsable, [],
                    link["lc_civilite"], link["prenom"], link["nom_de_famille"], [],
                )
            if all(eleve != link["eleve"] for eleve, _ in entry.links):
                entry.links.append((link["eleve"], link["lien"]))
                entry.eleves.append(pupil(link["eleve"]))
        elif (account["id"], link["eleve"]) not in seen:
            seen.add((account["id"], link["eleve"]))
            extra_links.append((account["id"], link["eleve"], link["lien"]))
            recalled.setdefault(account["id"], (account, account["titulaire"] or responsable, []))[2].append(
                pupil(link["eleve"])
            )
    order = {eleve_id: i for i, eleve_id in enumerate(pupils)}
    for entry in new_guardians.values():
        entry.eleves.sort(key=lambda p: order[p.id])
    return _Plan(new=new + list(new_guardians.values()), extra_links=extra_links, recalled=recalled)


@dataclass(frozen=True)
class Preview:
    """What "Créer les comptes" would do, for the confirmation page."""

    eleves: int
    parents: int
    rattachements: int

    @property
    def rien(self) -> bool:
        return not (self.eleves or self.parents or self.rattachements)


async def preview(etablissement_id: int, division_id: int | None = None, eleve_id: int | None = None) -> Preview:
    plan = await _plan(etablissement_id, division_id, eleve_id)
    return Preview(
        eleves=sum(1 for a in plan.new if a.type == "eleve"),
        parents=sum(1 for a in plan.new if a.type == "parent"),
        rattachements=len(plan.recalled),
    )


async def _serialize() -> None:
    """Two creations at once (a double click, the command line and the page) would both see a
    pupil without account: they run one after the other."""
    if not isinstance(Compte._meta.db, SQLiteEngine):
        await Compte.raw("SELECT pg_advisory_xact_lock(7410231)")


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _taken(bases: set[str]) -> set[str]:
    taken: set[str] = set()
    ordered = sorted(bases)
    for chunk in _chunks(ordered):
        rows = await _raw(TAKEN_SQL.format(", ".join("{}" for _ in chunk)), chunk)
        taken.update(row["identifiant"] for row in rows)
    return taken


def _address(row: dict) -> tuple[str, ...]:
    lines = [row.get(f"ligne{i}_adresse") or "" for i in range(1, 5)]
    town = " ".join(part for part in (row.get("code_postal") or "", row.get("libelle_postal") or "") if part)
    return tuple(line for line in (*lines, town, row.get("commune_etrangere") or "") if line.strip())


async def create_accounts(etablissement_id: int, division_id: int | None = None,
                          eleve_id: int | None = None) -> CreationResult:
    """Create, in one transaction, an account for every pupil of the establishment (or of the
    class, or the one pupil) who has none, and for every legal guardian (levels 1 and 2) who has none; link an
    existing guardian account to the new child. Returns the letters to print: the new accounts
    with their clear provisional passwords, the existing guardian accounts with their identifier
    only. Raises NotFound for an unknown establishment, or a class of another one."""
    etab = await establishment(etablissement_id)
    division = await division_of(etablissement_id, division_id=division_id) if division_id is not None else None
    # The slow part (argon2) is done before taking the write lock, from a first look.
    estimate = await _plan(etablissement_id, division_id, eleve_id)
    passwords = await hashed_passwords(len(estimate.new))
    async with write_transaction():
        await _serialize()
        plan = await _plan(etablissement_id, division_id, eleve_id)
        if len(plan.new) > len(passwords):  # pupils imported in between: rare, and few
            passwords += await hashed_passwords(len(plan.new) - len(passwords))
        identifiers = allocate_identifiers(
            [a.base for a in plan.new], await _taken({a.base for a in plan.new})
        )
        now = clock.now()
        ids_by_identifier: dict[str, int] = {}
        for chunk in _chunks(list(zip(plan.new, identifiers, passwords))):
            rows = await Compte.insert(*[
                Compte(identifiant=identifiant, mot_de_passe=hashed, type=account.type, etat="provisoire",
                       mel="", mel_verifie=False, responsable=account.responsable, cree_le=now)
                for account, identifiant, (_, hashed) in chunk
            ]).returning(Compte.id, Compte.identifiant)
            # Matched by identifier: RETURNING promises no order.
            ids_by_identifier.update({row["identifiant"]: row["id"] for row in rows})
        ids = [ids_by_identifier[identifiant] for identifiant in identifiers]
        links = [
            CompteEleve(compte=compte_id, eleve=eleve, responsable_eleve=lien)
            for compte_id, account in zip(ids, plan.new) for eleve, lien in account.links
        ] + [CompteEleve(compte=compte, eleve=eleve, responsable_eleve=lien) for compte, eleve, lien in plan.extra_links]
        for chunk in _chunks(links):
            await CompteEleve.insert(*chunk)
        addresses = await _guardian_details([a.responsable for a in plan.new if a.responsable]
                                            + [responsable for _, responsable, _ in plan.recalled.values()])

    result = CreationResult(etablissement=etab, division=division["libelle"] if division else None)
    for compte_id, account, identifiant, (clear, _) in zip(ids, plan.new, identifiers, passwords):
        details = addresses.get(account.responsable, {})
        result.letters.append(Letter(
            compte_id=compte_id, identifiant=identifiant, mot_de_passe=clear, type=account.type,
            civilite=account.civilite, prenom=account.prenom, nom=account.nom, eleves=tuple(account.eleves),
            adresse=_address(details) if details else (),
        ))
        if account.type == "eleve":
            result.eleves_crees += 1
        else:
            result.parents_crees += 1
    for row, responsable, pupils in plan.recalled.values():
        details = addresses.get(responsable, {})
        result.letters.append(Letter(
            compte_id=row["id"], identifiant=row["identifiant"], mot_de_passe=None, type="parent",
            civilite=details.get("lc_civilite", ""), prenom=details.get("prenom", ""),
            nom=details.get("nom_de_famille", ""), eleves=tuple(pupils),
            adresse=_address(details) if details else (),
        ))
    result.rattachements = len(plan.recalled)
    return result


GUARDIAN_DETAILS_SQL = """
SELECT id, lc_civilite, prenom, nom_de_famille, ligne1_adresse, ligne2_adresse, ligne3_adresse,
       ligne4_adresse, code_postal, libelle_postal, commune_etrangere
FROM responsable WHERE id IN ({})
"""


async def _guardian_details(responsable_ids: list[int]) -> dict[int, dict]:
    details: dict[int, dict] = {}
    for chunk in _chunks(sorted(set(responsable_ids))):
        rows = await _raw(GUARDIAN_DETAILS_SQL.format(", ".join("{}" for _ in chunk)), chunk)
        details.update({row["id"]: row for row in rows})
    return details


# --- letters for every account: new provisional passwords -----------------------------------------

LETTER_ACCOUNTS_SQL = """
SELECT c.id AS compte, c.identifiant, c.type, c.etat,
       e.id AS eleve, e.prenom AS eleve_prenom, e.nom_de_famille AS eleve_nom,
       COALESCE(d.libelle, '') AS division,
       COALESCE(r.id, lr.id) AS resp_id,
       COALESCE(r.lc_civilite, lr.lc_civilite, '') AS lc_civilite,
       COALESCE(r.prenom, lr.prenom, '') AS prenom,
       COALESCE(r.nom_de_famille, lr.nom_de_famille, '') AS nom_de_famille,
       COALESCE(r.ligne1_adresse, lr.ligne1_adresse, '') AS ligne1_adresse,
       COALESCE(r.ligne2_adresse, lr.ligne2_adresse, '') AS ligne2_adresse,
       COALESCE(r.ligne3_adresse, lr.ligne3_adresse, '') AS ligne3_adresse,
       COALESCE(r.ligne4_adresse, lr.ligne4_adresse, '') AS ligne4_adresse,
       COALESCE(r.code_postal, lr.code_postal, '') AS code_postal,
       COALESCE(r.libelle_postal, lr.libelle_postal, '') AS libelle_postal,
       COALESCE(r.commune_etrangere, lr.commune_etrangere, '') AS commune_etrangere
FROM compte_eleve ce
JOIN compte c ON c.id = ce.compte
JOIN eleve e ON e.id = ce.eleve
LEFT JOIN division d ON d.id = e.division
LEFT JOIN responsable r ON r.id = c.responsable
LEFT JOIN responsable_eleve re ON re.id = ce.responsable_eleve
LEFT JOIN responsable lr ON lr.id = re.responsable
WHERE {scope} AND c.type IN ('parent', 'eleve') AND c.etat <> 'desactive' {account}
ORDER BY COALESCE(d.code_structure, ''), e.nom_de_famille, e.prenom, e.id, c.type, c.identifiant
"""
# One statement for a whole chunk, and only for accounts still provisional: a family that has
# just completed its first connection keeps the password it chose.
NEW_PASSWORDS_SQL = """
UPDATE compte SET mot_de_passe = CASE id {cases} END
WHERE etat = 'provisoire' AND id IN ({ids})
RETURNING id
"""


async def prepare_letters(etablissement_id: int, division_id: int | None = None, *,
                          eleve_id: int | None = None, compte_id: int | None = None) -> Batch:
    """The letters of every family account of the establishment (or class, or pupil, or the one
    account), one per account, in class and pupil order. Accounts still provisional get a new
    provisional password (the earlier letters stop working, and the sessions opened with them
    end); the others only have their identifier recalled. Disabled accounts get no letter."""
    etab = await establishment(etablissement_id)
    division = await division_of(etablissement_id, division_id=division_id) if division_id is not None else None
    scope, args = _scope(etablissement_id, division_id, eleve_id=eleve_id)
    account = "AND c.id = {}" if compte_id is not None else ""
    rows = await _raw(LETTER_ACCOUNTS_SQL.format(scope=scope, account=account),
                      [*args, *([compte_id] if compte_id is not None else [])])
    accounts: dict[int, dict] = {}
    pupils: dict[int, list[Pupil]] = {}
    for row in rows:
        accounts.setdefault(row["compte"], row)
        pupils.setdefault(row["compte"], []).append(
            Pupil(id=row["eleve"], prenom=row["eleve_prenom"], nom=row["eleve_nom"], division=row["division"])
        )
    provisional = [compte for compte, row in accounts.items() if row["etat"] == "provisoire"]
    passwords = dict(zip(provisional, await hashed_passwords(len(provisional))))
    changed: set[int] = set()
    if provisional:
        async with write_transaction():
            for chunk in _chunks(provisional, CHUNK // 2):
                cases = " ".join("WHEN {} THEN {}" for _ in chunk)
                values = [value for compte in chunk for value in (compte, passwords[compte][1])]
                sql = NEW_PASSWORDS_SQL.format(cases=cases, ids=", ".join("{}" for _ in chunk))
                updated = await _raw(sql, [*values, *chunk])
                changed.update(row["id"] for row in updated)
            # A session opened with the old letter (lost, or taken by someone else) ends too.
            await sessions.close_sessions_of(sorted(changed))
    batch = Batch(etablissement=etab, division=division["libelle"] if division else None)
    for compte, row in accounts.items():
        parent = row["type"] == "parent"
        batch.letters.append(Letter(
            compte_id=compte, identifiant=row["identifiant"],
            mot_de_passe=passwords[compte][0] if compte in changed else None, type=row["type"],
            civilite=row["lc_civilite"] if parent else "",
            prenom=row["prenom"] if parent else row["eleve_prenom"],
            nom=row["nom_de_famille"] if parent else row["eleve_nom"],
            eleves=tuple(pupils[compte]), adresse=_address(row) if parent else (),
        ))
    return batch


async def back_to_provisional(compte_id: int) -> None:
    """Guide 1.2, a family that lost its password or letter: the account returns to its first
    connection, so that the next letter carries a new provisional password. Its sessions and
    unused e-mail links end; the account keeps its children."""
    async with write_transaction():
        await Compte.update({Compte.etat: "provisoire", Compte.attente_depuis: None}).where(
            (Compte.id == compte_id) & Compte.type.is_in(list(LETTERS_FOR)) & (Compte.etat != "desactive")
        )
        await sessions.close_all_sessions(compte_id)
        await Jeton.update({Jeton.utilise_le: clock.now()}).where(
            (Jeton.compte == compte_id) & Jeton.utilise_le.is_null()
        )
