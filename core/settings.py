"""Settings, read from ``TELESERVICES_*`` environment variables (documented in the README)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

PREFIX = "TELESERVICES_"


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _secret_key(var_dir: Path) -> str:
    """A key kept in var/ so that a restart does not invalidate every form."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    var_dir: Path
    plugins: tuple[str, ...] | None = None  # allow-list; None means every installed plugin
    theme: str = "default"
    base_url: str = "http://127.0.0.1:8000"
    session_idle_minutes: int = 120
    session_max_hours: int = 12
    debug: bool = False
    db_pool_max: int = 0  # PostgreSQL connections kept open per worker; 0: one per query
    smtp_url: str = ""  # smtp://user:password@host:587 (STARTTLS), smtps://host:465; "" keeps mails
    mail_from: str = "Administrateur des services en ligne <administrateur-teleservices@localhost>"
    dev_mailbox: bool = False  # /dev/courriels shows the outbox: for the demo, never in production
    mail_interval: float = 5.0  # seconds between two passes of the server's mail sender
    redis_url: str = ""  # redis://host:6379/0: sessions in Redis, shared by workers and machines; "": the database
    # The load balancers' addresses (or networks): behind them, a client's address is read
    # from X-Forwarded-For, and only then.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(PREFIX + name, default)

        var_dir = Path(get("VAR_DIR", "var")).resolve()
        # A relative SQLite path would silently create a new empty database elsewhere.
        default_db = f"sqlite:///{var_dir / 'teleservices.sqlite3'}"
        plugins = get("PLUGINS").strip()
        return cls(
            database_url=get("DATABASE_URL", default_db),
            secret_key=get("SECRET_KEY") or _secret_key(var_dir),
            var_dir=var_dir,
            plugins=tuple(p.strip() for p in plugins.split(",") if p.strip()) if plugins else None,
            theme=get("THEME", "default"),
            base_url=get("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            session_idle_minutes=int(get("SESSION_IDLE_MINUTES", "120")),
            session_max_hours=int(get("SESSION_MAX_HOURS", "12")),
            debug=_flag(get("DEBUG", "0")),
            db_pool_max=int(get("DB_POOL_MAX", "10")),
            smtp_url=get("SMTP_URL"),
            mail_from=get("MAIL_FROM", cls.mail_from),
            dev_mailbox=_flag(get("DEV_MAILBOX", "0")),
            mail_interval=float(get("MAIL_INTERVAL", "5")),
            redis_url=get("REDIS_URL").strip(),
            trusted_proxies=_networks(get("TRUSTED_PROXIES")),
        )


def _networks(value: str) -> tuple[str, ...]:
    """Addresses or networks separated by commas, each checked now rather than at a request."""
    networks = tuple(part.strip() for part in value.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ValueError(f"{PREFIX}TRUSTED_PROXIES : adresse ou réseau invalide : {network!r}") from None
    return networks
