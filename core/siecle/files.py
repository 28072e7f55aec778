"""Reading what a school gives us, safely: size limits, zip archives, XML without any DTD.

A file is refused as a whole (``Refused``, with a message naming the line, in the language of
whoever runs the import: French on the command line) rather than half read. SIECLE exports are plain XML, often ISO-8859-15: the bytes go to lxml, which decodes
them as their declaration says. A SIECLE export never carries a DOCTYPE, so any DTD or entity
declaration is refused outright (XXE, billion laughs).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from teleservices.core.i18n import gettext as _, lazy_gettext as _l

MB = 1024 * 1024
MAX_XML_BYTES = 50 * MB  # a 2,000-pupil ElevesAvecAdresses.xml is about 10 MB
MAX_UPLOAD_BYTES = 100 * MB  # one file or zip as given
MAX_ZIP_MEMBERS = 20
MAX_ZIP_TOTAL = 200 * MB
MAX_ZIP_RATIO = 200  # XML compresses well, but not 200 times: beyond, a zip bomb

# Root element -> kind, in the order an import applies them (each needs the previous ones).
KINDS = {
    "BEE_NOMENCLATURES": "nomenclature",
    "BEE_ELEVES": "eleves",
    "BEE_RESPONSABLES": "responsables",
    "STS_EDT": "sts",
}
ORDER = ["nomenclature", "eleves", "responsables", "sts"]
LABELS = {
    "nomenclature": _l("Nomenclatures (BEE)"),
    "eleves": _l("Élèves et structures (BEE)"),
    "responsables": _l("Responsables (BEE)"),
    "sts": _l("Enseignants et services (STS-web)"),
}


class Refused(Exception):
    """This file imports nothing; ``str(exc)`` says why (translated where it is raised)."""


@dataclass
class SourceFile:
    name: str
    data: bytes


def _megabytes(size: int) -> str:
    return _("%(taille)s Mo", taille=format(size / MB, ".0f"))


def expand(name: str, data: bytes) -> list[SourceFile]:
    """An XML file as it is, or the XML files of a zip archive (as SIECLE exports them)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused(_("fichier trop volumineux (au plus %(max)s)", max=_megabytes(MAX_UPLOAD_BYTES)))
    if data[:4] == b"PK\x03\x04":
        return _unzip(name, data)
    if len(data) > MAX_XML_BYTES:
        raise Refused(_("fichier trop volumineux (%(taille)s ; au plus %(max)s)",
                        taille=_megabytes(len(data)), max=_megabytes(MAX_XML_BYTES)))
    return [SourceFile(name, data)]


def _is_xml_member(info: zipfile.ZipInfo) -> bool:
    base = info.filename.rsplit("/", 1)[-1]
    return (
        not info.is_dir() and base.lower().endswith(".xml")
        and not base.startswith("._") and not info.filename.startswith("__MACOSX/")
    )


def _unzip(name: str, data: bytes) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if _is_xml_member(info)]
    except (zipfile.BadZipFile, ValueError) as exc:
        raise Refused(_("archive zip illisible")) from exc
    if not members:
        raise Refused(_("l'archive zip ne contient aucun fichier XML"))
    if len(members) > MAX_ZIP_MEMBERS:
        raise Refused(_("l'archive zip contient %(nombre)s fichiers XML (au plus %(max)s)",
                        nombre=len(members), max=MAX_ZIP_MEMBERS))
    files, total = [], 0
    for info in members:
        if info.file_size > MAX_XML_BYTES or (
            info.file_size > MB and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        ):
            raise Refused(_("%(fichier)s : taille décompressée démesurée (%(taille)s)",
                            fichier=info.filename, taille=_megabytes(info.file_size)))
        try:
            with archive.open(info) as handle:
                content = handle.read(MAX_XML_BYTES + 1)  # never trust the header's size
        # zipfile reports an encrypted member with RuntimeError and an unsupported compression
        # method with its not-implemented error: either way a member we cannot read, so refused.
        except (RuntimeError, zipfile.BadZipFile, NotImplementedError, OSError) as exc:
            raise Refused(_("%(fichier)s : illisible dans l'archive (chiffré ou abîmé)", fichier=info.filename)) from exc
        total += len(content)
        if len(content) > MAX_XML_BYTES or total > MAX_ZIP_TOTAL:
            raise Refused(_("%(fichier)s : taille décompressée démesurée", fichier=info.filename))
        files.append(SourceFile(f"{name} › {info.filename}", content))
    return files


DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MISMATCH = re.compile(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)")


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    line = exc.lineno or 1
    mismatch = MISMATCH.search(exc.msg or "")
    if mismatch:
        opened, opened_at, closed = mismatch.groups()
        return _(
            "ligne %(ligne)s : balise %(balise)s (ouverte ligne %(ouverte)s) fermée par </%(fermante)s> : "
            "le fichier n'est pas un XML bien formé", ligne=line, balise=opened, ouverte=opened_at, fermante=closed,
        )
    if "Document is empty" in (exc.msg or ""):
        return _("le fichier est vide ou n'est pas un fichier XML")
    return _("ligne %(ligne)s : le fichier n'est pas un XML bien formé (%(erreur)s)", ligne=line, erreur=exc.msg)


def parse_xml(data: bytes) -> etree._Element:
    """The root element; no DTD, no entity, no network, no huge text nodes."""
    declaration = DECLARATION.search(data)
    if declaration:
        line = data.count(b"\n", 0, declaration.start()) + 1
        raise Refused(_(
            "ligne %(ligne)s : déclaration <!%(declaration)s> refusée (un export SIECLE n'en contient jamais)",
            ligne=line, declaration=declaration.group(1).decode().upper(),
        ))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Refused(_syntax_message(exc)) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # a DTD in an encoding the scan missed
        raise Refused(_(
            "ligne %(ligne)s : déclaration <!%(declaration)s> refusée (un export SIECLE n'en contient jamais)",
            ligne=1, declaration="DOCTYPE",
        ))
    return root


def kind_of(root: etree._Element) -> str:
    kind = KINDS.get(root.tag if isinstance(root.tag, str) else "")
    if kind is None:
        raise Refused(_(
            "ligne %(ligne)s : balise racine %(balise)s inconnue (attendu BEE_ELEVES, "
            "BEE_RESPONSABLES, BEE_NOMENCLATURES ou STS_EDT)", ligne=root.sourceline, balise=root.tag,
        ))
    return kind
