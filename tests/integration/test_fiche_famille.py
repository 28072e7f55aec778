"""The families' fiche de renseignements (guide 3.3): the forms as the guide lays them out, a
submission becomes a change request (never the record), the last change wins, separated
guardians never see each other's data and take turns on the pupil's record (exactly one wins a
race), only the form's fields can be asked for, errors next to their field with nothing lost,
the inline check of one field, and who is refused."""

from __future__ import annotations

import asyncio
import re

import pytest

from fiche_support import fiches, form_of, submit  # noqa: F401
from teleservices.core.api import update_guardian_record
from teleservices.core.tables import Compte
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.fiche import demandes
from teleservices.plugins.fiche.tables import ELEVE, FicheChangement, FicheDemande

pytestmark = pytest.mark.usefixtures("fiches")


def url(demo, path=""):
    return f"/eleves/{demo.lea}/fiche/{path}"


def pending(eleve_id: int) -> dict[str, dict]:
    rows = run(FicheDemande.select().where((FicheDemande.eleve_id == eleve_id) & (FicheDemande.etat == "en_attente")))
    return {(r["cible"], r["resp_legal"]): {c["champ"]: c["nouvelle"] for c in run(
        FicheChangement.select().where(FicheChangement.demande == r["id"]))} | {"_compte": r["compte_id"]} for r in rows}


def compte(identifiant: str) -> int:
    return run(Compte.select(Compte.id).where(Compte.identifiant == identifiant).first())["id"]


def test_the_forms_follow_the_guide(client_as, demo, text):
    parent = client_as("demo.parent")
    fiche = text(parent.get(url(demo)))
    assert "<h1>La fiche de renseignements</h1>" in fiche and "Mise à jour élève" in fiche
    assert "Mise à jour responsable légal 1" in fiche and "responsable légal 2" not in fiche  # separate accounts
    eleve = text(parent.get(url(demo, "eleve")))
    assert "<h1>La fiche de renseignements - Mise à jour élève</h1>" in eleve
    for label in ("Nom de famille", "1er prénom", "2ème prénom", "3ème prénom", "Né le", "Pays de naissance",
                  "Commune", "Tél. Domicile", "Tél. Travail", "Tél. Mobile", "Courriel"):
        assert re.search(rf'<label for="[a-z0-9_]+">{re.escape(label)}', eleve), label
    assert "<legend>Sexe" in eleve and "Masculin" in eleve and "Féminin" in eleve
    assert "Identique à celle du responsable légal 1" in eleve
    assert "Pour modifier l'adresse de l'élève, veuillez prendre contact avec l'établissement." in eleve
    assert "Pour signaler un changement de régime, merci de contacter l'établissement." in eleve
    assert 'name="code_regime"' not in eleve
    resp = text(parent.get(url(demo, "responsable/1")))
    assert "<h1>La fiche de renseignements - Mise à jour responsable légal 1</h1>" in resp
    for label in ("Lien avec l'élève", "Nom de famille", "Prénom", "Profession", "CP", "Commune", "Pays",
                  "Tél. Domicile", "Tél. Travail", "Tél. Mobile", "Courriel"):
        assert re.search(rf'<label for="[a-z0-9_]+">{re.escape(label)}', resp), label
    assert "<legend>Civilité" in resp and "Autorise à communiquer son adresse" in resp and "Accepte les SMS" in resp


def test_a_submission_is_a_request_and_the_last_change_wins(client_as, demo, text, fiches):
    parent = client_as("demo.parent")
    before = fiches.record(demo.lea)
    saved = submit(parent, url(demo, "eleve"), tel_portable="06 12 34 56 78")
    assert saved.status_code == 303 and saved.headers["location"].endswith("?ok=eleve")
    assert "transmises à l'établissement" in text(parent.get(saved.headers["location"]))
    assert fiches.record(demo.lea)["tel_portable"] == before["tel_portable"]  # the record is untouched
    submit(parent, url(demo, "eleve"), tel_portable="0711223344", mel="lea.dupont@example.fr")
    assert pending(demo.lea)[(ELEVE, 0)] == {"tel_portable": "07 11 22 33 44", "mel": "lea.dupont@example.fr",
                                             "_compte": compte("demo.parent")}
    page = text(parent.get(url(demo, "eleve")))
    assert 'value="07 11 22 33 44"' in page and "Vos modifications en attente" in page and "Tél. Mobile" in page
    # Back to the record's value: no longer asked.
    submit(parent, url(demo, "eleve"), tel_portable=before["tel_portable"], mel=before["mel"])
    assert (ELEVE, 0) not in pending(demo.lea)


def test_separated_guardians_never_see_each_other(client_as, demo, text):
    mere, pere = client_as("demo.parent"), client_as("demo.parent2")
    submit(mere, url(demo, "responsable/1"), tel_portable="06 98 76 54 32")
    assert pere.get(url(demo, "responsable/1")).status_code == 404
    assert mere.get(url(demo, "responsable/2")).status_code == 404
    assert pere.post(url(demo, "responsable/1"), data={"_csrf": csrf_from(pere.get(url(demo)).text)}).status_code == 404
    mother = run(Compte.select(Compte.responsable.nom_de_famille, Compte.responsable.prenom,
                               Compte.responsable.tel_portable).where(Compte.identifiant == "demo.parent").first())
    for path in ("", "eleve", "responsable/2", "responsable/3", "responsable/0"):
        response = pere.get(url(demo, path))
        body = text(response)
        assert "06 98 76 54 32" not in body and mother["responsable.prenom"] not in body, path
    fragment = pere.post(url(demo, "verifier/responsable?champ=tel_portable"), data={"tel_portable": "x"},
                         headers={"HX-Request": "true", "HX-Target": "erreur-tel_portable",
                                  "X-CSRF-Token": csrf_from(pere.get(url(demo)).text)})
    assert fragment.status_code == 200 and mother["responsable.prenom"] not in fragment.text


def test_guardians_take_turns_on_the_pupils_record(client_as, demo, text):
    mere, pere = client_as("demo.parent"), client_as("demo.parent2")
    submit(mere, url(demo, "eleve"), tel_domicile="03 20 11 22 33")
    page = text(pere.get(url(demo, "eleve")))
    assert "en cours de traitement" in page and "03 20 11 22 33" not in page  # told, without seeing them
    refused = submit(pere, url(demo, "eleve"), tel_domicile="03 20 99 99 99")
    assert refused.status_code == 409 and "en cours de traitement" in text(refused)
    assert 'value="03 20 99 99 99"' in text(refused)  # nothing typed is lost
    assert pending(demo.lea)[(ELEVE, 0)]["tel_domicile"] == "03 20 11 22 33"
    # The father may still update his own record.
    assert submit(pere, url(demo, "responsable/2"), tel_portable="06 55 44 33 22").status_code == 303


def test_two_guardians_submitting_at_once_exactly_one_wins(demo, fiches):
    record = fiches.record(demo.lea)
    qui = [demandes.Demandeur(demo.college, demo.lea, compte(c), c) for c in ("demo.parent", "demo.parent2")]

    async def both():
        return await asyncio.gather(*(demandes.soumettre(q, ELEVE, record, {"tel_domicile": f"03 20 00 00 0{i}"}, None)
                                      for i, q in enumerate(qui)), return_exceptions=True)

    results = run(both())
    assert sum(isinstance(r, demandes.Verrouillee) for r in results) == 1, results
    assert sum(isinstance(r, dict) for r in results) == 1, results
    assert len(run(FicheDemande.select().where((FicheDemande.eleve_id == demo.lea) & (FicheDemande.cible == ELEVE)
                                               & (FicheDemande.etat == "en_attente")))) == 1


def test_only_the_forms_fields_can_be_asked_for(client_as, demo, fiches):
    parent = client_as("demo.parent")
    before = fiches.record(demo.lea)
    for crafted in ({"code_regime": "3"}, {"division": "1"}, {"acces_suivi_retire": "1"}, {"eleve_id": "999"}):
        response = submit(parent, url(demo, "eleve"), **crafted)
        assert response.status_code == 400, crafted
    assert submit(parent, url(demo, "responsable/1"), personne_id="X").status_code == 400
    assert pending(demo.lea) == {} and fiches.record(demo.lea) == before


def test_errors_are_next_to_their_field_and_nothing_typed_is_lost(client_as, demo, text):
    parent = client_as("demo.parent")
    response = submit(parent, url(demo, "responsable/1"), tel_portable="12", code_postal="59800",
                      libelle_postal="ROUBAIX", prenom="<script>alert(1)</script>", mel="pas-un-courriel")
    page = text(response)
    assert response.status_code == 422 and "Le formulaire contient" in page
    for champ in ("tel_portable", "libelle_postal", "prenom", "mel"):
        assert re.search(rf'<span class="erreur-champ" id="erreur-{champ}" aria-live="polite">.+?</span>', page), champ
    assert 'value="12"' in page and 'value="ROUBAIX"' in page and 'value="pas-un-courriel"' in page
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;" in response.text
    assert pending(demo.lea) == {}


def test_one_field_is_checked_as_it_loses_the_focus(client_as, demo):
    parent = client_as("demo.parent")
    token = {"X-CSRF-Token": csrf_from(parent.get(url(demo, "eleve")).text)}  # as htmx sends it
    htmx = {"HX-Request": "true", "HX-Target": "erreur-tel_portable", **token}
    assert parent.post(url(demo, "verifier/eleve?champ=tel_portable"), data={"tel_portable": "12"},
                       headers={"HX-Request": "true", "HX-Target": "erreur-tel_portable"}).status_code == 403
    bad = parent.post(url(demo, "verifier/eleve?champ=tel_portable"), data={"tel_portable": "12"}, headers=htmx)
    assert bad.status_code == 200 and "<html" not in bad.text and 'id="erreur-tel_portable"' in bad.text
    assert "téléphone" in bad.text
    good = parent.post(url(demo, "verifier/eleve?champ=tel_portable"), data={"tel_portable": "06 12 34 56 78"},
                       headers=htmx)
    assert re.search(r'id="erreur-tel_portable" aria-live="polite"></span>', good.text)
    assert parent.post(url(demo, "verifier/eleve?champ=code_regime"), data={},
                       headers={"HX-Request": "true", "HX-Target": "erreur-code_regime", **token}).status_code == 404
    assert pending(demo.lea) == {}


def test_pupils_staff_and_strangers_are_refused(client, client_as, demo):
    pupil = client_as("demo.eleve")
    for path in ("", "eleve", "responsable/1"):
        assert pupil.get(url(demo, path)).status_code == 403, path
        assert client.get(url(demo, path), follow_redirects=False).status_code == 302, path
        assert client_as("demo.cpe").get(url(demo, path)).status_code == 404, path
    assert client_as("demo.parent2").get(f"/eleves/{demo.hugo}/fiche/").status_code == 404


def test_the_identique_checkbox_is_greyed_for_guardian_2_at_guardian_1s_address(client_as, demo, text, fiches):
    un, deux = fiches.record(demo.lea, 1), fiches.record(demo.lea, 2)
    fiches.guardians.setdefault((deux["id"], demo.lea), {f: deux[f] for f in ("ligne1_adresse", "code_postal",
                                                                              "libelle_postal", "code_pays")})
    run(update_guardian_record(deux["id"], demo.lea, {f: un[f] for f in ("ligne1_adresse", "ligne2_adresse",
        "ligne3_adresse", "ligne4_adresse", "code_postal", "libelle_postal", "code_pays")}))
    pere = client_as("demo.parent2")
    page = text(pere.get(url(demo, "eleve")))
    assert re.search(r'<input type="checkbox" id="adresse_resp1" name="adresse_resp1" value="1"[^>]*disabled', page)
    before = fiches.record(demo.lea)["adresse_resp1"]
    submit(pere, url(demo, "eleve"), adresse_resp1="" if before else "1")  # a crafted change of a greyed box
    assert (ELEVE, 0) not in pending(demo.lea)
    assert "disabled" not in re.search(r'<input type="checkbox" id="adresse_resp1"[^>]*>',
                                       text(client_as("demo.parent").get(url(demo, "eleve")))).group(0)


def test_a_request_processed_meanwhile_is_never_rewritten(client_as, demo, fiches):
    parent = client_as("demo.parent")
    submit(parent, url(demo, "eleve"), tel_domicile="03 20 11 22 33")
    record = fiches.record(demo.lea)
    qui = demandes.Demandeur(demo.college, demo.lea, compte("demo.parent"), "demo.parent")
    attente = run(demandes.en_attente(demo.lea, [])).eleve  # read as the page did...
    run(FicheDemande.update({FicheDemande.etat: "traitee"}).where(FicheDemande.id == attente.id))  # ...then processed
    with pytest.raises(demandes.DejaTraitee):
        run(demandes.soumettre(qui, ELEVE, record, {"tel_domicile": "03 20 99 99 99"}, attente))
    kept = run(FicheChangement.select().where(FicheChangement.demande == attente.id))
    assert [(c["champ"], c["nouvelle"]) for c in kept] == [("tel_domicile", "03 20 11 22 33")]
