"""Gateway lobby-list benchmark: the lobby manager's ``lobbyList`` query (10 items) through the
GraphQL gateway, beside the same data from identify's REST endpoint directly and from a raw
graphql-core server of the same shape, in ONE run on the same services and data.

    uv run python bench/gateway_lobby_list.py [--count N] [--concurrency C] [--rate R]

A benchmark, not a test: it prints figures and writes them to
``bench/results/gateway_lobby_list.json``; it asserts nothing about speed. It exits non-zero
only when the measurement itself is invalid (a service did not start, the seed or the shapes
were wrong, or any measured response was not a 200 with 10 items and no errors).

Targets, each measured closed loop (max req/s) and open loop (latency at a fixed rate):
  (a) gateway       ``python -m branchflow_gateway`` (Strawberry), one worker, → identify REST
  (b) rest          identify's ``GET /branches/BR001/identifications`` directly
  (c) graphql-core  a bare Starlette + graphql-core server (this file, ``--serve-graphql-core``),
                    one worker, whose resolver GETs the same REST endpoint with httpx
See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
from harness.cpu import BUSY_MACHINE_CORES, SATURATED_CLIENT_CORES, CpuMeter, machine_busy_now
from harness.http import LeanHttpClient
from harness.infrastructure import Infrastructure
from harness.load import Call, Phase, closed_loop, open_loop
from harness.processes import ServerProcess, env_with_telemetry, otlp_exporter_configured
from harness.profiling import IDLE_LEAVES, PySpy, package, short_frame, summarize_profile
from harness.report import RESULTS_DIR, machine, now_utc, run_in_workdir, save_results, source_fingerprint
from harness.services import IDENTIFY, OBSERVATION
from harness.stats import percentile

from branchflow_contracts import Channel, GuidanceAction
from branchflow_runtime.embedded import free_port

BRANCH = OBSERVATION.branch  # the lobby manager lm-001 seeds and reads this branch
ITEMS = 10
REST_PATH = f"/branches/{BRANCH}/identifications"
QUERY = (
    "{ lobbyList { identificationId customerId channel "
    "guidance { action callWealthManager script } identifiedAtLocal } }"
)
# targets: gateway throughput ≥ 0.8 × raw graphql-core; gateway p99 ≤ 1.3 × direct REST p99
THROUGHPUT_RATIO_TARGET = 0.8
P99_RATIO_TARGET = 1.3
# the open-loop client started a request this late (p99, ms): it did not keep to the schedule
CLIENT_LAG_NOTE_MS = 5.0
SEED_PREFIX = "L"
RESULTS_NAME = "gateway_lobby_list"
PROFILE_FILE = RESULTS_DIR / "gateway_profile.txt"

TARGETS = ("gateway", "rest", "graphql_core")
LABELS = {
    "gateway": "(a) gateway (Strawberry) → REST",
    "rest": "(b) identify REST direct",
    "graphql_core": "(c) raw graphql-core → REST",
}
PROCESSES = ("identify", "gateway", "graphql_core", "postgres_local", "broker", "bench_client", "other")


# --------------------------------------------------------------------------- (c) the raw server

RAW_SDL = f"""
scalar Date
scalar DateTime
enum Channel {{ {" ".join(c.name for c in Channel)} }}
enum GuidanceAction {{ {" ".join(a.name for a in GuidanceAction)} }}
type Guidance {{
  action: GuidanceAction!
  callWealthManager: Boolean!
  alternatives: [GuidanceAction!]!
  script: String!
}}
type LobbyIdentification {{
  identificationId: ID!
  customerId: String!
  channel: Channel!
  guidance: Guidance!
  callWealthManager: Boolean!
  identifiedAt: DateTime!
  identifiedAtLocal: String!
}}
type Query {{
  lobbyList(day: Date = null): [LobbyIdentification!]
}}
"""


def serve_graphql_core(port: int, identify_url: str) -> None:
    """(c): what a naive graphql-core server does. Starlette, one route, the schema from SDL,
    every request parsed, validated and executed by ``graphql.graphql``; the resolver GETs
    identify's REST endpoint with httpx (the caller's token forwarded, the branch fixed), and
    a camelCase → snake_case default resolver reads the JSON rows. No auth, limits or telemetry."""
    import uvicorn
    from graphql import build_schema, graphql
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    schema = build_schema(RAW_SDL)
    for name, enum in (("Channel", Channel), ("GuidanceAction", GuidanceAction)):
        for member, value in schema.get_type(name).values.items():
            value.value = enum[member].value  # identify's JSON holds the values, not the names
    state: dict[str, httpx.AsyncClient] = {}

    async def lobby_list(_root, info, day=None) -> list[dict]:
        response = await state["http"].get(
            REST_PATH,
            headers={"Authorization": info.context["authorization"]},
            params={"day": day} if day else None,
        )
        response.raise_for_status()
        return response.json()

    schema.query_type.fields["lobbyList"].resolve = lobby_list
    snake: dict[str, str] = {}

    def snake_case_field(source, info, **_args):
        key = snake.get(info.field_name)
        if key is None:
            key = snake[info.field_name] = re.sub(r"(?<!^)(?=[A-Z])", "_", info.field_name).lower()
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
            base_url=identify_url,
            timeout=5.0,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
        ) as http:
            state["http"] = http
            yield

    app = Starlette(
        routes=[Route("/graphql", endpoint, methods=["POST"]), Route("/health", health)],
        lifespan=lifespan,
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", access_log=False)


# --------------------------------------------------------------------------- server processes


def gateway_process(
    identify_url: str, bootstrap_servers: str, workdir: Path, lobby_cache_seconds: float | None
) -> ServerProcess:
    """As deployed: live updates on, so the gateway follows customer.identified and keeps the
    lobby list between identifications (``lobby_cache_seconds`` 0 = always ask identify)."""
    port = free_port()
    env = env_with_telemetry()
    env.update(
        GATEWAY_HTTP_HOST="127.0.0.1",
        GATEWAY_HTTP_PORT=str(port),
        GATEWAY_IDENTIFY_URL=identify_url,
        GATEWAY_KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers,
        GATEWAY_LIVE_UPDATES="true",
    )
    if lobby_cache_seconds is not None:
        env["GATEWAY_LOBBY_LIST_CACHE_SECONDS"] = str(lobby_cache_seconds)
    argv = [sys.executable, "-m", "branchflow_gateway"]
    return ServerProcess("gateway", argv, env, port, "/health/ready", workdir)


def graphql_core_process(identify_url: str, workdir: Path) -> ServerProcess:
    port = free_port()
    argv = [sys.executable, str(Path(__file__).resolve()), "--serve-graphql-core", str(port), identify_url]
    return ServerProcess("graphql_core", argv, dict(os.environ), port, "/health", workdir)


# --------------------------------------------------------------------------- requests


def rest_call(client: LeanHttpClient, headers: dict[str, str]) -> Call:
    async def call(_i: int) -> str | None:
        response = await client.get(REST_PATH, headers)
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:120]}"
        rows = orjson.loads(response.text)
        return None if len(rows) == ITEMS else f"{len(rows)} rows, not {ITEMS}"

    return call


def graphql_call(client: LeanHttpClient, headers: dict[str, str]) -> Call:
    body = {"query": QUERY}

    async def call(_i: int) -> str | None:
        response = await client.post("/graphql", body, headers)
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:120]}"
        result = orjson.loads(response.text)
        if result.get("errors"):
            return f"errors: {json.dumps(result['errors'])[:140]}"
        items = (result.get("data") or {}).get("lobbyList")
        return None if items is not None and len(items) == ITEMS else f"lobbyList {items!r:.60}"

    return call


# --------------------------------------------------------------------------- the run


@dataclass
class Target:
    name: str
    base_url: str
    make_call: Callable[[LeanHttpClient, dict[str, str]], Call]


async def seed(identify_url: str, headers: dict[str, str]) -> None:
    """Exactly ``ITEMS`` observations for BR001 today, by the lobby manager."""
    client = LeanHttpClient(identify_url, 1)
    try:
        for i in range(ITEMS):
            body = OBSERVATION.body(f"{SEED_PREFIX}{i:07d}")
            response = await client.post(OBSERVATION.path, body, headers)
            if response.status_code != OBSERVATION.ok_status:
                raise RuntimeError(f"seeding: HTTP {response.status_code}: {response.text[:200]}")
    finally:
        await client.aclose()


async def wait_live_feed(gateway_url: str, timeout: float = 30.0) -> None:
    """The gateway follows customer.identified once the topic exists (the seed made it)."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=2.0) as client:
        deadline = time.perf_counter() + timeout
        while not (await client.get("/health/ready")).json().get("live_updates"):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the gateway's live feed did not start within {timeout:.0f}s")
            await asyncio.sleep(0.2)


async def check_shapes(targets: dict[str, Target], headers: dict[str, str]) -> None:
    """One answer from each: REST has ``ITEMS`` rows, both GraphQL servers answer the same items,
    and those are the REST rows."""
    answers = {}
    for name, target in targets.items():
        client = LeanHttpClient(target.base_url, 1)
        try:
            if name == "rest":
                response = await client.get(REST_PATH, headers)
            else:
                response = await client.post("/graphql", {"query": QUERY}, headers)
        finally:
            await client.aclose()
        if response.status_code != 200:
            raise RuntimeError(f"{name}: HTTP {response.status_code}: {response.text[:300]}")
        answers[name] = orjson.loads(response.text)
    rows = answers["rest"]
    if len(rows) != ITEMS:
        raise RuntimeError(f"rest: {len(rows)} rows for {BRANCH} today, not {ITEMS}")
    expected = [
        {
            "identificationId": r["identification_id"],
            "customerId": r["customer_id"],
            "channel": Channel(r["channel"]).name,
            "guidance": {
                "action": GuidanceAction(r["guidance"]["action"]).name,
                "callWealthManager": r["guidance"]["call_wealth_manager"],
                "script": r["guidance"]["script"],
            },
            "identifiedAtLocal": r["identified_at_local"],
        }
        for r in rows
    ]
    for name in ("gateway", "graphql_core"):
        if answers[name] != {"data": {"lobbyList": expected}}:
            raise RuntimeError(f"{name} answered {json.dumps(answers[name])[:400]}, not the REST rows")


async def measure(
    target: Target, headers: dict[str, str], meter: CpuMeter, args: argparse.Namespace, mode: str
) -> Phase:
    """A fresh client (uvicorn drops keep-alive connections idle for 5 s), its warm-up, then
    the measured phase with the CPU meter running."""
    closed = mode == "closed"
    client = LeanHttpClient(target.base_url, args.concurrency if closed else args.open_loop_connections)
    call = target.make_call(client, headers)
    try:
        warm = await closed_loop(call, args.warmup, args.concurrency if closed else 8)
        if warm.failed:
            print(f"  warm-up {target.name}: {warm.failed}/{warm.sent} failed: {dict(warm.failures)}")
        meter.start()
        if closed:
            phase = await closed_loop(call, args.count, args.concurrency)
        else:
            phase = await open_loop(call, args.rate, args.seconds)
        phase.cpu = meter.stop()
    finally:
        await client.aclose()
    return phase


def phase_json(phase: Phase, front: str | None) -> dict:
    out = {
        "sent": phase.sent,
        "ok": phase.ok,
        "failed": phase.failed,
        "failures": dict(phase.failures.most_common(10)),
        "seconds": round(phase.seconds, 3),
        "attempts": phase.attempts,
        "requests_per_s": round(phase.ok / phase.seconds, 1),
        "latency_ms": phase.latency(),
        "cpu_cores": phase.cpu,
        # CPU milliseconds each request cost each process (the front server, identify, postgres)
        "cpu_ms_per_request": {
            name: round(share * phase.seconds * 1000 / phase.sent, 3)
            for name, share in (phase.cpu or {}).items()
            if share is not None and name in (front, "identify", "postgres_local", "bench_client")
        },
    }
    if phase.client_lag_ms is not None:
        out["kept_up"] = phase.seconds - phase.scheduled_s <= max(1.0, 0.1 * phase.scheduled_s)
        lag = phase.client_lag_ms
        out["client_lag_ms"] = {"p50": round(percentile(lag, 50), 2), "p99": round(percentile(lag, 99), 2)}
        out["max_in_flight"] = phase.max_in_flight
    return out


def _cpu_row(cpu: dict | None) -> str:
    cpu = cpu or {}
    return "  ".join("   n/a" if cpu.get(k) is None else f"{cpu[k]:6.2f}" for k in PROCESSES)


def _cache_label(seconds: float | None) -> str:
    if seconds is None:
        return "as configured by default"
    return "off" if seconds <= 0 else f"{seconds:g} s"


def print_report(results: dict) -> None:
    cfg, t = results["config"], results["targets"]
    print()
    print(
        f"gateway lobby list — {ITEMS} items; closed loop C={cfg['concurrency']} N={cfg['count']} "
        f"(+{cfg['warmup']} warm-up); open loop {cfg['rate']:g} req/s × {cfg['seconds']:g} s; "
        f"gateway lobby cache {_cache_label(cfg.get('gateway_lobby_cache_seconds'))}; one worker "
        f"each; telemetry on in identify and gateway; {cfg['postgres']} PostgreSQL; {cfg['cpus']} CPUs; "
        f"source {cfg['source']['sha256']} (changed {cfg['source']['newest_change']})"
    )
    rate = f"@{cfg['rate']:g}/s"
    closed_title = f"C={cfg['concurrency']} p50/p99 ms"
    open_title = f"{rate} p50 / p95 / p99 ms"
    header = f"{'target':<34}{'max req/s':>10}{closed_title:>18}   {open_title:>28}{'max':>8}"
    print("-" * len(header))
    print(header)
    print("-" * len(header))
    for name in TARGETS:
        closed, opened = t[name]["closed_loop"], t[name]["open_loop"]
        cl, ol = closed["latency_ms"], opened["latency_ms"]
        closed_lat = f"{cl['p50']:.1f} / {cl['p99']:.1f}"
        open_lat = f"{ol['p50']:.2f} / {ol['p95']:.2f} / {ol['p99']:.2f}"
        print(
            f"{LABELS[name]:<34}{closed['requests_per_s']:>10,.1f}{closed_lat:>18}"
            f"   {open_lat:>28}{ol['max']:>8.1f}"
        )
    print("-" * len(header))
    print("\nCPU (cores; 1.00 = one core busy) during each measured phase")
    print(f"{'':<34}" + "  ".join(f"{k[:6]:>6}" for k in PROCESSES))
    for mode, label in (("closed_loop", "max"), ("open_loop", rate)):
        for name in TARGETS:
            print(f"{LABELS[name][:27] + ' ' + label:<34}" + _cpu_row(t[name][mode]["cpu_cores"]))
    print(f"\nCPU ms per request at {cfg['rate']:g} req/s (front server / identify / postgres / bench)")
    for name in TARGETS:
        ms = t[name]["open_loop"]["cpu_ms_per_request"]
        front = ms.get(name, 0.0) if name != "rest" else 0.0
        print(
            f"  {LABELS[name]:<32}{front:6.2f} / {ms.get('identify', 0):.2f} / "
            f"{ms.get('postgres_local', 0):.2f} / {ms.get('bench_client', 0):.2f}"
        )

    notes = []
    for name in TARGETS:
        for mode in ("closed_loop", "open_loop"):
            cpu = t[name][mode]["cpu_cores"] or {}
            if (cpu.get("bench_client") or 0) >= SATURATED_CLIENT_CORES:
                notes.append(f"the load client used {cpu['bench_client']:.2f} of a core ({name}, {mode})")
            if (cpu.get("other") or 0) >= BUSY_MACHINE_CORES:
                notes.append(f"other processes used {cpu['other']:.2f} cores ({name}, {mode}): rerun")
        if not t[name]["open_loop"]["kept_up"]:
            most = t[name]["closed_loop"]["requests_per_s"]
            late = t[name]["open_loop"]["seconds"] - cfg["seconds"]
            notes.append(
                f"{name} did not keep up with {cfg['rate']:g} req/s (max {most:,.0f} req/s; the last answer "
                f"came {late:.1f} s after the last send): its latency at this rate is the queue growing "
                "over the run, not a service time"
            )
        lag = t[name]["open_loop"]["client_lag_ms"]
        if lag["p99"] > CLIENT_LAG_NOTE_MS:
            notes.append(f"the open-loop client started requests {lag['p99']:.1f} ms late (p99, {name})")
    for note in notes:
        print(f"note: {note}")

    r = results["ratios"]
    print()
    print(
        f"gateway / raw graphql-core throughput = {r['gateway_over_graphql_core_throughput']:.3f} "
        f"(target ≥ {THROUGHPUT_RATIO_TARGET}) → {'MET' if r['throughput_target_met'] else 'NOT MET'}"
    )
    print(
        f"gateway / direct REST p99 at {cfg['rate']:g} req/s = {r['gateway_over_rest_p99']:.3f} "
        f"(target ≤ {P99_RATIO_TARGET}) → {'MET' if r['p99_target_met'] else 'NOT MET'}"
        + (
            ""
            if t["gateway"]["open_loop"]["kept_up"]
            else f" — the gateway cannot sustain {cfg['rate']:g} req/s here "
            f"(max {t['gateway']['closed_loop']['requests_per_s']:,.0f} req/s)"
        )
    )
    print(
        f"(for reference: graphql-core / REST p99 = {r['graphql_core_over_rest_p99']:.3f}, "
        f"gateway / REST throughput = {r['gateway_over_rest_throughput']:.3f})"
    )


# Where a gateway sample's time goes: the first component whose pattern matches any frame of
# the stack (these are subtrees of a request), else the package of the innermost frame.
PROFILE_SUBTREES = (
    # py-spy sees a coroutine resumed by uvloop from its own frame up: a stack with any frame
    # of the HTTP client is part of the upstream call even when IdentifyClient is not in it
    (
        "upstream call to identify (httpx on aiohttp + its OTel client span)",
        r"IdentifyClient\._call \(|/httpx/|/httpx_aiohttp/|/aiohttp/|/yarl/|/multidict/|/httpcore/|/anyio/"
        r"|/h11/|instrumentation/httpx",
    ),
    ("GraphQL validation (graphql-core rules + limiters)", r"graphql/validation/|validate_document \("),
    ("GraphQL parsing", r"graphql/language/parser\.py"),
    ("GraphQL execution (without the upstream call)", r"graphql/execution/"),
    ("Strawberry extensions outside validation", r"strawberry/extensions/"),
    ("JWT verification", r"/jwt/|TokenVerifier\."),
)
PROFILE_LEAF_PACKAGES = (
    ("OpenTelemetry (server span, context)", ("opentelemetry",)),
    ("JSON", ("json", "orjson")),
    ("Strawberry HTTP view and schema glue", ("strawberry",)),
    (
        "HTTP server (uvicorn, Starlette, FastAPI, httptools)",
        ("uvicorn", "starlette", "fastapi", "httptools"),
    ),
    ("asyncio event loop", ("asyncio", "uvloop", "selectors")),
)


def profile_components(path: Path) -> dict:
    """Shares of the busy samples per component (see PROFILE_SUBTREES), and of the upstream call
    by the package of the innermost frame."""
    subtrees = [(label, re.compile(pattern)) for label, pattern in PROFILE_SUBTREES]
    components: Counter = Counter()
    upstream: Counter = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        leaf = short_frame(stack.rsplit(";", 1)[-1])
        if leaf in IDLE_LEAVES:
            continue
        total += int(n)
        label = next((label for label, pattern in subtrees if pattern.search(stack)), None)
        if label is None:
            top = package(leaf)
            label = next((lbl for lbl, pkgs in PROFILE_LEAF_PACKAGES if top in pkgs), "other")
        elif label == PROFILE_SUBTREES[0][0]:
            upstream[package(leaf)] += int(n)
        components[label] += int(n)

    def share(counter: Counter) -> list[tuple[str, float]]:
        return [(k, round(100 * c / total, 1)) for k, c in counter.most_common()] if total else []

    return {"components_pct": share(components), "upstream_call_by_package_pct": share(upstream)}


def print_profile(profile: dict) -> None:
    print(
        f"\npy-spy on the gateway during an extra closed loop (figures not in the table): "
        f"{profile['requests_per_s']:,.1f} req/s under sampling; {profile['samples']} busy samples "
        f"→ {profile['file']}"
    )
    for title, key, n in (
        ("where the time goes (% of busy samples)", "components_pct", 20),
        ("  of which the upstream call, by package", "upstream_call_by_package_pct", 8),
        ("self time by package", "self_pct_by_package", 12),
        ("self time by function", "self_pct", 20),
    ):  # inclusive_pct is in the JSON: framework wrappers head it
        print(f"{title}:" if "%" in title or title.startswith(" ") else f"{title} (% of busy samples):")
        for frame, pct in profile.get(key, [])[:n]:
            print(f"  {pct:5.1f}%  {frame}")


async def start_servers(
    infra: Infrastructure, args: argparse.Namespace, workdir: Path
) -> list[ServerProcess]:
    """identify, the gateway and the raw server, each ready; raises naming the one that is not."""
    identify = IDENTIFY.process(infra.database("identify_bench"), infra.bootstrap_servers, workdir)
    gateway = gateway_process(identify.base_url, infra.bootstrap_servers, workdir, args.lobby_cache_seconds)
    raw = graphql_core_process(identify.base_url, workdir)
    servers = [identify, gateway, raw]
    for server in servers:
        server.start()
    for server in servers:
        try:
            ready_s = await server.wait_ready()
        except Exception as exc:
            raise RuntimeError(
                f"{server.name} did not start: {exc}\nlog: {server.log_file}\n{server.log_tail()}"
            ) from exc
        print(f"{server.name} ready after {ready_s:.1f}s (pid {server.pid}, port {server.port})")
    return servers


async def measure_phases(
    targets: dict[str, Target], headers: dict[str, str], meter: CpuMeter, args: argparse.Namespace
) -> dict[str, dict[str, Phase]]:
    """Each target closed loop, then each open loop, in ``args.order``; a phase during which
    other jobs competed for the CPUs is measured again (``--busy-retries``)."""
    phases: dict[str, dict[str, Phase]] = {name: {} for name in TARGETS}
    for mode in ("closed", "open"):
        for name in args.order:
            for attempt in range(1 + args.busy_retries):
                await asyncio.sleep(1.0)  # let the previous phase's stragglers settle
                phase = await measure(targets[name], headers, meter, args, mode)
                phase.attempts = attempt + 1
                lat = phase.latency()
                other = phase.cpu.get("other") or 0.0
                print(
                    f"{mode:>6} loop  {name:<13} {phase.ok / phase.seconds:8.1f} req/s  "
                    f"p50/p99 {lat['p50']:.2f}/{lat['p99']:.2f} ms  failed {phase.failed}  "
                    f"other {other:.2f} cores"
                )
                if other < BUSY_MACHINE_CORES or phase.failed:
                    break
                if attempt < args.busy_retries:
                    print("  another job competed for the CPUs: measuring this phase again")
            phases[name][mode] = phase
    return phases


async def profile_gateway(gateway: ServerProcess, headers: dict[str, str], args: argparse.Namespace) -> dict:
    """py-spy on the gateway during an extra closed loop, after the measured phases."""
    await asyncio.sleep(1.0)
    client = LeanHttpClient(gateway.base_url, args.concurrency)
    call = graphql_call(client, headers)
    try:
        await closed_loop(call, args.warmup, args.concurrency)
        profiler = PySpy(args.py_spy, gateway.pid, PROFILE_FILE)
        profiler.start()
        try:
            sampled = await closed_loop(call, args.count, args.concurrency)
        finally:
            profiler.stop()
    finally:
        await client.aclose()
    return {
        "file": str(PROFILE_FILE),
        "requests_per_s": round(sampled.ok / sampled.seconds, 1),
        "failed": sampled.failed,
        **profile_components(PROFILE_FILE),
        **summarize_profile(PROFILE_FILE, top=40),
    }


def build_results(
    phases: dict[str, dict[str, Phase]],
    args: argparse.Namespace,
    infra: Infrastructure,
    code: dict,
    busy_before,
) -> dict:
    fronts = {"gateway": "gateway", "rest": None, "graphql_core": "graphql_core"}
    t = {
        name: {
            "closed_loop": phase_json(phases[name]["closed"], fronts[name]),
            "open_loop": phase_json(phases[name]["open"], fronts[name]),
        }
        for name in TARGETS
    }
    gw_rps = t["gateway"]["closed_loop"]["requests_per_s"]
    raw_rps = t["graphql_core"]["closed_loop"]["requests_per_s"]
    rest_rps = t["rest"]["closed_loop"]["requests_per_s"]
    gw_p99 = t["gateway"]["open_loop"]["latency_ms"]["p99"]
    rest_p99 = t["rest"]["open_loop"]["latency_ms"]["p99"]
    raw_p99 = t["graphql_core"]["open_loop"]["latency_ms"]["p99"]
    failed = sum(p.failed for by_mode in phases.values() for p in by_mode.values())
    return {
        "measured_at": now_utc(),
        "valid": failed == 0,
        "query": QUERY,
        "config": {
            "items": ITEMS,
            "count": args.count,
            "concurrency": args.concurrency,
            "warmup": args.warmup,
            "rate": args.rate,
            "seconds": args.seconds,
            "open_loop_connections": args.open_loop_connections,
            "order": args.order,
            "busy_retries": args.busy_retries,
            "gateway_lobby_cache_seconds": args.lobby_cache_seconds,
            "client": "lean (bench/harness/http.py LeanHttpClient)",
            "workers": 1,
            "telemetry": "on in identify and gateway (OTEL_SDK_DISABLED unset); none in graphql-core",
            "otlp_exporter": otlp_exporter_configured(),
            "postgres": infra.postgres_label,
            "broker": "embedded Tansu (memory)",
            "machine_busy_before_run_cores": busy_before,
            **machine(),
            "source": code,
        },
        "targets": t,
        "ratios": {
            "gateway_over_graphql_core_throughput": round(gw_rps / raw_rps, 3),
            "throughput_target": THROUGHPUT_RATIO_TARGET,
            "throughput_target_met": gw_rps >= THROUGHPUT_RATIO_TARGET * raw_rps,
            "gateway_over_rest_p99": round(gw_p99 / rest_p99, 3),
            "p99_target": P99_RATIO_TARGET,
            "p99_target_met": gw_p99 <= P99_RATIO_TARGET * rest_p99,
            "graphql_core_over_rest_p99": round(raw_p99 / rest_p99, 3),
            "gateway_over_rest_throughput": round(gw_rps / rest_rps, 3),
        },
    }


async def run(args: argparse.Namespace, workdir: Path) -> int:
    servers: list[ServerProcess] = []
    busy_before = machine_busy_now()
    if (busy_before or 0) >= BUSY_MACHINE_CORES:
        print(f"note: the machine was already busy ({busy_before:.2f} cores) before the run")
    async with Infrastructure(workdir) as infra:
        try:
            print(f"broker {infra.bootstrap_servers}; logs {workdir}")
            code = source_fingerprint("gateway/src", *IDENTIFY.sources)
            try:
                servers = await start_servers(infra, args, workdir)
            except RuntimeError as exc:
                print(exc, file=sys.stderr)
                return 2
            identify, gateway, raw = servers

            headers = OBSERVATION.headers()
            targets = {
                "gateway": Target("gateway", gateway.base_url, graphql_call),
                "rest": Target("rest", identify.base_url, rest_call),
                "graphql_core": Target("graphql_core", raw.base_url, graphql_call),
            }
            try:
                await seed(identify.base_url, headers)
                await wait_live_feed(gateway.base_url)
                await check_shapes(targets, headers)
            except Exception as exc:
                print(f"invalid setup: {exc}", file=sys.stderr)
                return 2
            print(
                f"seeded {ITEMS} identifications for {BRANCH}; "
                f"the three targets answer the same {ITEMS} items"
            )

            pids = {server.name: server.pid for server in servers} | {"broker": infra.broker_pid}
            meter = CpuMeter(pids, infra.postmaster_pid)
            phases = await measure_phases(targets, headers, meter, args)
            profile = await profile_gateway(gateway, headers, args) if args.py_spy else None

            results = build_results(phases, args, infra, code, busy_before)
            if profile:
                results["gateway_profile"] = profile
            print_report(results)
            if profile:
                print_profile(profile)
            save_results(RESULTS_NAME, results)
            if not results["valid"]:
                failed = sum(p.failed for by_mode in phases.values() for p in by_mode.values())
                print(f"\nINVALID: {failed} measured requests failed:", file=sys.stderr)
                for name, by_mode in phases.items():
                    for mode, phase in by_mode.items():
                        for reason, n in phase.failures.most_common(5):
                            print(f"  {name} {mode}: {n:>6} × {reason}", file=sys.stderr)
                return 3
            return 0
        finally:
            for server in reversed(servers):
                server.stop()


def main() -> int:
    if sys.argv[1:2] == ["--serve-graphql-core"]:  # the subprocess of target (c)
        serve_graphql_core(int(sys.argv[2]), sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="closed-loop requests per target (3000)")
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop requests in flight (32)")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests before each phase (200)")
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests per second (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="open-loop duration (10)")
    parser.add_argument(
        "--open-loop-connections",
        type=int,
        default=256,
        help="most connections the open-loop client opens; a request that finds none free waits, "
        "and the wait counts in its latency (256)",
    )
    parser.add_argument(
        "--order",
        type=lambda s: s.split(","),
        default=["rest", "graphql_core", "gateway"],
        help="order of the targets in each phase, comma-separated (rest,graphql_core,gateway)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="PATH",
        help="py-spy executable: after the measurements, profile the gateway during an extra "
        "closed loop (collapsed stacks in bench/results/gateway_profile.txt)",
    )
    parser.add_argument(
        "--busy-retries",
        type=int,
        default=2,
        metavar="K",
        help="measure a phase again, up to K times, when other jobs used ≥ 0.25 cores during it (2)",
    )
    parser.add_argument(
        "--lobby-cache-seconds",
        type=float,
        metavar="S",
        help="the gateway's GATEWAY_LOBBY_LIST_CACHE_SECONDS; 0 = every request asks identify "
        "(default: the gateway's own default)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the logs")
    args = parser.parse_args()
    if min(args.count, args.concurrency, args.warmup, args.open_loop_connections) < 1 or args.rate <= 0:
        parser.error("--count, --concurrency, --warmup, --open-loop-connections and --rate must be > 0")
    if args.busy_retries < 0:
        parser.error("--busy-retries must be ≥ 0")
    if sorted(args.order) != sorted(TARGETS):
        parser.error(f"--order must name each of {', '.join(TARGETS)} once")

    return run_in_workdir(run, args, prefix="gateway-bench-")


if __name__ == "__main__":
    sys.exit(main())
