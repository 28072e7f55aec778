"""The ``teleservices`` command: serve, migrate, demo."""

from __future__ import annotations

import asyncio
import logging
import sys

import click

from teleservices.core.settings import Settings


def _portal(settings: Settings):
    """Load and check the plugins and bind the tables, exactly as the web app does."""
    from teleservices.core.db import bind, engine_from_url
    from teleservices.core.plugins import PluginError, all_tables, load_plugins

    try:
        plugins = load_plugins(settings)
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    bind(engine_from_url(settings.database_url), all_tables(plugins))
    return plugins


@click.group()
def main() -> None:
    """Téléservices : les services en ligne des collèges et lycées."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@main.command()
def migrate() -> None:
    """Apply the migrations of the core and of every enabled plugin."""
    from teleservices.core.db import migrate as run_migrations

    settings = Settings.from_env()
    _portal(settings)
    asyncio.run(run_migrations())
    click.echo("Base de données à jour.")


@main.command()
def demo() -> None:
    """Create the demo data (idempotent: a second run changes nothing)."""
    from teleservices.core.demo import load_demo

    settings = Settings.from_env()
    plugins = _portal(settings)
    created = asyncio.run(load_demo(plugins))
    click.echo("Données de démonstration créées." if created else "Données de démonstration déjà présentes.")


@main.group()
def accounts() -> None:
    """Internet accounts: creation by the school, letters, purge of unactivated accounts."""


@main.group()
def mail() -> None:
    """The outbox of mails."""


@mail.command("send")
def mail_send() -> None:
    """Send the mails that are due (for a timer, when the server does not run the sender)."""
    from teleservices.core.identity.mail import send_due

    settings = Settings.from_env()
    _portal(settings)
    if not settings.smtp_url:
        raise click.ClickException("TELESERVICES_SMTP_URL n'est pas défini : aucun courriel ne peut partir.")
    sent = asyncio.run(send_due(settings, limit=10_000))
    click.echo(f"{sent} courriel(s) envoyé(s).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the portal with uvicorn."""
    import uvicorn

    _portal(Settings.from_env())  # fail here, with a clear message, rather than in each worker
    click.echo(f"Téléservices sur http://{host}:{port}/")
    uvicorn.run(
        "teleservices.core.app:app_from_env", factory=True, host=host, port=port, workers=workers,
        proxy_headers=False, log_level="info", access_log=False,
    )


if __name__ == "__main__":
    sys.exit(main())
