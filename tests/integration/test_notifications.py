"""Notifications (issue 11): who gets one (the home screen's rule, never another family), the
« Notifications » page and its header badge, marking read (with and without htmx), the
preferences of « gérer son compte », the immediate mail in the outbox, and the daily digest
through the SMTP server, once."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from types import SimpleNamespace

import pytest

from notifications_support import Notifications, account_id, badge, notifications  # noqa: F401 (fixture)
from teleservices.core import clock
from teleservices.core.api import ServiceSpec, UserType, hookimpl
from teleservices.core.notifications import digest
from teleservices.core.tables import Compte, Eleve, Notification
from teleservices.core.testing import csrf_from, invoke_cli, run

SOPHIE, MARC = "sophie.dupont@example.org", "marc.dupont@example.org"
LEA_ACCOUNTS = {"demo.parent", "demo.parent2", "demo.eleve"}


# --- who gets a notification --------------------------------------------------------------------------------


def test_a_grades_notification_goes_to_the_pupils_parents_and_to_the_pupil(notifications, demo):
    stored = notifications.emit(demo.lea, "notes.publiees", "Mathématiques : « Contrôle 3 »")
    assert notifications.recipients() == LEA_ACCOUNTS
    assert {n.compte_id for n in stored} == {account_id(i) for i in LEA_ACCOUNTS}
    row = notifications.of("demo.parent")[0]
    assert (row["eleve"], row["type"], row["titre"]) == (demo.lea, "notes.publiees", "Mathématiques : « Contrôle 3 »")
    assert row["lien"] == f"/eleves/{demo.lea}/notes/"  # the service's page of the pupil, by default
    assert row["lue_le"] is None and row["envoyee_le"] is None
    assert row["canal"] == "resume_quotidien"  # the default: a daily digest
    assert notifications.of("demo.eleve")[0]["canal"] == "aucun"  # no confirmed address: never mailed


def test_hugos_news_reach_his_mother_only_and_no_other_family(notifications, demo, demo_context):
    notifications.emit(demo.hugo, "notes.publiees")
    assert notifications.recipients() == {"demo.parent"}  # Marc has no account for Hugo; Hugo none
    notifications.emit(demo_context.eleves["troisieme"], "absences.comptees")
    assert notifications.recipients(type="absences.comptees") == {"demo.parent3e"}


def test_a_parents_only_service_is_not_told_to_the_pupil(notifications, demo):
    notifications.emit(demo.lea, "fiche.decision")
    assert notifications.recipients() == {"demo.parent", "demo.parent2"}


def test_several_pupils_in_one_call_each_link_naming_its_pupil(notifications, demo):
    notifications.emit([demo.lea, demo.hugo], "notes.publiees", lien="/eleves/{eleve}/notes/?periode=T1")
    links = {(row["identifiant"], row["eleve"]): row["lien"] for row in notifications.rows()}
    assert links[("demo.parent", demo.hugo)] == f"/eleves/{demo.hugo}/notes/?periode=T1"
    assert links[("demo.parent", demo.lea)] == f"/eleves/{demo.lea}/notes/?periode=T1"
    assert len(links) == 4


def test_a_service_the_establishment_did_not_open_tells_nobody(notifications, demo, service_opened):
    service_opened(demo.college, "notes", False)
    assert notifications.emit(demo.lea, "notes.publiees") == []
    assert notifications.rows() == []


def test_a_pupil_whose_access_was_removed_is_not_told_of_a_national_service(
        notifications, demo, pupil_access_removed, portal_with, open_service):
    pupil_access_removed(demo.lea)
    notifications.emit(demo.lea, "notes.publiees")
    assert notifications.recipients() == {"demo.parent", "demo.parent2"}  # the parents still are
    # An academic service (not national) is kept, as on the home screen.
    app = portal_with(SimpleNamespace(services=hookimpl(lambda: [ACADEMIC])), name="essai_notif").app
    open_service("essai_notif")
    notifications.emit(demo.lea, "essai_notif.nouveau", app=app)
    assert notifications.recipients(type="essai_notif.nouveau") == LEA_ACCOUNTS


ACADEMIC = ServiceSpec(key="essai_notif", label="Service académique", national=False,
                       audiences=frozenset({UserType.PARENT, UserType.ELEVE}),
                       notifications=(("essai_notif.nouveau", "Du nouveau"),))


def test_a_pupil_who_left_and_a_disabled_account_are_not_told(notifications, demo, account_state):
    account_state("demo.parent2", "desactive")
    notifications.emit(demo.lea, "notes.publiees")
    assert notifications.recipients() == {"demo.parent", "demo.eleve"}
    run(Eleve.update({Eleve.date_sortie: clock.now().date()}).where(Eleve.id == demo.lea))
    try:
        assert notifications.emit(demo.lea, "notes.publiees") == []
    finally:
        run(Eleve.update({Eleve.date_sortie: None}).where(Eleve.id == demo.lea))


def test_a_service_offered_by_another_establishment_names_it(notifications, demo, demo_context):
    melanie = demo_context.eleves["troisieme"]
    with pytest.raises(ValueError, match="offered_by"):
        notifications.emit(melanie, "inscription.campagne")
    assert notifications.emit(melanie, "inscription.campagne", offered_by=demo.college) == []  # not opened there
    notifications.emit(melanie, "inscription.campagne", offered_by=demo.lycee)
    assert notifications.recipients() == {"demo.parent3e"}
    assert notifications.rows()[0]["lien"] == f"/eleves/{melanie}/inscription/"


def test_accounts_narrow_it_and_mailed_accounts_are_never_mailed_again(notifications, demo):
    parent = account_id("demo.parent")
    notifications.emit(demo.lea, "fiche.decision", accounts=[parent, account_id("demo.parent3e")], mailed=[parent])
    [row] = notifications.rows()
    assert row["identifiant"] == "demo.parent"  # demo.parent3e may not see Léa: still nobody else
    assert row["envoyee_le"] is not None  # told by the service's own mail
    assert notifications.emit(demo.lea, "fiche.decision", accounts=[]) == []


@pytest.mark.parametrize(("type", "lien", "message"), [
    ("notes.inconnu", "", "non déclaré"),
    ("notes.publiees", "https://ailleurs.example.org/", "page du portail"),
    ("notes.publiees", "//ailleurs.example.org/", "page du portail"),
])
def test_an_undeclared_type_or_a_link_elsewhere_is_a_programming_error(notifications, demo, type, lien, message):
    with pytest.raises(ValueError, match=message):
        notifications.emit(demo.lea, type, lien=lien)


def test_without_a_request_it_emits_in_the_portal_loaded_last(notifications, demo):
    run(notify_without_request(demo.lea))
    assert notifications.recipients() == LEA_ACCOUNTS


async def notify_without_request(eleve_id: int) -> None:
    from teleservices.core.api import notify

    await notify(None, eleve_id, "notes.publiees", "Sans requête")


def test_the_fan_out_costs_two_queries_whatever_the_pupils_and_accounts(notifications, demo, queries):
    queries.clear()
    notifications.emit(demo.hugo, "notes.publiees")
    assert len(queries) == 2, queries
    notifications.prefer("demo.parent2", "notes.publiees", "immediat")
    queries.clear()
    notifications.emit([demo.lea, demo.hugo], "notes.publiees")
    assert len(queries) == 2, queries  # the immediate mails: one INSERT into the outbox (not counted here)
    assert len(notifications.mails(MARC)) == 1


def test_a_type_declared_wrong_stops_the_start_up(portal_settings):
    from teleservices.core.plugins import PluginError, load_plugins

    for declared, message in [
        (("autre.nouveau", "Du nouveau"), "« essai_notif.<événement> »"),
        (("essai_notif.nouveau", " "), "n'a pas de libellé"),
    ]:
        spec = ServiceSpec(key="essai_notif", label="Essai", notifications=(declared,))
        with pytest.raises(PluginError, match=message):
            load_plugins(portal_settings, extra={"essai_notif": SimpleNamespace(services=hookimpl(lambda s=spec: [s]))})
    twice = ServiceSpec(key="essai_notif", label="Essai", notifications=(("essai_notif.a", "A"), ("essai_notif.a", "B")))
    with pytest.raises(PluginError, match="déclaré deux fois"):
        load_plugins(portal_settings, extra={"essai_notif": SimpleNamespace(services=hookimpl(lambda: [twice]))})


def test_the_notified_hook_gets_what_was_stored_and_a_failing_one_is_left_out(notifications, demo, portal_with):
    received = []
    client = portal_with(SimpleNamespace(notified=hookimpl(lambda notices: received.extend(notices))), name="canal")
    notifications.emit(demo.lea, "notes.publiees", "Par un autre canal", app=client.app)
    assert {(n.compte_id, n.eleve_id, n.titre) for n in received} == {
        (account_id(i), demo.lea, "Par un autre canal") for i in LEA_ACCOUNTS}

    def broken(notices):
        raise RuntimeError("passerelle SMS en panne")

    client = portal_with(SimpleNamespace(notified=hookimpl(broken)), name="sms")
    # (The portal made in this test configured logging anew: caplog's handler is gone.)
    logged: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = logged.append
    logger = logging.getLogger("teleservices.core.notifications")
    logger.addHandler(handler)
    try:
        stored = notifications.emit(demo.lea, "notes.publiees", "Malgré la panne", app=client.app)
    finally:
        logger.removeHandler(handler)
    assert len(stored) == 3
    assert [r.getMessage() for r in logged] == ["Le plugin « sms » a échoué dans notified ; sa distribution est omise"]


# --- the page and the badge ----------------------------------------------------------------------------------


def test_the_page_lists_the_accounts_own_notifications_newest_first_per_child(
        notifications, demo, client_as, text):
    notifications.emit(demo.lea, "notes.publiees", "Première note de Léa")
    notifications.emit(demo.hugo, "absences.comptees", "Absence de Hugo")
    notifications.emit(demo.lea, "fiche.decision", "Décision sur la fiche de Léa")
    page = text(client_as("demo.parent").get("/notifications"))
    assert "<h1>Notifications</h1>" in page
    lea, hugo = page.index("<h2 id=\"notifications-%d\">Léa DUPONT</h2>" % demo.lea), page.index(
        "<h2 id=\"notifications-%d\">Hugo DUPONT</h2>" % demo.hugo)
    assert lea < page.index("Décision sur la fiche de Léa") < page.index("Première note de Léa") < hugo  # newest first
    assert page.index("Absence de Hugo") > hugo
    assert "Réponse de l'établissement à une demande de modification" in page and "non lue" in page
    assert badge(page) == 3
    # Léa's father sees Léa's, never Hugo's (he has no account for him); another family sees none.
    father = text(client_as("demo.parent2").get("/notifications"))
    assert "Première note de Léa" in father and "Absence de Hugo" not in father and badge(father) == 2
    other = text(client_as("demo.parent3e").get("/notifications"))
    assert "Léa" not in other and "Aucune notification pour le moment." in other and badge(other) == 0
    pupil = text(client_as("demo.eleve").get("/notifications"))
    assert "Première note de Léa" in pupil and "Décision sur la fiche" not in pupil  # the fiche is the parents'


def test_the_badge_is_on_every_page_of_a_family_and_never_for_staff(notifications, demo, client_as, text):
    notifications.emit(demo.lea, "notes.publiees")
    parent = client_as("demo.parent")
    for path in (f"/eleves/{demo.lea}/", f"/eleves/{demo.lea}/notes/", "/compte", "/aide"):
        assert badge(text(parent.get(path))) == 1, path
    assert '<a href="/notifications">notifications' in text(parent.get("/aide"))
    chef = client_as("demo.chef")
    assert "pastille-notifications" not in text(chef.get("/"))
    assert chef.get("/notifications").status_code == 403


def test_the_badge_costs_no_query_of_its_own(notifications, demo, client_as, queries_of):
    parent = client_as("demo.parent2")
    [without] = queries_of(parent, f"/eleves/{demo.lea}/")
    notifications.emit(demo.lea, "notes.publiees")
    [with_one] = queries_of(parent, f"/eleves/{demo.lea}/")
    assert with_one == without


def test_the_page_costs_the_same_queries_for_one_notification_or_many(notifications, demo, client_as, queries_of):
    parent = client_as("demo.parent")
    notifications.emit(demo.lea, "notes.publiees")
    [one] = queries_of(parent, "/notifications")
    for n in range(12):
        notifications.emit([demo.lea, demo.hugo], "absences.comptees", f"Absence {n}")
    assert queries_of(parent, "/notifications") == [one]
    assert one <= 3  # the session (with the badge), the children, the notifications


def test_a_notifications_link_marks_it_read_and_opens_its_page(notifications, demo, client_as, text):
    [mine, *_] = [n for n in notifications.emit(demo.lea, "notes.publiees") if n.compte_id == account_id("demo.parent")]
    parent = client_as("demo.parent")
    response = parent.get(f"/notifications/{mine.id}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/eleves/{demo.lea}/notes/"
    assert notifications.of("demo.parent")[0]["lue_le"] is not None
    assert notifications.of("demo.parent2")[0]["lue_le"] is None  # each account reads its own
    assert badge(text(parent.get("/aide"))) == 0
    # Another account's notification does not exist for this one.
    other = next(n for n in notifications.rows() if n["identifiant"] == "demo.parent2")
    assert parent.get(f"/notifications/{other['id']}", follow_redirects=False).status_code == 404


def test_marking_read_without_javascript_then_all_at_once(notifications, demo, client_as, text):
    notifications.emit([demo.lea, demo.hugo], "notes.publiees")
    parent = client_as("demo.parent")
    page = text(parent.get("/notifications"))
    first = notifications.of("demo.parent")[0]
    response = parent.post(f"/notifications/{first['id']}/lue", data={"_csrf": csrf_from(page)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/notifications?ok=lue"
    page = text(parent.get("/notifications?ok=lue"))
    assert '<p class="confirmation" role="status">La notification est marquée comme lue.</p>' in page
    assert badge(page) == 1 and "tout marquer comme lu" in page
    response = parent.post("/notifications/lues", data={"_csrf": csrf_from(page)}, follow_redirects=False)
    assert response.headers["location"] == "/notifications?ok=toutes"
    page = text(parent.get("/notifications?ok=toutes"))
    assert badge(page) == 0 and "tout marquer comme lu" not in page and "non-lue-etiquette" not in page
    assert all(row["lue_le"] is not None for row in notifications.of("demo.parent"))
    assert all(row["lue_le"] is None for row in notifications.of("demo.parent2"))  # not another account's
    # Without its CSRF token, nothing is marked.
    notifications.emit(demo.lea, "notes.publiees")
    latest = notifications.of("demo.parent")[-1]
    assert parent.post(f"/notifications/{latest['id']}/lue", follow_redirects=False).status_code == 403
    assert notifications.of("demo.parent")[-1]["lue_le"] is None


def test_htmx_marks_one_read_and_updates_the_badge_out_of_band(notifications, demo, client_as, text):
    notifications.emit([demo.lea, demo.hugo], "notes.publiees", "Nouvelle note")
    parent = client_as("demo.parent")
    page = text(parent.get("/notifications"))
    assert badge(page) == 2
    first = notifications.of("demo.parent")[0]
    response = parent.post(f"/notifications/{first['id']}/lue", data={"_csrf": csrf_from(page)},
                           headers={"HX-Request": "true", "HX-Target": f"notification-{first['id']}"})
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith(f'<li class="notification" id="notification-{first["id"]}">')
    assert "autofocus" in fragment and "marquer comme lue" not in fragment.split("</li>")[0]
    assert re.search(r'<span id="pastille-notifications" class="pastille" hx-swap-oob="true"> 1<', fragment)
    assert '<div id="notifications-tout-lu" hx-swap-oob="true">' in fragment and "tout marquer comme lu" in fragment
    assert 'id="notifications-statut"' in fragment and "La notification est marquée comme lue." in fragment
    second = notifications.of("demo.parent")[1]
    fragment = text(parent.post(f"/notifications/{second['id']}/lue", data={"_csrf": csrf_from(page)},
                                headers={"HX-Request": "true"}))
    assert re.search(r'<span id="pastille-notifications" class="pastille" hidden hx-swap-oob="true"> 0<', fragment)
    assert "tout marquer comme lu" not in fragment


# --- the preferences -----------------------------------------------------------------------------------------


def radios(html: str) -> dict[str, str]:
    """The checked channel of each type on « gérer son compte »."""
    return dict(re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)" checked>', html))


def test_the_account_page_offers_each_type_with_the_daily_digest_by_default(notifications, client_as, text):
    page = text(client_as("demo.parent").get("/compte"))
    assert '<h2 id="titre-preferences-notifications">Notifications</h2>' in page
    assert radios(page).items() >= {"notes.publiees": "resume_quotidien", "absences.comptees": "resume_quotidien",
                                    "fiche.decision": "resume_quotidien", "inscription.campagne": "resume_quotidien"}.items()
    assert set(radios(page).values()) == {"resume_quotidien"}  # an installed plugin's types too
    for label in ("Pas de courriel", "Un courriel à chaque notification", "Un courriel par jour qui les résume",
                  "<legend>Nouvelles notes publiées <span class=\"mention\">(Les notes)</span></legend>"):
        assert label in page
    pupil = text(client_as("demo.eleve").get("/compte"))
    assert {"notes.publiees", "absences.comptees"} <= set(radios(pupil))
    assert not {"fiche.decision", "inscription.campagne"} & set(radios(pupil))  # the parents' services only
    assert "aucun courriel ne vous est envoyé" in pupil  # no confirmed address
    assert "titre-preferences-notifications" not in text(client_as("demo.chef").get("/compte"))


def test_the_preferences_are_saved_in_one_form(notifications, client_as, text):
    parent = client_as("demo.parent")
    page = text(parent.get("/compte"))
    response = parent.post("/compte/notifications", follow_redirects=False, data={
        "_csrf": csrf_from(page), "notes.publiees": "immediat", "absences.comptees": "aucun",
        "fiche.decision": "resume_quotidien", "inscription.campagne": "resume_quotidien",
    })
    assert response.status_code == 303
    assert response.headers["location"] == "/compte?modification=notifications#notifications"
    assert notifications.preferences("demo.parent") == {"notes.publiees": "immediat", "absences.comptees": "aucun"}
    page = text(parent.get("/compte?modification=notifications"))
    assert "Vos choix de notifications sont enregistrés." in page
    assert radios(page)["notes.publiees"] == "immediat" and radios(page)["absences.comptees"] == "aucun"
    # Back to the default: nothing stored for it.
    parent.post("/compte/notifications", data={"_csrf": csrf_from(page), "notes.publiees": "resume_quotidien"})
    assert notifications.preferences("demo.parent") == {"absences.comptees": "aucun"}


def test_a_forged_choice_is_refused_next_to_its_type_and_the_rest_kept(notifications, client_as, text):
    parent = client_as("demo.parent")
    page = text(parent.get("/compte"))
    response = parent.post("/compte/notifications", data={
        "_csrf": csrf_from(page), "notes.publiees": "pigeon-voyageur", "absences.comptees": "immediat"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="erreur-notes-publiees">Choisissez l\'une des possibilités proposées.' in page
    assert radios(page)["absences.comptees"] == "immediat"  # as chosen, not saved
    assert notifications.preferences("demo.parent") == {}
    assert client_as("demo.chef").post("/compte/notifications", data={
        "_csrf": csrf_from(text(client_as("demo.chef").get("/compte")))}).status_code == 403


def test_an_immediate_choice_puts_a_mail_in_the_outbox_with_the_notification(notifications, demo):
    notifications.prefer("demo.parent2", "notes.publiees", "immediat")
    stored = notifications.emit(demo.lea, "notes.publiees", "Mathématiques : « Contrôle 3 » du 12/10/2026")
    [mail] = notifications.mails(MARC)
    marc = next(n for n in stored if n.compte_id == account_id("demo.parent2"))
    assert mail["sujet"] == "Message des services en ligne - Léa : Nouvelles notes publiées"
    assert "Mathématiques : « Contrôle 3 » du 12/10/2026" in mail["corps"]
    assert f"/notifications/{marc.id}\n" in mail["corps"] and "Léa DUPONT (Les notes)" in mail["corps"]
    assert notifications.of("demo.parent2")[0]["envoyee_le"] is not None
    assert notifications.mails(SOPHIE) == []  # her digest will tell her


def test_choosing_no_mail_takes_the_waiting_ones_out_of_the_next_digest(notifications, demo, client_as, text):
    notifications.emit(demo.lea, "absences.comptees")
    parent = client_as("demo.parent")
    parent.post("/compte/notifications", data={"_csrf": csrf_from(text(parent.get("/compte"))),
                                               "absences.comptees": "aucun"})
    assert notifications.of("demo.parent")[0]["canal"] == "aucun"
    assert notifications.of("demo.parent2")[0]["canal"] == "resume_quotidien"


# --- the daily digest -----------------------------------------------------------------------------------------


def test_the_digest_mails_each_account_once_through_smtp_and_never_twice(
        notifications, demo, mail_sink, live_portal, client_as, monkeypatch):
    monkeypatch.setenv("TELESERVICES_BASE_URL", live_portal)  # the command reads its settings there
    mark = mail_sink.mark()
    notifications.emit(demo.lea, "notes.publiees", "Mathématiques : « Contrôle 3 »")
    notifications.emit(demo.hugo, "absences.comptees", "Absence comptée le lundi 23/11/2026 (matin)")
    notifications.prefer("demo.parent2", "notes.publiees", "aucun")
    notifications.emit(demo.lea, "notes.publiees", "Français : « Dictée »")  # Marc: no mail for this one
    result = invoke_cli(["notifications", "digest"])
    assert result.exit_code == 0, result.output
    assert "courriel(s) de résumé mis en file d'envoi" in result.output
    message = mail_sink.wait_for(SOPHIE, "Vos notifications du", since=mark)
    body = mail_sink.body(message)
    assert "voici les 3 nouveautés" in body
    assert body.index("Léa DUPONT") < body.index("Mathématiques : « Contrôle 3 »") < body.index("Français")
    assert body.index("Hugo DUPONT") < body.index("Absence comptée le lundi 23/11/2026 (matin)")
    links = mail_sink.links(message)
    assert any(link.endswith("/notifications") for link in links)
    assert all(link.startswith(live_portal) for link in links)
    marc = mail_sink.wait_for(MARC, "Vos notifications du", since=mark)
    assert "Contrôle 3" in mail_sink.body(marc) and "Dictée" not in mail_sink.body(marc)
    assert all(row["envoyee_le"] is not None for row in notifications.rows() if row["canal"] == "resume_quotidien")
    # Run again: nothing left to mail, and no second mail arrives.
    again = invoke_cli(["notifications", "digest"])
    assert "0 courriel(s) de résumé" in again.output
    assert len(notifications.mails(SOPHIE)) == 1
    notifications.emit(demo.hugo, "notes.publiees", "Témoin")  # the next digest's, after the first one
    invoke_cli(["notifications", "digest"])
    deadline = time.monotonic() + 15
    while len(sophie := mail_sink.received(SOPHIE, "Vos notifications du", since=mark)) < 2:
        assert time.monotonic() < deadline, "the second digest did not arrive"
        time.sleep(0.05)
    assert len(sophie) == 2 and "Témoin" in mail_sink.body(sophie[-1]) and "Contrôle 3" not in mail_sink.body(sophie[-1])
    # Its reader follows a link: the notification is marked read, and its page opens.
    lea_note = next(row for row in notifications.of("demo.parent") if row["titre"] == "Mathématiques : « Contrôle 3 »")
    response = mail_sink.follow(client_as("demo.parent"), message, f"/notifications/{lea_note['id']}")
    assert response.status_code == 200 and str(response.url).endswith(f"/eleves/{demo.lea}/notes/")
    assert next(row for row in notifications.of("demo.parent") if row["id"] == lea_note["id"])["lue_le"] is not None


def test_the_digest_takes_what_was_emitted_up_to_its_clock(notifications, demo, portal_app, monkeypatch):
    noon = dt.datetime(2026, 11, 23, 12, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: noon)
    notifications.emit(demo.hugo, "notes.publiees", "À midi")
    monkeypatch.setattr(clock, "now", lambda: noon - dt.timedelta(hours=1))
    assert run(digest(portal_app.state.settings, portal_app.state.plugins)) == (0, 0)  # not yet emitted then
    monkeypatch.setattr(clock, "now", lambda: noon + dt.timedelta(hours=8))
    assert run(digest(portal_app.state.settings, portal_app.state.plugins)) == (1, 1)
    [mail] = notifications.mails(SOPHIE)
    assert mail["sujet"] == "Message des services en ligne - Vos notifications du 23/11/2026"
    assert "- 23/11 à 13:00 — Nouvelles notes publiées : À midi" in mail["corps"]  # Paris time
    monkeypatch.setattr(clock, "now", lambda: noon + dt.timedelta(days=1))
    assert run(digest(portal_app.state.settings, portal_app.state.plugins)) == (0, 0)


def test_a_child_the_account_no_longer_sees_leaves_its_page_its_badge_and_its_digest(
        notifications, demo, portal_app, client_as, text):
    from teleservices.core.tables import CompteEleve

    notifications.emit(demo.lea, "notes.publiees", "Pour Marc")
    marc = account_id("demo.parent2")
    father = client_as("demo.parent2")
    assert badge(text(father.get("/aide"))) == 1
    link = run(CompteEleve.select().where((CompteEleve.compte == marc) & (CompteEleve.eleve == demo.lea)).first())
    run(CompteEleve.delete().where(CompteEleve.id == link["id"]))  # a guardian who lost the custody
    try:
        page = text(father.get("/notifications"))
        assert "Pour Marc" not in page and badge(page) == 0
        run(digest(portal_app.state.settings, portal_app.state.plugins))
        assert notifications.mails(MARC) == [] and notifications.mails(SOPHIE) != []
    finally:
        run(CompteEleve.insert(CompteEleve(**{k: v for k, v in link.items() if k != "id"})))


def test_merged_accounts_keep_their_notifications_once(notifications, demo, portal_app):
    from teleservices.core.identity.merge import merge_accounts
    from teleservices.core.tables import CompteEleve

    comptes = []
    try:
        for identifiant, pupils in (("notif.garde", [demo.lea]), ("notif.absorbe", [demo.lea, demo.hugo])):
            compte = Compte(identifiant=identifiant, mot_de_passe="x", type="parent", etat="actif")
            run(compte.save())
            run(CompteEleve.insert(*[CompteEleve(compte=compte.id, eleve=e) for e in pupils]))
            comptes.append(compte.id)
        kept, merged = comptes
        run(Notification.insert(
            Notification(compte=kept, eleve=demo.lea, type="notes.publiees", titre="Léa, déjà là"),
            Notification(compte=merged, eleve=demo.lea, type="notes.publiees", titre="Léa, en double"),
            Notification(compte=merged, eleve=demo.hugo, type="notes.publiees", titre="Hugo"),
        ))
        run(merge_accounts(portal_app.state.plugins, kept, merged))
        titles = {row["titre"] for row in run(Notification.select(Notification.titre).where(Notification.compte == kept))}
        assert titles == {"Léa, déjà là", "Hugo"}
    finally:
        run(Compte.delete().where(Compte.id.is_in(comptes or [0])))
