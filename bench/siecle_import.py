"""How long a SIECLE import takes: a synthetic collège of 1,500 pupils and 3,000 guardians
(nomenclature, pupils and structures, guardians, STS-web services), first import, the same
files again (nothing to write), then a new export where every pupil's régime changed.

The database is TELESERVICES_DATABASE_URL (default: a temporary SQLite file), migrated first;
the benchmark's establishment (UAI 0599998Y) and its guardians are deleted at the end.

    .venv/bin/python bench/siecle_import.py
    TELESERVICES_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/siecle_import.py
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

UAI = "0599998Y"
PUPILS = int(os.environ.get("BENCH_PUPILS", "1500"))


def database_url() -> str:
    url = os.environ.get("TELESERVICES_DATABASE_URL")
    if not url:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
        os.environ["TELESERVICES_DATABASE_URL"] = url
    return url


async def timed(label: str, files: dict[str, bytes]) -> None:
    from teleservices.core.siecle.importer import import_files

    start = time.perf_counter()
    summary = await import_files(UAI, list(files.items()), create=True)
    elapsed = time.perf_counter() - start
    created = sum(f.total_crees for f in summary.fichiers)
    updated = sum(f.total_mis_a_jour for f in summary.fichiers)
    refused = [f.erreur for f in summary.fichiers if f.erreur]
    print(f"{label:<34} {elapsed:6.2f} s   {created:>6} créés  {updated:>6} mis à jour" + (f"  REFUS {refused}" if refused else ""))


async def main() -> None:
    from teleservices.core.db import bind, engine_from_url, migrate
    from teleservices.core.plugins import all_tables, load_plugins
    from teleservices.core.settings import Settings
    from teleservices.core.siecle import synthetic
    from teleservices.core.tables import Etablissement, Responsable

    url = database_url()
    settings = Settings.from_env()
    bind(engine_from_url(url), all_tables(load_plugins(settings)))
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    files = synthetic.school(UAI, PUPILS, first_id=6_000_000)
    size = sum(len(d) for d in files.values()) / 1024 / 1024
    print(f"Base : {url.split('@')[-1]}  ({PUPILS} élèves, {2 * PUPILS} responsables, {size:.1f} Mo de XML)")
    personnes = re.findall(r'PERSONNE_ID="(\d+)"', files["ResponsablesAvecAdresses.xml"].decode("iso-8859-15"))
    try:
        await timed("premier import", files)
        await timed("même import (rien à écrire)", files)
        changed = dict(files, **{"ElevesSansAdresses.xml": files["ElevesSansAdresses.xml"].replace(
            b"<CODE_REGIME>2</CODE_REGIME>", b"<CODE_REGIME>3</CODE_REGIME>")})
        await timed("régime changé pour chaque élève", changed)
    finally:
        for start in range(0, len(personnes), 1000):
            await Responsable.delete().where(Responsable.personne_id.is_in(personnes[start:start + 1000]))
        await Etablissement.delete().where(Etablissement.uai == UAI)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
