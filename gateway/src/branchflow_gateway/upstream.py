"""The services behind the gateway, over HTTP: one pooled client per service, the caller's token
and language forwarded (its refusals come back in that language), the trace context sent along,
and HTTP answers turned into gateway errors. A domain's
client (``identify.client``) subclasses ``UpstreamClient`` and names its calls."""

from typing import Any
from urllib.parse import quote

import httpx
import orjson
from httpx_aiohttp import AiohttpTransport
from opentelemetry import propagate

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.errors import BadUserInput, Forbidden, NotFound, Unauthenticated, UpstreamUnavailable
from branchflow_gateway.language import _
from branchflow_runtime import telemetry
from branchflow_runtime.i18n import content_language, current_locale


def http_client(
    settings: GatewaySettings, service: str, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The pooled client to one service (at ``GATEWAY_<SERVICE>_URL``), with client spans.
    ``transport`` replaces the network (tests put a fake service there)."""
    limits = httpx.Limits(
        max_connections=settings.upstream_max_connections,
        max_keepalive_connections=settings.upstream_max_connections,
    )
    client = httpx.AsyncClient(
        base_url=settings.upstream_url(service),
        timeout=settings.upstream_timeout_seconds,
        limits=limits,
        # httpx's API on aiohttp's connection pool: httpcore's pool scanned every pooled
        # connection on each request and release, 61 % of the gateway's CPU (bench/)
        transport=transport or AiohttpTransport(limits=limits, trust_env=False),
        trust_env=False,  # service to service: no proxy settings read from the environment per request
    )
    telemetry.instrument_httpx_client(client)
    return client


class UpstreamClient:
    """Calls one service with the caller's token; its errors become the caller's errors."""

    service = "upstream"  # named in error messages

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def _call(self, method: str, path: str, token: str, **kwargs) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": content_language(current_locale())}
        propagate.inject(headers)  # the trace goes on into the service, whatever the transport
        try:
            response = await self._http.request(method, path, headers=headers, **kwargs)
        except httpx.InvalidURL:  # an identifier so long that its URL cannot be sent
            text = _("a value is too long to send to the {service} service")
            raise BadUserInput(text.format(service=self.service)) from None
        except httpx.HTTPError as exc:
            text = _("the {service} service is unavailable ({why})")
            raise UpstreamUnavailable(text.format(service=self.service, why=_why(exc))) from exc
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
            case 409:  # the state forbids it: the service's reason, in words and as its code
                raise BadUserInput(detail, reason=_refusal_code(response))
            case 400 | 422:
                raise BadUserInput(detail)
            case _:
                text = _("the {service} service answered {status}")
                raise UpstreamUnavailable(text.format(service=self.service, status=response.status_code))


def segment(value: str) -> str:
    """One path segment, whatever the caller typed: ``/``, ``?`` or ``..`` cannot steer the call."""
    if not value or value in (".", ".."):
        raise BadUserInput(_("'{value}' is not a valid identifier").format(value=value))
    return quote(value, safe="")


def _why(exc: httpx.HTTPError) -> str:
    """For ops, in words. (aiohttp's refused connection arrives as a ConnectTimeout.)"""
    match exc:
        case httpx.ConnectError() | httpx.ConnectTimeout():
            return _("could not connect")
        case httpx.TimeoutException():
            return _("no answer in time")
        case _:
            return type(exc).__name__


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:200]
    if isinstance(detail, list):  # FastAPI validation errors: name the fields
        return "; ".join(f"{'.'.join(map(str, d.get('loc', [])[1:]))}: {d.get('msg')}" for d in detail)
    return str(detail)


def _refusal_code(response: httpx.Response) -> str | None:
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None
