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
