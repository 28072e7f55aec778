"""The rules of the fiche de renseignements (guide 3.3): values kept as text, the last change
that wins, the guardians' turns on the pupil's record, the greyed « identique » checkbox."""

from __future__ import annotations

import datetime as dt

from teleservices.plugins.fiche import rules

RECORD = {"tel_portable": "06 11 22 33 44", "mel": "", "date_naiss": dt.date(2013, 3, 14), "adresse_resp1": True}


def test_values_are_kept_as_text_and_read_back_in_their_type():
    assert rules.texte("date_naiss", dt.date(2013, 3, 14)) == "2013-03-14"
    assert rules.texte("accepte_sms", True) == "1" and rules.texte("accepte_sms", False) == "0"
    assert rules.texte("mel", None) == ""
    assert rules.valeur("date_naiss", "2013-03-14") == dt.date(2013, 3, 14)
    assert rules.valeur("adresse_resp1", "0") is False and rules.valeur("prenom", "Léa") == "Léa"


def test_a_changed_field_is_a_change_an_unchanged_one_is_not():
    changes = rules.changements(RECORD, {"tel_portable": "07 00 00 00 00", "mel": ""}, {})
    assert changes == {"tel_portable": ("06 11 22 33 44", "07 00 00 00 00")}


def test_the_last_change_of_a_field_wins():
    first = rules.changements(RECORD, {"tel_portable": "07 00 00 00 00"}, {})
    second = rules.changements(RECORD, {"tel_portable": "07 99 99 99 99", "mel": "lea@example.fr"}, first)
    assert second == {"tel_portable": ("06 11 22 33 44", "07 99 99 99 99"), "mel": ("", "lea@example.fr")}


def test_a_field_put_back_to_the_records_value_is_no_longer_asked():
    pending = rules.changements(RECORD, {"tel_portable": "07 00 00 00 00", "mel": "a@b.fr"}, {})
    back = rules.changements(RECORD, {"tel_portable": "06 11 22 33 44"}, pending)
    assert back == {"mel": ("", "a@b.fr")}
    assert rules.changements(RECORD, {"adresse_resp1": True, "date_naiss": dt.date(2013, 3, 14)}, {}) == {}


def test_guardians_take_turns_on_the_pupils_record():
    assert not rules.bloque(None, 7)  # nothing waits
    assert not rules.bloque(7, 7)  # my own request: I may change it again
    assert rules.bloque(8, 7)  # the other guardian's: wait until it is processed


ONE = {"id": 1, "resp_legal": 1, "ligne1_adresse": "12 rue des Écoles", "ligne2_adresse": "", "ligne3_adresse": "",
       "ligne4_adresse": "", "code_postal": "59800", "libelle_postal": "LILLE", "code_pays": "100"}
TWO = {**ONE, "id": 2, "resp_legal": 2, "ligne1_adresse": "12 RUE DES ECOLES"}


def test_the_identique_checkbox_is_greyed_for_guardian_2_alone_at_the_same_address():
    assert rules.case_adresse_grisee({2}, [ONE, TWO])  # guardian 2's own account, same address
    assert not rules.case_adresse_grisee({1}, [ONE, TWO])  # guardian 1
    assert not rules.case_adresse_grisee({1, 2}, [ONE, TWO])  # one account for both
    assert not rules.case_adresse_grisee({2}, [ONE, {**TWO, "libelle_postal": "ROUBAIX", "code_postal": "59100"}])
    assert not rules.case_adresse_grisee({2}, [TWO])  # no guardian 1
    assert rules.meme_adresse({**ONE, "ligne1_adresse": "12 rue des écoles "}, TWO)


def test_every_profession_of_the_list_is_marked_for_translation():
    """The professions come from a CSV file, which ``make messages`` does not read: their labels
    are repeated in ``PROFESSIONS_A_TRADUIRE``, and must stay the same as the file's."""
    from teleservices.plugins.fiche import reference

    marked = {str(label) for label in reference.PROFESSIONS_A_TRADUIRE}  # French: the source text
    assert marked == set(reference._professions().values())
