"""The gateway's ASGI app: ``/graphql`` picks the caller's schema by the verified role — a
request's from its token, a WebSocket's at ``connection_init`` (``ConnectionHandler``)."""

import json
from collections.abc import Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import orjson
from cross_web import HTTPException
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.types.unset import UNSET

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.context import GatewayContext
from branchflow_gateway.domain import Domain
from branchflow_gateway.errors import ErrorCode, error_body, for_caller, log_refusal
from branchflow_gateway.identify.domain import IdentifyDomain
from branchflow_gateway.language import _, chosen_on_connection
from branchflow_gateway.limits import MAX_JSON_NESTING, BodyTooLarge, nested_deeper_than, read_body, replay
from branchflow_gateway.referral.domain import ReferralDomain
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime import telemetry
from branchflow_runtime.auth import InvalidToken, Role, Staff, TokenVerifier
from branchflow_runtime.i18n import RUNTIME_CATALOGUE, current_locale
from branchflow_runtime.i18n.http import localize

# the services behind the gateway. A new one is a package like identify/ and a line in each of:
# here, schemas.DOMAIN_FIELDS, context.GatewayContext and config (its <name>_url)
DOMAINS: tuple[type[Domain], ...] = (IdentifyDomain, ReferralDomain)

# per request: the media type to answer with, and whether the request could not be executed
_response_media: ContextVar[tuple[str | None, bool]] = ContextVar("response_media", default=(None, False))


def _accepts_graphql_response(request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/graphql-response+json" in accept


STAFF_KEY = "branchflow.staff"
# a WebSocket with no caller yet holds a connection; a client sends connection_init on opening
CONNECTION_INIT_WAIT = timedelta(seconds=10)


class RoleGraphQL(GraphQL):
    """Strawberry's ASGI view for one role's schema; the context carries the verified caller."""

    def __init__(self, schema, gateway: "Gateway", **kwargs) -> None:
        super().__init__(schema, **kwargs)
        self.gateway = gateway

    def encode_json(self, data: object) -> str:
        # orjson is several times faster than json.dumps; text, not bytes, because Strawberry
        # sends bytes over a WebSocket as binary frames, which graphql-ws clients cannot read
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """Any JSON the view reads (bodies, GET's variables, WebSocket messages): orjson, which
        refuses NaN, infinities and lone surrogates (JSON cannot carry them to a service either)
        and is faster; nesting deeper than the limit is refused the same way, as not JSON."""
        value = orjson.loads(data)
        if nested_deeper_than(value, MAX_JSON_NESTING):
            raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_NESTING} levels", "", 0)
        return value

    def parse_json(self, data: str | bytes) -> object:
        """A request's JSON (HTTP), refused with a 400 that says why: not UTF-8, not JSON, not
        an object, or nested too deep. (Over the WebSocket, Strawberry closes with 4400.)"""
        try:
            value = self.decode_json(data)
        except json.JSONDecodeError as exc:
            raise HTTPException(400, _why_not_json(data, exc)) from None
        if value is None:  # nothing asked: Strawberry then says what is missing
            return {}
        if not isinstance(value, (dict, list)):  # a list is a batch, which Strawberry refuses
            raise HTTPException(400, _("a GraphQL request, and its variables, are a JSON object"))
        return value

    async def run(self, request, context=UNSET, root_value=UNSET):
        """A request refused before it could run (Strawberry answers those in plain text) gets
        a GraphQL error body with its code, like every other refusal."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            code = ErrorCode.NOT_FOUND if exc.status_code == 404 else ErrorCode.BAD_USER_INPUT
            return refusal(exc.status_code, exc.reason, code)

    async def process_result(self, request, result):
        # errors raised before execution (parsing, the token limit) skip the schema's
        # extensions: give them their code here
        if result.errors:
            result.errors = for_caller(result.errors, self.schema._schema)
        # set on every request: a context can outlive one request (e.g. an in-process client)
        request_error = result.data is None and all(e.path is None for e in result.errors or ())
        media = "application/graphql-response+json" if _accepts_graphql_response(request) else None
        _response_media.set((media, request_error))
        return await super().process_result(request, result)

    def create_response(self, response_data, sub_response):
        """GraphQL over HTTP: a client that accepts ``application/graphql-response+json`` gets
        it, and a request that could not be executed (parse or validation error) gets 400 and
        no ``data``. Everyone else gets ``application/json`` and 200, as the spec allows."""
        media, request_error = _response_media.get()
        if media is None:
            return super().create_response(response_data, sub_response)
        if request_error and isinstance(response_data, dict):
            response_data = {k: v for k, v in response_data.items() if k != "data"}
            sub_response.status_code = 400
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{media}; charset=utf-8"
        return response

    async def get_context(self, request: Request | WebSocket, response=None) -> GatewayContext | None:
        staff: Staff | None = request.scope.get(STAFF_KEY)
        if staff is None:  # the GraphiQL page, or a WebSocket whose caller comes at connection_init
            return None
        return self.gateway.context_for(staff)


class ConnectionHandler(BaseGraphQLTransportWSHandler):
    """graphql-transport-ws whose caller is known at ``connection_init``: the payload's token
    (``Authorization: Bearer …`` or ``token``), else the upgrade's (header or ``?token=``). The
    caller's role picks the schema the connection's operations run on, as a request's token picks
    its view; a missing or invalid token closes the connection with 4401. (An operation sent
    before ``connection_init`` is refused by Strawberry, also with 4401.)"""

    view: "ConnectionGraphQL"

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload", {})
        if isinstance(payload, dict) and not self.connection_init_received:  # else Strawberry refuses it
            gateway = self.view.gateway
            try:
                staff = gateway.connection_caller(payload, self.context.staff if self.context else None)
            except InvalidToken as exc:
                await self._refuse(exc, payload)
                return
            self.schema = gateway.views[staff.role].schema
            self.context = gateway.context_for(staff)  # Strawberry then hands it the payload
        await super().handle_connection_init(message)

    async def _refuse(self, exc: InvalidToken, payload: dict) -> None:
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        reason = token_refusal(exc, chosen_on_connection(payload, current_locale()))
        log_refusal(4401, ErrorCode.UNAUTHENTICATED, reason)
        await self.websocket.close(4401, close_reason(reason))


class ConnectionGraphQL(RoleGraphQL):
    """The view of every WebSocket: its schema is the caller's, chosen at ``connection_init``
    (the one it is made with serves nothing)."""

    graphql_transport_ws_handler_class = ConnectionHandler

    async def on_ws_connect(self, context: GatewayContext):
        """``connection_init``, the caller known: it may choose its language (``language``)."""
        context.locale = chosen_on_connection(context.connection_params, context.locale)
        return UNSET


class Gateway:
    """Verifies the caller and hands the request to the view of its role's schema (a WebSocket
    to ``connections``, which does so at connection_init)."""

    def __init__(
        self, settings: GatewaySettings, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
    ):
        self.settings = settings
        self.verifier = TokenVerifier(settings)
        transports = transports or {}  # service name → a fake service (tests)
        self.domains: dict[str, Domain] = {d.name: d(settings, transports.get(d.name)) for d in DOMAINS}
        views = {}
        self.views: dict[Role, RoleGraphQL] = {}
        for role, schema in build_schemas(settings).items():
            if id(schema) not in views:
                views[id(schema)] = RoleGraphQL(
                    schema,
                    self,
                    graphql_ide="graphiql" if settings.dev_mode else None,
                    allow_queries_via_get=True,
                    subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                )
            self.views[role] = views[id(schema)]
        self.any_view = next(iter(self.views.values()))
        self.connections = ConnectionGraphQL(
            self.any_view.schema,
            self,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
        )

    async def start(self) -> None:
        for domain in self.domains.values():
            await domain.start()

    async def stop(self) -> None:
        for domain in self.domains.values():
            await domain.stop()

    def live_updates_ready(self) -> bool:
        """Every event feed is following (false when live updates are off)."""
        feeds = [feed for domain in self.domains.values() for feed in domain.feeds()]
        return bool(feeds) and all(feed.ready.is_set() for feed in feeds)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and self._wants_graphiql(scope):
            await self.any_view(scope, receive, send)  # the IDE page itself; queries carry a token
            return
        try:
            staff = self._caller(scope)
        except InvalidToken as exc:
            await self._refuse(scope, receive, send, token_refusal(exc))
            return
        if scope["type"] == "websocket":
            scope[STAFF_KEY] = staff  # None: the caller comes in connection_init
            await self.connections(scope, receive, send)
            return
        if scope["method"] == "POST":
            limit = self.settings.max_body_bytes
            try:
                receive = replay(await read_body(scope, receive, limit))
            except BodyTooLarge:
                message = _("the request body is larger than {limit} bytes").format(limit=limit)
                await refusal(413, message, ErrorCode.BAD_USER_INPUT)(scope, receive, send)
                return
        scope[STAFF_KEY] = staff
        await self.views[staff.role](scope, receive, send)

    def _caller(self, scope) -> Staff | None:
        """A request's verified caller; a WebSocket's, if its upgrade carries a token (a browser
        cannot set headers on one: its token may come in connection_init instead)."""
        token = _token(scope)
        if token is None:
            if scope["type"] == "websocket":
                return None
            raise InvalidToken("missing bearer token")  # a text of the runtime's catalogue
        return self.verifier.verify(token)

    def connection_caller(self, payload: Mapping, upgraded: Staff | None) -> Staff:
        """A WebSocket's caller at connection_init: the payload's token, else the upgrade's."""
        token = token_in_payload(payload)
        if token is not None:
            return self.verifier.verify(token)
        if upgraded is None:
            raise InvalidToken("missing bearer token")
        return upgraded

    def context_for(self, staff: Staff) -> GatewayContext:
        """A request's context (a connection's, for the WebSocket), in the current language."""
        domains = self.domains.values()
        return GatewayContext(
            staff=staff, locale=current_locale(), **{d.name: d.request_context(staff) for d in domains}
        )

    def _wants_graphiql(self, scope) -> bool:
        if not self.settings.dev_mode or scope["method"] != "GET":
            return False
        headers = dict(scope["headers"])
        return b"text/html" in headers.get(b"accept", b"") and b"query=" not in scope.get("query_string", b"")

    @staticmethod
    async def _refuse(scope, receive, send, reason: str) -> None:
        if scope["type"] == "websocket":
            log_refusal(4401, ErrorCode.UNAUTHENTICATED, reason)
            await send({"type": "websocket.close", "code": 4401, "reason": close_reason(reason)})
            return
        response = refusal(401, reason, ErrorCode.UNAUTHENTICATED, {"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)


def token_refusal(exc: InvalidToken, locale: str | None = None) -> str:
    """Why a token was refused, in ``locale`` (default: the caller's): the runtime's texts."""
    return RUNTIME_CATALOGUE.gettext(exc.message, locale=locale).format(**exc.params)


def close_reason(reason: str, limit: int = 120) -> str:
    """A WebSocket close reason is at most 123 bytes of UTF-8: ``reason`` cut to ``limit`` bytes,
    never inside a character (a Chinese one is three)."""
    return reason.encode()[:limit].decode(errors="ignore")


def refusal(status: int, message: str, code: ErrorCode, headers: dict | None = None) -> JSONResponse:
    """A request refused before GraphQL ran it: a GraphQL error body, and one line in the log."""
    log_refusal(status, code, message)
    return JSONResponse(error_body(message, code), status_code=status, headers=headers)


def _why_not_json(data: str | bytes, exc: json.JSONDecodeError) -> str:
    if isinstance(data, bytes):
        try:
            data.decode()
        except UnicodeDecodeError as bad:
            text = _("the request body is not UTF-8 (byte {byte} at {position})")
            return text.format(byte=f"{bad.object[bad.start]:#x}", position=bad.start)
    if exc.msg.startswith("nested deeper"):
        return _("the JSON is nested deeper than {levels} levels").format(levels=MAX_JSON_NESTING)
    return _("the request body is not valid JSON: {error}").format(error=exc)


def _token(scope) -> str | None:
    """From ``Authorization: Bearer …``; on a WebSocket's upgrade also the ``token`` query
    parameter (a fallback: a query string ends up in proxies' access logs; connection_init's
    payload does not)."""
    headers = dict(scope.get("headers", []))
    value = headers.get(b"authorization", b"").decode()
    if value.lower().startswith("bearer "):
        return value[7:].strip()
    if scope["type"] == "websocket":
        token = parse_qs(scope.get("query_string", b"").decode()).get("token")
        if token:
            return token[0]
    return None


def token_in_payload(payload: Mapping) -> str | None:
    """The token of a connection_init payload: ``{"Authorization": "Bearer …"}`` or
    ``{"token": "…"}``, keys in any case; None when it names none."""
    named = {key.lower(): value for key, value in payload.items()}
    if "authorization" in named:
        value = named["authorization"]
        token = value[7:] if isinstance(value, str) and value.lower().startswith("bearer ") else ""
    elif "token" in named:
        token = named["token"] if isinstance(named["token"], str) else ""
    else:
        return None
    if not token.strip():  # named in another shape (no Bearer, not a string): refused, not passed over
        raise InvalidToken("missing bearer token")
    return token.strip()


def create_app(
    settings: GatewaySettings | None = None, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
) -> FastAPI:
    """``transports``: per service name, a transport in place of the network (tests)."""
    settings = settings or GatewaySettings()
    telemetry.setup_tracing(settings.service_name)
    gateway = Gateway(settings, transports)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await gateway.start()
        try:
            yield
        finally:
            await gateway.stop()

    app = FastAPI(
        title="Branchflow gateway",
        version="1.0.0",
        lifespan=lifespan,
        telemetry=telemetry.fastapi_telemetry(),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.gateway = gateway
    localize(app)  # each request, and each WebSocket, in its caller's language
    # routes, not a mount: a mount would redirect /graphql to /graphql/
    app.router.routes.append(Route("/graphql", gateway, methods=["GET", "POST"]))
    app.router.routes.append(WebSocketRoute("/graphql", gateway))

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> dict:
        return {"status": "ok", "live_updates": gateway.live_updates_ready()}

    return app
