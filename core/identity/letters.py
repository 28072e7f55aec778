"""The notification letters of guide 1.2, as a PDF (fpdf2) or a CSV for mail merge.

One A4 page per account: the establishment, the recipient, the portal's address, the
identifier and the provisional password (or, for an account that already exists, the
identifier alone and a sentence saying the password is unchanged), what the first connection
asks, how to merge accounts, and at the bottom a "coupon réponse" with which a legal guardian
refuses the service for themselves or for the pupil.

The letters are printed in a Unicode TrueType font (DejaVu Sans, Debian's fonts-dejavu-core;
Liberation as a fallback) so that every accent of the SIECLE names prints. Their text is in the
language of the page that prints them; the CSV's columns are mail-merge field names, the same in
every language (a school's merge template names them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from fpdf.enums import XPos, YPos

from teleservices.core.i18n import format_date, gettext as _, lazy_gettext as _l
from teleservices.core.identity.creation import Batch, Letter
from teleservices.core.pdf import PdfDocument, typo

# SIECLE's civilities: (as in an address, as the letter's first words — « Dear Madam, » in English).
MONSIEUR = (_l("Monsieur"), _l("Monsieur,"))
MADAME = (_l("Madame"), _l("Madame,"))
CIVILITES = {"M.": MONSIEUR, "M": MONSIEUR, "MME": MADAME, "MLLE": MADAME, "MME.": MADAME}
SUIVI = _l("notes, absences, livret personnel de compétences")
CSV_FIELDS = [
    "identifiant", "mot_de_passe_provisoire", "compte_existant", "type", "civilite", "prenom", "nom",
    "adresse_1", "adresse_2", "adresse_3", "adresse_4", "adresse_5", "adresse_6", "eleves", "classes",
    "adresse_portail", "etablissement",
]


def civilite_longue(civilite: str) -> str:
    found = CIVILITES.get((civilite or "").strip().upper())
    return str(found[0]) if found else ""


def recipient(letter: Letter) -> str:
    """"Madame Sophie DUPONT" for a guardian, "Léa DUPONT" for a pupil."""
    title = civilite_longue(letter.civilite) if letter.type == "parent" else ""
    return " ".join(part for part in (title, letter.prenom, letter.nom) if part)


def pupils_text(letter: Letter) -> str:
    return ", ".join(p.label for p in letter.eleves)


def services_text(services: Sequence[str]) -> str:
    """"les notes, les absences et l'inscription au lycée" from the services' labels."""
    labels = [str(s)[:1].lower() + str(s)[1:] for s in services if s]
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return _("%(liste)s et %(dernier)s", liste=", ".join(labels[:-1]), dernier=labels[-1])


def _salutation(letter: Letter) -> str:
    if letter.type == "eleve":
        return _("Bonjour %(prenom)s,", prenom=letter.prenom) if letter.prenom else _("Bonjour,")
    found = CIVILITES.get((letter.civilite or "").strip().upper())
    return str(found[1]) if found else _("Madame, Monsieur,")


def _paragraphs(letter: Letter, etab: dict, services: Sequence[str]) -> tuple[list[str], list[str]]:
    """The text before the box with the identifier, and the explanations after it."""
    offer = services_text(services)
    name = etab["nom"]
    if offer:
        intro = _("L'établissement %(etablissement)s met à votre disposition les services en ligne de l'éducation "
                  "nationale : %(services)s.", etablissement=name, services=offer)
    else:
        intro = _("L'établissement %(etablissement)s met à votre disposition les services en ligne de l'éducation "
                  "nationale.", etablissement=name)
    if letter.type == "parent":
        eleves = pupils_text(letter)
        if letter.existant:
            before = [
                intro,
                _("Vous disposez déjà d'un compte, que vous continuez d'utiliser en tant que responsable légal "
                  "de %(eleves)s. Votre mot de passe reste inchangé : il n'est pas rappelé dans ce courrier.",
                  eleves=eleves),
            ]
            after = [
                _("Connectez-vous avec cet identifiant et le mot de passe que vous avez choisi. En cas d'oubli, "
                  "suivez le lien « mot de passe oublié » de la page de connexion : un courriel vous permettra "
                  "d'en choisir un nouveau."),
            ]
        else:
            before = [
                intro,
                _("Un compte personnel a été créé pour vous, responsable légal de %(eleves)s. Voici de quoi vous "
                  "connecter :", eleves=eleves),
            ]
            after = [
                _("Lors de votre première connexion, ce mot de passe provisoire doit être remplacé par un mot "
                  "de passe de votre choix (8 caractères au moins). Vous devrez aussi indiquer votre adresse "
                  "e-mail et la date de naissance de votre enfant."),
                _("Un courriel vous sera alors envoyé : cliquez sur le lien qu'il contient dans les 3 mois "
                  "pour activer votre compte. Au-delà, le compte est supprimé et il faut en demander un "
                  "nouveau à l'établissement."),
            ]
        after.append(_(
            "Vous avez plusieurs enfants, et donc plusieurs comptes ? Regroupez-les à tout moment depuis le "
            "menu « gérer son compte », bouton « regrouper des comptes » : un seul identifiant vous donnera "
            "accès à tous vos enfants."
        ))
    else:
        if letter.existant:
            before = [
                intro,
                _("Vous disposez déjà d'un compte : votre mot de passe reste inchangé et n'est pas rappelé "
                  "dans ce courrier."),
            ]
            after = [
                _("En cas d'oubli de votre mot de passe, suivez le lien « mot de passe oublié » de la page de "
                  "connexion (il faut pour cela avoir indiqué et confirmé votre adresse e-mail), ou adressez-vous "
                  "à l'établissement."),
            ]
        else:
            before = [
                intro,
                _("Un compte personnel a été créé pour vous. Voici de quoi vous connecter :"),
            ]
            after = [
                _("Lors de votre première connexion, vous devrez indiquer votre date de naissance et remplacer "
                  "ce mot de passe provisoire par un mot de passe de votre choix (8 caractères au moins)."),
                _("L'adresse e-mail est facultative : si vous l'indiquez et la confirmez, elle vous permettra "
                  "de retrouver votre identifiant ou votre mot de passe en cas d'oubli."),
            ]
    after.append(_("Ce courrier est personnel : conservez-le et ne communiquez jamais votre mot de passe."))
    return before, after


class LetterPDF(PdfDocument):
    def __init__(self) -> None:
        super().__init__()
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(True, margin=12)


def _header(pdf: LetterPDF, letter: Letter, etab: dict, today: dt.date) -> None:
    pdf.set_xy(20, 15)
    pdf.set_font("sans", "B", 10)
    pdf.multi_cell(85, 5, etab["nom"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("sans", "", 9)
    lines = [etab.get("adresse_ligne1"), etab.get("adresse_ligne2"),
             " ".join(p for p in (etab.get("code_postal"), etab.get("commune")) if p),
             _("Tél. : %(telephone)s", telephone=etab["telephone"]) if etab.get("telephone") else "", etab.get("mel")]
    for line in filter(None, lines):
        pdf.set_x(20)
        pdf.multi_cell(85, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # The recipient where a window envelope shows it.
    pdf.set_xy(110, 45)
    pdf.set_font("sans", "B", 10)
    pdf.multi_cell(80, 5, recipient(letter), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("sans", "", 10)
    extra = letter.adresse if letter.type == "parent" else tuple(
        _("Élève de %(classe)s", classe=p.division) for p in letter.eleves[:1] if p.division
    )
    for line in extra:
        pdf.set_x(110)
        pdf.multi_cell(80, 5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(20, 82)
    town = (etab.get("commune") or "").strip()
    day = format_date(today)
    pdf.line_text(_("%(ville)s, le %(date)s", ville=town, date=day) if town else _("le %(date)s", date=day), align="R")
    pdf.ln(2)
    pdf.line_text(_("Objet : accès aux services en ligne de l'établissement"), style="B")
    pdf.ln(3)


def _credentials(pdf: LetterPDF, letter: Letter, base_url: str) -> None:
    rows = [(_("Adresse du site"), base_url, False), (_("Identifiant"), letter.identifiant, True)]
    if letter.mot_de_passe:
        rows.append((_("Mot de passe provisoire"), letter.mot_de_passe, True))
    top = pdf.get_y()
    height = 5 + 7.5 * len(rows) + (5 if letter.mot_de_passe else 0)
    pdf.set_fill_color(236, 241, 247)
    pdf.set_draw_color(10, 79, 138)
    pdf.rect(20, top, 170, height, style="DF")
    pdf.set_y(top + 3)
    for label, value, mono in rows:
        pdf.set_x(25)
        pdf.set_font("sans", "", 10)
        pdf.cell(52, 7.5, _("%(libelle)s :", libelle=label))
        pdf.set_font("mono" if mono else "sans", "B", 13 if mono else 10)
        pdf.cell(0, 7.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if letter.mot_de_passe:
        pdf.set_x(25)
        pdf.set_font("sans", "", 8)
        pdf.cell(0, 4, _("Respectez les majuscules et les minuscules. Ce mot de passe ne contient jamais 0, O, o, 1, I, i ni l."),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height + 4)


def _checkbox(pdf: LetterPDF, text: str) -> None:
    y = pdf.get_y()
    pdf.rect(22, y + 0.8, 3.5, 3.5)
    pdf.set_xy(28, y)
    pdf.set_font("sans", "", 9)
    pdf.multi_cell(162, 4.8, typo(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.8)


COUPON_TOP = 214


def _coupon(pdf: LetterPDF, letter: Letter) -> None:
    top = max(pdf.get_y() + 3, COUPON_TOP)
    pdf.set_draw_color(90, 90, 90)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.line(20, top, 190, top)
    pdf.set_dash_pattern()
    pdf.set_font("sans", "", 9)
    pdf.set_xy(20, top - 2.3)
    pdf.cell(6, 4.6, "✂", fill=False)
    pdf.set_xy(20, top + 2)
    pdf.line_text(_("COUPON RÉPONSE"), size=10, style="B", h=5)
    pdf.line_text(_("À rendre à l'établissement uniquement si vous refusez l'accès aux services en ligne."), size=8.5, h=4.3)
    pdf.ln(1)
    pdf.line_text(_("Compte : %(identifiant)s        Élève : %(eleves)s", identifiant=letter.identifiant,
                    eleves=pupils_text(letter)), size=9, h=4.8)
    if letter.type == "parent":
        who = recipient(letter) or "...................................................."
        pdf.line_text(_("Je soussigné(e) %(nom)s, responsable légal de l'élève :", nom=who), size=9, h=4.8)
        pdf.ln(0.8)
        _checkbox(pdf, _("refuse l'accès aux services en ligne pour moi-même : mon compte sera rendu inutilisable ;"))
        _checkbox(pdf, _("refuse pour l'élève l'accès aux services de suivi (%(suivi)s) ; "
                         "les services pédagogiques restent accessibles.", suivi=SUIVI))
    else:
        pdf.line_text(_("Je soussigné(e) %(nom)s, responsable légal de l'élève :",
                        nom="........................................................"), size=9, h=4.8)
        pdf.ln(0.8)
        _checkbox(pdf, _("refuse pour l'élève l'accès aux services de suivi (%(suivi)s) ; "
                         "les services pédagogiques restent accessibles ;", suivi=SUIVI))
        _checkbox(pdf, _("refuse que l'élève dispose d'un compte : son compte sera rendu inutilisable."))
    pdf.ln(1.5)
    pdf.line_text(_("Date : ............................            Signature :"), size=9, h=5)


def letters_pdf(batch: Batch, base_url: str, services: Sequence[str] = (), today: dt.date | None = None) -> bytes:
    """The batch as one PDF, one page per letter."""
    today = today or dt.date.today()
    pdf = LetterPDF()
    title = _("Courriers des services en ligne – %(etablissement)s", etablissement=batch.etablissement["nom"])
    pdf.set_title(title + (f" – {batch.division}" if batch.division else ""))
    for letter in batch.letters:
        pdf.add_page()
        _header(pdf, letter, batch.etablissement, today)
        before, after = _paragraphs(letter, batch.etablissement, services)
        pdf.line_text(_salutation(letter))
        pdf.ln(1.5)
        for text in before:
            pdf.line_text(text)
            pdf.ln(1.5)
        _credentials(pdf, letter, base_url)
        for text in after:
            pdf.line_text(text, size=9.5, h=4.7)
            pdf.ln(1.2)
        _coupon(pdf, letter)
    if not batch.letters:
        pdf.add_page()
        pdf.line_text(_("Aucun compte : il n'y a pas de courrier à imprimer."))
    return bytes(pdf.output())


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def letters_csv(batch: Batch, base_url: str) -> bytes:
    """The batch for mail merge: ``;``-separated, UTF-8 with a BOM (Excel reads the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for letter in batch.letters:
        address = list(letter.adresse[:6]) + [""] * (6 - len(letter.adresse[:6]))
        row = [
            letter.identifiant, letter.mot_de_passe or "", _("oui") if letter.existant else _("non"),
            _("Responsable légal") if letter.type == "parent" else _("Élève"),
            civilite_longue(letter.civilite) if letter.type == "parent" else "", letter.prenom, letter.nom,
            *address, ", ".join(f"{p.prenom} {p.nom}" for p in letter.eleves),
            ", ".join(dict.fromkeys(p.division for p in letter.eleves if p.division)),
            base_url, batch.etablissement["nom"],
        ]
        writer.writerow([_safe_cell(str(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def filename(batch: Batch, extension: str) -> str:
    """"courriers-0599901K-4G.pdf": ASCII only, for the Content-Disposition header."""
    parts = ["courriers", batch.etablissement["uai"]]
    if batch.division:
        parts.append("".join(ch for ch in batch.division if ch.isascii() and (ch.isalnum() or ch in "-_")))
    return "-".join(p for p in parts if p) + f".{extension}"
