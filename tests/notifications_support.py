"""Shared by the tests of the notifications: notifications emitted straight through the facade (as
a service does, with the test portal's app), who received what, the preferences set for a test
and the mails the test queued — all put back after each test (the notifications themselves are
deleted after every test by tests/conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from teleservices.core.api import Notice, notify
from teleservices.core.tables import Compte, Courriel, Notification, NotificationPreference
from teleservices.core.testing import last_id, run

PASTILLE = re.compile(r'<span id="pastille-notifications" class="pastille"( hidden)?[^>]*> (\d+)<')


@dataclass
class Notifications:
    """The running test's notifications, preferences and mails."""

    app: Any
    marks: dict[str, int]

    def emit(self, eleve_id: Any, type: str, titre: str = "Un titre", lien: str = "", app: Any = None,
             **options: Any) -> list[Notice]:
        """``notify`` as a service calls it (here outside of any transaction of a change)."""
        return run(notify(SimpleNamespace(app=app or self.app), eleve_id, type, titre, lien, **options))

    def rows(self) -> list[dict[str, Any]]:
        """The notifications of the test, with their account's identifiant, oldest first."""
        return run(Notification.select(
            Notification.id, Notification.compte.identifiant.as_alias("identifiant"), Notification.eleve,
            Notification.type, Notification.titre, Notification.lien, Notification.canal, Notification.lue_le,
            Notification.envoyee_le, Notification.cree_le,
        ).where(Notification.id > self.marks["notification"]).order_by(Notification.id))

    def recipients(self, type: str | None = None, eleve: int | None = None) -> set[str]:
        """The identifiants of the accounts notified during the test (of this type, about this pupil)."""
        return {row["identifiant"] for row in self.rows()
                if (type is None or row["type"] == type) and (eleve is None or row["eleve"] == eleve)}

    def of(self, identifiant: str) -> list[dict[str, Any]]:
        return [row for row in self.rows() if row["identifiant"] == identifiant]

    def prefer(self, identifiant: str, type: str, canal: str) -> None:
        """An account's preference for a type, written straight to the table."""
        compte = account_id(identifiant)
        run(NotificationPreference.delete().where(
            (NotificationPreference.compte == compte) & (NotificationPreference.type == type)))
        run(NotificationPreference.insert(NotificationPreference(compte=compte, type=type, canal=canal)))

    def preferences(self, identifiant: str) -> dict[str, str]:
        rows = run(NotificationPreference.select(NotificationPreference.type, NotificationPreference.canal).where(
            NotificationPreference.compte == account_id(identifiant)))
        return {row["type"]: row["canal"] for row in rows}

    def mails(self, to: str) -> list[dict[str, Any]]:
        """The mails queued for this address during the test."""
        return run(Courriel.select(Courriel.id, Courriel.destinataire, Courriel.sujet, Courriel.corps).where(
            (Courriel.id > self.marks["courriel"]) & (Courriel.destinataire == to)).order_by(Courriel.id))


def account_id(identifiant: str) -> int:
    return run(Compte.select(Compte.id).where(Compte.identifiant == identifiant).first())["id"]


def badge(html: str) -> int:
    """The header's unread count (0 when the badge is hidden); the badge must be there."""
    match = PASTILLE.search(html)
    assert match, "no notifications badge in the header"
    assert bool(match.group(1)) == (match.group(2) == "0"), "the badge is hidden at 0, and only then"
    return int(match.group(2))


@pytest.fixture
def notifications(portal_app: Any) -> Iterator[Notifications]:
    """``notifications.emit(lea, "notes.publiees")``, ``.recipients()``, ``.prefer(…)``, ``.mails(…)``;
    the preferences are put back and the test's mails deleted after it."""
    before = run(NotificationPreference.select(
        NotificationPreference.compte, NotificationPreference.type, NotificationPreference.canal))
    made = Notifications(portal_app, {"notification": last_id(Notification), "courriel": last_id(Courriel)})
    yield made
    run(NotificationPreference.delete(force=True))
    if before:
        run(NotificationPreference.insert(*(NotificationPreference(**row) for row in before)))
    run(Courriel.delete().where(Courriel.id > made.marks["courriel"]))
