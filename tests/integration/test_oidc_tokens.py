"""Bearer access tokens from a real OpenID Connect provider (oidc-provider on 127.0.0.1).

Good tokens come from signing in at the provider; bad ones are crafted with the
provider's own private key (or none), so that each refusal is for the one reason tested.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select

from services.access.confidentiality import Confidentiality
from services.access.oidc import OpenIdConnect
from services.access.persons import assign_locally, reset_assignment, set_disabled
from services.access.principal import PrincipalKind
from services.bootstrap import Container, build_container, prepare
from services.db.models import AuditEvent, Person
from services.db.session import unit_of_work
from services.errors import AuthenticationError, ConfigurationError
from services.settings import load_settings
from tests.fixtures.app import make_settings
from tests.fixtures.oidc_provider import AUDIENCE, CLIENT_ID, OidcTestProvider, new_signing_key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    parts = [json.dumps(header).encode(), json.dumps(claims).encode()]
    return ".".join([*(_b64(p) for p in parts), _b64(signature)])


@pytest.fixture
def eakte(tmp_path: Path, oidc_provider: OidcTestProvider) -> Iterator[Container]:
    """eakte's services (no HTTP) trusting the test provider."""
    settings = make_settings(tmp_path / "data", oidc=oidc_provider.settings())
    container = build_container(settings)
    prepare(container, migrate=True)
    yield container
    container.close()


@pytest.fixture
def oidc(eakte: Container) -> OpenIdConnect:
    assert isinstance(eakte.oidc, OpenIdConnect)
    return eakte.oidc


class JwksCounter:
    """An HTTP client for a fresh OpenIdConnect that counts its JWKS fetches."""

    def __init__(self) -> None:
        self.fetches = 0
        self.client = httpx.Client(timeout=10, event_hooks={"request": [self._count]})

    def _count(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/jwks"):
            self.fetches += 1


def test_a_signed_in_persons_access_token_gives_their_mapped_roles_units_and_clearance(
    eakte: Container, oidc: OpenIdConnect, oidc_provider: OidcTestProvider
) -> None:
    tokens = oidc_provider.login("anna")
    claims = oidc.verify_access_token(tokens.access_token)
    assert claims["sub"] == "anna"
    assert claims["aud"] == AUDIENCE
    with unit_of_work(eakte.session_factory) as session:
        principal = oidc.principal_for_claims(session, claims)
    assert principal.kind is PrincipalKind.PERSON
    assert principal.name == "Anna Bauer"
    assert principal.roles == frozenset({"caseworker"})  # GG-Bauaufsicht through role_map
    assert principal.org_units == frozenset({"63"})  # GG-Unbekannt -> 99: not in the plan
    assert principal.clearance is Confidentiality.VS_NFD

    bernd = oidc.verify_access_token(oidc_provider.login("bernd").access_token)
    with unit_of_work(eakte.session_factory) as session:
        admin = oidc.principal_for_claims(session, bernd)
    assert admin.roles == frozenset({"admin"})  # a group named like a role is that role
    assert admin.org_units == frozenset({"10"})
    assert admin.clearance is Confidentiality.OFFEN  # no claim: the access default


def test_the_id_token_is_no_access_token(
    oidc: OpenIdConnect, oidc_provider: OidcTestProvider
) -> None:
    tokens = oidc_provider.login("anna")
    with pytest.raises(AuthenticationError, match="audience"):
        oidc.verify_access_token(tokens.id_token)  # aud is the client id, not the API


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "expired"),
        ({"aud": "some-other-api"}, "audience"),
        ({"aud": [CLIENT_ID + "-other", "x"]}, "audience"),
        ({"iss": "http://127.0.0.1:1"}, "another issuer"),
        ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, "future"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"exp": None}, "'exp'"),
        ({"sub": None}, "'sub'"),
    ],
    ids=["expired", "wrong-audience", "wrong-audience-list", "wrong-issuer", "future-iat",
         "nbf", "no-exp", "no-sub"],
)  # fmt: skip
def test_tokens_signed_by_the_provider_with_wrong_claims_are_refused(
    oidc: OpenIdConnect,
    oidc_provider: OidcTestProvider,
    overrides: dict[str, Any],
    message: str,
) -> None:
    good = oidc_provider.sign(oidc_provider.access_claims())
    assert oidc.verify_access_token(good)["sub"] == "anna"
    bad = oidc_provider.sign(oidc_provider.access_claims(**overrides))
    with pytest.raises(AuthenticationError, match=message):
        oidc.verify_access_token(bad)


def test_alg_none_is_refused(oidc: OpenIdConnect, oidc_provider: OidcTestProvider) -> None:
    claims = oidc_provider.access_claims(groups=["admin"])
    for alg in ("none", "None", "NONE"):
        token = _unsigned({"alg": alg, "typ": "at+jwt"}, claims)
        with pytest.raises(AuthenticationError, match="algorithm is not accepted"):
            oidc.verify_access_token(token)
    kid = oidc_provider.signing_key["kid"]
    with pytest.raises(AuthenticationError, match="algorithm is not accepted"):
        oidc.verify_access_token(_unsigned({"alg": "none", "kid": kid}, claims))


def test_hs256_with_the_public_key_as_secret_is_refused(
    oidc: OpenIdConnect, oidc_provider: OidcTestProvider
) -> None:
    """The classic key-confusion forgery: HMAC "signed" with the published RSA key."""
    public_jwk = {k: oidc_provider.signing_key[k] for k in ("kty", "n", "e")}
    public = RSAAlgorithm.from_jwk(json.dumps(public_jwk))
    secrets = [
        public.public_bytes(  # type: ignore[union-attr]
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        json.dumps(public_jwk).encode(),
    ]
    header = {"alg": "HS256", "typ": "at+jwt", "kid": oidc_provider.signing_key["kid"]}
    claims = oidc_provider.access_claims(groups=["admin"])
    for secret in secrets:
        signing_input = ".".join(_b64(json.dumps(p).encode()) for p in (header, claims))
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        with pytest.raises(AuthenticationError, match="algorithm is not accepted"):
            oidc.verify_access_token(f"{signing_input}.{_b64(signature)}")


def test_a_tampered_token_is_refused(oidc: OpenIdConnect, oidc_provider: OidcTestProvider) -> None:
    real = oidc_provider.login("anna").access_token
    header, payload, signature = real.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["admin"]
    forged = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(AuthenticationError, match="signature is not valid"):
        oidc.verify_access_token(forged)
    flipped = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    with pytest.raises(AuthenticationError, match="signature is not valid"):
        oidc.verify_access_token(f"{header}.{payload}.{flipped}")
    # The provider's key id on a token signed with another key: the signature tells.
    stranger = new_signing_key()
    stranger["kid"] = oidc_provider.signing_key["kid"]
    with pytest.raises(AuthenticationError, match="signature is not valid"):
        oidc.verify_access_token(oidc_provider.sign(oidc_provider.access_claims(), key=stranger))


def test_unknown_key_ids_are_refused_and_refetch_the_jwks_at_most_every_30_seconds(
    eakte: Container, oidc_provider: OidcTestProvider
) -> None:
    counter = JwksCounter()
    oidc = OpenIdConnect(eakte.settings, eakte.roles, eakte.clock, http=counter.client)
    oidc.verify_access_token(oidc_provider.sign(oidc_provider.access_claims()))
    assert counter.fetches == 1
    for _ in range(5):
        unknown = oidc_provider.sign(oidc_provider.access_claims(), key=new_signing_key())
        with pytest.raises(AuthenticationError, match="key the provider does not list"):
            oidc.verify_access_token(unknown)
    assert counter.fetches == 2  # one refetch for the first unknown kid, then rate-limited
    for malformed in ("not-a-jwt", "a.b.c", ""):
        with pytest.raises(AuthenticationError):
            oidc.verify_access_token(malformed)


def test_key_rotation_at_the_provider_is_followed_without_a_restart(
    eakte: Container, oidc_provider: OidcTestProvider
) -> None:
    counter = JwksCounter()
    oidc = OpenIdConnect(eakte.settings, eakte.roles, eakte.clock, http=counter.client)
    before = oidc_provider.login("carla")
    assert oidc.verify_access_token(before.access_token)["sub"] == "carla"
    old_kid = oidc_provider.signing_key["kid"]

    new_key = oidc_provider.rotate_keys(keep_old=True)

    after = oidc_provider.login("carla")
    assert jwt.get_unverified_header(after.access_token)["kid"] == new_key["kid"] != old_kid
    assert oidc.verify_access_token(after.access_token)["sub"] == "carla"
    assert oidc.verify_access_token(before.access_token)["sub"] == "carla"  # old key listed
    assert counter.fetches == 2

    # The old key withdrawn: an eakte that learns the JWKS now refuses what it signed.
    oidc_provider.rotate_keys(keep_old=False)
    fresh = OpenIdConnect(eakte.settings, eakte.roles, eakte.clock)
    with pytest.raises(AuthenticationError, match="key the provider does not list"):
        fresh.verify_access_token(before.access_token)
    assert fresh.verify_access_token(oidc_provider.login("carla").access_token)["sub"] == "carla"


def test_first_sign_in_creates_the_person_and_local_assignment_survives_sign_ins(
    eakte: Container, oidc: OpenIdConnect, oidc_provider: OidcTestProvider
) -> None:
    claims = oidc.verify_access_token(oidc_provider.login("carla").access_token)
    with unit_of_work(eakte.session_factory) as session:
        first = oidc.principal_for_claims(session, claims)
    with unit_of_work(eakte.session_factory) as session:
        again = oidc.principal_for_claims(session, claims)
        persons = session.scalars(select(Person)).all()
        created = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.created")
        ).all()
    assert first.id == again.id
    assert [p.subject for p in persons] == ["carla"]
    assert persons[0].issuer == oidc_provider.issuer
    assert persons[0].assignment == "claims"
    assert first.roles == frozenset({"caseworker"})
    assert first.org_units == frozenset({"32"})
    assert first.clearance is Confidentiality.VERTRAULICH  # "vertraulich" in the claim
    assert len(created) == 1 and created[0].object_id == first.id
    assert "secret" not in json.dumps(created[0].details).lower()

    with unit_of_work(eakte.session_factory) as session:
        assign_locally(
            session,
            first.id,
            roles=["records_manager"],
            org_units=["32.3"],
            clearance="003",
            catalog=eakte.roles,
            actor="key:test (admin)",
            clock=eakte.clock,
        )
    with unit_of_work(eakte.session_factory) as session:
        local = oidc.principal_for_claims(session, claims)
    assert local.roles == frozenset({"records_manager"})
    assert local.org_units == frozenset({"32.3"})
    assert local.clearance is Confidentiality.OFFEN

    # Back to the claims: the next token's groups apply again, and the change is audited.
    with unit_of_work(eakte.session_factory) as session:
        reset_assignment(session, first.id, actor="key:test (admin)", clock=eakte.clock)
    changed = oidc_provider.access_claims("carla", groups=["auditor", "GG-Amt63"])
    with unit_of_work(eakte.session_factory) as session:
        from_claims = oidc.principal_for_claims(
            session, oidc.verify_access_token(oidc_provider.sign(changed))
        )
        applied = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.claims_applied")
        ).all()
    assert from_claims.roles == frozenset({"auditor"})
    assert from_claims.org_units == frozenset({"63"})
    assert len(applied) == 1
    assert applied[0].details["after"]["roles"] == ["auditor"]

    with unit_of_work(eakte.session_factory) as session:
        set_disabled(session, first.id, True, actor="key:test (admin)", clock=eakte.clock)
    with (
        pytest.raises(AuthenticationError, match="disabled"),
        unit_of_work(eakte.session_factory) as session,
    ):
        oidc.principal_for_claims(session, claims)


def test_group_paths_and_string_claims_are_mapped(
    eakte: Container, oidc: OpenIdConnect, oidc_provider: OidcTestProvider
) -> None:
    keycloak_style = oidc_provider.access_claims(
        "anna", groups=["/Ämter/GG-Amt63", "/caseworker"], clearance="nonsense"
    )
    with unit_of_work(eakte.session_factory) as session:
        principal = oidc.principal_for_claims(
            session, oidc.verify_access_token(oidc_provider.sign(keycloak_style))
        )
    assert principal.roles == frozenset({"caseworker"})
    assert principal.org_units == frozenset({"63"})
    assert principal.clearance is Confidentiality.OFFEN  # unknown level: the default
    spaced = oidc_provider.access_claims("anna", groups="GG-Amt10 auditor", clearance="001")
    with unit_of_work(eakte.session_factory) as session:
        principal = oidc.principal_for_claims(
            session, oidc.verify_access_token(oidc_provider.sign(spaced))
        )
    assert principal.roles == frozenset({"auditor"})
    assert principal.org_units == frozenset({"10"})
    assert principal.clearance is Confidentiality.GEHEIM


@pytest.mark.parametrize("algorithms", [["RS256", "HS256"], ["none"], []])
def test_symmetric_or_no_algorithms_are_a_configuration_error(
    tmp_path: Path, oidc_provider: OidcTestProvider, algorithms: list[str]
) -> None:
    settings = make_settings(tmp_path / "data", oidc=oidc_provider.settings(algorithms=algorithms))
    with pytest.raises(ConfigurationError, match="ALGORITHMS"):
        build_container(settings)


def test_a_role_map_to_an_unknown_role_is_a_configuration_error(
    tmp_path: Path, oidc_provider: OidcTestProvider
) -> None:
    settings = make_settings(
        tmp_path / "data", oidc=oidc_provider.settings(role_map={"GG-X": "superuser"})
    )
    with pytest.raises(ConfigurationError, match="superuser"):
        build_container(settings)


@pytest.mark.parametrize(
    "overrides",
    [
        {"issuer": "http://idp.example/realms/town"},
        {"redirect_url": "http://eakte.example/auth/callback"},
        {"client_id": None},
    ],
)
def test_plain_http_outside_loopback_or_no_client_id_is_refused(
    tmp_path: Path, oidc_provider: OidcTestProvider, overrides: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError, match="EAKTE_OIDC"):
        load_settings(data_dir=tmp_path, oidc=oidc_provider.settings(**overrides))
