"""Demo grades for ``teleservices demo``: every class of both demo schools gets a first term of
assessments, all graded and published, and the first weeks of the second term, the latest not
published yet; a few ABS, DIS and N.NOT; coefficients and scales that differ. Deterministic (the
same grades every run) and idempotent (an establishment with assessments is left alone).

The assessments carry a ``reference`` (« DEMO-… »), as if pushed by the school's software.
"""

from __future__ import annotations

import datetime as dt
import random

from teleservices.core.api import DemoContext, now, periods, pupils_of_structure, structures, teaching_services
from teleservices.plugins.notes.tables import NotesDevoir, NotesNote

# (libellé, coefficient, barème) by subject code; the others get the first line.
CONTROLES = {
    "MATHS": [("Calcul littéral", 2.0, 20), ("Interrogation", 1.0, 10), ("Géométrie", 2.0, 20)],
    "FRANC": [("Dictée", 1.0, 20), ("Rédaction", 2.0, 20), ("Lecture suivie", 1.0, 20)],
    "AGL1": [("Vocabulaire", 0.5, 10), ("Compréhension orale", 1.0, 20), ("Expression écrite", 1.0, 20)],
    "ESP2": [("Vocabulaire", 0.5, 10), ("Expression orale", 1.0, 20), ("Compréhension écrite", 1.0, 20)],
    "HIGEO": [("Croquis", 1.0, 20), ("Évaluation", 2.0, 20), ("Repères", 1.0, 10)],
    "SVT": [("TP", 1.0, 20), ("Évaluation", 2.0, 20), ("Exposé", 1.0, 20)],
    "PH-CH": [("TP", 1.0, 20), ("Évaluation", 2.0, 20), ("Interrogation", 1.0, 10)],
    "EPS": [("Course de durée", 1.0, 20), ("Badminton", 1.0, 20), ("Acrosport", 1.0, 20)],
    "A-PLA": [("Production", 1.0, 20), ("Croquis", 1.0, 20), ("Production", 1.0, 20)],
    "EDMUS": [("Chant", 1.0, 20), ("Écoute", 1.0, 20), ("Projet musical", 1.0, 20)],
}
PAR_TRIMESTRE_1 = 3  # assessments per subject in the first term
PAR_TRIMESTRE_2 = 2  # ... and in the weeks of the second term already done
SEMAINES_T2 = 5


async def load(context: DemoContext) -> None:
    for kind, etablissement_id in sorted(context.etablissements.items()):
        if not await NotesDevoir.exists().where(NotesDevoir.etablissement_id == etablissement_id):
            await _etablissement(etablissement_id, random.Random(f"notes-{kind}"))


def _dates(debut: dt.date, fin: dt.date, nombre: int, decalage: int) -> list[dt.date]:
    """``nombre`` weekdays spread over [debut, fin], shifted per subject so that they differ."""
    pas = (fin - debut).days / (nombre + 1)
    dates = []
    for i in range(nombre):
        jour = debut + dt.timedelta(days=int(pas * (i + 1)) + decalage % 5)
        while jour.weekday() >= 5:
            jour -= dt.timedelta(days=1)
        dates.append(jour)
    return dates


async def _etablissement(etablissement_id: int, rng: random.Random) -> None:
    trimestres = {p["code"]: p for p in await periods(etablissement_id)}
    if "T1" not in trimestres or "T2" not in trimestres:
        return
    t1, t2 = trimestres["T1"], trimestres["T2"]
    maintenant = now()
    devoirs, notes_par_reference = [], {}
    for division in await structures(etablissement_id):
        eleves = await pupils_of_structure(division["id"])
        services = [s for s in await teaching_services(etablissement_id) if s["division_id"] == division["id"]]
        niveau = {e["id"]: rng.gauss(12.5, 3) for e in eleves}
        for rang, service in enumerate(services):
            controles = CONTROLES.get(service["code_gestion"], CONTROLES["FRANC"])
            dates = _dates(t1["debut"], t1["fin"], PAR_TRIMESTRE_1, rang) + _dates(
                t2["debut"], t2["debut"] + dt.timedelta(weeks=SEMAINES_T2), PAR_TRIMESTRE_2, rang)
            for numero, date in enumerate(dates):
                libelle, coefficient, bareme = controles[numero % len(controles)]
                # The second term's latest assessment of some subjects is not published yet.
                publie = not (numero == len(dates) - 1 and rang % 3 == 0)
                reference = f"DEMO-{division['code_structure']}-{service['code_gestion']}-{numero + 1}"
                devoirs.append(NotesDevoir(
                    etablissement_id=etablissement_id, division_id=division["id"], matiere_id=service["matiere_id"],
                    enseignant_id=service["enseignant_id"], libelle=libelle, date=date, coefficient=coefficient,
                    bareme=bareme, publie=publie, reference=reference,
                    publie_le=_passe(date + dt.timedelta(days=2), maintenant) if publie else None,
                ))
                saisie = {"saisie_le": _passe(date + dt.timedelta(days=1), maintenant)}
                notes_par_reference[reference] = [
                    _note(rng, niveau[e["id"]], bareme) | saisie | {"eleve_id": e["id"]} for e in eleves
                ]
    if not devoirs:
        return
    rows = await NotesDevoir.insert(*devoirs).returning(NotesDevoir.id, NotesDevoir.reference)
    await NotesNote.insert(*(
        NotesNote(devoir=row["id"], **note)
        for row in rows
        for note in notes_par_reference[row["reference"]]
    ))


def _passe(jour: dt.date, maintenant: dt.datetime) -> dt.datetime:
    """That day at 17:00, or an hour ago for a day still to come (the second term's assessments
    when the demo is made before it): the demo's grades are all entered and published already."""
    return min(dt.datetime.combine(jour, dt.time(17, 0), tzinfo=dt.timezone.utc), maintenant - dt.timedelta(hours=1))


def _note(rng: random.Random, niveau: float, bareme: int) -> dict:
    """A pupil's grade around their level, to the half point; now and then a code."""
    tirage = rng.random()
    if tirage < 0.04:
        return {"valeur": None, "code": "ABS"}
    if tirage < 0.05:
        return {"valeur": None, "code": "DIS"}
    if tirage < 0.06:
        return {"valeur": None, "code": "NNOT"}
    sur_20 = max(0.0, min(20.0, rng.gauss(niveau, 2.5)))
    return {"valeur": round(sur_20 * bareme / 20 * 2) / 2, "code": ""}

