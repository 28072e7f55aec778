"""« Le livret personnel de compétences est éditable au format PDF » (guide 3.6): the detailed
report of the current palier, as the guide shows it — « Livret personnel de compétences — Palier 3
— Bilan détaillé en date du jj/mm/aaaa », the pupil, then each compétence with its validation date,
its domaines and items, and the language level of compétence 2.

The report's own words follow the reader's language; the grid's wording (compétences, domaines,
items) is the official French text, never translated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from teleservices.core.api import format_date, gettext as _, pdf_document
from teleservices.plugins.lpc.livret import CompetenceLue, PalierLu

# The palier's colour (guide 3.6) as a band behind its title; the palier is also written.
BANDES = {3: (212, 237, 218), 2: (253, 228, 196), 1: (214, 228, 245)}
VALIDE, NON_VALIDE = "✓", "–"


def _date(jour: dt.date | None) -> str:
    return format_date(jour) if jour else ""


def livret_pdf(child: Any, palier: PalierLu, professeur_principal: str, aujourdhui: dt.date) -> bytes:
    pdf = pdf_document()
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(_("Livret personnel de compétences – %(prenom)s %(nom)s", prenom=child.prenom,
                    nom=child.nom_de_famille))
    pdf.add_page()
    _entete(pdf, child, palier, professeur_principal, aujourdhui)
    for lue in palier.competences:
        _competence(pdf, lue, palier.palier.numero)
    return bytes(pdf.output())


def _entete(pdf: Any, child: Any, palier: PalierLu, professeur_principal: str, aujourdhui: dt.date) -> None:
    pdf.set_fill_color(*BANDES[palier.palier.numero])
    pdf.set_font("sans", "B", 13)
    titre = _("Livret personnel de compétences — Palier %(palier)s — Bilan détaillé en date du %(date)s",
              palier=palier.palier.numero, date=_date(aujourdhui))
    pdf.multi_cell(0, 7, titre, fill=True, align="L", padding=1.5, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    naissance = (_("née le : %(date)s", date=_date(child.date_naiss)) if str(child.ne_ou_nee) == "née"
                 else _("né le : %(date)s", date=_date(child.date_naiss)))
    pdf.line_text("    ".join((
        _("Nom et prénom : %(nom)s %(prenom)s", nom=child.nom_de_famille, prenom=child.prenom),
        naissance,
        _("classe de : %(classe)s", classe=child.division or "—"),
    )), size=10)
    pdf.line_text(_("Professeur principal : %(nom)s", nom=professeur_principal or _("non indiqué")), size=10)
    etab = child.etablissement
    pdf.line_text(f"{etab.nom}, {etab.code_postal} {etab.commune}", size=9)
    pdf.line_text(_("%(palier)s — couleur du palier : %(couleur)s", palier=palier.palier.titre,
                    couleur=palier.couleur.nom), size=9)
    pdf.ln(3)


def _competence(pdf: Any, lue: CompetenceLue, palier: int) -> None:
    c = lue.competence
    pdf.set_fill_color(*BANDES[palier])
    if pdf.get_y() + 30 > pdf.h - pdf.b_margin:  # nor a compétence's title
        pdf.add_page()
    pdf.set_font("sans", "B", 11)
    pdf.multi_cell(0, 7, c.libelle, fill=True, align="L", new_x="LMARGIN", new_y="NEXT")
    statut = (_("La compétence %(numero)s est validée le : %(date)s", numero=c.numero, date=_date(lue.validee_le))
              if lue.validee_le else _("La compétence %(numero)s n'est pas validée à ce jour.", numero=c.numero))
    pdf.line_text(statut, size=10, style="B")
    if c.langue and lue.langue:
        pdf.line_text(_("La maîtrise du niveau %(niveau)s est validée en %(langue)s le : %(date)s",
                        niveau=lue.langue.niveau, langue=lue.langue.langue, date=_date(lue.langue.date)), size=10)
    progression = lue.progression
    pdf.line_text(_("Items validés : %(valides)s sur %(total)s", valides=progression.valides,
                    total=progression.total), size=9)
    for domaine in c.domaines:
        pdf.ln(1)
        if pdf.get_y() + 14 > pdf.h - pdf.b_margin:  # a domaine's title never ends a page alone
            pdf.add_page()
        pdf.line_text(domaine.libelle, size=10, style="B")
        for item in domaine.items:
            jour = lue.items.get(item.code)
            marque = (f"{VALIDE} " + _("validé le %(date)s", date=_date(jour)) if jour
                      else f"{NON_VALIDE} " + _("non validé"))
            _item(pdf, item.libelle, marque)
    pdf.ln(4)


def _item(pdf: Any, libelle: str, marque: str) -> None:
    """The item's wording on the left, its state on the right, kept together on one page."""
    largeur = pdf.w - pdf.l_margin - pdf.r_margin
    gauche, droite, ligne = largeur - 44, 42, 4.5
    pdf.set_font("sans", "", 9)
    hauteur = ligne * len(pdf.multi_cell(gauche, ligne, libelle, align="L", dry_run=True, output="LINES"))
    if pdf.get_y() + hauteur > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    pdf.multi_cell(gauche, ligne, libelle, align="L", new_x="RIGHT", new_y="TOP")
    pdf.set_xy(pdf.l_margin + largeur - droite, y)
    pdf.multi_cell(droite, ligne, marque, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(y + max(hauteur, ligne) + 0.8)
