"""The secretariat's queue of the fiche de renseignements (guide 3.3): who may use it, the
pending requests by class with old and new values side by side, deciding field by field (the
record changes for accepted fields only), the every-field-decided rule that keeps what was
chosen, « Tout accepter », the mail to the account that asked, the history, the CSV export for
SIECLE and its guard against formulas, CSRF, another establishment's requests, a request the
family changed meanwhile, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from admin_support import form_of as admin_form_of
from fiche_support import fiches  # noqa: F401
from teleservices.core.api import pupils_of_establishment, structures
from teleservices.core.testing import csrf_from, run
from teleservices.core.tables import Courriel
from teleservices.plugins.fiche import reference
from teleservices.plugins.fiche.tables import ACCEPTEE, EN_ATTENTE, REFUSEE, TRAITEE, FicheChangement, FicheDemande

PAGE = "/administration/fiche/"
HISTORIQUE = "/administration/fiche/historique"
EXPORT = "/administration/fiche/export.csv"
HTMX_FILE = {"HX-Request": "true", "HX-Target": "fiche-file"}
SOPHIE = "sophie.dupont@example.org"  # demo.parent's address: Léa's guardian 1
SUJET = "Message des services en ligne - Fiche de renseignements : décision de l'établissement"


# --- helpers -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def college(demo):
    """The collège's classes by code and its pupils (Léa in 4G, Tom in 3E)."""
    classes = {s["code_structure"]: s for s in run(structures(demo.college)) if s["type_structure"] == "D"}
    pupils = run(pupils_of_establishment(demo.college))
    tom = next(p for p in pupils if p["nom_de_famille"] == "MOREAU" and p["prenom"] == "Tom")
    return {"classes": classes, "eleves": pupils, "tom": tom["id"]}


def form_of(html: str, demande_id: int) -> dict[str, str]:
    """The fields a browser submits from the decision form of this request."""
    return admin_form_of(html, f"{PAGE}{demande_id}")


def decide(client, demande_id: int, page: str = PAGE, headers: dict | None = None, **changes):
    """Post a request's form as the page shows it, with ``changes`` (None removes a field)."""
    fields = form_of(client.get(page).text, demande_id)
    assert fields.get("_csrf"), "the request's form is not on the page"
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return client.post(f"{PAGE}{demande_id}", data=fields, headers=headers or {}, follow_redirects=False)


def decision_fields(fiches, demande_id: int, **choices: str) -> dict[str, str]:
    """``decision-<change id>`` form fields from choices by field name."""
    rows = fiches.changements(demande_id)
    return {f"decision-{rows[champ]['id']}": choice for champ, choice in choices.items()}


def label_texts(html: str) -> dict[str, str]:
    """Each label's text (tags removed), by the id of its field."""
    return {target: " ".join(re.sub(r"<[^>]+>", "", body).split())
            for target, body in re.findall(r'<label for="([^"]+)">(.*?)</label>', html, re.S)}


def articles(html: str) -> list[str]:
    """The ids of the requests the page shows, in order."""
    return re.findall(r'<article class="fiche-demande[^"]*" id="demande-(\d+)"', html)


def article(html: str, demande_id: int) -> str:
    match = re.search(rf'<article class="fiche-demande[^"]*" id="demande-{demande_id}".*?</article>', html, re.S)
    assert match, f"request {demande_id} is not on the page"
    return match.group(0)


def rows_of(html: str) -> list[list[str]]:
    """The table rows of a request's article: each cell's text."""
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]


def profession(code: str) -> str:
    """« Cadre d'entreprise (33) »: the label the secretariat reads, the code SIECLE takes."""
    return f"{reference.professions()[code]} ({code})"


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


# --- who may use the pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, HISTORIQUE, EXPORT])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/connexion" and parse_qs(location.query)["suivant"][0].rstrip("/") == path.rstrip("/")


@pytest.mark.parametrize("identifiant", ["demo.cpe", "demo.prof", "demo.parent", "demo.eleve"])
def test_the_vie_scolaire_teachers_and_families_are_refused(client_as, fiches, demo, identifiant):
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 00 00 00 01"})
    other = client_as(identifiant)
    for path in (PAGE, HISTORIQUE, EXPORT, f"{PAGE}{demande_id}"):
        assert other.get(path, follow_redirects=False).status_code == 403, path
    token = csrf_from(other.get("/compte").text)
    refused = other.post(f"{PAGE}{demande_id}", follow_redirects=False, data={
        "_csrf": token, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE)})
    assert refused.status_code == 403
    assert fiches.ligne(demande_id)["etat"] == EN_ATTENTE


@pytest.mark.parametrize("identifiant", ["demo.secretariat", "demo.chef"])
def test_the_secretariat_and_the_head_reach_the_queue_from_their_home(client_as, text, identifiant):
    staff = client_as(identifiant)
    assert 'href="/administration/fiche"' in text(staff.get("/"))
    page = text(staff.get(PAGE))
    assert "<h1>Fiches de renseignements à traiter</h1>" in page
    assert 'href="/static/fiche/personnels.css?v=' in page
    assert 'href="/administration/fiche/historique"' in page


# --- the queue ----------------------------------------------------------------------------------------------


def test_the_queue_lists_the_pending_requests_newest_first_and_filters_by_class(
        client_as, text, fiches, demo, college):
    lea_tel = fiches.demande(demo.lea, {"tel_portable": "07 00 00 00 01"})
    lea_mere = fiches.demande(demo.lea, {"tel_portable": "07 00 00 00 02"}, resp_legal=1)
    tom = fiches.demande(college["tom"], {"tel_domicile": "03 20 00 00 03"}, compte="demo.provisoire")
    hugo = fiches.demande(demo.hugo, {"tel_portable": "07 00 00 00 04"})  # the lycée's
    traitee = fiches.demande(demo.lea, {"tel_domicile": "03 20 00 00 05"}, resp_legal=2, compte="demo.parent2")
    run(FicheDemande.update({FicheDemande.etat: TRAITEE}).where(FicheDemande.id == traitee))
    secretariat = client_as("demo.secretariat")

    page = text(secretariat.get(PAGE))
    assert articles(page) == [str(tom), str(lea_mere), str(lea_tel)]  # newest first; no lycée's, no processed
    assert str(hugo) not in articles(page)
    assert '<option value="">Toutes les classes</option>' in page
    assert "3 demandes à traiter, des plus récentes aux plus anciennes." in page
    lea = article(page, lea_tel)
    assert '<h2 id="demande-%d-titre">DUPONT Léa <span class="fiche-classe">– 4G</span></h2>' % lea_tel in lea
    assert "<strong>Élève</strong> · demandé par <span class=\"identifiant\">demo.parent</span> le " in lea
    assert "<strong>Responsable légal 1 – Mme DUPONT Sophie</strong>" in article(page, lea_mere)
    assert "MOREAU Tom" in article(page, tom) and "demo.provisoire" in article(page, tom)

    quatrieme = college["classes"]["4G"]["id"]
    page = text(secretariat.get(f"{PAGE}?division={quatrieme}"))
    assert articles(page) == [str(lea_mere), str(lea_tel)]
    assert f'<option value="{quatrieme}" selected>4G</option>' in page
    page = text(secretariat.get(f"{PAGE}?division={college['classes']['3E']['id']}"))
    assert articles(page) == [str(tom)]
    empty = next(c for code, c in college["classes"].items() if code not in ("4G", "3E"))
    assert "Aucune fiche de renseignements à traiter en " in text(secretariat.get(f"{PAGE}?division={empty['id']}"))

    # A class of another establishment is not one to choose.
    lycee = next(s for s in run(structures(demo.lycee)) if s["type_structure"] == "D")
    refused = text(secretariat.get(f"{PAGE}?division={lycee['id']}"))
    assert 'id="erreur-division">Choisissez une classe de l\'établissement.' in refused and articles(refused) == []

    # With htmx, the filter gets its region alone.
    response = secretariat.get(f"{PAGE}?division={quatrieme}", headers=HTMX_FILE)
    fragment = text(response)
    assert fragment.startswith("<title>Fiches de renseignements à traiter – Téléservices</title>")
    assert '<div id="fiche-file"' in fragment and "<h1>" not in fragment and "<html" not in fragment
    assert articles(fragment) == [str(lea_mere), str(lea_tel)]


def test_old_and_new_values_are_side_by_side_with_the_labels_of_the_codes(client_as, text, fiches, demo):
    before = fiches.record(demo.lea)
    eleve = fiches.demande(demo.lea, {
        "code_sexe": "1", "date_naiss": dt.date(2013, 3, 15), "prenom2": "", "tel_portable": "07 11 22 33 44",
        "adresse_resp1": not before["adresse_resp1"],
    })
    mere = fiches.demande(demo.lea, {"accepte_sms": False, "ligne1_adresse": "<b>12 rue des Lilas</b>"}, resp_legal=1)
    page = text(client_as("demo.secretariat").get(PAGE))

    rows = rows_of(article(page, eleve))
    assert rows[0] == ["Champ", "Valeur actuelle", "Valeur demandée", "Décision"]
    by_label = {row[0]: row[1:3] for row in rows[1:]}
    # In the order of the form, with the labels of the form.
    assert [row[0] for row in rows[1:]] == [
        "2ème prénom", "Sexe", "Né le", "Identique à celle du responsable légal 1", "Tél. Mobile"]
    assert by_label["Sexe"] == ["Féminin", "Masculin"]
    assert by_label["Né le"] == [before["date_naiss"].strftime("%d/%m/%Y"), "15/03/2013"]
    assert by_label["2ème prénom"] == ["Marie", "(vide)"]
    assert by_label["Tél. Mobile"] == [before["tel_portable"] or "(vide)", "07 11 22 33 44"]
    assert by_label["Identique à celle du responsable légal 1"] == (
        ["Oui", "Non"] if before["adresse_resp1"] else ["Non", "Oui"])
    guardian = {row[0]: row[1:3] for row in rows_of(article(page, mere))[1:]}
    assert guardian["Accepte les SMS"] == ["Oui", "Non"]
    # What a family typed is shown as text, never run as markup.
    raw = client_as("demo.secretariat").get(PAGE).text
    assert "&lt;b&gt;12 rue des Lilas&lt;/b&gt;" in raw and "<b>12 rue" not in raw

    # Each choice is labelled with the field and the pupil; nothing is chosen beforehand.
    labels = label_texts(page)
    tel = fiches.changements(eleve)["tel_portable"]["id"]
    assert labels[f"decision-{tel}-acceptee"] == "Accepter – Tél. Mobile – DUPONT Léa"
    assert labels[f"decision-{tel}-refusee"] == "Refuser – Tél. Mobile – DUPONT Léa"
    assert labels[f"commentaire-{eleve}"].startswith("Commentaire")
    assert f'name="decision-{tel}" type="radio" value="acceptee">' in page
    assert "checked" not in article(page, eleve)
    for button in ("Valider la décision", "Tout accepter", "Tout refuser"):
        assert button in article(page, eleve)


# --- deciding -----------------------------------------------------------------------------------------------


def test_accepted_fields_are_written_to_the_record_and_refused_ones_are_not(client_as, text, fiches, demo):
    before = fiches.record(demo.lea, 1)
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "code_profession": "33",
                                           "accepte_sms": False, "code_parente": "20"}, resp_legal=1)
    secretariat = client_as("demo.secretariat")
    response = decide(secretariat, demande_id, **decision_fields(
        fiches, demande_id, tel_portable=ACCEPTEE, accepte_sms=ACCEPTEE, code_profession=REFUSEE,
        code_parente=ACCEPTEE), commentaire="La profession est celle de l'an dernier.")
    assert response.status_code == 303
    after = fiches.record(demo.lea, 1)
    assert after["tel_portable"] == "07 11 22 33 44" and after["accepte_sms"] is False
    assert after["code_parente"] == "20"  # the link's, for this pupil
    assert after["code_profession"] == before["code_profession"]
    assert {k: v for k, v in after.items() if k not in ("tel_portable", "accepte_sms", "code_parente")} == {
        k: v for k, v in before.items() if k not in ("tel_portable", "accepte_sms", "code_parente")}

    rows = fiches.changements(demande_id)
    assert {champ: row["decision"] for champ, row in rows.items()} == {
        "tel_portable": ACCEPTEE, "accepte_sms": ACCEPTEE, "code_parente": ACCEPTEE, "code_profession": REFUSEE}
    ligne = fiches.ligne(demande_id)
    assert ligne["etat"] == TRAITEE and ligne["traitee_par"] == "demo.secretariat" and ligne["traitee_le"]
    assert ligne["commentaire"] == "La profession est celle de l'an dernier."
    assert fiches.journal() == [{
        "action": "fiche.decision", "identifiant": "demo.secretariat",
        "detail": "Fiche de renseignements de DUPONT Léa (4G), Responsable légal 1 – Mme DUPONT Sophie : "
                  "3 champ(s) accepté(s), 1 champ(s) refusé(s)."}]

    page = text(secretariat.get(response.headers["location"]))
    assert ('<p class="confirmation" role="status">La décision est enregistrée : 3 champ(s) accepté(s), '
            "1 champ(s) refusé(s). Un courriel de confirmation a été envoyé à la famille.</p>") in page
    assert str(demande_id) not in articles(page)

    # Deciding again (another tab, a second click) changes nothing.
    again = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False, data={
        "_csrf": csrf_from(page), **decision_fields(fiches, demande_id, tel_portable=REFUSEE, accepte_sms=REFUSEE,
                                                    code_profession=ACCEPTEE, code_parente=REFUSEE)})
    assert "ok=deja" in again.headers["location"]
    assert fiches.record(demo.lea, 1)["code_profession"] == before["code_profession"]
    assert len(fiches.journal()) == 1


def test_the_pupils_record_gets_accepted_values_in_their_types(client_as, fiches, demo):
    before = fiches.record(demo.lea)
    demande_id = fiches.demande(demo.lea, {"date_naiss": dt.date(2013, 3, 15), "adresse_resp1": True,
                                           "ville_naiss": "ROUBAIX"})
    response = decide(client_as("demo.chef"), demande_id, **decision_fields(
        fiches, demande_id, date_naiss=ACCEPTEE, adresse_resp1=ACCEPTEE, ville_naiss=REFUSEE))
    assert response.status_code == 303
    after = fiches.record(demo.lea)
    assert after["date_naiss"] == dt.date(2013, 3, 15) and after["adresse_resp1"] is True
    assert after["ville_naiss"] == before["ville_naiss"]
    assert fiches.ligne(demande_id)["traitee_par"] == "demo.chef"


def test_every_field_must_be_decided_and_nothing_chosen_is_lost(client_as, text, fiches, demo):
    before = fiches.record(demo.lea)
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "tel_domicile": "03 20 99 99 99",
                                           "mel": "lea@example.org"})
    ids = {champ: row["id"] for champ, row in fiches.changements(demande_id).items()}
    secretariat = client_as("demo.secretariat")
    response = decide(secretariat, demande_id, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE,
                                                                 mel=REFUSEE), commentaire="Merci de rappeler.")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Fiche de renseignements – DUPONT Léa</h1>" in page
    assert "Le formulaire contient une erreur : corrigez le champ signalé." in page
    assert (f'<span class="erreur-champ" id="erreur-decision-{ids["tel_domicile"]}">Choisissez « Accepter » ou '
            "« Refuser » pour ce champ.</span>") in page
    assert ('<fieldset class="fiche-decision" aria-invalid="true" '
            f'aria-describedby="erreur-decision-{ids["tel_domicile"]}"') in page
    assert f'erreur-decision-{ids["tel_portable"]}' not in page and f'erreur-decision-{ids["mel"]}' not in page
    kept = form_of(response.text, demande_id)
    assert kept[f"decision-{ids['tel_portable']}"] == ACCEPTEE and kept[f"decision-{ids['mel']}"] == REFUSEE
    assert f"decision-{ids['tel_domicile']}" not in kept
    assert kept["commentaire"] == "Merci de rappeler."
    assert fiches.ligne(demande_id)["etat"] == EN_ATTENTE and fiches.record(demo.lea) == before
    assert fiches.journal() == [] and fiches.mails(SOPHIE) == []

    # With htmx, the request's article alone comes back, in place.
    fragment = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False, headers={
        "HX-Request": "true", "HX-Target": f"demande-{demande_id}"}, data={**kept})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "<h1>" not in fragment.text
    assert f'id="demande-{demande_id}"' in fragment.text
    assert f'id="erreur-decision-{ids["tel_domicile"]}"' in fragment.text

    # A comment too long is refused next to it, with the choices kept.
    long = decide(secretariat, demande_id, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE, mel=REFUSEE,
                                                             tel_domicile=ACCEPTEE), commentaire="x" * 1001)
    assert (f'id="erreur-commentaire-{demande_id}">Le commentaire fait au plus 1000 caractères '
            "(ici 1001).") in text(long)
    assert form_of(long.text, demande_id)[f"decision-{ids['tel_domicile']}"] == ACCEPTEE
    assert fiches.ligne(demande_id)["etat"] == EN_ATTENTE

    done = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False, data={
        **kept, f"decision-{ids['tel_domicile']}": REFUSEE})
    assert done.status_code == 303
    assert fiches.record(demo.lea)["tel_portable"] == "07 11 22 33 44"
    assert fiches.record(demo.lea)["tel_domicile"] == before["tel_domicile"]


def test_all_at_once_sets_every_choice_and_writes_nothing_until_validated(client_as, text, fiches, demo):
    before = fiches.record(demo.lea)
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "tel_travail": "03 20 11 11 11"})
    ids = [row["id"] for row in fiches.changements(demande_id).values()]
    secretariat = client_as("demo.secretariat")

    response = decide(secretariat, demande_id, tout=ACCEPTEE, commentaire="Vu.")
    page = text(response)
    assert response.status_code == 200
    assert "Tous les champs sont sur « Accepter » : vérifiez, puis « Valider la décision »." in page
    chosen = form_of(response.text, demande_id)
    assert all(chosen[f"decision-{i}"] == ACCEPTEE for i in ids) and chosen["commentaire"] == "Vu."
    assert fiches.ligne(demande_id)["etat"] == EN_ATTENTE and fiches.record(demo.lea) == before

    refused = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False, data={**chosen, "tout": REFUSEE},
                               headers={"HX-Request": "true", "HX-Target": f"demande-{demande_id}"})
    assert "<html" not in refused.text and "Tous les champs sont sur « Refuser »" in text(refused)
    assert all(form_of(refused.text, demande_id)[f"decision-{i}"] == REFUSEE for i in ids)

    done = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False, data=chosen)
    assert done.status_code == 303 and "acceptes=2" in done.headers["location"]
    assert fiches.record(demo.lea)["tel_travail"] == "03 20 11 11 11"

    # Through htmx, a decision leads to the queue with a full navigation.
    other = fiches.demande(demo.lea, {"tel_professionnel": "03 20 22 22 22"}, resp_legal=1)
    hx = decide(secretariat, other, headers={"HX-Request": "true", "HX-Target": f"demande-{other}"},
                **decision_fields(fiches, other, tel_professionnel=REFUSEE))
    assert hx.status_code == 200 and hx.headers["HX-Redirect"].startswith(PAGE + "?ok=traitee")


def test_a_request_the_family_changed_meanwhile_comes_back_to_be_decided_again(client_as, text, fiches, demo):
    before = fiches.record(demo.lea)
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44"})
    secretariat = client_as("demo.secretariat")
    shown = form_of(secretariat.get(PAGE).text, demande_id)
    old = fiches.changements(demande_id)["tel_portable"]["id"]
    # The family changes its mind: the request's rows are replaced (the last change wins).
    run(FicheChangement.delete().where(FicheChangement.demande == demande_id))
    run(FicheChangement.insert(FicheChangement(demande=demande_id, champ="tel_portable",
                                               ancienne=before["tel_portable"] or "", nouvelle="07 99 99 99 99")))
    response = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False,
                                data={**shown, f"decision-{old}": ACCEPTEE})
    page = text(response)
    assert response.status_code == 200
    assert "La famille a modifié sa demande pendant que vous la traitiez : rien n'a été enregistré." in page
    assert "07 99 99 99 99" in page
    assert fiches.record(demo.lea) == before and fiches.ligne(demande_id)["etat"] == EN_ATTENTE


# --- the mail ----------------------------------------------------------------------------------------------------


def test_the_account_that_asked_gets_a_mail_with_each_decision_and_the_comment(client_as, fiches, demo):
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "code_sexe": "1"})
    decide(client_as("demo.secretariat"), demande_id, **decision_fields(
        fiches, demande_id, tel_portable=ACCEPTEE, code_sexe=REFUSEE), commentaire="Le sexe ne change pas ici.\nMerci.")
    [mail] = fiches.mails(SOPHIE)
    assert mail["sujet"] == SUJET
    body = mail["corps"]
    assert "l'établissement COLLEGE JEAN MOULIN a traité les modifications" in body
    assert "pour Léa DUPONT (Élève)" in body
    assert "Modifications acceptées, enregistrées dans la fiche :\n- Tél. Mobile : 07 11 22 33 44\n" in body
    assert "Modifications refusées, la fiche garde sa valeur :\n- Sexe : Masculin (valeur gardée : Féminin)\n" in body
    assert "Commentaire de l'établissement :\nLe sexe ne change pas ici.\nMerci.\n" in body
    assert fiches.mails("marc.dupont@example.org") == []  # the other guardian learns nothing


def test_the_mail_is_in_the_familys_language_not_the_secretariats(client_as, fiches, demo):
    """Sophie chose English for her account; the secretariat works in French: the decision mail,
    field names and values included, is English."""
    from teleservices.core.tables import Compte

    before = run(Compte.select(Compte.langue).where(Compte.identifiant == "demo.parent").first())["langue"]
    run(Compte.update({Compte.langue: "en"}).where(Compte.identifiant == "demo.parent"))
    try:
        demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "code_sexe": "1"})
        decide(client_as("demo.secretariat"), demande_id, **decision_fields(
            fiches, demande_id, tel_portable=ACCEPTEE, code_sexe=REFUSEE))
    finally:
        run(Compte.update({Compte.langue: before}).where(Compte.identifiant == "demo.parent"))
    [mail] = fiches.mails(SOPHIE)
    assert mail["sujet"] != SUJET and "Téléservices" not in mail["sujet"].replace("Téléservices", "")
    body = mail["corps"]
    assert "Léa DUPONT" in body and "07 11 22 33 44" in body
    assert "Modifications acceptées" not in body and "Masculin" not in body and "Sexe" not in body
    assert "Male" in body  # the refused value, in English


def test_an_account_without_an_address_gets_no_mail_and_the_page_says_so(client_as, text, fiches, college):
    demande_id = fiches.demande(college["tom"], {"tel_domicile": "03 20 00 00 03"}, compte="demo.provisoire")
    secretariat = client_as("demo.secretariat")
    response = decide(secretariat, demande_id, **decision_fields(fiches, demande_id, tel_domicile=ACCEPTEE))
    page = text(secretariat.get(response.headers["location"]))
    assert ("Le compte qui a fait la demande n'a pas d'adresse électronique : aucun courriel n'a été envoyé, "
            "prévenez la famille autrement.") in page
    assert fiches.ligne(demande_id)["etat"] == TRAITEE
    assert run(Courriel.select().where(Courriel.id > fiches.marks["courriel"])) == []


# --- the history ---------------------------------------------------------------------------------------------------


def test_the_history_shows_who_decided_when_and_each_decision(client_as, text, fiches, demo):
    pending = fiches.demande(demo.lea, {"tel_professionnel": "03 20 11 11 11"}, resp_legal=1)
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "mel": "lea@example.org"})
    secretariat = client_as("demo.secretariat")
    decide(secretariat, demande_id, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE, mel=REFUSEE),
           commentaire="Adresse <i>déjà</i> connue.")
    page = text(secretariat.get(HISTORIQUE))
    assert "<h1>Historique des décisions</h1>" in page
    assert articles(page)[0] == str(demande_id) and str(pending) not in articles(page)
    done = article(page, demande_id)
    assert re.search(r'décidé par <span class="identifiant">demo.secretariat</span> le \d\d/\d\d/\d{4} à \d\d:\d\d',
                     done)
    rows = {row[0]: row[1:] for row in rows_of(done)[1:]}
    assert rows["Tél. Mobile"][1:] == ["07 11 22 33 44", "Acceptée"]
    assert rows["Courriel"][1:] == ["lea@example.org", "Refusée"]
    assert "Adresse &lt;i&gt;déjà&lt;/i&gt; connue." in secretariat.get(HISTORIQUE).text


def test_the_history_has_50_requests_a_page(client_as, text, fiches, demo):
    ids = []
    for n in range(51):
        ids.append(fiches.demande(demo.lea, {"tel_portable": f"07 00 00 00 {n:02d}"}))
        run(FicheDemande.update({FicheDemande.etat: TRAITEE, FicheDemande.traitee_par: "demo.secretariat",
                                 FicheDemande.traitee_le: dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
                                 + dt.timedelta(minutes=n)}).where(FicheDemande.id == ids[-1]))
    secretariat = client_as("demo.secretariat")
    first = text(secretariat.get(HISTORIQUE))
    assert articles(first)[:50] == [str(i) for i in reversed(ids[1:])]
    assert 'href="/administration/fiche/historique?page=2"' in first
    second = text(secretariat.get(HISTORIQUE + "?page=2"))
    assert str(ids[0]) in articles(second) and not set(articles(second)) & {str(i) for i in ids[1:]}
    assert 'href="/administration/fiche/historique"' in second  # the previous page, the first


# --- the export --------------------------------------------------------------------------------------------------


def test_the_export_lists_the_accepted_changes_for_siecle(client_as, fiches, demo):
    before, mere_before = fiches.record(demo.lea), fiches.record(demo.lea, 1)
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44", "code_sexe": "1", "mel": "x@example.org"})
    mere = fiches.demande(demo.lea, {"ligne1_adresse": '=HYPERLINK("http://x")', "code_profession": "33",
                                     "tel_professionnel": "+33 3 20 00 00 00"}, resp_legal=1)
    secretariat = client_as("demo.secretariat")
    decide(secretariat, demande_id, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE, code_sexe=ACCEPTEE,
                                                      mel=REFUSEE))
    decide(secretariat, mere, **decision_fields(fiches, mere, ligne1_adresse=ACCEPTEE, tel_professionnel=ACCEPTEE,
                                                code_profession=ACCEPTEE))
    response = secretariat.get(EXPORT)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="fiche-modifications-acceptees-')
    rows = read_csv(response)
    assert rows[0] == ["ELEVE_ID", "Élève", "Classe", "Fiche", "Champ", "Ancienne valeur", "Nouvelle valeur",
                       "Décidé le", "Par"]
    lea = next(p for p in run(pupils_of_establishment(demo.college)) if p["id"] == demo.lea)
    mine = [row for row in rows[1:] if row[1] == "DUPONT Léa"]
    assert [row[:7] for row in mine] == [
        [lea["eleve_id"], "DUPONT Léa", "4G", "Élève", "Sexe", "Féminin", "Masculin"],
        [lea["eleve_id"], "DUPONT Léa", "4G", "Élève", "Tél. Mobile", before["tel_portable"], "07 11 22 33 44"],
        [lea["eleve_id"], "DUPONT Léa", "4G", "Responsable légal 1 – Mme DUPONT Sophie", "Profession",
         profession(mere_before["code_profession"]), profession("33")],
        [lea["eleve_id"], "DUPONT Léa", "4G", "Responsable légal 1 – Mme DUPONT Sophie", "Adresse",
         mere_before["ligne1_adresse"], "'=HYPERLINK(\"http://x\")"],  # a formula, defused
        [lea["eleve_id"], "DUPONT Léa", "4G", "Responsable légal 1 – Mme DUPONT Sophie", "Tél. Travail", "",
         "'+33 3 20 00 00 00"],
    ]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} à \d\d:\d\d", row[7]) and row[8] == "demo.secretariat" for row in mine)
    assert not any(row[4] == "Courriel" for row in mine)  # refused: not to re-enter
    assert fiches.journal()[-1]["action"] == "fiche.export"


def test_the_export_takes_a_range_of_days_and_refuses_a_wrong_one(client_as, text, fiches, demo):
    old = fiches.demande(demo.lea, {"tel_portable": "07 00 00 00 01"})
    run(FicheDemande.update({FicheDemande.etat: TRAITEE, FicheDemande.traitee_par: "demo.secretariat",
                             FicheDemande.traitee_le: dt.datetime(2025, 9, 10, 21, 30, tzinfo=dt.timezone.utc)})
        .where(FicheDemande.id == old))  # 23:30 on the 10th, in Paris
    run(FicheChangement.update({FicheChangement.decision: ACCEPTEE}).where(FicheChangement.demande == old))
    secretariat = client_as("demo.secretariat")

    def phones(query: str) -> list[str]:
        return [row[6] for row in read_csv(secretariat.get(EXPORT + query))[1:] if row[6] == "07 00 00 00 01"]

    assert phones("") == ["07 00 00 00 01"]
    assert phones("?du=2025-09-10&au=2025-09-10") == ["07 00 00 00 01"]
    assert phones("?du=10/09/2025&au=10/09/2025") == ["07 00 00 00 01"]
    assert phones("?du=2025-09-11") == [] and phones("?au=2025-09-09") == []

    wrong = secretariat.get(EXPORT + "?du=31/02/2025&au=2025-09-01")
    page = text(wrong)
    assert wrong.status_code == 400 and "<h1>Historique des décisions</h1>" in page
    assert 'id="erreur-du">Saisissez une date au format jj/mm/aaaa, ou laissez vide.' in page
    assert 'value="31/02/2025"' in page and 'value="2025-09-01"' in page
    reversed_ = text(secretariat.get(EXPORT + "?du=2025-09-10&au=2025-09-01"))
    assert 'id="erreur-au">Le dernier jour est avant le premier' in reversed_


# --- CSRF, another establishment ------------------------------------------------------------------------------


def test_a_decision_without_its_csrf_token_is_refused(client_as, fiches, demo):
    demande_id = fiches.demande(demo.lea, {"tel_portable": "07 11 22 33 44"})
    secretariat = client_as("demo.secretariat")
    response = decide(secretariat, demande_id, _csrf=None, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE))
    assert response.status_code == 403
    assert fiches.ligne(demande_id)["etat"] == EN_ATTENTE


def test_another_establishments_request_is_not_found(client_as, fiches, demo):
    hugo = fiches.demande(demo.hugo, {"tel_portable": "07 11 22 33 44"})
    # Even one naming a collège pupil: the request's establishment is what counts.
    forged = fiches.demande(demo.lea, {"tel_portable": "07 55 55 55 55"}, etablissement_id=demo.lycee)
    secretariat = client_as("demo.secretariat")
    token = csrf_from(secretariat.get(PAGE).text)
    for demande_id in (hugo, forged):
        assert secretariat.get(f"{PAGE}{demande_id}").status_code == 404
        response = secretariat.post(f"{PAGE}{demande_id}", follow_redirects=False, data={
            "_csrf": token, **decision_fields(fiches, demande_id, tel_portable=ACCEPTEE)})
        assert response.status_code == 404
    assert secretariat.post(f"{PAGE}999999999", data={"_csrf": token}, follow_redirects=False).status_code == 404
    assert fiches.ligne(hugo)["etat"] == EN_ATTENTE and fiches.ligne(forged)["etat"] == EN_ATTENTE
    assert fiches.record(demo.hugo)["tel_portable"] != "07 11 22 33 44"


# --- a constant number of queries -------------------------------------------------------------------------------


def test_the_pages_cost_the_same_queries_for_2_or_12_requests(client_as, fiches, demo, college, queries_of):
    pupils = [p["id"] for p in college["eleves"] if p["id"] != demo.lea][:6]
    assert len(pupils) == 6
    secretariat = client_as("demo.secretariat")
    paths = [PAGE, (PAGE, HTMX_FILE), HISTORIQUE, EXPORT]

    def ask(eleves: list[int]) -> None:
        """For each pupil, a request on their record and one on their guardian 1's, processed
        (every field accepted); then two more, pending."""
        for pending in (False, True):
            made = [fiches.demande(eleve_id, {champ: "07 11 22 33 44"}, resp_legal=resp_legal)
                    for eleve_id in eleves for resp_legal, champ in ((0, "tel_portable"), (1, "tel_professionnel"))]
            if not pending:
                run(FicheDemande.update({FicheDemande.etat: TRAITEE, FicheDemande.traitee_par: "demo.secretariat",
                                         FicheDemande.traitee_le: dt.datetime.now(dt.timezone.utc)})
                    .where(FicheDemande.id.is_in(made)))
                run(FicheChangement.update({FicheChangement.decision: ACCEPTEE}).where(
                    FicheChangement.demande.is_in(made)))

    ask(pupils[:1])
    few = queries_of(secretariat, *paths)
    ask(pupils[1:])
    page = secretariat.get(PAGE).text
    assert len(articles(page)) == 12 and len(articles(secretariat.get(HISTORIQUE).text)) >= 12
    assert queries_of(secretariat, *paths) == few
