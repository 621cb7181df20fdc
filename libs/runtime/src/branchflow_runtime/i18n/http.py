"""REST in the caller's language: each request runs in the locale its ``Accept-Language`` asks for
(default zh-CN), its answer says which (``Content-Language``), and a 422's messages are in it."""

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from branchflow_runtime.i18n.locales import content_language, negotiate, reset_locale, set_locale
from branchflow_runtime.i18n.validation import localized_validation_errors

_VARY = (b"vary", b"Accept-Language")


class LocaleMiddleware:
    """Plain ASGI rather than Starlette's BaseHTTPMiddleware: no extra task per request, and the
    locale set here is the one the endpoint and the exception handlers see."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale = negotiate(_header(scope, b"accept-language"))
        language = (b"content-language", content_language(locale).encode())

        async def send_in_language(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), language, _VARY]
            await send(message)

        token = set_locale(locale)
        try:
            await self.app(scope, receive, send_in_language)
        finally:
            reset_locale(token)


def localize(app: FastAPI) -> None:
    """Serve ``app`` in its callers' languages: the locale middleware, and 422 answers whose
    messages are translated (``type`` and ``loc`` as FastAPI gives them)."""
    app.add_middleware(LocaleMiddleware)
    app.add_exception_handler(RequestValidationError, validation_error)


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": jsonable_encoder(localized_validation_errors(exc.errors()))},
    )


def _header(scope: dict, name: bytes) -> str | None:
    values = [value for key, value in scope["headers"] if key == name]
    return b",".join(values).decode("latin-1") if values else None
