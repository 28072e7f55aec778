"""The staff pages of the notes, under ``/administration/notes/``: the list of the devoirs,
creating and editing one, entering its grades in one form (or importing them from a CSV file,
previewed then confirmed), publishing and unpublishing it (the teacher's authorization; the
establishment's own option is set on « Administration Téléservices »).

A teacher (role ``enseignant``) works only on the classes and groups of their teaching services
(their STS-web teacher row): another teacher's devoir answers 404, as an unknown one does. The
head and the academy administrator work on the whole establishment. Every action is a POST
answered by a 303 with ``?ok=...`` (a fixed message, in the page's language), and goes to the audit log in the
transaction of its change. A refused form comes back with every value as typed and the error
next to its field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    Periode, StaffRole, audit, establishment_options, format_date, labels, notify, periods, pupils_of_structure,
    read_date, render, staff_establishment, structures, subjects, teacher_name, teaching_services, write_transaction,
)
from teleservices.core.api import gettext as _, lazy_gettext as _l
from teleservices.core.api import now as maintenant
from teleservices.plugins.notes import csv_import, rules
from teleservices.plugins.notes.saisie import Grade, GradeError, Written, now, read_grade, shown, write_grades
from teleservices.plugins.notes.tables import NotesDevoir

PAGE = "/administration/notes"
MESSAGES = {
    "cree": _l("Le devoir est créé : saisissez maintenant ses notes."),
    "modifie": _l("Le devoir est modifié."),
    "notes": _l("Les notes sont enregistrées."),
    "inchange": _l("Aucune note n'a changé : rien n'a été enregistré."),
    "import": _l("Les notes du fichier sont enregistrées."),
    "publie": _l("Les notes du devoir sont publiées : les familles les voient selon l'option de publication de "
                 "l'établissement."),
    "depublie": _l("La publication est retirée : les familles ne voient plus les notes de ce devoir."),
}
LIBELLE_MAX = 120
LIST_LIMIT = 300
MAX_UPLOAD = csv_import.MAX_BYTES + 64 * 1024


# --- who may work on what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The establishment a staff member works on, and the teaching services offered in forms:
    a teacher's own, or every one of the establishment for the head."""

    etablissement_id: int
    services: list[dict]
    teacher_only: bool

    def allows(self, division_id: int, matiere_id: int) -> bool:
        return not self.teacher_only or any(
            s["division_id"] == division_id and s["matiere_id"] == matiere_id for s in self.services
        )


async def scope_of(request: Request) -> Scope:
    etablissement_id = staff_establishment(request)
    viewer = request.user
    if viewer.role == StaffRole.ENSEIGNANT:
        services = await teaching_services(etablissement_id, viewer.enseignant_id) if viewer.enseignant_id else []
        return Scope(etablissement_id, services, teacher_only=True)
    return Scope(etablissement_id, await teaching_services(etablissement_id), teacher_only=False)


DEVOIR_SQL = """
SELECT id, etablissement_id, division_id, matiere_id, enseignant_id, libelle, date, coefficient, bareme,
       publie, publie_le, reference
FROM notes_devoir WHERE id = {} AND etablissement_id = {}
"""


async def devoir_for(request: Request, scope: Scope, devoir_id: int) -> dict:
    """A devoir of this establishment that this staff member may work on; 404 otherwise."""
    rows = await NotesDevoir.raw(DEVOIR_SQL, devoir_id, scope.etablissement_id)
    if not rows or not scope.allows(rows[0]["division_id"], rows[0]["matiere_id"]):
        raise NotFoundException(_("Devoir introuvable parmi vos classes."))
    return _devoir(rows[0])


def _devoir(row: dict) -> dict:
    return {**row, "publie": bool(row["publie"]), "date": _as_date(row["date"])}


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Labels:
    """Names of the establishment's structures, subjects and teachers, and its periods."""

    structures: dict[int, dict]
    subjects: dict[int, dict]
    teachers: dict[int, str]
    periods: list[dict]

    def structure(self, division_id: int) -> str:
        row = self.structures.get(division_id)
        return (row["libelle"] or row["code_structure"]) if row else _("classe supprimée")

    def subject(self, matiere_id: int) -> str:
        row = self.subjects.get(matiere_id)
        return row["libelle"] if row else _("matière supprimée")

    def period(self, day: dt.date) -> dict | None:
        return next((p for p in self.periods if _as_date(p["debut"]) <= day <= _as_date(p["fin"])), None)


async def labels_of(scope: Scope) -> Labels:
    return Labels(
        structures={row["id"]: row for row in await structures(scope.etablissement_id)},
        subjects={row["id"]: row for row in await subjects(scope.etablissement_id)},
        teachers={s["enseignant_id"]: teacher_name(s) for s in scope.services},
        periods=await periods(scope.etablissement_id),
    )


def described(devoir: dict, labels: Labels) -> dict:
    """A devoir with what the pages show of it."""
    period = labels.period(devoir["date"])
    return {
        **devoir,
        "structure": labels.structure(devoir["division_id"]),
        "matiere": labels.subject(devoir["matiere_id"]),
        "enseignant": labels.teachers.get(devoir["enseignant_id"], ""),
        "periode": period["code"] if period else "",
        "coefficient_affiche": shown(devoir["coefficient"]),
    }


def back(devoir_id: int | None, ok: str, **counts: int) -> str:
    path = f"{PAGE}/{devoir_id}" if devoir_id else PAGE
    return f"{path}?{urlencode({'ok': ok, **counts})}"


def go(url: str) -> Response:
    """After a POST: a 303 to the page that shows the result (htmx follows it and swaps the page)."""
    return Redirect(url, status_code=303)


# --- the list ------------------------------------------------------------------------------------

LIST_SQL = """
SELECT d.id, d.division_id, d.matiere_id, d.enseignant_id, d.libelle, d.date, d.coefficient, d.bareme,
       d.publie, d.publie_le, d.reference, (SELECT COUNT(*) FROM notes_note n WHERE n.devoir = d.id) AS notes
FROM notes_devoir d
WHERE d.etablissement_id = {} {filters}
ORDER BY d.date DESC, d.id DESC
LIMIT {}
"""


def _list_filters(scope: Scope, division_id: int | None) -> tuple[str, list[Any]]:
    """SQL conditions (and their arguments) for a teacher's classes and the chosen class."""
    sql, args = "", []
    if scope.teacher_only:
        pairs = sorted({(s["division_id"], s["matiere_id"]) for s in scope.services})
        sql += " AND (" + " OR ".join("(d.division_id = {} AND d.matiere_id = {})" for _ in pairs) + ")"
        args += [value for pair in pairs for value in pair]
    if division_id is not None:
        sql += " AND d.division_id = {}"
        args.append(division_id)
    return sql, args


@get("/", name="notes:personnels")
async def devoirs_page(request: Request) -> Response:
    scope = await scope_of(request)
    offered = _structures_offered(scope)
    wanted = request.query_params.get("division") or ""
    division_id = next((d["id"] for d in offered if str(d["id"]) == wanted), None)
    rows: list[dict] = []
    if scope.services or not scope.teacher_only:
        filters, args = _list_filters(scope, division_id)
        rows = await NotesDevoir.raw(LIST_SQL.replace("{filters}", filters), scope.etablissement_id, *args, LIST_LIMIT + 1)
    labels = await labels_of(scope)
    return render(request, "notes/staff/devoirs.html", {
        "devoirs": [described(_devoir(row), labels) for row in rows[:LIST_LIMIT]],
        "tronque": len(rows) > LIST_LIMIT,
        "limite": LIST_LIMIT,
        "structures": offered,
        "division_id": division_id,
        "enseignant": scope.teacher_only,
        "sans_service": scope.teacher_only and not scope.services,
        "message": MESSAGES.get(request.query_params.get("ok") or ""),
    })


def _structures_offered(scope: Scope) -> list[dict]:
    seen: dict[int, dict] = {}
    for s in scope.services:
        seen.setdefault(s["division_id"], {"id": s["division_id"], "libelle": s["division_libelle"] or s["code_structure"]})
    return list(seen.values())


# --- creating and editing a devoir ----------------------------------------------------------------


def service_value(division_id: int, matiere_id: int, enseignant_id: int | None) -> str:
    return f"{division_id}-{matiere_id}-{enseignant_id or 0}"


def service_label(service: dict, with_teacher: bool) -> str:
    label = f"{service['division_libelle'] or service['code_structure']} – {service['matiere_libelle']}"
    return f"{label} ({teacher_name(service)})" if with_teacher else label


@dataclass
class DevoirForm:
    """The devoir form as typed, and what it means once read."""

    values: dict[str, str]
    errors: dict[str, str]
    service: dict | None = None
    date: dt.date | None = None
    coefficient: float | None = None
    bareme: int | None = None


COEFFICIENT = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")


def read_devoir_form(form: Any, scope: Scope, labels: Labels) -> DevoirForm:
    values = {name: (form.get(name) or "").strip() for name in ("service", "libelle", "date", "coefficient", "bareme")}
    read = DevoirForm(values=values, errors={})
    read.service = next(
        (s for s in scope.services
         if service_value(s["division_id"], s["matiere_id"], s["enseignant_id"]) == values["service"]), None)
    if read.service is None:
        read.errors["service"] = _("Choisissez la classe (ou le groupe) et la matière du devoir.")
    if not values["libelle"]:
        read.errors["libelle"] = _("Saisissez le libellé du contrôle (par exemple « Contrôle de géométrie »).")
    elif len(values["libelle"]) > LIBELLE_MAX:
        read.errors["libelle"] = _("Le libellé fait au plus %(max)s caractères.", max=LIBELLE_MAX)
    read.date = read_date(values["date"])
    if read.date is None:
        read.errors["date"] = _("Saisissez la date du devoir, au format jj/mm/aaaa.")
    elif labels.periods and labels.period(read.date) is None:
        first, last = _as_date(labels.periods[0]["debut"]), _as_date(labels.periods[-1]["fin"])
        read.errors["date"] = _("La date doit tomber dans une période de l'année scolaire, du %(debut)s au %(fin)s.",
                                debut=format_date(first), fin=format_date(last))
    if COEFFICIENT.match(values["coefficient"]) and 0 < float(values["coefficient"].replace(",", ".")) <= 100:
        read.coefficient = float(values["coefficient"].replace(",", "."))
    else:
        read.errors["coefficient"] = _("Le coefficient est un nombre supérieur à 0 et jusqu'à 100 (par exemple 1 ou 0,5).")
    if values["bareme"].isdigit() and 1 <= int(values["bareme"]) <= 100:
        read.bareme = int(values["bareme"])
    else:
        read.errors["bareme"] = _("Le barème est un nombre entier de 1 à 100 (par exemple 20).")
    return read


def _form_page(request: Request, scope: Scope, form: DevoirForm, devoir: dict | None) -> Response:
    return render(request, "notes/staff/devoir_form.html", {
        "devoir": devoir,
        "form": form.values,
        "erreurs": form.errors,
        "services": [
            (service_value(s["division_id"], s["matiere_id"], s["enseignant_id"]), service_label(s, not scope.teacher_only))
            for s in scope.services
        ],
        "libelle_max": LIBELLE_MAX,
    })


@get("/nouveau", name="notes:nouveau")
async def new_devoir_page(request: Request) -> Response:
    scope = await scope_of(request)
    only = scope.services[0] if len(scope.services) == 1 else None
    values = {"service": service_value(only["division_id"], only["matiere_id"], only["enseignant_id"]) if only else "",
              "libelle": "", "date": dt.date.today().isoformat(), "coefficient": "1", "bareme": "20"}
    return _form_page(request, scope, DevoirForm(values=values, errors={}), None)


@post("/nouveau")
async def create_devoir(request: Request) -> Response:
    scope = await scope_of(request)
    form = read_devoir_form(await request.form(), scope, await labels_of(scope))
    if form.errors:
        return _form_page(request, scope, form, None)
    service, stamp = form.service, now()
    async with write_transaction():
        [row] = await NotesDevoir.insert(NotesDevoir(
            etablissement_id=scope.etablissement_id, division_id=service["division_id"],
            matiere_id=service["matiere_id"], enseignant_id=service["enseignant_id"],
            libelle=form.values["libelle"], date=form.date, coefficient=form.coefficient, bareme=form.bareme,
            publie=False, publie_le=None, reference="", cree_le=stamp, modifie_le=stamp,
        )).returning(NotesDevoir.id)
        await audit(request, "notes.devoir.creer", f"Devoir créé : {_summary(form.values['libelle'], service, form.date)}.")
    return go(back(row["id"], "cree"))


def _summary(libelle: str, service: dict, day: dt.date) -> str:
    return f"« {libelle} » ({service_label(service, False)}, {day:%d/%m/%Y})"


@get("/{devoir_id:int}/modifier", name="notes:modifier")
async def edit_devoir_page(request: Request) -> Response:
    devoir_id = request.path_params["devoir_id"]
    scope = await scope_of(request)
    devoir = await devoir_for(request, scope, devoir_id)
    values = {"service": service_value(devoir["division_id"], devoir["matiere_id"], devoir["enseignant_id"]),
              "libelle": devoir["libelle"], "date": devoir["date"].isoformat(),
              "coefficient": shown(devoir["coefficient"]), "bareme": str(devoir["bareme"])}
    return _form_page(request, scope, DevoirForm(values=values, errors={}), devoir)


MAX_GRADE_SQL = "SELECT MAX(valeur) AS plus_haute FROM notes_note WHERE devoir = {}"


@post("/{devoir_id:int}/modifier")
async def edit_devoir(request: Request) -> Response:
    devoir_id = request.path_params["devoir_id"]
    scope = await scope_of(request)
    devoir = await devoir_for(request, scope, devoir_id)
    form = read_devoir_form(await request.form(), scope, await labels_of(scope))
    highest = (await NotesDevoir.raw(MAX_GRADE_SQL, devoir_id))[0]["plus_haute"]
    if form.bareme is not None and highest is not None and highest > form.bareme:
        form.errors["bareme"] = _("Une note de ce devoir vaut %(note)s : le barème ne peut pas être plus petit.",
                                  note=shown(highest))
    if form.service and (form.service["division_id"], form.service["matiere_id"]) != (devoir["division_id"], devoir["matiere_id"]):
        form.errors["service"] = _("La classe et la matière d'un devoir ne changent pas : créez un autre devoir.")
    if form.errors:
        return _form_page(request, scope, form, devoir)
    async with write_transaction():
        await NotesDevoir.update({
            NotesDevoir.enseignant_id: form.service["enseignant_id"], NotesDevoir.libelle: form.values["libelle"],
            NotesDevoir.date: form.date, NotesDevoir.coefficient: form.coefficient, NotesDevoir.bareme: form.bareme,
            NotesDevoir.modifie_le: now(),
        }).where(NotesDevoir.id == devoir_id)
        await audit(request, "notes.devoir.modifier",
                    f"Devoir modifié : {_summary(form.values['libelle'], form.service, form.date)}.")
    return go(back(devoir_id, "modifie"))


# --- one devoir: its grades and its publication ------------------------------------------------------

GRADES_SQL = "SELECT eleve_id, valeur, code FROM notes_note WHERE devoir = {}"


async def _pupils(devoir: dict) -> list[dict]:
    return await pupils_of_structure(devoir["division_id"])


async def _devoir_page(request: Request, scope: Scope, devoir: dict, typed: dict[str, str] | None = None,
                       errors: dict[str, str] | None = None, import_errors: str = "") -> Response:
    labels = await labels_of(scope)
    pupils = await _pupils(devoir)
    grades = {row["eleve_id"]: row for row in await NotesDevoir.raw(GRADES_SQL, devoir["id"])}
    options = await establishment_options(scope.etablissement_id, "notes", request)
    ok = request.query_params.get("ok") or ""
    return render(request, "notes/staff/devoir.html", {
        "devoir": described(devoir, labels),
        "eleves": [{
            **pupil,
            "champ": f"note-{pupil['id']}",
            "saisie": typed.get(f"note-{pupil['id']}", "") if typed is not None else shown(
                grades[pupil["id"]]["valeur"], grades[pupil["id"]]["code"]) if pupil["id"] in grades else "",
        } for pupil in pupils],
        "erreurs": errors or {},
        "erreur_import": import_errors,
        "statistiques": statistics([g["valeur"] for g in grades.values() if g["valeur"] is not None]),
        "nombre_notes": len(grades),
        "publication": publication_text(devoir, options, labels),
        "message": MESSAGES.get(ok),
        "ecrites": {k: _count(request.query_params.get(k)) for k in ("ajoutees", "modifiees", "supprimees")} if ok in ("notes", "import") else None,
        "max_ko": csv_import.MAX_BYTES // 1024,
    })


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 0


def statistics(values: list[float]) -> dict | None:
    """The devoir's average, lowest and highest numeric grades, as the teacher checks them."""
    if not values:
        return None
    return {"moyenne": shown(round(sum(values) / len(values), 2)), "min": shown(min(values)), "max": shown(max(values))}


def publication_text(devoir: dict, options: dict, labels: Labels) -> str:
    """When families see this devoir's grades, after the rule they are shown by (rules.py)."""
    a_partir_du = options.get("publication") == rules.A_PARTIR_DU
    if not devoir["publie"]:
        if a_partir_du:
            return _("L'établissement publie les notes de chaque trimestre à partir d'une date : les familles verront "
                     "ces notes une fois le devoir publié.")
        return _("L'établissement publie les notes au fil de l'eau : les familles verront ces notes une fois le "
                 "devoir publié.")
    periodes = [Periode.de_ligne(p) for p in labels.periods]
    visible = rules.visible_le(True, devoir["publie_le"], devoir["date"], options, periodes)
    if visible is None:  # only « à partir d'une date » without a date for the period
        return _("L'établissement publie les notes de chaque trimestre à partir d'une date, qui n'est pas encore "
                 "fixée pour la période de ce devoir : les familles ne voient pas encore ces notes.")
    jour = format_date(visible)
    if visible <= now():
        if a_partir_du:
            return _("L'établissement publie les notes de chaque trimestre à partir d'une date : les familles voient "
                     "ces notes depuis le %(date)s.", date=jour)
        return _("L'établissement publie les notes au fil de l'eau : les familles voient ces notes depuis le "
                 "%(date)s.", date=jour)
    if a_partir_du:
        return _("L'établissement publie les notes de chaque trimestre à partir d'une date : les familles verront "
                 "ces notes à partir du %(date)s.", date=jour)
    return _("L'établissement publie les notes au fil de l'eau : les familles verront ces notes à partir du "
             "%(date)s.", date=jour)


@get("/{devoir_id:int}", name="notes:devoir")
async def devoir_page(request: Request) -> Response:
    devoir_id = request.path_params["devoir_id"]
    scope = await scope_of(request)
    return await _devoir_page(request, scope, await devoir_for(request, scope, devoir_id))


def read_grades(form: Any, pupils: list[dict], bareme: int) -> tuple[dict[str, str], dict[str, str], dict[int, Grade | None]]:
    """The grades typed for the pupils of the class: as typed, the errors by field, the grades."""
    typed, errors, grades = {}, {}, {}
    for pupil in pupils:
        name = f"note-{pupil['id']}"
        typed[name] = (form.get(name) or "")[:20]
        try:
            grades[pupil["id"]] = read_grade(typed[name], bareme)
        except GradeError as exc:
            errors[name] = str(exc)
    return typed, errors, grades


def _written_detail(devoir: dict, written: Written) -> str:
    return (f"« {devoir['libelle']} » du {devoir['date']:%d/%m/%Y} : {written.ajoutees} note(s) ajoutée(s), "
            f"{written.modifiees} modifiée(s), {written.supprimees} supprimée(s)")


@post("/{devoir_id:int}/notes")
async def save_grades(request: Request) -> Response:
    devoir_id = request.path_params["devoir_id"]
    scope = await scope_of(request)
    devoir = await devoir_for(request, scope, devoir_id)
    typed, errors, grades = read_grades(await request.form(), await _pupils(devoir), devoir["bareme"])
    if errors:
        return await _devoir_page(request, scope, devoir, typed, errors)
    async with write_transaction():
        written = await write_grades({devoir_id: grades})
        if written.total:
            await audit(request, "notes.saisie", f"Notes saisies, {_written_detail(devoir, written)}.")
            await notify_families(request, devoir, written.eleves)
    if not written.total:
        return go(back(devoir_id, "inchange"))
    return go(back(devoir_id, "notes", ajoutees=written.ajoutees, modifiees=written.modifiees,
                   supprimees=written.supprimees))


async def _set_published(request: Request, devoir_id: int, publie: bool) -> Response:
    scope = await scope_of(request)
    devoir = await devoir_for(request, scope, devoir_id)
    if devoir["publie"] != publie:
        stamp = now()
        async with write_transaction():
            await NotesDevoir.update({
                NotesDevoir.publie: publie, NotesDevoir.publie_le: stamp if publie else None,
            }).where(NotesDevoir.id == devoir_id)
            await audit(request, "notes.publier" if publie else "notes.depublier",
                        f"{'Publication' if publie else 'Publication retirée'} : « {devoir['libelle']} » du "
                        f"{devoir['date']:%d/%m/%Y}.")
            if publie:
                graded = await NotesDevoir.raw(GRADED_SQL, devoir_id)
                await notify_families(request, {**devoir, "publie": True, "publie_le": stamp},
                                      [row["eleve_id"] for row in graded])
    return go(back(devoir_id, "publie" if publie else "depublie"))


GRADED_SQL = "SELECT eleve_id FROM notes_note WHERE devoir = {}"


async def notify_families(request: Request, devoir: dict, eleves: Any) -> None:
    """Inside the transaction of a publication or of grades saved: « Nouvelles notes publiées »
    for the families of these pupils (see ``notify_families_of``)."""
    await notify_families_of(request, devoir["etablissement_id"], [(devoir, eleves)])


async def notify_families_of(request: Request, etablissement_id: int, told: list[tuple[dict, Any]]) -> None:
    """The same for several devoirs of one establishment (a push): for each, the families of its
    pupils, if they see its grades now (published, and the establishment's publication date
    reached). Grades that become visible later, on the date the establishment chose, are not
    notified. The establishment's settings and the subjects are read once, whatever the devoirs."""
    told = [(devoir, sorted(set(eleves))) for devoir, eleves in told if devoir["publie"] and eleves]
    if not told:
        return
    options = await establishment_options(etablissement_id, "notes", request)
    periodes = [Periode.de_ligne(p) for p in await periods(etablissement_id)]
    told = [(devoir, eleves) for devoir, eleves in told if rules.est_visible(
        rules.visible_le(True, devoir["publie_le"], devoir["date"], options, periodes), maintenant())]
    matieres = (await labels({devoir["matiere_id"] for devoir, _ in told}, []))["matiere"] if told else {}
    for devoir, eleves in told:
        matiere = matieres.get(devoir["matiere_id"])
        # Written in each family's language by notify (a lazy string); the date reads the same in both.
        titre = _l("%(matiere)s : « %(libelle)s » du %(date)s", matiere=matiere["libelle"] if matiere else _l("Notes"),
                   libelle=devoir["libelle"], date=format_date(devoir["date"]))
        await notify(request, eleves, "notes.publiees", titre)


@post("/{devoir_id:int}/publier")
async def publish(request: Request) -> Response:
    devoir_id = request.path_params["devoir_id"]
    return await _set_published(request, devoir_id, True)


@post("/{devoir_id:int}/depublier")
async def unpublish(request: Request) -> Response:
    devoir_id = request.path_params["devoir_id"]
    return await _set_published(request, devoir_id, False)


# --- CSV import: preview, then confirm ----------------------------------------------------------------


@post("/{devoir_id:int}/import", request_max_body_size=MAX_UPLOAD)
async def import_preview(request: Request) -> Response:
    """The file read against the class's pupils: every line, every bad line with its reason.
    Nothing is written here: the preview's confirmation posts the grades it shows."""
    devoir_id = request.path_params["devoir_id"]
    scope = await scope_of(request)
    devoir = await devoir_for(request, scope, devoir_id)
    upload = (await request.form()).get("fichier")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _devoir_page(request, scope, devoir, import_errors=_("Choisissez un fichier CSV."))
    data = await upload.read()
    pupils = csv_import.pupils_from(await _pupils(devoir))
    preview = csv_import.read_csv(data, pupils, devoir["bareme"])
    labels = await labels_of(scope)
    return render(request, "notes/staff/import.html", {
        "devoir": described(devoir, labels),
        "fichier": upload.filename.rsplit("/", 1)[-1][:120],
        "apercu": preview,
        "shown": shown,
    })


@post("/{devoir_id:int}/import/confirmer")
async def import_confirm(request: Request) -> Response:
    """The grades of a valid preview, sent back as hidden fields, checked again and written."""
    devoir_id = request.path_params["devoir_id"]
    scope = await scope_of(request)
    devoir = await devoir_for(request, scope, devoir_id)
    form = await request.form()
    pupils = [p for p in await _pupils(devoir) if f"note-{p['id']}" in form]
    typed, errors, grades = read_grades(form, pupils, devoir["bareme"])
    grades = {eleve: grade for eleve, grade in grades.items() if grade is not None}
    if errors or not grades:
        return await _devoir_page(request, scope, devoir, import_errors=_(
            "Le fichier n'a pas pu être importé : envoyez-le de nouveau."))
    async with write_transaction():
        written = await write_grades({devoir_id: grades})
        await audit(request, "notes.import", f"Notes importées (CSV), {_written_detail(devoir, written)}.")
        await notify_families(request, devoir, written.eleves)
    return go(back(devoir_id, "import", ajoutees=written.ajoutees, modifiees=written.modifiees,
                   supprimees=written.supprimees))


ROUTES = [
    devoirs_page, new_devoir_page, create_devoir, edit_devoir_page, edit_devoir, devoir_page, save_grades,
    publish, unpublish, import_preview, import_confirm,
]
