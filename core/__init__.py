"""Téléservices core: identity, establishments, service activation and the app shell."""
