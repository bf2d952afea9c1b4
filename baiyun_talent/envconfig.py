"""Reading settings from the environment, failing at start-up with the variable's name."""

import os
from collections.abc import Mapping
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """A boolean flag; anything but a clear yes/no is a configuration error."""
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def env_int(name: str, *, default: int, minimum: int = 0, environ: Mapping[str, str] = os.environ) -> int:
    """A whole number not below `minimum`."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, *, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, *, choices: tuple[str, ...], default: str, environ: Mapping[str, str] = os.environ) -> str:
    """One of a fixed set of words."""
    value = environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def database_from_env(*, default_sqlite_path: str, environ: Mapping[str, str] = os.environ) -> dict:
    """`DATABASE_URL` as a Django database; PostgreSQL keeps connections open between requests."""
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        # The embedded default: a SQLite file beside the project, created on first use.
        Path(default_sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{default_sqlite_path}"
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must start with sqlite:// or postgres://, not {scheme or url!r}.")
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL must name the database, e.g. postgres://host:5432/baiyun.")
        # Persistent connections: a new PostgreSQL connection per request costs far more than the request.
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=600, environ=environ)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    config["ATOMIC_REQUESTS"] = False
    return config


def email_backend_from_env(*, debug: bool, environ: Mapping[str, str] = os.environ) -> str:
    """`EMAIL_BACKEND`: console, smtp, locmem, file (under VAR_DIR/mail) or a dotted path."""
    aliases = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    raw = environ.get("EMAIL_BACKEND", "file" if debug else "smtp").strip()
    if raw in aliases:
        return aliases[raw]
    if "." not in raw:
        raise ImproperlyConfigured(f"EMAIL_BACKEND must be console, smtp, locmem, file or a dotted path, not {raw!r}.")
    return raw


def admins_from_env(name: str, *, environ: Mapping[str, str] = os.environ) -> list[tuple[str, str]]:
    """`Name <address>, address, ...` as Django's ADMINS; each must be an e-mail address."""
    raw = environ.get(name, "").strip()
    if not raw:
        return []
    admins = []
    for display, address in getaddresses([raw]):
        if "@" not in address or " " in address:
            raise ImproperlyConfigured(f"{name} must be e-mail addresses separated by commas, not {raw!r}.")
        admins.append((display or address, address))
    return admins
