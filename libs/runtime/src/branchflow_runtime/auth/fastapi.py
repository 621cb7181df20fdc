"""FastAPI dependencies: who is calling, and may they. Async, so FastAPI does not hop to its
thread pool for them on every request. Refusals are worded in the caller's language (the runtime's
catalogue); roles are named by their labels."""

from collections.abc import Callable

from babel.lists import format_list
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from branchflow_runtime.auth.tokens import InvalidToken, Role, Staff, TokenVerifier
from branchflow_runtime.i18n import RUNTIME_CATALOGUE, current_locale, label

_ = RUNTIME_CATALOGUE.gettext
_bearer = HTTPBearer(auto_error=False)


def _verify(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Staff:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            _("missing bearer token"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            _(exc.message).format(**exc.params),
            headers={"WWW-Authenticate": "Bearer"},
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
                _("{role} may not do this; allowed: {allowed}").format(
                    role=label(staff.role), allowed=_role_list(allowed)
                ),
            )
        return staff

    return dependency


def check_branch(staff: Staff, branch_id: str) -> None:
    if not staff.can_see_branch(branch_id):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            _("branch {branch} is outside your branch {own_branch}").format(
                branch=branch_id, own_branch=staff.branch_id
            ),
        )


def _role_list(roles: frozenset[Role]) -> str:
    """The roles' labels as a list in the current language ("A, B and C", "A、B和C")."""
    locale = current_locale()
    return format_list([label(role) for role in Role if role in roles], style="standard", locale=locale)
