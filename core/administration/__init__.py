"""The staff side of the portal ("Administration Téléservices", guide 1.3): the services an
establishment opens and their options, its staff accounts, the academy administrator's choice
of establishment, and the audit log. Every page sits behind ``staff_guard`` and works on the
establishment of ``staff_establishment``, never on one named by the request."""

from teleservices.core.administration import etablissements, journal, personnels, services

ROUTES = [*services.ROUTES, *personnels.ROUTES, *etablissements.ROUTES, *journal.ROUTES]
