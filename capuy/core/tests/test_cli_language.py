"""The language of the command line: ``CAPUY_LANGUAGE=en capuy …`` answers in English, without
the variable the commands speak Vietnamese, and an unknown language stops before any command
runs (status 2) with a message in both languages naming the variable, the value and the codes.

Each case runs the real ``capuy`` entry point (``python -m capuy``) on a command that fails
before touching the database: ``synth --members 0``.
"""

import os
import subprocess
import sys

import pytest


def capuy(tmp_path, *args, language=None) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CAPUY_LANGUAGE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update({"CAPUY_ENV": "test", "CAPUY_VAR_DIR": str(tmp_path)})
    if language is not None:
        env["CAPUY_LANGUAGE"] = language
    return subprocess.run(
        [sys.executable, "-m", "capuy", *args], env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "CommandError: --members phải lớn hơn 0."),
        ("", "CommandError: --members phải lớn hơn 0."),  # set but empty: as if unset
        ("vi", "CommandError: --members phải lớn hơn 0."),
        ("en", "CommandError: --members must be greater than 0."),
    ],
)
def test_the_command_speaks_the_language_of_capuy_language(tmp_path, language, message):
    result = capuy(tmp_path, "synth", "--members", "0", language=language)

    assert result.returncode == 1
    assert result.stderr.strip() == message


def test_the_help_is_in_english_too(tmp_path):
    result = capuy(tmp_path, "synth", "--help", language="en")

    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Generate a national-scale synthetic dataset" in text
    assert "delete the old synthetic data first" in text


def test_an_unknown_language_stops_with_status_2_and_names_the_allowed_codes(tmp_path):
    result = capuy(tmp_path, "synth", "--members", "0", language="fr")

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "CAPUY_LANGUAGE='fr': chỉ nhận vi, en / only vi, en are accepted"
    )
    assert result.stdout == ""


@pytest.mark.parametrize("language", [None, "en"])
def test_the_settings_named_on_the_command_line_are_the_ones_read(tmp_path, language):
    result = capuy(
        tmp_path, "synth", "--members", "0", "--settings=capuy.no_such_settings", language=language
    )

    assert result.returncode == 1
    assert "No module named 'capuy.no_such_settings'" in result.stderr
