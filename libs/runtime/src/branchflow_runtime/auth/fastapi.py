"""FastAPI dependencies: who is calling, and may they. Async, so FastAPI does not hop to its
thread pool for them on every request."""

from collections.abc import Callable

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from branchflow_runtime.auth.tokens import InvalidToken, Role, Staff, TokenVerifier

_bearer = HTTPBearer(auto_error=False)


def _verify(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Staff:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from exc


async def current_staff(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Staff:
    return _verify(request, credentials)


def require_role(*roles: Role) -> Callable[..., Staff]:
    """The caller, who must have one of ``roles``. One level of dependencies, not two: each
    level costs FastAPI measurable time on every request."""
    allowed = frozenset(roles)

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Staff:
        staff = _verify(request, credentials)
        if staff.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {staff.role} may not do this; allowed: {', '.join(sorted(allowed))}",
            )
        return staff

    return dependency


def check_branch(staff: Staff, branch_id: str) -> None:
    if not staff.can_see_branch(branch_id):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"branch {branch_id} is outside your branch {staff.branch_id}",
        )
