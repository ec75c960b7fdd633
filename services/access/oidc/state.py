"""What a sign-in must remember between the redirect to the provider and the callback.

State, nonce and PKCE verifier live in a short-lived cookie on the browser that started
the sign-in, sealed with AES-GCM: the browser can neither read the verifier nor forge a
state, and another browser (an attacker who sends a victim their own callback URL) has
no cookie whose state matches.  No server-side table is needed, so any eakte process can
finish a sign-in another one started.

The sealing key is derived from ``EAKTE_OIDC__CLIENT_SECRET`` (a secret every eakte
process of a deployment shares).  A public client without a secret gets a key per
process; its sign-ins must then end on the process that started them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.errors import EAkteError
from services.ports import Clock

SIGN_IN_COOKIE = "eakte_signin"
SIGN_IN_SECONDS = 600
"""Time for the person to sign in at the provider."""


class SignInStateError(EAkteError):
    """The callback does not belong to a sign-in this browser started (or it is too old)."""

    title = "Sign-in not recognised"


@dataclass(frozen=True)
class SignInState:
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_path: str
    started_at: float

    @classmethod
    def new(cls, *, redirect_uri: str, next_path: str, clock: Clock) -> SignInState:
        return cls(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            # RFC 7636: 43 to 128 characters; 64 random bytes give 86.
            code_verifier=secrets.token_urlsafe(64),
            redirect_uri=redirect_uri,
            next_path=next_path,
            started_at=clock.now().timestamp(),
        )

    def matches(self, state: str | None) -> bool:
        return state is not None and hmac.compare_digest(self.state, state)


class StateSealer:
    """Seals :class:`SignInState` into a cookie value and opens it again."""

    _INFO = b"eakte oidc sign-in state v1"

    def __init__(self, secret: str | None, clock: Clock) -> None:
        material = secret.encode() if secret else os.urandom(32)
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=self._INFO).derive(
            material
        )
        self._aead = AESGCM(key)
        self._clock = clock

    def seal(self, value: SignInState) -> str:
        nonce = os.urandom(12)
        plain = json.dumps(asdict(value), separators=(",", ":")).encode()
        sealed = nonce + self._aead.encrypt(nonce, plain, self._INFO)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open(self, cookie: str | None) -> SignInState:
        if not cookie:
            raise SignInStateError(
                "no sign-in was started in this browser (or its cookie was blocked); "
                "start again at /auth/login"
            )
        try:
            raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
            plain = self._aead.decrypt(raw[:12], raw[12:], self._INFO)
            value = SignInState(**json.loads(plain))
        except (binascii.Error, ValueError, TypeError, InvalidTag):
            raise SignInStateError("the sign-in cookie is not valid; start again") from None
        age = self._clock.now().timestamp() - value.started_at
        if not 0 <= age <= SIGN_IN_SECONDS:
            raise SignInStateError("the sign-in took too long; start again")
        return value
