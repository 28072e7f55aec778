"""Every page of the portal, read from its own route table, and who may see it.

``PAGES`` lists, for each GET route of the portal that answers a page, the addresses to visit
and the persona that visits them (« » : without logging in). Addresses are ``str.format``
templates: ``{lea}``, ``{hugo}``, ``{melanie}`` are the demo pupils' ids, the other fields are those
of the fixture ``ids`` (below). A route may be visited
more than once (a staff page empty, then with a class chosen).

``EXCLUDED`` lists, with the reason, the GET routes that are not pages: downloads (PDF, CSV,
iCalendar), feeds, JSON. Two kinds of routes are left out by rule, since they can never be pages:
the routes with no GET handler (the targets of forms, the push API: POST or PUT only) and the
static files under ``/static/``.

The fixture ``ids`` gives those fields' values: read from the demo, or made for the test module
that uses it (a fiche request, an API key, a finished SIECLE import, a password reset link) and
removed after it. ``STATES`` prepares what a page's ``state`` names (Mélanie's enrolment at step 3,
or confirmed) for the time of its visit.

``unclassified(app)`` is what ``test_every_route_is_classified`` asserts to be empty: a new GET
route fails that test until it is added here, to ``PAGES`` or to ``EXCLUDED`` with its reason.
Routes of a distribution that is not installed (the cahier de textes of contrib/, the example
plugin of tests/) are simply absent from the app: their rows are not visited.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib.metadata import entry_points
from typing import Any, Callable, Iterator

import pytest

from teleservices.core.testing import run

ANONYMOUS = ""


@dataclass(frozen=True)
class Page:
    route: str  # the route as the app lists it: "/eleves/{eleve_id:int}/notes"
    url: str  # the address to visit, a str.format template: "/eleves/{lea}/notes/"
    persona: str  # the demo account that sees it; ANONYMOUS: nobody logged in
    state: str = ""  # a state of the demo the page needs, prepared by the test ("" : as it is)

    @property
    def name(self) -> str:
        """A file name for its screenshots: "demo.parent--eleves-lea-notes"."""
        slug = "".join(c if c.isalnum() else "-" for c in self.url.replace("{", "").replace("}", "")).strip("-")
        return f"{self.persona or 'anonyme'}--{slug or 'racine'}"


E = "/eleves/{eleve_id:int}"
A = "/administration"

PAGES: list[Page] = [
    # --- without logging in: the login form, help, the recovery of an account, the mailed links
    Page("/connexion", "/connexion", ANONYMOUS),
    Page("/aide", "/aide", ANONYMOUS),
    Page("/identifiant-oublie", "/identifiant-oublie", ANONYMOUS),
    Page("/mot-de-passe-oublie", "/mot-de-passe-oublie", ANONYMOUS),
    Page("/reinitialisation", "/reinitialisation?code={code_reinitialisation}", ANONYMOUS),
    Page("/reinitialisation", "/reinitialisation?modifie=1", ANONYMOUS),
    Page("/activation", "/activation?code=perime", ANONYMOUS),
    Page("/confirmation-adresse", "/confirmation-adresse?code=perime", ANONYMOUS),
    Page("/hors-ligne", "/hors-ligne", ANONYMOUS),
    # --- an account at its first connection
    Page("/premiere-connexion", "/premiere-connexion", "demo.provisoire"),
    # --- a parent of two children: Léa at the collège, Hugo at the lycée
    Page(E, "/eleves/{lea}/", "demo.parent"),
    Page(E, "/eleves/{hugo}/", "demo.parent"),
    Page(f"{E}/notes", "/eleves/{lea}/notes/", "demo.parent"),
    Page(f"{E}/notes", "/eleves/{lea}/notes/?periode=toutes", "demo.parent"),
    Page(f"{E}/notes", "/eleves/{hugo}/notes/", "demo.parent"),
    Page(f"{E}/notes/equipe", "/eleves/{lea}/notes/equipe", "demo.parent"),
    Page(f"{E}/notes/moyenne", "/eleves/{lea}/notes/moyenne?matiere={matiere}&periode=T1", "demo.parent"),
    Page(f"{E}/notes/moyenne", "/eleves/{lea}/notes/moyenne?periode=T1", "demo.parent"),
    Page(f"{E}/absences", "/eleves/{lea}/absences/", "demo.parent"),
    Page(f"{E}/absences", "/eleves/{hugo}/absences/", "demo.parent"),
    Page(f"{E}/absences/semaine/{{cle:str}}", "/eleves/{lea}/absences/semaine/{semaine}", "demo.parent"),
    Page(f"{E}/absences/vie-scolaire", "/eleves/{lea}/absences/vie-scolaire", "demo.parent"),
    Page(f"{E}/absences/calendrier", "/eleves/{lea}/absences/calendrier", "demo.parent"),
    Page(f"{E}/lpc", "/eleves/{lea}/lpc/", "demo.parent"),
    Page(f"{E}/lpc/competence/{{code:str}}", "/eleves/{lea}/lpc/competence/{competence}", "demo.parent"),
    Page(f"{E}/fiche", "/eleves/{lea}/fiche/", "demo.parent"),
    Page(f"{E}/fiche", "/eleves/{hugo}/fiche/", "demo.parent"),
    Page(f"{E}/fiche/eleve", "/eleves/{lea}/fiche/eleve", "demo.parent"),
    Page(f"{E}/fiche/responsable/{{niveau:int}}", "/eleves/{lea}/fiche/responsable/1", "demo.parent"),
    Page(f"{E}/cahier", "/eleves/{lea}/cahier/", "demo.parent"),
    Page(f"{E}/cahier/jour/{{jour:str}}", "/eleves/{lea}/cahier/jour/{jour_cahier}", "demo.parent"),
    Page(f"{E}/ent_exemple", "/eleves/{lea}/ent_exemple/", "demo.parent"),
    Page("/compte", "/compte", "demo.parent"),
    Page("/compte/adresse", "/compte/adresse", "demo.parent"),
    Page("/compte/mot-de-passe", "/compte/mot-de-passe", "demo.parent"),
    Page("/compte/regrouper", "/compte/regrouper", "demo.parent"),
    Page("/compte/regrouper/fait", "/compte/regrouper/fait", "demo.parent"),
    Page("/aide", "/aide", "demo.parent"),
    Page("/notifications", "/notifications", "demo.parent"),
    # --- Léa's own account: the pupil's view of the same services
    Page(E, "/eleves/{lea}/", "demo.eleve"),
    Page(f"{E}/notes", "/eleves/{lea}/notes/", "demo.eleve"),
    Page(f"{E}/absences", "/eleves/{lea}/absences/", "demo.eleve"),
    Page(f"{E}/lpc", "/eleves/{lea}/lpc/", "demo.eleve"),
    Page(f"{E}/cahier", "/eleves/{lea}/cahier/", "demo.eleve"),
    Page("/premiere-connexion/terminee", "/premiere-connexion/terminee", "demo.eleve"),
    Page("/compte", "/compte", "demo.eleve"),
    # --- the online enrolment in lycée: Mélanie's parent, at step 3, then once confirmed
    Page(E, "/eleves/{melanie}/", "demo.parent3e"),
    Page(f"{E}/inscription", "/eleves/{melanie}/inscription/", "demo.parent3e"),
    Page(f"{E}/inscription/souhaits", "/eleves/{melanie}/inscription/souhaits", "demo.parent3e", "inscription en cours"),
    Page(f"{E}/inscription/donnees", "/eleves/{melanie}/inscription/donnees", "demo.parent3e", "inscription en cours"),
    Page(f"{E}/inscription/donnees/eleve", "/eleves/{melanie}/inscription/donnees/eleve", "demo.parent3e",
         "inscription en cours"),
    Page(f"{E}/inscription/donnees/responsable/{{niveau:int}}",
         "/eleves/{melanie}/inscription/donnees/responsable/1", "demo.parent3e", "inscription en cours"),
    Page(f"{E}/inscription/recapitulatif", "/eleves/{melanie}/inscription/recapitulatif", "demo.parent3e",
         "inscription en cours"),
    Page(f"{E}/inscription/confirmation", "/eleves/{melanie}/inscription/confirmation", "demo.parent3e",
         "inscription confirmée"),
    # --- the head of the collège
    Page("/", "/", "demo.chef"),
    Page(f"{A}/services", f"{A}/services", "demo.chef"),
    Page(f"{A}/comptes", f"{A}/comptes", "demo.chef"),
    Page(f"{A}/comptes/creer", f"{A}/comptes/creer?division={{division_4g}}", "demo.chef"),
    Page(f"{A}/personnels", f"{A}/personnels", "demo.chef"),
    Page(f"{A}/journal", f"{A}/journal", "demo.chef"),
    Page(f"{A}/import", f"{A}/import", "demo.chef"),
    Page(f"{A}/import/{{job_id:int}}", f"{A}/import/{{import_siecle}}", "demo.chef"),
    Page(f"{A}/api", f"{A}/api", "demo.chef"),
    Page(f"{A}/api/{{cle_id:int}}/revoquer", f"{A}/api/{{cle_api}}/revoquer", "demo.chef"),
    Page(f"{A}/lpc/import", f"{A}/lpc/import", "demo.chef"),
    # --- the teacher: grades, LPC, cahier de textes
    Page("/", "/", "demo.prof"),
    Page(f"{A}/notes", f"{A}/notes/", "demo.prof"),
    Page(f"{A}/notes", f"{A}/notes/?division={{division_4g}}", "demo.prof"),
    Page(f"{A}/notes/nouveau", f"{A}/notes/nouveau", "demo.prof"),
    Page(f"{A}/notes/{{devoir_id:int}}", f"{A}/notes/{{devoir}}", "demo.prof"),
    Page(f"{A}/notes/{{devoir_id:int}}/modifier", f"{A}/notes/{{devoir}}/modifier", "demo.prof"),
    Page(f"{A}/lpc", f"{A}/lpc/", "demo.prof"),
    Page(f"{A}/lpc", f"{A}/lpc/?division={{division_4g}}&palier=3&competence=1", "demo.prof"),
    Page(f"{A}/cahier", f"{A}/cahier/", "demo.prof"),
    Page(f"{A}/cahier", f"{A}/cahier/?division={{division_4g}}", "demo.prof"),
    Page(f"{A}/cahier/seances/nouvelle", f"{A}/cahier/seances/nouvelle?division={{division_4g}}", "demo.prof"),
    Page(f"{A}/cahier/seances/{{seance_id:int}}/modifier", f"{A}/cahier/seances/{{seance}}/modifier", "demo.prof"),
    Page(f"{A}/cahier/seances/{{seance_id:int}}/supprimer", f"{A}/cahier/seances/{{seance}}/supprimer", "demo.prof"),
    Page(f"{A}/cahier/devoirs/nouveau", f"{A}/cahier/devoirs/nouveau?division={{division_4g}}", "demo.prof"),
    Page(f"{A}/cahier/devoirs/{{devoir_id:int}}/modifier", f"{A}/cahier/devoirs/{{devoir_cahier}}/modifier",
         "demo.prof"),
    Page(f"{A}/cahier/devoirs/{{devoir_id:int}}/supprimer", f"{A}/cahier/devoirs/{{devoir_cahier}}/supprimer",
         "demo.prof"),
    # --- the collège's vie scolaire
    Page("/", "/", "demo.cpe"),
    Page(f"{A}/absences", f"{A}/absences/", "demo.cpe"),
    Page(f"{A}/absences", f"{A}/absences/?division={{division_4g}}&jour={{jour_absences}}", "demo.cpe"),
    # --- the collège's secretariat: the fiches' requests
    Page("/", "/", "demo.secretariat"),
    Page(f"{A}/fiche", f"{A}/fiche/", "demo.secretariat"),
    Page(f"{A}/fiche/historique", f"{A}/fiche/historique", "demo.secretariat"),
    Page(f"{A}/fiche/{{demande_id:int}}", f"{A}/fiche/{{demande}}", "demo.secretariat"),
    # --- the lycée's secretariat: the online enrolment
    Page("/", "/", "demo.lycee"),
    Page(f"{A}/inscription", f"{A}/inscription/", "demo.lycee"),
    Page(f"{A}/inscription/offre", f"{A}/inscription/offre", "demo.lycee"),
    Page(f"{A}/inscription/affectations", f"{A}/inscription/affectations", "demo.lycee"),
    Page(f"{A}/inscription/suivi", f"{A}/inscription/suivi", "demo.lycee"),
    # --- the academy administrator, working on the collège
    Page(f"{A}/etablissements", f"{A}/etablissements", "demo.academie"),
    Page(f"{A}/liens", f"{A}/liens/", "demo.academie"),
    Page(f"{A}/liens/nouveau", f"{A}/liens/nouveau", "demo.academie"),
    Page(f"{A}/liens/{{lien_id:int}}", f"{A}/liens/{{lien}}", "demo.academie"),
    Page(f"{A}/liens/{{lien_id:int}}/supprimer", f"{A}/liens/{{lien}}/supprimer", "demo.academie"),
]

# The pages families see: those of the family personas and of nobody logged in. The services of
# other distributions (contrib/'s cahier, tests/'s example plugin) have pages only where they are
# installed (`make test` installs both): the installed ones are visited, opened by the test.
FAMILY_PERSONAS = {ANONYMOUS, "demo.parent", "demo.parent2", "demo.eleve", "demo.provisoire", "demo.parent3e"}
OPTIONAL = {"cahier", "ent_exemple"}
OTHER_DISTRIBUTIONS = OPTIONAL & {ep.name for ep in entry_points(group="teleservices")}
FAMILY_PAGES = [page for page in PAGES if page.persona in FAMILY_PERSONAS and not any(
    page.route.startswith(f"/eleves/{{eleve_id:int}}/{key}") for key in OPTIONAL - OTHER_DISTRIBUTIONS)]


EXCLUDED: dict[str, str] = {
    f"{E}/absences/absences.ics": "téléchargement : le fichier iCalendar des absences",
    f"{E}/lpc/livret.pdf": "téléchargement : le livret en PDF",
    f"{E}/inscription/recapitulatif.pdf": "téléchargement : le reçu de l'inscription en PDF",
    f"{A}/fiche/export.csv": "téléchargement : l'export CSV des demandes",
    f"{A}/inscription/suivi.csv": "téléchargement : l'export CSV des souhaits",
    "/flux/absences/{jeton:str}/absences.ics": "flux iCalendar d'un agenda, par un lien privé",
    "/notifications/{notification_id:int}": "lien d'une notification : la marque lue et redirige vers sa page",
    "/manifest.webmanifest": "manifeste JSON de l'application web installable",
    "/sw.js": "script du service worker",
    "/api/v1/etablissement": "API JSON des logiciels de l'établissement (clé d'API)",
    "/api/schema": "API : le schéma OpenAPI",
    "/api/schema/openapi.json": "API : le schéma OpenAPI en JSON",
    "/api/schema/{path:str}": "API : le schéma OpenAPI (autres formats)",
}


def get_routes(app: Any) -> set[str]:
    """The app's routes that answer GET, static files left out."""
    return {
        route.path for route in app.routes
        if not route.path.startswith("/static/")
        and any("GET" in handler.http_methods for handler in getattr(route, "route_handlers", []))
    }


def unclassified(app: Any) -> list[str]:
    """GET routes of the app that are neither in PAGES nor in EXCLUDED."""
    known = {page.route for page in PAGES} | set(EXCLUDED)
    return sorted(get_routes(app) - known)


def stale(app: Any) -> list[str]:
    """Rows of PAGES and EXCLUDED that name no route of the app, though their distribution is
    installed (a route renamed or removed)."""
    routes = get_routes(app)
    optional = ("/eleves/{eleve_id:int}/cahier", "/administration/cahier", "/eleves/{eleve_id:int}/ent_exemple")
    installed = {prefix for prefix in optional if any(route.startswith(prefix) for route in routes)}
    named = {page.route for page in PAGES} | set(EXCLUDED)
    return sorted(
        route for route in named - routes
        if not any(route.startswith(prefix) for prefix in optional) or any(route.startswith(p) for p in installed)
    )


def visited(app: Any) -> list[Page]:
    """The rows of PAGES whose route the app has (a plugin not installed has none)."""
    routes = get_routes(app)
    return [page for page in PAGES if page.route in routes]


# --- the demo's ids, and the rows the demo lacks ------------------------------------------------


def _one(sql: str, *args: Any) -> Any:
    from teleservices.core.tables import Compte

    rows = run(Compte.raw(sql, *args))
    assert rows, f"la démo n'a pas de ligne pour : {sql}"
    return next(iter(rows[0].values()))


@pytest.fixture(scope="module")
def ids(portal_app: Any, demo_context: Any) -> Iterator[dict[str, Any]]:
    """The values of the addresses' fields: read from the demo, or made for this module."""
    from teleservices.core.apiv1.keys import create_key
    from teleservices.core.identity import tokens
    from teleservices.core.siecle.store import FileSummary
    from teleservices.core.tables import CleApi, Compte, ImportSiecle, Jeton
    from teleservices.core.testing import last_id
    from teleservices.plugins.fiche import rules
    from teleservices.plugins.fiche.tables import ELEVE, EN_ATTENTE, FicheChangement, FicheDemande

    college = demo_context.etablissements["college"]
    lea = demo_context.eleves["collegien"]
    values: dict[str, Any] = {
        "lea": lea, "hugo": demo_context.eleves["lyceen"], "melanie": demo_context.eleves["troisieme"],
        "competence": "P3.C1",
        "division_4g": _one("SELECT id FROM division WHERE etablissement = {} AND code_structure = '4G'", college),
        "matiere": _one("SELECT d.matiere_id FROM notes_devoir d JOIN notes_note n ON n.devoir = d.id "
                        "WHERE n.eleve_id = {} AND d.publie ORDER BY d.id LIMIT 1", lea),
        "jour_absences": _one("SELECT date FROM absences_absence WHERE eleve_id = {} ORDER BY date DESC LIMIT 1", lea),
        "lien": _one("SELECT id FROM liens_lien WHERE academie = 'LILLE' ORDER BY id LIMIT 1"),
    }
    values["semaine"] = "{0}-W{1:02d}".format(*dt.date.fromisoformat(str(values["jour_absences"])[:10]).isocalendar())
    enseignant = _one("SELECT enseignant FROM compte WHERE identifiant = 'demo.prof'")
    values["devoir"] = _one("SELECT id FROM notes_devoir WHERE enseignant_id = {} AND division_id = {} ORDER BY id LIMIT 1",
                            enseignant, values["division_4g"])
    routes = get_routes(portal_app)
    if "/administration/cahier" in routes:
        values["seance"] = _one("SELECT id FROM cahier_seance WHERE enseignant_id = {} AND division_id = {} "
                                "ORDER BY id LIMIT 1", enseignant, values["division_4g"])
        values["devoir_cahier"] = _one("SELECT id FROM cahier_devoir WHERE enseignant_id = {} AND division_id = {} "
                                       "ORDER BY id LIMIT 1", enseignant, values["division_4g"])
        values["jour_cahier"] = str(_one("SELECT date FROM cahier_seance WHERE division_id = {} ORDER BY date DESC LIMIT 1",
                                         values["division_4g"]))[:10]
    # Made for the module, removed after it.
    marks = {"demande": last_id(FicheDemande), "jeton": last_id(Jeton)}
    parent = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.parent").first())["id"]
    [demande] = run(FicheDemande.insert(FicheDemande(
        etablissement_id=college, eleve_id=lea, cible=ELEVE, resp_legal=0, compte_id=parent,
        identifiant="demo.parent", etat=EN_ATTENTE,
    )).returning(FicheDemande.id))
    run(FicheChangement.insert(FicheChangement(
        demande=demande["id"], champ="tel_portable", ancienne="", nouvelle=rules.texte("tel_portable", "06 12 34 56 78"))))
    values["demande"] = demande["id"]
    key = run(create_key(college, "Logiciel de vie scolaire", ["absences"], None))
    values["cle_api"] = key.id
    summary = FileSummary("ElevesSansAdresses.xml", type="eleves", libelle="Élèves", crees={"élèves": 3},
                          mis_a_jour={"élèves": 120}, sortis=2)
    [job] = run(ImportSiecle.insert(ImportSiecle(
        etablissement=college, etat="termine", progression=100, etape="Terminé", resume=[asdict(summary)],
        fini_le=dt.datetime.now(dt.timezone.utc),
    )).returning(ImportSiecle.id))
    values["import_siecle"] = job["id"]
    parent2 = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.parent2").first())["id"]
    values["code_reinitialisation"] = run(tokens.issue(parent2, tokens.RESET))
    yield values
    run(ImportSiecle.delete().where(ImportSiecle.id == job["id"]))
    run(CleApi.delete().where(CleApi.id == key.id))
    run(FicheChangement.delete().where(FicheChangement.demande > marks["demande"]))
    run(FicheDemande.delete().where(FicheDemande.id > marks["demande"]))
    run(Jeton.delete().where(Jeton.id > marks["jeton"]))


@contextmanager
def enrolment(melanie: int, confirmed: bool) -> Iterator[None]:
    """Mélanie's enrolment at the lycée: steps 1 to 3 done (her wishes chosen), or confirmed."""
    from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionDossier

    affectation = run(InscriptionAffectation.select(InscriptionAffectation.id)
                      .where(InscriptionAffectation.eleve_id == melanie).first())["id"]
    assert not run(InscriptionDossier.exists().where(InscriptionDossier.affectation == affectation)), \
        "Mélanie n'a pas de dossier d'inscription dans la démo"
    run(InscriptionDossier.insert(InscriptionDossier(
        affectation=affectation, etapes=[1, 2, 3, 4] if confirmed else [1, 2, 3], lv1="AGL1", lv2="ESP2",
        options=["SES", "MPS"], confirme_le=dt.datetime.now(dt.timezone.utc) if confirmed else None,
    )))
    try:
        yield
    finally:
        run(InscriptionDossier.delete().where(InscriptionDossier.affectation == affectation))


STATES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "": lambda ids: _nothing(),
    "inscription en cours": lambda ids: enrolment(ids["melanie"], confirmed=False),
    "inscription confirmée": lambda ids: enrolment(ids["melanie"], confirmed=True),
}


@contextmanager
def _nothing() -> Iterator[None]:
    yield
