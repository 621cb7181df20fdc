"""Bad input is a 4xx that says what is wrong, for any input.

- Bodies are parsed with orjson, which refuses what is not JSON: ``NaN``, ``Infinity``, numbers
  too large for a double (``1e309``), lone surrogates (``"\\ud800"``), invalid UTF-8. Python's
  ``json`` accepts all of these and hands them to validation, whose 422 then failed to render
  (a 500). Nesting deeper than ``MAX_JSON_DEPTH`` is refused too: no API of ours nests that deep.
- Bodies larger than the service's ``max_body_bytes`` get 413.
- A 422 echoes at most a short excerpt of what was sent, never the whole input.
- Messages are in the caller's language (``branchflow_runtime.i18n``); codes stay codes.

Routers use ``service_router()`` so their routes parse bodies this way."""

import json
import math
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from branchflow_runtime.i18n import RUNTIME_CATALOGUE
from branchflow_runtime.i18n.validation import localized_message

MAX_JSON_DEPTH = 32
EXCERPT_CHARS = 80


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            # orjson's error is a json.JSONDecodeError: FastAPI turns it into a 422 json_invalid
            value = orjson.loads(body)
            if _deeper_than(value, MAX_JSON_DEPTH):
                raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", "", 0)
            self._json = value
        return self._json


class StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def strict_handler(request: Request):
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler


def service_router(**kwargs) -> APIRouter:
    """An APIRouter whose routes parse JSON bodies strictly (see the module docstring)."""
    return APIRouter(route_class=StrictJsonRoute, **kwargs)


def _deeper_than(value: Any, limit: int) -> bool:
    """Without recursion: a deeply nested value must not exhaust the stack while we look."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> Any:
    """What the caller sent, short and always JSON-safe: small scalars as they are, anything else
    as text of at most ``limit`` characters with lone surrogates escaped."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**15 else _shorten(str(value), limit)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        text = value
    else:
        try:
            text = orjson.dumps(value, default=str).decode()
        except (TypeError, orjson.JSONEncodeError):
            text = f"<{type(value).__name__}>"
    return _shorten(text.encode("utf-8", "backslashreplace").decode("utf-8"), limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_errors(exc: RequestValidationError) -> list[dict]:
    """FastAPI's error list with every value the caller sent cut down to an excerpt, and each
    ``msg`` in the caller's language. ``type`` and ``loc`` stay as they are: front ends key on
    them."""
    errors = []
    for error in exc.errors():
        translated = localized_message(error)  # from the full ctx, before it is cut down
        out = {"type": error["type"], "loc": list(error["loc"]), "msg": translated or error["msg"]}
        if "input" in error:
            out["input"] = excerpt(error["input"])
        if ctx := error.get("ctx"):
            out["ctx"] = {k: excerpt(v) for k, v in ctx.items()}
            if error["type"] == "json_invalid" and "error" in ctx and translated is None:
                out["msg"] = f"{error['msg']}: {ctx['error']}"  # FastAPI's English leaves out why
        errors.append(out)
    return errors


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": validation_errors(exc)}, status_code=422)


def install_error_handling(app: FastAPI, *, max_body_bytes: int) -> None:
    """The 422 above, and a JSON 413 that names the limit."""
    app.add_exception_handler(RequestValidationError, _validation_error)

    async def too_large(request: Request, exc: Exception) -> JSONResponse:
        return _too_large(max_body_bytes)

    app.add_exception_handler(413, too_large)
    app.add_middleware(BodySizeLimit, limit=max_body_bytes)


def _too_large(limit: int) -> JSONResponse:
    detail = RUNTIME_CATALOGUE.gettext("request body larger than {limit} bytes").format(limit=limit)
    return JSONResponse({"detail": detail}, status_code=413)


class BodySizeLimit:
    """A declared ``Content-Length`` over the limit is refused before anything is read; a body
    that streams in past it stops at the limit (the 413 is raised inside the app, so it is
    answered by the app's handler above, as JSON). Starlette's own limit answers in plain text."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.limit:
                    await _too_large(self.limit)(scope, receive, send)
                    return
                break
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, limited_receive, send)
