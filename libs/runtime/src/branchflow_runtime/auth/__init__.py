"""Staff identity: JWTs carrying staff id, role and branch (HS256 in embedded mode, JWKS in
production), verified by the gateway and again by every service."""

from branchflow_runtime.auth import labels as _labels  # noqa: F401  (registers the roles' labels)
from branchflow_runtime.auth.tokens import (
    InvalidToken,
    Role,
    Staff,
    TokenVerifier,
    mint_token,
)

__all__ = ["InvalidToken", "Role", "Staff", "TokenVerifier", "mint_token"]
