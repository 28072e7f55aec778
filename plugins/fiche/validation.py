"""The checks of the fiche's two forms (« Mise à jour élève », « Mise à jour responsable
légal 1/2 », guide 3.3), as pure functions of what was typed: each field is cleaned (trimmed,
spaces collapsed, a phone number written « 03 20 00 00 01 », a date read, a commune written as the
postcode reference does) or refused with one sentence (French, or the page's language), shown next
to it on submit and inline (htmx).

Only the forms' own fields are read (the caller refuses any other); a field missing from the
form counts as empty. Hostile input is refused, not repaired: control and invisible characters
anywhere, markup in names, values longer than the record keeps, codes outside the reference
lists. Free text (address lines, communes abroad) may hold any other character: the pages escape it.

Given ``actuel`` (the record as it is), a value the family left as the school has it is kept as
is, unchecked: the school's own data (a SIECLE profession code the list no longer has, a number
written « 0320000001 ») never blocks a form nor becomes a change. The French address (postcode,
commune, country) is kept only when none of the three changed, so a new postcode is always
checked against the commune.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Callable, Mapping

from teleservices.core.api import current_language, gettext as _, lazy_gettext as _l, today
from teleservices.plugins.fiche import reference


class Invalide(ValueError):
    """A field's value refused, with the sentence that says why."""


Regle = Callable[[str, Mapping[str, Any]], Any]

# Unicode categories refused anywhere: controls (NUL, tab, newline…), invisible formatting (zero
# width spaces, right-to-left overrides), surrogates, private use, unassigned, line separators.
INTERDITS = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
PONCTUATION_NOM = {" ", "'", "’", "-", "."}
TIRETS = str.maketrans({"\u2010": "-", "\u2011": "-"})  # typographic hyphens, as phones type them
MESSAGE_TELEPHONE = _l("Le numéro de téléphone n'est pas valide : 10 chiffres en France (03 20 00 00 00) ou "
                       "l'indicatif international (+44 20 7946 0958).")
MESSAGE_MEL = _l("L'adresse électronique n'est pas valide : elle s'écrit sous la forme nom@domaine.fr, sans espace.")
TELEPHONE_MAX = 20  # the record's columns
DATES = ("date_naiss",)
ADRESSE = ("code_postal", "libelle_postal", "code_pays")  # checked together: never kept one by one
AGE_MIN, AGE_MAX = 2, 30


# --- text ------------------------------------------------------------------------------------------


def texte(brut: str, longueur: int) -> str:
    """Trimmed, NFC, runs of spaces made one; refused with control characters or too long."""
    valeur = unicodedata.normalize("NFC", brut).strip()
    if any(unicodedata.category(c) in INTERDITS for c in valeur):
        raise Invalide(_("Ce texte contient des caractères invisibles ou de contrôle (retour à la ligne, "
                         "tabulation…) : retirez-les."))
    valeur = " ".join(valeur.split())
    if len(valeur) > longueur:
        compte = f"{len(valeur):,}"  # 10,000 in English
        if current_language() == "fr":
            compte = compte.replace(",", "\u202f")  # 10 000, with a narrow no-break space
        raise Invalide(_("%(max)s caractères au plus : ce texte en compte %(compte)s.", max=longueur, compte=compte))
    return valeur


def libre(longueur: int) -> Regle:
    """Free text (an address line, a commune of birth): any printable character."""
    def regle(brut: str, form: Mapping[str, Any]) -> str:
        return texte(brut, longueur)
    return regle


def _caractere_de_nom(c: str) -> bool:
    return c in PONCTUATION_NOM or unicodedata.category(c)[0] in "LM"  # letters and their accents


def nom_propre(longueur: int, obligatoire: Any = None) -> Regle:
    """A name or first name: letters (accented too), spaces, apostrophes, hyphens, dots.
    ``obligatoire``: the sentence refusing it empty (« Le prénom est obligatoire. »), if required."""
    def regle(brut: str, form: Mapping[str, Any]) -> str:
        valeur = texte(brut.translate(TIRETS), longueur)
        if not valeur:
            if obligatoire:
                raise Invalide(str(obligatoire))
            return ""
        if "<" in valeur or ">" in valeur:
            raise Invalide(_("Les caractères < et > ne sont pas acceptés dans un nom."))
        if not all(_caractere_de_nom(c) for c in valeur):
            raise Invalide(_("Un nom ne peut contenir que des lettres, des espaces, des apostrophes, des traits "
                             "d'union et des points."))
        if not any(c.isalpha() for c in valeur):
            raise Invalide(_("Un nom contient au moins une lettre."))
        return valeur
    return regle


# --- codes, checkboxes ------------------------------------------------------------------------------


def code(liste: Callable[[], Mapping[str, str]], hors_liste: Any, obligatoire: Any = None) -> Regle:
    """A code of a reference list (the form's select or radio buttons). ``hors_liste``: the
    sentence refusing another code; ``obligatoire``: the one refusing it empty, if required."""
    def regle(brut: str, form: Mapping[str, Any]) -> str:
        valeur = brut.strip()
        if not valeur:
            if obligatoire:
                raise Invalide(str(obligatoire))
            return ""
        if valeur not in liste():
            raise Invalide(str(hors_liste))
        return valeur
    return regle


def profession(brut: str, form: Mapping[str, Any]) -> str:
    """A PCS code; empty or 99 (« non renseignée ») kept as sent."""
    valeur = brut.strip()
    if valeur in ("", reference.PROFESSION_NON_RENSEIGNEE):
        return valeur
    return code(reference.professions, _("Choisissez la profession dans la liste proposée."))(valeur, form)


def case(brut: str, form: Mapping[str, Any]) -> bool:
    """A checkbox: sent (« 1 », « on ») is ticked; absent, empty or « 0 » is not."""
    return brut.strip() not in ("", "0")


# --- dates -----------------------------------------------------------------------------------------

DATE_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def lire_date(brut: str) -> dt.date:
    """« 14/03/2013 » (or 14.03.2013, 14-03-2013) and « 2013-03-14 » (a date input)."""
    valeur = brut.strip()
    if (m := DATE_FR.fullmatch(valeur)) is not None:
        jour, mois, annee = (int(x) for x in m.groups())
    elif (m := DATE_ISO.fullmatch(valeur)) is not None:
        annee, mois, jour = (int(x) for x in m.groups())
    else:
        raise Invalide(_("La date s'écrit jj/mm/aaaa, par exemple 14/03/2013."))
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        raise Invalide(_("Cette date n'existe pas : vérifiez le jour et le mois.")) from None


def _ans_avant(jour: dt.date, ans: int) -> dt.date:
    try:
        return jour.replace(year=jour.year - ans)
    except ValueError:  # 29 February, in a year that has none
        return jour.replace(year=jour.year - ans, day=28)


def naissance(brut: str, form: Mapping[str, Any]) -> dt.date:
    """A pupil's date of birth: not in the future, between 2 and 30 years ago (a mistyped year)."""
    if not brut.strip():
        raise Invalide(_("La date de naissance est obligatoire."))
    date, jour = lire_date(brut), today()
    if date > jour:
        raise Invalide(_("La date de naissance ne peut pas être dans le futur."))
    if date > _ans_avant(jour, AGE_MIN):
        raise Invalide(_("Un élève a au moins %(age)s ans : vérifiez l'année de naissance.", age=AGE_MIN))
    if date < _ans_avant(jour, AGE_MAX):
        raise Invalide(_("Un élève a au plus %(age)s ans : vérifiez l'année de naissance.", age=AGE_MAX))
    return date


# --- phones, e-mail --------------------------------------------------------------------------------

TELEPHONE_FR = re.compile(r"0[1-9]\d{8}")
SEPARATEURS = re.compile(r"[ .\-]")
INTERNATIONAL = re.compile(r"\+[0-9 .\-()]+")


def telephone(brut: str, form: Mapping[str, Any]) -> str:
    """French: 10 digits from 0, kept « 03 20 00 00 01 ». International: « +<country code> … »,
    8 to 15 digits, kept as typed with single spaces (without its separators if too long to keep)."""
    valeur = texte(brut.translate(TIRETS), 60)
    if not valeur:
        return ""
    chiffres = SEPARATEURS.sub("", valeur)
    if TELEPHONE_FR.fullmatch(chiffres):
        return " ".join(chiffres[i:i + 2] for i in range(0, 10, 2))
    numero = re.sub(r"\D", "", valeur)
    if INTERNATIONAL.fullmatch(valeur) and 8 <= len(numero) <= 15 and not numero.startswith("0"):
        return valeur if len(valeur) <= TELEPHONE_MAX else f"+{numero}"
    raise Invalide(str(MESSAGE_TELEPHONE))


MEL_INTERDITS = set(" <>()[]\\,;:\"")


def mel(brut: str, form: Mapping[str, Any]) -> str:
    """A practical check: one @, a dotted domain, no spaces, 120 characters at most."""
    valeur = texte(brut, 120)
    if not valeur:
        return ""
    local, _, domaine = valeur.partition("@")
    etiquettes = domaine.split(".")
    if (valeur.count("@") != 1 or not local or MEL_INTERDITS & set(valeur) or len(etiquettes) < 2
            or not all(etiquettes) or len(etiquettes[-1]) < 2):
        raise Invalide(str(MESSAGE_MEL))
    return valeur


# --- the address (a guardian's) --------------------------------------------------------------------

CODE_POSTAL_ETRANGER = re.compile(r"[A-Z0-9][A-Z0-9 \-]*")


def en_france(form: Mapping[str, Any]) -> bool:
    """The address is French: code_pays 100, or none yet (the record's default)."""
    return _brut(form, "code_pays").strip() in ("", reference.FRANCE)


def _code_postal_francais(brut: str) -> str:
    valeur = brut.replace(" ", "").strip()
    if not re.fullmatch(r"\d{5}", valeur):
        raise Invalide(_("Le code postal compte 5 chiffres, par exemple 59800."))
    if reference.code_postal_verifiable(valeur) and not reference.code_postal_connu(valeur):
        raise Invalide(_("Ce code postal n'existe pas : vérifiez-le."))
    return valeur


def code_postal(brut: str, form: Mapping[str, Any]) -> str:
    """France: required, 5 digits, a known postcode (any in the Pacific, which the reference does not
    cover). Abroad: optional, letters, digits, spaces, hyphens."""
    if en_france(form):
        if not brut.strip():
            raise Invalide(_("Le code postal est obligatoire."))
        return _code_postal_francais(brut)
    valeur = texte(brut, 10).upper()
    if valeur and not CODE_POSTAL_ETRANGER.fullmatch(valeur):
        raise Invalide(_("Un code postal ne contient que des lettres, des chiffres, des espaces et des tirets."))
    return valeur


def commune(brut: str, form: Mapping[str, Any]) -> str:
    """Required. France: one of the postcode's communes, written as the reference does
    (« SAINT-DENIS » for « St Denis »); in the Pacific, free text in upper case. Abroad: free text."""
    valeur = texte(brut, 80)
    if not valeur:
        raise Invalide(_("La commune est obligatoire."))
    if not en_france(form):
        return valeur
    try:
        cp = _code_postal_francais(_brut(form, "code_postal"))
    except Invalide:
        return valeur  # the postcode's own error says what is wrong
    if not reference.code_postal_verifiable(cp):
        return valeur.upper()
    trouvee = reference.commune_du_code_postal(cp, valeur)
    if trouvee is None:
        connues = reference.communes(cp)
        liste = ", ".join(connues[:6]) + (", …" if len(connues) > 6 else "")
        raise Invalide(_("Cette commune ne correspond pas au code postal %(cp)s (%(communes)s).",
                         cp=cp, communes=liste))
    return trouvee


# --- the forms -------------------------------------------------------------------------------------

ELEVE: dict[str, Regle] = {
    "nom_de_famille": nom_propre(100, obligatoire=_l("Le nom de famille est obligatoire.")),
    "prenom": nom_propre(60, obligatoire=_l("Le 1er prénom est obligatoire.")),
    "prenom2": nom_propre(60),
    "prenom3": nom_propre(60),
    "code_sexe": code(reference.sexes, _l("Choisissez le sexe dans la liste proposée."),
                      obligatoire=_l("Le sexe est obligatoire.")),
    "date_naiss": naissance,
    "code_pays_naiss": code(reference.pays, _l("Choisissez le pays de naissance dans la liste proposée."),
                            obligatoire=_l("Le pays de naissance est obligatoire.")),
    "ville_naiss": libre(80),
    "adresse_resp1": case,
    "tel_domicile": telephone,
    "tel_travail": telephone,
    "tel_portable": telephone,
    "mel": mel,
}
RESPONSABLE: dict[str, Regle] = {
    "code_parente": code(reference.liens, _l("Choisissez le lien avec l'élève dans la liste proposée."),
                         obligatoire=_l("Le lien avec l'élève est obligatoire.")),
    "lc_civilite": code(reference.civilites, _l("Choisissez la civilité dans la liste proposée."),
                        obligatoire=_l("La civilité est obligatoire.")),
    "nom_de_famille": nom_propre(100, obligatoire=_l("Le nom de famille est obligatoire.")),
    "prenom": nom_propre(60, obligatoire=_l("Le prénom est obligatoire.")),
    "code_profession": profession,
    **{f"ligne{n}_adresse": libre(120) for n in range(1, 5)},
    "code_postal": code_postal,
    "libelle_postal": commune,
    "code_pays": code(reference.pays, _l("Choisissez le pays dans la liste proposée."),
                      obligatoire=_l("Le pays est obligatoire.")),
    "communication_adresse": case,
    "tel_personnel": telephone,
    "tel_professionnel": telephone,
    "tel_portable": telephone,
    "accepte_sms": case,
    "mel": mel,
}
FORMULAIRES = {"eleve": ELEVE, "responsable": RESPONSABLE}


def _brut(form: Mapping[str, Any], champ: str) -> str:
    valeur = form.get(champ)
    return valeur if isinstance(valeur, str) else ""


def _comme_texte(valeur: Any) -> str:
    if valeur is None:
        return ""
    return valeur.isoformat() if isinstance(valeur, dt.date) else str(valeur)


def _inchange(champ: str, form: Mapping[str, Any], actuel: Mapping[str, Any] | None) -> bool:
    """The family left this field as the school has it (see the module's docstring)."""
    if actuel is None or champ not in actuel or isinstance(actuel[champ], bool):
        return False
    if champ in ADRESSE:
        return all(k in actuel and _brut(form, k).strip() == _comme_texte(actuel[k]).strip() for k in ADRESSE)
    brut = _brut(form, champ).strip()
    if champ in DATES:
        try:  # the record's date may come back as a date or as its ISO text
            return lire_date(brut).isoformat() == _comme_texte(actuel[champ])[:10]
        except Invalide:
            return False
    if champ == "code_profession" and brut in ("", reference.PROFESSION_NON_RENSEIGNEE):
        return _comme_texte(actuel[champ]) in ("", reference.PROFESSION_NON_RENSEIGNEE)
    return brut == _comme_texte(actuel[champ]).strip()


def _champ(regles: Mapping[str, Regle], champ: str, form: Mapping[str, Any],
           actuel: Mapping[str, Any] | None) -> Any:
    """The field's cleaned value (the record's own when unchanged); raises ``Invalide``."""
    if _inchange(champ, form, actuel):
        return actuel[champ]  # type: ignore[index]
    valeur = form.get(champ)
    if valeur is not None and not isinstance(valeur, str):  # a file where text is expected
        raise Invalide(_("Ce champ n'accepte que du texte."))
    return regles[champ](valeur or "", form)


def _valider(regles: Mapping[str, Regle], form: Mapping[str, Any],
             actuel: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]]:
    propres: dict[str, Any] = {}
    erreurs: dict[str, str] = {}
    for champ in regles:
        try:
            propres[champ] = _champ(regles, champ, form, actuel)
        except Invalide as erreur:
            erreurs[champ] = str(erreur)
    return propres, erreurs


def valider_eleve(form: Mapping[str, str], *, actuel: Mapping[str, Any] | None = None,
                  ) -> tuple[dict[str, Any], dict[str, str]]:
    """« Mise à jour élève »: (cleaned values, errors), both keyed by the record's field names.
    A field is in one or the other: a date is a ``datetime.date``, a checkbox a bool, else text."""
    return _valider(ELEVE, form, actuel)


def valider_responsable(form: Mapping[str, str], *, actuel: Mapping[str, Any] | None = None,
                        ) -> tuple[dict[str, Any], dict[str, str]]:
    """« Mise à jour responsable légal 1/2 »: (cleaned values, errors), as ``valider_eleve``."""
    return _valider(RESPONSABLE, form, actuel)


def verifier_champ(formulaire: str, champ: str, form: Mapping[str, str], *,
                   actuel: Mapping[str, Any] | None = None) -> str | None:
    """The error of one field as the family types (htmx), or None; the rest of ``form`` serves
    the checks across fields (the commune against the postcode and country). An unknown form or
    field is a ``ValueError``: the caller answers it."""
    regles = FORMULAIRES.get(formulaire)
    if regles is None or champ not in regles:
        raise ValueError(f"Champ inconnu : {formulaire}/{champ}")
    try:
        _champ(regles, champ, form, actuel)
    except Invalide as erreur:
        return str(erreur)
    return None
