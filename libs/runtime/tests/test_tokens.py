from datetime import timedelta

import jwt
import pytest

from branchflow_runtime.auth import InvalidToken, Role, TokenVerifier, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET, ServiceSettings

VERIFIER = TokenVerifier(ServiceSettings())


def test_a_minted_token_verifies_to_its_staff():
    staff = VERIFIER.verify(mint_token("wm-7", Role.WEALTH_MANAGER, "BR002", secret=DEV_JWT_SECRET))
    assert (staff.staff_id, staff.role, staff.branch_id) == ("wm-7", Role.WEALTH_MANAGER, "BR002")
    assert staff.can_see_branch("BR002") and not staff.can_see_branch("BR001")


def test_head_office_and_ops_see_every_branch():
    for role in (Role.HEAD_OFFICE, Role.OPS):
        assert VERIFIER.verify(mint_token("x", role, "HO", secret=DEV_JWT_SECRET)).can_see_branch("BR9")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (mint_token("a", Role.TELLER, "BR001", secret=DEV_JWT_SECRET, ttl=timedelta(seconds=-5)), "expired"),
        (mint_token("a", Role.TELLER, "BR001", secret="another-secret-of-32-bytes-or-more!"), "invalid"),
        (mint_token("a", "janitor", "BR001", secret=DEV_JWT_SECRET), "unknown role"),
        ("not-a-jwt", "invalid"),
        (
            jwt.encode({"sub": "a", "role": "teller"}, DEV_JWT_SECRET, algorithm="HS256"),
            "invalid",
        ),
    ],
)
def test_bad_tokens_are_refused_with_the_reason(token, reason):
    with pytest.raises(InvalidToken, match=reason):
        VERIFIER.verify(token)


def _claims(**overrides) -> str:
    claims = {"sub": "tl-1", "role": "teller", "branch": "BR001", "exp": 4102444800}
    claims.update({"aud": "branchflow", "iss": "branchflow", **overrides})
    return jwt.encode(claims, DEV_JWT_SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"branch": ["BR001", "BR002"]}, "claim 'branch'"),
        ({"branch": 1}, "claim 'branch'"),
        ({"branch": ""}, "claim 'branch'"),
        ({"branch": "BR001/../BR002"}, "claim 'branch'"),
        ({"sub": ""}, "claim 'sub'"),
        ({"role": ["teller"]}, "claim 'role'"),
    ],
)
def test_claims_of_the_wrong_type_are_refused_not_turned_into_text(overrides, reason):
    with pytest.raises(InvalidToken, match=reason):
        VERIFIER.verify(_claims(**overrides))


def test_production_tokens_verify_against_the_identity_providers_jwks():
    """RS256 tokens checked with keys fetched from a JWKS endpoint (real HTTP, on loopback)."""
    import json
    import threading
    from datetime import UTC, datetime
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = json.dumps({"keys": [{**jwk, "kid": "idp-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        verifier = TokenVerifier(
            ServiceSettings(jwt_jwks_url=f"http://127.0.0.1:{server.server_port}/jwks.json")
        )
        now = datetime.now(UTC)
        claims = {
            "sub": "bh-9",
            "role": "branch_head",
            "branch": "BR003",
            "aud": "branchflow",
            "iss": "branchflow",
            "iat": now,
            "exp": now + timedelta(minutes=5),
        }
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "idp-1"})
        assert verifier.verify(token).role == Role.BRANCH_HEAD
        # the dev secret means nothing in production mode
        with pytest.raises(InvalidToken):
            verifier.verify(mint_token("x", Role.OPS, "HO", secret=DEV_JWT_SECRET))
    finally:
        server.shutdown()


def test_a_remembered_token_still_expires():
    import time as clock

    verifier = TokenVerifier(ServiceSettings())
    token = mint_token("t-1", Role.TELLER, "BR001", secret=DEV_JWT_SECRET, ttl=timedelta(seconds=1))
    assert verifier.verify(token).staff_id == "t-1"
    assert verifier.verify(token).staff_id == "t-1"  # from memory
    clock.sleep(1.1)
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)
