"""The gateway's ASGI app: ``/graphql`` picks the caller's schema by the verified role."""

from contextlib import asynccontextmanager
from contextvars import ContextVar

import httpx
import orjson
from fastapi import FastAPI
from httpx_aiohttp import AiohttpTransport
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.context import GatewayContext
from branchflow_gateway.errors import ErrorCode, error_body, with_code
from branchflow_gateway.identify_client import IdentifyClient
from branchflow_gateway.live import LiveIdentifications
from branchflow_gateway.loaders import make_loaders
from branchflow_gateway.lobby_lists import LobbyLists
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime import telemetry
from branchflow_runtime.auth import InvalidToken, Role, Staff, TokenVerifier

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

    async def process_result(self, request, result):
        # errors raised before execution (parsing, the token limit) skip the schema's
        # extensions: give them their code here
        for error in result.errors or ():
            with_code(error)
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
        identify = self.gateway.identify
        return GatewayContext(
            staff=staff,
            identify=identify,
            loaders=make_loaders(identify, staff.token),
            live=self.gateway.live,
            lobby_lists=self.gateway.lobby_lists,
            trace_url_template=self.gateway.settings.trace_url_template,
        )


class Gateway:
    """Verifies the caller and hands the request to the view of its role's schema."""

    def __init__(self, settings: GatewaySettings, identify_transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._identify_transport = identify_transport  # tests put a fake identify service here
        self.verifier = TokenVerifier(settings)
        self.http: httpx.AsyncClient | None = None
        self.identify: IdentifyClient | None = None
        self.live: LiveIdentifications | None = None
        self.lobby_lists: LobbyLists | None = None
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
        limits = httpx.Limits(
            max_connections=self.settings.upstream_max_connections,
            max_keepalive_connections=self.settings.upstream_max_connections,
        )
        self.http = httpx.AsyncClient(
            base_url=self.settings.identify_url,
            timeout=self.settings.upstream_timeout_seconds,
            limits=limits,
            # httpx's API on aiohttp's connection pool: httpcore's pool scanned every pooled
            # connection on each request and release, 61 % of the gateway's CPU (bench/)
            transport=self._identify_transport or AiohttpTransport(limits=limits, trust_env=False),
            trust_env=False,  # service to service: no proxy settings read from the environment per request
        )
        telemetry.instrument_httpx_client(self.http)
        self.identify = IdentifyClient(self.http)
        if self.settings.live_updates:
            self.live = LiveIdentifications(self.settings.kafka_bootstrap_servers)
            await self.live.start()
        self.lobby_lists = LobbyLists(self.identify, self.live, self.settings.lobby_list_cache_seconds)

    async def stop(self) -> None:
        if self.live:
            await self.live.stop()
        if self.http:
            await self.http.aclose()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and self._wants_graphiql(scope):
            await self.any_view(scope, receive, send)  # the IDE page itself; queries carry a token
            return
        try:
            staff = self.verifier.verify(_token(scope))
        except InvalidToken as exc:
            await self._refuse(scope, receive, send, str(exc))
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
            await send({"type": "websocket.close", "code": 4401, "reason": reason[:120]})
            return
        response = JSONResponse(
            error_body(reason, ErrorCode.UNAUTHENTICATED),
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)


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
    raise InvalidToken("missing bearer token")


def create_app(
    settings: GatewaySettings | None = None, identify_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    settings = settings or GatewaySettings()
    telemetry.setup_tracing(settings.service_name)
    gateway = Gateway(settings, identify_transport)

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
    # routes, not a mount: a mount would redirect /graphql to /graphql/
    app.router.routes.append(Route("/graphql", gateway, methods=["GET", "POST"]))
    app.router.routes.append(WebSocketRoute("/graphql", gateway))

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> dict:
        return {"status": "ok", "live_updates": bool(gateway.live and gateway.live.ready.is_set())}

    return app
