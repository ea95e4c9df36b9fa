"""Fixed two-factor keys of the demo users and their current TOTP codes.

The keys are public on purpose (they are in this file): anyone can sign in to a demo. They are
also why ``capuy demo`` refuses to run in production unless told otherwise.

To enrol a phone instead of running ``capuy demo_otp``, add the base32 secret to any
authenticator app (TOTP, SHA-1, 6 digits, 30 s):

=========  ========================================  ================================
user       hex key (TOTPDevice.key)                  base32 secret
=========  ========================================  ================================
admin      63617075792064656d6f2061646d696e20303031  MNQXA5LZEBSGK3LPEBQWI3LJNYQDAMBR
vanphong   63617075792064656d6f2076616e70686f6e6731  MNQXA5LZEBSGK3LPEB3GC3TQNBXW4ZZR
=========  ========================================  ================================
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import NamedTuple

from django_otp.oath import TOTP

# ASCII "capuy demo admin 001" / "capuy demo vanphong1": 20 bytes, as RFC 4226 recommends.
DEMO_TOTP_KEYS = {
    "admin": "63617075792064656d6f2061646d696e20303031",
    "vanphong": "63617075792064656d6f2076616e70686f6e6731",
}


def base32_secret(hex_key: str) -> str:
    return b32encode(bytes.fromhex(hex_key)).decode()


class CurrentCode(NamedTuple):
    code: str
    seconds_left: int
    already_used: bool  # the device accepted this step's code before: wait for the next one


def current_code(device, now: float | None = None) -> CurrentCode:
    """The code ``device.verify_token`` accepts right now, computed the way django-otp does.

    Reads the device without changing it (``verify_token`` would consume the code).
    """
    now = time.time() if now is None else now
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    code = str(totp.token()).zfill(device.digits)
    seconds_left = device.step - int(now - device.t0) % device.step
    return CurrentCode(code, seconds_left, totp.t() <= device.last_t)
