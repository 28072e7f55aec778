"""The parents' online enrolment in lycée (issue 9, guide 3.2), through the HTTP client: Mélanie
BERTIN (3E at the demo collège, assigned to the demo lycée whose campaign is open) and her mother
``demo.parent3e``. The four steps, the rules of each, the mail and the PDF, read-only after
confirming or closing, and who may see it at all."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Iterator

import pytest
from pypdf import PdfReader

from fiche_support import form_of, submit
from teleservices.core.api import today
from teleservices.core.tables import Courriel, Eleve
from teleservices.core.testing import csrf_from, last_id, run
from teleservices.plugins.fiche.tables import FicheChangement, FicheDemande
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionCampagne, InscriptionDossier

PARENT = "demo.parent3e"
MEL = "helene.bertin@example.org"


@pytest.fixture
def melanie(demo) -> int:
    return run(Eleve.select(Eleve.id).where((Eleve.nom_de_famille == "BERTIN") & (Eleve.prenom == "Mélanie")).first())["id"]


@pytest.fixture
def inscription(melanie, demo) -> Iterator[dict[str, Any]]:
    """Mélanie's enrolment as the demo has it (not started); after the test, her dossier, fiche
    requests and mails are gone and the lycée's campaign has its dates back."""
    marks = {"demande": last_id(FicheDemande), "courriel": last_id(Courriel)}
    [campagne] = run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.lycee))
    [affectation] = run(InscriptionAffectation.select().where(InscriptionAffectation.eleve_id == melanie))
    yield {"base": f"/eleves/{melanie}/inscription", "affectation": affectation["id"], "campagne": campagne,
           "marks": marks}
    run(InscriptionDossier.delete().where(InscriptionDossier.affectation == affectation["id"]))
    ids = [r["id"] for r in run(FicheDemande.select(FicheDemande.id).where(FicheDemande.id > marks["demande"]))]
    if ids:
        run(FicheChangement.delete().where(FicheChangement.demande.is_in(ids)))
        run(FicheDemande.delete().where(FicheDemande.id.is_in(ids)))
    run(Courriel.delete().where(Courriel.id > marks["courriel"]))
    run(InscriptionCampagne.update({InscriptionCampagne.ouverture: campagne["ouverture"],
                                    InscriptionCampagne.fermeture: campagne["fermeture"]}).where(
        InscriptionCampagne.id == campagne["id"]))


def dossier(inscription) -> dict[str, Any] | None:
    return run(InscriptionDossier.select().where(
        InscriptionDossier.affectation == inscription["affectation"]).output(load_json=True).first())


def post(client, path: str, data: dict | list | None = None):
    """A form as a browser sends it (a list of pairs for repeated fields), with the CSRF token."""
    fields: dict[str, list[str]] = {"_csrf": [csrf_from(client.get("/compte").text)]}
    for name, value in (data.items() if isinstance(data, dict) else data or []):
        fields.setdefault(name, []).append(value)
    return client.post(path, data=fields, follow_redirects=False)


def through_step_2(client, base: str) -> None:
    assert post(client, f"{base}/validation").headers["location"] == f"{base}/souhaits?ok=validee"
    saved = post(client, f"{base}/souhaits", [("lv1", "AGL1"), ("lv2", "ESP2"), ("options", "SES"), ("options", "MPS")])
    assert saved.status_code == 303 and saved.headers["location"] == f"{base}/donnees/?ok=voeux"


def test_the_home_page_is_the_guide_s(client_as, text, inscription, melanie):
    page = text(client_as(PARENT).get(f"{inscription['base']}/"))
    assert "la scolarité de <strong>Mélanie B.</strong>" in page and "élève de <strong>3E</strong>" in page
    assert "COLLEGE JEAN MOULIN" in page and "12 rue des Écoles" in page  # the current collège and its address
    assert f"<h1>L'inscription pour la rentrée {inscription['campagne']['rentree']}</h1>" in page
    assert "Information du LYCEE MARIE CURIE" in page and "Choix de langues possibles : AGL1 et ALL2" in page
    assert "Lire la suite" in page  # the demo's message is long: its beginning, then the rest on demand
    assert "Valider l'inscription" in page and "1. Valider l'inscription" in page
    assert 'href="/eleves/%d/inscription/souhaits"' % melanie not in page  # step 2 is not reachable yet


def test_the_service_is_on_mélanie_s_home_screen(client_as, main_text, melanie):
    assert "L'inscription au lycée" in main_text(client_as(PARENT).get(f"/eleves/{melanie}/"))


def test_the_four_steps_with_the_mail_and_the_pdf(client_as, text, inscription, demo, melanie):
    parent, base = client_as(PARENT), inscription["base"]
    assert parent.get(f"{base}/souhaits", follow_redirects=False).headers["location"] == f"{base}/"
    through_step_2(parent, base)
    row = dossier(inscription)
    assert (row["lv1"], row["lv2"], row["options"], sorted(row["etapes"])) == ("AGL1", "ESP2", ["SES", "MPS"], [1, 2])
    page = text(parent.get(f"{base}/donnees/?ok=voeux"))
    assert "Vos souhaits pédagogiques sont enregistrés." in page and "Mise à jour élève" in page

    # Step 3 with the fiche's own form: the request goes to the lycée's queue.
    form = text(parent.get(f"{base}/donnees/eleve"))
    assert "L'inscription au lycée - Mise à jour élève" in form and f'action="{base}/donnees/eleve"' in form
    saved = submit(parent, f"{base}/donnees/eleve", tel_portable="06 11 22 33 44")
    assert saved.status_code == 303, text(saved)
    [demande] = run(FicheDemande.select().where(FicheDemande.id > inscription["marks"]["demande"]))
    assert (demande["etablissement_id"], demande["eleve_id"]) == (demo.lycee, melanie)
    queue = text(client_as("demo.lycee").get("/administration/fiche/"))
    assert "BERTIN Mélanie" in queue and "3E, COLLEGE JEAN MOULIN" in queue
    assert post(parent, f"{base}/donnees").headers["location"] == f"{base}/recapitulatif?ok=donnees"

    recap = text(parent.get(f"{base}/recapitulatif"))
    assert "Langue vivante 1" in recap and "Anglais (AGL1)" in recap and "Espagnol (ESP2)" in recap
    assert "Sciences économiques et sociales (SES)" in recap and "06 11 22 33 44" in recap
    confirmed = post(parent, f"{base}/recapitulatif")
    assert confirmed.headers["location"] == f"{base}/confirmation"
    page = text(parent.get(f"{base}/confirmation"))
    assert "est confirmée" in page and f"Un courriel de confirmation est envoyé à {MEL}" in page
    assert "Espagnol (ESP2)" in page and "06 11 22 33 44" in page  # what was confirmed
    assert dossier(inscription)["confirme_le"] is not None

    [mail] = run(Courriel.select().where((Courriel.id > inscription["marks"]["courriel"]) & (Courriel.destinataire == MEL)))
    assert "Inscription au lycée confirmée" in mail["sujet"]
    assert "Mélanie BERTIN au LYCEE MARIE CURIE" in mail["corps"] and "Anglais (AGL1)" in mail["corps"]
    assert f"http://127.0.0.1:8000{base}/" in mail["corps"] or f"{base}/" in mail["corps"]

    pdf = parent.get(f"{base}/recapitulatif.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="inscription-lycee-melanie-bertin.pdf"' in pdf.headers["content-disposition"]
    contenu = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Mélanie BERTIN" in contenu and "LYCEE MARIE CURIE" in contenu and "Anglais (AGL1)" in contenu


def test_the_wishes_follow_the_lycée_s_rules(client_as, text, inscription):
    parent, base = client_as(PARENT), inscription["base"]
    post(parent, f"{base}/validation")
    cases = [
        ([("lv2", "ESP2"), ("options", "SES")], "Choisissez la langue vivante 1."),
        ([("lv1", "ALL1"), ("lv2", "ALL2"), ("options", "SES")], "une autre langue que la langue vivante 1"),
        ([("lv1", "AGL1"), ("lv2", "ESP2")], "Choisissez au moins 1 enseignement"),
        ([("lv1", "AGL1"), ("lv2", "ESP2"), ("options", "SES"), ("options", "PFEG")], "ne peuvent pas être suivis ensemble"),
        ([("lv1", "AGL1"), ("lv2", "ESP2"), ("options", "SES"), ("options", "MPS"), ("options", "LS")], "Choisissez au plus 2"),
        ([("lv1", "RUS1"), ("lv2", "ESP2"), ("options", "SES")], "Le lycée ne propose pas cette langue vivante 1."),
    ]
    for data, message in cases:
        response = post(parent, f"{base}/souhaits", data)
        assert response.status_code == 422 and message in text(response), message
    kept = text(post(parent, f"{base}/souhaits", [("lv1", "AGL1"), ("lv2", "ESP2")]))
    assert {k: v for k, v in form_of(kept, f"{base}/souhaits").items() if k != "_csrf"} == {"lv1": "AGL1", "lv2": "ESP2"}  # as typed
    assert sorted(dossier(inscription)["etapes"]) == [1]  # nothing saved from a refused form


def test_leaving_and_coming_back_resumes_where_they_were(client_as, text, inscription):
    parent, base = client_as(PARENT), inscription["base"]
    through_step_2(parent, base)
    page = text(client_as(PARENT).get(f"{base}/"))  # another session: the steps are stored
    assert "Reprendre à l'étape 3 : Données administratives" in page
    assert parent.get(f"{base}/recapitulatif", follow_redirects=False).headers["location"] == f"{base}/donnees/"
    assert post(parent, f"{base}/recapitulatif").headers["location"] == f"{base}/donnees/"
    assert dossier(inscription)["confirme_le"] is None


def test_a_confirmed_enrolment_is_read_only(client_as, text, inscription):
    parent, base = client_as(PARENT), inscription["base"]
    through_step_2(parent, base)
    post(parent, f"{base}/donnees")
    post(parent, f"{base}/recapitulatif")
    refused = post(parent, f"{base}/souhaits", [("lv1", "ALL1"), ("lv2", "ESP2"), ("options", "LS")])
    assert refused.status_code == 409 and "demandez au lycée de la rouvrir" in text(refused)
    assert post(parent, f"{base}/donnees/eleve", {"tel_portable": "07 00 00 00 00"}).status_code == 409
    assert dossier(inscription)["lv1"] == "AGL1"
    assert "Confirmer l'inscription" not in text(parent.get(f"{base}/recapitulatif"))


def test_after_the_closing_day_everything_is_read_only(client_as, text, inscription):
    parent, base = client_as(PARENT), inscription["base"]
    through_step_2(parent, base)
    hier = today() - dt.timedelta(days=1)
    run(InscriptionCampagne.update({InscriptionCampagne.fermeture: hier}).where(
        InscriptionCampagne.id == inscription["campagne"]["id"]))
    page = text(parent.get(f"{base}/"))
    assert f"La campagne d'inscription s'est terminée le {hier:%d/%m/%Y}" in page and "Reprendre" not in page
    for path, data in ((f"{base}/souhaits", [("lv1", "ALL1"), ("lv2", "ESP2"), ("options", "LS")]),
                       (f"{base}/donnees", None), (f"{base}/recapitulatif", None), (f"{base}/validation", None),
                       (f"{base}/donnees/eleve", {"tel_portable": "07 00 00 00 00"})):
        assert post(parent, path, data).status_code == 409, path
    assert dossier(inscription)["lv1"] == "AGL1" and dossier(inscription)["confirme_le"] is None
    assert 'disabled' in text(parent.get(f"{base}/souhaits"))


ROUTES = ["/", "/souhaits", "/donnees/", "/donnees/eleve", "/donnees/responsable/1", "/recapitulatif",
          "/confirmation", "/recapitulatif.pdf"]
WRITES = ["/validation", "/souhaits", "/donnees", "/donnees/eleve", "/donnees/responsable/1", "/recapitulatif"]


def test_other_parents_and_pupils_are_refused_on_every_route(client_as, inscription, demo, melanie):
    base = inscription["base"]
    for identifiant in ("demo.parent", "demo.parent2", "demo.eleve"):
        client = client_as(identifiant)
        for path in ROUTES:
            assert client.get(base + path, follow_redirects=False).status_code in (403, 404), (identifiant, path)
        for path in WRITES:
            assert post(client, base + path, {"lv1": "AGL1"}).status_code in (403, 404), (identifiant, path)
    assert dossier(inscription) is None


def test_a_pupil_never_sees_it_even_when_assigned(client_as, main_text, demo, service_opened):
    """Léa's own account, once she is assigned to the lycée: the service is for parents only."""
    run(InscriptionAffectation.insert(InscriptionAffectation(lycee_id=demo.lycee, eleve_id=demo.lea)))
    try:
        eleve, parent = client_as("demo.eleve"), client_as("demo.parent")
        assert "L'inscription au lycée" not in main_text(eleve.get(f"/eleves/{demo.lea}/"))
        assert eleve.get(f"/eleves/{demo.lea}/inscription/").status_code in (403, 404)
        assert "L'inscription au lycée" in main_text(parent.get(f"/eleves/{demo.lea}/"))
    finally:
        run(InscriptionAffectation.delete().where(InscriptionAffectation.eleve_id == demo.lea))


def test_a_child_without_affectation_has_no_enrolment(client_as, main_text, demo):
    parent = client_as("demo.parent")
    assert "L'inscription au lycée" not in main_text(parent.get(f"/eleves/{demo.lea}/"))
    for path in ROUTES:
        assert parent.get(f"/eleves/{demo.lea}/inscription{path}").status_code in (403, 404), path
    assert post(parent, f"/eleves/{demo.lea}/inscription/validation").status_code in (403, 404)


def test_writes_need_the_csrf_token(client_as, inscription):
    response = client_as(PARENT).post(f"{inscription['base']}/validation", follow_redirects=False)
    assert response.status_code == 403 and dossier(inscription) is None


def test_pages_cost_a_constant_number_of_queries(client_as, queries_of, inscription):
    parent, base = client_as(PARENT), inscription["base"]
    through_step_2(parent, base)
    post(parent, f"{base}/donnees")
    counts = queries_of(parent, f"{base}/", f"{base}/souhaits", f"{base}/donnees/", f"{base}/recapitulatif")
    # The guard (5: session, children, the two establishments' services, the affectation), the
    # enrolment (1), the offer (1), the fiche (4): never a query per row.
    assert counts[-1] <= 11 and max(counts) <= 11, counts
