"""What every benchmark script needs to reach its own PostgreSQL database: create it (or
recreate it) on the local server, and set Django up on it (DATABASE_URL is set by the script
before this is called). Scripts import it by name: run as ``python bench/<script>.py``, their
own folder is the first entry of ``sys.path``, and capuy is installed in the venv."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"  # figures and generated files (ignored by git)


def database_url(name: str) -> str:
    """The local server's database ``name`` (trust authentication, as on every machine here)."""
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def use_database(url: str) -> None:
    """Point Django at the benchmark's database (``BENCH_DATABASE_URL`` overrides ``url``) with
    the development settings and DEBUG off; call before ``setup_django``."""
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capuy.settings")
    os.environ.setdefault("CAPUY_ENV", "development")
    os.environ.setdefault("DEBUG", "0")


def pg_env() -> dict:
    return {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-Atc", sql, database], capture_output=True, text=True, env=pg_env(), check=True
    ).stdout.strip()


def ensure_database(name: str, fresh: bool = False) -> None:
    """Create the database ``name`` if missing; drop and create it again when ``fresh``."""
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and fresh:
        subprocess.run(["dropdb", name], env=pg_env(), check=True)
        exists = ""
    if not exists:
        subprocess.run(["createdb", name], env=pg_env(), check=True)


def setup_django() -> None:
    import django

    django.setup()
