"""The absences plugin's table: the absence events the vie scolaire records, or school software
pushes, per pupil and half-day.

Core rows (establishment, pupil, account) are referred to by plain integer ids: a plugin never
imports the core's tables. The second migration creates, in SQL that SQLite and PostgreSQL both
accept, the unique indexes: the school software's ``reference`` per establishment, and one
portal-entered event per pupil and half-day (the staff page edits that row).
"""

from piccolo.columns import Boolean, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

MATIN, APRES_MIDI = "matin", "apres_midi"
DEMI_JOURNEES = (MATIN, APRES_MIDI)
SIGNALEE, CONSTATEE = "signalee", "constatee"
ETATS = (SIGNALEE, CONSTATEE)


class AbsencesAbsence(Table):
    """An absence of a pupil during a half-day, as the school records it: signalée (by the
    family, beforehand) or constatée (seen in class); classée once the vie scolaire processed
    it, with or without a motif légitime."""

    etablissement_id = Integer(index=True)
    eleve_id = Integer(index=True)
    date = Date(index=True)
    demi_journee = Varchar(length=10)  # MATIN | APRES_MIDI
    etat = Varchar(length=10, default=SIGNALEE)  # SIGNALEE | CONSTATEE
    classee = Boolean(default=False)
    motif_legitime = Boolean(default=False)
    motif = Varchar(length=120, default="")  # the reason's label: « Maladie », « Rendez-vous médical »
    saisie_par = Varchar(length=120, default="")  # who recorded it: a staff member's name, or the software
    # The school software's own identifier; "" when entered on the portal.
    reference = Varchar(length=80, default="")
    cree_le = Timestamptz(default=TimestamptzNow())
    modifie_le = Timestamptz(default=TimestamptzNow())


TABLES = [AbsencesAbsence]
