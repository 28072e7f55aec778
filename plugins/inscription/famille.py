"""The parents' pages of the online enrolment in lycée (guide 3.2), under
``/eleves/{eleve_id}/inscription/``, behind the core's service guard (parents only, and only
for a child whose affectation points to a lycée whose campaign has begun).

The home page shows the pupil, « L'inscription pour la rentrée <année> », the lycée's
information, and the four steps: 1 « Valider l'inscription » (a button on the home page), 2 the
pedagogical wishes, 3 the administrative data (the fiche's own forms, whose requests go to the
lycée's queue), 4 the summary to confirm — then a confirmation page, a mail and a PDF receipt.
Every step is saved as the parent goes; a step is reachable once the ones before it are done.
After the closing day, or once confirmed, everything is read-only and every write is refused.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    CurrentChild, download, format_date, gettext as _, lazy_gettext as _l, portal_url, render,
    school_time, send_mail, write_transaction,
)
from teleservices.plugins.fiche import famille as fiche
from teleservices.plugins.inscription import dossier, rules
from teleservices.plugins.inscription.dossier import Inscription
from teleservices.plugins.inscription.recu import recu_pdf

MESSAGES = {
    "validee": _l("L'inscription au lycée est validée. Indiquez maintenant vos souhaits pédagogiques."),
    "voeux": _l("Vos souhaits pédagogiques sont enregistrés."),
    "donnees": _l("Données administratives vérifiées."),
    "eleve": _l("Vos modifications de la fiche de l'élève sont transmises au lycée, qui les traitera."),
    "responsable": _l("Vos modifications sont transmises au lycée, qui les traitera."),
    "inchange": _l("Aucune modification : les données sont identiques à celles de l'établissement."),
}
STEP_PAGES = {rules.VALIDATION: "/", rules.VOEUX: "/souhaits", rules.FICHE: "/donnees/",
              rules.RECAPITULATIF: "/recapitulatif"}
MAIL = "inscription/mails/confirmation.txt"


def _base(child: Any) -> str:
    return f"/eleves/{child.id}/inscription"


async def _inscription(child: Any) -> Inscription:
    inscription = await dossier.lire(child.id)
    if inscription is None or inscription.lycee is None:  # the guard let it through a moment ago
        raise NotFoundException(_("Aucune inscription au lycée pour cet élève."))
    return inscription


def _page(request: Request, child: Any, inscription: Inscription, template: str, status: int = 200,
          **context: Any) -> Response:
    return render(request, f"inscription/{template}", {
        "child": child, "base": _base(child), "i": inscription, "etapes": rules.ETAPES,
        "message": str(MESSAGES.get(request.query_params.get("ok") or "", "")), **context,
    }, status_code=status)


def _refus(inscription: Inscription) -> str:
    """Why this enrolment cannot be changed now."""
    if inscription.etat == "fermee":
        return _("La campagne d'inscription s'est terminée le %(fermeture)s : votre inscription est consultable "
                 "mais ne peut plus être modifiée. Contactez le lycée si besoin.",
                 fermeture=format_date(inscription.campagne.fermeture))
    if inscription.avancement.confirmee:
        return _("Votre inscription est confirmée : pour la modifier, demandez au lycée de la rouvrir.")
    return _("La campagne d'inscription n'est pas encore ouverte.")


def _ecriture_refusee(request: Request, child: Any, inscription: Inscription, etape: int) -> Response | None:
    """The answer to a write that cannot be made (read-only, or a step before it not done), or None."""
    if not inscription.modifiable:
        return _page(request, child, inscription, "accueil.html", status=409, refus=_refus(inscription))
    if not inscription.avancement.accessible(etape):
        return _vers_etape(child, inscription)
    return None


def _vers_etape(child: Any, inscription: Inscription) -> Response:
    return Redirect(_base(child) + STEP_PAGES[inscription.avancement.prochaine], status_code=303)


# --- the home page and step 1 -------------------------------------------------------------------


@get("/", name="inscription:accueil")
async def accueil(request: Request, child: CurrentChild) -> Response:
    """« L'inscription pour la rentrée … », the lycée's information and where each step stands."""
    inscription = await _inscription(child)
    refus = "" if inscription.modifiable else _refus(inscription)
    return _page(request, child, inscription, "accueil.html", refus=refus)


@post("/validation")
async def valider(request: Request, child: CurrentChild) -> Response:
    """Step 1: « Valider l'inscription » in the assigned lycée."""
    inscription = await _inscription(child)
    refusee = _ecriture_refusee(request, child, inscription, rules.VALIDATION)
    if refusee:
        return refusee
    await dossier.enregistrer(inscription, rules.VALIDATION, request.user.compte_id)
    return Redirect(f"{_base(child)}/souhaits?ok=validee", status_code=303)


# --- step 2: the pedagogical wishes --------------------------------------------------------------


@get("/souhaits", name="inscription:souhaits")
async def souhaits(request: Request, child: CurrentChild) -> Response:
    inscription = await _inscription(child)
    if not inscription.avancement.accessible(rules.VOEUX):
        return _vers_etape(child, inscription)
    return _page(request, child, inscription, "souhaits.html", offre=inscription.offre,
                 voeux=inscription.voeux, erreurs={}, categories=rules.CATEGORIES)


@post("/souhaits")
async def enregistrer_souhaits(request: Request, child: CurrentChild) -> Response:
    inscription = await _inscription(child)
    refusee = _ecriture_refusee(request, child, inscription, rules.VOEUX)
    if refusee:
        return refusee
    form = await request.form()
    voeux = rules.Voeux(str(form.get("lv1") or "")[:20], str(form.get("lv2") or "")[:20],
                        tuple(dict.fromkeys(str(o)[:20] for o in form.getall("options", []) if o))[:12])
    offre = inscription.offre
    erreurs = rules.erreurs_voeux(offre, voeux)
    if erreurs:
        return _page(request, child, inscription, "souhaits.html", status=422, offre=offre, voeux=voeux,
                     erreurs=erreurs, categories=rules.CATEGORIES)
    await dossier.enregistrer(inscription, rules.VOEUX, request.user.compte_id,
                              lv1=voeux.lv1, lv2=voeux.lv2, options=list(voeux.options))
    return Redirect(f"{_base(child)}/donnees/?ok=voeux", status_code=303)


# --- step 3: the administrative data, with the fiche's forms --------------------------------------


def _cadre(child: Any, inscription: Inscription) -> fiche.Cadre:
    """The fiche's forms, inside the enrolment: their requests go to the lycée's queue."""
    base = _base(child)
    return fiche.Cadre(f"{base}/donnees", inscription.lycee_id,
                       ((_("L'inscription au lycée"), f"{base}/"), (_("Données administratives"), f"{base}/donnees/")),
                       titre=_("L'inscription au lycée"))


async def _etape_donnees(request: Request, child: Any, ecriture: bool) -> tuple[Inscription, Response | None]:
    """The enrolment, and the answer instead of the page when step 3 is not reachable (or, for
    a write, when the enrolment is read-only)."""
    inscription = await _inscription(child)
    if ecriture:
        return inscription, _ecriture_refusee(request, child, inscription, rules.FICHE)
    if not inscription.avancement.accessible(rules.FICHE):
        return inscription, _vers_etape(child, inscription)
    return inscription, None


@get("/donnees", name="inscription:donnees")
async def donnees(request: Request, child: CurrentChild) -> Response:
    """Step 3: the records this account may update, what waits, and « Continuer »."""
    inscription, ailleurs = await _etape_donnees(request, child, ecriture=False)
    if ailleurs:
        return ailleurs
    lue = await fiche.lire(request, child)
    return _page(request, child, inscription, "donnees.html", fiche=lue,
                 eleve_bloque=lue.eleve_bloque(request.user.compte_id), **fiche.libelles())


@post("/donnees")
async def donnees_verifiees(request: Request, child: CurrentChild) -> Response:
    inscription, refusee = await _etape_donnees(request, child, ecriture=True)
    if refusee:
        return refusee
    await dossier.enregistrer(inscription, rules.FICHE, request.user.compte_id)
    return Redirect(f"{_base(child)}/recapitulatif?ok=donnees", status_code=303)


@get("/donnees/eleve")
async def donnees_eleve(request: Request, child: CurrentChild) -> Response:
    inscription, ailleurs = await _etape_donnees(request, child, ecriture=False)
    return ailleurs or await fiche.page_eleve(request, child, _cadre(child, inscription))


@post("/donnees/eleve")
async def enregistrer_donnees_eleve(request: Request, child: CurrentChild) -> Response:
    inscription, refusee = await _etape_donnees(request, child, ecriture=True)
    return refusee or await fiche.soumettre_eleve(request, child, _cadre(child, inscription))


@get("/donnees/responsable/{niveau:int}")
async def donnees_responsable(request: Request, child: CurrentChild) -> Response:
    inscription, ailleurs = await _etape_donnees(request, child, ecriture=False)
    return ailleurs or await fiche.page_responsable(request, child, _cadre(child, inscription),
                                                   request.path_params["niveau"])


@post("/donnees/responsable/{niveau:int}")
async def enregistrer_donnees_responsable(request: Request, child: CurrentChild) -> Response:
    inscription, refusee = await _etape_donnees(request, child, ecriture=True)
    return refusee or await fiche.soumettre_responsable(request, child, _cadre(child, inscription),
                                                         request.path_params["niveau"])


@post("/donnees/verifier/{formulaire:str}")
async def verifier(request: Request, child: CurrentChild) -> Response:
    """The fiche's check of one field as the family types (nothing stored)."""
    return await fiche.verifier_champ(request)


# --- step 4: the summary, the confirmation, the mail and the receipt ------------------------------


async def _recapitulatif(request: Request, child: Any, inscription: Inscription) -> dict[str, Any]:
    """What the summary, the mail and the receipt show: the wishes in words and the pending
    changes of the administrative data."""
    offre = inscription.offre
    lue = await fiche.lire(request, child)
    return {"souhaits": souhaits_en_mots(offre, inscription.voeux),
            "modifications": fiche.modifications_en_attente(lue)}


def souhaits_en_mots(offre: rules.Offre, voeux: rules.Voeux) -> list[tuple[str, str]]:
    """(« Langue vivante 1 », « Anglais (AGL1) »)…, in the order of the form."""
    noms = {e.code: e.libelle for e in offre.enseignements}

    def nom(code: str) -> str:
        return f"{noms[code]} ({code})" if code in noms else code

    lignes = [(rules.CATEGORIES[c], nom(v)) for c, v in ((rules.LV1, voeux.lv1), (rules.LV2, voeux.lv2)) if v]
    if voeux.options:
        lignes.append((rules.CATEGORIES[rules.OPTION], ", ".join(nom(o) for o in voeux.options)))
    return lignes


@get("/recapitulatif", name="inscription:recapitulatif")
async def recapitulatif(request: Request, child: CurrentChild) -> Response:
    inscription = await _inscription(child)
    if not inscription.avancement.accessible(rules.RECAPITULATIF):
        return _vers_etape(child, inscription)
    return _page(request, child, inscription, "recapitulatif.html", **await _recapitulatif(request, child, inscription))


@post("/recapitulatif")
async def confirmer(request: Request, child: CurrentChild) -> Response:
    """Step 4: confirmed once, with a mail to the account's address in the same transaction."""
    inscription = await _inscription(child)
    refusee = _ecriture_refusee(request, child, inscription, rules.RECAPITULATIF)
    if refusee:
        return refusee
    recap = await _recapitulatif(request, child, inscription)
    mel = request.user.mel
    async with write_transaction():
        await dossier.enregistrer(inscription, rules.RECAPITULATIF, request.user.compte_id)
        if mel:
            await send_mail(request, mel, MAIL, child=child, lycee=inscription.lycee, rentree=inscription.rentree,
                            lien=portal_url(request, f"{_base(child)}/"), **recap)
    return Redirect(f"{_base(child)}/confirmation", status_code=303)


@get("/confirmation", name="inscription:confirmation")
async def confirmation(request: Request, child: CurrentChild) -> Response:
    inscription = await _inscription(child)
    if not inscription.avancement.confirmee:
        return _vers_etape(child, inscription)
    return _page(request, child, inscription, "confirmation.html", mel=request.user.mel,
                 confirmee_le=school_time(inscription.confirme_le), **await _recapitulatif(request, child, inscription))


@get("/recapitulatif.pdf", name="inscription:pdf")
async def recu(request: Request, child: CurrentChild) -> Response:
    """The receipt of a confirmed enrolment, as a PDF to keep or print."""
    inscription = await _inscription(child)
    if not inscription.avancement.confirmee:
        raise NotFoundException(_("L'inscription n'est pas encore confirmée."))
    recap = await _recapitulatif(request, child, inscription)
    contenu = recu_pdf(child, inscription, school_time(inscription.confirme_le), **recap)
    return download(contenu, f"inscription-lycee-{child.prenom}-{child.nom_de_famille}.pdf".lower(),
                    "application/pdf")


ROUTES = [accueil, valider, souhaits, enregistrer_souhaits, donnees, donnees_verifiees, donnees_eleve,
          enregistrer_donnees_eleve, donnees_responsable, enregistrer_donnees_responsable, verifier,
          recapitulatif, confirmer, confirmation, recu]
