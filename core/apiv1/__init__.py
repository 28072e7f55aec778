"""The JSON API for school software (``/api/v1``), its keys and their staff page.

``keys``: making, recognising and revoking keys; ``routes``: the API router, its key guard, its
JSON errors and its OpenAPI description; ``pages``: ``/administration/api`` for the head.
This module stays import-free: the session middleware asks it which paths belong to the API.
"""

API_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    """A path of the API (its schema included). These requests authenticate by their
    ``Authorization`` header only: the session cookie is never read for them, which is why
    they need no CSRF token. A ``..`` segment is never taken for the API."""
    return path.startswith(API_PREFIX) and ".." not in path.split("/")
