"""The outbox: mails are written in the transaction that causes them, then sent over SMTP.

``queue`` only inserts a row, so a change and its mail commit or roll back together. A sender
(the loop started with the server when SMTP is configured, or ``teleservices mail send``)
claims due mails, sends them with aiosmtplib and retries with growing delays: an SMTP outage
loses nothing, and a claimed mail is sent by one sender only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.policy
import io
import logging
import secrets
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment

from teleservices.core import clock
from teleservices.core.rendering import render_block
from teleservices.core.settings import Settings
from teleservices.core.tables import Courriel

log = logging.getLogger(__name__)

CLAIM_FOR = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=1)


async def queue(destinataire: str, sujet: str, corps: str) -> None:
    await Courriel.insert(Courriel(destinataire=destinataire, sujet=sujet, corps=corps, prochain_essai=clock.now()))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8... minutes after each failure, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def message(settings: Settings, destinataire: str, sujet: str, corps: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["Reply-To"] = settings.mail_from
    msg["To"] = destinataire
    msg["Subject"] = sujet
    msg["Message-ID"] = make_msgid(domain=parseaddr(settings.mail_from)[1].split("@")[-1] or "localhost")
    msg.set_content(corps)
    return msg


# Headers are not folded (RFC 5322 allows 998 characters a line): Python's folding of a non-ASCII
# subject drops the space between two encoded words, and clients show « lycéeconfirmée ».
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)


def flatten(msg: EmailMessage) -> bytes:
    """The message as it goes over SMTP."""
    with io.BytesIO() as out:
        BytesGenerator(out, policy=SMTP_POLICY).flatten(msg)
        return out.getvalue()


def smtp_options(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ValueError(f"TELESERVICES_SMTP_URL invalide : {parts.scheme!r} (smtp:// ou smtps://)")
    options: dict = {"hostname": parts.hostname or "localhost", "port": parts.port, "timeout": 30}
    if parts.scheme == "smtps":
        options["use_tls"] = True
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return options


async def _claim(limit: int) -> tuple[str, list[dict]]:
    """Lock up to ``limit`` due mails for this sender for a while; returns them."""
    owner = secrets.token_hex(8)
    now = clock.now()
    due = await Courriel.select(Courriel.id).where(
        Courriel.envoye_le.is_null()
        & (Courriel.prochain_essai <= now)
        & (Courriel.verrou_jusqua.is_null() | (Courriel.verrou_jusqua < now))
    ).order_by(Courriel.id).limit(limit)
    claimed = []
    for row in due:
        won = await Courriel.update({Courriel.verrou: owner, Courriel.verrou_jusqua: now + CLAIM_FOR}).where(
            (Courriel.id == row["id"])
            & Courriel.envoye_le.is_null()
            & (Courriel.verrou_jusqua.is_null() | (Courriel.verrou_jusqua < now))
        ).returning(Courriel.id, Courriel.destinataire, Courriel.sujet, Courriel.corps, Courriel.tentatives)
        claimed.extend(won)
    return owner, claimed


async def send_due(settings: Settings, limit: int = 50) -> int:
    """Send the mails that are due; returns how many left. Failures are rescheduled."""
    if not settings.smtp_url:
        return 0
    options = smtp_options(settings.smtp_url)
    _, mails = await _claim(limit)
    sent = 0
    for mail in mails:
        try:
            await aiosmtplib.send(flatten(message(settings, mail["destinataire"], mail["sujet"], mail["corps"])),
                                  sender=parseaddr(settings.mail_from)[1], recipients=[mail["destinataire"]], **options)
        except (aiosmtplib.SMTPException, OSError) as exc:
            attempts = mail["tentatives"] + 1
            log.warning("Envoi du courriel %s différé (tentative %d) : %s", mail["id"], attempts, type(exc).__name__)
            await Courriel.update({
                Courriel.tentatives: attempts, Courriel.erreur: str(exc)[:500],
                Courriel.prochain_essai: clock.now() + backoff(attempts), Courriel.verrou_jusqua: None,
            }).where(Courriel.id == mail["id"])
            continue
        await Courriel.update({Courriel.envoye_le: clock.now(), Courriel.verrou_jusqua: None}).where(
            Courriel.id == mail["id"]
        )
        sent += 1
    return sent


async def sender_loop(settings: Settings, interval: float = 5.0) -> None:
    """Runs with the server: sends due mails every few seconds until cancelled."""
    while True:
        try:
            await send_due(settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Échec de l'envoi des courriels ; nouvel essai dans %s s", interval)
        await asyncio.sleep(interval)


def compose(env: Environment, template: str, **context: object) -> tuple[str, str]:
    """Subject and body of a mail template (blocks ``sujet`` and ``corps``, plain text)."""
    sujet = render_block(env, template, "sujet", context).strip()
    corps = render_block(env, template, "corps", context).strip() + "\n"
    return sujet, corps
