"""Staff identity: JWTs carrying staff id, role and branch (HS256 in embedded mode, JWKS in
production), verified by the gateway and again by every service."""

from branchflow_runtime.auth.tokens import (
    InvalidToken,
    Role,
    Staff,
    TokenVerifier,
    mint_token,
)

__all__ = ["InvalidToken", "Role", "Staff", "TokenVerifier", "mint_token"]
