"""What a family sees of the portal, named as a person would name it (imported by the e2e tests)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page, expect

# The collège's parent sees the online enrolment only when a lycée offers it (an affectation);
# the collège opens the cahier de textes of contrib/ (installed by make test), the lycée does not.
COLLEGE_SERVICES = [
    "Les notes",
    "Les absences",
    "Le livret personnel de compétences",
    "La fiche de renseignements",
    "Le cahier de textes",
]
LYCEE_SERVICES = ["Les notes", "Les absences", "La fiche de renseignements"]
PUPIL_SERVICES = ["Les notes", "Les absences", "Le livret personnel de compétences", "Le cahier de textes"]
PASSWORD = "Bienvenue-2026"


@dataclass(frozen=True)
class Pupil:
    """A demo pupil as the database knows them (ids are never hard-coded)."""

    id: int
    prenom: str
    nom: str
    code_sexe: str
    date_naiss: dt.date

    @property
    def home(self) -> str:
        return f"/eleves/{self.id}/"

    @property
    def full_name(self) -> str:
        return f"{self.prenom} {self.nom}"

    @property
    def born_on(self) -> str:
        """"née le 14/03/2013", as the header words it."""
        return f"{'née' if self.code_sexe == '2' else 'né'} le {self.date_naiss:%d/%m/%Y}"


def pupil_header(page: Page) -> Locator:
    """The guide's header (section 3.1): the pupil's name, birth date, class and school."""
    return page.get_by_role("region", name="Élève")


def account_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Votre compte")


def children_switcher(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Vos enfants")


def services_listed(page: Page) -> Locator:
    """The entries of the home screen's list of services (name, then description), in order."""
    # The links to other sites (the ENT...) that follow the services are not services.
    return page.get_by_role("main").get_by_role("listitem").filter(has_not=page.locator('a[target="_blank"]'))


def named(services: list[str]) -> list[re.Pattern[str]]:
    """One pattern per service entry, matching the entry that starts with its name."""
    return [re.compile(rf"^\s*{re.escape(name)}(\s|$)") for name in services]


def expect_home_of(page: Page, pupil: Pupil, division: str, school: dict[str, Any], services: list[str]) -> None:
    """The home screen of guide 3.1: this pupil's header and exactly these services."""
    header = pupil_header(page)
    expect(header).to_contain_text(f"la scolarité de {pupil.prenom} {pupil.nom[0]}.")
    expect(header).to_contain_text(pupil.born_on)
    expect(header).to_contain_text(f"élève de {division}")
    expect(header).to_contain_text(school["nom"])
    expect(header).to_contain_text(school["adresse_ligne1"])
    expect(header).to_contain_text(f"{school['code_postal']} {school['commune']}")
    expect(services_listed(page)).to_have_text(named(services))


def describe(violations: list[dict[str, Any]]) -> str:
    """axe-core violations, one rule a line and one element under it."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)
