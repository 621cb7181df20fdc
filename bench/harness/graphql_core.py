"""A raw graphql-core server: what a naive GraphQL server does, the baseline a GraphQL server is
compared with. Starlette and uvicorn with one worker, the schema built from SDL, every request
parsed, validated and executed by ``graphql.graphql``. Each query field GETs a REST path of an
upstream service with httpx (the caller's ``Authorization`` forwarded, the field's arguments as
query parameters), and a camelCase → snake_case default resolver reads the JSON rows. No auth,
limits or telemetry. It runs in its own process: ``RawGraphQL(...).process(upstream, workdir)``."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import httpx

from branchflow_runtime.embedded import free_port
from harness.processes import ServerProcess

BENCH_DIR = Path(__file__).resolve().parents[1]  # where ``harness`` is imported from


@dataclass(frozen=True)
class RawGraphQL:
    sdl: str
    fields: dict[str, str]  # a Query field → the upstream REST path it GETs
    enums: dict[str, type[Enum]] = field(default_factory=dict)  # GraphQL enum → the values in the JSON

    def spec(self) -> str:
        enums = {name: {member.name: member.value for member in enum} for name, enum in self.enums.items()}
        return json.dumps({"sdl": self.sdl, "fields": self.fields, "enums": enums})

    def process(self, upstream_url: str, workdir: Path, name: str = "graphql_core") -> ServerProcess:
        port = free_port()
        argv = [sys.executable, "-m", "harness.graphql_core", str(port), upstream_url, self.spec()]
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH_DIR), os.getenv("PYTHONPATH")]))
        )
        return ServerProcess(name, argv, env, port, "/health", workdir)


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def app(upstream_url: str, spec: dict, transport: httpx.AsyncBaseTransport | None = None):
    """The server's ASGI app for ``RawGraphQL.spec()``; ``transport`` stands in for the network
    in tests."""
    from graphql import build_schema, graphql
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    schema = build_schema(spec["sdl"])
    for name, values in spec["enums"].items():
        for member, value in schema.get_type(name).values.items():
            value.value = values[member]  # the upstream's JSON holds the values, not the names
    state: dict[str, httpx.AsyncClient] = {}

    def rest_resolver(path: str):
        async def resolve(_root, info, **arguments) -> list[dict]:
            params = {key: value for key, value in arguments.items() if value is not None}
            response = await state["http"].get(
                path, headers={"Authorization": info.context["authorization"]}, params=params or None
            )
            response.raise_for_status()
            return response.json()

        return resolve

    for field_name, path in spec["fields"].items():
        schema.query_type.fields[field_name].resolve = rest_resolver(path)
    snake: dict[str, str] = {}

    def snake_case_field(source, info, **_args):
        key = snake.get(info.field_name)
        if key is None:
            key = snake[info.field_name] = _camel_to_snake(info.field_name)
        return source.get(key)

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.json()
        result = await graphql(
            schema,
            body["query"],
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
            context_value={"authorization": request.headers.get("authorization", "")},
            field_resolver=snake_case_field,
        )
        payload: dict = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        return JSONResponse(payload)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        # the same pool as the gateway's client to identify
        async with httpx.AsyncClient(
            base_url=upstream_url,
            timeout=5.0,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
            transport=transport,
        ) as http:
            state["http"] = http
            yield

    return Starlette(
        routes=[Route("/graphql", endpoint, methods=["POST"]), Route("/health", health)],
        lifespan=lifespan,
    )


if __name__ == "__main__":
    import uvicorn

    port, upstream_url, spec = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
    uvicorn.run(app(upstream_url, spec), host="127.0.0.1", port=port, log_level="info", access_log=False)
