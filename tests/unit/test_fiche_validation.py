"""The fiche's reference lists and the checks of its two forms: each validator valid and invalid,
hostile input (markup, 10 000 characters, control characters, codes outside the lists), the
postcode ↔ commune rule, what is normalised, and the record's own values left as they are."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from teleservices.core.api import GUARDIAN_FIELDS, PUPIL_FIELDS, today
from teleservices.plugins.fiche import reference
from teleservices.plugins.fiche.validation import valider_eleve, valider_responsable, verifier_champ


def ans_avant(ans: int, jours: int = 0) -> dt.date:
    jour = today()
    try:
        jour = jour.replace(year=jour.year - ans)
    except ValueError:
        jour = jour.replace(year=jour.year - ans, day=28)
    return jour + dt.timedelta(days=jours)


def eleve(**champs: str) -> dict[str, str]:
    form = {"nom_de_famille": "DUPONT", "prenom": "Léa", "code_sexe": "2", "date_naiss": "14/03/2013",
            "code_pays_naiss": "100", "ville_naiss": "LILLE", "adresse_resp1": "1"}
    form.update(champs)
    return {k: v for k, v in form.items() if v is not None}


def responsable(**champs: str) -> dict[str, str]:
    form = {"code_parente": "10", "lc_civilite": "MME", "nom_de_famille": "DUPONT", "prenom": "Sophie",
            "code_profession": "54", "ligne1_adresse": "12 rue Nationale", "code_postal": "59800",
            "libelle_postal": "LILLE", "code_pays": "100"}
    form.update(champs)
    return {k: v for k, v in form.items() if v is not None}


def erreur(formulaire: str, champ: str, **champs: str) -> str | None:
    form = eleve(**champs) if formulaire == "eleve" else responsable(**champs)
    return verifier_champ(formulaire, champ, form)


# --- the reference lists ----------------------------------------------------------------------------


def test_the_lists_the_forms_offer():
    pays = reference.pays()
    assert next(iter(pays)) == reference.FRANCE == "100" and pays["100"] == "FRANCE"
    assert len(pays) == 213 and pays["121"] == "SERBIE"  # 214 rows, 121 twice in the source
    assert pays["390"] == "ILE MAURICE" and pays["990"] == "AUTRES PAYS"
    professions = reference.professions()
    assert len(professions) == 36 and "99" not in professions
    assert professions["10"] == "Agriculteur exploitant" and professions["86"].startswith("Personne sans activité")
    assert reference.civilites() == {"M.": "M.", "MME": "Mme"}
    assert reference.sexes() == {"1": "Masculin", "2": "Féminin"}
    assert reference.liens()["10"] == "Mère" and reference.liens()["20"] == "Père" and "30" not in reference.liens()
    assert set(reference.liens()) == {"10", "20", "37", "38", "39", "41", "42", "43", "50", "51", "70", "90"}


def test_regimes_and_labels_of_codes():
    assert reference.regime("29") == "Demi-pensionnaire au ticket"
    assert reference.regime("0") == "Externe libre"
    assert reference.regime("2") == "Demi-pensionnaire dans l'établissement"
    assert reference.regime("77") == "Régime (code 77)" and reference.regime("") == "" and reference.regime(None) == ""
    assert reference.libelle_code("code_pays", "100") == "FRANCE"
    assert reference.libelle_code("code_profession", "81") == "Profession (code 81)"
    assert reference.libelle_code("code_profession", "99") == ""
    assert reference.libelle_code("lc_civilite", "MME") == "Mme"
    assert reference.libelle_code("tel_portable", "06 12 34 56 78") == "06 12 34 56 78"


def test_communes_are_compared_as_families_type_them():
    assert reference.norme_commune("St-Denis") == reference.norme_commune("SAINT DENIS") == "SAINT DENIS"
    assert reference.norme_commune("L'Île-Rousse") == "L ILE ROUSSE"
    assert reference.norme_commune("Sainte-Marie") == reference.norme_commune("ste marie")
    assert reference.communes("59800") == ["LILLE"] and reference.communes("00000") == []
    assert reference.commune_du_code_postal("75001", "Paris") == "PARIS"
    assert reference.commune_du_code_postal("59800", "Roubaix") is None


def test_the_postcode_file_is_the_one_its_sources_describe():
    data = json.loads((reference.DATA / "codes_postaux.json").read_text(encoding="utf-8"))
    assert len(data) == 6203 and all(len(cp) == 5 and cp.isdigit() for cp in data)
    assert {"97400", "97600", "97133", "97150", "20000", "75001"} <= set(data)
    assert not any(cp.startswith("98") for cp in data)


# --- the pupil's form -------------------------------------------------------------------------------


def test_a_valid_pupil_form_is_cleaned():
    propres, erreurs = valider_eleve(eleve(
        nom_de_famille="  DE LA  TOUR ", prenom="Jean-Marc", prenom2="Zoé", tel_domicile="03.20.00.00.01",
        tel_travail="03-20-00-00-02", tel_portable="0612345678", mel=" lea.dupont@example.org ",
    ))
    assert erreurs == {}
    assert set(propres) == set(PUPIL_FIELDS)
    assert propres["nom_de_famille"] == "DE LA TOUR" and propres["prenom3"] == ""
    assert propres["date_naiss"] == dt.date(2013, 3, 14)
    assert propres["tel_domicile"] == "03 20 00 00 01" and propres["tel_travail"] == "03 20 00 00 02"
    assert propres["tel_portable"] == "06 12 34 56 78" and propres["mel"] == "lea.dupont@example.org"
    assert propres["adresse_resp1"] is True and propres["ville_naiss"] == "LILLE"


def test_required_fields_of_the_pupil():
    propres, erreurs = valider_eleve({})
    assert set(erreurs) == {"nom_de_famille", "prenom", "code_sexe", "date_naiss", "code_pays_naiss"}
    assert erreurs["nom_de_famille"] == "Le nom de famille est obligatoire."
    assert erreurs["date_naiss"] == "La date de naissance est obligatoire."
    assert propres["adresse_resp1"] is False and propres["tel_portable"] == ""


@pytest.mark.parametrize("valeur", ["1", "on"])
def test_a_ticked_checkbox(valeur):
    assert valider_eleve(eleve(adresse_resp1=valeur))[0]["adresse_resp1"] is True


@pytest.mark.parametrize("valeur", [None, "", "0"])
def test_an_unticked_checkbox(valeur):
    assert valider_eleve(eleve(adresse_resp1=valeur))[0]["adresse_resp1"] is False


@pytest.mark.parametrize("nom", ["O'Brien", "O’Brien", "Saint-Exupéry", "N'Diaye", "J.-P.", "Ñúñez", "Łukasz", "محمد"])
def test_names_with_letters_apostrophes_hyphens_and_dots(nom):
    assert erreur("eleve", "nom_de_famille", nom_de_famille=nom) is None


@pytest.mark.parametrize("nom, message", [
    ("<script>alert(1)</script>", "Les caractères < et > ne sont pas acceptés dans un nom."),
    ("Dupont<b>", "Les caractères < et > ne sont pas acceptés dans un nom."),
    ("Dupont\x00", "caractères invisibles ou de contrôle"),
    ("Du\npont", "caractères invisibles ou de contrôle"),
    ("Du\tpont", "caractères invisibles ou de contrôle"),
    ("Du\u202epont", "caractères invisibles ou de contrôle"),  # right-to-left override
    ("Du\u200bpont", "caractères invisibles ou de contrôle"),  # zero width space
    ("R2d2", "Un nom ne peut contenir que des lettres"),
    ("Dupont & fils", "Un nom ne peut contenir que des lettres"),
    ("'-.", "Un nom contient au moins une lettre."),
    ("A" * 10_000, "100 caractères au plus : ce texte en compte 10\u202f000."),
    ("A" * 101, "100 caractères au plus"),
])
def test_hostile_or_wrong_names_are_refused(nom, message):
    assert message in (erreur("eleve", "nom_de_famille", nom_de_famille=nom) or "")


def test_name_lengths_are_the_records():
    assert erreur("eleve", "nom_de_famille", nom_de_famille="A" * 100) is None
    assert erreur("eleve", "prenom", prenom="A" * 60) is None
    assert "60 caractères au plus" in erreur("eleve", "prenom3", prenom3="A" * 61)


@pytest.mark.parametrize("saisie", ["14/03/2013", "2013-03-14", "14.03.2013", "14-03-2013", " 14/3/2013 "])
def test_dates_in_french_and_iso(saisie):
    propres, erreurs = valider_eleve(eleve(date_naiss=saisie))
    assert erreurs == {} and propres["date_naiss"] == dt.date(2013, 3, 14)


@pytest.mark.parametrize("saisie, message", [
    ("14 mars 2013", "La date s'écrit jj/mm/aaaa, par exemple 14/03/2013."),
    ("03/14/2013", "Cette date n'existe pas : vérifiez le jour et le mois."),
    ("31/02/2013", "Cette date n'existe pas"),
    ("0000-01-01", "Cette date n'existe pas"),
    ("<b>1</b>", "La date s'écrit jj/mm/aaaa"),
    ("1" * 10_000, "La date s'écrit jj/mm/aaaa"),
])
def test_wrong_dates(saisie, message):
    assert message in (erreur("eleve", "date_naiss", date_naiss=saisie) or "")


def test_a_pupil_is_born_between_2_and_30_years_ago():
    def juge(date: dt.date) -> str | None:
        return erreur("eleve", "date_naiss", date_naiss=date.strftime("%d/%m/%Y"))

    assert juge(ans_avant(2)) is None and juge(ans_avant(30)) is None
    assert juge(ans_avant(2, jours=1)) == "Un élève a au moins 2 ans : vérifiez l'année de naissance."
    assert juge(ans_avant(30, jours=-1)) == "Un élève a au plus 30 ans : vérifiez l'année de naissance."
    assert juge(today() + dt.timedelta(days=1)) == "La date de naissance ne peut pas être dans le futur."


@pytest.mark.parametrize("saisie, gardee", [
    ("0320000001", "03 20 00 00 01"),
    ("03 20 00 00 01", "03 20 00 00 01"),
    ("03.20.00.00.01", "03 20 00 00 01"),
    ("03-20-00-00-01", "03 20 00 00 01"),
    ("0320 000 001", "03 20 00 00 01"),
    ("06‑12‑34‑56‑78", "06 12 34 56 78"),  # non-breaking hyphens
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("+44   20  7946 0958", "+44 20 7946 0958"),
    ("+33231204444", "+33231204444"),
    ("+1 (555) 010-0000", "+1 (555) 010-0000"),
    ("+44 (0) 20 - 7946 - 0958 - 12", "+440207946095812"),  # too long to keep as typed: its digits
    ("", ""),
])
def test_phones_french_and_international(saisie, gardee):
    propres, erreurs = valider_eleve(eleve(tel_portable=saisie))
    assert "tel_portable" not in erreurs and propres["tel_portable"] == gardee


@pytest.mark.parametrize("saisie", [
    "032000000", "03200000011", "0020000000", "3320000001", "+44 12", "+0 20 7946 0958", "+1234567890123456",
    "06 12 34 56 7a", "<06 12 34 56 78>", "06\n12 34 56 78", "0" * 10_000, "appelez-moi",
])
def test_wrong_phones(saisie):
    attendu = ("Le numéro de téléphone n'est pas valide : 10 chiffres en France (03 20 00 00 00) ou l'indicatif "
               "international (+44 20 7946 0958).")
    message = erreur("eleve", "tel_domicile", tel_domicile=saisie)
    assert message == attendu or "caractères" in message


@pytest.mark.parametrize("saisie", ["lea@example.org", "lea.dupont+fiche@mail.example.fr", "LEA@EXAMPLE.ORG", "a@b.co"])
def test_emails(saisie):
    assert erreur("eleve", "mel", mel=saisie) is None


@pytest.mark.parametrize("saisie", [
    "lea", "lea@", "@example.org", "lea@example", "lea@@example.org", "lea@exa@mple.org", "lé a@example.org",
    "lea@example..org", "lea@.example.org", "lea@example.org.", "lea@example.c", "<lea@example.org>",
    "lea@example.org\r\nBcc: x@example.org", "a" * 115 + "@b.org", "a" * 10_000,
])
def test_wrong_emails(saisie):
    assert erreur("eleve", "mel", mel=saisie) is not None


def test_codes_of_the_pupil_come_from_the_lists():
    assert erreur("eleve", "code_sexe", code_sexe="3") == "Choisissez le sexe dans la liste proposée."
    assert erreur("eleve", "code_pays_naiss", code_pays_naiss="999") == (
        "Choisissez le pays de naissance dans la liste proposée.")
    assert erreur("eleve", "code_pays_naiss", code_pays_naiss="390") is None
    assert erreur("eleve", "code_sexe", code_sexe="1" * 10_000) is not None


def test_free_text_refuses_control_characters_only():
    assert erreur("eleve", "ville_naiss", ville_naiss="Casablanca <Maroc>") is None  # escaped when shown
    assert "contrôle" in erreur("eleve", "ville_naiss", ville_naiss="Casa\x1bblanca")
    assert "80 caractères au plus" in erreur("eleve", "ville_naiss", ville_naiss="x" * 81)


def test_only_the_forms_fields_are_read():
    propres, erreurs = valider_eleve(eleve(code_regime="4", division="3A", id="1"))
    assert erreurs == {} and set(propres) == set(PUPIL_FIELDS)


def test_a_file_sent_as_a_field_is_refused():
    erreurs = valider_eleve({**eleve(), "nom_de_famille": object()})[1]
    assert erreurs["nom_de_famille"] == "Ce champ n'accepte que du texte."


# --- a guardian's form ------------------------------------------------------------------------------


def test_a_valid_guardian_form_is_cleaned():
    propres, erreurs = valider_responsable(responsable(
        prenom=" Sophie ", code_profession="", ligne2_adresse="Bât. <B>", communication_adresse="1",
        tel_personnel="0320000001", tel_portable="+44 20 7946 0958", accepte_sms="on", mel="s@example.org",
    ))
    assert erreurs == {}
    assert set(propres) == set(GUARDIAN_FIELDS)
    assert propres["prenom"] == "Sophie" and propres["code_profession"] == ""
    assert propres["ligne2_adresse"] == "Bât. <B>"
    assert propres["libelle_postal"] == "LILLE" and propres["code_postal"] == "59800"
    assert propres["tel_personnel"] == "03 20 00 00 01" and propres["tel_portable"] == "+44 20 7946 0958"
    assert propres["communication_adresse"] is True and propres["accepte_sms"] is True


def test_required_fields_of_a_guardian():
    _, erreurs = valider_responsable({})
    assert set(erreurs) == {"code_parente", "lc_civilite", "nom_de_famille", "prenom", "code_postal",
                            "libelle_postal", "code_pays"}
    assert erreurs["code_parente"] == "Le lien avec l'élève est obligatoire."
    assert erreurs["libelle_postal"] == "La commune est obligatoire."


@pytest.mark.parametrize("champ, valeur, message", [
    ("code_parente", "30", "Choisissez le lien avec l'élève dans la liste proposée."),
    ("lc_civilite", "Mme", "Choisissez la civilité dans la liste proposée."),
    ("lc_civilite", "MLLE", "Choisissez la civilité dans la liste proposée."),
    ("code_profession", "81", "Choisissez la profession dans la liste proposée."),
    ("code_profession", "<script>", "Choisissez la profession dans la liste proposée."),
    ("code_pays", "1000", "Choisissez le pays dans la liste proposée."),
])
def test_codes_of_a_guardian_come_from_the_lists(champ, valeur, message):
    assert erreur("responsable", champ, **{champ: valeur}) == message


@pytest.mark.parametrize("champ, valeur", [
    ("code_parente", "50"), ("lc_civilite", "M."), ("code_profession", "99"), ("code_profession", "86"),
])
def test_codes_in_the_lists(champ, valeur):
    assert erreur("responsable", champ, **{champ: valeur}) is None


def test_address_lines():
    assert erreur("responsable", "ligne1_adresse", ligne1_adresse="x" * 120) is None
    assert "120 caractères au plus" in erreur("responsable", "ligne1_adresse", ligne1_adresse="x" * 10_000)
    assert "contrôle" in erreur("responsable", "ligne3_adresse", ligne3_adresse="1 rue\x00 de Paris")
    assert valider_responsable(responsable(ligne1_adresse="  65   BD  DRION "))[0]["ligne1_adresse"] == "65 BD DRION"


# --- postcode ↔ commune -----------------------------------------------------------------------------


@pytest.mark.parametrize("cp, saisie, gardee", [
    ("59800", "LILLE", "LILLE"),
    ("59800", "lille", "LILLE"),
    ("59 800", "Lille", "LILLE"),
    ("97400", "SAINT-DENIS", "SAINT-DENIS"),
    ("97400", "St Denis", "SAINT-DENIS"),
    ("97400", "saint denis", "SAINT-DENIS"),
    ("97400", "ST-DENIS", "SAINT-DENIS"),
    ("75001", "Paris", "PARIS"),
    ("14270", "Mezidon Vallee d Auge", "MÉZIDON VALLÉE D'AUGE"),
    ("20000", "Ajaccio", "AJACCIO"),
])
def test_a_commune_of_the_postcode_is_written_as_the_reference_does(cp, saisie, gardee):
    propres, erreurs = valider_responsable(responsable(code_postal=cp, libelle_postal=saisie))
    assert erreurs == {}
    assert propres["libelle_postal"] == gardee and propres["code_postal"] == cp.replace(" ", "")


def test_overseas_collectivities():
    assert valider_responsable(responsable(code_postal="97133", libelle_postal="St Barthelemy"))[0][
        "libelle_postal"] == "SAINT-BARTHÉLEMY"
    assert valider_responsable(responsable(code_postal="97600", libelle_postal="Mamoudzou"))[1] == {}
    # The reference has no 98xxx: a French address in Polynesia keeps the commune typed.
    propres, erreurs = valider_responsable(responsable(code_postal="98714", libelle_postal="Papeete"))
    assert erreurs == {} and propres["libelle_postal"] == "PAPEETE"


def test_a_commune_of_another_postcode_is_refused():
    _, erreurs = valider_responsable(responsable(code_postal="59800", libelle_postal="ROUBAIX"))
    assert erreurs == {"libelle_postal": "Cette commune ne correspond pas au code postal 59800 (LILLE)."}
    message = erreur("responsable", "libelle_postal", code_postal="14270", libelle_postal="Caen")
    assert message.startswith("Cette commune ne correspond pas au code postal 14270 (")


@pytest.mark.parametrize("cp, message", [
    ("", "Le code postal est obligatoire."),
    ("5980", "Le code postal compte 5 chiffres, par exemple 59800."),
    ("59800a", "Le code postal compte 5 chiffres, par exemple 59800."),
    ("<59800>", "Le code postal compte 5 chiffres, par exemple 59800."),
    ("9" * 10_000, "Le code postal compte 5 chiffres, par exemple 59800."),
    ("00000", "Ce code postal n'existe pas : vérifiez-le."),
])
def test_a_french_postcode(cp, message):
    _, erreurs = valider_responsable(responsable(code_postal=cp))
    assert erreurs == {"code_postal": message}  # the commune says nothing while its postcode is wrong


def test_abroad_the_postcode_is_optional_and_the_commune_free():
    propres, erreurs = valider_responsable(
        responsable(code_pays="132", code_postal=" sw1a  1aa ", libelle_postal="London"))
    assert erreurs == {}
    assert propres["code_postal"] == "SW1A 1AA" and propres["libelle_postal"] == "London"
    propres, erreurs = valider_responsable(responsable(code_pays="390", code_postal="", libelle_postal="Port-Louis"))
    assert erreurs == {} and propres["code_postal"] == ""
    assert erreur("responsable", "code_postal", code_pays="132", code_postal="SW1A<1AA") is not None
    assert erreur("responsable", "libelle_postal", code_pays="132", libelle_postal="") == "La commune est obligatoire."


def test_the_inline_check_reads_the_other_fields():
    assert verifier_champ("responsable", "libelle_postal",
                          {"code_postal": "59100", "libelle_postal": "Roubaix", "code_pays": "100"}) is None
    assert verifier_champ("responsable", "libelle_postal",
                          {"code_postal": "59800", "libelle_postal": "Roubaix", "code_pays": "100"}) is not None
    assert verifier_champ("responsable", "code_postal", {"code_postal": "59800"}) is None
    assert verifier_champ("eleve", "tel_portable", {"tel_portable": "06"}) is not None
    with pytest.raises(ValueError):
        verifier_champ("responsable", "code_regime", {})
    with pytest.raises(ValueError):
        verifier_champ("inconnu", "mel", {})


# --- the record's own values ------------------------------------------------------------------------


def test_values_left_as_the_school_has_them_are_kept_unchecked():
    actuel = {"code_profession": "81", "tel_personnel": "0320000001", "code_postal": "14270",
              "libelle_postal": "MEZIDON VALLEE D AUGE", "code_pays": "100", "nom_de_famille": "DUPONT"}
    propres, erreurs = valider_responsable(responsable(
        code_profession="81", tel_personnel="0320000001", code_postal="14270", libelle_postal="MEZIDON VALLEE D AUGE",
    ), actuel=actuel)
    assert erreurs == {}
    assert propres["code_profession"] == "81" and propres["tel_personnel"] == "0320000001"
    assert propres["libelle_postal"] == "MEZIDON VALLEE D AUGE"


def test_a_changed_postcode_is_checked_against_the_unchanged_commune():
    actuel = {"code_postal": "59800", "libelle_postal": "LILLE", "code_pays": "100"}
    _, erreurs = valider_responsable(responsable(code_postal="59100", libelle_postal="LILLE"), actuel=actuel)
    assert erreurs == {"libelle_postal": "Cette commune ne correspond pas au code postal 59100 (ROUBAIX)."}


def test_unchanged_profession_and_dates_of_the_record():
    propres, _ = valider_responsable(responsable(code_profession=""), actuel={"code_profession": "99"})
    assert propres["code_profession"] == "99"
    assert valider_responsable(responsable(code_profession="81"), actuel={"code_profession": "54"})[1] != {}
    ancienne = ans_avant(31)
    actuel = {"date_naiss": ancienne}
    propres, erreurs = valider_eleve(eleve(date_naiss=ancienne.strftime("%d/%m/%Y")), actuel=actuel)
    assert erreurs == {} and propres["date_naiss"] == ancienne
    assert valider_eleve(eleve(date_naiss=ancienne.isoformat()), actuel={"date_naiss": ancienne.isoformat()})[1] == {}
    assert "date_naiss" in valider_eleve(eleve(date_naiss=ans_avant(32).isoformat()), actuel=actuel)[1]
