"""The gateway's ASGI app: ``/graphql`` picks the caller's schema by the verified role."""

import json
from collections.abc import Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar

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
        if staff is None:  # the GraphiQL page itself (dev mode): nothing is executed
            return None
        domains = self.gateway.domains.values()
        return GatewayContext(
            staff=staff, locale=current_locale(), **{d.name: d.request_context(staff) for d in domains}
        )

    async def on_ws_connect(self, context: GatewayContext):
        """``connection_init``: the connection may choose its language (``language``)."""
        context.locale = chosen_on_connection(context.connection_params, context.locale)
        return UNSET


class Gateway:
    """Verifies the caller and hands the request to the view of its role's schema."""

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
            staff = self.verifier.verify(_token(scope))
        except InvalidToken as exc:  # the runtime's texts
            await self._refuse(
                scope, receive, send, RUNTIME_CATALOGUE.gettext(exc.message).format(**exc.params)
            )
            return
        if scope["type"] == "http" and scope["method"] == "POST":
            limit = self.settings.max_body_bytes
            try:
                receive = replay(await read_body(scope, receive, limit))
            except BodyTooLarge:
                message = _("the request body is larger than {limit} bytes").format(limit=limit)
                await refusal(413, message, ErrorCode.BAD_USER_INPUT)(scope, receive, send)
                return
        scope[STAFF_KEY] = staff
        await self.views[staff.role](scope, receive, send)

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


def _token(scope) -> str:
    """From ``Authorization: Bearer …``; a browser's WebSocket cannot set headers, so there
    the ``token`` query parameter is accepted too."""
    headers = dict(scope.get("headers", []))
    value = headers.get(b"authorization", b"").decode()
    if value.lower().startswith("bearer "):
        return value[7:].strip()
    if scope["type"] == "websocket":
        from urllib.parse import parse_qs

        token = parse_qs(scope.get("query_string", b"").decode()).get("token")
        if token:
            return token[0]
    raise InvalidToken("missing bearer token")  # a text of the runtime's catalogue


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
