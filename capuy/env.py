"""Typed readers for environment variables that fail loudly.

Every setting that production may change is read here, so a malformed value stops start-up
with a message naming the variable instead of surfacing later as a confusing error.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    """Return the variable, or the content of the file named by NAME_FILE (for secrets)."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name:
        raise ImproperlyConfigured(f"Chỉ đặt một trong hai biến {name} hoặc {name}_FILE.")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Biến {name}_FILE trỏ tới tệp không đọc được: {file_name} ({exc})"
            ) from exc
    return value


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Thiếu biến môi trường bắt buộc {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Biến môi trường {name}={value!r} không hợp lệ: cần một trong 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={value!r} không hợp lệ: cần một số nguyên."
        ) from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"Biến môi trường {name}={number} phải ≥ {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items


def env_database_url(name: str, default: str) -> dict:
    import dj_database_url

    value = _raw(name) or default
    if not value.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
        raise ImproperlyConfigured(
            f"Biến môi trường {name} không hợp lệ: cần dạng sqlite:///đường/dẫn hoặc "
            "postgresql://user@host:5432/tên_csdl."
        )
    try:
        return dj_database_url.parse(value, conn_max_age=600, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Biến môi trường {name} không hợp lệ: {exc}") from exc
