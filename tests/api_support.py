"""Helpers of the API tests: keys made and deleted, a throwaway establishment, the demo
college's ENT links restored, a staff account that is not a manager.

Everything made here is deleted after the test: the demo data stays as it was. Test modules
import the fixtures they use by name.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from teleservices.core.apiv1.keys import create_key
from teleservices.core.security import hash_password
from teleservices.core.tables import CleApi, Compte, Etablissement, Journal
from teleservices.core.testing import DEMO_PASSWORD, last_id, run
from teleservices_ent_exemple.tables import EntExempleLien

OTHER_UAI = "0599977X"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api_key() -> Iterator[Callable[..., str]]:
    """``api_key(etablissement_id, ["ent_exemple"])``: a new key (its full text); deleted after."""
    made: list[int] = []

    def make(etablissement_id: int, portees: list[str], nom: str = "Logiciel de test") -> str:
        new = run(create_key(etablissement_id, nom, portees, None))
        made.append(new.id)
        return new.key

    yield make
    if made:
        run(CleApi.delete().where(CleApi.id.is_in(made)))


@pytest.fixture
def other_school() -> Iterator[int]:
    """Another establishment, with its own UAI; deleted after with its keys and links."""
    row = Etablissement(uai=OTHER_UAI, type="college", nom="COLLEGE DE TEST API", academie="LILLE")
    run(Etablissement.insert(row))
    yield row.id
    run(EntExempleLien.delete().where(EntExempleLien.etablissement_id == row.id))
    run(Etablissement.delete().where(Etablissement.id == row.id))


def links_of(etablissement_id: int) -> list[tuple[str, str]]:
    rows = run(EntExempleLien.select(EntExempleLien.libelle, EntExempleLien.url).where(
        EntExempleLien.etablissement_id == etablissement_id
    ).order_by(EntExempleLien.libelle))
    return [(row["libelle"], row["url"]) for row in rows]


@pytest.fixture
def links_restored(portal_settings: Any) -> Iterator[None]:
    """Every establishment's ENT links come back as they were after the test."""
    columns = (EntExempleLien.etablissement_id, EntExempleLien.libelle, EntExempleLien.url)
    before = run(EntExempleLien.select(*columns))
    yield
    run(EntExempleLien.delete(force=True))
    if before:
        run(EntExempleLien.insert(*(EntExempleLien(**row) for row in before)))


@pytest.fixture
def staff_account(demo: Any) -> Iterator[Callable[[str], str]]:
    """``staff_account("secretariat")``: a staff account of the demo college with that role
    (password ``DEMO_PASSWORD``); its identifier. Deleted after, with its sessions."""
    made: list[str] = []
    password_hash = hash_password(DEMO_PASSWORD)

    def make(role: str) -> str:
        identifiant = f"test.api.{role}"
        run(Compte.insert(Compte(
            identifiant=identifiant, mot_de_passe=password_hash, type="personnel", etat="actif",
            etablissement=demo.college, role=role, nom_affiche=f"Compte {role}",
        )))
        made.append(identifiant)
        return identifiant

    yield make
    if made:
        run(Compte.delete().where(Compte.identifiant.is_in(made)))


@pytest.fixture
def keys_cleaned() -> Iterator[None]:
    """Keys made through the staff page, and their journal lines, are deleted after the test."""
    last_key, last_line = last_id(CleApi), last_id(Journal)
    yield
    run(CleApi.delete().where(CleApi.id > last_key))
    run(Journal.delete().where((Journal.id > last_line) & Journal.action.like("api.cle.%")))
