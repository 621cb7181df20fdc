"""Ops open one flow's trace in the trace viewer of ``make run TRACES=1``.

The real pieces, wired as the launcher wires them: Phoenix (the trace viewer, from its own
locked environment), identify and the gateway as service processes of their own
(``components.SERVICES``, ``service_env``) exporting their spans over OTLP, the test session's
Tansu broker and PostgreSQL. A lobby manager's GraphQL mutation is followed, through the
viewer's REST API, from the gateway to identify, its outbox and the Kafka message, in one
trace; the ops view's ``traceUrl`` points at that trace in the viewer."""

import asyncio
import importlib.util
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from branchflow_devstack.components import SERVICES, service_env
from branchflow_devstack.trace_viewer import INSTALL_HINT, TraceViewer, phoenix_executable
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.embedded import free_port
from branchflow_runtime.settings import DEV_JWT_SECRET, project_root

pytestmark = pytest.mark.connected

START_TIMEOUT_SECONDS = 180  # Phoenix alone takes 15-45 s to start on a busy two-core machine
LOBBY = mint_token("lm-trace", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET)
OPS = mint_token("op-trace", Role.OPS, "HO", secret=DEV_JWT_SECRET)
MUTATION = """mutation($o: ObservationInput!) { recordObservation(observation: $o) { identificationId } }"""


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=project_root())


def wait_ready(processes: dict[str, tuple[subprocess.Popen, str, Path]]) -> None:
    """Until every process answers 200 on its readiness URL; fails naming the one that stopped."""
    pending = dict(processes)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    with httpx.Client(timeout=2, trust_env=False) as client:
        while pending:
            for name, (process, url, log) in list(pending.items()):
                if process.poll() is not None:
                    pytest.fail(f"{name} stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
                try:
                    if client.get(url).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"not ready after {START_TIMEOUT_SECONDS} s: {sorted(pending)}")
            time.sleep(0.3)


@pytest.fixture(scope="module")
async def platform(kafka_broker, database_factory, tmp_path_factory):
    """The trace viewer, then the services (their first spans find it listening); yields the
    viewer, the gateway's URL and the directory of every process's log."""
    if not phoenix_executable().exists():
        pytest.fail(INSTALL_HINT)
    logs = tmp_path_factory.mktemp("flow-trace")
    viewer = TraceViewer(port=free_port(), grpc_port=free_port(), working_dir=logs / "phoenix")
    ports = {s.name: free_port() for s in SERVICES}
    exporting = {
        **viewer.exporting_env(),
        "GATEWAY_TRACE_URL_TEMPLATE": viewer.trace_url_template,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # export within a fraction of a second, not 5 s
    }
    databases = {s.name: await database_factory(s.name) for s in SERVICES}
    processes = {"traces": (start(viewer.command(), viewer.env(), logs / "traces.log"), viewer.ready_url)}
    try:
        wait_ready({"traces": (*processes["traces"], logs / "traces.log")})
        for service in SERVICES:
            env = service_env(
                service,
                ports,
                databases[service.name],
                kafka_broker.bootstrap_servers,
                DEV_JWT_SECRET,
                exporting,
            )
            env[f"{service.name.upper()}_RELAY_IDLE_POLL_SECONDS"] = "0.2"
            ready_url = f"http://127.0.0.1:{ports[service.name]}/health/ready"
            processes[service.name] = (start(service.command, env, logs / f"{service.name}.log"), ready_url)
        wait_ready({name: (p, url, logs / f"{name}.log") for name, (p, url) in processes.items()})
        yield viewer, f"http://127.0.0.1:{ports['gateway']}", logs
    finally:
        for process, _ in processes.values():
            process.terminate()
        for process, _ in processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def graphql(client: httpx.AsyncClient, token: str, query: str, variables: dict | None = None) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def spans_of(viewer: TraceViewer, trace_id: str, until, timeout: float = 60.0) -> list[dict]:
    """The viewer's spans of one trace, asked again until ``until(spans)`` holds (export is batched)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        while True:
            response = await client.get(viewer.spans_url(), params={"trace_id": trace_id, "limit": 1000})
            spans = response.json()["data"] if response.status_code == 200 else []
            if until(spans) or time.monotonic() > deadline:
                return spans
            await asyncio.sleep(0.3)


def named(spans: list[dict], name: str) -> dict:
    found = [s for s in spans if s["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} spans in {sorted(s['name'] for s in spans)}"
    return found[0]


def kafka_spans(spans: list[dict]) -> tuple[dict, dict] | None:
    create = [s for s in spans if s["name"] == "customer.identified create"]
    publish = [s for s in spans if s["name"] == "customer.identified publish"]
    return (create[0], publish[0]) if create and publish else None


@pytest.fixture(scope="module")
async def flow(platform):
    """One lobby manager's observation, as ops find it: its trace id, its link, its spans."""
    viewer, gateway_url, logs = platform
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30, trust_env=False) as client:
        recorded = await graphql(
            client, LOBBY, MUTATION, {"o": {"customerId": "FLOWTRACE01", "purpose": "LARGE_CASH"}}
        )
        identification_id = recorded["recordObservation"]["identificationId"]
        found = await graphql(
            client,
            OPS,
            f'{{ identificationTrace(identificationId: "{identification_id}") {{ traceId traceUrl }} }}',
        )
    trace = found["identificationTrace"]
    spans = await spans_of(viewer, trace["traceId"], kafka_spans)
    if not kafka_spans(spans):  # what the processes said, to tell a lost export from a missing span
        said = {name: (logs / f"{name}.log").read_text()[-2000:] for name in ("gateway", "identify")}
        pytest.fail(f"the viewer has {sorted(s['name'] for s in spans)} of trace {trace['traceId']}; {said}")
    return viewer, trace, spans


async def test_one_trace_from_the_graphql_request_through_identify_and_its_outbox_to_kafka(flow):
    _, trace, spans = flow
    assert {s["context"]["trace_id"] for s in spans} == {trace["traceId"]}
    by_id = {s["context"]["span_id"]: s for s in spans}

    def parent(span: dict) -> dict:
        return by_id[span["parent_id"]]

    # the gateway's request is where the flow enters the platform (its parent, if any, is the
    # caller's: a front end, or this test's own instrumented client)
    request = named(spans, "POST /graphql")
    assert request["parent_id"] not in by_id
    # its call to identify, identify's handling of it, and the event the outbox relay published
    [call] = [s for s in spans if s["attributes"].get("http.url", "").endswith("/observations")]
    assert parent(call) is request
    handled = named(spans, "POST /observations")
    assert parent(handled) is call
    create, publish = kafka_spans(spans)
    assert parent(create) is handled  # the relay continued the trace stored with the outbox row
    assert parent(publish) is create
    assert publish["attributes"]["messaging.destination.name"] == "customer.identified"
    assert publish["attributes"]["messaging.kafka.message.key"] == "FLOWTRACE01"


async def test_the_ops_view_links_the_trace_id_to_the_viewer(flow):
    viewer, trace, _ = flow
    assert trace["traceUrl"] == viewer.trace_url_template.format(trace_id=trace["traceId"])
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        page = await client.get(trace["traceUrl"])
    assert page.status_code == 200 and "Phoenix" in page.text  # the viewer's page, which opens the trace


async def test_the_gateway_live_feed_reading_the_event_is_in_the_same_trace(flow):
    viewer, trace, spans = flow

    def read_back(spans: list[dict]) -> bool:
        sent = kafka_spans(spans)
        ids = {s["context"]["span_id"] for s in sent} if sent else set()
        return any(s["parent_id"] in ids and s not in sent for s in spans)

    # the event was read back when the publish spans were exported: a few seconds is plenty
    spans = await spans_of(viewer, trace["traceId"], read_back, timeout=5)
    assert read_back(spans), sorted(s["name"] for s in spans)


def test_the_viewer_runs_from_its_own_locked_environment():
    """Phoenix pins Strawberry and others at other versions than the gateway's: it is not in the
    services' environment, and its own lock file is committed."""
    assert importlib.util.find_spec("phoenix") is None
    assert (phoenix_executable().parents[2] / "uv.lock").is_file()
