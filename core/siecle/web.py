"""The staff's upload page, /administration/import (head of establishment, academy administrator).

The POST stores the files in memory, writes an ImportSiecle row (en_cours) and the audit line,
starts the import as an asyncio task in the server and answers 303 to the job's page. That page
shows a <progress> bar, refreshed every second by htmx (and every two seconds by a <noscript>
meta refresh without JavaScript), then the summary file by file. A job still en_cours long after
it started belongs to a server that stopped: it is shown as interrupted.

The import runs in the language of the page that started it (the task inherits the request's
context): its steps, refusals and remarks are stored in that language, as written. The kinds of
rows counted and the kinds of files are named in the reader's language when shown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException

from teleservices.core import clock
from teleservices.core.audit import audit
from teleservices.core.db import write_transaction
from teleservices.core.guards import staff_establishment, staff_guard, viewer_of
from teleservices.core.i18n import gettext as _, ngettext
from teleservices.core.rendering import navigate, render
from teleservices.core.siecle.files import LABELS, MAX_UPLOAD_BYTES, MB
from teleservices.core.siecle.importer import import_files
from teleservices.core.tables import Etablissement, ImportSiecle

log = logging.getLogger("teleservices.siecle")

PAGE = "/administration/import"
MANAGERS = staff_guard()
MAX_FILES = 10
MAX_BODY = MAX_FILES * MAX_UPLOAD_BYTES // 4 + MB  # a whole SIECLE zip fits many times over
INTERRUPTED_AFTER = dt.timedelta(minutes=10)
RUNNING: set[asyncio.Task] = set()  # a reference to each running import, so that none is collected

LAST_IMPORTS_SQL = """
SELECT i.id, i.cree_le, i.fini_le, i.etat, i.progression, i.etape, i.resume, COALESCE(c.identifiant, '') AS identifiant
FROM import_siecle i LEFT JOIN compte c ON c.id = i.compte
WHERE i.etablissement = {}
ORDER BY i.cree_le DESC, i.id DESC
LIMIT 10
"""


def state(job: dict[str, Any]) -> str:
    """en_cours, termine, refuse, or interrompu for a job its server never finished."""
    started = job["cree_le"]
    if job["etat"] == "en_cours" and started and clock.now() - started > INTERRUPTED_AFTER:
        return "interrompu"
    return job["etat"]


def _resume(value: Any) -> list[dict]:
    return json.loads(value or "[]") if isinstance(value, str) else (value or [])


# The kinds of rows a summary counts (its keys, store.py), named in the reader's language.
COUNTED = {
    "MEF": lambda n: ngettext("%(num)d MEF", "%(num)d MEF", n),
    "matières": lambda n: ngettext("%(num)d matières", "%(num)d matières", n),
    "classes et groupes": lambda n: ngettext("%(num)d classes et groupes", "%(num)d classes et groupes", n),
    "élèves": lambda n: ngettext("%(num)d élèves", "%(num)d élèves", n),
    "appartenances à un groupe": lambda n: ngettext(
        "%(num)d appartenances à un groupe", "%(num)d appartenances à un groupe", n),
    "responsables": lambda n: ngettext("%(num)d responsables", "%(num)d responsables", n),
    "liens élève-responsable": lambda n: ngettext(
        "%(num)d liens élève-responsable", "%(num)d liens élève-responsable", n),
    "enseignants": lambda n: ngettext("%(num)d enseignants", "%(num)d enseignants", n),
    "services d'enseignement": lambda n: ngettext(
        "%(num)d services d'enseignement", "%(num)d services d'enseignement", n),
}


def counts_text(counts: dict[str, int] | None) -> str:
    """« 1 classes et groupes, 2 élèves »: a summary's counts, in the reader's language."""
    return ", ".join(COUNTED[what](n) if what in COUNTED else f"{n} {what}" for what, n in (counts or {}).items())


def _shown_file(fichier: dict[str, Any]) -> dict[str, Any]:
    label = LABELS.get(fichier.get("type") or "")
    return {
        **fichier,
        "libelle": str(label) if label is not None else fichier.get("libelle", ""),
        "crees_texte": counts_text(fichier.get("crees")),
        "mis_a_jour_texte": counts_text(fichier.get("mis_a_jour")),
        "supprimes_texte": counts_text(fichier.get("supprimes")),
    }


def _with_state(job: dict[str, Any]) -> dict[str, Any]:
    fichiers = [_shown_file(f) for f in _resume(job["resume"])]
    return {
        **job, "etat_affiche": state(job), "fichiers": fichiers,
        "refuses": sum(1 for f in fichiers if f.get("erreur")),
    }


async def _form(request: Request, erreur: str = "", status_code: int = 200) -> Response:
    etablissement_id = staff_establishment(request)
    etab = await Etablissement.select(Etablissement.nom, Etablissement.uai).where(
        Etablissement.id == etablissement_id
    ).first()
    jobs = [_with_state(j) for j in await ImportSiecle.raw(LAST_IMPORTS_SQL, etablissement_id)]
    return render(request, "administration/import.html", {
        "etablissement": etab, "imports": jobs, "erreur": erreur,
        "max_mo": MAX_UPLOAD_BYTES // MB, "max_fichiers": MAX_FILES,
    }, status_code=status_code)


@get(PAGE, guards=[MANAGERS], name="administration-import")
async def import_page(request: Request) -> Response:
    return await _form(request)


async def _uploads(request: Request) -> tuple[list[tuple[str, bytes]], str]:
    """The uploaded files as (name, bytes), or a French reason to refuse them all."""
    form = await request.form()
    files = [f for f in form.getall("fichiers", []) if isinstance(f, UploadFile) and f.filename]
    if not files:
        return [], _("Choisissez au moins un fichier exporté de SIECLE (XML ou zip).")
    if len(files) > MAX_FILES:
        return [], _("Vous avez choisi %(nombre)s fichiers : envoyez-en au plus %(max)s à la fois.",
                     nombre=len(files), max=MAX_FILES)
    sources = []
    for upload in files:
        data = await upload.read()
        if len(data) > MAX_UPLOAD_BYTES:
            return [], _("Le fichier %(fichier)s dépasse %(max)s Mo : rien n'a été importé.",
                         fichier=upload.filename, max=MAX_UPLOAD_BYTES // MB)
        sources.append((upload.filename.rsplit("/", 1)[-1][:120], data))
    return sources, ""


@post(PAGE, guards=[MANAGERS], request_max_body_size=MAX_BODY)
async def start_import(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    sources, erreur = await _uploads(request)
    if erreur:
        return await _form(request, erreur, status_code=400)
    etab = await Etablissement.select(Etablissement.uai).where(Etablissement.id == etablissement_id).first()
    names = ", ".join(name for name, _data in sources)
    async with write_transaction():
        job = await ImportSiecle.insert(ImportSiecle(
            etablissement=etablissement_id, compte=viewer_of(request).compte_id, cree_le=clock.now(),
            etat="en_cours", progression=0, etape=_("En attente"), resume=[],
        ))
        await audit(request, "import.siecle", f"Import SIECLE lancé : {names}")
    job_id = job[0]["id"]
    task = asyncio.create_task(run_job(job_id, etab["uai"], sources))
    RUNNING.add(task)
    task.add_done_callback(RUNNING.discard)
    return navigate(request, f"{PAGE}/{job_id}")


async def run_job(job_id: int, uai: str, sources: list[tuple[str, bytes]]) -> None:
    """The import in the background, writing its progress and then its summary to its row."""

    async def progress(percent: int, step: str) -> None:
        await ImportSiecle.update({ImportSiecle.progression: percent, ImportSiecle.etape: step[:200]}).where(
            ImportSiecle.id == job_id
        )

    try:
        summary = await import_files(uai, sources, progress=progress)
        changes = {
            ImportSiecle.etat: "termine" if summary.importes else "refuse",
            ImportSiecle.resume: summary.to_json(),
            ImportSiecle.erreur: "" if summary.importes else _("Aucun fichier n'a pu être importé."),
        }
    except Exception:
        log.exception("Import SIECLE %s en échec", job_id)
        changes = {ImportSiecle.etat: "refuse", ImportSiecle.erreur: _("Erreur inattendue : rien n'a été importé.")}
    await ImportSiecle.update({
        **changes, ImportSiecle.progression: 100, ImportSiecle.etape: _("Terminé"), ImportSiecle.fini_le: clock.now(),
    }).where(ImportSiecle.id == job_id)


@get(f"{PAGE}/{{job_id:int}}", guards=[MANAGERS], name="administration-import-suivi")
async def job_page(request: Request) -> Response:
    job_id = request.path_params["job_id"]
    rows = await ImportSiecle.raw(
        "SELECT i.id, i.cree_le, i.fini_le, i.etat, i.progression, i.etape, i.resume, i.erreur, "
        "COALESCE(c.identifiant, '') AS identifiant FROM import_siecle i LEFT JOIN compte c ON c.id = i.compte "
        "WHERE i.id = {} AND i.etablissement = {}", job_id, staff_establishment(request),
    )
    if not rows:
        raise NotFoundException(_("Import introuvable dans votre établissement."))
    job = _with_state(rows[0])
    return render(request, "administration/import_suivi.html", {"job": job, "en_cours": job["etat_affiche"] == "en_cours"})


ROUTES = [import_page, start_import, job_page]
