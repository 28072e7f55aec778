"""The receipt of a confirmed enrolment in lycée, as a PDF the family keeps: the pupil, the lycée
and the rentrée, when it was confirmed, the pedagogical wishes and the administrative changes
sent to the lycée. Written in the request's language (the school's data as it is)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from teleservices.core.api import format_date, gettext as _, pdf_document


def _eleve(child: Any) -> str:
    """The pupil's line, a whole sentence for a girl and for a boy."""
    valeurs = {"prenom": child.prenom, "nom": child.nom_de_famille, "naissance": format_date(child.date_naiss),
               "classe": child.division or "—"}
    if child.code_sexe == "2":
        return _("Élève : %(prenom)s %(nom)s, née le %(naissance)s, élève de %(classe)s", **valeurs)
    return _("Élève : %(prenom)s %(nom)s, né le %(naissance)s, élève de %(classe)s", **valeurs)


def recu_pdf(child: Any, inscription: Any, confirmee_le: dt.datetime, souhaits: list[tuple[str, str]],
             modifications: list[tuple[str, list[tuple[str, str]]]]) -> bytes:
    pdf = pdf_document()
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    lycee = inscription.lycee
    pdf.set_title(_("Inscription au lycée – %(prenom)s %(nom)s", prenom=child.prenom, nom=child.nom_de_famille))
    pdf.add_page()
    pdf.line_text(_("L'inscription pour la rentrée %(rentree)s", rentree=inscription.rentree), size=15, style="B", h=8)
    pdf.line_text(_("Récapitulatif de l'inscription confirmée en ligne"), size=11)
    pdf.ln(4)
    pdf.line_text(_eleve(child), size=10)
    pdf.line_text(_("Établissement d'origine : %(nom)s, %(commune)s", nom=child.etablissement.nom,
                    commune=child.etablissement.commune), size=10)
    pdf.ln(2)
    pdf.line_text(_("Lycée : %(nom)s", nom=lycee.nom), size=11, style="B")
    adresse = ", ".join(filter(None, (lycee.adresse_ligne1, lycee.adresse_ligne2,
                                      f"{lycee.code_postal} {lycee.commune}".strip())))
    pdf.line_text(adresse, size=10)
    pdf.ln(2)
    pdf.line_text(_("Inscription confirmée le %(date)s à %(heure)s.", date=format_date(confirmee_le),
                    heure=confirmee_le.strftime("%H:%M")), size=10, style="B")
    pdf.ln(3)
    pdf.line_text(_("Souhaits pédagogiques"), size=12, style="B", h=7)
    for categorie, choix in souhaits or [(_("Souhaits"), _("aucun enseignement à choisir"))]:
        pdf.line_text(_("%(libelle)s : %(valeur)s", libelle=categorie, valeur=choix), size=10)
    pdf.ln(3)
    pdf.line_text(_("Données administratives transmises au lycée"), size=12, style="B", h=7)
    if not modifications:
        pdf.line_text(_("Aucune modification : les données connues de l'établissement sont à jour."), size=10)
    for fiche, lignes in modifications:
        pdf.line_text(fiche, size=10, style="B")
        for libelle, valeur in lignes:
            pdf.line_text(_("%(libelle)s : %(valeur)s", libelle=libelle, valeur=valeur), size=10)
    pdf.ln(4)
    pdf.line_text(_("Les souhaits pédagogiques sont étudiés par le lycée, qui vous informera de la suite. "
                    "Les modifications des données administratives sont traitées par son secrétariat."), size=9)
    return bytes(pdf.output())
