"""The one rule behind the home screen and the service guard: ``family.refusal``."""

from __future__ import annotations

import datetime as dt

import pytest

from teleservices.core.api import Child, Etablissement, ServiceSpec, UserType, Viewer
from teleservices.core.family import refusal, visible_services

COLLEGE = Etablissement(
    id=1, uai="0599901K", type="college", nom="COLLEGE JEAN MOULIN", adresse_ligne1="12 rue des Écoles",
    adresse_ligne2="", code_postal="59800", commune="LILLE", telephone="", telecopie="", mel="",
    vie_scolaire_mel="", vie_scolaire_telephone="", afficher_contact=False,
)
NOTES = ServiceSpec("notes", "Les notes", national=True, order=10)
LPC = ServiceSpec("lpc", "Le livret personnel de compétences", national=True, order=30)
FICHE = ServiceSpec("fiche", "La fiche de renseignements", audiences=frozenset({UserType.PARENT}), order=40)
ENT = ServiceSpec("ent", "ENT de l'académie", order=90)
SERVICES = {spec.key: spec for spec in (NOTES, LPC, FICHE, ENT)}
ALL_OPEN = set(SERVICES)


def child(acces_suivi_retire: bool = False, code_sexe: str = "2") -> Child:
    return Child(
        id=7, eleve_id="100001", nom_de_famille="DUPONT", prenom="Léa", code_sexe=code_sexe,
        date_naiss=dt.date(2013, 3, 14), division="4G", acces_suivi_retire=acces_suivi_retire,
        etablissement=COLLEGE,
    )


def viewer(type: UserType) -> Viewer:
    return Viewer(compte_id=1, identifiant=f"demo.{type}", type=type, etat="actif")


PARENT, ELEVE, PERSONNEL = viewer(UserType.PARENT), viewer(UserType.ELEVE), viewer(UserType.PERSONNEL)


def test_opened_service_for_its_audience_is_allowed():
    assert refusal(NOTES, PARENT, child(), ALL_OPEN) is None
    assert refusal(NOTES, ELEVE, child(), ALL_OPEN) is None


def test_service_the_establishment_did_not_open_is_refused():
    reason = refusal(NOTES, PARENT, child(), ALL_OPEN - {"notes"})
    assert reason == "Ce service n'est pas ouvert par l'établissement."


def test_closed_service_is_refused_even_to_its_audience():
    assert refusal(FICHE, PARENT, child(), set()) == "Ce service n'est pas ouvert par l'établissement."


def test_parent_only_service_is_refused_to_a_pupil():
    assert refusal(FICHE, ELEVE, child(), ALL_OPEN) == "Ce service n'est pas proposé à votre type de compte."
    assert refusal(FICHE, PARENT, child(), ALL_OPEN) is None


def test_family_service_is_refused_to_staff():
    assert refusal(ENT, PERSONNEL, child(), ALL_OPEN) == "Ce service n'est pas proposé à votre type de compte."


def test_removed_pupil_access_refuses_national_services_to_the_pupil():
    reason = refusal(NOTES, ELEVE, child(acces_suivi_retire=True), ALL_OPEN)
    assert reason == "L'établissement a retiré l'accès à ce service."


def test_removed_pupil_access_keeps_the_other_services():
    assert refusal(ENT, ELEVE, child(acces_suivi_retire=True), ALL_OPEN) is None


def test_removed_pupil_access_does_not_affect_the_parent():
    assert refusal(NOTES, PARENT, child(acces_suivi_retire=True), ALL_OPEN) is None


@pytest.mark.parametrize(
    ("who", "retire", "opened", "expected"),
    [
        (PARENT, False, ALL_OPEN, ["notes", "lpc", "fiche", "ent"]),
        (ELEVE, False, ALL_OPEN, ["notes", "lpc", "ent"]),
        (ELEVE, True, ALL_OPEN, ["ent"]),
        (PARENT, True, ALL_OPEN, ["notes", "lpc", "fiche", "ent"]),
        (PARENT, False, {"lpc", "ent"}, ["lpc", "ent"]),
        (PERSONNEL, False, ALL_OPEN, []),
    ],
    ids=["parent", "eleve", "eleve-acces-retire", "parent-acces-retire", "parent-deux-ouverts", "personnel"],
)
def test_visible_services_apply_the_rule_and_keep_the_order(who, retire, opened, expected):
    shown = visible_services(SERVICES, who, child(acces_suivi_retire=retire), opened)
    assert [spec.key for spec in shown] == expected


def test_child_header_names():
    assert child().nom_court == "Léa D."
    assert child(code_sexe="2").ne_ou_nee == "née"
    assert child(code_sexe="1").ne_ou_nee == "né"
