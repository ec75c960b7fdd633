"""RFC 3161 tokens: checked against the hash, the signature and the signer's certificate."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms, core, tsp

from services.evidence.timestamps import HttpTimeStamper, TimestampError, check_token
from tests.fixtures.availability import unavailable
from tests.fixtures.tsa import LocalTsa, serve_tsa

ROOT = hashlib.sha256(b"a day's root").digest()


def request(digest: bytes, nonce: int = 7) -> bytes:
    der: bytes = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()
    return der


def token_from(tsa: LocalTsa, digest: bytes = ROOT) -> bytes:
    response = tsp.TimeStampResp.load(tsa.respond(request(digest)))
    token: bytes = response["time_stamp_token"].dump()
    return token


@pytest.fixture(scope="module")
def tsa() -> LocalTsa:
    return LocalTsa()


def test_a_token_from_the_tsa_proves_the_root(tsa: LocalTsa) -> None:
    with serve_tsa(tsa) as url:
        token = HttpTimeStamper(url).stamp(ROOT)
    info = check_token(token, ROOT)
    assert "eakte test TSA" in info.signer
    assert info.gen_time.tzinfo is not None


def test_a_token_for_another_hash_is_refused(tsa: LocalTsa) -> None:
    with pytest.raises(TimestampError, match="another hash"):
        check_token(token_from(tsa), hashlib.sha256(b"another root").digest())


def test_a_changed_signature_is_refused(tsa: LocalTsa) -> None:
    token = bytearray(token_from(tsa))
    token[-3] ^= 0x01  # the signature is the last field of the only signer
    with pytest.raises(TimestampError, match="signature is invalid"):
        check_token(bytes(token), ROOT)


def test_a_changed_time_is_refused(tsa: LocalTsa) -> None:
    """Rewriting the TSTInfo (here: its serial) breaks the signed message digest."""
    info = cms.ContentInfo.load(token_from(tsa))
    signed = info["content"]
    tst = tsp.TSTInfo.load(signed["encap_content_info"]["content"].contents)
    tst["serial_number"] = 999
    signed["encap_content_info"]["content"] = core.ParsableOctetString(tst.dump(force=True))
    forged = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(force=True)
    with pytest.raises(TimestampError, match="message digest differs"):
        check_token(forged, ROOT)


def test_a_nonce_from_another_request_is_refused(tsa: LocalTsa) -> None:
    with pytest.raises(TimestampError, match="nonce"):
        check_token(token_from(tsa), ROOT, nonce=8)


def test_a_certificate_not_for_time_stamping_is_refused() -> None:
    with pytest.raises(TimestampError, match="not for time-stamping"):
        check_token(token_from(LocalTsa(time_stamping=False)), ROOT)


def test_garbage_is_refused() -> None:
    with pytest.raises(TimestampError, match="malformed"):
        check_token(b"\x30\x03\x02\x01\x01", ROOT)


def test_a_refusing_or_absent_tsa_raises(tsa: LocalTsa) -> None:
    refusing = LocalTsa()
    refusing.refuse = True
    with serve_tsa(refusing) as url, pytest.raises(TimestampError, match="refused"):
        HttpTimeStamper(url).stamp(ROOT)
    with serve_tsa(tsa) as url:
        pass  # the server is gone again
    with pytest.raises(TimestampError, match="unreachable"):
        HttpTimeStamper(url, timeout=2).stamp(ROOT)


# --- interoperability with OpenSSL's TSA -----------------------------------------------

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = {dir}/serial
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
ess_cert_id_alg = sha256
signer_cert = {dir}/tsa.crt
signer_key = {dir}/tsa.key
"""


def openssl() -> str:
    found = shutil.which("openssl")
    if found is None:
        unavailable("OpenSSL", "no 'openssl' binary on PATH")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)


def test_tokens_from_openssl_are_accepted(tmp_path: Path) -> None:
    binary = openssl()
    (tmp_path / "serial").write_text("01\n")
    (tmp_path / "ts.cnf").write_text(TSA_CONFIG.format(dir=tmp_path))
    made = run(
        binary, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", str(tmp_path / "tsa.key"), "-out", str(tmp_path / "tsa.crt"),
        "-subj", "/CN=openssl TSA", "-addext", "extendedKeyUsage=critical,timeStamping",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (tmp_path / "req.tsq").write_bytes(request(ROOT))
    reply = run(
        binary, "ts", "-reply", "-config", str(tmp_path / "ts.cnf"),
        "-queryfile", str(tmp_path / "req.tsq"), "-token_out", "-out", str(tmp_path / "token"),
    )  # fmt: skip
    assert reply.returncode == 0, reply.stderr
    info = check_token((tmp_path / "token").read_bytes(), ROOT, nonce=7)
    assert "openssl TSA" in info.signer


def test_openssl_accepts_our_test_tsa(tsa: LocalTsa, tmp_path: Path) -> None:
    """The test TSA is built independently of the checker; OpenSSL agrees it is valid."""
    binary = openssl()
    (tmp_path / "reply.tsr").write_bytes(tsa.respond(request(ROOT)))
    (tmp_path / "tsa.der").write_bytes(tsa.certificate.dump())
    pem = run(binary, "x509", "-inform", "DER", "-in", str(tmp_path / "tsa.der"),
              "-out", str(tmp_path / "tsa.pem"))  # fmt: skip
    assert pem.returncode == 0, pem.stderr
    verified = run(
        binary, "ts", "-verify", "-digest", ROOT.hex(), "-in", str(tmp_path / "reply.tsr"),
        "-CAfile", str(tmp_path / "tsa.pem"),
    )  # fmt: skip
    assert "Verification: OK" in verified.stdout, verified.stdout + verified.stderr
