"""REST in the caller's language: each request runs in the locale its ``Accept-Language`` asks for
(default zh-CN), and its answer says which (``Content-Language``). What the request says while it
runs (refusals, the 422 of ``branchflow_runtime.http_errors``) reads ``current_locale()``. A
WebSocket runs in the locale of its upgrade request (a protocol may let the connection choose
again, as the gateway's ``connection_init`` does)."""

from typing import Any

from fastapi import FastAPI

from branchflow_runtime.i18n.locales import content_language, negotiate, reset_locale, set_locale

_VARY = (b"vary", b"Accept-Language")


class LocaleMiddleware:
    """Plain ASGI rather than Starlette's BaseHTTPMiddleware: no extra task per request, and the
    locale set here is the one the endpoint and the exception handlers see."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        locale = header_locale(scope)
        language = (b"content-language", content_language(locale).encode())

        async def send_in_language(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), language, _VARY]
            await send(message)

        token = set_locale(locale)
        try:
            await self.app(scope, receive, send_in_language if scope["type"] == "http" else send)
        finally:
            reset_locale(token)


def header_locale(scope: dict) -> str:
    """The locale an ASGI request's ``Accept-Language`` asks for."""
    return negotiate(_header(scope, b"accept-language"))


def localize(app: FastAPI) -> None:
    """Serve ``app`` in its callers' languages. Added last, so it wraps the app's other
    middleware (a 413 refused before the body is read is worded in the caller's language too)."""
    app.add_middleware(LocaleMiddleware)


def _header(scope: dict, name: bytes) -> str | None:
    values = [value for key, value in scope["headers"] if key == name]
    return b",".join(values).decode("latin-1") if values else None
