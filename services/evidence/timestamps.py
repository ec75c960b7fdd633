"""RFC 3161 time-stamps over the daily roots (optional: only when a TSA URL is configured).

A time-stamp from an independent authority proves that a root, and so every object under
it, existed at the stamped time; the anchor in the write-once store alone proves only
that eakte's storage has not changed since.  TR-ESOR's archive time-stamps are exactly
this (RFC 4998 builds on RFC 3161).

Requests and tokens are DER, built and read with asn1crypto; the token's CMS signature is
checked with ``cryptography`` against the certificate in the token, which must be a
time-stamping certificate.  Whether that certificate is one the reader trusts (a
qualified TSA, a pinned certificate) is the reader's decision: it is reported, not
judged.

asn1crypto is imported when a time-stamp is requested or checked, so that eakte runs
without it while no TSA is configured.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx
from cryptography import x509 as crypto_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from services.errors import EAkteError

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(EAkteError):
    """The TSA did not grant a time-stamp, or a token does not prove what it should."""

    title = "Time-stamp error"


def _asn1() -> Any:
    """The asn1crypto modules (cms, core, tsp), or a clear error when it is not installed."""
    try:
        from asn1crypto import cms, core, tsp
    except ImportError as exc:
        raise TimestampError(
            "RFC 3161 time-stamps need the 'asn1crypto' package (pip install asn1crypto)"
        ) from exc
    return cms, core, tsp


@dataclass(frozen=True)
class TokenInfo:
    gen_time: datetime
    signer: str
    serial_number: int


class TimeStamper(Protocol):
    url: str

    def stamp(self, digest: bytes) -> bytes:
        """Return a checked DER TimeStampToken over the SHA-256 ``digest``."""
        ...


class HttpTimeStamper:
    """An RFC 3161 client over HTTP (``application/timestamp-query``)."""

    def __init__(self, url: str, *, timeout: float = 20.0) -> None:
        self.url = url
        self._timeout = timeout

    def stamp(self, digest: bytes) -> bytes:
        _, _, tsp = _asn1()
        nonce = secrets.randbits(63)
        request = tsp.TimeStampReq(
            {
                "version": "v1",
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": digest,
                },
                "nonce": nonce,
                "cert_req": True,
            }
        )
        try:
            response = httpx.post(
                self.url,
                content=request.dump(),
                headers={"Content-Type": "application/timestamp-query"},
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            raise TimestampError(f"time-stamp authority {self.url} unreachable: {exc}") from exc
        if response.status_code != 200:
            raise TimestampError(f"time-stamp authority {self.url} answered {response.status_code}")
        token = _granted_token(response.content, self.url)
        check_token(token, digest, nonce=nonce)
        return token


def check_token(token: bytes, digest: bytes, *, nonce: int | None = None) -> TokenInfo:
    """Check that ``token`` is a validly signed time-stamp over ``digest``; say when and by whom."""
    try:
        return _check(token, digest, nonce)
    except TimestampError:
        raise
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise TimestampError(f"the time-stamp token is malformed: {exc}") from exc


def _granted_token(body: bytes, url: str) -> bytes:
    # Read the two fields one by one: asn1crypto's TimeStampResp wrongly requires the
    # token, which a refusal (RFC 3161 2.4.2) does not carry.
    cms, core, tsp = _asn1()
    try:
        fields = core.Sequence.load(body)
        status = tsp.PKIStatusInfo.load(fields[0].dump())
        state = status["status"].native
        text = status["status_string"].native
        token = cms.ContentInfo.load(fields[1].dump()) if len(fields) > 1 else None
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError(f"{url} sent no time-stamp response: {exc}") from exc
    if state not in ("granted", "granted_with_mods") or token is None:
        detail = " ".join(text) if isinstance(text, list) else (text or "")
        raise TimestampError(f"{url} refused the time-stamp: {state} {detail}".strip())
    dumped: bytes = token.dump()
    return dumped


def _check(token: bytes, digest: bytes, nonce: int | None) -> TokenInfo:
    cms, _, tsp = _asn1()
    info = cms.ContentInfo.load(token)
    if info["content_type"].native != "signed_data":
        raise TimestampError("the time-stamp token is not CMS signed data")
    signed = info["content"]
    encap = signed["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise TimestampError("the time-stamp token holds no TSTInfo")
    tst_der: bytes = encap["content"].contents
    tst = tsp.TSTInfo.load(tst_der)
    imprint = tst["message_imprint"]
    if (
        imprint["hash_algorithm"]["algorithm"].native != "sha256"
        or imprint["hashed_message"].native != digest
    ):
        raise TimestampError("the time-stamp is over another hash than this root")
    if nonce is not None and tst["nonce"].native != nonce:
        raise TimestampError("the time-stamp answers another request (nonce differs)")
    if len(signed["signer_infos"]) != 1:
        raise TimestampError("the time-stamp token must have exactly one signer")
    signer = signed["signer_infos"][0]
    certificate = _signer_certificate(signed, signer)
    _check_signature(signer, certificate, tst_der)
    return TokenInfo(
        gen_time=tst["gen_time"].native,
        signer=certificate.subject.human_friendly,
        serial_number=tst["serial_number"].native,
    )


def _signer_certificate(signed: Any, signer: Any) -> Any:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        certificate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.issuer == wanted["issuer"]
                and certificate.serial_number == wanted["serial_number"].native
            ):
                return _time_stamping(certificate)
        elif certificate.key_identifier == sid.chosen.native:
            return _time_stamping(certificate)
    raise TimestampError("the time-stamp token does not carry its signer's certificate")


def _time_stamping(certificate: Any) -> Any:
    usage = certificate.extended_key_usage_value
    if usage is None or "time_stamping" not in usage.native:
        raise TimestampError("the signer's certificate is not for time-stamping")
    return certificate


def _check_signing_certificate(values: dict[str, Any], certificate: Any) -> None:
    """RFC 3161 binds the signer's certificate by hash (ESS signing-certificate attribute)."""
    if values.get("signing_certificate_v2") is not None:
        ids = values["signing_certificate_v2"][0]["certs"]
        algorithm = ids[0]["hash_algorithm"]["algorithm"].native
    elif values.get("signing_certificate") is not None:
        ids = values["signing_certificate"][0]["certs"]
        algorithm = "sha1"
    else:
        raise TimestampError("the time-stamp token does not name its signing certificate")
    if algorithm not in ("sha1", *_HASHES):
        raise TimestampError(f"unsupported certificate hash {algorithm}")
    if ids[0]["cert_hash"].native != hashlib.new(algorithm, certificate.dump()).digest():
        raise TimestampError("the time-stamp names another signing certificate")


def _check_signature(signer: Any, certificate: Any, content: bytes) -> None:
    attributes = signer["signed_attrs"]
    if not attributes:
        raise TimestampError("the time-stamp token has no signed attributes")
    algorithm = signer["digest_algorithm"]["algorithm"].native
    if algorithm not in _HASHES:
        raise TimestampError(f"unsupported digest algorithm {algorithm}")
    values = {attribute["type"].native: attribute["values"] for attribute in attributes}
    if values.get("content_type") is None or values["content_type"][0].native != "tst_info":
        raise TimestampError("the signed content type is not TSTInfo")
    expected = hashlib.new(algorithm, content).digest()
    if values.get("message_digest") is None or values["message_digest"][0].native != expected:
        raise TimestampError("the signature does not cover this TSTInfo (message digest differs)")
    _check_signing_certificate(values, certificate)
    # The signature covers the attributes DER-encoded as a SET (tag 0x31), not as [0].
    signed_bytes = b"\x31" + attributes.dump()[1:]
    key = crypto_x509.load_der_x509_certificate(certificate.dump()).public_key()
    signature = signer["signature"].native
    hash_algorithm = _HASHES[algorithm]()
    if signer["signature_algorithm"].signature_algo not in ("rsassa_pkcs1v15", "ecdsa"):
        raise TimestampError("unsupported signature algorithm of the time-stamp authority")
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_bytes, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(hash_algorithm))
        else:
            raise TimestampError("unsupported key type of the time-stamp authority")
    except InvalidSignature as exc:
        raise TimestampError("the time-stamp's signature is invalid") from exc
