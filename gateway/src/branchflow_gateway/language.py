"""The caller's language in the gateway (zh-CN unless asked otherwise).

Over HTTP, ``Accept-Language`` sets it for the request (``branchflow_runtime.i18n.http``); over
the WebSocket, the upgrade request's header does, and ``connection_init``'s payload may choose
again (``{"Authorization": …, "Accept-Language": "en"}``: a browser cannot set headers on a
WebSocket). Each operation runs in its connection's language (``CallersLanguage``), so labels,
the gateway's own messages and every call to a service (``Accept-Language`` forwarded, see
``upstream``) speak it. The gateway's texts are its catalogue, ``locale/`` (``make i18n``)."""

import contextlib
from collections.abc import Mapping

from strawberry.extensions import SchemaExtension

from branchflow_runtime.i18n import Catalogue, negotiate, reset_locale, set_locale

CATALOGUE = Catalogue("branchflow_gateway")
_ = CATALOGUE.gettext


def chosen_on_connection(payload: Mapping | None, default: str) -> str:
    """The locale a WebSocket's ``connection_init`` payload asks for (the key in any case), else
    ``default`` (the upgrade request's)."""
    wanted = next(
        (v for k, v in (payload or {}).items() if k.lower() == "accept-language" and isinstance(v, str)),
        None,
    )
    return default if wanted is None else negotiate(wanted)


class CallersLanguage(SchemaExtension):
    """Runs each operation — a subscription's events included — in its context's locale."""

    def on_operation(self):
        context = self.execution_context.context
        token = set_locale(context.locale) if context is not None else None
        try:
            yield
        finally:
            if token is not None:
                with contextlib.suppress(ValueError):  # a subscription closed from another task
                    reset_locale(token)
