"""Settings read from the environment fail loudly and default to safe values."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from capuy import env


def run_settings(extra_env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CAPUY_ENV", "SECRET_KEY", "DEBUG", "DATABASE_URL")
    }
    clean.update(extra_env)
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='capuy.settings'; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_production_is_the_default_and_requires_a_secret_key():
    result = run_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked():
    result = run_settings(
        {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "capuy.example.vn"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "có")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG", False)


def test_malformed_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "năm")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT"):
        env.env_int("AXES_FAILURE_LIMIT", 5)


def test_malformed_database_url_names_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_database_url("DATABASE_URL", "sqlite:///x")


def test_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 60 + "\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.env_str("SECRET_KEY") == "s" * 60


def test_check_deploy_reports_nothing_with_production_settings():
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests in this process, never in deployment.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CAPUY_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    }
    clean.update(
        {
            "CAPUY_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "capuy.example.vn",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "capuy", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
