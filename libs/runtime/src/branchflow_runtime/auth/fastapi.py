"""FastAPI dependencies: who is calling, and may they. Async, so FastAPI does not hop to its
thread pool for them on every request. Refusals are worded in the caller's language (the runtime's
catalogue); roles are named by their labels."""

from collections.abc import Callable

from babel.lists import format_list
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from branchflow_runtime import access, access_labels  # noqa: F401  (access_labels registers the labels)
from branchflow_runtime.access import Action, Data
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


def require_reading(*data: Data) -> Callable[..., Staff]:
    """The caller, whose role may read all of ``data`` somewhere (the branch is checked with the
    record: ``check_read``)."""
    needed = frozenset(data)

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Staff:
        staff = _verify(request, credentials)
        if missing := needed - access.readable(staff.role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                _("{role} may not read {data}").format(
                    role=label(staff.role), data=_list(label(d) for d in Data if d in missing)
                ),
            )
        return staff

    return dependency


def require_permission(action: Action) -> Callable[..., Staff]:
    """The caller, whose role may do ``action`` somewhere."""

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Staff:
        staff = _verify(request, credentials)
        if action not in access.permitted(staff.role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                _("{role} may not {action}").format(role=label(staff.role), action=label(action)),
            )
        return staff

    return dependency


def check_read(staff: Staff, data: Data, *, branch_id: str, owner_id: str | None = None) -> None:
    if not access.may_read(staff, data, branch_id=branch_id, owner_id=owner_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, _why_not(staff, label(data), branch_id))


def check_action(staff: Staff, action: Action, *, branch_id: str) -> None:
    if not access.may_do(staff, action, branch_id=branch_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, _why_not(staff, label(action), branch_id))


def _why_not(staff: Staff, what: str, branch_id: str) -> str:
    if staff.branch_id != branch_id:
        return _("branch {branch} is outside your branch {own_branch}").format(
            branch=branch_id, own_branch=staff.branch_id
        )
    return _("{role} may not do this here: {what}").format(role=label(staff.role), what=what)


def missing_or_out_of_reach(staff: Staff, data: Data, what: str) -> HTTPException:
    """The refusal for a record that was not found. A caller who reaches every branch learns it
    does not exist (404); anyone else gets the same 403 as for another branch's record, so a
    refusal never tells whether another branch's record exists."""
    if access.reaches_every_branch(staff, data):
        return HTTPException(status.HTTP_404_NOT_FOUND, _("not found: {what}").format(what=what))
    return HTTPException(
        status.HTTP_403_FORBIDDEN, _("not within your branch's reach: {what}").format(what=what)
    )


def _list(items) -> str:
    return format_list(list(items), style="standard", locale=current_locale())


def _role_list(roles: frozenset[Role]) -> str:
    """The roles' labels as a list in the current language ("A, B and C", "A、B和C")."""
    locale = current_locale()
    return format_list([label(role) for role in Role if role in roles], style="standard", locale=locale)
