"""The inscription plugin's tables: the lycée's campaign and offer, the affectations of pupils of
other establishments to it, and each family's enrolment (dossier) as it goes through the steps.

Core rows (establishments, pupils, accounts) are referred to by plain integer ids. The second
migration creates the unique indexes: one campaign per lycée, one affectation per pupil, one
enrolment per affectation, one offered course per lycée, MEF and code.
"""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class InscriptionCampagne(Table):
    """The lycée's campaign: when families may enrol, and its information message."""

    etablissement_id = Integer(index=True)  # the lycée
    rentree = Integer()  # the year of the rentrée: « L'inscription pour la rentrée 2027 »
    ouverture = Date()
    fermeture = Date()  # the last day families may write
    message = Text(default="")  # « Information du LYCEE … », plain text
    options_min = Integer(default=0)  # how many enseignements d'exploration or options a pupil chooses
    options_max = Integer(default=2)
    incompatibles = JSON(default=[])  # pairs of option codes that cannot be taken together
    # The day its opening was told to the families (saved open, or the daily task on its first
    # day); None while it has not been, or once its dates moved ahead again.
    annoncee_le = Date(null=True, default=None)


class InscriptionOffre(Table):
    """A course the lycée offers for a MEF: a LV1, a LV2 or an option."""

    etablissement_id = Integer(index=True)
    code_mef = Varchar(length=11)
    categorie = Varchar(length=10)  # rules.LV1 | rules.LV2 | rules.OPTION
    code = Varchar(length=20)  # « AGL1 »
    libelle = Varchar(length=120)


class InscriptionAffectation(Table):
    """A pupil of another establishment assigned to the lycée for next year (from Affelnet, by
    INE or SIECLE id), in a MEF of the lycée."""

    lycee_id = Integer(index=True)
    eleve_id = Integer()  # the pupil's row at their current collège
    code_mef = Varchar(length=11, default="")
    cree_le = Timestamptz(default=TimestamptzNow())


class InscriptionDossier(Table):
    """A family's enrolment: the steps done, the wishes, when it was confirmed."""

    affectation = ForeignKey(InscriptionAffectation, on_delete=OnDelete.cascade)
    etapes = JSON(default=[])  # the steps done (rules.VALIDATION…)
    lv1 = Varchar(length=20, default="")
    lv2 = Varchar(length=20, default="")
    options = JSON(default=[])
    compte_id = Integer(null=True, default=None)  # the parent who confirmed
    confirme_le = Timestamptz(null=True, default=None)
    rouvert = Boolean(default=False)  # the lycée re-opened it after a confirmation
    modifie_le = Timestamptz(default=TimestamptzNow())


TABLES = [InscriptionCampagne, InscriptionOffre, InscriptionAffectation, InscriptionDossier]
