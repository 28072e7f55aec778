"""The services page's form, read against each service's declared options."""

from __future__ import annotations

from teleservices.core.administration.services import Configuration, changes, read_form
from teleservices.core.api import ServiceOption, ServiceSpec
from teleservices.core.family import option_values, stored_options

SPEC = ServiceSpec(key="notes", label="Les notes", options=(
    ServiceOption(key="mode", label="Mode", kind="choice", default="a", choices=(("a", "A"), ("b", "B"))),
    ServiceOption(key="date", label="Date", kind="date", default=""),
    ServiceOption(key="publier", label="Publier", kind="bool", default=True),
    ServiceOption(key="texte", label="Texte", kind="text", default=""),
))


def test_stored_options_read_json_text_and_fill_defaults():
    assert stored_options('{"mode": "b"}') == {"mode": "b"}
    assert stored_options(None) == {} and stored_options("[1]") == {}
    assert option_values(SPEC, {"mode": "b", "ancienne": 1}) == {"mode": "b", "date": "", "publier": True, "texte": ""}


def test_the_form_is_checked_against_the_declaration():
    form = {"ouvert-notes": "on", "option-notes-mode": "c", "option-notes-date": "2027-02-30",
            "option-notes-texte": " x " * 100, "message_accueil": "Bonjour\r\nà tous"}
    submitted = read_form(form, [SPEC])
    assert submitted.opened == {"notes"} and submitted.message_accueil == "Bonjour\nà tous"
    assert set(submitted.errors) == {"option-notes-mode", "option-notes-date", "option-notes-texte"}
    assert submitted.options["notes"]["publier"] is False  # an unchecked box is "no"

    good = read_form({"option-notes-mode": "b", "option-notes-date": "15/01/2027", "option-notes-publier": "on"}, [SPEC])
    assert not good.errors
    assert good.options["notes"] == {"mode": "b", "date": "2027-01-15", "publier": True, "texte": ""}


def test_changes_are_described_in_french():
    before = Configuration(opened={"notes"}, options={"notes": option_values(SPEC, {})}, afficher_contact=True,
                           message_accueil="")
    after = Configuration(opened=set(), options={"notes": {**option_values(SPEC, {}), "mode": "b", "date": "2027-01-15"}},
                          afficher_contact=False, message_accueil="Bienvenue")
    assert changes([SPEC], before, after) == [
        "Les notes : fermé", "Les notes, Mode : B", "Les notes, Date : 15/01/2027",
        "lien « contacter l'établissement » masqué", "message d'accueil modifié",
    ]
    assert changes([SPEC], before, before) == []
