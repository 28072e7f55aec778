"""A development mailbox: the outbox as a page, so that `make demo` users can follow the links
of the mails the portal writes without an SMTP server. Only mounted with
TELESERVICES_DEV_MAILBOX=1, never in production: it shows every account's links."""

from __future__ import annotations

from litestar import Request, Response, get

from teleservices.core.rendering import render
from teleservices.core.tables import Courriel


@get("/dev/courriels", name="dev-courriels")
async def mailbox(request: Request) -> Response:
    mails = await Courriel.select(
        Courriel.id, Courriel.destinataire, Courriel.sujet, Courriel.corps, Courriel.cree_le, Courriel.envoye_le
    ).order_by(Courriel.id, ascending=False).limit(50)
    return render(request, "dev_courriels.html", {"mails": mails})


ROUTES = [mailbox]
