"""The fiche's tables: the change requests families submit and the school processes (guide
3.3: changes never overwrite the record; the school accepts or refuses each field).

A request (``FicheDemande``) targets the pupil's record or one guardian's, and holds one row per
changed field (``FicheChangement``: the value when asked, the value asked, the decision). Core
rows (establishment, pupil, guardian, account) are referred to by plain integer ids. The second
migration creates the unique indexes that make the guide's rules hold under concurrency: one
pending request per pupil record (the guardians take turns), one per guardian's record, one row
per field of a request (the last change wins).
"""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ELEVE, RESPONSABLE = "eleve", "responsable"
EN_ATTENTE, TRAITEE = "en_attente", "traitee"
ACCEPTEE, REFUSEE = "acceptee", "refusee"


class FicheDemande(Table):
    etablissement_id = Integer(index=True)
    eleve_id = Integer(index=True)  # the pupil whose fiche it was asked from
    cible = Varchar(length=12)  # ELEVE | RESPONSABLE
    responsable_id = Integer(null=True, default=None)  # the guardian, for RESPONSABLE
    resp_legal = Integer(default=0)  # 1 or 2, for RESPONSABLE: how the form was titled
    compte_id = Integer(null=True, default=None)  # who asked (null once the account is gone)
    identifiant = Varchar(length=80)  # kept for the history
    etat = Varchar(length=12, default=EN_ATTENTE)  # EN_ATTENTE | TRAITEE
    cree_le = Timestamptz(default=TimestamptzNow())
    modifie_le = Timestamptz(default=TimestamptzNow())
    traitee_le = Timestamptz(null=True, default=None)
    traitee_par = Varchar(length=120, default="")
    commentaire = Text(default="")  # the school's, included in the mail


class FicheChangement(Table):
    demande = ForeignKey(FicheDemande, on_delete=OnDelete.cascade, index=True)
    champ = Varchar(length=40)  # a field of core's PUPIL_FIELDS or GUARDIAN_FIELDS
    ancienne = Text(default="")  # the record's value when asked, as text
    nouvelle = Text(default="")  # the value asked, as text
    decision = Varchar(length=10, default="")  # "" (pending) | ACCEPTEE | REFUSEE


TABLES = [FicheDemande, FicheChangement]
