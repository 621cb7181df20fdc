"""The identify service over HTTP (httpx): the caller's token is forwarded, the trace context
travels with the request (httpx instrumentation), and HTTP answers become gateway errors."""

from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from opentelemetry import propagate

from branchflow_gateway.errors import BadUserInput, Forbidden, NotFound, Unauthenticated, UpstreamUnavailable


class IdentifyClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def _call(self, method: str, path: str, token: str, **kwargs) -> Any:
        headers = {"Authorization": f"Bearer {token}"}
        propagate.inject(headers)  # the trace goes on into the service, whatever the transport
        try:
            response = await self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(f"the identify service is unavailable ({_why(exc)})") from exc
        if response.status_code < 400:
            return orjson.loads(response.content)
        detail = _detail(response)
        match response.status_code:
            case 401:
                raise Unauthenticated(detail)
            case 403:
                raise Forbidden(detail)
            case 404:
                raise NotFound(detail)
            case 400 | 409 | 422:
                raise BadUserInput(detail)
            case _:
                raise UpstreamUnavailable(f"the identify service answered {response.status_code}")

    async def record_observation(self, token: str, body: dict) -> dict:
        return await self._call("POST", "/observations", token, json=body)

    async def lobby_list(self, token: str, branch_id: str, day: date | None) -> list[dict]:
        params = {"day": day.isoformat()} if day else {}
        return await self._call(
            "GET", f"/branches/{_segment(branch_id)}/identifications", token, params=params
        )

    async def rating(self, token: str, customer_id: str) -> dict:
        return await self._call("GET", f"/customers/{_segment(customer_id)}/rating", token)

    async def ratings(self, token: str, customer_ids: list[str]) -> list[dict]:
        return await self._call("GET", "/ratings", token, params={"customer_ids": customer_ids})

    async def identification(self, token: str, identification_id: str) -> dict:
        return await self._call("GET", f"/identifications/{_segment(identification_id)}", token)

    async def identifications(self, token: str, ids: list[str]) -> list[dict]:
        return await self._call("GET", "/identifications", token, params={"ids": ids})

    async def counts(self, token: str, branch_id: str, day: date | None) -> dict:
        params = {"day": day.isoformat()} if day else {}
        return await self._call(
            "GET", f"/branches/{_segment(branch_id)}/identification-counts", token, params=params
        )

    async def counts_all_branches(self, token: str, day: date | None) -> list[dict]:
        params = {"day": day.isoformat()} if day else {}
        return await self._call("GET", "/identification-counts", token, params=params)


def _why(exc: httpx.HTTPError) -> str:
    """For ops, in words. (aiohttp's refused connection arrives as a ConnectTimeout.)"""
    match exc:
        case httpx.ConnectError() | httpx.ConnectTimeout():
            return "could not connect"
        case httpx.TimeoutException():
            return "no answer in time"
        case _:
            return type(exc).__name__


def _segment(value: str) -> str:
    """One path segment, whatever the caller typed: ``/``, ``?`` or ``..`` cannot steer the call."""
    if not value or value in (".", ".."):
        raise BadUserInput(f"{value!r} is not a valid identifier")
    return quote(value, safe="")


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:200]
    if isinstance(detail, list):  # FastAPI validation errors: name the fields
        return "; ".join(f"{'.'.join(map(str, d.get('loc', [])[1:]))}: {d.get('msg')}" for d in detail)
    return str(detail)
