"""One SIECLE import: read and check every file first, then apply them in dependency order
(nomenclature → élèves and structures → responsables → STS), one transaction per file.

A refused file (unreadable, hostile, another school's, a bad value) imports nothing and the
others still go on; the summary says, file by file, what was created, updated, deleted, which
pupils left, what was skipped and why, or why the file was refused. Its sentences are written in
the language of whoever runs the import (the staff member's page's, French on the command line)
and kept as written; the counts are kept by kind (« élèves », « matières »…) and named when shown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Awaitable, Callable, Sequence

from teleservices.core import clock
from teleservices.core.db import write_transaction
from teleservices.core.i18n import gettext as _
from teleservices.core.siecle.files import LABELS, ORDER, Refused, SourceFile, expand, kind_of, parse_xml
from teleservices.core.siecle.parsers import PARSERS, Parsed, uaj_of
from teleservices.core.siecle.store import APPLY, FileSummary, Target
from teleservices.core.tables import Etablissement

log = logging.getLogger("teleservices.siecle")

Progress = Callable[[int, str], Awaitable[None]]


class UnknownEstablishment(Exception):
    pass


@dataclass
class ImportSummary:
    uai: str
    fichiers: list[FileSummary] = field(default_factory=list)
    etablissement_cree: bool = False

    @property
    def refuses(self) -> list[FileSummary]:
        return [f for f in self.fichiers if f.erreur]

    @property
    def importes(self) -> list[FileSummary]:
        return [f for f in self.fichiers if not f.erreur]

    def to_json(self) -> list[dict]:
        return [asdict(f) for f in self.fichiers]


@dataclass
class Prepared:
    summary: FileSummary
    parsed: Parsed | None = None


def read_file(uai: str, source: SourceFile) -> Prepared:
    """Parse and check one XML file; never raises, a refusal goes into its summary."""
    summary = FileSummary(source.name)
    try:
        root = parse_xml(source.data)
        summary.type = kind_of(root)
        summary.libelle = str(LABELS[summary.type])
        uaj, line = uaj_of(root)
        if uaj != uai:
            raise Refused(_("ligne %(ligne)s : balise UAJ : ce fichier vient de l'établissement %(uaj)s, pas de %(uai)s",
                            ligne=line, uaj=uaj, uai=uai))
        return Prepared(summary, PARSERS[summary.type](root))
    except Refused as exc:
        summary.erreur = str(exc)
        return Prepared(summary)


def prepare(uai: str, sources: Sequence[tuple[str, bytes]]) -> list[Prepared]:
    """Every XML file given, zips opened; CPU work only, no database."""
    prepared: list[Prepared] = []
    for name, data in sources:
        try:
            files = expand(name, data)
        except Refused as exc:
            prepared.append(Prepared(FileSummary(name, erreur=str(exc))))
            continue
        prepared += [read_file(uai, source) for source in files]
    return prepared


async def ensure_establishment(uai: str, parsed: list[Parsed], create: bool) -> tuple[int, bool]:
    """The establishment's id, and whether it was created now (named from the files when they
    say it: STS first, then the pupils' last-year schooling; its type guessed from the MEFs)."""
    hints: dict[str, str] = {}
    for item in sorted(parsed, key=lambda p: p.kind != "sts"):
        for key, value in item.etablissement.items():
            hints.setdefault(key, value)
    row = await Etablissement.select(Etablissement.id, Etablissement.nom).where(Etablissement.uai == uai).first()
    if row is not None:
        # Made by `teleservices personnel create` before any import: named by its UAI until now.
        if row["nom"] == uai and hints.get("nom"):
            await Etablissement.update({Etablissement.nom: hints["nom"], Etablissement.sigle: hints.get("sigle", "")}).where(
                Etablissement.id == row["id"])
        return row["id"], False
    if not create:
        raise UnknownEstablishment(f"Établissement {uai} inconnu.")
    created = await Etablissement.insert(Etablissement(
        uai=uai, nom=hints.get("nom") or uai, type=hints.get("type") or "college", sigle=hints.get("sigle", ""),
        adresse_ligne1=hints.get("adresse_ligne1", ""), commune=hints.get("commune", ""),
        mel=hints.get("mel", ""), telephone=hints.get("telephone", ""), academie=hints.get("academie", ""),
    ))
    return created[0]["id"], True


async def _nothing(percent: int, step: str) -> None:
    return None


async def apply_one(target: Target, item: Prepared) -> None:
    """One file in one transaction: on any error nothing of it stays."""
    summary = item.summary
    try:
        async with write_transaction():
            await APPLY[summary.type](target, item.parsed, summary)
    except Refused as exc:
        _refused(summary, str(exc))
    except Exception:
        log.exception("Import SIECLE : échec de l'écriture de %s", summary.fichier)
        _refused(summary, _("erreur inattendue pendant l'écriture en base"))


def _refused(summary: FileSummary, message: str) -> None:
    fresh = FileSummary(summary.fichier, summary.type, summary.libelle, erreur=message)
    summary.__dict__.update(fresh.__dict__)


async def import_files(
    uai: str, sources: Sequence[tuple[str, bytes]], *, create: bool = False,
    progress: Progress = _nothing, today: dt.date | None = None,
) -> ImportSummary:
    """Import these files (name, bytes), XML or zip, in any order, into the establishment ``uai``."""
    uai = uai.strip().upper()
    await progress(0, _("Lecture et vérification des fichiers"))
    prepared = await asyncio.to_thread(prepare, uai, sources)
    summary = ImportSummary(uai, [item.summary for item in prepared])
    valid = sorted((p for p in prepared if p.parsed), key=lambda p: ORDER.index(p.summary.type))
    if not valid:
        return summary
    etablissement_id, summary.etablissement_cree = await ensure_establishment(
        uai, [p.parsed for p in valid], create
    )
    target = Target(etablissement_id, today or clock.now().date())
    for done, item in enumerate(valid):
        await progress(10 + 90 * done // len(valid), _("Import de %(fichier)s (%(libelle)s)",
                                                       fichier=item.summary.fichier, libelle=item.summary.libelle))
        await apply_one(target, item)
    await progress(100, _("Terminé"))
    return summary


def describe(summary: ImportSummary) -> list[str]:
    """The summary as French lines, for the command line."""
    lines = []
    if summary.etablissement_cree:
        lines.append(f"Établissement {summary.uai} créé.")
    for item in summary.fichiers:
        title = f"{item.fichier}" + (f" ({item.libelle})" if item.libelle else "")
        if item.erreur:
            lines.append(f"{title} : REFUSÉ, rien n'en a été importé. {item.erreur}")
            continue
        lines.append(f"{title} : {item.total_crees} création(s), {item.total_mis_a_jour} mise(s) à jour.")
        for label, counts in (("créés", item.crees), ("mis à jour", item.mis_a_jour), ("supprimés", item.supprimes)):
            if counts:
                lines.append(f"  {label} : " + ", ".join(f"{what} {n}" for what, n in counts.items()))
        if item.sortis:
            lines.append(f"  {item.sortis} élève(s) sorti(s) (DATE_SORTIE) : conservé(s), sans accès pour les familles.")
        lines += [f"  {remark}" for remark in item.remarques]
        if item.ignores_total:
            lines.append(f"  {item.ignores_total} élément(s) ignoré(s) :")
            lines += [f"    - {reason}" for reason in item.ignores]
            if item.ignores_total > len(item.ignores):
                lines.append(f"    … et {item.ignores_total - len(item.ignores)} autre(s).")
    return lines
