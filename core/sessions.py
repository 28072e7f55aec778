"""Server-side sessions: a random token in a cookie, its hash in the database.

A new token is made at every login (never one the client chose), so session fixation cannot
happen; logout deletes the row.
"""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response

from teleservices.core import clock
from teleservices.core.api import StaffRole, UserType, Viewer
from teleservices.core.security import new_token, token_hash
from teleservices.core.rendering import navigate
from teleservices.core.settings import Settings
from teleservices.core.tables import Session

SESSION_COOKIE = "ts_session"
ANON_COOKIE = "ts_anon"
# Refreshing "last seen" on every request would be one write per page; once a minute is enough.
TOUCH_EVERY = dt.timedelta(minutes=1)

async def open_session(compte_id: int, replacing: str | None = None) -> str:
    if replacing:
        await close_session(replacing)
    token = new_token()
    now = clock.now()
    await Session.insert(Session(token_hash=token_hash(token), compte=compte_id, cree_le=now, vu_le=now))
    return token


async def close_session(token: str) -> None:
    await Session.delete().where(Session.token_hash == token_hash(token))


async def sign_in(request: Request, compte_id: int, target: str) -> Response:
    """Open a new session for this account in this browser (never reusing the current token),
    end the browser's previous one, and go to ``target``. Used at login, after a merge, a
    password change and a first connection."""
    token = await open_session(compte_id, replacing=request.scope["state"].get("session_token"))
    response = navigate(request, target)
    response.set_cookie(
        key=SESSION_COOKIE, value=token, path="/", httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


def client_address(request: Request) -> str:
    return request.client.host if request.client else "inconnu"


async def close_all_sessions(compte_id: int) -> None:
    """End every session of an account (password changed, account merged away or disabled)."""
    await Session.delete().where(Session.compte == compte_id)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# Hand-written: this runs on every request, and Piccolo's query building costs more than the query.
# The establishment is the staff account's own, or the one an academy administrator chose for
# this session, and then only while it belongs to their academy. A family account's unread
# notifications ride along (the header's badge, on every page), about the children it may still
# see (linked, not left), as the « Notifications » page lists them.
VIEWER_SQL = """
SELECT s.id, s.cree_le, s.vu_le, c.id AS compte_id, c.identifiant, c.type, c.etat, c.role, c.academie, c.enseignant, c.langue,
       et.id AS etablissement, et.nom AS etablissement_nom, et.uai AS etablissement_uai,
       CASE WHEN c.type = 'personnel' THEN 0 ELSE (
         SELECT COUNT(*) FROM notification n JOIN eleve e ON e.id = n.eleve
         WHERE n.compte = c.id AND n.lue_le IS NULL AND (e.date_sortie IS NULL OR e.date_sortie > {})
           AND EXISTS (SELECT 1 FROM compte_eleve ce WHERE ce.compte = c.id AND ce.eleve = n.eleve)
       ) END AS notifications_non_lues
FROM session s JOIN compte c ON c.id = s.compte
LEFT JOIN etablissement et ON et.id = COALESCE(c.etablissement, s.etablissement)
  AND (c.etablissement IS NOT NULL OR (c.academie <> '' AND et.academie = c.academie))
WHERE s.token_hash = {}
"""


async def load_viewer(token: str, settings: Settings) -> Viewer | None:
    """The account behind a session cookie (with its unread notifications), or None if the
    session is unknown, expired or the account disabled. One query, plus one write at most once
    a minute."""
    rows = await Session.raw(VIEWER_SQL, clock.now().date(), token_hash(token))
    if not rows:
        return None
    row = rows[0]
    now = clock.now()
    created, seen = _aware(row["cree_le"]), _aware(row["vu_le"])
    expired = (
        now - seen > dt.timedelta(minutes=settings.session_idle_minutes)
        or now - created > dt.timedelta(hours=settings.session_max_hours)
        or row["etat"] == "desactive"
    )
    if expired:
        await Session.delete().where(Session.id == row["id"])
        return None
    if now - seen > TOUCH_EVERY:
        await Session.update({Session.vu_le: now}).where(Session.id == row["id"])
    return Viewer(
        compte_id=row["compte_id"],
        identifiant=row["identifiant"],
        type=UserType(row["type"]),
        etat=row["etat"],
        etablissement_id=row["etablissement"],
        role=StaffRole(row["role"]) if row["role"] else None,
        academie=row["academie"] or "",
        etablissement_nom=row["etablissement_nom"] or "",
        etablissement_uai=row["etablissement_uai"] or "",
        enseignant_id=row["enseignant"],
        notifications_non_lues=int(row["notifications_non_lues"] or 0),
        langue=row["langue"] or "",
    )
