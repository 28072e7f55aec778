"""The staff page « Import d'un fichier LPC », under ``/administration/lpc/import``: the head (and
the academy administrator) sends the LPC exchange XML an academic tool exported
(``xml_import.py``), sees what it would change, then confirms.

Nothing is written by the preview: it lists every error with its line (then nothing can be
confirmed), or the pupils found and the changes the file would make against what is stored. The
confirmation sends the file back (base64 in a hidden field: no temporary storage), which is read
and checked again before it is written in one transaction with its audit line; then a 303 to the
page with ``?ok=import`` and the counts. Teachers validate on their own page: importing a whole
establishment's file is the head's.

The routes are mounted with the LPC's staff pages (``ROUTES``); links are built from the mount's
service key, so that the page works wherever it is mounted.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect

from teleservices.core.api import (
    StaffRole, audit, lazy_gettext as _l, pupils_of_establishment, render, staff_establishment, staff_guard, structures,
    today, write_transaction,
)
from teleservices.plugins.lpc import xml_import
from teleservices.plugins.lpc.api import Lu, ecrire, prevoir
from teleservices.plugins.lpc.grille import grille

# Base64 makes the file a third longer in the confirmation; the form's other fields are small.
MAX_UPLOAD = xml_import.MAX_BYTES + 64 * 1024
MAX_CONFIRMATION = xml_import.MAX_BYTES * 4 // 3 + 64 * 1024
COMPTES = ("validees", "modifiees", "inchangees", "retirees")
CHOISIR = _l("Choisissez le fichier XML exporté par l'outil de suivi des compétences.")
A_RENVOYER = _l("Le fichier n'a pas pu être importé : envoyez-le de nouveau.")
GUARDS = [staff_guard(StaffRole.CHEF)]


def base(request: Request) -> str:
    return f"/administration/{request.route_handler.opt['service_key']}"


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _page(request: Request, erreur: str = "", apercu: xml_import.Apercu | None = None, fichier: str = "") -> Response:
    """The form, with a file-level error or the file's error list when there is one."""
    ok = request.query_params.get("ok") == "import"
    return render(request, "lpc/import/import.html", {
        "base": base(request),
        "erreur": erreur,
        "apercu": apercu,
        "fichier": fichier,
        "bilan": {k: _count(request.query_params.get(k)) for k in COMPTES} if ok else None,
        "max_mo": xml_import.MAX_BYTES // (1024 * 1024),
    })


async def _lire(request: Request, data: bytes) -> tuple[xml_import.Apercu, list[dict]]:
    """The file read against the establishment's pupils (one query), and those pupils."""
    pupils = await pupils_of_establishment(staff_establishment(request))
    contexte = xml_import.contexte_de(pupils, request.user.etablissement_uai, grille(), today())
    return xml_import.lire(data, contexte), pupils


def _nom(upload: Any) -> str:
    return str(upload.filename).replace("\\", "/").rsplit("/", 1)[-1][:120]


@get("/import", name="lpc:import", guards=GUARDS)
async def import_page(request: Request) -> Response:
    return _page(request)


@post("/import", guards=GUARDS, request_max_body_size=MAX_UPLOAD)
async def import_preview(request: Request) -> Response:
    """The file read and checked, and what it would change: nothing is written here."""
    upload = (await request.form()).get("fichier")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, str(CHOISIR))
    data = await upload.read()
    apercu, pupils = await _lire(request, data)
    if not apercu.valide:
        return _page(request, apercu=apercu, fichier=_nom(upload))
    classes = {s["id"]: s["code_structure"] for s in await structures(staff_establishment(request))}
    prevu = await prevoir(Lu(apercu.validations, [], []))
    return render(request, "lpc/import/apercu.html", {
        "base": base(request),
        "fichier": _nom(upload),
        "apercu": apercu,
        "bilan": prevu.bilan,
        "classe": {row["id"]: classes.get(row["division_id"], "") for row in pupils},
        "contenu": base64.b64encode(data).decode("ascii"),
    })


@post("/import/confirmer", guards=GUARDS, request_max_body_size=MAX_CONFIRMATION)
async def import_confirm(request: Request) -> Response:
    """The previewed file, sent back, read and checked again, then written."""
    form = await request.form()
    try:
        data = base64.b64decode(str(form.get("contenu", "")), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    apercu = (await _lire(request, data))[0] if data else None
    if apercu is None or not apercu.valide:
        return _page(request, str(A_RENVOYER))
    fichier = str(form.get("fichier", ""))[:120]
    async with write_transaction():
        bilan = await ecrire(staff_establishment(request), Lu(apercu.validations, [], []),
                             request.user.identifiant)
        await audit(request, "lpc.import", (
            f"Import du fichier LPC « {fichier} » ({len(apercu.eleves)} élève(s)) : {bilan.validees} validée(s), "
            f"{bilan.modifiees} modifiée(s), {bilan.inchangees} inchangée(s), {bilan.retirees} retirée(s)."
        ))
    counts = {k: getattr(bilan, k) for k in COMPTES}
    return Redirect(f"{base(request)}/import?{urlencode({'ok': 'import', **counts})}", status_code=303)


ROUTES = [import_page, import_preview, import_confirm]
