"""How fast the notes page answers for a pupil with 150 grades among 100,000 pupils, next to a
bare Litestar "hello world" served the same way. A script that prints figures, not a test.

1. Empties and migrates the database (TELESERVICES_DATABASE_URL, PostgreSQL test_h3 by default;
   `--sqlite`: a temporary SQLite file and 10,000 pupils), then bulk-loads (COPY on PostgreSQL,
   executemany on SQLite) BENCH_PUPILS pupils in collèges of 1,000 pupils and 36 classes, each
   pupil with a guardian and a parent account, BENCH_DEVOIRS devoirs per class (a grade for every
   pupil of the class, some codes, some devoirs unpublished), and the target pupil, whose class
   has 150 published devoirs and 10 unpublished ones. Prints how long the load takes.
2. Serves the portal with `teleservices serve` (uvicorn, 1 worker) and a hello-world Litestar app
   with uvicorn (1 worker), each on a free port of 127.0.0.1.
3. Logs the target's parent in, then sends BENCH_REQUESTS requests over BENCH_CONCURRENCY
   connections (httpx.AsyncClient) to the notes fragment (HX-Request: all periods, the 150
   grades), the whole notes page, and the hello-world route; prints requests per second,
   p50/p95/p99 and the ratio to hello world.

    .venv/bin/python bench/notes_page.py
    .venv/bin/python bench/notes_page.py --sqlite
    BENCH_PUPILS=20000 BENCH_CONCURRENCY=16 TELESERVICES_DATABASE_URL=postgres://... .venv/bin/python bench/notes_page.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import sys
import tempfile
import time
from typing import Iterator

import httpx

from commun import (
    LOGIN, PASSWORD, SUBJECTS, Batch, Figures, Ids, PostgresLoader, login, prepare, school_year, serving,
)

SQLITE = "--sqlite" in sys.argv
DATABASE_URL = os.environ.get("TELESERVICES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test_h3")
PUPILS = int(os.environ.get("BENCH_PUPILS", "10000" if SQLITE else "100000"))
DEVOIRS = int(os.environ.get("BENCH_DEVOIRS", "15"))  # per class, besides the target's class
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))

PER_SCHOOL, CLASSES = 1000, 36
TARGET_GRADES, TARGET_HIDDEN = 150, 10
TEACHERS = 12


# --- The data ---------------------------------------------------------------------------------

class Generator:
    """Every row of the benchmark, school by school (a school's rows fit in memory)."""

    def __init__(self, password_hash: str) -> None:
        self.ids = Ids()
        self.rng = random.Random(2026)
        self.password_hash = password_hash
        self.now = dt.datetime.now(dt.timezone.utc)
        self.periods = school_year(dt.date.today())
        self.target = 0  # the pupil with 150 grades: the first one
        self.pupils_left = PUPILS
        self.counts: dict[str, int] = {}

    def schools(self) -> Iterator[list[Batch]]:
        number = 0
        while self.pupils_left > 0:
            pupils = min(PER_SCHOOL, self.pupils_left)
            self.pupils_left -= pupils
            yield self.school(number, pupils)
            number += 1

    def school(self, number: int, pupils: int) -> list[Batch]:
        (etab,) = self.ids.take("etablissement")
        batches: list[Batch] = [
            ("etablissement", ("id", "uai", "type", "sigle", "nom", "commune", "academie"),
             [(etab, f"09{number:05d}B", "college", "CLG", f"COLLEGE BENCH {number}", "LILLE", "LILLE")]),
            ("periode", ("id", "etablissement", "code", "libelle", "debut", "fin"),
             [(i, etab, code, code, start, end) for i, (code, start, end) in zip(self.ids.take("periode", 3), self.periods)]),
            ("service_activation", ("id", "etablissement", "service", "ouvert", "options"),
             [(self.ids.take("service_activation")[0], etab, "notes", True, "{}")]),
        ]
        classes = list(self.ids.take("division", CLASSES))
        subjects = list(self.ids.take("matiere", len(SUBJECTS)))
        teachers = list(self.ids.take("enseignant", TEACHERS))
        batches += [
            ("division", ("id", "etablissement", "code_structure", "libelle", "type_structure"),
             [(d, etab, f"{3 + i // 9}{'ABCDEFGHI'[i % 9]}", f"{3 + i // 9}{'ABCDEFGHI'[i % 9]}", "D")
              for i, d in enumerate(classes)]),
            ("matiere", ("id", "etablissement", "code_matiere", "code_gestion", "libelle"),
             [(m, etab, *subject) for m, subject in zip(subjects, SUBJECTS)]),
            ("enseignant", ("id", "etablissement", "civilite", "nom", "prenom"),
             [(t, etab, "MME" if i % 2 else "M.", f"PROF{i:02d}", "Camille") for i, t in enumerate(teachers)]),
        ]
        teacher_of = {(d, m): teachers[(c + s) % TEACHERS] for c, d in enumerate(classes) for s, m in enumerate(subjects)}
        ids = self.ids.take("enseignement", len(teacher_of))
        batches.append(("enseignement", ("id", "enseignant", "matiere", "division", "professeur_principal"),
                        [(i, teacher, m, d, m == subjects[0]) for i, ((d, m), teacher) in zip(ids, teacher_of.items())]))
        pupils_of = self.families(batches, etab, classes, pupils)
        self.assessments(batches, etab, pupils_of, subjects, teacher_of)
        for table, _, rows in batches:
            self.counts[table] = self.counts.get(table, 0) + len(rows)
        return batches

    def families(self, batches: list[Batch], etab: int, classes: list[int], count: int) -> dict[int, list[int]]:
        """Pupils, one guardian each and the guardian's account; returns the pupils of each class."""
        eleves = list(self.ids.take("eleve", count))
        self.target = self.target or eleves[0]
        pupils_of: dict[int, list[int]] = {d: [] for d in classes}
        for i, e in enumerate(eleves):
            pupils_of[classes[i % len(classes)]].append(e)
        division_of = {e: d for d, members in pupils_of.items() for e in members}
        links = self.ids.take("responsable_eleve", count)
        responsables = self.ids.take("responsable", count)
        comptes = self.ids.take("compte", count)
        identifiant = lambda e: LOGIN if e == self.target else f"bench.{e}"  # noqa: E731
        batches += [
            ("eleve", ("id", "eleve_id", "etablissement", "division", "nom_de_famille", "prenom", "code_sexe", "date_naiss"),
             [(e, str(9_000_000 + e), etab, division_of[e], f"ELEVE{e}", "Alex", "12"[e % 2], dt.date(2013, 1, 1) + dt.timedelta(days=e % 700))
              for e in eleves]),
            ("responsable", ("id", "personne_id", "lc_civilite", "nom_de_famille", "prenom"),
             [(r, str(9_000_000 + r), "MME", f"ELEVE{e}", "Dominique") for r, e in zip(responsables, eleves)]),
            ("responsable_eleve", ("id", "eleve", "responsable", "resp_legal", "niveau_responsabilite", "code_parente"),
             [(link, e, r, 1, 1, "10") for link, e, r in zip(links, eleves, responsables)]),
            ("compte", ("id", "identifiant", "mot_de_passe", "type", "etat", "mel", "mel_verifie", "responsable", "active_le"),
             [(c, identifiant(e), self.password_hash, "parent", "actif", f"{identifiant(e)}@example.org", True, r, self.now)
              for c, e, r in zip(comptes, eleves, responsables)]),
            ("compte_eleve", ("id", "compte", "eleve", "responsable_eleve"),
             [(i, c, e, link) for i, c, e, link in zip(self.ids.take("compte_eleve", count), comptes, eleves, links)]),
        ]
        return pupils_of

    def assessments(self, batches: list[Batch], etab: int, pupils_of: dict[int, list[int]],
                    subjects: list[int], teacher_of: dict[tuple[int, int], int]) -> None:
        """Devoirs for every class with a grade for each of its pupils; the target's class has more."""
        devoirs, notes = [], []
        first, last = self.periods[0][1], self.periods[-1][2]
        for d, members in pupils_of.items():
            target_class = self.target in members
            count = TARGET_GRADES + TARGET_HIDDEN if target_class else DEVOIRS
            for n, devoir in enumerate(self.ids.take("notes_devoir", count)):
                m = subjects[n % len(subjects)]
                published = n < TARGET_GRADES if target_class else n % 10 != 9
                day = first + dt.timedelta(days=(last - first).days * n // count)
                devoirs.append((devoir, etab, d, m, teacher_of[d, m], f"Contrôle n° {n + 1}", day,
                                float(1 + n % 3), 20, published, self.now if published else None, self.now, self.now))
                for e, note in zip(members, self.ids.take("notes_note", len(members))):
                    notes.append((note, devoir, e, *self.grade(), self.now))
        batches += [
            ("notes_devoir", ("id", "etablissement_id", "division_id", "matiere_id", "enseignant_id", "libelle", "date",
                              "coefficient", "bareme", "publie", "publie_le", "cree_le", "modifie_le"), devoirs),
            ("notes_note", ("id", "devoir", "eleve_id", "valeur", "code", "saisie_le"), notes),
        ]

    def grade(self) -> tuple[float | None, str]:
        draw = self.rng.random()
        if draw < 0.04:
            return None, ("ABS", "DIS", "NNOT", "ABS")[int(draw * 100)]
        return round(self.rng.uniform(4, 20) * 2) / 2, ""


# --- Loading ----------------------------------------------------------------------------------

class SqliteLoader:
    def __init__(self, url: str) -> None:
        self.path = url.removeprefix("sqlite:///")

    async def __aenter__(self) -> SqliteLoader:
        import sqlite3

        import piccolo.engine.sqlite  # noqa: F401  (registers the date and time formats Piccolo reads)

        self.connection = sqlite3.connect(self.path)
        return self

    async def copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        self.connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    async def finish(self, tables: list[str]) -> None:
        self.connection.commit()
        self.connection.execute("ANALYZE")

    async def __aexit__(self, *exc: object) -> None:
        self.connection.close()


async def load(url: str) -> int:
    from teleservices.core.security import hash_password

    generator = Generator(hash_password(PASSWORD))
    loader = PostgresLoader(url) if url.startswith("postgres") else SqliteLoader(url)
    started = time.perf_counter()
    async with loader:
        for batches in generator.schools():
            for table, columns, rows in batches:
                await loader.copy(table, columns, rows)
        await loader.finish(list(generator.counts))
    elapsed = time.perf_counter() - started
    rows = sum(generator.counts.values())
    print(f"chargement      {rows:,} lignes en {elapsed:.1f} s ({rows / elapsed:,.0f} lignes/s)".replace(",", " "))
    print("                " + ", ".join(f"{t} {n:,}".replace(",", " ") for t, n in generator.counts.items()))
    return generator.target


# --- Serving and measuring --------------------------------------------------------------------

async def measure(label: str, client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None) -> Figures:
    for _ in range(50):  # warm-up: templates compiled, connections opened
        await client.get(url, headers=headers)
    left = REQUESTS
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal left, errors
        while left > 0:
            left -= 1
            begin = time.perf_counter()
            response = await client.get(url, headers=headers)
            latencies.append(time.perf_counter() - begin)
            errors += response.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    seconds = time.perf_counter() - started
    size = len((await client.get(url, headers=headers)).content)
    return Figures(label, len(latencies), errors, seconds, sorted(latencies), size)


def check_fragment(html: str) -> None:
    """The fragment really is the target's 150 grades, without the layout nor the unpublished."""
    assert "<html" not in html, "une page entière au lieu du fragment"
    assert "Liste des notes" in html, "pas de tableau des notes dans le fragment"
    shown = {int(n) for n in re.findall(r"Contrôle n° (\d+)", html)}
    assert shown == set(range(1, TARGET_GRADES + 1)), f"devoirs affichés : {sorted(shown)}"


async def run_load(portal: str, hello: str, target: int) -> None:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=portal, timeout=60, limits=limits) as client:
        await login(client)
        page = f"/eleves/{target}/notes/?periode=toutes"
        fragment = {"HX-Request": "true", "HX-Target": "notes-resultats"}
        await client.get(page)  # the visit that the page records, so that both answers show the same
        check_fragment((await client.get(page, headers=fragment)).text)
        notes_fragment = await measure("fragment des notes (htmx)", client, page, fragment)
        notes_page = await measure("page des notes", client, page)
    async with httpx.AsyncClient(base_url=hello, timeout=60, limits=limits) as client:
        bare = await measure("hello world Litestar", client, "/")
    print(f"requêtes        {REQUESTS} par mesure, {CONCURRENCY} connexions simultanées, 1 worker uvicorn")
    for figures in (notes_fragment, notes_page, bare):
        print(figures.line())
    print(f"rapport         fragment / hello world = {notes_fragment.rate / bare.rate:.2f}"
          f", page / hello world = {notes_page.rate / bare.rate:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3" if SQLITE else DATABASE_URL
        env = {**os.environ, "TELESERVICES_VAR_DIR": tmp, "TELESERVICES_DATABASE_URL": url}
        os.environ.update(env)
        print(f"base            {url.split('@')[-1]}, {PUPILS} élèves, {DEVOIRS} devoirs par classe"
              f", élève cible : {TARGET_GRADES} notes publiées (+{TARGET_HIDDEN} non publiées)")
        prepare(env)
        target = asyncio.run(load(url))
        with serving(env) as servers:
            asyncio.run(run_load(servers.portal, servers.hello, target))


if __name__ == "__main__":
    main()
