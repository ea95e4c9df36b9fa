"""Settings for the test suite: the same module with CAPUY_ENV=test and fast password hashing."""

import os

os.environ.setdefault("CAPUY_ENV", "test")
os.environ.setdefault("CAPUY_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from capuy.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True

# Uploaded and generated files of a test run never land in var/media.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="capuy-test-media-")
