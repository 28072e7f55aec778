"""The ``teleservices`` command: serve, migrate, demo."""

from __future__ import annotations

import asyncio
import logging
import re
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
    created, failed = asyncio.run(load_demo(plugins))
    click.echo("Données de démonstration créées." if created else "Données de démonstration déjà présentes.")
    for label in failed:
        click.echo(f"Attention : les données de démonstration du service « {label} » n'ont pas pu être créées "
                   "(voir le journal).", err=True)


@main.group()
def accounts() -> None:
    """Internet accounts: creation by the school, letters, purge of unactivated accounts."""


@accounts.command("purge-expired")
def accounts_purge_expired() -> None:
    """Delete the guardian accounts not activated within 3 months (for a daily timer)."""
    from teleservices.core import clock
    from teleservices.core.identity.purge import purge_expired

    _portal(Settings.from_env())
    count = asyncio.run(purge_expired(clock.now()))
    click.echo(f"{count} compte(s) non activé(s) dans les 3 mois supprimé(s).")


def _letters_scope(uai: str, division: str | None) -> tuple[int, int | None]:
    """The establishment (by UAI) and its class (by code, e.g. 4G) of the accounts commands."""
    from teleservices.core.identity.creation import NotFound, division_of, establishment

    async def find() -> tuple[int, int | None]:
        etab = await establishment(uai=uai)
        return etab["id"], (await division_of(etab["id"], code=division))["id"] if division else None

    try:
        return asyncio.run(find())
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _write_letters(batch, settings: Settings, plugins, out, csv_out) -> None:
    """Write the batch as a PDF and/or a CSV; the files hold passwords: readable by their owner only."""
    import os

    from teleservices.core import clock
    from teleservices.core.family import opened_services
    from teleservices.core.identity.letters import letters_csv, letters_pdf

    outputs = []
    if out:
        opened = asyncio.run(opened_services(batch.etablissement["id"]))
        labels = [s.label for s in sorted(plugins.services.values(), key=lambda s: s.order) if s.key in opened]
        outputs.append((out, letters_pdf(batch, settings.base_url, labels, today=clock.now().date())))
    if csv_out:
        outputs.append((csv_out, letters_csv(batch, settings.base_url)))
    for path, content in outputs:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        click.echo(f"Écrit : {path}")


@accounts.command("create")
@click.option("--uai", required=True, help="UAI (RNE) de l'établissement, ex. 0599901K")
@click.option("--division", default=None, help="Code de la classe (ex. 4G) ; toutes les classes sinon")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Écrire aussi les courriers des comptes créés dans ce PDF")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), default=None,
              help="Écrire aussi ces courriers dans ce CSV (publipostage)")
def accounts_create(uai: str, division: str | None, out: str | None, csv_out: str | None) -> None:
    """Create the accounts of every pupil and legal guardian who has none (guide 1.2)."""
    from teleservices.core.identity.creation import Batch, create_accounts

    settings = Settings.from_env()
    plugins = _portal(settings)
    etablissement_id, division_id = _letters_scope(uai, division)
    result = asyncio.run(create_accounts(etablissement_id, division_id))
    click.echo(
        f"{result.eleves_crees} compte(s) élève et {result.parents_crees} compte(s) de responsable créé(s) ; "
        f"{result.rattachements} responsable(s) ayant déjà un compte rattaché(s) à un nouvel élève."
    )
    if out or csv_out:
        _write_letters(Batch(result.etablissement, result.division, result.letters), settings, plugins, out, csv_out)
    elif not result.rien:
        click.echo("Imprimez les courriers avec : teleservices accounts letters --uai ... --out courriers.pdf")


@accounts.command("letters")
@click.option("--uai", required=True, help="UAI (RNE) de l'établissement, ex. 0599901K")
@click.option("--division", default=None, help="Code de la classe (ex. 4G) ; toutes les classes sinon")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Le PDF des courriers")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), default=None,
              help="Le CSV pour le publipostage, avec les mêmes mots de passe")
def accounts_letters(uai: str, division: str | None, out: str, csv_out: str | None) -> None:
    """The letters of every family account, one page each. Accounts still at their first
    connection get a NEW provisional password: earlier letters stop working."""
    from teleservices.core.identity.creation import prepare_letters

    settings = Settings.from_env()
    plugins = _portal(settings)
    etablissement_id, division_id = _letters_scope(uai, division)
    batch = asyncio.run(prepare_letters(etablissement_id, division_id))
    _write_letters(batch, settings, plugins, out, csv_out)
    fresh = sum(1 for letter in batch.letters if letter.mot_de_passe)
    click.echo(f"{len(batch.letters)} courrier(s), dont {fresh} avec un nouveau mot de passe provisoire.")


@main.group()
def personnel() -> None:
    """Staff accounts: the first head of an establishment, an academy administrator."""


CLI_ROLES = ("chef", "secretariat", "vie_scolaire", "admin_academique")
UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")


@personnel.command("create")
@click.option("--role", required=True, type=click.Choice(CLI_ROLES), help="Le rôle du compte")
@click.option("--nom", required=True, help="Prénom et nom, ex. \"Claire PETIT\"")
@click.option("--uai", default=None, help="UAI de l'établissement (créé s'il n'existe pas) ; sauf admin_academique")
@click.option("--academie", default="", help="Académie, ex. LILLE (obligatoire pour admin_academique)")
def personnel_create(role: str, nom: str, uai: str | None, academie: str) -> None:
    """Create a staff account with a provisional password, printed once. The establishment of
    an unknown UAI is created, named after its UAI until a SIECLE import fills it in. Teachers'
    accounts are made from the "Personnels" page, which links them to their STS-web record."""
    from teleservices.core.administration.personnels import NAME_MAX, create_staff_account
    from teleservices.core.api import StaffRole

    _portal(Settings.from_env())
    nom, academie = " ".join(nom.split()), academie.strip().upper()
    if not nom or len(nom) > NAME_MAX:
        raise click.ClickException(f"--nom : de 1 à {NAME_MAX} caractères.")
    if role == StaffRole.ADMIN_ACADEMIQUE:
        if uai or not academie:
            raise click.ClickException("Un administrateur académique a une --academie et pas d'--uai.")
        etablissement_id = None
    else:
        if not uai or not UAI_PATTERN.match(uai.strip().upper()):
            raise click.ClickException("--uai : un UAI de 7 chiffres et une lettre est obligatoire, ex. 0599901K.")
        etablissement_id = asyncio.run(_establishment_for(uai.strip().upper(), academie))
    account = asyncio.run(create_staff_account(
        nom, StaffRole(role), etablissement_id=etablissement_id, academie=academie if etablissement_id is None else "",
    ))
    click.echo(f"Compte créé : {account.role.label}, {nom}.")
    click.echo(f"Identifiant : {account.identifiant}")
    click.echo(f"Mot de passe provisoire : {account.mot_de_passe}")
    click.echo("Il n'est affiché qu'une fois ; il sera remplacé à la première connexion.")


async def _establishment_for(uai: str, academie: str) -> int:
    """The establishment of this UAI, created (named after its UAI) when the portal has none;
    an academy given fills an establishment that has none yet."""
    from teleservices.core.tables import Etablissement

    row = await Etablissement.select(Etablissement.id, Etablissement.academie).where(Etablissement.uai == uai).first()
    if row is None:
        [row] = await Etablissement.insert(Etablissement(uai=uai, nom=uai, type="", academie=academie)).returning(
            Etablissement.id, Etablissement.academie
        )
        click.echo(f"Établissement {uai} créé ; un import SIECLE complétera son nom et son adresse.")
    elif academie and not row["academie"]:
        await Etablissement.update({Etablissement.academie: academie}).where(Etablissement.id == row["id"])
    return row["id"]


@main.group("import")
def import_group() -> None:
    """Imports from the national systems (SIECLE)."""


@import_group.command("siecle")
@click.option("--uai", required=True, help="UAI (RNE) de l'établissement, ex. 0599901K")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_siecle(uai: str, files: tuple[str, ...]) -> None:
    """Import SIECLE exports (BEE élèves, responsables, nomenclatures; STS-web), XML or zip, in
    any order, into the establishment UAI, created when it does not exist yet. A refused file
    imports nothing, the others still do, and the command then exits with status 1."""
    from pathlib import Path

    from teleservices.core.siecle.files import MAX_UPLOAD_BYTES
    from teleservices.core.siecle.importer import describe, import_files

    _portal(Settings.from_env())
    sources = []
    for name in files:
        with open(name, "rb") as handle:
            sources.append((Path(name).name, handle.read(MAX_UPLOAD_BYTES + 1)))
    with click.progressbar(length=100, label="Import SIECLE") as bar:

        async def progress(percent: int, step: str) -> None:
            bar.update(percent - bar.pos)

        summary = asyncio.run(import_files(uai, sources, create=True, progress=progress))
    for line in describe(summary):
        click.echo(line)
    if summary.refuses:
        click.echo(f"{len(summary.refuses)} fichier(s) refusé(s).", err=True)
        raise SystemExit(1)


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


@main.group("notifications")
def notifications_group() -> None:
    """The families' notifications."""


@main.command("daily")
def daily() -> None:
    """The daily tasks, for a timer (once a day, early): each plugin's ``daily`` hook (a campaign
    that opens today is announced to the families), then the notifications' digest."""
    from teleservices.core import clock
    from teleservices.core.notifications import digest

    settings = Settings.from_env()
    plugins = _portal(settings)

    async def tasks() -> tuple[list, int, int]:
        failures = await plugins.call_async("daily", today=clock.today())
        return (failures, *await digest(settings, plugins))

    failures, mails, count = asyncio.run(tasks())
    for failure in failures:
        click.echo(f"Le plugin « {failure.plugin} » a échoué dans sa tâche quotidienne (voir le journal).", err=True)
    click.echo(f"Tâches quotidiennes faites ; {mails} courriel(s) de résumé mis en file d'envoi, "
               f"pour {count} notification(s).")


@notifications_group.command("digest")
def notifications_digest() -> None:
    """Mail each family account the digest of its notifications not mailed yet, one mail each
    (for a daily timer; the mails go through the outbox). Run twice, it mails nothing twice."""
    from teleservices.core.notifications import digest

    settings = Settings.from_env()
    plugins = _portal(settings)
    mails, count = asyncio.run(digest(settings, plugins))
    click.echo(f"{mails} courriel(s) de résumé mis en file d'envoi, pour {count} notification(s).")


@main.command()
@click.option("--file", "path", default="docs/plugins.md", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="La page des auteurs de plugins")
@click.option("--check", is_flag=True, help="Ne rien écrire : échouer si la page n'est pas à jour")
def docs(path: str, check: bool) -> None:
    """Regenerate the hooks and the facade of docs/plugins.md from the code's docstrings."""
    from pathlib import Path

    from teleservices.core.plugin_docs import UndocumentedError, regenerate

    page = Path(path)
    current = page.read_text(encoding="utf-8")
    try:
        fresh = regenerate(current)
    except (UndocumentedError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if fresh == current:
        click.echo(f"{path} est à jour.")
    elif check:
        raise click.ClickException(f"{path} n'est pas à jour : lancez « teleservices docs ».")
    else:
        page.write_text(fresh, encoding="utf-8")
        click.echo(f"{path} régénéré (hooks et façade).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="processes: one per core")
@click.option("--server", type=click.Choice(["uvicorn", "granian"]), default="uvicorn", show_default=True,
              help="the ASGI server (bench/README.md compares them)")
def serve(host: str, port: int, workers: int, server: str) -> None:
    """Serve the portal: each worker is a process with its own database pool."""
    _portal(Settings.from_env())  # fail here, with a clear message, rather than in each worker
    click.echo(f"Téléservices sur http://{host}:{port}/ ({server}, {workers} worker{'s' if workers > 1 else ''})")
    if server == "granian":
        try:
            from granian.constants import Interfaces
            from granian.server import Server
        except ImportError:
            raise click.ClickException("granian n'est pas installé : pip install 'teleservices[granian]'") from None

        Server("teleservices.core.app:app_from_env", address=host, port=port, interface=Interfaces.ASGI,
               workers=workers, factory=True, log_access=False, websockets=False).serve()
        return
    import uvicorn

    uvicorn.run(
        "teleservices.core.app:app_from_env", factory=True, host=host, port=port, workers=workers,
        proxy_headers=False, log_level="info", access_log=False,
    )


if __name__ == "__main__":
    sys.exit(main())
