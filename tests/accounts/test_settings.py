import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from baiyun_talent.envconfig import database_from_env, email_backend_from_env, env_bool, env_choice, env_int, env_list

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kP2@qL9!mZ4$wR8^tY1&uI6*oE3(aS5)dF0_gH-jK+lN=bV",
    "ALLOWED_HOSTS": "talent.by.gov.cn",
    "HTTPS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "TRUST_X_FORWARDED_PROTO": "true",
    "DATABASE_URL": "postgres://baiyun:secret@db:5432/baiyun",
    "REDIS_URL": "redis://redis:6379/0",
    "STORAGE": "s3",
    "S3_BUCKET": "baiyun-private",
    "S3_ACCESS_KEY_ID": "minio",
    "S3_SECRET_ACCESS_KEY": "minio-secret",
    "S3_ENDPOINT_URL": "http://minio:9000",
    "EMAIL_BACKEND": "smtp",
    "ADMINS": "值班室 <ops@talent.by.gov.cn>",
    "METRICS_TOKEN": "metrics-0123456789-abcdefghijklmnopqrstuvwxyz",
    "STATISTICS_DATABASE_URL": "postgres://baiyun:secret@db-replica:5432/baiyun",
    "LOG_FORMAT": "json",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Runs manage.py in a fresh interpreter, so settings are read from `env` alone."""
    base = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("ON", True), ("no", False), ("", False)])
def test_env_bool_reads_words(raw, expected):
    assert env_bool("FLAG", default=False, environ={"FLAG": raw}) is expected


def test_env_bool_default_when_absent():
    assert env_bool("FLAG", default=True, environ={}) is True


def test_env_bool_refuses_other_words_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG must be one of"):
        env_bool("DEBUG", default=False, environ={"DEBUG": "maybe"})


def test_env_int_refuses_text_and_small_numbers():
    with pytest.raises(ImproperlyConfigured, match=r"^MATERIAL_MAX_MB must be a whole number"):
        env_int("MATERIAL_MAX_MB", default=10, environ={"MATERIAL_MAX_MB": "ten"})
    with pytest.raises(ImproperlyConfigured, match=r"^MATERIAL_MAX_MB must be at least 1"):
        env_int("MATERIAL_MAX_MB", default=10, minimum=1, environ={"MATERIAL_MAX_MB": "0"})
    assert env_int("MATERIAL_MAX_MB", default=10, environ={"MATERIAL_MAX_MB": "25"}) == 25


def test_env_list_splits_on_commas():
    assert env_list("ALLOWED_HOSTS", default=[], environ={"ALLOWED_HOSTS": "a.cn, b.cn,,"}) == ["a.cn", "b.cn"]


def test_env_choice_refuses_unknown_storage():
    with pytest.raises(ImproperlyConfigured, match=r"^STORAGE must be one of local, s3, not 'ftp'"):
        env_choice("STORAGE", choices=("local", "s3"), default="local", environ={"STORAGE": "ftp"})


def test_database_from_env_defaults_to_sqlite(tmp_path):
    config = database_from_env(default_sqlite_path=str(tmp_path / "var" / "db.sqlite3"), environ={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "db.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_database_from_env_reads_postgres_with_persistent_connections():
    config = database_from_env(
        default_sqlite_path="unused", environ={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/baiyun"}
    )
    assert (config["ENGINE"], config["NAME"], config["HOST"], config["PORT"], config["USER"]) == (
        "django.db.backends.postgresql",
        "baiyun",
        "127.0.0.1",
        5432,
        "postgres",
    )
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/baiyun", "^DATABASE_URL must start with sqlite:// or postgres://, not 'mysql'"),
        ("postgres://postgres@127.0.0.1:5432/", "^DATABASE_URL must name the database"),
    ],
)
def test_database_from_env_refuses_bad_urls(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_env(default_sqlite_path="unused", environ={"DATABASE_URL": url})


def test_email_backend_from_env_aliases_and_refusal():
    assert email_backend_from_env(debug=True, environ={}) == "django.core.mail.backends.filebased.EmailBackend"
    assert email_backend_from_env(debug=True, environ={"EMAIL_BACKEND": "console"}) == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert email_backend_from_env(debug=False, environ={}) == "django.core.mail.backends.smtp.EmailBackend"
    with pytest.raises(ImproperlyConfigured, match=r"^EMAIL_BACKEND must be"):
        email_backend_from_env(debug=False, environ={"EMAIL_BACKEND": "pigeon"})


def test_start_up_without_secret_key_fails_naming_it():
    result = run_manage("check", env={"DEBUG": "false"})
    assert result.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_start_up_with_s3_storage_needs_its_credentials():
    result = run_manage("check", env={"DEBUG": "true", "STORAGE": "s3", "S3_BUCKET": "b"})
    assert result.returncode == 1
    assert "S3_ACCESS_KEY_ID must be set when STORAGE is s3." in result.stderr


def test_start_up_with_bad_redis_url_fails_naming_it():
    result = run_manage("check", env={"DEBUG": "true", "REDIS_URL": "localhost:6379"})
    assert result.returncode == 1
    assert "REDIS_URL must start with redis://" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.stderr == ""
    # Silenced with their reasons in settings.SILENCED_SYSTEM_CHECKS: axes.W006 and django_ratelimit.W001.
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."
    assert result.returncode == 0
