"""The receipt of a confirmed enrolment in lycée, as a PDF the family keeps: the pupil, the lycée
and the rentrée, when it was confirmed, the pedagogical wishes and the administrative changes
sent to the lycée."""

from __future__ import annotations

import datetime as dt
from typing import Any

from teleservices.core.api import pdf_document


def recu_pdf(child: Any, inscription: Any, confirmee_le: dt.datetime, souhaits: list[tuple[str, str]],
             modifications: list[tuple[str, list[tuple[str, str]]]]) -> bytes:
    pdf = pdf_document()
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    lycee = inscription.lycee
    pdf.set_title(f"Inscription au lycée – {child.prenom} {child.nom_de_famille}")
    pdf.add_page()
    pdf.line_text(f"L'inscription pour la rentrée {inscription.rentree}", size=15, style="B", h=8)
    pdf.line_text("Récapitulatif de l'inscription confirmée en ligne", size=11)
    pdf.ln(4)
    pdf.line_text(f"Élève : {child.prenom} {child.nom_de_famille}, {child.ne_ou_nee} le "
                  f"{child.date_naiss:%d/%m/%Y}, élève de {child.division or '—'}", size=10)
    pdf.line_text(f"Établissement d'origine : {child.etablissement.nom}, {child.etablissement.commune}", size=10)
    pdf.ln(2)
    pdf.line_text(f"Lycée : {lycee.nom}", size=11, style="B")
    adresse = ", ".join(filter(None, (lycee.adresse_ligne1, lycee.adresse_ligne2,
                                      f"{lycee.code_postal} {lycee.commune}".strip())))
    pdf.line_text(adresse, size=10)
    pdf.ln(2)
    pdf.line_text(f"Inscription confirmée le {confirmee_le:%d/%m/%Y à %H:%M}.", size=10, style="B")
    pdf.ln(3)
    pdf.line_text("Souhaits pédagogiques", size=12, style="B", h=7)
    for categorie, choix in souhaits or [("Souhaits", "aucun enseignement à choisir")]:
        pdf.line_text(f"{categorie} : {choix}", size=10)
    pdf.ln(3)
    pdf.line_text("Données administratives transmises au lycée", size=12, style="B", h=7)
    if not modifications:
        pdf.line_text("Aucune modification : les données connues de l'établissement sont à jour.", size=10)
    for fiche, lignes in modifications:
        pdf.line_text(fiche, size=10, style="B")
        for libelle, valeur in lignes:
            pdf.line_text(f"{libelle} : {valeur}", size=10)
    pdf.ln(4)
    pdf.line_text("Les souhaits pédagogiques sont étudiés par le lycée, qui vous informera de la suite. "
                  "Les modifications des données administratives sont traitées par son secrétariat.", size=9)
    return bytes(pdf.output())
