"""Demo entries for ``teleservices demo``: Léa's class, 4G, has a realistic timetable of lessons
for last week, this week and next week, and the homework its teachers gave (some with links);
3E has this week's and next week's lessons in a few subjects. Léa ticked « Fait » on the homework
already due. Each entry is written by the teacher who teaches its subject to the class (Claire
PETIT, ``demo.prof``, teaches EPS in 4G and physique-chimie in 3E: she can edit those).

Deterministic, and idempotent: nothing is written for an establishment that already has entries.
The service is not opened here: an establishment's head opens it (« Administration Téléservices »).
"""

from __future__ import annotations

import datetime as dt

from teleservices.core.api import (
    DemoContext, pupil_structures, structures, subjects, teaching_services, write_transaction,
)
from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance

SAISIE = "demo"

# A 4e timetable (code de gestion per lesson), Monday to Friday; Wednesday afternoon is free.
EMPLOI_DU_TEMPS = {
    0: ("FRANC", "MATHS", "HIGEO", "AGL1", "SVT"),
    1: ("MATHS", "ESP2", "FRANC", "EPS"),
    2: ("AGL1", "FRANC", "MATHS"),
    3: ("PH-CH", "HIGEO", "A-PLA", "AGL1", "ESP2"),
    4: ("FRANC", "MATHS", "EDMUS", "SVT", "EPS"),
}
# 3E: a few subjects only.
EMPLOI_DU_TEMPS_3E = {0: ("MATHS", "PH-CH"), 1: ("FRANC",), 3: ("PH-CH", "HIGEO"), 4: ("MATHS",)}

# What each subject does, lesson after lesson, and the homework it gives (None: none that day),
# with its links.
PROGRESSION = {
    "FRANC": [
        ("Lecture analytique : « Le Horla » de Maupassant, le journal du narrateur. Relevé des marques du doute.",
         ("Lire la fin de la nouvelle (p. 84 à 92) et noter trois passages où le narrateur doute de sa raison.", [])),
        ("Grammaire : les valeurs du présent. Exercices 3 et 5 p. 210 corrigés ensemble.", None),
        ("Expression écrite : préparation du récit fantastique (plan en quatre étapes).",
         ("Rédiger le brouillon de l'introduction du récit (15 lignes environ).", [])),
        ("Orthographe : l'accord du participe passé avec avoir. Dictée préparée.",
         ("Revoir la règle et les mots de la dictée préparée : dictée en classe.",
          [("Leçon : le participe passé (vidéo)", "https://www.lumni.fr/video/l-accord-du-participe-passe-avec-avoir")])),
        ("Correction de la dictée. Lecture cursive : présentation des nouvelles de Mérimée.", None),
        ("Oral : lecture expressive d'un extrait du « Horla », en binômes.",
         ("Apprendre l'extrait choisi pour la lecture expressive (10 lignes).", [])),
        ("Étude de la langue : le discours rapporté, direct et indirect.", None),
        ("Lecture : « La Vénus d'Ille », première partie ; le portrait de la statue.",
         ("Lire la deuxième partie de « La Vénus d'Ille » et répondre aux questions 1 à 4 de la fiche.",
          [("Fiche de lecture", "https://www.bibliotheques.paris.fr/la-venus-d-ille-fiche")])),
    ],
    "MATHS": [
        ("Théorème de Pythagore : énoncé, vocabulaire (hypoténuse), premiers calculs de longueur.",
         ("Exercices 12 et 14 p. 115.",
          [("Rappel de cours (vidéo)", "https://www.lumni.fr/video/le-theoreme-de-pythagore")])),
        ("Correction des exercices. La réciproque du théorème de Pythagore.", None),
        ("Activité : un triangle est-il rectangle ? Travail en groupes.",
         ("Exercices 21, 22 et 25 p. 117 (réciproque).", [])),
        ("Calcul littéral : développer avec la simple distributivité.", None),
        ("Calcul littéral : réduire une expression. Exercices en autonomie.",
         ("Fiche d'exercices « Réduire » : exercices 1 à 6.",
          [("Fiche d'exercices", "https://mathenpoche.sesamath.net/?page=quatrieme")])),
        ("Évaluation : théorème de Pythagore et sa réciproque (45 minutes).", None),
        ("Correction de l'évaluation. Puissances de 10 : écritures et notations.",
         ("Apprendre les règles de calcul sur les puissances de 10 (encadré p. 42).", [])),
        ("Puissances : notation scientifique, exemples en physique.", None),
        ("Exercices de synthèse sur les puissances.", ("Exercices 8 et 9 p. 47.", [])),
        ("Géométrie : le cosinus d'un angle aigu (découverte).", None),
        ("Cosinus : calculer une longueur, calculer un angle (calculatrice en mode degrés).",
         ("Exercices 3 et 4 p. 190 ; apporter la calculatrice.", [])),
        ("Problème ouvert : la hauteur du préau de l'école.", None),
    ],
    "HIGEO": [
        ("Histoire : la Révolution française, 1789 ; les états généraux et la prise de la Bastille.",
         ("Apprendre les dates clés du cours (1789) et la définition de « souveraineté nationale ».", [])),
        ("Histoire : la Déclaration des droits de l'homme et du citoyen ; étude des articles 1, 6 et 11.",
         ("Répondre aux questions du document 3 p. 98.",
          [("Le texte de la Déclaration", "https://www.legifrance.gouv.fr/contenu/menu/droit-national-en-vigueur/constitution/declaration-des-droits-de-l-homme-et-du-citoyen-de-1789")])),
        ("Géographie : l'urbanisation du monde ; les métropoles et leurs aires urbaines.", None),
        ("Géographie : étude de cas, Lagos. Croquis de synthèse commencé en classe.",
         ("Terminer le croquis de Lagos (légende en trois parties).", [])),
        ("EMC : la liberté d'expression et ses limites ; débat réglé.", None),
        ("Histoire : la République et la Terreur (1792-1794).", ("Réviser le chapitre : évaluation.", [])),
    ],
    "AGL1": [
        ("Unit 3 « Travelling » : vocabulary of transport, listening p. 34.",
         ("Learn the vocabulary list p. 35 (transport).", [])),
        ("Grammar: the past simple, regular and irregular verbs.", None),
        ("Reading: a letter from New York. Questions in pairs.",
         ("Apprendre les 15 verbes irréguliers de la liste 2.",
          [("Liste des verbes irréguliers", "https://www.anglaisfacile.com/verbes-irreguliers.php")])),
        ("Speaking: telling a past journey; role play.", None),
        ("Writing: a postcard from holidays (60 words).", ("Write your postcard (60 words), on the worksheet.", [])),
        ("Test: past simple and transport vocabulary.", None),
        ("Correction of the test. Unit 4 « Food around the world »: introduction.", None),
        ("Listening: a recipe; countable and uncountable nouns.",
         ("Exercise 2 p. 45 (countable / uncountable).", [])),
    ],
    "ESP2": [
        ("Unidad 2 « En el instituto » : el horario, las asignaturas.", ("Aprender el vocabulario de las asignaturas.", [])),
        ("Gramática : el verbo « gustar ». Ejercicios orales.", None),
        ("Comprensión oral : una jornada en un instituto de Madrid.",
         ("Conjuguer « gustar » et « encantar » (fiche de grammaire).", [])),
        ("Expresión escrita : describir su horario ideal.", None),
        ("Repaso : la hora, los días de la semana.", ("Réviser pour l'interrogation orale.", [])),
        ("Interrogación oral. Cultura : los horarios en España.", None),
    ],
    "SVT": [
        ("La reproduction humaine : la puberté, transformations du corps.",
         ("Apprendre le bilan du chapitre 3 (schéma de l'appareil reproducteur).", [])),
        ("Activité documentaire : le rôle des hormones.", None),
        ("Observation au microscope : cellules de l'épiderme d'oignon.",
         ("Finir le dessin d'observation (titre, légende, grossissement).", [])),
        ("Bilan de l'observation. La cellule, unité du vivant.", None),
        ("Évaluation : la puberté et les cellules.", None),
        ("Correction de l'évaluation. La nutrition des organes : introduction.",
         ("Lire les documents 1 et 2 p. 64.", [])),
    ],
    "PH-CH": [
        ("Chimie : la combustion du carbone ; expérience en salle de TP, tests au dioxyde de carbone.",
         ("Rédiger le compte rendu du TP (schéma, observations, conclusion).",
          [("Protocole du TP", "https://phychim.ac-versailles.fr/combustion-du-carbone")])),
        ("Chimie : l'équation de réaction ; conservation des atomes.", None),
        ("Exercices sur les équations de réaction.", ("Exercices 5, 6 et 9 p. 72.", [])),
        ("Électricité : la tension et sa mesure avec un voltmètre.", None),
    ],
    "EPS": [
        ("Demi-fond : test du 6 minutes, relevé des distances et de la fréquence cardiaque.",
         ("Apporter une tenue de sport complète et une bouteille d'eau pour le cycle de demi-fond.", [])),
        ("Demi-fond : travail fractionné 30/30, régularité des allures.", None),
        ("Badminton : le service court et le dégagement ; matchs en montante-descendante.",
         ("Revoir les règles du badminton (fiche) : questionnaire en début de séance.",
          [("Règles du badminton", "https://www.ffbad.org/decouvrir-le-badminton/les-regles")])),
        ("Badminton : tournoi par équipes, arbitrage par les élèves.", None),
    ],
    "A-PLA": [
        ("Arts plastiques : « L'objet détourné », recherche d'idées et croquis.",
         ("Apporter un objet du quotidien à détourner (petit format).", [])),
        ("Réalisation : transformation de l'objet, premières mises en volume.", None),
    ],
    "EDMUS": [
        ("Éducation musicale : écoute de « Carmen » de Bizet, l'ouverture ; le thème et ses variations.",
         ("Réécouter l'ouverture et noter deux instruments reconnus.",
          [("Écoute : ouverture de Carmen", "https://www.radiofrance.fr/francemusique/podcasts/carmen-ouverture")])),
        ("Chant : « Les Champs-Élysées », travail de la polyphonie.", None),
    ],
}


def _semaines(aujourdhui: dt.date) -> list[dt.date]:
    courante = rules.semaine_par_defaut(aujourdhui)
    return [courante - dt.timedelta(days=7), courante, courante + dt.timedelta(days=7)]


def _cours(lundis: list[dt.date], emploi: dict[int, tuple[str, ...]]) -> list[tuple[dt.date, str]]:
    """Every lesson of these weeks, in order: (day, code de gestion)."""
    return [(lundi + dt.timedelta(days=jour), code) for lundi in lundis for jour, codes in sorted(emploi.items())
            for code in codes]


async def load(context: DemoContext) -> None:
    college = context.etablissements.get("college")
    if college is None or await CahierSeance.exists().where(CahierSeance.etablissement_id == college):
        return  # no collège, or already loaded: a second run changes nothing
    await context.open_service("college", "cahier")  # the collège offers it in the demo
    classes = {row["code_structure"]: row["id"] for row in await structures(college)}
    matieres = {row["code_gestion"]: row["id"] for row in await subjects(college)}
    qui = {(s["division_id"], s["matiere_id"]): s["enseignant_id"] for s in await teaching_services(college)}
    lundis = _semaines(context.today)
    seances: list[CahierSeance] = []
    devoirs: list[CahierDevoir] = []
    for code, semaines, emploi in (("4G", lundis, EMPLOI_DU_TEMPS), ("3E", lundis[1:], EMPLOI_DU_TEMPS_3E)):
        division_id = classes.get(code)
        if division_id is None:
            continue
        cours = _cours(semaines, emploi)
        for matiere, progression in PROGRESSION.items():
            if matiere not in matieres:
                continue
            jours = [jour for jour, m in cours if m == matiere]
            matiere_id = matieres[matiere]
            enseignant_id = qui.get((division_id, matiere_id))
            for rang, jour in enumerate(jours):
                contenu, devoir = progression[rang % len(progression)]
                seances.append(CahierSeance(
                    etablissement_id=college, division_id=division_id, matiere_id=matiere_id,
                    enseignant_id=enseignant_id, date=jour, contenu=contenu, saisie_par=SAISIE, reference=""))
                if devoir and rang + 1 < len(jours):  # due for the subject's next lesson
                    description, liens = devoir
                    devoirs.append(CahierDevoir(
                        etablissement_id=college, division_id=division_id, matiere_id=matiere_id,
                        enseignant_id=enseignant_id, donne_le=jour, pour_le=jours[rang + 1],
                        description=description, saisie_par=SAISIE, reference="",
                        liens=rules.liens_en_json(rules.Lien(l, u) for l, u in liens)))
    if not seances:
        return
    async with write_transaction():
        await CahierSeance.insert(*seances)
        if devoirs:
            await CahierDevoir.insert(*devoirs)
    await _lea_a_fait(context, college)


async def _lea_a_fait(context: DemoContext, college: int) -> None:
    """The demo pupil ticked « Fait » on the homework of her class already due."""
    eleve_id = context.eleves.get("collegien")
    if eleve_id is None:
        return
    divisions = [row["id"] for row in await pupil_structures(eleve_id)]
    if not divisions:
        return
    dus = await CahierDevoir.select(CahierDevoir.id).where(
        (CahierDevoir.etablissement_id == college) & CahierDevoir.division_id.is_in(divisions)
        & (CahierDevoir.pour_le < context.today))
    if dus:
        async with write_transaction():
            await CahierFait.insert(*(CahierFait(devoir_id=row["id"], eleve_id=eleve_id) for row in dus))
