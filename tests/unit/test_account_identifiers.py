"""Identifiers and provisional passwords of the accounts created by the school (guide 1.1)."""

from __future__ import annotations

import re

import pytest

from teleservices.core.demo import TRICKY
from teleservices.core.identity.creation import (
    PASSWORD_ALPHABET, allocate_identifiers, base_identifier, provisional_password,
)

SHAPE = re.compile(r"^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$")


@pytest.mark.parametrize(("prenom", "nom", "expected"), [
    ("Arthur", "DUPONT", "arthur.dupont"),
    ("Zoé", "N'DIAYE", "zoe.ndiaye"),
    ("Ömer", "ÇELIK", "omer.celik"),
    ("Siobhán", "O'CONNOR", "siobhan.oconnor"),
    ("Maëlys", "LE GOFF-KERVELLA", "maelys.legoff-kervella"),
    ("Jean-Baptiste", "DE LA FONTAINE", "jean-baptiste.delafontaine"),
    ("François-Xavier", "DUPONT DE L'ESTANG", "francois-xavier.dupontdelestang"),
])
def test_accents_apostrophes_compounds_and_particles(prenom, nom, expected):
    assert base_identifier(prenom, nom) == expected


def test_typographic_apostrophes_and_dashes():
    assert base_identifier("Jean – Luc", "D’ARC") == "jean-luc.darc"
    assert base_identifier("Anne‐Sophie", "MARTIN‑DURAND") == "anne-sophie.martin-durand"
    assert base_identifier("Léa", "DUPONT--MOREL") == "lea.dupont-morel"
    assert base_identifier("Léa", "-DUPONT-") == "lea.dupont"


def test_a_first_name_typed_with_a_space_becomes_compound():
    assert base_identifier("Marie Anne", "DUPONT") == "marie-anne.dupont"
    assert base_identifier("  Léa  ", "  DUPONT ") == "lea.dupont"


def test_ligatures_are_spelled_out_and_case_is_lowered():
    assert base_identifier("Lætitia", "ŒUVRAY") == "laetitia.oeuvray"
    assert base_identifier("ÉLODIE", "STRAßER") == "elodie.strasser"


def test_digits_and_other_signs_are_dropped():
    assert base_identifier("Louis 2", "ST. JOHN") == "louis.stjohn"


def test_missing_or_unusable_names():
    assert base_identifier("", "DUPONT") == "dupont"
    assert base_identifier("Léa", "") == "lea"
    assert base_identifier("李", "王") == "compte"


def test_long_names_are_cut():
    identifier = base_identifier("A" * 60, "B" * 60)
    assert identifier == "a" * 35 + "." + "b" * 35
    assert len(identifier) + 5 <= 80  # room for a collision number


def test_every_tricky_demo_name_gives_a_clean_identifier():
    for nom, prenoms, _sexe, _school in TRICKY:
        identifier = base_identifier(prenoms[0], nom)
        assert SHAPE.match(identifier), identifier
    # Only the first first name counts, whatever the second and third.
    assert base_identifier("Maëlys", "LE GOFF-KERVELLA") == "maelys.legoff-kervella"


def test_collisions_get_a_number():
    assert allocate_identifiers(["arthur.dupont"] * 3, []) == ["arthur.dupont", "arthur.dupont2", "arthur.dupont3"]


def test_collisions_with_existing_identifiers():
    assert allocate_identifiers(["x.y"], {"x.y"}) == ["x.y2"]
    assert allocate_identifiers(["x.y", "x.y"], {"x.y", "x.y2"}) == ["x.y3", "x.y4"]
    assert allocate_identifiers(["x.y", "x.y"], {"x.y2"}) == ["x.y", "x.y3"]
    assert allocate_identifiers(["x.y", "a.b"], {"x.y", "x.y2", "a.b3"}) == ["x.y3", "a.b"]


def test_the_password_alphabet_has_no_ambiguous_character():
    for ambiguous in "0O1lIoi":
        assert ambiguous not in PASSWORD_ALPHABET
    assert len(set(PASSWORD_ALPHABET)) == len(PASSWORD_ALPHABET) >= 50
    assert any(c.isdigit() for c in PASSWORD_ALPHABET) and any(c.isupper() for c in PASSWORD_ALPHABET)


def test_provisional_passwords_are_long_random_and_from_the_alphabet():
    passwords = [provisional_password() for _ in range(200)]
    assert len(set(passwords)) == 200
    for password in passwords:
        assert len(password) >= 10
        assert set(password) <= set(PASSWORD_ALPHABET)
    # Every character of the alphabet turns up: not a fixed subset.
    assert set("".join(passwords)) == set(PASSWORD_ALPHABET)
