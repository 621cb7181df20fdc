"""Ops open an identification's trace from the gateway: ``traceUrl`` fills the configured trace
viewer's template with the trace id; without a template there is no link."""

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import ValidationError

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role

from .conftest import graphql

IDENTIFICATION = "0b0e7f0e-0000-4000-8000-000000000001"
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
QUERY = f'{{ identificationTrace(identificationId: "{IDENTIFICATION}") {{ traceId traceUrl }} }}'


def identify(request: httpx.Request) -> httpx.Response:
    row = {
        "identification_id": IDENTIFICATION,
        "branch_id": "BR001",
        "trace_id": TRACE_ID,
        "identified_at": "2026-11-22T01:00:00Z",
    }
    if request.url.path == "/identifications":
        return httpx.Response(200, json=[row])
    return httpx.Response(404, json={"detail": "no such identification"})


async def ops_trace(template: str) -> dict:
    settings = GatewaySettings(live_updates=False, trace_url_template=template)
    app = create_app(settings, transports={"identify": httpx.MockTransport(identify)})
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
    ):
        body = (await graphql(client, QUERY, Role.OPS)).json()
    assert "errors" not in body, body
    return body["data"]["identificationTrace"]


async def test_the_trace_id_links_to_the_trace_viewer():
    trace = await ops_trace("http://127.0.0.1:6006/redirects/traces/{trace_id}")
    assert trace == {"traceId": TRACE_ID, "traceUrl": f"http://127.0.0.1:6006/redirects/traces/{TRACE_ID}"}


async def test_no_trace_viewer_no_link():
    assert await ops_trace("") == {"traceId": TRACE_ID, "traceUrl": None}


@pytest.mark.parametrize(
    "template", ["http://jaeger:16686/trace/", "http://jaeger/{trace}", "http://x/{trace_id}/{span_id}"]
)
def test_a_template_without_its_place_for_the_trace_id_is_refused_at_start(template):
    with pytest.raises(ValidationError, match=r"must contain \{trace_id\}"):
        GatewaySettings(trace_url_template=template)
