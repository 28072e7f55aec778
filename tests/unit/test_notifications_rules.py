"""The notifications' rules without a database: the e-mail channel an account gets by default,
the links a notification may carry, the declared types, and how the daily digest batches what it
claimed — per account, per child, oldest first, never about a child the account no longer sees."""

from __future__ import annotations

import datetime as dt

import pytest

from teleservices.core.api import ServiceSpec
from teleservices.core.notifications import (
    AUCUN, IMMEDIAT, PAR_DEFAUT, RESUME, as_moment, batches, canal_effectif, chemin_local, declared_types, lien_de,
)

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 23)


def test_the_default_is_the_daily_digest_and_no_address_means_no_mail():
    assert PAR_DEFAUT == RESUME
    assert canal_effectif(None, True) == RESUME
    assert canal_effectif("n'importe quoi", True) == RESUME
    assert canal_effectif(IMMEDIAT, True) == IMMEDIAT
    assert canal_effectif(AUCUN, True) == AUCUN
    for chosen in (None, IMMEDIAT, RESUME):
        assert canal_effectif(chosen, False) == AUCUN


@pytest.mark.parametrize(("lien", "local"), [
    ("/eleves/12/notes/", True),
    ("/eleves/12/notes/?periode=T1#n3", True),
    ("//ailleurs.example.org/", False),
    ("https://ailleurs.example.org/", False),
    ("/\\ailleurs.example.org", False),
    ("/eleves/12/\tnotes", False),
    ("eleves/12/", False),
    ("/" + "a" * 300, False),
])
def test_a_notification_links_to_a_page_of_the_portal_only(lien, local):
    assert chemin_local(lien) is local


def test_each_pupil_gets_its_own_link():
    assert lien_de("/eleves/{eleve}/notes/?eleve={eleve}", 42) == "/eleves/42/notes/?eleve=42"


def test_the_types_come_in_the_services_order_then_their_declarations():
    notes = ServiceSpec(key="notes", label="Les notes", notifications=(("notes.b", "B"), ("notes.a", "A")))
    fiche = ServiceSpec(key="fiche", label="La fiche", notifications=(("fiche.decision", "Décision"),))
    types = declared_types({"notes": notes, "fiche": fiche})
    assert list(types) == ["notes.b", "notes.a", "fiche.decision"]
    assert (types["notes.a"].label, types["notes.a"].service) == ("A", notes)


def claimed(id: int, compte: int, eleve: int, minute: int) -> dict:
    # SQLite gives a raw timestamp back as text, PostgreSQL as a datetime: both are read.
    moment = dt.datetime(2026, 11, 23, 8, minute, tzinfo=UTC)
    return {"id": id, "compte": compte, "eleve": eleve, "type": "notes.publiees", "titre": f"n{id}",
            "cree_le": moment.isoformat(sep=" ") if id % 2 else moment}


def link(compte: int, eleve: int, prenom: str, **changes) -> dict:
    return {"compte": compte, "eleve": eleve, "mel": f"compte{compte}@example.org", "mel_verifie": True,
            "etat": "actif", "prenom": prenom, "nom_de_famille": "DUPONT", "date_sortie": None, **changes}


def test_the_digest_batches_per_account_then_per_child_oldest_first():
    items = [claimed(1, 10, 100, 30), claimed(2, 10, 200, 10), claimed(3, 10, 100, 5), claimed(4, 11, 100, 1)]
    links = [link(10, 100, "Léa"), link(10, 200, "Hugo"), link(11, 100, "Léa")]
    resumes = batches(items, links, TODAY)
    assert set(resumes) == {10, 11}
    sophie = resumes[10]
    assert sophie.mel == "compte10@example.org" and sophie.nombre == 3
    assert list(sophie.enfants.values()) == ["Léa DUPONT", "Hugo DUPONT"]  # Léa's first notification is older
    assert [i["id"] for i in sophie.notifications[100]] == [3, 1]
    assert [i["id"] for i in resumes[11].notifications[100]] == [4]


@pytest.mark.parametrize("changes", [
    {"mel": ""}, {"mel_verifie": False}, {"etat": "desactive"}, {"date_sortie": TODAY}, {"date_sortie": "2026-11-01"},
])
def test_no_digest_without_an_address_an_active_account_or_a_child_still_there(changes):
    assert batches([claimed(1, 10, 100, 0)], [link(10, 100, "Léa", **changes)], TODAY) == {}


def test_no_digest_about_a_child_the_account_no_longer_sees():
    resumes = batches([claimed(1, 10, 100, 0), claimed(2, 10, 200, 0)], [link(10, 200, "Hugo")], TODAY)
    assert list(resumes[10].notifications) == [200]
    assert batches([claimed(1, 10, 100, 0)], [], TODAY) == {}


def test_a_pupil_leaving_tomorrow_is_still_there_today():
    assert batches([claimed(1, 10, 100, 0)], [link(10, 100, "Léa", date_sortie=TODAY + dt.timedelta(days=1))], TODAY)


def test_raw_timestamps_are_read_as_utc_moments():
    assert as_moment("2026-11-23 08:05:00+00:00") == dt.datetime(2026, 11, 23, 8, 5, tzinfo=UTC)
    assert as_moment("2026-11-23T08:05:00") == dt.datetime(2026, 11, 23, 8, 5, tzinfo=UTC)
    paris = dt.datetime(2026, 11, 23, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert as_moment(paris) == dt.datetime(2026, 11, 23, 8, 5, tzinfo=UTC)
