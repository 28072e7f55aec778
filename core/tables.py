"""The core's tables: establishments and their school year, the SIECLE people, accounts.

Column names follow the SIECLE BEE exports (see shared/data/siecle-samples): ``eleve_id`` is
ELEVE_ID, ``personne_id`` is PERSONNE_ID, ``code_mef``, ``code_regime``, ``code_parente``...
Plugins never import this module: they go through ``teleservices.core.api``.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Etablissement(Table):
    """An EPLE (collège or lycée), identified by its UAI (RNE)."""

    uai = Varchar(length=8, unique=True)
    type = Varchar(length=10)  # "college" | "lycee"
    sigle = Varchar(length=10, default="")  # CLG, LYC, LP...
    nom = Varchar(length=120)
    adresse_ligne1 = Varchar(length=120, default="")
    adresse_ligne2 = Varchar(length=120, default="")
    code_postal = Varchar(length=10, default="")
    commune = Varchar(length=80, default="")
    telephone = Varchar(length=20, default="")
    telecopie = Varchar(length=20, default="")
    mel = Varchar(length=120, default="")
    vie_scolaire_mel = Varchar(length=120, default="")
    vie_scolaire_telephone = Varchar(length=20, default="")
    # Guide 3.1: "si l'établissement le souhaite", a contact link under its address.
    afficher_contact = Boolean(default=False)
    # The welcome message the head writes for families (Administration Téléservices).
    message_accueil = Text(default="")
    # The academy (e.g. "LILLE"): an academy administrator sees its establishments.
    academie = Varchar(length=40, default="")


class Periode(Table):
    """A period of the school year of one establishment (T1, T2, T3 or S1, S2)."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade)
    code = Varchar(length=10)
    libelle = Varchar(length=60)
    debut = Date()
    fin = Date()


class Division(Table):
    """A SIECLE structure: a class (TYPE_STRUCTURE D, e.g. "4G") or a group (G, e.g. "4ALL2")."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade)
    code_structure = Varchar(length=20)
    libelle = Varchar(length=60, default="")
    code_mef = Varchar(length=11, default="")
    type_structure = Varchar(length=1, default="D")


class Mef(Table):
    """A MEF (module élémentaire de formation) of the SIECLE nomenclature, e.g. 3EME."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade)
    code_mef = Varchar(length=11)
    formation = Varchar(length=40, default="")
    libelle_long = Varchar(length=120, default="")
    libelle_edition = Varchar(length=120, default="")
    mef_rattachement = Varchar(length=11, default="")


class Matiere(Table):
    """A subject of the SIECLE nomenclature (CODE_GESTION, LIBELLE_EDITION)."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade)
    code_matiere = Varchar(length=6)
    code_gestion = Varchar(length=10)
    libelle = Varchar(length=60)
    libelle_court = Varchar(length=40, default="")
    libelle_long = Varchar(length=120, default="")


class Enseignant(Table):
    """A teacher of STS-web (INDIVIDU of TYPE "epp"); ``sts_id`` is the INDIVIDU ID."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade)
    civilite = Varchar(length=4, default="")
    nom = Varchar(length=80)
    prenom = Varchar(length=80, default="")
    sts_id = Varchar(length=20, default="")


class Enseignement(Table):
    """A teaching service: this teacher teaches this subject to this class."""

    enseignant = ForeignKey(Enseignant, on_delete=OnDelete.cascade)
    matiere = ForeignKey(Matiere, on_delete=OnDelete.cascade)
    division = ForeignKey(Division, on_delete=OnDelete.cascade)
    professeur_principal = Boolean(default=False)


class Eleve(Table):
    eleve_id = Varchar(length=20, unique=True)  # SIECLE ELEVE_ID
    ine = Varchar(length=11, default="")  # ID_NATIONAL
    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade)
    division = ForeignKey(Division, on_delete=OnDelete.set_null, null=True)
    nom_de_famille = Varchar(length=100)
    prenom = Varchar(length=60)
    prenom2 = Varchar(length=60, default="")
    prenom3 = Varchar(length=60, default="")
    code_sexe = Varchar(length=1)  # 1 masculin, 2 féminin
    date_naiss = Date()
    code_pays_naiss = Varchar(length=3, default="100")
    ville_naiss = Varchar(length=80, default="")
    code_commune_insee_naiss = Varchar(length=5, default="")
    code_regime = Varchar(length=3, default="")
    mel = Varchar(length=120, default="")
    # The pupil's own phones, and whether they live at guardian 1's address (the fiche, guide 3.3).
    tel_domicile = Varchar(length=20, default="")
    tel_travail = Varchar(length=20, default="")
    tel_portable = Varchar(length=20, default="")
    adresse_resp1 = Boolean(default=True)
    # Guide 1.2: the head removed this pupil's access to the national follow-up services.
    acces_suivi_retire = Boolean(default=False)
    code_mef = Varchar(length=11, default="")
    date_entree = Date(null=True, default=None)
    # DATE_SORTIE of SIECLE: a pupil who left keeps their history but loses access.
    date_sortie = Date(null=True, default=None)


class EleveGroupe(Table):
    """A pupil's membership of a group (a structure of TYPE_STRUCTURE G)."""

    eleve = ForeignKey(Eleve, on_delete=OnDelete.cascade, index=True)
    division = ForeignKey(Division, on_delete=OnDelete.cascade, index=True)


class Responsable(Table):
    """A SIECLE PERSONNE: a guardian or another person in charge of pupils."""

    personne_id = Varchar(length=20, unique=True)
    lc_civilite = Varchar(length=4, default="")  # "M." / "MME"
    nom_de_famille = Varchar(length=100)
    prenom = Varchar(length=60, default="")
    code_profession = Varchar(length=3, default="")
    ligne1_adresse = Varchar(length=120, default="")
    ligne2_adresse = Varchar(length=120, default="")
    ligne3_adresse = Varchar(length=120, default="")
    ligne4_adresse = Varchar(length=120, default="")
    code_postal = Varchar(length=10, default="")
    libelle_postal = Varchar(length=80, default="")
    commune_etrangere = Varchar(length=80, default="")
    code_pays = Varchar(length=3, default="100")
    tel_personnel = Varchar(length=20, default="")
    tel_professionnel = Varchar(length=20, default="")
    tel_portable = Varchar(length=20, default="")
    accepte_sms = Boolean(default=False)
    mel = Varchar(length=120, default="")
    communication_adresse = Boolean(default=False)


class ResponsableEleve(Table):
    """RESPONSABLE_ELEVE: which person is responsible for which pupil, and how."""

    eleve = ForeignKey(Eleve, on_delete=OnDelete.cascade)
    responsable = ForeignKey(Responsable, on_delete=OnDelete.cascade)
    resp_legal = Integer(default=0)  # 1 or 2: legal guardian level; 0 otherwise
    niveau_responsabilite = Integer(default=1)
    code_parente = Varchar(length=2, default="")  # 10 mère, 20 père, 50 tuteur...


class Compte(Table):
    """An internet account: a family member's or a staff member's."""

    identifiant = Varchar(length=80, unique=True)
    mot_de_passe = Varchar(length=200)  # argon2id hash
    type = Varchar(length=10)  # "parent" | "eleve" | "personnel"
    # "provisoire": created by the school, provisional password (guide 2.2);
    # "en_attente": first connection done, e-mail link not clicked yet (parents);
    # "actif"; "desactive": made unusable by the school (refusal coupon, guide 1.2).
    etat = Varchar(length=12, default="actif")
    mel = Varchar(length=120, default="")
    mel_verifie = Boolean(default=False)
    # A staff account belongs to one establishment, with one role (StaffRole); an academy
    # administrator belongs to an academy instead.
    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade, null=True)
    role = Varchar(length=20, default="")
    academie = Varchar(length=40, default="")
    enseignant = ForeignKey(Enseignant, on_delete=OnDelete.set_null, null=True)
    nom_affiche = Varchar(length=120, default="")
    responsable = ForeignKey(Responsable, on_delete=OnDelete.set_null, null=True)
    cree_le = Timestamptz(default=TimestamptzNow())
    # Since when the account waits for its e-mail confirmation: purged after 3 months.
    attente_depuis = Timestamptz(null=True, default=None)
    active_le = Timestamptz(null=True, default=None)
    # The portal's language the account chose (teleservices.core.i18n.LANGUAGES); « »: the browser's.
    langue = Varchar(length=5, default="")


class CompteEleve(Table):
    """Which pupils an account may see; for a parent, through which guardian link."""

    compte = ForeignKey(Compte, on_delete=OnDelete.cascade, index=True)
    eleve = ForeignKey(Eleve, on_delete=OnDelete.cascade, index=True)
    responsable_eleve = ForeignKey(ResponsableEleve, on_delete=OnDelete.cascade, null=True)


class ServiceActivation(Table):
    """A service opened (or closed) by the head of an establishment."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade, index=True)
    service = Varchar(length=40)
    ouvert = Boolean(default=False)
    options = JSON(default={})


class Session(Table):
    """A server-side session. Only a hash of the cookie's token is stored."""

    token_hash = Varchar(length=64, unique=True)
    compte = ForeignKey(Compte, on_delete=OnDelete.cascade)
    cree_le = Timestamptz(default=TimestamptzNow())
    vu_le = Timestamptz(default=TimestamptzNow())
    # The establishment an academy administrator is working on in this session.
    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.set_null, null=True)


class Jeton(Table):
    """A single-use token sent by e-mail (activation, password reset, new address).

    Only its hash is stored. ``empreinte`` fingerprints the account's password and e-mail when
    the token was made: a token whose account changed either since is dead.
    """

    compte = ForeignKey(Compte, on_delete=OnDelete.cascade, index=True)
    objet = Varchar(length=20)  # "activation" | "reinitialisation" | "mel"
    token_hash = Varchar(length=64, unique=True)
    mel = Varchar(length=120, default="")  # the address to confirm, for "activation" and "mel"
    empreinte = Varchar(length=64)
    cree_le = Timestamptz(default=TimestamptzNow())
    expire_le = Timestamptz()
    utilise_le = Timestamptz(null=True, default=None)


class Courriel(Table):
    """The outbox: a mail is written here in the transaction that causes it, sent later."""

    destinataire = Varchar(length=120)
    sujet = Varchar(length=200)
    corps = Text()
    cree_le = Timestamptz(default=TimestamptzNow())
    envoye_le = Timestamptz(null=True, default=None)
    tentatives = Integer(default=0)
    prochain_essai = Timestamptz(default=TimestamptzNow())
    erreur = Text(default="")
    # A sender claims a mail before sending it, so that two senders never send it twice.
    verrou = Varchar(length=32, default="")
    verrou_jusqua = Timestamptz(null=True, default=None)


class Tentative(Table):
    """Failed password checks per key (an identifier, a client address): growing delays."""

    cle = Varchar(length=200, unique=True)
    echecs = Integer(default=0)
    dernier_echec = Timestamptz(default=TimestamptzNow())


class Journal(Table):
    """The audit log: every staff action (who, what, when, from where), read by the head."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade, null=True, index=True)
    compte = ForeignKey(Compte, on_delete=OnDelete.set_null, null=True)
    identifiant = Varchar(length=80)  # kept when the account is deleted
    action = Varchar(length=60)
    detail = Text(default="")
    adresse = Varchar(length=64, default="")
    quand = Timestamptz(default=TimestamptzNow())


class CleApi(Table):
    """An API key of an establishment, for school software pushing data. Only its hash is kept."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade, index=True)
    nom = Varchar(length=80)
    prefixe = Varchar(length=12)  # shown, so that staff recognise a key without seeing it
    token_hash = Varchar(length=64, unique=True)
    portees = JSON(default=[])  # the service keys this key may push to
    cree_par = ForeignKey(Compte, on_delete=OnDelete.set_null, null=True)
    cree_le = Timestamptz(default=TimestamptzNow())
    utilisee_le = Timestamptz(null=True, default=None)
    revoquee_le = Timestamptz(null=True, default=None)


class ImportSiecle(Table):
    """One SIECLE import into an establishment: its progress while it runs, then its summary."""

    etablissement = ForeignKey(Etablissement, on_delete=OnDelete.cascade, index=True)
    compte = ForeignKey(Compte, on_delete=OnDelete.set_null, null=True)
    cree_le = Timestamptz(default=TimestamptzNow())
    fini_le = Timestamptz(null=True, default=None)
    etat = Varchar(length=12, default="en_cours")  # en_cours | termine | refuse
    progression = Integer(default=0)  # percent
    etape = Varchar(length=200, default="")
    resume = JSON(default=[])  # one summary per file
    erreur = Text(default="")


class LienPrive(Table):
    """A private, revocable link to a service's feed for one child (a calendar subscription):
    the token is the only credential a calendar application can hold. Only its hash is kept; a
    new link replaces the old one; every use re-checks that the account may still see the child
    and the service."""

    compte = ForeignKey(Compte, on_delete=OnDelete.cascade, index=True)
    eleve = ForeignKey(Eleve, on_delete=OnDelete.cascade)
    service = Varchar(length=40)
    token_hash = Varchar(length=64, unique=True)
    cree_le = Timestamptz(default=TimestamptzNow())
    utilise_le = Timestamptz(null=True, default=None)


class Notification(Table):
    """A notification for a family account about one of its children (core/notifications.py): a
    service emits it with ``notify`` inside the transaction of its change; the « Notifications »
    page shows it, and the outbox mails it as the account chose when it was emitted (``canal``)."""

    compte = ForeignKey(Compte, on_delete=OnDelete.cascade, index=True)
    eleve = ForeignKey(Eleve, on_delete=OnDelete.cascade)
    type = Varchar(length=60)  # a type a service declared: "notes.publiees"
    titre = Varchar(length=200)  # in the account's language when it was emitted (its mails)
    # The title in every language the portal speaks ({"fr": …, "en": …}): the page shows the one
    # it is read in (an account reading by its browser's language has chosen none).
    titres = JSON(default="{}")
    lien = Varchar(length=300, default="")  # a path of the portal: the page concerned
    # "aucun" | "immediat" | "resume_quotidien": the account's choice when it was emitted ("aucun"
    # without a confirmed address); a digest mails the "resume_quotidien" ones not mailed yet.
    canal = Varchar(length=20, default="resume_quotidien")
    cree_le = Timestamptz(default=TimestamptzNow())
    lue_le = Timestamptz(null=True, default=None)
    envoyee_le = Timestamptz(null=True, default=None)  # mailed (or told by the service's own mail)


class NotificationPreference(Table):
    """An account's choice of e-mail for one type of notification (none: the daily digest). The
    portal's « Notifications » page always shows them."""

    compte = ForeignKey(Compte, on_delete=OnDelete.cascade, index=True)
    type = Varchar(length=60)
    canal = Varchar(length=20)  # "aucun" | "immediat" | "resume_quotidien"


CORE_TABLES: list[type[Table]] = [
    Etablissement,
    Periode,
    Division,
    Mef,
    Matiere,
    Enseignant,
    Enseignement,
    Eleve,
    EleveGroupe,
    Responsable,
    ResponsableEleve,
    Compte,
    CompteEleve,
    ServiceActivation,
    Session,
    Jeton,
    Courriel,
    Tentative,
    Journal,
    CleApi,
    ImportSiecle,
    LienPrive,
    Notification,
    NotificationPreference,
]
