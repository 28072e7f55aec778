"""A large academy in PostgreSQL for the load benchmarks (issue 12): 100 establishments (94
collèges of about 1,000 pupils, 6 lycées of 1,500), 100,000 pupils, 150,000 legal guardians each
with an active parent account, about 10 million grades, 3 million absence events and the LPC
validations of the 4e and 3e pupils. ``--petite``: one collège of 1,000 pupils, with the same
shape per pupil, for comparison. A script that prints figures, not a test.

    .venv/bin/python bench/academie.py                 # postgres://…/bench_academie
    .venv/bin/python bench/academie.py --petite        # postgres://…/bench_petite
    .venv/bin/python bench/academie.py --url postgres://postgres@127.0.0.1:5432/bench_autre

The database is created when missing, its public schema emptied, then migrated with
`teleservices migrate`. Rows are generated establishment by establishment (memory stays bounded)
and loaded with COPY in one transaction (foreign keys not re-checked: ids are consistent by
construction); the secondary indexes of the three big tables are dropped before and rebuilt
after, then VACUUM (ANALYZE). Prints the time per table, rows per second and peak RSS, the
accounts the load generator uses (all with the password Bienvenue-2026), and EXPLAIN (ANALYZE)
of the queries of the family pages (notes, absences, LPC), flagging sequential scans of big tables.

The data describe a whole school year (September to July, the year of today's date), whatever
the day: the year's filters read a full year's volume. Shape per pupil:
- classes of about 28 (6e to 3e in a collège, 2NDE to TERM in a lycée), 10 subjects;
- families: 5 % of pairs and 1 % of triples of siblings in the same establishment, who share
  their guardians; two guardians for as many families as give 1.5 guardians per pupil;
- about 100 grades per pupil (90 to 110 devoirs per class, 1 in 10 unpublished, 4 % codes),
  around a level of their own; devoirs of the establishment in date order, as teachers enter them;
- absence events: 25 % of pupils seldom absent, 60 % now and then, 15 % often (episodes of one
  to four half-days, a few illnesses of a week; 30 % of half-days with two events, the hours
  the software records); 65 % counted (constatée, classée, motif légitime), the others
  classée without motif légitime, not yet classée, or only signalée. The table has no lateness;
- LPC (collèges): in 4e and 3e, palier 2 validated (compétences and level A1), palier 3 items
  validated progressively (about 45 % in 4e, 85 % in 3e), a compétence once 80 % of its items
  are, level A2 with compétence 2; one pupil in five has nothing yet;
- the target pupil (login bench.parent, one child) is the first 3e pupil of the first collège:
  its class has 150 published devoirs and 10 unpublished; bench.fratrie has three children.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any, Iterator

from commun import BIN, LOGIN, PASSWORD, SUBJECTS, Batch, Ids, PostgresLoader, prepare, school_year

ACADEMIE_URL = "postgres://postgres@127.0.0.1:5432/bench_academie"
PETITE_URL = "postgres://postgres@127.0.0.1:5432/bench_petite"
FRATRIE = "bench.fratrie"
BIG_TABLES = ("notes_note", "absences_absence", "lpc_validation")

COLLEGES, LYCEES, PUPILS = 94, 6, 100_000
LYCEE_PUPILS = 1_500
PER_CLASS = 28
COLLEGE_LEVELS = ("3", "4", "5", "6")  # 3e first: the target is the first pupil of 3A
LYCEE_LEVELS = ("2NDE", "1ERE", "TERM")
AGE = {"6": 11, "5": 12, "4": 13, "3": 14, "2NDE": 15, "1ERE": 16, "TERM": 17}  # in the September
DEVOIRS = (90, 110)  # per class: about 100 grades per pupil over the year
TARGET_GRADES, TARGET_HIDDEN = 150, 10
SIBLINGS = ((0.01, 3), (0.06, 2))  # cumulated probability of a family of 3, of 2
GUARDIANS_PER_PUPIL = 1.5
TEACHER_CLASSES = 6  # classes (times subjects) per teacher

NOMS = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
        "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
        "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE",
        "N'DIAYE", "LE GOFF-KERVELLA", "ÇELIK", "NGUYEN", "DA SILVA", "BENOIT", "HADDAD", "COULIBALY")
PRENOMS = (("Léa", "Chloé", "Emma", "Inès", "Jade", "Manon", "Zoé", "Camille", "Louise", "Aïcha"),
           ("Hugo", "Lucas", "Nathan", "Louis", "Gabriel", "Adam", "Mathis", "Noé", "Yanis", "Théo"))
PRENOMS_ADULTES = (("Sophie", "Nathalie", "Isabelle", "Sandrine", "Céline", "Fatima", "Aurélie"),
                   ("Marc", "Stéphane", "Laurent", "Nicolas", "Karim", "Olivier", "Frédéric"))
MOTIFS_LEGITIMES = ("Maladie", "Rendez-vous médical", "Raison familiale", "Convocation officielle")
MOTIFS_NON_LEGITIMES = ("Réveil tardif", "Motif non recevable", "Convenance personnelle")
SAISIE_ABSENCES, SAISIE_LPC = "Logiciel vie scolaire (bench)", "Logiciel LPC (bench)"
# (share of pupils, mean number of absence episodes over the year)
ABSENTEISME = ((0.25, 1.0), (0.60, 7.5), (0.15, 29.0))
LPC_AVANCEMENT = {"4": 0.45, "3": 0.85}


def plan(petite: bool) -> list[tuple[str, int]]:
    """(kind, pupils) of each establishment: collège sizes drawn around 970, lycées of 1,500."""
    if petite:
        return [("college", 1_000)]
    rng = random.Random("plan")
    raw = [rng.lognormvariate(0, 0.25) for _ in range(COLLEGES)]
    total = PUPILS - LYCEES * LYCEE_PUPILS
    sizes = [round(r * total / sum(raw)) for r in raw]
    sizes[-1] += total - sum(sizes)
    return [("college", s) for s in sizes] + [("lycee", LYCEE_PUPILS)] * LYCEES


def vacances(year: int) -> list[tuple[dt.date, dt.date]]:
    """Approximate school holidays of the year starting in September ``year``."""
    return [(dt.date(year, 10, 17), dt.date(year, 11, 2)), (dt.date(year, 12, 19), dt.date(year + 1, 1, 3)),
            (dt.date(year + 1, 2, 20), dt.date(year + 1, 3, 7)), (dt.date(year + 1, 4, 17), dt.date(year + 1, 5, 2))]


def school_days(debut: dt.date, fin: dt.date) -> list[dt.date]:
    off = vacances(debut.year)
    days = (debut + dt.timedelta(days=i) for i in range((fin - debut).days + 1))
    return [d for d in days if d.weekday() < 5 and not any(a <= d <= b for a, b in off)]


class Academie:
    """Every row, establishment by establishment (one establishment's rows fit in memory)."""

    def __init__(self, password_hash: str, petite: bool) -> None:
        self.ids = Ids()
        self.rng = random.Random(2026)
        self.password_hash = password_hash
        self.now = dt.datetime.now(dt.timezone.utc)
        self.today = self.now.date()
        self.periods = school_year(self.today)
        self.year = self.periods[0][1].year
        self.days = school_days(self.periods[0][1], self.periods[-1][2])
        # Half-days with classes: no Wednesday afternoon.
        self.half_days = [(d, h) for d in self.days for h in ("matin", "apres_midi") if not (d.weekday() == 2 and h == "apres_midi")]
        self.plan = plan(petite)
        self.counts: dict[str, int] = {}
        self.target = 0
        self.fratrie: list[int] = []
        self.two_guardians = 0

    def establishments(self) -> Iterator[list[Batch]]:
        for number, (kind, pupils) in enumerate(self.plan):
            batches = self.establishment(number, kind, pupils)
            for table, _, rows in batches:
                self.counts[table] = self.counts.get(table, 0) + len(rows)
            yield batches

    def establishment(self, number: int, kind: str, pupils: int) -> list[Batch]:
        (etab,) = self.ids.take("etablissement")
        college = kind == "college"
        services = [("notes", {}), ("absences", {"publication": True})] + ([("lpc", {})] if college else [])
        batches: list[Batch] = [
            ("etablissement", ("id", "uai", "type", "sigle", "nom", "commune", "academie", "mel"),
             [(etab, f"{'09' if college else '08'}{number:05d}B", kind, "CLG" if college else "LYC",
               f"{'COLLEGE' if college else 'LYCEE'} BENCH {number}", "LILLE", "LILLE", f"ce.{number:05d}@example.org")]),
            ("periode", ("id", "etablissement", "code", "libelle", "debut", "fin"),
             [(i, etab, code, f"Trimestre {code[1]}", start, end) for i, (code, start, end) in zip(self.ids.take("periode", 3), self.periods)]),
            ("service_activation", ("id", "etablissement", "service", "ouvert", "options"),
             [(i, etab, key, True, json.dumps(options)) for i, (key, options) in zip(self.ids.take("service_activation", len(services)), services)]),
        ]
        levels = COLLEGE_LEVELS if college else LYCEE_LEVELS
        per_level = [pupils // len(levels) + (i < pupils % len(levels)) for i in range(len(levels))]
        codes = [f"{level}{'ABCDEFGHIJKLMNOP'[c]}" if college else f"{level}{c + 1}"
                 for level, count in zip(levels, per_level) for c in range(math.ceil(count / PER_CLASS))]
        classes = list(self.ids.take("division", len(codes)))
        level_of = {d: next(lv for lv in levels if code.startswith(lv)) for d, code in zip(classes, codes)}
        subjects = list(self.ids.take("matiere", len(SUBJECTS)))
        teachers = list(self.ids.take("enseignant", len(SUBJECTS) * math.ceil(len(classes) / TEACHER_CLASSES)))
        batches += [
            ("division", ("id", "etablissement", "code_structure", "libelle", "type_structure"),
             [(d, etab, code, code, "D") for d, code in zip(classes, codes)]),
            ("matiere", ("id", "etablissement", "code_matiere", "code_gestion", "libelle"),
             [(m, etab, *subject) for m, subject in zip(subjects, SUBJECTS)]),
            ("enseignant", ("id", "etablissement", "civilite", "nom", "prenom"),
             [(t, etab, "MME" if i % 2 else "M.", self.rng.choice(NOMS), self.rng.choice(PRENOMS_ADULTES[i % 2 == 0]))
              for i, t in enumerate(teachers)]),
        ]
        # Each teacher teaches one subject to several classes.
        teacher_of = {(d, m): teachers[(s + len(SUBJECTS) * (c // TEACHER_CLASSES)) % len(teachers)]
                      for c, d in enumerate(classes) for s, m in enumerate(subjects)}
        batches.append(("enseignement", ("id", "enseignant", "matiere", "division", "professeur_principal"),
                        [(i, t, m, d, m == subjects[0]) for i, ((d, m), t) in zip(self.ids.take("enseignement", len(teacher_of)), teacher_of.items())]))
        # Pupils: level by level, round robin in the level's classes.
        eleves = list(self.ids.take("eleve", pupils))
        division_of: dict[int, int] = {}
        first = 0
        for level, count in zip(levels, per_level):
            level_classes = [d for d in classes if level_of[d] == level]
            for i, e in enumerate(eleves[first:first + count]):
                division_of[e] = level_classes[i % len(level_classes)]
            first += count
        self.target = self.target or eleves[0]
        ability = {e: min(18.5, max(4.0, self.rng.gauss(12, 2.8))) for e in eleves}
        batches += self.pupils(etab, eleves, division_of, level_of)
        batches += self.families(eleves, division_of, level_of)
        batches += self.assessments(etab, classes, division_of, subjects, teacher_of, ability)
        batches += self.absences(etab, eleves)
        if college:
            batches += self.lpc(etab, eleves, division_of, level_of)
        return batches

    def pupils(self, etab: int, eleves: list[int], division_of: dict[int, int], level_of: dict[int, str]) -> list[Batch]:
        rows = []
        for e in eleves:
            sexe = self.rng.randrange(2)
            level = level_of[division_of[e]]
            born = dt.date(self.year - AGE[level] - (self.rng.random() < 0.06), 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            rows.append((e, str(9_000_000 + e), etab, division_of[e], self.rng.choice(NOMS),
                         self.rng.choice(PRENOMS[sexe]), "21"[sexe], born))
        return [("eleve", ("id", "eleve_id", "etablissement", "division", "nom_de_famille", "prenom", "code_sexe", "date_naiss"), rows)]

    def families(self, eleves: list[int], division_of: dict[int, int], level_of: dict[int, str]) -> list[Batch]:
        """Families of one to three children, one or two guardians each, an account per guardian."""
        rest = eleves[:]
        families: list[list[int]] = []
        if self.target in rest:  # the target's parent has one child, the target
            families.append([self.target])
            rest.remove(self.target)
            by_level: dict[str, int] = {}
            for e in rest:
                by_level.setdefault(level_of[division_of[e]], e)
            self.fratrie = [by_level[lv] for lv in ("4", "5", "6") if lv in by_level]
            families.append(self.fratrie)
            rest = [e for e in rest if e not in self.fratrie]
        self.rng.shuffle(rest)
        while rest:
            draw, size = self.rng.random(), 1
            for threshold, siblings in SIBLINGS:
                if draw < threshold:
                    size = siblings
                    break
            families.append(rest[:size])
            rest = rest[size:]
        two = min(len(families), round(GUARDIANS_PER_PUPIL * len(eleves)) - len(families))
        pairs = set(self.rng.sample(range(len(families)), max(0, two)))
        if self.fratrie and families[1] is self.fratrie:
            pairs.discard(0)
            pairs.add(1)
        responsables, links, comptes, liens_comptes = [], [], [], []
        for f, children in enumerate(families):
            nom = self.rng.choice(NOMS)
            for rang in range(2 if f in pairs else 1):
                (r,) = self.ids.take("responsable")
                (c,) = self.ids.take("compte")
                mere = (rang == 0) == (self.rng.random() < 0.8)
                identifiant = f"bench.{r}"
                if children == [self.target] and rang == 0:
                    identifiant = LOGIN
                elif children is self.fratrie and rang == 0:
                    identifiant = FRATRIE
                responsables.append((r, str(8_000_000 + r), "MME" if mere else "M.", nom, self.rng.choice(PRENOMS_ADULTES[not mere]),
                                     f"{identifiant}@example.org"))
                comptes.append((c, identifiant, self.password_hash, "parent", "actif", f"{identifiant}@example.org", True, r,
                                self.now))
                for e in children:
                    (link,) = self.ids.take("responsable_eleve")
                    links.append((link, e, r, rang + 1, 1, "10" if mere else "20"))
                    liens_comptes.append((self.ids.take("compte_eleve")[0], c, e, link))
            self.two_guardians += len(children) if f in pairs else 0
        return [
            ("responsable", ("id", "personne_id", "lc_civilite", "nom_de_famille", "prenom", "mel"), responsables),
            ("responsable_eleve", ("id", "eleve", "responsable", "resp_legal", "niveau_responsabilite", "code_parente"), links),
            ("compte", ("id", "identifiant", "mot_de_passe", "type", "etat", "mel", "mel_verifie", "responsable", "active_le"), comptes),
            ("compte_eleve", ("id", "compte", "eleve", "responsable_eleve"), liens_comptes),
        ]

    def assessments(self, etab: int, classes: list[int], division_of: dict[int, int], subjects: list[int],
                    teacher_of: dict[tuple[int, int], int], ability: dict[int, float]) -> list[Batch]:
        members: dict[int, list[int]] = {d: [] for d in classes}
        for e, d in division_of.items():
            members[d].append(e)
        planned = []  # (date, class, rank, count)
        for d in classes:
            target_class = self.target in members[d]
            count = TARGET_GRADES + TARGET_HIDDEN if target_class else self.rng.randint(*DEVOIRS)
            for n in range(count):
                planned.append((self.rng.choice(self.days), d, n, count, target_class))
        planned.sort()  # the establishment's devoirs in date order, as they are entered
        devoirs, notes = [], []
        rand, gauss = self.rng.random, self.rng.gauss
        for devoir, (day, d, n, count, target_class) in zip(self.ids.take("notes_devoir", len(planned)), planned):
            m = subjects[n % len(subjects)]
            published = n < TARGET_GRADES if target_class else rand() >= 0.1
            bareme = 10 if rand() < 0.1 else 20
            publie_le = min(self.now, dt.datetime.combine(day + dt.timedelta(days=7), dt.time(18), dt.timezone.utc))
            devoirs.append((devoir, etab, d, m, teacher_of[d, m], f"Contrôle n° {n + 1}", day, (0.5, 1.0, 1.0, 2.0)[n % 4],
                            bareme, published, publie_le if published else None, self.now, self.now))
            difficulty = gauss(0, 1.5)
            for e, note in zip(members[d], self.ids.take("notes_note", len(members[d]))):
                draw = rand()
                if draw < 0.04:
                    valeur, code = None, ("ABS", "ABS", "DIS", "NNOT")[int(draw * 100)]
                else:
                    valeur, code = round(min(20.0, max(0.0, ability[e] + difficulty + gauss(0, 2.5))) * bareme / 10) / 2, ""
                notes.append((note, devoir, e, valeur, code, self.now))
        return [
            ("notes_devoir", ("id", "etablissement_id", "division_id", "matiere_id", "enseignant_id", "libelle", "date",
                              "coefficient", "bareme", "publie", "publie_le", "cree_le", "modifie_le"), devoirs),
            ("notes_note", ("id", "devoir", "eleve_id", "valeur", "code", "saisie_le"), notes),
        ]

    def absences(self, etab: int, eleves: list[int]) -> list[Batch]:
        events = []  # (date, half-day, pupil, état, classée, légitime, motif, reference)
        slots = self.half_days
        for e in eleves:
            draw, mean = self.rng.random(), ABSENTEISME[-1][1]
            for share, episodes in ABSENTEISME:
                if draw < share:
                    mean = episodes
                    break
                draw -= share
            k = 0
            for _ in range(int(self.rng.expovariate(1 / mean) + 0.5)):
                length = self.rng.randint(5, 10) if self.rng.random() < 0.05 else self.rng.randint(1, 4)
                start = self.rng.randrange(len(slots))
                kind = self.rng.random()
                if kind < 0.65:
                    state = ("constatee", True, True, self.rng.choice(MOTIFS_LEGITIMES))
                elif kind < 0.78:
                    state = ("constatee", True, False, self.rng.choice(MOTIFS_NON_LEGITIMES))
                elif kind < 0.9:
                    state = ("constatee", False, False, "")
                else:
                    state = ("signalee", False, False, "Prévenu par la famille")
                for day, half in slots[start:start + length]:
                    for _ in range(2 if self.rng.random() < 0.3 else 1):
                        k += 1
                        events.append((day, half, e, *state, f"B{e}-{k}"))
        events.sort()  # as the school's software pushes them, day by day
        rows = [(i, etab, e, day, half, etat, classee, legitime, motif, SAISIE_ABSENCES, ref, self.now, self.now)
                for i, (day, half, e, etat, classee, legitime, motif, ref) in zip(self.ids.take("absences_absence", len(events)), events)]
        return [("absences_absence", ("id", "etablissement_id", "eleve_id", "date", "demi_journee", "etat", "classee",
                                      "motif_legitime", "motif", "saisie_par", "reference", "cree_le", "modifie_le"), rows)]

    def lpc(self, etab: int, eleves: list[int], division_of: dict[int, int], level_of: dict[int, str]) -> list[Batch]:
        from teleservices.plugins.lpc.grille import NIVEAU_LANGUE, grille

        validations, langues = [], []  # (pupil, code, date), (pupil, palier, langue, niveau, date)
        earliest = self.today - dt.timedelta(days=540)
        recent = school_days(earliest, self.today) or [self.today]
        for e in eleves:
            level = level_of[division_of[e]]
            if level not in LPC_AVANCEMENT or (e != self.target and self.rng.random() < 0.2):
                continue
            cm2 = dt.date(self.year - (2 if level == "4" else 3), 6, 20)  # June of CM2
            for competence in grille().palier(2).competences:
                validations.append((e, competence.code, cm2))
                if competence.langue:
                    langues.append((e, 2, "ANGLAIS LV1", NIVEAU_LANGUE[2], cm2))
            progress = min(1.0, max(0.05, self.rng.gauss(LPC_AVANCEMENT[level], 0.15)))
            for competence in grille().palier(3).competences:
                days = []
                for item in competence.items:
                    if self.rng.random() < progress:
                        days.append(self.rng.choice(recent))
                        validations.append((e, item.code, days[-1]))
                if days and len(days) >= 0.8 * len(competence.items):
                    validations.append((e, competence.code, max(days)))
                    if competence.langue:
                        langues.append((e, 3, "ANGLAIS LV1", NIVEAU_LANGUE[3], max(days)))
        return [
            ("lpc_validation", ("id", "etablissement_id", "eleve_id", "code", "date", "saisie_par", "modifie_le"),
             [(i, etab, e, code, day, SAISIE_LPC, self.now)
              for i, (e, code, day) in zip(self.ids.take("lpc_validation", len(validations)), validations)]),
            ("lpc_langue", ("id", "etablissement_id", "eleve_id", "palier", "langue", "niveau", "date", "saisie_par", "modifie_le"),
             [(i, etab, *langue, SAISIE_LPC, self.now) for i, langue in zip(self.ids.take("lpc_langue", len(langues)), langues)]),
        ]


# --- Loading ----------------------------------------------------------------------------------

class AcademieLoader(PostgresLoader):
    """COPY, with the secondary indexes of the big tables dropped while loading and rebuilt after;
    times each table's COPY."""

    async def __aenter__(self) -> AcademieLoader:
        await super().__aenter__()
        await self.connection.execute("SET LOCAL maintenance_work_mem = '512MB'")
        self.indexes = await self.connection.fetch(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename = ANY($1::text[]) AND indexname NOT LIKE '%\\_pkey'", list(BIG_TABLES))
        for row in self.indexes:
            await self.connection.execute(f'DROP INDEX "{row["indexname"]}"')
        self.seconds: dict[str, float] = {}
        return self

    async def copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        started = time.perf_counter()
        await super().copy(table, columns, rows)
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started

    async def rebuild(self) -> dict[str, float]:
        seconds: dict[str, float] = {}
        for row in self.indexes:
            started = time.perf_counter()
            await self.connection.execute(row["indexdef"])
            seconds[row["tablename"]] = seconds.get(row["tablename"], 0.0) + time.perf_counter() - started
        return seconds


def create_database(url: str) -> None:
    """CREATE DATABASE when missing (through the server's ``postgres`` database)."""
    base, name = url.rsplit("/", 1)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name == "test" or name.startswith("test_"):
        raise SystemExit(f"nom de base refusé pour un banc d'essai : {name}")
    exists = subprocess.run(["psql", f"{base}/postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)


def spaced(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


async def load(url: str, petite: bool) -> Academie:
    from teleservices.core.security import hash_password

    academie = Academie(hash_password(PASSWORD), petite)  # the same argon2 hash for every account
    started = time.perf_counter()
    async with AcademieLoader(url) as loader:
        for batches in academie.establishments():
            for table, columns, rows in batches:
                await loader.copy(table, columns, rows)
        loaded = time.perf_counter()
        indexes = await loader.rebuild()
        rebuilt = time.perf_counter()
        await loader.commit(list(academie.counts))
        committed = time.perf_counter()
        await loader.connection.execute("VACUUM (ANALYZE)")
        vacuumed = time.perf_counter()
        copy_seconds = loader.seconds
    rows = sum(academie.counts.values())
    total = vacuumed - started
    print(f"{'table':<22} {'lignes':>12} {'COPY s':>8} {'index s':>8}")
    for table, count in academie.counts.items():
        print(f"{table:<22} {spaced(count):>12} {copy_seconds.get(table, 0):8.1f} {indexes.get(table, 0):8.1f}")
    generation = loaded - started - sum(copy_seconds.values())
    print(f"génération (Python) {generation:.1f} s, COPY {sum(copy_seconds.values()):.1f} s, index {rebuilt - loaded:.1f} s, "
          f"COMMIT {committed - rebuilt:.1f} s, VACUUM (ANALYZE) {vacuumed - committed:.1f} s")
    print(f"total           {spaced(rows)} lignes en {total:.1f} s ({spaced(rows / total)} lignes/s), "
          f"RSS max du générateur {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo")
    pupils = academie.counts["eleve"]
    print(f"forme           {len(academie.plan)} établissements ({sum(k == 'lycee' for k, _ in academie.plan)} lycées), "
          f"{academie.counts['responsable'] / pupils:.2f} responsables par élève, "
          f"{100 * academie.two_guardians / pupils:.0f} % des élèves avec deux responsables, "
          f"{academie.counts['notes_note'] / pupils:.0f} notes, {academie.counts['absences_absence'] / pupils:.1f} absences "
          f"et {academie.counts.get('lpc_validation', 0) / pupils:.1f} validations LPC par élève")
    return academie


# --- Sanity: the plans of the family pages' queries -------------------------------------------

def numbered(sql: str) -> str:
    """Piccolo's ``{}`` placeholders as asyncpg's $1, $2…"""
    count = iter(range(1, 1000))
    return re.sub(r"\{\}", lambda _: f"${next(count)}", sql)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def explain(url: str, academie: Academie) -> None:
    import asyncpg

    from teleservices.core import family
    from teleservices.core.school import PERIODS_SQL, PUPIL_TEAM_SQL
    from teleservices.plugins.absences.famille import COMPTEES_SQL
    from teleservices.plugins.lpc.livret import VALIDATIONS_SQL
    from teleservices.plugins.notes.famille import NOTES_SQL, VISITE_SQL

    # The core's query of the account's children (per engine once the core formats it so).
    children_sql = getattr(family, "CHILDREN_SQL_BY_ENGINE", {}).get("postgres", family.CHILDREN_SQL)
    connection = await asyncpg.connect(url)
    try:
        target = academie.target
        compte = await connection.fetchval("SELECT id FROM compte WHERE identifiant = $1", LOGIN)
        etab = await connection.fetchval("SELECT etablissement FROM eleve WHERE id = $1", target)
        first, last = academie.periods[0][1], academie.periods[-1][2]
        month = academie.today.replace(day=1)
        sizes = {r["relname"]: r["reltuples"] for r in await connection.fetch(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")}
        queries = [
            ("connexion (compte par identifiant)", "SELECT id, mot_de_passe, etat FROM compte WHERE identifiant = $1", (LOGIN,)),
            ("enfants du compte", numbered(children_sql), (compte, academie.today)),
            ("périodes", numbered(PERIODS_SQL), (etab,)),
            ("équipe pédagogique", numbered(PUPIL_TEAM_SQL), (target,)),
            ("notes de l'année", numbered(NOTES_SQL), (target, etab, True, first, last)),
            ("visite des notes", numbered(VISITE_SQL), (compte, target)),
            ("absences du mois", numbered(COMPTEES_SQL), (target, etab, month, last, "constatee", True, True)),
            ("absences de l'année", numbered(COMPTEES_SQL), (target, etab, first, last, "constatee", True, True)),
            ("LPC", numbered(VALIDATIONS_SQL), (target, target)),
        ]
        print("plans           EXPLAIN (ANALYZE) des requêtes des pages famille, élève cible")
        for label, sql, args in queries:
            try:
                (plan,) = json.loads(await connection.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *args))
            except asyncpg.PostgresError as error:  # a query the core is changing: said, not fatal
                print(f"  {label:<36} erreur : {error}")
                continue
            scans = []
            for node in nodes(plan["Plan"]):
                relation = node.get("Relation Name")
                if not relation and node.get("Index Name"):
                    scans.append(f"{node['Node Type']} {node['Index Name']}")
                if relation:
                    how = node["Node Type"] + (f" {node['Index Name']}" if node.get("Index Name") else "")
                    scans.append(f"{relation}: {how}")
                    if node["Node Type"] == "Seq Scan" and sizes.get(relation, 0) > 10_000:
                        scans[-1] += f"  <-- PARCOURS SÉQUENTIEL de {spaced(sizes[relation])} lignes"
            print(f"  {label:<36} {plan['Execution Time']:8.2f} ms   " + "; ".join(scans))
    finally:
        await connection.close()


def accounts(academie: Academie) -> None:
    print(f"comptes         mot de passe {PASSWORD} pour tous ; {LOGIN} (un enfant : élève {academie.target}), "
          f"{FRATRIE} (trois enfants : élèves {', '.join(map(str, academie.fratrie))}), "
          f"bench.<id du responsable> pour les autres ({spaced(academie.counts['compte'])} comptes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--petite", action="store_true", help="un collège de 1 000 élèves (bench_petite)")
    parser.add_argument("--url", help="base PostgreSQL (par défaut bench_academie, ou bench_petite avec --petite)")
    parser.add_argument("--sans-plans", action="store_true", help="sans les EXPLAIN (ANALYZE) après le chargement")
    options = parser.parse_args()
    url = options.url or (PETITE_URL if options.petite else ACADEMIE_URL)
    if not url.startswith("postgres") or "127.0.0.1" not in url and "localhost" not in url:
        raise SystemExit("une base PostgreSQL locale : postgres://…@127.0.0.1:5432/bench_academie")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELESERVICES_VAR_DIR": tmp, "TELESERVICES_DATABASE_URL": url}
        os.environ.update(env)
        print(f"base            {url.split('@')[-1]} ({'petite : 1 collège, 1 000 élèves' if options.petite else 'académie'})")
        started = time.perf_counter()
        create_database(url)
        prepare(env)
        print(f"migration       {time.perf_counter() - started:.1f} s (création, DROP SCHEMA, teleservices migrate)")
        academie = asyncio.run(load(url, options.petite))
        accounts(academie)
        if not options.sans_plans:
            asyncio.run(explain(url, academie))


if __name__ == "__main__":
    main()
