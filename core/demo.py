"""Demo data for ``teleservices demo``: two establishments, a school year, about 30 families.

The personas (identifiers and passwords below) are a contract: the README, the tests and
outside end-to-end suites log in with them. Keep them stable.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from piccolo.table import Table

from teleservices.core import clock
from teleservices.core.api import DemoContext
from teleservices.core.plugins import Plugins
from teleservices.core.security import hash_password
from teleservices.core.tables import (
    Compte, CompteEleve, Division, Eleve, Enseignant, Enseignement, Etablissement, Matiere,
    Periode, Responsable, ResponsableEleve, ServiceActivation,
)

PASSWORD = "Bienvenue-2026"
PROVISIONAL_PASSWORD = "Provisoire-2026"

COLLEGE = dict(
    uai="0599901K", type="college", sigle="CLG", nom="COLLEGE JEAN MOULIN",
    adresse_ligne1="12 rue des Écoles", code_postal="59800", commune="LILLE",
    telephone="03 20 00 00 01", telecopie="03 20 00 00 02", mel="ce.0599901K@ac-lille.fr",
    vie_scolaire_mel="vie-scolaire.0599901K@ac-lille.fr", vie_scolaire_telephone="03 20 00 00 03",
    afficher_contact=True, academie="LILLE",
)
LYCEE = dict(
    uai="0599902L", type="lycee", sigle="LYC", nom="LYCEE MARIE CURIE",
    adresse_ligne1="5 avenue de la République", adresse_ligne2="BP 42", code_postal="59000", commune="LILLE",
    telephone="03 20 00 10 01", telecopie="03 20 00 10 02", mel="ce.0599902L@ac-lille.fr",
    vie_scolaire_mel="vie-scolaire.0599902L@ac-lille.fr", vie_scolaire_telephone="03 20 00 10 03",
    afficher_contact=False, academie="LILLE",
)
# Which services each establishment opened: the two home screens differ (guide 3.1).
OPENED = {
    "college": {"notes", "absences", "lpc", "fiche"},
    # The lycée opens the online enrolment to the collège's 3e pupils assigned to it.
    "lycee": {"notes", "absences", "fiche", "inscription"},
}
# (code structure, MEF code, birth year offset from the school year's start: 4e pupils are ~13)
DIVISIONS = {
    "college": [("6A", "10010012110", 11), ("5B", "10110001110", 12), ("4G", "10210001110", 13), ("3E", "10310019110", 14)],
    "lycee": [("2NDE1", "20010018110", 15), ("1ERE2", "21110016110", 16), ("TLE3", "22110016110", 17)],
}
# (code matière, code gestion, libellé), after the SIECLE nomenclature.
MATIERES = [
    ("020100", "FRANC", "FRANCAIS"), ("061300", "MATHS", "MATHEMATIQUES"),
    ("030201", "AGL1", "ANGLAIS LV1"), ("030602", "ESP2", "ESPAGNOL LV2"),
    ("040001", "HIGEO", "HISTOIRE-GEOGRAPHIE"), ("062900", "SVT", "SCIENCES VIE & TERRE"),
    ("061800", "PH-CH", "PHYSIQUE-CHIMIE"), ("100100", "EPS", "ED.PHYSIQUE & SPORT."),
    ("080100", "A-PLA", "ARTS PLASTIQUES"), ("084100", "EDMUS", "EDUCATION MUSICALE"),
]
ENSEIGNANTS = [
    ("M.", "BERNARD", "Paul"), ("MME", "PETIT", "Claire"), ("MME", "ROUX", "Nadia"),
    ("M.", "FOURNIER", "Yann"), ("MME", "GIRARD", "Inès"), ("M.", "MOREL", "Karim"),
    ("MME", "LEFEBVRE", "Anne"), ("M.", "GARNIER", "Théo"),
]
FAMILY_NAMES = [
    "MARTIN", "BERNARD", "THOMAS", "ROBERT", "RICHARD", "DURAND", "MOREAU", "LAURENT", "SIMON",
    "MICHEL", "LEROY", "DAVID", "BERTRAND", "ROUSSEAU", "VINCENT", "FAURE", "MERCIER", "BLANC",
    "GUERIN", "BOYER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER",
]
FIRST_NAMES = {
    "1": ["Lucas", "Hugo", "Nathan", "Louis", "Gabriel", "Arthur", "Jules", "Adam", "Raphaël", "Yanis"],
    "2": ["Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léna", "Manon", "Inès", "Camille"],
}
ADULT_NAMES = {"1": ["Nicolas", "Julien", "Sébastien", "Mehdi", "Olivier"], "2": ["Nathalie", "Sandrine", "Aurélie", "Fatima", "Céline"]}
# Names that break naive code: accents, apostrophes, compounds, particles, three first names.
TRICKY = [
    ("N'DIAYE", ("Zoé",), "2", "college"),
    ("LE GOFF-KERVELLA", ("Maëlys", "Anne", "Élisabeth"), "2", "college"),
    ("DE LA FONTAINE", ("Jean-Baptiste", "Noël"), "1", "lycee"),
    ("ÇELIK", ("Ömer",), "1", "college"),
    ("O'CONNOR", ("Siobhán", "Aoife", "Mary"), "2", "lycee"),
    ("DUPONT DE L'ESTANG", ("François-Xavier",), "1", "college"),
]


ACADEMIE = "LILLE"
# The collège's staff besides its head, one per role, and the lycée's secretariat: (identifier,
# role, displayed name, the family name of the teacher the account is, for the teacher, which
# establishment).
STAFF = [
    ("demo.secretariat", "secretariat", "Isabelle LEROUX", None, "college"),
    ("demo.cpe", "vie_scolaire", "Karim BENALI", None, "college"),
    ("demo.prof", "enseignant", "Claire PETIT", "PETIT", "college"),
    ("demo.lycee", "secretariat", "Nadia HAMDI", None, "lycee"),
]
# The parent of a 3e pupil of the collège assigned to the lycée (the online enrolment, guide 3.2).
PARENT_3E = "demo.parent3e"


@dataclass
class Persona:
    identifiant: str
    password: str
    type: str
    etat: str = "actif"


def school_year_start(today: dt.date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def periods(year: int) -> list[tuple[str, str, dt.date, dt.date]]:
    end_feb = dt.date(year + 1, 3, 1) - dt.timedelta(days=1)
    return [
        ("T1", "1er trimestre", dt.date(year, 9, 1), dt.date(year, 11, 30)),
        ("T2", "2e trimestre", dt.date(year, 12, 1), end_feb),
        ("T3", "3e trimestre", dt.date(year + 1, 3, 1), dt.date(year + 1, 7, 4)),
    ]


async def _save(row: Table) -> Table:
    await row.save()
    return row


class DemoBuilder:
    """Builds the demo in a few bulk inserts. Deterministic: the same data every run."""

    def __init__(self, plugins: Plugins, today: dt.date) -> None:
        self.plugins = plugins
        self.today = today
        self.year = school_year_start(today)
        self.rng = random.Random(2026)
        self.context = DemoContext(today=today)
        self.divisions: dict[str, list[Division]] = {}
        self.eleve_seq = 100_000
        self.personne_seq = 500_000

    async def build(self) -> DemoContext:
        for kind, data in (("college", COLLEGE), ("lycee", LYCEE)):
            etab = await _save(Etablissement(**data))
            self.context.etablissements[kind] = etab.id
            await self._school_year(kind, etab)
        await self._personas()
        await self._ordinary_families()
        return self.context

    async def _school_year(self, kind: str, etab: Etablissement) -> None:
        await Periode.insert(*[
            Periode(etablissement=etab.id, code=c, libelle=l, debut=d, fin=f) for c, l, d, f in periods(self.year)
        ])
        self.divisions[kind] = [
            await _save(Division(etablissement=etab.id, code_structure=code, libelle=code, code_mef=mef))
            for code, mef, _ in DIVISIONS[kind]
        ]
        matieres = [
            await _save(Matiere(etablissement=etab.id, code_matiere=c, code_gestion=g, libelle=l))
            for c, g, l in MATIERES
            if kind == "college" or g not in {"A-PLA", "EDMUS"}
        ]
        enseignants = [
            await _save(Enseignant(etablissement=etab.id, civilite=c, nom=n, prenom=p)) for c, n, p in ENSEIGNANTS
        ]
        rows = []
        for d, division in enumerate(self.divisions[kind]):
            for m, matiere in enumerate(matieres):
                teacher = enseignants[(m + d) % len(enseignants)]
                rows.append(Enseignement(enseignant=teacher.id, matiere=matiere.id, division=division.id,
                                         professeur_principal=(m == d % len(matieres))))
        await Enseignement.insert(*rows)
        await ServiceActivation.insert(*[
            ServiceActivation(etablissement=etab.id, service=key, ouvert=key in OPENED[kind])
            for key in self.plugins.services
        ])

    def _division(self, kind: str, code: str) -> Division:
        return next(d for d in self.divisions[kind] if d.code_structure == code)

    async def _eleve(self, kind: str, division: Division, nom: str, prenoms: tuple[str, ...], sexe: str,
                     naissance: dt.date | None = None) -> Eleve:
        self.eleve_seq += 1
        if naissance is None:
            age = next(a for c, _, a in DIVISIONS[kind] if c == division.code_structure)
            naissance = dt.date(self.year - age, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
        prenoms = (*prenoms, "", "")
        return await _save(Eleve(
            eleve_id=str(self.eleve_seq), ine=f"{self.eleve_seq:09d}AB",
            etablissement=self.context.etablissements[kind], division=division.id,
            nom_de_famille=nom, prenom=prenoms[0], prenom2=prenoms[1], prenom3=prenoms[2],
            code_sexe=sexe, date_naiss=naissance, code_regime=self.rng.choice(["0", "2", "29"]),
            ville_naiss="LILLE", code_commune_insee_naiss="59350",
        ))

    async def _responsable(self, civilite: str, nom: str, prenom: str, **extra: object) -> Responsable:
        self.personne_seq += 1
        n = self.personne_seq
        return await _save(Responsable(
            personne_id=str(n), lc_civilite=civilite, nom_de_famille=nom, prenom=prenom,
            code_profession=self.rng.choice(["23", "33", "46", "54", "62", "81"]),
            ligne1_adresse=f"{n % 90 + 1} rue Nationale", code_postal="59000", libelle_postal="LILLE",
            tel_portable=f"06 12 {n % 100:02d} {n // 100 % 100:02d} 00", accepte_sms=True,
            communication_adresse=True, **extra,
        ))

    async def _link(self, eleve: Eleve, responsable: Responsable, legal: int, parente: str) -> ResponsableEleve:
        return await _save(ResponsableEleve(
            eleve=eleve.id, responsable=responsable.id, resp_legal=legal, niveau_responsabilite=1,
            code_parente=parente,
        ))

    async def _account(self, persona: Persona, responsable: Responsable | None = None,
                       etablissement: int | None = None, mel: str = "", role: str = "") -> Compte:
        active = persona.etat == "actif"
        return await _save(Compte(
            identifiant=persona.identifiant, mot_de_passe=hash_password(persona.password),
            type=persona.type, etat=persona.etat, mel=mel, mel_verifie=active and bool(mel),
            active_le=clock.now() if active else None,
            responsable=responsable.id if responsable else None, etablissement=etablissement, role=role,
        ))

    async def _personas(self) -> None:
        lea = await self._eleve("college", self._division("college", "4G"), "DUPONT", ("Léa", "Marie"), "2",
                                dt.date(self.year - 13, 3, 14))
        hugo = await self._eleve("lycee", self._division("lycee", "2NDE1"), "DUPONT", ("Hugo",), "1",
                                 dt.date(self.year - 15, 10, 2))
        mere = await self._responsable("MME", "DUPONT", "Sophie", mel="sophie.dupont@example.org")
        pere = await self._responsable("M.", "DUPONT", "Marc", mel="marc.dupont@example.org")
        lien_lea_mere = await self._link(lea, mere, 1, "10")
        lien_hugo_mere = await self._link(hugo, mere, 1, "10")
        lien_lea_pere = await self._link(lea, pere, 2, "20")
        await self._link(hugo, pere, 2, "20")

        parent = await self._account(Persona("demo.parent", PASSWORD, "parent"), mere, mel=mere.mel)
        parent2 = await self._account(Persona("demo.parent2", PASSWORD, "parent"), pere, mel=pere.mel)
        eleve = await self._account(Persona("demo.eleve", PASSWORD, "eleve"))
        await self._account(Persona("demo.chef", PASSWORD, "personnel"), etablissement=self.context.etablissements["college"],
                            mel=COLLEGE["mel"], role="chef")

        tom = await self._eleve("college", self._division("college", "3E"), "MOREAU", ("Tom",), "1")
        mme_moreau = await self._responsable("MME", "MOREAU", "Julie", mel="julie.moreau@example.org")
        lien_tom = await self._link(tom, mme_moreau, 1, "10")
        # Her e-mail is in SIECLE (pre-filled at first connection), not yet on the account.
        provisoire = await self._account(Persona("demo.provisoire", PROVISIONAL_PASSWORD, "parent", "provisoire"),
                                         mme_moreau)
        await CompteEleve.insert(
            CompteEleve(compte=parent.id, eleve=lea.id, responsable_eleve=lien_lea_mere.id),
            CompteEleve(compte=parent.id, eleve=hugo.id, responsable_eleve=lien_hugo_mere.id),
            CompteEleve(compte=parent2.id, eleve=lea.id, responsable_eleve=lien_lea_pere.id),
            CompteEleve(compte=eleve.id, eleve=lea.id),
            CompteEleve(compte=provisoire.id, eleve=tom.id, responsable_eleve=lien_tom.id),
        )
        self.context.eleves.update(collegien=lea.id, lyceen=hugo.id, provisoire=tom.id)
        await self._parent_3e()

    async def _parent_3e(self) -> None:
        """Mélanie, in 3e at the collège, whose mother enrols her in the lycée online."""
        melanie = await self._eleve("college", self._division("college", "3E"), "BERTIN", ("Mélanie", "Jeanne"), "2",
                                    dt.date(self.year - 14, 9, 27))
        mere = await self._responsable("MME", "BERTIN", "Hélène", mel="helene.bertin@example.org")
        lien = await self._link(melanie, mere, 1, "10")
        compte = await self._account(Persona(PARENT_3E, PASSWORD, "parent"), mere, mel=mere.mel)
        await CompteEleve.insert(CompteEleve(compte=compte.id, eleve=melanie.id, responsable_eleve=lien.id))
        self.context.eleves["troisieme"] = melanie.id

    async def _ordinary_families(self) -> None:
        """Twenty-seven more pupils with one or two guardians, tricky names included."""
        pupils = [(nom, prenoms, sexe, kind) for nom, prenoms, sexe, kind in TRICKY]
        for i, nom in enumerate(FAMILY_NAMES[:21]):
            sexe = "1" if i % 2 else "2"
            pupils.append((nom, (self.rng.choice(FIRST_NAMES[sexe]),), sexe, "college" if i < 12 else "lycee"))
        for i, (nom, prenoms, sexe, kind) in enumerate(pupils):
            division = self.divisions[kind][i % len(self.divisions[kind])]
            eleve = await self._eleve(kind, division, nom, prenoms, sexe)
            mother = await self._responsable("MME", nom, self.rng.choice(ADULT_NAMES["2"]))
            await self._link(eleve, mother, 1, "10")
            if i % 3:
                father = await self._responsable("M.", nom, self.rng.choice(ADULT_NAMES["1"]))
                await self._link(eleve, father, 2, "20")


async def staff_personas(context: DemoContext) -> None:
    """The academy administrator and the collège's staff of every role. Idempotent, so that a
    demo database made before these personas existed gets them too."""
    names = ["demo.academie", *(identifiant for identifiant, *_ in STAFF)]
    existing = {row["identifiant"] for row in await Compte.select(Compte.identifiant).where(Compte.identifiant.is_in(names))}
    await Etablissement.update({Etablissement.academie: ACADEMIE}).where(
        Etablissement.uai.is_in([COLLEGE["uai"], LYCEE["uai"]]) & (Etablissement.academie == "")
    )
    college = context.etablissements["college"]
    teachers = {row["nom"]: row["id"] for row in await Enseignant.select(Enseignant.id, Enseignant.nom).where(
        Enseignant.etablissement == college
    )}
    accounts = [
        Compte(identifiant=identifiant, mot_de_passe=hash_password(PASSWORD), type="personnel", etat="actif",
               etablissement=context.etablissements[kind], role=role, nom_affiche=nom,
               enseignant=teachers.get(teacher) if kind == "college" else None, active_le=clock.now())
        for identifiant, role, nom, teacher, kind in STAFF if identifiant not in existing
    ]
    if "demo.academie" not in existing:
        accounts.append(Compte(identifiant="demo.academie", mot_de_passe=hash_password(PASSWORD), type="personnel",
                               etat="actif", role="admin_academique", academie=ACADEMIE,
                               nom_affiche="Administrateur académique de Lille", active_le=clock.now()))
    if accounts:
        await Compte.insert(*accounts)


async def open_service(etablissement_id: int, key: str) -> None:
    """Open a service at an establishment (its row created, or set open)."""
    opened = await ServiceActivation.update({ServiceActivation.ouvert: True}).where(
        (ServiceActivation.etablissement == etablissement_id) & (ServiceActivation.service == key)
    ).returning(ServiceActivation.id)
    if not opened:
        await ServiceActivation.insert(ServiceActivation(etablissement=etablissement_id, service=key, ouvert=True))


async def demo_present() -> bool:
    return await Etablissement.exists().where(Etablissement.uai == COLLEGE["uai"])


async def load_demo(plugins: Plugins, today: dt.date | None = None) -> tuple[bool, list[str]]:
    """Create the demo data unless it is there already; then let every plugin add its own.

    Returns whether the core's data was created by this call, and the labels of the plugins
    whose demo data failed (logged; the others' data is loaded all the same).
    """
    created = False
    if await demo_present():
        context = await existing_context()
    else:
        context = await DemoBuilder(plugins, today or dt.date.today()).build()
        created = True
    await staff_personas(context)
    failures = await plugins.call_async("demo_data", context=context)
    return created, [failure.label for failure in failures]


async def existing_context() -> DemoContext:
    etabs = await Etablissement.select(Etablissement.id, Etablissement.uai).where(
        Etablissement.uai.is_in([COLLEGE["uai"], LYCEE["uai"]])
    )
    by_uai = {row["uai"]: row["id"] for row in etabs}
    context = DemoContext(etablissements={"college": by_uai[COLLEGE["uai"]], "lycee": by_uai[LYCEE["uai"]]})
    links = await CompteEleve.select(CompteEleve.eleve, CompteEleve.compte.identifiant).where(
        CompteEleve.compte.identifiant.is_in(["demo.parent", "demo.provisoire", PARENT_3E])
    )
    eleves = sorted(row["eleve"] for row in links if row["compte.identifiant"] == "demo.parent")
    context.eleves.update(collegien=eleves[0], lyceen=eleves[1])
    context.eleves["provisoire"] = next(r["eleve"] for r in links if r["compte.identifiant"] == "demo.provisoire")
    troisieme = [r["eleve"] for r in links if r["compte.identifiant"] == PARENT_3E]
    if troisieme:  # a demo made before the online enrolment has no such persona
        context.eleves["troisieme"] = troisieme[0]
    return context
