"""Reading SIECLE files: the samples, the malformed one, hostile XML, sizes, zips."""

from __future__ import annotations

import io
import zipfile

import pytest

from siecle_support import MALFORMED, SAMPLES, sample
from teleservices.core.siecle import files
from teleservices.core.siecle.files import Refused, expand, kind_of, parse_xml
from teleservices.core.siecle.importer import prepare

KINDS = {
    "dossiersco_eleves_avec_adresse_avec_double_structure.xml": "eleves",
    "dossiersco_nomenclature_code_modalite_elec_double.xml": "nomenclature",
    "dossiersco_nomenclature_simple.xml": "nomenclature",
    "dossiersco_nomenclature_tout_niveau.xml": "nomenclature",
    "dossiersco_responsables_avec_adresses_simple.xml": "responsables",
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_well_formed_sample_is_recognised(name: str) -> None:
    assert kind_of(parse_xml(sample(name))) == KINDS[name]


def test_every_sample_is_covered() -> None:
    assert {p.name for p in SAMPLES.glob("*.xml")} == set(KINDS) | {MALFORMED}


def test_the_malformed_sample_is_refused_naming_line_139_and_the_element() -> None:
    with pytest.raises(Refused) as refused:
        parse_xml(sample(MALFORMED))
    message = str(refused.value)
    assert message.startswith("ligne 139 : balise STRICTURES_ELEVE")
    assert "STRUCTURES_ELEVE" in message and "bien formé" in message


def test_a_malformed_file_imports_nothing_and_says_why() -> None:
    [item] = prepare("0752387M", [(MALFORMED, sample(MALFORMED))])
    assert item.parsed is None and "ligne 139" in item.summary.erreur


@pytest.mark.parametrize("xml", [
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<BEE_ELEVES>&lol2;</BEE_ELEVES>',
    b'<?xml version="1.0"?>\n\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><BEE_ELEVES>&xxe;</BEE_ELEVES>',
    b'<?xml version="1.0"?><!doctype BEE_ELEVES SYSTEM "http://example.org/x.dtd"><BEE_ELEVES/>',
])
def test_any_dtd_or_entity_is_refused(xml: bytes) -> None:
    with pytest.raises(Refused, match=r"^ligne \d+ : déclaration <!(DOCTYPE|ENTITY)> refusée"):
        parse_xml(xml)


def test_a_dtd_hidden_by_another_encoding_is_refused_too() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><BEE_ELEVES>&a;</BEE_ELEVES>'
    with pytest.raises(Refused, match="DOCTYPE"):
        parse_xml(xml.encode("utf-16"))


def test_an_unknown_root_is_refused() -> None:
    with pytest.raises(Refused, match="ligne 2 : balise racine HTML inconnue"):
        kind_of(parse_xml(b'<?xml version="1.0"?>\n<HTML><BODY/></HTML>'))


def test_empty_and_non_xml_files_are_refused() -> None:
    with pytest.raises(Refused, match="vide"):
        parse_xml(b"")
    with pytest.raises(Refused, match="XML bien formé"):
        parse_xml("NOM;PRENOM\nDUPONT;Léa\n".encode())


def test_a_huge_file_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_XML_BYTES", 1000)
    with pytest.raises(Refused, match="trop volumineux"):
        expand("ElevesAvecAdresses.xml", b"<BEE_ELEVES>" + b" " * 1000 + b"</BEE_ELEVES>")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_gives_its_xml_files_and_nothing_else() -> None:
    data = _zip({
        "export/Nomenclature.xml": sample("dossiersco_nomenclature_simple.xml"),
        "__MACOSX/export/._Nomenclature.xml": b"junk", "lisezmoi.txt": b"texte",
    })
    [source] = expand("export.zip", data)
    assert source.name == "export.zip › export/Nomenclature.xml"
    assert source.data == sample("dossiersco_nomenclature_simple.xml")


def test_a_zip_bomb_is_refused() -> None:
    bomb = _zip({"ElevesAvecAdresses.xml": b"<BEE_ELEVES>" + b"\0" * (20 * files.MB) + b"</BEE_ELEVES>"})
    assert len(bomb) < 100_000
    with pytest.raises(Refused, match="démesurée"):
        expand("bombe.zip", bomb)


def test_a_zip_with_too_many_files_or_none_is_refused() -> None:
    with pytest.raises(Refused, match="au plus"):
        expand("trop.zip", _zip({f"f{i}.xml": b"<a/>" for i in range(files.MAX_ZIP_MEMBERS + 1)}))
    with pytest.raises(Refused, match="aucun fichier XML"):
        expand("vide.zip", _zip({"a.txt": b"x"}))
    with pytest.raises(Refused, match="illisible"):
        expand("abime.zip", b"PK\x03\x04 pas vraiment un zip")
