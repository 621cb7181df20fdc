"""A refusal with a reason on the wire: ``{"detail": <text>, "code": ..., "params": ...}`` with the
status its kind calls for; ``detail`` in the caller's language, a string as in every other error."""

from fastapi import Request, status
from fastapi.responses import JSONResponse

from identify import labels
from identify.domain.refusals import Refused
from identify.handlers import (
    CustomerOfAnotherBranch,
    ProspectAlreadyLinked,
    ProspectIsCustomer,
    ProspectNotFound,
)


class ChannelNotForRole(Refused):
    """A role recording on a channel that is not its own (a teller on ``external``)."""

    code = "observation.channel_not_for_role"


REFUSAL_STATUS: dict[type[Refused], int] = {
    ProspectNotFound: status.HTTP_404_NOT_FOUND,
    ProspectAlreadyLinked: status.HTTP_409_CONFLICT,
    CustomerOfAnotherBranch: status.HTTP_409_CONFLICT,
    ProspectIsCustomer: status.HTTP_409_CONFLICT,
}


def refusal_response(exc: Refused) -> JSONResponse:
    code = next(
        (s for kind, s in REFUSAL_STATUS.items() if isinstance(exc, kind)),
        status.HTTP_422_UNPROCESSABLE_CONTENT,
    )
    body = {"detail": labels.said(exc), "code": exc.code, "params": exc.params}
    return JSONResponse(body, status_code=code)


async def on_refused(request: Request, exc: Refused) -> JSONResponse:
    return refusal_response(exc)
