"""The lycée's offer for the online enrolment (issue 9): the courses per MEF added, refused and
removed with their audit line, only the lycée's own rows, the incompatible pairs of options kept
on its campaign, who may see the page, CSRF, and a constant number of queries."""

from __future__ import annotations

import json

import pytest

from admin_support import journal_cleaned, post_with_csrf  # noqa: F401
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.inscription.tables import InscriptionCampagne, InscriptionOffre

PAGE = "/administration/inscription/offre"
SECONDE, PREMIERE = "20010018110", "21110016110"  # the lycée's 2NDE1 and 1ERE2
MEF_DU_COLLEGE = "10310019110"  # 3E, a class of the collège


@pytest.fixture(autouse=True)
def offre_mise_de_cote(demo):
    """Each test starts with no campaign nor offer at the lycée and the collège: the demo's rows
    are set aside, and put back as they were after the test (whatever it made is deleted)."""
    ici = [demo.lycee, demo.college]
    campagnes = run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id.is_in(ici)))
    lignes = run(InscriptionOffre.select().where(InscriptionOffre.etablissement_id.is_in(ici)))

    def vider() -> None:
        run(InscriptionOffre.delete().where(InscriptionOffre.etablissement_id.is_in(ici)))
        run(InscriptionCampagne.delete().where(InscriptionCampagne.etablissement_id.is_in(ici)))

    vider()
    yield
    vider()
    if campagnes:
        run(InscriptionCampagne.insert(*[InscriptionCampagne(**row) for row in campagnes]))
    if lignes:
        run(InscriptionOffre.insert(*[InscriptionOffre(**row) for row in lignes]))


@pytest.fixture
def lycee(client_as):
    return client_as("demo.lycee")


def post(client, path: str = PAGE, **fields):
    token = csrf_from(client.get(PAGE).text)
    return client.post(path, data={"_csrf": token, **fields}, follow_redirects=False)


def offre_de(etablissement_id: int) -> list[dict]:
    return run(InscriptionOffre.select().where(InscriptionOffre.etablissement_id == etablissement_id).order_by(
        InscriptionOffre.id))


def campagne_du_lycee(demo, **valeurs) -> int:
    import datetime as dt

    [row] = run(InscriptionCampagne.insert(InscriptionCampagne(
        etablissement_id=demo.lycee, rentree=2027, ouverture=dt.date(2027, 6, 25), fermeture=dt.date(2027, 7, 8),
        **valeurs)).returning(InscriptionCampagne.id))
    return row["id"]


def paires(campagne_id: int) -> list[list[str]]:
    row = run(InscriptionCampagne.select(InscriptionCampagne.incompatibles).where(
        InscriptionCampagne.id == campagne_id).first())
    valeur = row["incompatibles"]
    return json.loads(valeur) if isinstance(valeur, str) else valeur


AGL1 = {"code_mef": SECONDE, "categorie": "lv1", "code": "agl1", "libelle": "Anglais"}


@pytest.mark.parametrize("identifiant", ["demo.parent", "demo.eleve", "demo.prof", "demo.cpe"])
def test_only_the_secretariat_the_head_and_the_academy_administrator(client_as, identifiant):
    client = client_as(identifiant)
    assert client.get(PAGE).status_code in (403, 404)
    assert client.post(PAGE, data=AGL1, follow_redirects=False).status_code in (403, 404)


def test_the_head_and_the_academy_administrator_work_on_their_establishment(client_as, text, demo, journal_cleaned):
    head = text(client_as("demo.chef").get(PAGE))
    assert "Offre de formation" in head and f"MEF {MEF_DU_COLLEGE}" in head and SECONDE not in head

    academie = client_as("demo.academie")
    chosen = post_with_csrf(academie, "/administration/etablissements", {"etablissement": str(demo.lycee)})
    assert chosen.status_code == 303
    page = text(academie.get(PAGE))
    assert f"MEF {SECONDE} · classe 2NDE1" in page and MEF_DU_COLLEGE not in page
    added = post(academie, **AGL1)
    assert added.status_code == 303
    assert [(r["etablissement_id"], r["code"]) for r in offre_de(demo.lycee)] == [(demo.lycee, "AGL1")]
    [line] = [l for l in journal_cleaned() if l["action"] == "inscription.offre"]
    assert line["identifiant"] == "demo.academie" and line["etablissement"] == demo.lycee


def test_a_course_is_added_listed_and_removed(lycee, text, demo, journal_cleaned):
    page = text(lycee.get(PAGE))
    assert "<h1>L'inscription au lycée</h1>" in page and 'aria-current="page">Offre de formation' in page
    for code in (SECONDE, PREMIERE, "22110016110"):
        assert f'<option value="{code}">' in page
    assert MEF_DU_COLLEGE not in page  # only the lycée's MEFs
    assert "Aucune langue vivante 1 proposée : les familles n'auront pas à en choisir une." in page

    added = post(lycee, **AGL1)
    assert added.status_code == 303 and added.headers["location"] == PAGE + "?ok=ajout"
    [row] = offre_de(demo.lycee)
    assert (row["code_mef"], row["categorie"], row["code"], row["libelle"]) == (SECONDE, "lv1", "AGL1", "Anglais")
    assert post(lycee, code_mef=SECONDE, categorie="option", code="SES",
                libelle="Sciences économiques et sociales").status_code == 303
    # The same course for another MEF.
    assert post(lycee, code_mef=PREMIERE, categorie="lv1", code="AGL1", libelle="Anglais").status_code == 303

    page = text(lycee.get(added.headers["location"]))
    assert '<p class="confirmation" role="status">L\'enseignement est ajouté à l\'offre de formation.</p>' in page
    seconde = page.split(f'id="mef-{SECONDE}"', 1)[1].split("<section", 1)[0]
    lv1, lv2, options = (seconde.split("<h3>")[i] for i in (1, 2, 3))
    assert lv1.startswith("Langue vivante 1") and "<strong>AGL1</strong> – Anglais" in lv1
    assert lv2.startswith("Langue vivante 2") and "Aucune langue vivante 2 proposée" in lv2
    assert options.startswith("Enseignement d'exploration ou option") and "Sciences économiques et sociales" in options
    assert f'action="{PAGE}/{row["id"]}/retirer"' in seconde and "Aucune langue vivante 1 proposée" not in seconde

    removed = post(lycee, f"{PAGE}/{row['id']}/retirer")
    assert removed.status_code == 303 and removed.headers["location"] == PAGE + "?ok=retrait"
    assert [(r["code_mef"], r["code"]) for r in offre_de(demo.lycee)] == [(SECONDE, "SES"), (PREMIERE, "AGL1")]
    assert "L'enseignement est retiré de l'offre de formation." in text(lycee.get(removed.headers["location"]))
    assert post(lycee, f"{PAGE}/{row['id']}/retirer").status_code == 404  # already gone

    details = [l["detail"] for l in journal_cleaned() if l["action"] == "inscription.offre"]
    agl1 = "Offre de formation : AGL1 (Anglais, langue vivante 1)"
    assert details[0] == f"{agl1} ajouté à la formation {SECONDE} (2NDE1)."
    assert details[-1] == f"{agl1} retiré de la formation {SECONDE}."
    assert len(details) == 4


def test_refused_courses_keep_what_was_typed(lycee, text, demo):
    response = post(lycee, code_mef=MEF_DU_COLLEGE, categorie="lv3", code="AGL 1!", libelle="x" * 121)
    page = text(response)
    assert response.status_code == 422 and "Le formulaire contient 4 erreurs" in page
    for champ in ("code_mef", "categorie", "code", "libelle"):
        assert f'id="erreur-{champ}"' in page
    assert "Aucune classe du lycée n'est dans cette formation" in page and "(121 saisis)" in page
    assert 'value="AGL 1!"' in page and 'value="' + "x" * 121 + '"' in page

    response = post(lycee, code_mef="", categorie="", code="", libelle="")
    assert response.status_code == 422 and "Le formulaire contient 4 erreurs" in text(response)

    assert post(lycee, **AGL1).status_code == 303
    response = post(lycee, **{**AGL1, "code": " AGL1 ", "libelle": "Anglais <b>renforcé</b>"})
    page = text(response)
    assert response.status_code == 422 and "Le formulaire contient une erreur" in page
    assert "AGL1 est déjà proposé en langue vivante 1 pour cette formation." in page
    assert f'<option value="{SECONDE}" selected>' in page and '<option value="lv1" selected>' in page
    assert "Anglais &lt;b&gt;renforcé&lt;/b&gt;" in response.text
    assert [r["code"] for r in offre_de(demo.lycee)] == ["AGL1"]


def test_rows_of_another_establishment_cannot_be_removed(lycee, demo, journal_cleaned):
    [autre] = run(InscriptionOffre.insert(InscriptionOffre(
        etablissement_id=demo.college, code_mef=MEF_DU_COLLEGE, categorie="lv1", code="AGL1", libelle="Anglais",
    )).returning(InscriptionOffre.id))
    assert post(lycee, f"{PAGE}/{autre['id']}/retirer").status_code == 404
    assert post(lycee, f"{PAGE}/{autre['id'] + 1000}/retirer").status_code == 404
    assert [r["id"] for r in offre_de(demo.college)] == [autre["id"]]
    assert not [l for l in journal_cleaned() if l["action"] == "inscription.offre"]


def test_courses_of_a_mef_without_classes_are_listed_to_be_removed(lycee, text, demo):
    [row] = run(InscriptionOffre.insert(InscriptionOffre(
        etablissement_id=demo.lycee, code_mef="29999999999", categorie="lv2", code="ESP2", libelle="Espagnol",
    )).returning(InscriptionOffre.id))
    page = text(lycee.get(PAGE))
    assert "Formation 29999999999" in page and "Aucune classe du lycée n'est plus dans cette formation" in page
    assert f'action="{PAGE}/{row["id"]}/retirer"' in page
    assert '<option value="29999999999"' not in page  # nothing more is added to it
    assert post(lycee, f"{PAGE}/{row['id']}/retirer").status_code == 303 and not offre_de(demo.lycee)


def options_offertes(client) -> None:
    for code, libelle in (("SES", "Sciences économiques et sociales"), ("PFEG", "Principes fondamentaux de l'économie"),
                          ("LATIN", "Latin")):
        assert post(client, code_mef=SECONDE, categorie="option", code=code, libelle=libelle).status_code == 303


def test_without_a_campaign_no_pair_is_added(lycee, text, demo):
    assert not run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.lycee))
    options_offertes(lycee)
    page = text(lycee.get(PAGE))
    assert "Le lycée n'a pas encore de campagne d'inscription" in page
    assert 'href="/administration/inscription/">Enregistrer la campagne' in page
    assert f'action="{PAGE}/incompatibles"' not in page
    response = post(lycee, f"{PAGE}/incompatibles", option_a="SES", option_b="PFEG")
    assert response.status_code == 422 and "Enregistrez d'abord la campagne d'inscription" in text(response)
    assert not run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.lycee))
    assert post(lycee, f"{PAGE}/incompatibles/retirer", option_a="SES", option_b="PFEG").status_code == 404


def test_pairs_of_options_are_added_refused_and_removed(lycee, text, demo, journal_cleaned):
    campagne = campagne_du_lycee(demo, options_min=2, options_max=2)
    page = text(lycee.get(PAGE))
    assert "Chaque élève choisit 2 enseignements d'exploration ou options. Ces nombres" in page
    assert "devront les choisir tous" not in page  # 2NDE offers no option yet: none is asked
    assert "Proposez au moins deux enseignements d'exploration ou options" in page
    assert post(lycee, code_mef=SECONDE, categorie="option", code="SES", libelle="SES").status_code == 303
    seconde = text(lycee.get(PAGE)).split(f'id="mef-{SECONDE}"', 1)[1].split("<section", 1)[0]
    assert "n'en propose que 1 : ses familles devront les choisir tous" in seconde  # one offered, two asked
    run(InscriptionOffre.delete().where((InscriptionOffre.etablissement_id == demo.lycee) & (InscriptionOffre.code == "SES")))
    options_offertes(lycee)
    page = text(lycee.get(PAGE))
    seconde = page.split(f'id="mef-{SECONDE}"', 1)[1].split("<section", 1)[0]
    assert "devront les choisir tous" not in seconde
    assert '<option value="PFEG">PFEG – Principes fondamentaux de l\'économie</option>' in page

    added = post(lycee, f"{PAGE}/incompatibles", option_a="SES", option_b="PFEG")
    assert added.status_code == 303 and added.headers["location"] == PAGE + "?ok=paire"
    assert paires(campagne) == [["SES", "PFEG"]]
    page = text(lycee.get(added.headers["location"]))
    assert "La paire d'options incompatibles est enregistrée." in page
    assert "SES et PFEG ne peuvent pas être choisis ensemble." in page

    for a, b, message in (("PFEG", "SES", "Déjà enregistré : PFEG et SES ne peuvent pas être choisis ensemble."),
                          ("LATIN", "LATIN", "Choisissez deux options différentes."),
                          ("SES", "GREC", "Le lycée ne propose pas cette option"),
                          ("", "LATIN", "Choisissez une option.")):
        response = post(lycee, f"{PAGE}/incompatibles", option_a=a, option_b=b)
        page = text(response)
        assert response.status_code == 422 and message in page, (a, b)
        if a:
            assert f'<option value="{a}" selected>' in page
    assert paires(campagne) == [["SES", "PFEG"]]

    assert post(lycee, f"{PAGE}/incompatibles", option_a="LATIN", option_b="SES").status_code == 303
    assert paires(campagne) == [["SES", "PFEG"], ["LATIN", "SES"]]
    removed = post(lycee, f"{PAGE}/incompatibles/retirer", option_a="PFEG", option_b="SES")  # either order
    assert removed.status_code == 303 and removed.headers["location"] == PAGE + "?ok=paire_retiree"
    assert paires(campagne) == [["LATIN", "SES"]]
    assert "Les deux options peuvent de nouveau être choisies ensemble." in text(lycee.get(removed.headers["location"]))
    assert post(lycee, f"{PAGE}/incompatibles/retirer", option_a="PFEG", option_b="SES").status_code == 404

    details = [l["detail"] for l in journal_cleaned() if l["action"] == "inscription.offre"]
    assert "Options incompatibles : SES et PFEG ne peuvent plus être choisis ensemble." in details
    assert details[-1] == "Options incompatibles : PFEG et SES peuvent de nouveau être choisis ensemble."


def test_without_its_csrf_token_nothing_changes(lycee, text, demo):
    campagne = campagne_du_lycee(demo, incompatibles=[["SES", "PFEG"]])
    [row] = run(InscriptionOffre.insert(InscriptionOffre(
        etablissement_id=demo.lycee, code_mef=SECONDE, categorie="option", code="SES", libelle="SES",
    )).returning(InscriptionOffre.id))
    page = text(lycee.get(PAGE))
    assert "SES et PFEG ne peuvent pas être choisis ensemble" in page and "(PFEG n'est plus proposé)" in page
    for path, data in ((PAGE, AGL1), (f"{PAGE}/{row['id']}/retirer", {}),
                       (f"{PAGE}/incompatibles", {"option_a": "SES", "option_b": "LATIN"}),
                       (f"{PAGE}/incompatibles/retirer", {"option_a": "SES", "option_b": "PFEG"})):
        assert lycee.post(path, data=data, follow_redirects=False).status_code == 403, path
    assert [r["id"] for r in offre_de(demo.lycee)] == [row["id"]]
    assert paires(campagne) == [["SES", "PFEG"]]


def test_the_page_makes_as_many_queries_whatever_the_offer(lycee, demo, queries, queries_of):
    [vide] = queries_of(lycee, PAGE)
    campagne_du_lycee(demo, incompatibles=[["SES", "PFEG"], ["LATIN", "SES"]])
    run(InscriptionOffre.insert(*[
        InscriptionOffre(etablissement_id=demo.lycee, code_mef=mef, categorie=categorie, code=code, libelle=code)
        for mef in (SECONDE, PREMIERE, "22110016110", "29999999999")
        for categorie, code in (("lv1", "AGL1"), ("lv1", "ALL1"), ("lv2", "ESP2"), ("option", "SES"),
                                ("option", "PFEG"), ("option", "LATIN"))]))
    [rempli] = queries_of(lycee, PAGE)
    assert rempli == vide
    propres = [q for q in queries if "inscription_" in q or "division" in q]
    assert len(propres) == 3, propres  # the campaign, the offer, the MEFs
